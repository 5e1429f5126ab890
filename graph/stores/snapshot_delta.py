"""Deltas of the memory store's snapshot: each write appends what it changed beside the snapshot.

A write into a big map changes a few hundred elements; rewriting the whole snapshot for it takes
a minute at a million enterprises. So a write leaves the snapshot as it is and adds a **delta**
file, and a reader applies the snapshot and then its deltas in order. Files in the data folder::

    map.snapshot                              the snapshot (``tupu.graph.stores.snapshot``)
    map.snapshot.delta-<id>-000001            the first write since, then 000002, ...
    map.snapshot.tmp-<pid>                    a file being written (either kind), then renamed

``<id>`` is the first 16 hex digits of the SHA-256 of the snapshot's manifest (the digest in its
trailer line): a delta belongs to one snapshot, and its manifest names that snapshot's whole
digest and its own number, both checked. A delta is the snapshot's container (header
``TUPU-DELTA 1``, Arrow IPC tables, a JSON manifest with a SHA-256 per table, the trailer), with
the elements as they are *after* the write:

- ``nodes/<Label>``: the nodes written (created or changed), every property (a node's properties
  are replaced by the row's, so a property the write removed is gone);
- ``rels/<TYPE>/<start label>/<end label>``: the relationships written, every property;
- ``gone/nodes/<Label>``: keys of the nodes deleted (their relationships go with them);
- ``gone/rels/<TYPE>/<start label>/<end label>``: ``start``/``end`` of relationships deleted.

Applied in that order — deletions of nodes, nodes, deletions of relationships, relationships —
a delta turns the map before the write into the map after it.

Writing a delta is as atomic as writing the snapshot (temporary file, ``fsync``, rename), under
the same write lock; a crash or a full disk leaves the previous files, the previous map. When the
deltas hold more than a share of the snapshot's elements (``TUPU_SNAPSHOT_COMPACT_SHARE``), or
there are :data:`MAX_DELTAS` of them, the next write **compacts**: it writes the whole snapshot
(a new one, with a new digest) and then removes every delta, the highest number first. A crash
between the two leaves deltas that name the former snapshot: readers ignore them and the next
write removes them.

Reading (:func:`load_current`): the snapshot, then the deltas of its digest, numbered 1, 2, …
without a gap; then the snapshot's stamp again. If a compaction replaced the snapshot or removed
a delta meanwhile, it reads again. A damaged delta, or a gap in the numbers, is refused like a
damaged snapshot (:class:`SnapshotCorrupt`, one Chinese line). Deltas are the map: a backup copies
``map.snapshot*`` together.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx

from tupu.graph.stores.snapshot import (
    FileStamp,
    Snapshot,
    SnapshotCorrupt,
    column_values,
    encode_table,
    file_stamp,
    fsync_dir,
    load_snapshot,
    read_file,
    read_manifest,
    read_table,
    table_rows,
    write_tables,
)
from tupu.messages import msg
from tupu.ontology.vocab import DEAD_STATUSES

DELTA_FORMAT = "tupu-snapshot-delta"
DELTA_VERSION = 1
DELTA_MAGIC = b"TUPU-DELTA"
MAX_DELTAS = 64
"""More deltas than this and the next write compacts (each delta is a file a reader opens)."""
_ID_DIGITS = 16
_READ_ATTEMPTS = 3
_FEW = 64  # index changes up to this many are inserted one by one; more: one merge

NodeId = tuple[str, str]
EdgeId = tuple[NodeId, NodeId, str]  # (start, end, type)
RelKind = tuple[str, str, str]  # (type, start label, end label)


@dataclass
class Delta:
    """What one write changed, as the elements are after it."""

    # label -> key -> props
    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    gone_nodes: dict[str, list[str]] = field(default_factory=dict)  # label -> keys
    rels: dict[RelKind, list[tuple[str, str, dict[str, Any]]]] = field(default_factory=dict)
    gone_rels: dict[RelKind, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Elements the delta holds (its share of the snapshot is counted in these)."""
        return (sum(map(len, self.nodes.values())) + sum(map(len, self.gone_nodes.values()))
                + sum(map(len, self.rels.values())) + sum(map(len, self.gone_rels.values())))


def changed(graph: nx.MultiDiGraph, nodes: Iterable[NodeId], edges: Iterable[EdgeId]) -> Delta:
    """The delta of a write that touched ``nodes`` and ``edges``, read from ``graph`` after it:
    an element still there is written whole, one no longer there is deleted. A relationship of
    a deleted node is left out (the node's deletion takes it)."""
    delta = Delta()
    node = graph._node
    for nid in nodes:
        data = node.get(nid)
        if data is None:
            delta.gone_nodes.setdefault(nid[0], []).append(nid[1])
        else:
            delta.nodes.setdefault(nid[0], {})[nid[1]] = data
    succ = graph._succ
    for u, v, rtype in edges:
        if u not in node or v not in node:
            continue
        props = succ[u].get(v, {}).get(rtype)
        kind = (rtype, u[0], v[0])
        if props is None:
            delta.gone_rels.setdefault(kind, []).append((u[1], v[1]))
        else:
            delta.rels.setdefault(kind, []).append((u[1], v[1], props))
    return delta


# ---------------------------------------------------------------------------------------------
# files


@dataclass(frozen=True)
class OnDisk:
    """The files a store's graph was read from or written to: the snapshot (its stamp, digest
    and elements) and the deltas applied on it, in order."""

    stamp: FileStamp
    digest: str
    rows: int
    deltas: tuple[str, ...] = ()
    delta_rows: int = 0

    def with_delta(self, name: str, rows: int) -> OnDisk:
        return replace(self, deltas=(*self.deltas, name), delta_rows=self.delta_rows + rows)

    def wants_compaction(self, rows: int, share: float) -> bool:
        """Whether a write of ``rows`` elements should rewrite the snapshot instead of adding a
        delta: the deltas would hold more than ``share`` of the snapshot's elements, or there
        are :data:`MAX_DELTAS` already."""
        return len(self.deltas) >= MAX_DELTAS or self.delta_rows + rows > share * self.rows


def delta_path(path: Path, digest: str, seq: int) -> Path:
    """The ``seq``-th delta of the snapshot ``path`` whose manifest digest is ``digest``."""
    return path.with_name(f"{path.name}.delta-{digest[:_ID_DIGITS]}-{seq:06d}")


def delta_names(path: Path, digest: str | None = None) -> list[str]:
    """Names of the deltas beside ``path`` (of one snapshot's ``digest``, or all), in order."""
    prefix = f"{path.name}.delta-" + ("" if digest is None else f"{digest[:_ID_DIGITS]}-")
    try:
        names = os.listdir(path.parent)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.startswith(prefix))


def snapshot_stamp(path: Path) -> FileStamp | None:
    """The snapshot file's stamp (``None``: there is none)."""
    try:
        return file_stamp(path.stat())
    except FileNotFoundError:
        return None


def write_delta(path: Path, on_disk: OnDisk, delta: Delta, meta: dict[str, Any]) -> OnDisk:
    """Add ``delta`` after the deltas of ``on_disk`` (holding the write lock): what is on disk
    now."""
    seq = len(on_disk.deltas) + 1
    target = delta_path(path, on_disk.digest, seq)
    write_tables(target, DELTA_MAGIC, DELTA_VERSION, _tables(delta),
                 {"format": DELTA_FORMAT, "base": on_disk.digest, "seq": seq, **meta})
    drop_deltas(path, keep=on_disk.digest)  # a former snapshot's, left by a crash
    return on_disk.with_delta(target.name, delta.rows)


def drop_deltas(path: Path, keep: str | None = None) -> None:
    """Remove the deltas beside ``path`` (but those of ``keep``), the highest number first: a
    reader that lists them meanwhile sees fewer deltas, never a gap."""
    kept = f"{path.name}.delta-{keep[:_ID_DIGITS]}-" if keep is not None else None
    gone = False
    for name in reversed(delta_names(path)):
        if kept is None or not name.startswith(kept):
            with contextlib.suppress(FileNotFoundError):
                (path.parent / name).unlink()
            gone = True
    if gone:
        fsync_dir(path.parent)


def _tables(delta: Delta) -> Iterator[tuple[str, int, dict[str, str], bytes]]:
    for label in sorted(delta.nodes):
        rows = delta.nodes[label]
        keys = sorted(rows)
        yield encode_table(f"nodes/{label}", {"key": keys}, [rows[k] for k in keys])
    for label in sorted(delta.gone_nodes):
        keys = sorted(delta.gone_nodes[label])
        yield encode_table(f"gone/nodes/{label}", {"key": keys}, [{}] * len(keys))
    for kind in sorted(delta.rels):
        rels = sorted(delta.rels[kind], key=lambda r: (r[0], r[1]))
        yield encode_table("rels/" + "/".join(kind), {"start": [r[0] for r in rels],
                                                     "end": [r[1] for r in rels]},
                           [r[2] for r in rels])
    for kind in sorted(delta.gone_rels):
        pairs = sorted(delta.gone_rels[kind])
        yield encode_table("gone/rels/" + "/".join(kind), {"start": [p[0] for p in pairs],
                                                          "end": [p[1] for p in pairs]},
                           [{}] * len(pairs))


def read_delta(file: Path, digest: str, seq: int) -> Delta:
    """The delta in ``file``, which must be the ``seq``-th of the snapshot of ``digest``.

    :class:`FileNotFoundError` passes (a compaction removed it: read again);
    :class:`SnapshotCorrupt` when it is damaged, truncated or not that delta.
    """
    import pyarrow as pa

    data, _ = read_file(file)
    manifest, body, _ = read_manifest(file, data, DELTA_MAGIC, DELTA_VERSION, DELTA_FORMAT)
    if manifest.get("base") != digest or manifest.get("seq") != seq:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=file))
    delta = Delta()
    try:
        for entry in manifest["tables"]:
            table = read_table(body, entry)
            rows = table_rows(table, entry["columns"], int(entry["rows"]))
            name = str(entry["name"])
            gone = name.startswith("gone/")
            kind, _, rest = name.removeprefix("gone/").partition("/")
            if kind == "nodes":
                keys = column_values(table.column("key"))
                if gone:
                    delta.gone_nodes[rest] = keys
                else:
                    delta.nodes[rest] = dict(zip(keys, rows, strict=True))
            elif kind == "rels":
                rtype, slabel, elabel = rest.split("/")
                ends = zip(column_values(table.column("start")), column_values(table.column("end")),
                           strict=True)
                if gone:
                    delta.gone_rels[(rtype, slabel, elabel)] = list(ends)
                else:
                    delta.rels[(rtype, slabel, elabel)] = [
                        (s, e, p) for (s, e), p in zip(ends, rows, strict=True)]
            else:
                raise ValueError(name)
    except (pa.ArrowException, KeyError, ValueError, TypeError, IndexError) as e:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=file)) from e
    return delta


# ---------------------------------------------------------------------------------------------
# applying


def apply_deltas(graph: nx.MultiDiGraph, deltas: Iterable[tuple[Path, Delta]], *,
                 shared: bool = False) -> nx.MultiDiGraph:
    """The map after ``deltas`` (each with its file, named when it does not fit), from
    ``graph``, the map before them.

    ``shared`` (others may be reading ``graph``: a web server's requests): ``graph`` is left as
    it is and a new graph is returned that shares every dict the deltas do not touch (the outer
    dicts are copied, then each touched node's properties and adjacency once) — a reader never
    sees half a write. Otherwise ``graph`` itself is changed and returned.

    A relationship whose end is not in the map means the files do not fit together:
    :class:`SnapshotCorrupt`.
    """
    if shared:
        copy = nx.MultiDiGraph()
        copy.graph.update(graph.graph)
        copy._node = graph._node.copy()
        copy._succ = graph._succ.copy()  # also _adj
        copy._pred = graph._pred.copy()
        graph = copy
    edit = _Edit(graph, shared)
    for file, delta in deltas:
        edit.apply(delta, file)
    return graph


class _Edit:
    """Changes to a graph's dicts; with ``shared``, every inner dict is copied before its first
    change (the graph's outer dicts are its own, the inner ones another graph's too)."""

    def __init__(self, graph: nx.MultiDiGraph, shared: bool) -> None:
        self.node: dict[NodeId, dict[str, Any]] = graph._node
        self.succ: dict[NodeId, dict[NodeId, dict[str, dict[str, Any]]]] = graph._succ
        self.pred: dict[NodeId, dict[NodeId, dict[str, dict[str, Any]]]] = graph._pred
        self.shared = shared
        self.own_out: set[NodeId] = set()
        self.own_in: set[NodeId] = set()

    def apply(self, delta: Delta, file: Path) -> None:
        node = self.node
        for label, keys in delta.gone_nodes.items():
            for key in keys:
                if (label, key) in node:
                    self.remove_node((label, key))
        for label, rows in delta.nodes.items():
            for key, props in rows.items():
                nid = (label, key)
                if nid not in node:
                    self.succ[nid] = {}
                    self.pred[nid] = {}
                    self.own_out.add(nid)
                    self.own_in.add(nid)
                node[nid] = props  # a new dict: the node's properties are the row's
        for (rtype, slabel, elabel), pairs in delta.gone_rels.items():
            for start, end in pairs:
                self.remove_edge((slabel, start), (elabel, end), rtype)
        for (rtype, slabel, elabel), rels in delta.rels.items():
            for start, end, props in rels:
                u, v = (slabel, start), (elabel, end)
                if u not in node or v not in node:
                    raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=file))
                self.set_edge(u, v, rtype, props)

    def out(self, u: NodeId) -> dict[NodeId, dict[str, dict[str, Any]]]:
        if self.shared and u not in self.own_out:
            self.succ[u] = dict(self.succ[u])
            self.own_out.add(u)
        return self.succ[u]

    def into(self, v: NodeId) -> dict[NodeId, dict[str, dict[str, Any]]]:
        if self.shared and v not in self.own_in:
            self.pred[v] = dict(self.pred[v])
            self.own_in.add(v)
        return self.pred[v]

    def remove_node(self, nid: NodeId) -> None:
        for v in self.succ[nid]:
            if v != nid:
                del self.into(v)[nid]
        for u in self.pred[nid]:
            if u != nid:
                del self.out(u)[nid]
        del self.node[nid], self.succ[nid], self.pred[nid]

    def remove_edge(self, u: NodeId, v: NodeId, rtype: str) -> None:
        keydict = self.succ.get(u, {}).get(v)
        if keydict is None or rtype not in keydict:
            return
        if len(keydict) == 1:
            del self.out(u)[v], self.into(v)[u]
            return
        keydict = {k: d for k, d in keydict.items() if k != rtype}
        self.out(u)[v] = self.into(v)[u] = keydict

    def set_edge(self, u: NodeId, v: NodeId, rtype: str, props: dict[str, Any]) -> None:
        """The relationship's properties are ``props`` (its start's and end's views of it are one
        dict of types, as networkx keeps them)."""
        keydict = self.succ[u].get(v)
        keydict = {} if keydict is None else dict(keydict) if self.shared else keydict
        keydict[rtype] = props
        self.out(u)[v] = self.into(v)[u] = keydict


def advance(keys: dict[str, list[str]], dead: frozenset[str], delta: Delta
            ) -> tuple[dict[str, list[str]], frozenset[str]]:
    """The label index (sorted keys per label) and the dead enterprises after ``delta``, from
    those before it; the lists of labels it does not touch are shared, no list is changed."""
    out = dict(keys)
    for label in set(delta.nodes) | set(delta.gone_nodes):
        present = out.get(label, [])
        new = sorted(k for k in delta.nodes.get(label, {}) if not _holds(present, k))
        gone = {k for k in delta.gone_nodes.get(label, ()) if _holds(present, k)}
        if not new and not gone:
            continue
        if len(new) + len(gone) <= _FEW:
            after = list(present)
            for k in gone:
                del after[bisect.bisect_left(after, k)]
            for k in new:
                bisect.insort(after, k)
        else:  # two sorted runs: one merge
            after = sorted([k for k in present if k not in gone] + new) if gone \
                else sorted(present + new)
        if after:
            out[label] = after
        else:
            del out[label]
    enterprises = delta.nodes.get("Enterprise", {})
    removed = delta.gone_nodes.get("Enterprise", [])
    if not enterprises and not removed:
        return out, dead
    now = set(dead)
    now.difference_update(removed)
    for key, props in enterprises.items():
        if props.get("reg_status") in DEAD_STATUSES:
            now.add(key)
        else:
            now.discard(key)
    return out, frozenset(now)


def _holds(keys: list[str], key: str) -> bool:
    at = bisect.bisect_left(keys, key)
    return at < len(keys) and keys[at] == key


# ---------------------------------------------------------------------------------------------
# reading the map


def load_current(path: Path) -> tuple[Snapshot, OnDisk]:
    """The map in ``path`` and its deltas: the snapshot read (its graph with every delta
    applied, its label index and dead enterprises advanced) and what was read."""
    for _ in range(_READ_ATTEMPTS):
        snap = load_snapshot(path)
        try:
            deltas = read_deltas(path, snap.digest, ())
        except FileNotFoundError as e:
            if snapshot_stamp(path) == snap.stamp:  # not a compaction: a delta is missing
                raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=e.filename)) from e
            continue  # a compaction replaced the snapshot and removed its deltas meanwhile
        if snapshot_stamp(path) != snap.stamp:  # replaced while we read
            continue
        on_disk = OnDisk(snap.stamp, snap.digest, snap.rows)
        keys, dead = snap.keys, snap.dead
        apply_deltas(snap.graph, [(path.with_name(name), delta) for name, delta in deltas])
        for name, delta in deltas:
            keys, dead = advance(keys, dead, delta)
            on_disk = on_disk.with_delta(name, delta.rows)
        return replace(snap, keys=keys, dead=dead), on_disk
    raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))


def read_deltas(path: Path, digest: str, applied: tuple[str, ...]) -> list[tuple[str, Delta]]:
    """The deltas of the snapshot of ``digest`` after those ``applied``, in order.

    :class:`FileNotFoundError` when one is missing (removed by a compaction, or a gap in the
    numbers): the caller checks the snapshot and reads again.
    """
    names = delta_names(path, digest)
    if names[:len(applied)] != list(applied):
        raise _missing(path.with_name(applied[0]))
    out = []
    for seq, name in enumerate(names, start=1):
        if name != delta_path(path, digest, seq).name:
            raise _missing(delta_path(path, digest, seq))
        if seq > len(applied):
            out.append((name, read_delta(path.with_name(name), digest, seq)))
    return out


def _missing(file: Path) -> FileNotFoundError:
    return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(file))
