"""The Cypher of the sub-sector tallies (``SubSectorTally``), as pure functions.

A link's member count on Neo4j is the sum of its sub-sectors' IN_SUBSECTOR degrees (the degree
store answers it) less the enterprises counted twice and the dead ones. The tallies say how many
enterprises share each set of sub-sectors — for the sets of two or more, and for the sets of the
dead enterprises — so the count needs no member read, however big the pool
(:mod:`tupu.graph.stores.tallies` keeps them and reads them).

Each tally's key encodes its set: ``d|`` (dead) or ``a|`` (alive), then every code as
``<length>:<code>`` in the database's string order, which no code can make ambiguous. The tally of
the tallies' state has the key ``$state`` (``#`` and the dead statuses, encoded alike): present,
the tallies are right for those statuses.

Values travel as ``$params``; names go through the schema-checked helpers of
:mod:`tupu.graph.stores.cypher_queries`.

======================== ================================================================
query                    parameters; columns
======================== ================================================================
leave                    ``keys``, ``dead``: the enterprises leave their tallies
enter                    ``keys``, ``dead``: the enterprises enter their tallies
rebuild                  ``dead``, ``state``: every tally counted again; the state's tally
counted                  ``dead``; ``rows`` ([key, n]): the tallies counted, nothing written
drop                     none: every tally deleted (their state with them)
kept                     ``state``; ``kept``: the state's tally exists
read                     ``state``; ``kept`` (the state's tally exists), ``rows`` ([key, n])
======================== ================================================================
"""

from __future__ import annotations

from tupu.graph.stores.cypher_queries import _alive, _Names
from tupu.ontology.schema import Schema

TALLY = "SubSectorTally"


def _tallied(n: _Names) -> str:
    """From ``e`` (an Enterprise): ``key`` of its tally, for the enterprises that have one."""
    ins, sub = n.rel("IN_SUBSECTOR"), n.label("SubSector")
    code = n.key("SubSector")
    return (
        f"CALL (e) {{ MATCH (e)-[:{ins}]->(s:{sub}) WITH s.{code} AS code ORDER BY code "
        "RETURN collect(code) AS codes } "
        f"WITH e, codes, NOT ({_alive(n, 'e')}) AS dead "
        "WHERE size(codes) > 1 OR (dead AND size(codes) > 0) "
        "WITH CASE WHEN dead THEN 'd|' ELSE 'a|' END "
        "+ reduce(acc = '', c IN codes | acc + toString(size(c)) + ':' + c) AS key "
    )


def _each(n: _Names) -> str:
    """The enterprises ``$keys`` that exist, as ``e``."""
    return f"UNWIND $keys AS k MATCH (e:{n.label('Enterprise')} {{{n.key('Enterprise')}: k}}) "


def _shift(n: _Names, sign: str, lock: str = "") -> str:
    """Add (``+``) or take (``-``) the enterprises ``$keys`` to or from their tallies; a tally
    that falls to nothing is deleted."""
    label, key, count = n.label(TALLY), n.key(TALLY), n.prop(TALLY, "count")
    return (
        _each(n) + lock + _tallied(n)
        + f", count(*) AS moved MERGE (t:{label} {{{key}: key}}) ON CREATE SET t.{count} = 0 "
        f"SET t.{count} = t.{count} {sign} moved "
        f"WITH t WHERE t.{count} <= 0 DELETE t"
    )


def leave(schema: Schema | None = None) -> str:
    """The enterprises ``$keys`` leave their tallies (before a write changes them). Each is
    write-locked first (its key set to itself: no change, but the lock is held to the commit),
    so that a concurrent write of the same enterprise reads its sub-sectors only after this
    one committed, and their tallies stay right."""
    n = _Names(schema)
    ek = n.key("Enterprise")
    return _shift(n, "-", f"SET e.{ek} = e.{ek} WITH e ")


def enter(schema: Schema | None = None) -> str:
    """The enterprises ``$keys`` enter their tallies (after a write changed them)."""
    return _shift(_Names(schema), "+")


def drop(schema: Schema | None = None) -> str:
    """Delete every tally, the state's too (they are to be counted again)."""
    n = _Names(schema)
    return f"MATCH (t:{n.label(TALLY)}) DELETE t"


def _counted(n: _Names) -> str:
    """Every tally counted from the map, as ``key`` and ``found``: the enterprises in two
    sub-sectors or more (a scan of the enterprises with their degrees) and the dead ones (the
    ``reg_status`` index)."""
    ent, ins = n.label("Enterprise"), n.rel("IN_SUBSECTOR")
    return (
        f"CALL () {{ MATCH (e:{ent}) WHERE COUNT {{ (e)-[:{ins}]->() }} > 1 RETURN e "
        f"UNION MATCH (e:{ent}) WHERE e.{n.prop('Enterprise', 'reg_status')} IN $dead "
        "RETURN e } "
        + _tallied(n)
        + ", count(*) AS found "
    )


def rebuild(schema: Schema | None = None) -> str:
    """Write every tally counted from the map (after :func:`drop`, in the same transaction), then
    the state's tally ``$state``."""
    n = _Names(schema)
    label, key, count = n.label(TALLY), n.key(TALLY), n.prop(TALLY, "count")
    return (
        _counted(n)
        + f"CREATE (:{label} {{{key}: key, {count}: found}}) "
        "WITH count(*) AS tallies "
        f"CREATE (:{label} {{{key}: $state, {count}: tallies}})"
    )


def counted(schema: Schema | None = None) -> str:
    """``rows``: [key, enterprises] of every tally, counted from the map without writing (where
    the tallies are not kept)."""
    return _counted(_Names(schema)) + "RETURN collect([key, found]) AS rows"


def kept(schema: Schema | None = None) -> str:
    """``kept``: whether the state's tally ``$state`` exists (the tallies are right)."""
    n = _Names(schema)
    return (f"OPTIONAL MATCH (state:{n.label(TALLY)} {{{n.key(TALLY)}: $state}}) "
            "RETURN state IS NOT NULL AS kept")


def read(schema: Schema | None = None) -> str:
    """``kept``: whether the state's tally ``$state`` exists (the tallies are right); ``rows``:
    [key, enterprises] of every other tally."""
    n = _Names(schema)
    label, key, count = n.label(TALLY), n.key(TALLY), n.prop(TALLY, "count")
    return (
        f"OPTIONAL MATCH (state:{label} {{{key}: $state}}) "
        f"CALL (state) {{ MATCH (t:{label}) WHERE state IS NOT NULL AND t.{key} <> $state "
        f"RETURN collect([t.{key}, t.{count}]) AS rows }} "
        "RETURN state IS NOT NULL AS kept, rows"
    )
