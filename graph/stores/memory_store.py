"""The embedded default store: a networkx ``MultiDiGraph`` persisted as a snapshot file.

Nodes are keyed ``(label, key)`` and hold their properties as attributes; edges are keyed by their
relationship type, so (start, type, end) is unique. Every successful :meth:`apply` writes what it
changed as a delta beside the snapshot, atomically, or — when the deltas have grown past a share of
the snapshot — the whole snapshot (see :mod:`tupu.graph.stores.snapshot` and
:mod:`tupu.graph.stores.snapshot_delta`); a process that reads the store notices another process's
delta (and applies only it) or a newer snapshot (and reads it).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from tupu.errors import StoreError
from tupu.graph.stores.model import (
    ChangeSet, Changes, Node, NodeRef, Relationship, Subgraph, WriteSummary,
)
from tupu.graph.stores.queries_memory import IndexSeed, MemoryQueries
from tupu.graph.stores.queries_resolve_memory import MemoryEnterpriseLookup
from tupu.graph.stores.snapshot import write_lock, write_snapshot
from tupu.graph.stores.snapshot_delta import (
    Delta,
    EdgeId,
    OnDisk,
    advance,
    apply_deltas,
    changed,
    delta_names,
    drop_deltas,
    load_current,
    read_deltas,
    snapshot_stamp,
    write_delta,
)
from tupu.graph.stores.store import (
    DELIVERY,
    DeliveryRecord,
    GraphStore,
    NodeMerge,
    Tracer,
    observation_labels,
    utc_now,
)
from tupu.ontology.schema import Schema
from tupu.settings import COMPACT_SHARE

NodeId = tuple[str, str]


class _Untracked(set[Any]):
    """A set that keeps nothing (what a write that rewrites the whole snapshot touched)."""

    def add(self, item: Any) -> None:
        pass

    def update(self, *items: Iterable[Any]) -> None:
        pass


class MemoryStore(GraphStore):
    """networkx in memory; persisted to ``path`` when given (``None``: memory only)."""

    name = "memory"

    def __init__(
        self,
        path: Path | None = None,
        schema: Schema | None = None,
        tracer: Tracer | None = None,
        compact_share: float = COMPACT_SHARE,
    ) -> None:
        super().__init__(schema, tracer)
        self.path = path
        self.compact_share = compact_share
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._on_disk: OnDisk | None = None
        """The files :attr:`graph` is (``None``: no snapshot file)."""
        self._synced = True
        """Whether :attr:`graph` is :attr:`_on_disk` (not after a failed write)."""
        self._refreshing = threading.RLock()
        self.version = 0
        """Counts changes of :attr:`graph` (writes, reloads): the graph queries' indexes follow it."""
        self._queries: MemoryQueries | None = None
        self.index_seed: IndexSeed | None = None
        """The queries' label index and dead enterprises for the version it names: from the
        snapshot read, advanced by each delta written or read since."""
        self._lookup: MemoryEnterpriseLookup | None = None
        self._refresh()

    # -- persistence -------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Apply the deltas another process added since we read, or read the snapshot again if
        it was replaced (a ``stat`` and a folder listing when nothing changed). One thread at a
        time: the others wait for what it reads instead of reading it too."""
        if self.path is None:
            return
        with self._refreshing:
            self._catch_up()

    def _catch_up(self) -> None:
        assert self.path is not None
        stamp = snapshot_stamp(self.path)
        if stamp is None:  # no file (or not any more)
            if not (self._synced and self._on_disk is None):
                self.version += 1
                self.graph = nx.MultiDiGraph()
                self.index_seed = None
                self._on_disk, self._synced = None, True
            return
        known = self._on_disk if self._synced else None
        if known is None or known.stamp != stamp:
            self._read_all()
            return
        if delta_names(self.path, known.digest) == list(known.deltas):
            return
        try:
            added = read_deltas(self.path, known.digest, known.deltas)
        except FileNotFoundError:  # compacted meanwhile (or a delta is missing): read it all
            self._read_all()
            return
        self._apply_deltas(known, added)

    def _read_all(self) -> None:
        assert self.path is not None
        self.version += 1
        self._synced = False
        snap, self._on_disk = load_current(self.path)
        self.graph = snap.graph
        self.index_seed = IndexSeed(self.version, snap.keys, snap.dead)
        self._synced = True

    def _apply_deltas(self, known: OnDisk, added: list[tuple[str, Delta]]) -> None:
        """Another process's deltas: a new graph sharing what they do not touch with the one
        held (which requests still reading it keep, unchanged), our label index advanced."""
        assert self.path is not None
        seed = self._current_seed()
        self.graph = apply_deltas(self.graph, [(self.path.with_name(n), d) for n, d in added],
                                  shared=True)
        self.version += 1
        for name, delta in added:
            if seed is not None:
                seed = IndexSeed(self.version, *advance(seed.keys, seed.dead, delta))
            known = known.with_delta(name, delta.rows)
        self.index_seed = seed
        self._on_disk = known

    def _current_seed(self) -> IndexSeed | None:
        seed = self.index_seed
        return seed if seed is not None and seed.version == self.version else None

    def refresh(self) -> None:
        """Catch up with another process's writes (before reading :attr:`graph`)."""
        self._refresh()

    def data_version(self) -> int:
        """:attr:`version` after noticing another process's delta or snapshot (a ``stat`` and a
        folder listing)."""
        self._refresh()
        return self.version

    def queries(self) -> MemoryQueries:
        if self._queries is None:
            self._queries = MemoryQueries(self)
        return self._queries

    def enterprise_lookup(self) -> MemoryEnterpriseLookup:
        if self._lookup is None:
            self._lookup = MemoryEnterpriseLookup(self)
        return self._lookup

    def _compacts(self, rows: int) -> bool:
        """Whether a write of ``rows`` elements rewrites the whole snapshot (there is none, or the
        deltas would grow past :attr:`compact_share` of it)."""
        known = self._on_disk
        return known is None or known.wants_compaction(rows, self.compact_share)

    def _persist(self, touched: tuple[set[NodeId], set[EdgeId]] | None,
                 seed: IndexSeed | None) -> None:
        """Write what :meth:`_apply` touched as a delta — or the whole snapshot when it did not
        keep track (``None``) or the deltas would grow past :attr:`compact_share` of it.
        ``seed``: the label index before the write."""
        assert self.path is not None
        known = self._on_disk
        if known is None or touched is None or self._compacts(len(touched[0]) + len(touched[1])):
            self._write_whole()
            return
        delta = changed(self.graph, *touched)
        if delta.rows:
            self._on_disk = write_delta(self.path, known, delta, {"written_at": utc_now()})
        if seed is not None:
            self.index_seed = IndexSeed(self.version, *advance(seed.keys, seed.dead, delta))

    def _write_whole(self) -> None:
        """The whole snapshot, then no delta (holding the write lock)."""
        assert self.path is not None
        written = write_snapshot(self.path, self.graph, {"written_at": utc_now()})
        drop_deltas(self.path)
        stamp = snapshot_stamp(self.path)
        assert stamp is not None
        self._on_disk = OnDisk(stamp, written.digest, written.rows)

    # -- writing -----------------------------------------------------------------------------
    def apply(
        self,
        changes: Changes,
        merges: Sequence[NodeMerge] = (),
        delivery: DeliveryRecord | None = None,
    ) -> WriteSummary:
        """Write all or nothing; the snapshot is replaced atomically, so ``delivery`` is recorded
        ``complete`` with the change set (no write of this store is ever half done)."""
        self.trace("apply", {"nodes": changes.node_count, "relationships": changes.rel_count,
                             "merges": len(merges)})
        self.check_merges(merges)
        for label, rows in changes.nodes.items():
            ldef = self.schema.label(label)
            for prop in {k for row in rows for k in row}:
                self.schema.check_property(ldef, prop)
        for (rtype, slabel, elabel), rrows in changes.rels.items():
            rdef = self.schema.rel(rtype)
            self.check_label(slabel)
            self.check_label(elabel)
            for prop in {k for row in rrows for k in row.props}:
                self.schema.check_property(rdef, prop)
        if self.path is None:
            self.version += 1
            # rows read from a spool may fail to be read midway: keep what to go back to
            kept = None if isinstance(changes, ChangeSet) else self.graph.copy()
            try:
                self._apply(changes, merges, delivery)
            except BaseException:
                if kept is not None:
                    self.graph = kept
                raise
        else:
            with write_lock(self.path.parent):
                self._refresh()
                seed = self._current_seed()
                self.version += 1
                try:
                    # a write that rewrites the snapshot anyway keeps no list of what it touched
                    track = not self._compacts(changes.node_count + changes.rel_count)
                    touched = self._apply(changes, merges, delivery, track)
                    self._persist(touched if track else None, seed)
                except BaseException:
                    # the files on disk are untouched: go back to them
                    self._synced = False
                    self._refresh()
                    raise
        return WriteSummary(changes.node_count, changes.rel_count)

    def _apply(
        self, changes: Changes, merges: Sequence[NodeMerge] = (),
        delivery: DeliveryRecord | None = None, track: bool = True,
    ) -> tuple[set[NodeId], set[EdgeId]]:
        """Make the change in :attr:`graph`: the nodes and relationships it touched (with
        ``track``; otherwise two empty sets)."""
        g = self.graph
        keys = {label: self.schema.label(label).key for label in changes.nodes}
        new = {(label, str(p[keys[label]])) for label, rows in changes.nodes.items() for p in rows}
        gone = {(m.label, m.key) for m in merges if m.key != m.into} - new
        for (rtype, slabel, elabel), rrows in changes.rels.items():  # check before any change
            for row in rrows:
                for nid in ((slabel, row.start), (elabel, row.end)):
                    if (nid not in g and nid not in new) or nid in gone:
                        raise StoreError(
                            f"{rtype}: node {nid[0]}:{nid[1]} does not exist; nothing was written"
                        )
        replaced = observation_labels(self.schema)
        nodes: set[NodeId] = set() if track else _Untracked()
        edges: set[EdgeId] = set() if track else _Untracked()
        for label, rows in changes.nodes.items():
            for props in rows:
                nid = (label, str(props[keys[label]]))
                nodes.add(nid)
                if nid not in g:
                    g.add_node(nid, **props)
                elif label in replaced:
                    g.nodes[nid].clear()
                    g.nodes[nid].update(props)
                else:
                    g.nodes[nid].update(props)
        if delivery is not None:
            nid = (DELIVERY, delivery.id)
            nodes.add(nid)
            if nid in g:
                g.nodes[nid].clear()
            g.add_node(nid, **delivery.complete_props(changes.node_count, changes.rel_count))
        for m in merges:
            self._fold(m, nodes, edges)
        for (rtype, slabel, elabel), rrows in changes.rels.items():
            for row in rrows:
                u, v = (slabel, row.start), (elabel, row.end)
                edges.add((u, v, rtype))
                if g.has_edge(u, v, key=rtype):
                    g.edges[u, v, rtype].update(row.props)
                else:
                    g.add_edge(u, v, key=rtype, **row.props)
        return nodes, edges

    def _fold(self, m: NodeMerge, nodes: set[NodeId], edges: set[EdgeId]) -> None:
        """Move the relationships of node ``m.key`` to ``m.into``, then delete it (adding
        what it touched to ``nodes`` and ``edges``)."""
        g = self.graph
        old, into = (m.label, m.key), (m.label, m.into)
        if old not in g or old == into:
            return
        nodes.update((old, into))
        if into not in g:
            g.add_node(into, **{self.schema.label(m.label).key: m.into})
        moved = [(into, v, k, d) for _, v, k, d in g.out_edges(old, keys=True, data=True)]
        moved += [(u, into, k, d) for u, _, k, d in g.in_edges(old, keys=True, data=True)]
        for u, v, k, data in moved:
            if u == v or old in (u, v):  # would join the node to itself
                continue
            edges.add((u, v, k))
            if g.has_edge(u, v, key=k):
                kept = g.edges[u, v, k]
                merged = {**data, **kept}
                kept.clear()
                kept.update(merged)
            else:
                g.add_edge(u, v, key=k, **data)
        g.remove_node(old)

    def clear(self) -> None:
        self.trace("clear", {})
        self.graph = nx.MultiDiGraph()
        self.version += 1
        if self.path is not None:
            with write_lock(self.path.parent):
                self._write_whole()

    # -- reading -----------------------------------------------------------------------------
    def _node(self, nid: NodeId) -> Node:
        return Node(nid[0], nid[1], dict(self.graph.nodes[nid]))

    def _rel(self, u: NodeId, v: NodeId, rtype: str, data: Mapping[str, Any]) -> Relationship:
        return Relationship(rtype, NodeRef(*u), NodeRef(*v), dict(data))

    def node_values(self, label: str, props: Sequence[str]) -> list[Node]:
        ldef = self.schema.label(label)
        for prop in props:
            self.schema.check_property(ldef, prop)
        self._refresh()
        nodes = self.graph._node
        return [  # from the label index, already by key
            Node(label, key, {p: data[p] for p in props if p in data})
            for key in self.queries().keys(label) for data in (nodes[(label, key)],)
        ]

    def existing_keys(self, label: str, keys: Collection[str]) -> set[str]:
        self.check_label(label)
        self._refresh()
        return {k for k in keys if (label, k) in self.graph}

    def get_node(self, label: str, key: str) -> Node | None:
        self.check_label(label)
        self._refresh()
        nid = (label, key)
        return self._node(nid) if nid in self.graph else None

    def find_nodes(self, label: str, where: Mapping[str, Any] | None = None) -> list[Node]:
        self.check_where(label, where)
        self.trace("find_nodes", {"label": label, "where": dict(where or {})})
        self._refresh()
        nodes = self.graph._node
        found = []
        for key in self.queries().keys(label):  # sorted by key
            data = nodes[(label, key)]
            if where and any(data.get(k) != v for k, v in where.items()):
                continue
            found.append(Node(label, key, dict(data)))
        return found

    def find_relationships(
        self,
        rel_type: str,
        start_label: str | None = None,
        end_label: str | None = None,
    ) -> list[Relationship]:
        self.check_rel_type(rel_type)
        for lbl in (start_label, end_label):
            if lbl is not None:
                self.check_label(lbl)
        self.trace("find_relationships", {"type": rel_type})
        self._refresh()
        edges = self.graph._succ
        # from the type index, already in (start, end) order
        return [
            Relationship(rel_type, NodeRef(*u), NodeRef(*v), dict(edges[u][v][rel_type]))
            for u, v in self.queries().edges(rel_type)
            if (start_label is None or u[0] == start_label)
            and (end_label is None or v[0] == end_label)
        ]

    def get_nodes(self, label: str, keys: Collection[str]) -> list[Node]:
        self.check_label(label)
        self._refresh()
        g = self.graph
        return [self._node((label, k)) for k in sorted(set(keys)) if (label, k) in g]

    def adjacent(
        self, rel_type: str, label: str, keys: Collection[str], direction: str = "out"
    ) -> list[Relationship]:
        self.check_rel_type(rel_type)
        self.check_label(label)
        if direction not in ("out", "in"):
            raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
        self._refresh()
        g = self.graph
        found = []
        for k in set(keys):
            nid = (label, k)
            if nid not in g:
                continue
            edges = g.out_edges(nid, keys=True, data=True) if direction == "out" else g.in_edges(
                nid, keys=True, data=True
            )
            found += [self._rel(u, v, t, d) for u, v, t, d in edges if t == rel_type]
        found.sort(key=lambda r: (r.start, r.end))
        return found

    def neighbourhood(
        self, ref: NodeRef, depth: int = 1, rel_types: Iterable[str] | None = None
    ) -> Subgraph:
        self.check_label(ref.label)
        types = {self.check_rel_type(t) for t in rel_types} if rel_types is not None else None
        self._refresh()
        g = self.graph
        start: NodeId = (ref.label, ref.key)
        if start not in g:
            return Subgraph((), ())
        seen: set[NodeId] = {start}
        frontier: set[NodeId] = {start}
        rels: dict[tuple[NodeId, str, NodeId], Relationship] = {}
        for _ in range(depth):
            nxt: set[NodeId] = set()
            for nid in frontier:
                edges = list(g.out_edges(nid, keys=True, data=True)) + list(
                    g.in_edges(nid, keys=True, data=True)
                )
                for u, v, k, d in edges:
                    if types is not None and k not in types:
                        continue
                    rels[(u, k, v)] = self._rel(u, v, k, d)
                    other = v if u == nid else u
                    if other not in seen:
                        seen.add(other)
                        nxt.add(other)
            frontier = nxt
        nodes = tuple(sorted((self._node(n) for n in seen), key=lambda n: n.ref))
        ordered = tuple(sorted(rels.values(), key=lambda r: (r.start, r.type, r.end)))
        return Subgraph(nodes, ordered)

    def count_nodes(self) -> dict[str, int]:
        self._refresh()
        facts = set(self.schema.map_labels)
        return {k: v for k, v in self.queries().label_counts().items() if k in facts}

    def count_relationships(self) -> dict[str, int]:
        self._refresh()
        return self.queries().rel_counts()
