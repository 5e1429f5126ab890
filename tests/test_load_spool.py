"""A large delivery's validated rows are kept in a spool file until written (loaders/spool.py).

The spooled load must be indistinguishable from the in-memory one in what it writes (both stores),
write nothing when it fails, keep its file private (0600 in a 0700 folder) and delete it after
the load, whatever the outcome; ``TUPU_LOAD_SPOOL_MB`` decides which way a load goes.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

import tests.realworld as rw
from tests.realworld import store_content
from tests.test_load_memory import export
from tests.test_resolve import FILES as RESOLVE_FILES
from tests.test_resolve import write
from tupu.errors import ConfigError, ValidationFailed
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import Changes, Props, RelGroup, RelRow
from tupu.graph.stores.neo4j_store import Neo4jStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders import pipeline
from tupu.loaders.pipeline import LoadReport, input_bytes, load
from tupu.loaders.spool import CHUNK, PREFIX, Spool, SpoolChangeSet, SpoolOrigins, remove_stale
from tupu.settings import Settings, get_settings


class Recorded(Spool):
    """A spool that remembers itself and the modes of its folder and file when made."""

    made: list[Recorded] = []

    def __init__(self, where: Path | None = None) -> None:
        super().__init__(where)
        self.modes = (stat.S_IMODE(self.dir.stat().st_mode), stat.S_IMODE(self.path.stat().st_mode))
        Recorded.made.append(self)


@pytest.fixture
def spools(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[list[Recorded]]:
    """The spools loads make, every load spooled (TUPU_LOAD_SPOOL_MB=0)."""
    monkeypatch.setenv("TUPU_LOAD_SPOOL_MB", "0")
    get_settings.cache_clear()
    Recorded.made = []
    monkeypatch.setattr(pipeline, "Spool", Recorded)
    yield Recorded.made
    monkeypatch.delenv("TUPU_LOAD_SPOOL_MB")
    get_settings.cache_clear()


def deliveries(folder: Path) -> list[list[Path]]:
    """The mini city, then exports that create, merge, rename and complete enterprises and
    observations (resolution, period merges and the session's pending facts all take part)."""
    (folder / "again").mkdir(parents=True)
    write(folder / "resolve", RESOLVE_FILES)
    return [[rw.base_city(folder / "city")],
            [folder / "resolve" / "a"], [folder / "resolve" / "b"],
            [rw.statistics_list(folder, 1)],
            [rw.business_export(folder, 1), rw.old_registry(folder, 1)],
            [rw.statistics_list(folder / "again", 2), rw.change_list(folder, 1)],
            [export(folder / "外地企业名录.csv", 300)]]


def load_all(store: GraphStore, folder: Path) -> list[LoadReport]:
    return [load(paths, store) for paths in deliveries(folder)]


def content(store: GraphStore) -> tuple[object, object]:
    """:func:`store_content` less the ``Delivery`` nodes of chunked Neo4j writes (named by time)."""
    nodes, rels = store_content(store)
    assert isinstance(nodes, dict)
    return {k: v for k, v in nodes.items() if k != "Delivery"}, rels


def test_the_spool_keeps_rows_in_order_with_their_values(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:
        assert stat.S_IMODE(spool.dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600
        assert spool.dir.parent == tmp_path
        changes = SpoolChangeSet(spool)
        rows: list[Props] = [{"id": f"k{i}", "n": i, "x": i / 3, "ok": i % 2 == 0,
                              "on": dt.date(2025, 1, 1 + i % 28), "名称": "企业" * i}
                             for i in range(5_003)]
        for row in rows:
            changes.add_node("Enterprise", row)
        changes.add_rel("IN_SUBSECTOR", "Enterprise", "SubSector", RelRow("k1", "0241", {"w": 1.5}))
        assert list(changes.nodes["Enterprise"]) == rows  # read back in chunks, in order
        assert list(changes.nodes["Enterprise"]) == rows  # and again
        assert changes.node_count == 5_003 and changes.rel_count == 1
        assert changes.nodes["Enterprise"][-1] == rows[-1]
        changes.nodes["Enterprise"][2] = {"id": "k2", "n": -2}
        assert changes.nodes["Enterprise"][2] == {"id": "k2", "n": -2}
        changes.rewrite_nodes("Enterprise", lambda p: {**p, "w": 1})
        assert all(p["w"] == 1 for p in changes.nodes["Enterprise"])
        changes.replace_nodes("Enterprise", (p for p in changes.nodes["Enterprise"] if p["n"] != 7))
        assert len(changes.nodes["Enterprise"]) == 5_002
        assert list(changes.rels[("IN_SUBSECTOR", "Enterprise", "SubSector")]) == [
            RelRow("k1", "0241", {"w": 1.5})]
        origins: SpoolOrigins[tuple[str, str]] = SpoolOrigins(spool, "node")
        origins[("Enterprise", "k1")] = ("a.csv", 3)
        origins[("Enterprise", "k1")] = ("b.csv", None)
        origins[("Project", "p")] = ("c.csv", 9)
        assert ("Enterprise", "k1") in origins and ("Enterprise", "k2") not in origins
        assert origins.get(("Enterprise", "k1")) == ("b.csv", None) and len(origins) == 2
        assert sorted(origins) == [("Enterprise", "k1"), ("Project", "p")]
        del origins[("Project", "p")]
        assert len(origins) == 1 and origins.pop(("Project", "p"), None) is None
        folder = spool.dir
    assert not folder.exists()


def test_spooled_origins_answer_alike_whether_written_out_or_waiting(tmp_path: Path) -> None:
    """Origins wait in memory and go to the file in batches: a look-up, a deletion and a look-up
    of many at once answer the same on both sides of a batch, as a dict does."""
    with Spool(tmp_path) as spool:
        origins: SpoolOrigins[tuple[str, str]] = SpoolOrigins(spool, "node")
        expected: dict[tuple[str, str], tuple[str, int | None]] = {}
        n = CHUNK * 2 + 7  # two batches in the file, seven waiting
        for i in range(n):
            origins[("Enterprise", f"k{i}")] = expected[("Enterprise", f"k{i}")] = ("a.csv", i)
        origins[("Enterprise", "k3")] = expected[("Enterprise", "k3")] = ("b.csv", None)  # in the file
        origins[("Enterprise", f"k{n - 1}")] = ("c.csv", 1)  # waiting, set again
        expected[("Enterprise", f"k{n - 1}")] = ("c.csv", 1)
        del origins[("Enterprise", "k5")], expected[("Enterprise", "k5")]  # in the file
        del origins[("Enterprise", f"k{n - 2}")], expected[("Enterprise", f"k{n - 2}")]  # waiting
        with pytest.raises(KeyError):
            del origins[("Enterprise", "k5")]
        for key in [("Enterprise", "k0"), ("Enterprise", "k3"), ("Enterprise", "k5"),
                    ("Enterprise", f"k{n - 1}"), ("Enterprise", f"k{n - 2}"), ("Project", "k0")]:
            assert origins.get(key) == expected.get(key), key
            assert (key in origins) == (key in expected), key
        asked = {("Enterprise", "k1"), ("Enterprise", "k5"), ("Enterprise", f"k{n - 2}"),
                 ("Enterprise", f"k{n - 1}"), ("Project", "k1"), ("Enterprise", "x")}
        assert origins.missing(asked) == {k for k in asked if k not in expected}
        assert origins.missing(set()) == set()
        assert origins.missing(asked) == {k for k in asked if k not in expected}  # asked again
        assert len(origins) == len(expected) and set(origins) == set(expected)


def test_a_spool_left_by_a_killed_load_is_removed_by_the_next(tmp_path: Path) -> None:
    gone = tmp_path / f"{PREFIX}{dead_pid()}-abc"
    gone.mkdir(mode=0o700)
    (gone / "delivery.sqlite").write_bytes(b"")
    mine = tmp_path / f"{PREFIX}{os.getpid()}-def"
    mine.mkdir(mode=0o700)
    other = tmp_path / "tupu-spool-notes"
    other.mkdir()
    with Spool(tmp_path) as spool:
        assert not gone.exists() and mine.exists() and other.exists() and spool.dir.exists()
    assert remove_stale(tmp_path) == []


def dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_spooled_load_writes_what_the_in_memory_load_writes(
    tmp_path: Path, store: GraphStore, spools: list[Recorded], monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(store, Neo4jStore):  # larger deliveries go in chunks, streamed from the spool
        monkeypatch.setattr(store, "tx_rows", 150)
    monkeypatch.setenv("TUPU_LOAD_SPOOL_MB", "1000")
    get_settings.cache_clear()
    in_memory = load_all(store, tmp_path / "a")
    assert not spools
    expected = content(store)
    store.clear()
    monkeypatch.setenv("TUPU_LOAD_SPOOL_MB", "0")
    get_settings.cache_clear()
    spooled = load_all(store, tmp_path / "b")
    assert len(spools) == len(in_memory)
    assert content(store) == expected
    assert [(r.nodes, r.relationships, r.summary) for r in spooled] == [
        (r.nodes, r.relationships, r.summary) for r in in_memory]
    assert [[str(i) for i in r.review] for r in spooled] == [
        [str(i) for i in r.review] for r in in_memory]
    assert any(row.merged for r in spooled for row in r.summary)  # resolution merged records
    assert any(r.review for r in spooled)
    for spool in spools:
        assert spool.modes == (0o700, 0o600)
        assert not spool.dir.exists() and spool.db is None


def test_a_spooled_dry_run_and_a_refused_delivery_leave_no_spool(
    tmp_path: Path, store: GraphStore, spools: list[Recorded]
) -> None:
    load([rw.base_city(tmp_path / "city")], store)
    before = store_content(store)
    report = load([export(tmp_path / "名录.csv", 200)], store, dry_run=True)
    assert report.nodes["Enterprise"] == 200 and not report.written
    with pytest.raises(ValidationFailed):
        load([rw.refused_file(tmp_path)], store)
    assert store_content(store) == before
    assert len(spools) == 3 and not any(s.dir.exists() for s in spools)


class Failing:
    """A change set that fails after half of its relationship rows have been read (a spool that
    cannot be read on, a killed load)."""

    def __init__(self, changes: Changes) -> None:
        self.inner = changes
        self.left = changes.rel_count // 2

    @property
    def nodes(self) -> Mapping[str, Sequence[Props]]:
        return self.inner.nodes

    @property
    def rels(self) -> Mapping[RelGroup, Sequence[RelRow]]:
        return {group: self._failing(rows) for group, rows in self.inner.rels.items()}

    def _failing(self, rows: Sequence[RelRow]) -> Sequence[RelRow]:
        outer = self

        class Rows(Sequence[RelRow]):
            def __len__(self) -> int:
                return len(rows)

            def __getitem__(self, i):  # type: ignore[no-untyped-def]
                return rows[i]

            def __iter__(self) -> Iterator[RelRow]:
                for row in rows:
                    if outer.left <= 0:
                        raise OSError("the spool cannot be read")
                    outer.left -= 1
                    yield row

        return Rows()

    @property
    def node_count(self) -> int:
        return self.inner.node_count

    @property
    def rel_count(self) -> int:
        return self.inner.rel_count


def test_a_spooled_load_that_fails_midway_writes_nothing(
    tmp_path: Path, store: GraphStore, spools: list[Recorded], monkeypatch: pytest.MonkeyPatch
) -> None:
    load([rw.base_city(tmp_path / "city")], store)
    before = store_content(store)
    apply = store.apply
    monkeypatch.setattr(store, "apply", lambda changes, *a, **k: apply(Failing(changes), *a, **k))
    with pytest.raises(OSError):
        load([rw.statistics_list(tmp_path, 1), export(tmp_path / "名录.csv", 300)], store)
    monkeypatch.setattr(store, "apply", apply)
    if isinstance(store, MemoryStore):
        store = MemoryStore(store.path)  # what is on disk, too
    assert store_content(store) == before
    assert len(spools) == 2 and not any(s.dir.exists() for s in spools)


def test_a_memory_store_without_a_file_rolls_back_a_failed_streamed_write(
    tmp_path: Path, spools: list[Recorded], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(None)
    load([rw.base_city(tmp_path / "city")], store)
    before = store_content(store)
    apply = store.apply
    monkeypatch.setattr(store, "apply", lambda changes, *a, **k: apply(Failing(changes), *a, **k))
    with pytest.raises(OSError):
        load([export(tmp_path / "名录.csv", 300)], store)
    assert store_content(store) == before


def test_the_setting_decides_which_loads_spool(
    tmp_path: Path, spools: list[Recorded], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(None)
    load([rw.base_city(tmp_path / "city")], store)
    path = export(tmp_path / "名录.csv", 2_000)  # about 0.3 MB
    size = path.stat().st_size
    assert input_bytes([path], 1e12) == size
    assert input_bytes([tmp_path], 1e12) >= size  # a folder: the files in it
    for mb, spooled in (("1", False), ("0.1", True), ("0", True)):
        monkeypatch.setenv("TUPU_LOAD_SPOOL_MB", mb)
        get_settings.cache_clear()
        made = len(spools)
        report = load([path], store, dry_run=True)
        assert report.nodes["Enterprise"] == 2_000
        assert (len(spools) > made) == spooled, mb
    monkeypatch.setenv("TUPU_LOAD_SPOOL_MB", "-1")
    get_settings.cache_clear()
    with pytest.raises(ConfigError):
        get_settings()


class Cramped(Recorded):
    """A spool whose file may not grow past a few pages: sqlite answers as on a full disk."""

    def __init__(self, where: Path | None = None) -> None:
        super().__init__(where)
        self.conn.execute("PRAGMA max_page_count = 8")


def test_a_full_disk_under_the_spool_is_one_chinese_line_and_exit_3(
    tmp_path: Path, settings: Settings, spools: list[Recorded],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from tupu.api.cli import main

    load([rw.base_city(tmp_path / "city")], MemoryStore(settings.snapshot_path))
    before = store_content(MemoryStore(settings.snapshot_path))
    monkeypatch.setattr(pipeline, "Spool", Cramped)
    code = main(["load", str(export(tmp_path / "名录.csv", 2_000))])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 3 and len(lines) == 1 and "Traceback" not in err, err
    assert "磁盘空间不足" in lines[0] and "delivery.sqlite" in lines[0], lines[0]
    assert store_content(MemoryStore(settings.snapshot_path)) == before
    assert spools and not any(s.dir.exists() for s in spools)
