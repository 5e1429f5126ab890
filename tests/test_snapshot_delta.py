"""The memory store's deltas: a write appends what it changed beside the snapshot; readers apply
snapshot + deltas; a write past the share rewrites the snapshot (graph/stores/snapshot_delta.py)."""

from __future__ import annotations

import copy
import datetime as dt
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.minicity import E1, E2, E3, uscc, write_city
from tests.test_snapshot import (
    _odd_graph,
    _same,
    assert_every_damage_is_refused,
    stats_after_a_flipped_byte,
)
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.graph.stores.queries_memory import _Index
from tupu.graph.stores.snapshot import SnapshotCorrupt, file_stamp
from tupu.graph.stores.snapshot_delta import read_delta
from tupu.graph.stores import store as store_module
from tupu.graph.stores.store import NodeMerge
from tupu.loaders.pipeline import load


def _deltas(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.delta-*"))


def _delivery(folder: Path, keys: list[str], revenue: float = 100.0) -> Path:
    """A delivery as an administrator sends it: enterprises, each in sub-sector 0110."""
    (folder / "nodes").mkdir(parents=True)
    (folder / "relationships").mkdir()
    (folder / "dataset.yaml").write_text(
        "name: 测试交付（虚构数据）\ncity: 迷你市\nfictional: true\nnotice: 虚构数据。\n",
        encoding="utf-8")
    rows = ["id,name,province,city,annual_revenue"]
    rows += [f"{k},迷你交付{i}号科技有限公司,江苏省,迷你市,{revenue + i}"
             for i, k in enumerate(keys)]
    (folder / "nodes" / "Enterprise.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    subs = ["start,end,primary"] + [f"{k},0110,true" for k in keys]
    subs_csv = folder / "relationships" / "IN_SUBSECTOR.csv"
    subs_csv.write_text("\n".join(subs) + "\n", encoding="utf-8")
    return folder


def _check_reopened(store: MemoryStore, other: MemoryStore) -> None:
    """``store`` read again from its files answers as ``store`` and as ``other`` (read again);
    its label index and dead enterprises (advanced through the deltas) as a walk gives them."""
    assert store.path is not None and other.path is not None
    again, whole = MemoryStore(store.path), MemoryStore(other.path)
    _same(again.graph, store.graph)
    _same(again.graph, whole.graph)
    assert again.count_nodes() == whole.count_nodes()
    assert again.count_relationships() == whole.count_relationships()
    for opened in (again, store):
        seeded, walked = opened.queries()._idx(), _Index(opened.graph)
        assert seeded.by_label == walked.by_label
        assert seeded.dead == walked.dead


def test_a_delivery_appends_a_delta_and_leaves_the_snapshot_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "data" / "map.snapshot"
    store = MemoryStore(path)
    load([write_city(tmp_path / "mini")], store)
    before, inode = path.read_bytes(), path.stat().st_ino
    assert _deltas(path) == []

    load([_delivery(tmp_path / "d1", [uscc(11), uscc(12)])], store)
    assert path.read_bytes() == before and path.stat().st_ino == inode
    (delta,) = _deltas(path)
    assert stat.S_IMODE(delta.stat().st_mode) == 0o600
    assert delta.read_bytes().startswith(b"TUPU-DELTA 1\n")
    again = MemoryStore(path)
    _same(again.graph, store.graph)
    assert again.get_node("Enterprise", uscc(12)) is not None
    assert {r.end.key for r in again.adjacent("IN_SUBSECTOR", "Enterprise", [uscc(11)])} == {"0110"}


def test_snapshot_and_deltas_answer_as_the_snapshot_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deliveries, a change of properties, a merge that deletes a node, a compaction, and
    deliveries after it: the store with deltas, read again, is the store written whole."""
    noon = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)  # both stores' loads at one time
    monkeypatch.setattr(store_module, "dt", SimpleNamespace(
        UTC=dt.UTC, datetime=SimpleNamespace(now=lambda tz=None: noon)))
    inc = MemoryStore(tmp_path / "inc" / "map.snapshot")
    whole = MemoryStore(tmp_path / "whole" / "map.snapshot", compact_share=1e-9)
    assert inc.path is not None and whole.path is not None
    path = inc.path

    follower = MemoryStore(path)  # another process holding the map, catching up after each

    def both(step: Callable[[MemoryStore], object]) -> None:
        held = follower.graph
        before = copy.deepcopy(held)
        step(inc)
        step(whole)
        _check_reopened(inc, whole)
        follower.refresh()  # the deltas applied on a new graph; the one held is unchanged
        _same(held, before)
        _same(follower.graph, inc.graph)
        assert follower.queries()._idx().by_label == _Index(follower.graph).by_label
        assert follower.queries()._idx().dead == _Index(follower.graph).dead

    mini = write_city(tmp_path / "mini")
    both(lambda s: load([mini], s))
    d1 = _delivery(tmp_path / "d1", [uscc(11), uscc(12), uscc(13)])
    both(lambda s: load([d1], s))

    def mutate(s: MemoryStore) -> None:
        changes = ChangeSet()
        changes.add_node("Enterprise", {"id": E2, "reg_status": "revoked", "employees": 31})
        changes.add_node("Enterprise", {"id": uscc(12), "reg_status": "active"})
        changes.add_rel("SUPPLIES", "Enterprise", "Enterprise",
                        RelRow(E3, E1, {"product": "新授权", "annual_value": 410}))
        changes.add_rel("SUPPLIES", "Enterprise", "Enterprise", RelRow(uscc(13), E2, {}))
        s.apply(changes)

    both(mutate)
    # a merge: uscc(11)'s relationships move to E1 (one joins E1's own), and uscc(11) is deleted;
    # uscc(13) is folded into uscc(12), its SUPPLIES to E2 moving with it
    both(lambda s: s.apply(ChangeSet(), [NodeMerge("Enterprise", uscc(11), E1),
                                         NodeMerge("Enterprise", uscc(13), uscc(12))]))
    assert len(_deltas(path)) == 3
    assert inc.get_node("Enterprise", uscc(11)) is None
    assert inc.queries()._idx().dead == {E2}
    assert _deltas(whole.path) == []

    # past the share: the next write rewrites the snapshot and drops the deltas
    on_disk = inc._on_disk
    assert on_disk is not None
    base = path.read_bytes()
    many = [uscc(100 + i) for i in range(int(on_disk.rows * inc.compact_share) + 1)]
    d2 = _delivery(tmp_path / "d2", many)
    both(lambda s: load([d2], s))
    assert _deltas(path) == [] and path.read_bytes() != base
    d3 = _delivery(tmp_path / "d3", [uscc(11), uscc(14)], revenue=7.0)
    both(lambda s: load([d3], s))
    (delta,) = _deltas(path)
    assert inc._on_disk is not None and inc._on_disk.digest[:16] in delta.name


def test_a_reader_applies_another_process_s_delta_and_reads_a_compaction(tmp_path: Path) -> None:
    path = tmp_path / "data" / "map.snapshot"
    writer = MemoryStore(path)
    load([write_city(tmp_path / "mini")], writer)
    reader = MemoryStore(path)
    graph, version = reader.graph, reader.data_version()
    assert reader.data_version() == version  # nothing new: nothing read

    load([_delivery(tmp_path / "d1", [uscc(11)])], MemoryStore(path))  # another process
    assert reader.data_version() > version
    assert reader.get_node("Enterprise", uscc(11)) is not None
    # the delta applied on the graph held, not everything read again: what it did not touch is
    # shared; the graph held is unchanged (a request still reading it sees the map before)
    assert reader.graph._node[("Enterprise", E3)] is graph._node[("Enterprise", E3)]
    assert reader.graph._succ[("Enterprise", E1)] is graph._succ[("Enterprise", E1)]
    assert ("Enterprise", uscc(11)) not in graph
    assert ("Enterprise", uscc(11)) not in graph.pred[("SubSector", "0110")]
    _same(reader.graph, MemoryStore(path).graph)
    assert reader.queries().keys("Enterprise") == sorted([E1, E2, E3, uscc(11)])

    version = reader.data_version()
    compacting = MemoryStore(path, compact_share=1e-9)
    load([_delivery(tmp_path / "d2", [uscc(12)])], compacting)
    assert _deltas(path) == []
    assert reader.data_version() > version
    assert reader.graph._node[("Enterprise", E3)] is not graph._node[("Enterprise", E3)]
    _same(reader.graph, compacting.graph)


def test_a_full_disk_while_writing_a_delta_leaves_the_previous_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "data" / "map.snapshot"
    store = MemoryStore(path)
    load([write_city(tmp_path / "mini")], store)
    load([_delivery(tmp_path / "d1", [uscc(11)])], store)
    files = {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", full)
        with pytest.raises(OSError):
            load([_delivery(tmp_path / "d2", [uscc(12)])], store)
    assert {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()} == files
    assert store.get_node("Enterprise", uscc(12)) is None
    assert store.get_node("Enterprise", uscc(11)) is not None
    _same(MemoryStore(path).graph, store.graph)
    load([_delivery(tmp_path / "d3", [uscc(12)])], store)  # and the next write goes on from it
    assert len(_deltas(path)) == 2
    assert MemoryStore(path).get_node("Enterprise", uscc(12)) is not None


def _two_deltas(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "map.snapshot"
    store = MemoryStore(path)
    load([write_city(tmp_path / "mini")], store)
    load([_delivery(tmp_path / "d1", [uscc(11)])], store)
    load([_delivery(tmp_path / "d2", [uscc(12), uscc(13)])], store)
    assert len(_deltas(path)) == 2
    return path


def test_every_flipped_byte_and_every_truncation_of_a_delta_is_refused(tmp_path: Path) -> None:
    """Each delta damaged: read as the store reads it (the delta alone) at bytes all over it,
    and through opening the store at a few."""
    path = _two_deltas(tmp_path)
    digest = MemoryStore(path)._on_disk.digest  # type: ignore[union-attr]
    for seq, delta in enumerate(_deltas(path), start=1):
        assert_every_damage_is_refused(delta, lambda d=delta, n=seq: read_delta(d, digest, n), 600)
        assert_every_damage_is_refused(delta, lambda: MemoryStore(path), 4)
    MemoryStore(path)  # whole again


def test_a_missing_or_misplaced_delta_is_refused_and_another_snapshot_s_is_ignored(
    tmp_path: Path,
) -> None:
    path = _two_deltas(tmp_path)
    first, second = _deltas(path)
    keep = first.read_bytes()
    first.unlink()  # a gap: the second delta cannot apply
    with pytest.raises(SnapshotCorrupt, match="快照"):
        MemoryStore(path)
    first.write_bytes(second.read_bytes())  # the second delta in the first's place
    with pytest.raises(SnapshotCorrupt):
        MemoryStore(path)
    first.write_bytes(keep)
    # a delta of another snapshot (a crash after a compaction left it) is not applied
    stale = path.with_name(f"{path.name}.delta-{'0' * 16}-000001")
    stale.write_bytes(keep)
    assert MemoryStore(path).get_node("Enterprise", uscc(13)) is not None
    store = MemoryStore(path)
    load([_delivery(tmp_path / "d3", [uscc(14)])], store)  # the next write removes it
    assert not stale.exists() and len(_deltas(path)) == 3


def test_a_corrupted_delta_is_one_chinese_line_and_exit_3(tmp_path: Path) -> None:
    delta = _deltas(_two_deltas(tmp_path))[-1]
    assert delta.name in stats_after_a_flipped_byte(delta)


def test_tupu_load_adds_deltas_up_to_the_share_of_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from tupu.api.cli import main

    path = tmp_path / "data" / "map.snapshot"
    monkeypatch.setenv("TUPU_DATA_DIR", str(path.parent))
    monkeypatch.setenv("TUPU_STORE", "memory")
    assert main(["load", str(write_city(tmp_path / "mini"))]) == 0
    assert main(["load", str(_delivery(tmp_path / "d1", [uscc(11)]))]) == 0
    assert len(_deltas(path)) == 1
    monkeypatch.setenv("TUPU_SNAPSHOT_COMPACT_SHARE", "0.000001")  # any delta is past it
    assert main(["load", str(_delivery(tmp_path / "d2", [uscc(12)]))]) == 0
    assert _deltas(path) == []
    assert {n.key for n in MemoryStore(path).get_nodes("Enterprise", [uscc(11), uscc(12)])} \
        == {uscc(11), uscc(12)}
    capsys.readouterr()


def test_a_delta_that_deletes_relationships_and_a_node_reads_back(tmp_path: Path) -> None:
    """A delta read from its file turns the snapshot's graph into the graph after the write:
    in place (opening) and on a shared graph (catching up), which is left as it was."""
    from tupu.graph.stores.snapshot import read_snapshot, write_snapshot
    from tupu.graph.stores.snapshot_delta import OnDisk, apply_deltas, changed, write_delta

    path = tmp_path / "map.snapshot"
    before = _odd_graph()
    written = write_snapshot(path, before, {})
    after = before.copy()
    e1, e2, e3, p1 = (("Enterprise", "e1"), ("Enterprise", "e2"), ("Enterprise", "e3"),
                      ("Park", "p1"))
    after.remove_edge(e1, p1, key="SUPPLIES")  # LOCATED_IN between them stays
    after.remove_edge(e2, e1, key="SUPPLIES")  # the only one between them
    after.remove_node(p1)  # and IN_TOWN with it
    after.nodes[e3]["name"] = "丙公司"
    after.add_edge(e3, e2, key="SUPPLIES", share=0.25)
    delta = changed(after, [p1, e3], [(e1, p1, "SUPPLIES"), (e2, e1, "SUPPLIES"),
                                      (e3, e2, "SUPPLIES")])
    assert delta.gone_rels == {("SUPPLIES", "Enterprise", "Enterprise"): [("e2", "e1")]}
    assert delta.gone_nodes == {"Park": ["p1"]}
    on_disk = OnDisk(file_stamp(path.stat()), written.digest, written.rows)
    (name,) = write_delta(path, on_disk, delta, {}).deltas

    opened = MemoryStore(path).graph
    _same(opened, after)
    held = read_snapshot(path)[1]
    kept = copy.deepcopy(held)
    caught_up = apply_deltas(held, [(path.with_name(name), read_delta(
        path.with_name(name), written.digest, 1))], shared=True)
    _same(caught_up, after)
    _same(held, kept)
