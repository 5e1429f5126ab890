"""The named graph queries on Neo4j (see :mod:`tupu.graph.stores.queries`).

Runs the Cypher of :mod:`tupu.graph.stores.cypher_queries` in read transactions of the store and
shapes the records into the same answers as :class:`~tupu.graph.stores.queries_memory.MemoryQueries`.
Member counts come from relationship degrees: the sum of the IN_SUBSECTOR degrees of a link's
sub-sectors, less the enterprises counted twice (in several of its sub-sectors) and the dead ones,
both read from the sub-sector tallies the store keeps (:mod:`tupu.graph.stores.tallies`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from neo4j import ManagedTransaction

from tupu.graph.stores import cypher_queries as cq, cypher_tallies as ct, tallies
from tupu.graph.stores.queries import (
    DEAD,
    POOL_PROPS,
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

from tupu.graph.stores.neo4j_store import Neo4jStore, from_neo4j


_v = from_neo4j


def _pairs(rows: list[list[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(sorted(tuple(_v(x) for x in row) for row in rows))


class Neo4jQueries(GraphQueries):
    """The named graph queries of one :class:`Neo4jStore`."""

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.schema = store.schema

    def _one(self, query: str, params: dict[str, Any]) -> Any:
        """The single record of ``query`` (None: no record)."""

        def work(tx: ManagedTransaction) -> Any:
            return self.store._run(tx, query, params).single()

        return self.store._read(work)

    def _all(self, query: str, params: dict[str, Any]) -> list[Any]:
        def work(tx: ManagedTransaction) -> list[Any]:
            return list(self.store._run(tx, query, params))

        return self.store._read(work)

    # -- the queries ---------------------------------------------------------------------------
    def chain_structure(self) -> ChainStructure:
        rec = self._one(cq.chain_structure(self.schema), {})
        return ChainStructure(
            links=_pairs(rec["links"]), chains=_pairs(rec["chains"]),
            has_link=_pairs(rec["has_link"]), feeds=_pairs(rec["feeds"]),
            covers=_pairs(rec["covers"]),
        )

    def placements(self, label: str = "Enterprise") -> Placements:
        rec = self._one(cq.placements(label, self.schema), {})
        return Placements(_pairs(rec["located"]), _pairs(rec["park_town"]))

    def local_members(self, links: Collection[str]) -> tuple[LocalMember, ...]:
        recs = self._all(cq.local_members(self.schema), {"links": sorted(set(links)),
                                                           "dead": list(DEAD)})
        return tuple(sorted(
            (LocalMember(r["key"], r["above"] is True, r["alive"], tuple(sorted(r["links"])))
             for r in recs),
            key=lambda m: m.key,
        ))

    def link_member_counts(self, links: Collection[str]) -> dict[str, int]:
        wanted = sorted(set(links))
        covered = {r["link"]: (frozenset(r["codes"]), r["incidences"]) for r in self._all(
            cq.subsector_degrees(self.schema), {"links": wanted})}
        rec = self._one(ct.read(self.schema), {"state": tallies.state_key()})
        if not rec["kept"]:  # not kept in this database yet: counted here, nothing written
            rec = self._one(ct.counted(self.schema), {"dead": list(DEAD)})
        return tallies.member_counts(wanted, covered,
                                     (tallies.parse(key, n) for key, n in rec["rows"]))

    def link_members(self, links: Collection[str]) -> dict[str, frozenset[str]]:
        wanted = sorted(set(links))
        found = {r["link"]: frozenset(r["members"]) for r in self._all(
            cq.link_members(self.schema), {"links": wanted, "dead": list(DEAD)})}
        return {lk: found.get(lk, frozenset()) for lk in wanted}

    def alive_enterprise_count(self) -> int:
        return int(self._one(cq.alive_count(self.schema), {"dead": list(DEAD)})["count"])

    def enterprise_observations(
        self, enterprises: Collection[str] | None
    ) -> tuple[tuple[str, str, tuple[Any, ...]], ...]:
        if enterprises is None:
            rec = self._one(cq.observations(True, self.schema), {})
        else:
            keys = sorted(set(enterprises))
            if not keys:
                return ()
            rec = self._one(cq.observations(False, self.schema), {"keys": keys})
        rows = [(row[0], row[1], tuple(_v(x) for x in row[2:])) for row in rec["rows"]]
        rows.sort(key=lambda r: (r[0], r[1]))
        return tuple(rows)

    def local_ties(self, rel_types: Collection[str]) -> tuple[tuple[str, str, str], ...]:
        types = sorted(set(rel_types))
        if not types:
            return ()
        rec = self._one(cq.local_ties(types, self.schema), {})
        return tuple(sorted((a, b, t) for a, b, t in rec["rows"]))

    def pool_top(self, link: str, n: int | None, score: PropertyScore, margin: float = 0.0,
                 exclude: Collection[str] = ()) -> tuple[PoolMember, ...]:
        if n is not None and n <= 0:
            return ()
        params: dict[str, Any] = {"link": link, "dead": list(DEAD), "exclude": sorted(exclude)}
        if n is not None:
            params.update(score.params(), n=n, margin=margin)
        rec = self._one(cq.pool_top(n is not None, self.schema), params)
        out = [
            PoolMember(row[0], tuple((p, _v(x)) for p, x in zip(POOL_PROPS, row[1:], strict=True)
                                     if x is not None))
            for row in (rec["rows"] if rec is not None else [])
        ]
        out.sort(key=lambda m: m.key)
        return tuple(out)

    def candidate_ties(self, link: str) -> CandidateTies:
        rec = self._one(cq.candidate_ties(self.schema), {"link": link, "dead": list(DEAD)})
        if rec is None:
            return CandidateTies((), ())
        return CandidateTies(
            tuple(sorted({(c, loc, t, bool(out)) for c, loc, t, out in rec["direct"]})),
            tuple(sorted({(c, p, loc) for c, p, loc in rec["indirect"]})),
        )

    def link_context(self, link: str) -> LinkContext | None:
        rec = self._one(cq.link_context(self.schema), {"link": link})
        if rec is None:
            return None
        names = [("ChainLink", k, nm) for k, nm in rec["ups"] + rec["downs"]]
        names += [("Fund", k, nm) for k, nm in rec["funds"]]
        names += [("University", k, nm) for k, nm in rec["unis"]]
        return LinkContext(
            codes=tuple(sorted(rec["codes"])),
            ups=tuple(sorted(k for k, _ in rec["ups"])),
            downs=tuple(sorted(k for k, _ in rec["downs"])),
            parks=_pairs(rec["parks"]),
            focus_funds=tuple(sorted(k for k, _ in rec["funds"])),
            strong_universities=tuple(sorted(k for k, _ in rec["unis"])),
            names=tuple(sorted(set(names))),
        )

    def pool_links(self, link: str) -> PoolLinks:
        rec = self._one(cq.pool_links(self.schema), {"link": link, "dead": list(DEAD)})
        if rec is None:
            return PoolLinks((), (), ())
        invested = sorted({(e, f) for e, f, _ in rec["invested"]})
        unis = sorted({(e, u) for e, u, _ in rec["unis"]})
        names = sorted({("Fund", f, nm) for _, f, nm in rec["invested"]}
                       | {("University", u, nm) for _, u, nm in rec["unis"]})
        return PoolLinks(tuple(invested), tuple(unis), tuple(names))
