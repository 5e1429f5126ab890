"""The memory store's snapshot: atomic replacement, a killed load leaves the previous map intact."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from tests.minicity import uscc, write_city
from tupu.errors import StoreUnavailable
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.snapshot import SnapshotCorrupt, read_snapshot, write_snapshot
from tupu.loaders.pipeline import load


def _big_enterprise_file(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,name,province,city,annual_revenue,business_scope\n")
        for i in range(n):
            f.write(f"{uscc(100000 + i, '110105')},测试企业{i}有限公司,北京市,北京市,{i % 997}.5,"
                    "数字内容服务；游戏软件开发；文化活动策划；广告设计与制作；影视后期制作\n")


@pytest.mark.slow
@pytest.mark.parametrize("rows", [
    # the snapshot of 60,000 enterprises is written for ~0.7 s (quiet machine; the load before
    # it ~9 s), hundreds of the 2 ms polls below: the kill lands in it — in `make test`
    60_000,
    pytest.param(300_000, marks=pytest.mark.bench),  # a large file (~45 s to load)
])
def test_a_load_killed_midway_leaves_the_previous_snapshot_intact(tmp_path: Path,
                                                                  rows: int) -> None:
    data_dir = tmp_path / "data"
    env = {**os.environ, "TUPU_DATA_DIR": str(data_dir), "TUPU_STORE": "memory"}
    tupu = [sys.executable, "-m", "tupu.api.cli"]
    subprocess.run([*tupu, "load", str(write_city(tmp_path / "mini"))], env=env, check=True,
                   capture_output=True)
    snapshot = data_dir / "map.snapshot"
    before = MemoryStore(snapshot)
    counts = (before.count_nodes(), before.count_relationships())
    big = tmp_path / "Enterprise.csv"
    _big_enterprise_file(big, rows)

    proc = subprocess.Popen([*tupu, "load", str(big)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600  # a busy machine: the load itself takes minutes
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if any(data_dir.glob("map.snapshot.tmp-*")):  # the new snapshot is being written
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    proc.wait()
    assert killed, "the load finished before it could be interrupted; make the file larger"
    assert any(data_dir.glob("map.snapshot.tmp-*")), "the half-written file should be left over"

    after = MemoryStore(snapshot)
    assert (after.count_nodes(), after.count_relationships()) == counts
    out = subprocess.run([*tupu, "stats", "--format", "json"], env=env, check=True,
                         capture_output=True, text=True)
    assert '"Enterprise": 3' in out.stdout

    # the next load completes and sweeps the left-over temporary file away
    subprocess.run([*tupu, "load", str(write_city(tmp_path / "mini"))], env=env, check=True,
                   capture_output=True)
    assert not any(data_dir.glob("map.snapshot.tmp-*"))


def test_a_reader_sees_a_newer_snapshot_written_by_another_store(tmp_path: Path) -> None:
    path = tmp_path / "map.snapshot"
    reader = MemoryStore(path)
    assert reader.count_nodes() == {}
    writer = MemoryStore(path)
    load([write_city(tmp_path / "mini")], writer)
    assert reader.count_nodes()["Enterprise"] == 3


def test_a_file_that_is_not_a_snapshot_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "map.snapshot"
    path.write_bytes(b"not a snapshot")
    with pytest.raises(StoreUnavailable, match="snapshot"):
        MemoryStore(path)


# ------------------------------------------------------------------------------------------------
# the format: data tables with checksums, nothing that runs code


def _odd_graph() -> nx.MultiDiGraph:
    """Nodes and edges with every kind of value a snapshot must give back with its type."""
    g = nx.MultiDiGraph()
    g.add_node(("Enterprise", "e1"), id="e1", name="甲公司", annual_revenue=5200.5, employees=120,
               listed=True, founded=dt.date(2016, 3, 2), aliases=["甲", "甲司"])
    g.add_node(("Enterprise", "e2"), id="e2", name="乙公司", annual_revenue=800, employees=None)
    g.add_node(("Enterprise", "e3"), id="e3", name="=cmd|' /C calc'!A0", note="a\x00b",
               seen=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))
    g.add_node(("Park", "p1"), id="p1", name="一号园", floor_area=float("inf"))
    g.add_node(("Town", "t1"))
    g.add_edge(("Enterprise", "e1"), ("Park", "p1"), key="LOCATED_IN", prov_row=3)
    g.add_edge(("Enterprise", "e1"), ("Park", "p1"), key="SUPPLIES")
    g.add_edge(("Park", "p1"), ("Town", "t1"), key="IN_TOWN", since=dt.date(2020, 1, 1))
    g.add_edge(("Enterprise", "e2"), ("Enterprise", "e1"), key="SUPPLIES", share=0.5)
    return g


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    def typed(d: dict[str, object]) -> dict[str, tuple[str, object]]:
        return {k: (type(v).__name__, v) for k, v in d.items()}

    assert {n: typed(d) for n, d in a.nodes(data=True)} == {n: typed(d) for n, d in b.nodes(data=True)}
    assert sorted((u, v, k, sorted(typed(d).items())) for u, v, k, d in a.edges(keys=True, data=True)) \
        == sorted((u, v, k, sorted(typed(d).items())) for u, v, k, d in b.edges(keys=True, data=True))
    # each end sees the relationship: the incoming side as the outgoing one
    assert {v: sorted((u, sorted(kd)) for u, kd in a.pred[v].items()) for v in a} \
        == {v: sorted((u, sorted(kd)) for u, kd in b.pred[v].items()) for v in b}
    assert all(a._pred[v][u] is kd for u in a for v, kd in a._succ[u].items())


def test_every_value_reads_back_with_its_type(tmp_path: Path) -> None:
    path = tmp_path / "map.snapshot"
    g = _odd_graph()
    write_snapshot(path, g, {"written_at": "2026-12-03T00:00:00+00:00"})
    manifest, back = read_snapshot(path)
    _same(g, back)
    assert manifest["version"] == 2 and manifest["written_at"] == "2026-12-03T00:00:00+00:00"
    assert back.has_edge(("Enterprise", "e1"), ("Park", "p1"), key="SUPPLIES")
    assert list(back.predecessors(("Enterprise", "e1"))) == [("Enterprise", "e2")]


def test_the_sample_city_reads_back_identically(tmp_path: Path) -> None:
    first = MemoryStore(tmp_path / "a" / "map.snapshot")
    load([write_city(tmp_path / "mini")], first)
    again = MemoryStore(tmp_path / "a" / "map.snapshot")
    _same(first.graph, again.graph)


def _mini_snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "map.snapshot"
    load([write_city(tmp_path / "mini")], MemoryStore(path))
    return path


def assert_every_damage_is_refused(file: Path, read: Callable[[], object], flips: int) -> None:
    """``read`` (of ``file`` or of the map it is part of) refuses, with one Chinese line,
    ``file`` with a byte flipped at ``flips`` places spread over it, cut short, or one byte
    longer; ``file`` is whole again afterwards."""
    good = file.read_bytes()
    silent = []
    for at in range(0, len(good), max(1, len(good) // flips)):
        for flip in (0x01, 0x80):
            bad = bytearray(good)
            bad[at] ^= flip
            file.write_bytes(bytes(bad))
            try:
                read()
            except SnapshotCorrupt as e:
                assert "\n" not in str(e) and "快照" in str(e)
            else:
                silent.append(at)
    assert silent == [], f"{file.name}: flipped bytes read silently at offsets {silent[:10]}"
    for cut in (0, 1, 20, len(good) // 2, len(good) - 1):
        file.write_bytes(good[:cut])
        with pytest.raises(SnapshotCorrupt):
            read()
    file.write_bytes(good + b"\0")
    with pytest.raises(SnapshotCorrupt):
        read()
    file.write_bytes(good)


def test_every_flipped_byte_and_every_truncation_is_refused(tmp_path: Path) -> None:
    path = _mini_snapshot(tmp_path)
    assert_every_damage_is_refused(path, lambda: read_snapshot(path), 300)


class _Exploit:
    """A pickle that creates a file when it is unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_a_crafted_pickle_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "data" / "map.snapshot"
    path.parent.mkdir()
    with open(path, "wb") as f:  # what a format-1 snapshot looked like, with a payload
        pickle.dump({"format": "tupu-snapshot", "version": 1}, f)
        pickle.dump(_Exploit(marker), f)
    with pytest.raises(SnapshotCorrupt):
        MemoryStore(path)
    assert not marker.exists()


def stats_after_a_flipped_byte(file: Path) -> str:
    """``tupu stats`` on the data folder of ``file`` after one byte in its middle is flipped:
    exit 3 and one Chinese line, which is returned."""
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x10
    file.write_bytes(bytes(data))
    env = {**os.environ, "TUPU_DATA_DIR": str(file.parent), "TUPU_STORE": "memory"}
    out = subprocess.run([sys.executable, "-m", "tupu.api.cli", "stats"], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 3
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "图谱快照" in lines[0] and "已损坏" in lines[0], out.stderr
    assert "Traceback" not in out.stderr
    return lines[0]


def test_a_corrupted_snapshot_is_one_chinese_line_and_exit_3(tmp_path: Path) -> None:
    path = _mini_snapshot(tmp_path)
    assert path.name in stats_after_a_flipped_byte(path)


def test_snapshot_files_and_folders_are_private(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    store = MemoryStore(data / "map.snapshot")
    load([write_city(tmp_path / "mini")], store)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "map.snapshot").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / ".write.lock").stat().st_mode) == 0o600


def test_the_opened_store_indexes_labels_and_dead_enterprises_as_a_walk_would(
    tmp_path: Path,
) -> None:
    """Opening a snapshot gives the queries' label index (keys sorted) and the dead enterprises
    from the tables read, without walking the graph: the same as walking it; relationship ends
    are the nodes' own id objects."""
    from tupu.graph.stores.queries_memory import _Index

    g = nx.MultiDiGraph()
    statuses = ["active", "revoked", None, "deregistered", "moved_in", "suspended", "operating"]
    keys = [uscc(900 - i) for i in range(len(statuses))]  # inserted in descending key order
    for key, status in zip(keys, statuses, strict=True):
        props = {"id": key, "name": f"企业{key[-4:]}"}
        if status is not None:
            props["reg_status"] = status
        g.add_node(("Enterprise", key), **props)
    g.add_node(("SubSector", "0110"), code="0110")
    g.add_node(("Town", "t2"), id="t2")
    g.add_node(("Town", "t1"), id="t1")
    for key in keys:
        g.add_edge(("Enterprise", key), ("SubSector", "0110"), key="IN_SUBSECTOR", primary=True)
    g.add_edge(("Enterprise", keys[0]), ("Enterprise", keys[1]), key="SUPPLIES", product="x")
    g.add_edge(("Enterprise", keys[0]), ("Enterprise", keys[1]), key="COOPERATES_WITH")
    g.add_edge(("Enterprise", keys[2]), ("Town", "t1"), key="LOCATED_IN")
    path = tmp_path / "map.snapshot"
    write_snapshot(path, g, {})

    store = MemoryStore(path)
    seeded = store.queries()._idx()
    walked = _Index(store.graph)
    assert seeded.by_label == walked.by_label
    assert seeded.by_label["Enterprise"] == sorted(keys)
    assert seeded.by_label["Town"] == ["t1", "t2"]
    assert seeded.dead == walked.dead == {keys[1], keys[3], keys[5]}
    assert dict(store.graph.nodes(data=True)) == dict(g.nodes(data=True))
    assert sorted(store.graph.edges(keys=True, data=True)) == sorted(g.edges(keys=True, data=True))
    ids = {nid: nid for nid in store.graph.nodes}
    for u, v in store.graph.edges():
        assert u is ids[u] and v is ids[v]
    # after a write the index is walked again, and still agrees
    from tupu.graph.stores.model import ChangeSet

    changes = ChangeSet()
    changes.add_node("Enterprise", {"id": uscc(5), "reg_status": "liquidating"})
    store.apply(changes)
    assert store.queries()._idx().dead == {keys[1], keys[3], keys[5], uscc(5)}
    assert store.queries().keys("Enterprise") == sorted([*keys, uscc(5)])


def test_a_store_dropped_in_a_long_running_process_is_freed(tmp_path: Path) -> None:
    """The read hides its new objects from the collector (``gc.freeze``); a store dropped later
    (the web server's store replaced, a test's store) must still be freed, graph and all, by
    the next read at the latest — not kept for the life of the process."""
    import gc
    import weakref

    path = _mini_snapshot(tmp_path)
    graphs = []
    for _ in range(3):
        store = MemoryStore(path)
        store.queries().local_members([])  # the queries refer back to their store: a cycle
        assert store.count_nodes()["Enterprise"] == 3
        graphs.append(weakref.ref(store.graph))
        del store
    gc.collect()
    assert sum(g() is not None for g in graphs) <= 1  # at most the last one, until a next read
    MemoryStore(path).count_nodes()
    gc.collect()
    assert all(g() is None for g in graphs)
