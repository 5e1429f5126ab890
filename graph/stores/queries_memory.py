"""The named graph queries over the memory store (see :mod:`tupu.graph.stores.queries`).

Every query starts from a small side — the nodes of a small label, one link's sub-sectors, the
located enterprises — and walks networkx's adjacency from there. The indexes it keeps are rebuilt
when the store's graph changes (a write, a newer snapshot; :attr:`MemoryStore.version`):

- the keys of every label, and the dead enterprises (one pass over the nodes);
- per sub-sector, its alive member enterprises, and per link its members (built on first use).
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from tupu.graph.stores.queries import (
    OBSERVATION_PROPS,
    POOL_PROPS,
    TIE_TYPES,
    CandidateTies,
    ChainStructure,
    GraphQueries,
    LinkContext,
    LocalMember,
    Placements,
    PoolLinks,
    PoolMember,
    PropertyScore,
)
from tupu.ontology.vocab import is_dead

if TYPE_CHECKING:
    import networkx as nx

    from tupu.graph.stores.memory_store import MemoryStore

NodeId = tuple[str, str]
ENTERPRISE = "Enterprise"
_TIES = frozenset(TIE_TYPES)


@dataclass(frozen=True)
class IndexSeed:
    """The label index and the dead enterprises as the snapshot read gave them, for one version
    of the graph (so that opening the store does not walk every node again)."""

    version: int
    keys: dict[str, list[str]]  # label -> node keys, sorted
    dead: frozenset[str]


class _Index:
    """What the queries look up, for one version of the graph."""

    def __init__(self, graph: nx.MultiDiGraph, seed: IndexSeed | None = None) -> None:
        self.by_label: dict[str, list[str]] = {}
        self.dead: set[str] = set()
        if seed is not None:
            self.by_label = seed.keys
            self.dead = set(seed.dead)
        else:
            for (label, key), data in graph.nodes(data=True):
                self.by_label.setdefault(label, []).append(key)
                if label == ENTERPRISE and is_dead(data.get("reg_status")):
                    self.dead.add(key)
            for keys in self.by_label.values():
                keys.sort()
        self.subsector_members: dict[str, frozenset[str]] = {}
        self.link_members: dict[str, frozenset[str]] = {}
        self._edges: dict[str, list[tuple[NodeId, NodeId]]] | None = None
        self._graph = graph
        self.located: dict[str, frozenset[str]] = {}
        self.local_ties: list[tuple[str, str, str, bool]] | None = None  # (local, other, type, out)
        self.partner_reach: dict[str, set[str]] | None = None  # non-located -> locals it ties
        self.rel_counts: dict[str, int] | None = None  # type -> relationships (first use)

    def edges(self, rtype: str) -> list[tuple[NodeId, NodeId]]:
        """Every (start, end) of relationships of ``rtype``, sorted (built on first use)."""
        if self._edges is None:
            by_type: dict[str, list[tuple[NodeId, NodeId]]] = {}
            for u, v, k in self._graph.edges(keys=True):
                by_type.setdefault(k, []).append((u, v))
            for pairs in by_type.values():
                pairs.sort()
            self._edges = by_type
        return self._edges.get(rtype, [])


class MemoryQueries(GraphQueries):
    """The named graph queries of one :class:`MemoryStore`."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self._index: _Index | None = None
        self._version = -1

    # -- plumbing ------------------------------------------------------------------------------
    def _graph(self) -> nx.MultiDiGraph:
        self.store.refresh()
        return self.store.graph

    def _idx(self) -> _Index:
        graph = self._graph()
        if self._index is None or self._version != self.store.version:
            seed = self.store.index_seed
            self._index = _Index(graph, seed if seed is not None
                                 and seed.version == self.store.version else None)
            self._version = self.store.version
        return self._index

    def keys(self, label: str) -> list[str]:
        """The keys of the ``label`` nodes, sorted (index)."""
        return self._idx().by_label.get(label, [])

    def label_counts(self) -> dict[str, int]:
        """Node counts by label (index)."""
        return {label: len(keys) for label, keys in sorted(self._idx().by_label.items())}

    def edges(self, rtype: str) -> list[tuple[NodeId, NodeId]]:
        """(start, end) of every ``rtype`` relationship, sorted (index)."""
        return self._idx().edges(rtype)

    def rel_counts(self) -> dict[str, int]:
        """Relationship counts by type, sorted by type (counted once per version of the graph:
        the disclosure rules ask for them on every page a viewer reads)."""
        idx = self._idx()
        if idx.rel_counts is None:
            counts: dict[str, int] = {}
            for _, _, k in self.store.graph.edges(keys=True):
                counts[k] = counts.get(k, 0) + 1
            idx.rel_counts = dict(sorted(counts.items()))
        return dict(idx.rel_counts)

    def _keys(self, label: str) -> list[str]:
        return self._idx().by_label.get(label, [])

    def _out(self, nid: NodeId, rtype: str) -> Iterator[NodeId]:
        for other, edges in self.store.graph._succ[nid].items():
            if rtype in edges:
                yield other

    def _in(self, nid: NodeId, rtype: str) -> Iterator[NodeId]:
        for other, edges in self.store.graph._pred[nid].items():
            if rtype in edges:
                yield other

    def _codes(self, link: str) -> list[str]:
        nid = ("ChainLink", link)
        if nid not in self.store.graph:
            return []
        return sorted(k for lbl, k in self._out(nid, "COVERS") if lbl == "SubSector")

    def _subsector_members(self, code: str) -> frozenset[str]:
        idx = self._idx()
        found = idx.subsector_members.get(code)
        if found is None:
            nid = ("SubSector", code)
            found = frozenset(
                k for lbl, k in (self._in(nid, "IN_SUBSECTOR") if nid in self.store.graph else ())
                if lbl == ENTERPRISE and k not in idx.dead
            )
            idx.subsector_members[code] = found
        return found

    def _members(self, link: str) -> frozenset[str]:
        idx = self._idx()
        found = idx.link_members.get(link)
        if found is None:
            found = frozenset().union(*(self._subsector_members(c) for c in self._codes(link)))
            idx.link_members[link] = found
        return found

    def _pool(self, link: str) -> frozenset[str]:
        """``link``'s candidate pool: its alive members that are not located in the city."""
        return self._members(link) - self._located(ENTERPRISE)

    def _located(self, label: str) -> frozenset[str]:
        idx = self._idx()
        found = idx.located.get(label)
        if found is None:
            found = frozenset(
                k for place in ("Park", "Town") for p in self._keys(place)
                for lbl, k in self._in((place, p), "LOCATED_IN") if lbl == label
            )
            idx.located[label] = found
        return found

    def _local_ties(self) -> tuple[list[tuple[str, str, str, bool]], dict[str, set[str]]]:
        """Every tie of a located enterprise to an enterprise (local, other, type, whether it
        leaves the local one), and for each enterprise that is not located the located ones it
        is tied to (link-independent: kept per version of the graph)."""
        idx = self._idx()
        if idx.local_ties is None or idx.partner_reach is None:
            located = self._located(ENTERPRISE)
            ties: list[tuple[str, str, str, bool]] = []
            reach: dict[str, set[str]] = {}
            for local in sorted(located):
                for (lbl, other), rtype, out in self._ties((ENTERPRISE, local)):
                    if lbl != ENTERPRISE:
                        continue
                    ties.append((local, other, rtype, out))
                    if other not in located:
                        reach.setdefault(other, set()).add(local)
            idx.local_ties, idx.partner_reach = ties, reach
        return idx.local_ties, idx.partner_reach

    def _prop(self, nid: NodeId, prop: str) -> Any:
        return self.store.graph.nodes[nid].get(prop)

    # -- the queries ---------------------------------------------------------------------------
    def chain_structure(self) -> ChainStructure:
        self._idx()
        g = self.store.graph
        links = tuple(
            (k, *(g.nodes[("ChainLink", k)].get(p) for p in ("name", "stage", "position")))
            for k in self._keys("ChainLink")
        )
        chains = tuple(
            (k, *(g.nodes[("Chain", k)].get(p) for p in ("name", "plan_format")))
            for k in self._keys("Chain")
        )
        has_link = sorted(
            (c, k) for c in self._keys("Chain") for lbl, k in self._out(("Chain", c), "HAS_LINK")
            if lbl == "ChainLink"
        )
        feeds = sorted(
            (u, k) for u in self._keys("ChainLink")
            for lbl, k in self._out(("ChainLink", u), "FEEDS") if lbl == "ChainLink"
        )
        covers = sorted(
            (lk, code, g.nodes[("SubSector", code)].get("domain"))
            for lk in self._keys("ChainLink") for code in self._codes(lk)
        )
        return ChainStructure(links, chains, tuple(has_link), tuple(feeds), tuple(covers))

    def placements(self, label: str = ENTERPRISE) -> Placements:
        self.store.check_label(label)
        self._idx()
        located = sorted(
            (k, place, p) for place in ("Park", "Town") for p in self._keys(place)
            for lbl, k in self._in((place, p), "LOCATED_IN") if lbl == label
        )
        park_town = sorted(
            (p, t) for p in self._keys("Park") for lbl, t in self._out(("Park", p), "IN_TOWN")
            if lbl == "Town"
        )
        return Placements(tuple(located), tuple(park_town))

    def local_members(self, links: Collection[str]) -> tuple[LocalMember, ...]:
        idx = self._idx()
        g = self.store.graph
        by_code: dict[str, list[str]] = {}
        for lk in sorted(set(links)):
            for code in self._codes(lk):
                by_code.setdefault(code, []).append(lk)
        out = []
        for key in sorted(self._located(ENTERPRISE)):
            nid = (ENTERPRISE, key)
            alive = key not in idx.dead
            member_of: set[str] = set()
            if alive:
                for lbl, code in self._out(nid, "IN_SUBSECTOR"):
                    if lbl == "SubSector":
                        member_of.update(by_code.get(code, ()))
            out.append(LocalMember(key, g.nodes[nid].get("above_scale") is True, alive,
                                   tuple(sorted(member_of))))
        return tuple(out)

    def link_member_counts(self, links: Collection[str]) -> dict[str, int]:
        return {lk: len(self._members(lk)) for lk in sorted(set(links))}

    def link_members(self, links: Collection[str]) -> dict[str, frozenset[str]]:
        return {lk: self._members(lk) for lk in sorted(set(links))}

    def alive_enterprise_count(self) -> int:
        idx = self._idx()
        return len(idx.by_label.get(ENTERPRISE, [])) - len(idx.dead)

    def enterprise_observations(
        self, enterprises: Collection[str] | None
    ) -> tuple[tuple[str, str, tuple[Any, ...]], ...]:
        self._idx()
        g = self.store.graph
        keys = self._keys(ENTERPRISE) if enterprises is None else set(enterprises)
        succ, nodes = g._succ, g._node
        rows = []
        for key in keys:
            edges = succ.get((ENTERPRISE, key))
            if not edges:
                continue
            for other, types in edges.items():
                if "HAS_OBSERVATION" in types and other[0] == "EnterpriseObservation":
                    get = nodes[other].get
                    rows.append((key, other[1], tuple(map(get, OBSERVATION_PROPS))))
        rows.sort(key=itemgetter(0, 1))
        return tuple(rows)

    def local_ties(self, rel_types: Collection[str]) -> tuple[tuple[str, str, str], ...]:
        types = {self.store.check_rel_type(t) for t in rel_types}
        self._idx()
        located = self._located(ENTERPRISE)
        succ = self.store.graph._succ
        found = [
            (a, b, rtype) for a in located
            for (lbl, b), edges in succ[(ENTERPRISE, a)].items()
            if lbl == ENTERPRISE and b in located
            for rtype in types.intersection(edges)
        ]
        found.sort()
        return tuple(found)

    def pool_top(self, link: str, n: int | None, score: PropertyScore, margin: float = 0.0,
                 exclude: Collection[str] = ()) -> tuple[PoolMember, ...]:
        if n is not None and n <= 0:
            return ()
        self._idx()
        pool = self._pool(link)
        if exclude:
            pool = pool - frozenset(exclude)
        nodes = self.store.graph._node  # the node dicts (NodeView's lookup costs a call each)
        keys: Collection[str] = pool
        if n is not None and len(pool) > n:
            members = list(pool)
            scores = score.scores([nodes[(ENTERPRISE, key)] for key in members])
            floor = heapq.nlargest(n, scores)[-1] - margin
            keys = [key for key, s in zip(members, scores, strict=True) if s >= floor]
        out = []
        for key in sorted(keys):
            data = nodes[(ENTERPRISE, key)]
            out.append(PoolMember(key, tuple([(p, data[p]) for p in POOL_PROPS if p in data])))
        return tuple(out)

    def _ties(self, nid: NodeId) -> Iterator[tuple[NodeId, str, bool]]:
        """Every tie of ``nid``: (other node, type, whether it leaves ``nid``)."""
        g = self.store.graph
        for other, edges in g._succ[nid].items():
            for rtype in _TIES.intersection(edges):
                yield other, rtype, True
        for other, edges in g._pred[nid].items():
            for rtype in _TIES.intersection(edges):
                yield other, rtype, False

    def candidate_ties(self, link: str) -> CandidateTies:
        self._idx()
        pool = self._pool(link)
        if not pool:
            return CandidateTies((), ())
        ties, reach = self._local_ties()
        direct = {(other, local, rtype, not out) for local, other, rtype, out in ties
                  if other in pool}
        indirect: set[tuple[str, str, str]] = set()
        for partner, locals_ in reach.items():
            for (lbl, cand), _, _ in self._ties((ENTERPRISE, partner)):
                if lbl == ENTERPRISE and cand != partner and cand in pool:
                    indirect.update((cand, partner, local) for local in locals_)
        return CandidateTies(tuple(sorted(direct)), tuple(sorted(indirect)))

    def link_context(self, link: str) -> LinkContext | None:
        self._idx()
        g = self.store.graph
        nid = ("ChainLink", link)
        if nid not in g:
            return None
        codes = self._codes(link)
        ups = sorted(k for lbl, k in self._in(nid, "FEEDS") if lbl == "ChainLink")
        downs = sorted(k for lbl, k in self._out(nid, "FEEDS") if lbl == "ChainLink")
        parks = sorted(
            (k, self._prop(("Park", k), "name"), self._prop(("Park", k), "vacant_area"))
            for lbl, k in self._in(nid, "POSITIONED_FOR") if lbl == "Park"
        )
        # from the funds' and universities' side (tens of nodes): a sub-sector's in-edges hold
        # every enterprise in it, the whole outside pool
        covered = {("SubSector", code) for code in codes}
        funds = {k for k in self._keys("Fund")
                 if any(o in covered for o in self._out(("Fund", k), "FOCUSES_ON"))}
        strong = {k for k in self._keys("University")
                  if self._prop(("University", k), "local") is True
                  and any(o in covered for o in self._out(("University", k), "STRONG_IN"))}
        names = [("ChainLink", k, self._prop(("ChainLink", k), "name")) for k in {*ups, *downs}]
        names += [("Fund", k, self._prop(("Fund", k), "name")) for k in funds]
        names += [("University", k, self._prop(("University", k), "name")) for k in strong]
        return LinkContext(tuple(codes), tuple(ups), tuple(downs), tuple(parks),
                           tuple(sorted(funds)), tuple(sorted(strong)), tuple(sorted(names)))

    def pool_links(self, link: str) -> PoolLinks:
        self._idx()
        pool = self._pool(link)
        if not pool:
            return PoolLinks((), (), ())
        invested = sorted(
            (k, f) for f in self._keys("Fund") for lbl, k in self._out(("Fund", f), "INVESTED_IN")
            if lbl == ENTERPRISE and k in pool
        )
        unis = sorted(
            (k, u) for u in self._keys("University")
            for lbl, k in self._in(("University", u), "COOPERATES_WITH")
            if lbl == ENTERPRISE and k in pool
        )
        names = sorted(
            {("Fund", f, self._prop(("Fund", f), "name")) for _, f in invested}
            | {("University", u, self._prop(("University", u), "name")) for _, u in unis}
        )
        return PoolLinks(tuple(invested), tuple(unis), tuple(names))

