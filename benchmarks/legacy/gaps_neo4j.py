"""FROZEN COPY (commit d324ff5, graph/stores/queries_neo4j.py and cypher_queries.py) of
``Neo4jQueries.link_member_counts`` as it was before the sub-sector tallies: it found the
enterprises in several sub-sectors by walking every IN_SUBSECTOR of the links' sub-sectors, and
the dead ones through the ``reg_status`` index. With it, :func:`patched` also makes
``Neo4jStore.read_together`` run each read in its own session and transaction again, as every
analysis did before; :func:`untallied_writes` leaves the tallies out of writes. The same-run
baselines of ``bench_gaps_neo4j.py``; patched in for the timed runs only. Not used by tupu itself. Copied unchanged but for imports and the patch.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar

from tupu.graph.stores import cypher_queries as cq, cypher_tallies
from tupu.graph.stores.cypher_queries import _Names
from tupu.graph.stores.neo4j_store import Neo4jStore
from tupu.graph.stores.queries import DEAD
from tupu.graph.stores.queries_neo4j import Neo4jQueries
from tupu.ontology.schema import Schema

R = TypeVar("R")


def multi_subsector(schema: Schema | None = None) -> str:
    """The enterprises in more than one of the sub-sectors ``$codes``, grouped by which."""
    n = _Names(schema)
    ins = n.rel("IN_SUBSECTOR")
    return (
        f"UNWIND $codes AS code MATCH (s:{n.label('SubSector')} {{{n.key('SubSector')}: code}})"
        f"<-[:{ins}]-(e) WHERE COUNT {{ (e)-[:{ins}]->() }} > 1 "
        "WITH e, collect(code) AS codes WHERE size(codes) > 1 "
        "RETURN codes, count(*) AS n"
    )


def dead_subsectors(schema: Schema | None = None) -> str:
    """The sub-sectors of every dead enterprise (found through the reg_status index)."""
    n = _Names(schema)
    return (
        f"MATCH (e:{n.label('Enterprise')}) "
        f"WHERE e.{n.prop('Enterprise', 'reg_status')} IN $dead "
        f"MATCH (e)-[:{n.rel('IN_SUBSECTOR')}]->(s:{n.label('SubSector')}) "
        f"RETURN e.{n.key('Enterprise')} AS key, collect(s.{n.key('SubSector')}) AS codes"
    )


def link_member_counts(self: Neo4jQueries, links: Collection[str]) -> dict[str, int]:
    wanted = sorted(set(links))
    degrees = {r["link"]: (set(r["codes"]), r["incidences"])
               for r in self._all(cq.subsector_degrees(self.schema), {"links": wanted})}
    codes = sorted(set().union(*(c for c, _ in degrees.values())))
    multi = [(r["codes"], r["n"])
             for r in self._all(multi_subsector(self.schema), {"codes": codes})]
    dead = [r["codes"] for r in
            self._all(dead_subsectors(self.schema), {"dead": list(DEAD)})]
    links_of: dict[str, list[str]] = {}
    for lk, (covered, _) in degrees.items():
        for code in covered:
            links_of.setdefault(code, []).append(lk)
    twice: Counter[str] = Counter()  # per link: enterprises counted more than once, extra
    for group, n in multi:
        for lk, k in Counter(lk for c in set(group) for lk in links_of.get(c, ())).items():
            if k > 1:
                twice[lk] += n * (k - 1)
    gone: Counter[str] = Counter()  # per link: dead members
    for group in dead:
        gone.update({lk for c in group for lk in links_of.get(c, ())})
    return {lk: degrees[lk][1] - twice[lk] - gone[lk] if lk in degrees else 0
            for lk in wanted}


def _each_read_alone(self: Neo4jStore, work: Callable[[], R]) -> R:
    return work()


@contextlib.contextmanager
def untallied_writes() -> Iterator[None]:
    """Writes as d324ff5 made them: the tallies' two queries per transaction replaced by an
    empty one (a round trip is left: a fraction of a millisecond). The tallies are wrong
    afterwards: count them again (``drop`` and ``Neo4jStore.keep_tallies``)."""
    saved = (cypher_tallies.leave, cypher_tallies.enter)
    setattr(cypher_tallies, "leave", lambda schema=None: "RETURN 0 AS untallied")
    setattr(cypher_tallies, "enter", lambda schema=None: "RETURN 0 AS untallied")
    try:
        yield
    finally:
        setattr(cypher_tallies, "leave", saved[0])
        setattr(cypher_tallies, "enter", saved[1])


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """d324ff5's member counts and one session per read while the block runs."""
    saved: list[tuple[Any, str, Any]] = [
        (Neo4jQueries, "link_member_counts", Neo4jQueries.link_member_counts),
        (Neo4jStore, "read_together", Neo4jStore.read_together),
    ]
    setattr(Neo4jQueries, "link_member_counts", link_member_counts)
    setattr(Neo4jStore, "read_together", _each_read_alone)
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)
