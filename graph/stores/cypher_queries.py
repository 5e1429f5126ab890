"""The Cypher of the named graph queries (:mod:`tupu.graph.stores.queries`), as pure functions.

Like :mod:`tupu.graph.stores.cypher`: values travel as ``$params`` only; every label, type and
property name is checked against the ontology and backquoted. Each query starts from the small
side of the graph — the chain skeleton, the parks and towns, one link — and returns aggregates
or one link's rows, never a whole label of enterprises.

======================== ================================================================
query                    parameters; columns
======================== ================================================================
chain_structure          none; ``links``, ``chains``, ``has_link``, ``feeds``, ``covers``
placements               none; ``located``, ``park_town``
local_members            ``links``, ``dead``; ``key``, ``above``, ``alive``, ``links``
subsector_degrees        ``links``; ``link``, ``codes``, ``incidences``
link_members             ``links``, ``dead``; ``link``, ``members``
alive_count              ``dead``; ``count``
observations             ``keys``; ``rows``     observations_all: none; ``rows``
local_ties               none; ``rows``
pool_top                 ``link``, ``dead``, ``exclude``, ranked: ``n``, ``margin``, the
                         weights of ``PropertyScore.params``; ``rows``
candidate_ties           ``link``, ``dead``; ``direct``, ``indirect``
link_context             ``link``; ``codes``, ``ups``, ``downs``, ``parks``, ``funds``, ``unis``
pool_links               ``link``, ``dead``; ``invested``, ``unis``
create_indexes           the range indexes the queries seek by (idempotent)
data_version             none; (an empty read, for its bookmark)
======================== ================================================================
"""

from __future__ import annotations

from collections.abc import Sequence

from tupu.graph.stores.cypher import _label, _literal, _rel_type, _schema, quote
from tupu.graph.stores.queries import BRAND_FLAGS, OBSERVATION_PROPS, POOL_PROPS, TIE_TYPES
from tupu.ontology.schema import Schema


class _Names:
    """Checked, backquoted names of one schema."""

    def __init__(self, schema: Schema | None) -> None:
        self.schema = _schema(schema)

    def label(self, label: str) -> str:
        return _label(self.schema, label)[0]

    def key(self, label: str) -> str:
        return quote(_label(self.schema, label)[1].key)

    def prop(self, label: str, prop: str) -> str:
        ldef = self.schema.label(label)
        return quote(self.schema.check_property(ldef, prop).name)

    def rel(self, *types: str) -> str:
        return "|".join(_rel_type(self.schema, t) for t in types)

    def values(self, var: str, label: str, props: Sequence[str]) -> str:
        return ", ".join(f"{var}.{self.prop(label, p)}" for p in props)


def _alive(n: _Names, var: str) -> str:
    return f"NOT coalesce({var}.{n.prop('Enterprise', 'reg_status')}, '') IN $dead"


def _in_pool(n: _Names, var: str, codes: str) -> str:
    """``var`` (an Enterprise) is in the pool of the link covering ``codes``."""
    return (
        f"{_alive(n, var)} AND NOT EXISTS {{ ({var})-[:{n.rel('LOCATED_IN')}]->() }} "
        f"AND EXISTS {{ ({var})-[:{n.rel('IN_SUBSECTOR')}]->(s:{n.label('SubSector')}) "
        f"WHERE s.{n.key('SubSector')} IN {codes} }}"
    )


def _places(n: _Names) -> str:
    """The parks and towns, as ``place`` (the small side of LOCATED_IN)."""
    return (
        f"CALL () {{ MATCH (place:{n.label('Park')}) RETURN place "
        f"UNION MATCH (place:{n.label('Town')}) RETURN place }} "
    )


def _link_codes(n: _Names) -> str:
    """``codes``: the sub-sectors the link ``$link`` covers (no row: no such link)."""
    return (
        f"MATCH (l:{n.label('ChainLink')} {{{n.key('ChainLink')}: $link}}) "
        f"CALL (l) {{ MATCH (l)-[:{n.rel('COVERS')}]->(s:{n.label('SubSector')}) "
        f"RETURN collect(s.{n.key('SubSector')}) AS codes }} "
    )


def chain_structure(schema: Schema | None = None) -> str:
    n = _Names(schema)
    lk, ch, ss = n.key("ChainLink"), n.key("Chain"), n.key("SubSector")
    return (
        f"CALL () {{ MATCH (l:{n.label('ChainLink')}) "
        f"RETURN collect([l.{lk}, {n.values('l', 'ChainLink', ['name', 'stage', 'position'])}])"
        " AS links } "
        f"CALL () {{ MATCH (c:{n.label('Chain')}) "
        f"RETURN collect([c.{ch}, {n.values('c', 'Chain', ['name', 'plan_format'])}]) AS chains }} "
        f"CALL () {{ MATCH (c:{n.label('Chain')})-[:{n.rel('HAS_LINK')}]->(l:{n.label('ChainLink')}) "
        f"RETURN collect([c.{ch}, l.{lk}]) AS has_link }} "
        f"CALL () {{ MATCH (a:{n.label('ChainLink')})-[:{n.rel('FEEDS')}]->(b:{n.label('ChainLink')}) "
        f"RETURN collect([a.{lk}, b.{lk}]) AS feeds }} "
        f"CALL () {{ MATCH (l:{n.label('ChainLink')})-[:{n.rel('COVERS')}]->"
        f"(s:{n.label('SubSector')}) "
        f"RETURN collect([l.{lk}, s.{ss}, s.{n.prop('SubSector', 'domain')}]) AS covers }} "
        "RETURN links, chains, has_link, feeds, covers"
    )


def placements(label: str, schema: Schema | None = None) -> str:
    n = _Names(schema)
    key = n.key(label)
    pk, tk = n.key("Park"), n.key("Town")
    located = n.rel("LOCATED_IN")
    return (
        f"CALL () {{ MATCH (x:{n.label(label)})-[:{located}]->(p:{n.label('Park')}) "
        f"RETURN collect([x.{key}, {_literal('Park')}, p.{pk}]) AS in_parks }} "
        f"CALL () {{ MATCH (x:{n.label(label)})-[:{located}]->(t:{n.label('Town')}) "
        f"RETURN collect([x.{key}, {_literal('Town')}, t.{tk}]) AS in_towns }} "
        f"CALL () {{ MATCH (p:{n.label('Park')})-[:{n.rel('IN_TOWN')}]->(t:{n.label('Town')}) "
        f"RETURN collect([p.{pk}, t.{tk}]) AS park_town }} "
        "RETURN in_parks + in_towns AS located, park_town"
    )


def local_members(schema: Schema | None = None) -> str:
    n = _Names(schema)
    ek = n.key("Enterprise")
    return (
        _places(n)
        + f"MATCH (place)<-[:{n.rel('LOCATED_IN')}]-(e:{n.label('Enterprise')}) "
        "WITH DISTINCT e "
        f"WITH e, {_alive(n, 'e')} AS alive "
        f"CALL (e, alive) {{ MATCH (e)-[:{n.rel('IN_SUBSECTOR')}]->(:{n.label('SubSector')})"
        f"<-[:{n.rel('COVERS')}]-(l:{n.label('ChainLink')}) "
        f"WHERE alive AND l.{n.key('ChainLink')} IN $links "
        f"RETURN collect(DISTINCT l.{n.key('ChainLink')}) AS links }} "
        f"RETURN e.{ek} AS key, e.{n.prop('Enterprise', 'above_scale')} = true AS above, "
        "alive, links"
    )


def subsector_degrees(schema: Schema | None = None) -> str:
    """Per link of ``$links``: its sub-sectors and the sum of their IN_SUBSECTOR degrees (only
    enterprises are in a sub-sector, so the degree counts enterprises; from the degree store)."""
    n = _Names(schema)
    return (
        f"UNWIND $links AS link MATCH (l:{n.label('ChainLink')} {{{n.key('ChainLink')}: link}})"
        f"-[:{n.rel('COVERS')}]->(s:{n.label('SubSector')}) "
        f"RETURN link, collect(s.{n.key('SubSector')}) AS codes, "
        f"sum(COUNT {{ (s)<-[:{n.rel('IN_SUBSECTOR')}]-() }}) AS incidences"
    )


def link_members(schema: Schema | None = None) -> str:
    n = _Names(schema)
    return (
        f"UNWIND $links AS link MATCH (l:{n.label('ChainLink')} {{{n.key('ChainLink')}: link}})"
        f"-[:{n.rel('COVERS')}]->(:{n.label('SubSector')})<-[:{n.rel('IN_SUBSECTOR')}]-"
        f"(e:{n.label('Enterprise')}) WHERE {_alive(n, 'e')} "
        f"RETURN link, collect(DISTINCT e.{n.key('Enterprise')}) AS members"
    )


def alive_count(schema: Schema | None = None) -> str:
    """Enterprises (count store) less the dead ones (reg_status index)."""
    n = _Names(schema)
    ent = n.label("Enterprise")
    return (
        f"CALL () {{ MATCH (e:{ent}) RETURN count(e) AS total }} "
        f"CALL () {{ MATCH (e:{ent}) WHERE e.{n.prop('Enterprise', 'reg_status')} IN $dead "
        "RETURN count(e) AS dead } "
        "RETURN total - dead AS count"
    )


def observations(every: bool, schema: Schema | None = None) -> str:
    """``rows``: [enterprise, observation key, values of OBSERVATION_PROPS…] of the enterprises
    ``$keys`` (``every``: of every enterprise)."""
    n = _Names(schema)
    ek, ok = n.key("Enterprise"), n.key("EnterpriseObservation")
    start = (f"MATCH (e:{n.label('Enterprise')})" if every else
             f"UNWIND $keys AS k MATCH (e:{n.label('Enterprise')} {{{ek}: k}})")
    return (
        f"{start}-[:{n.rel('HAS_OBSERVATION')}]->(o:{n.label('EnterpriseObservation')}) "
        f"RETURN collect([e.{ek}, o.{ok}, "
        f"{n.values('o', 'EnterpriseObservation', OBSERVATION_PROPS)}]) AS rows"
    )


def local_ties(rel_types: Sequence[str], schema: Schema | None = None) -> str:
    """``rows``: [start, end, type] of the ``rel_types`` relationships between located
    enterprises."""
    n = _Names(schema)
    ek, ent = n.key("Enterprise"), n.label("Enterprise")
    return (
        _places(n)
        + f"MATCH (place)<-[:{n.rel('LOCATED_IN')}]-(a:{ent}) WITH DISTINCT a "
        f"MATCH (a)-[r:{n.rel(*rel_types)}]->(b:{ent}) "
        f"WHERE EXISTS {{ (b)-[:{n.rel('LOCATED_IN')}]->() }} "
        f"RETURN collect([a.{ek}, b.{ek}, type(r)]) AS rows"
    )


def _number(expr: str) -> str:
    """``expr`` read as :func:`tupu.graph.stores.queries.number` reads a value: an integer or
    float (not NaN) as a float, anything else as 0."""
    return (f"CASE WHEN {expr} IS :: INTEGER | FLOAT AND {expr} = {expr} "
            f"THEN toFloat({expr}) ELSE 0.0 END")


def _property_score(n: _Names, var: str) -> str:
    """``score``: :class:`tupu.graph.stores.queries.PropertyScore` of ``var`` (an Enterprise),
    its terms added in the same order as ``PropertyScore.scores``, weights as parameters (each
    property read once)."""
    names = ("annual_revenue", "employees", *BRAND_FLAGS)
    ratio = "log10(1 + revenue) / log10(1 + $full_at_revenue)"
    brands = "".join(f" + CASE WHEN v{i + 2} = true THEN $brand_weights[{i}] ELSE 0.0 END"
                     for i in range(len(BRAND_FLAGS)))
    return (
        f"WITH {var}, "
        + ", ".join(f"{var}.{n.prop('Enterprise', p)} AS v{i}" for i, p in enumerate(names))
        + f" WITH {var}, {_number('v0')} AS revenue, {_number('v1')} AS employees, "
        + ", ".join(f"v{i + 2}" for i in range(len(BRAND_FLAGS)))
        + f" WITH {var}, revenue, "
        + ", ".join(f"v{i + 2}" for i in range(len(BRAND_FLAGS)))
        + ", CASE WHEN $branch_employees < employees THEN $branch_employees "
        "ELSE employees END * $space_per_employee AS space "
        f"WITH {var}, CASE WHEN revenue > 0 THEN $scale_weight * "
        f"CASE WHEN {ratio} < 1.0 THEN {ratio} ELSE 1.0 END ELSE 0.0 END{brands} "
        "+ CASE WHEN $roomiest IS NOT NULL AND $roomiest >= "
        "CASE WHEN space > $min_space THEN space ELSE $min_space END "
        "THEN $park_weight ELSE 0.0 END AS score "
    )


def pool_top(ranked: bool, schema: Schema | None = None) -> str:
    """``rows``: [key, values of POOL_PROPS…] of the link's pool less ``$exclude``; ``ranked``:
    only the members whose property score is at least the ``$n``-th best's less ``$margin``
    (all when there are ``$n`` or fewer), ordered and cut on the server. Parameters: ``$link``,
    ``$dead``, ``$exclude``; ranked: ``$n``, ``$margin`` and ``PropertyScore.params()``."""
    n = _Names(schema)
    ek = n.key("Enterprise")
    pool = (
        f"MATCH (l:{n.label('ChainLink')} {{{n.key('ChainLink')}: $link}})"
        f"-[:{n.rel('COVERS')}]->(:{n.label('SubSector')})<-[:{n.rel('IN_SUBSECTOR')}]-"
        f"(e:{n.label('Enterprise')}) "
        "WITH DISTINCT e "
        f"WHERE {_alive(n, 'e')} AND NOT EXISTS {{ (e)-[:{n.rel('LOCATED_IN')}]->() }} "
        f"AND NOT e.{ek} IN $exclude "
    )
    rows = f"RETURN collect([e.{ek}, {n.values('e', 'Enterprise', POOL_PROPS)}]) AS rows"
    if not ranked:
        return pool + rows
    return (
        pool + _property_score(n, "e")
        + "WITH e, score ORDER BY score DESC "
        "WITH collect(e) AS members, collect(score) AS scores "
        "WITH members, scores, "
        "CASE WHEN size(scores) > $n THEN scores[$n - 1] - $margin END AS floor "
        "UNWIND range(0, size(members) - 1) AS i "
        "WITH members[i] AS e, scores[i] AS score, floor "
        "WHERE floor IS NULL OR score >= floor "
        + rows
    )


def candidate_ties(schema: Schema | None = None) -> str:
    n = _Names(schema)
    ek = n.key("Enterprise")
    ent = n.label("Enterprise")
    ties = n.rel(*TIE_TYPES)
    located = n.rel("LOCATED_IN")
    return (
        _link_codes(n)
        + "CALL () { "
        + _places(n)
        + f"MATCH (place)<-[:{located}]-(loc:{ent}) RETURN collect(DISTINCT loc) AS locals }} "
        "CALL (codes, locals) { UNWIND locals AS loc "
        f"MATCH (loc)-[r:{ties}]-(c:{ent}) WHERE {_in_pool(n, 'c', 'codes')} "
        f"RETURN collect([c.{ek}, loc.{ek}, type(r), startNode(r) = c]) AS direct }} "
        "CALL (codes, locals) { UNWIND locals AS loc "
        f"MATCH (loc)-[:{ties}]-(p:{ent})-[:{ties}]-(c:{ent}) "
        f"WHERE c <> p AND NOT EXISTS {{ (p)-[:{located}]->() }} "
        f"AND {_in_pool(n, 'c', 'codes')} "
        f"RETURN collect(DISTINCT [c.{ek}, p.{ek}, loc.{ek}]) AS indirect }} "
        "RETURN direct, indirect"
    )


def link_context(schema: Schema | None = None) -> str:
    n = _Names(schema)
    lk = n.key("ChainLink")
    link, sub = n.label("ChainLink"), n.label("SubSector")
    name = n.prop("ChainLink", "name")
    return (
        _link_codes(n)
        + f"CALL (l) {{ MATCH (u:{link})-[:{n.rel('FEEDS')}]->(l) "
        f"RETURN collect([u.{lk}, u.{name}]) AS ups }} "
        f"CALL (l) {{ MATCH (l)-[:{n.rel('FEEDS')}]->(d:{link}) "
        f"RETURN collect([d.{lk}, d.{name}]) AS downs }} "
        f"CALL (l) {{ MATCH (p:{n.label('Park')})-[:{n.rel('POSITIONED_FOR')}]->(l) "
        f"RETURN collect([p.{n.key('Park')}, {n.values('p', 'Park', ['name', 'vacant_area'])}])"
        " AS parks } "
        f"CALL (l) {{ MATCH (l)-[:{n.rel('COVERS')}]->(:{sub})<-[:{n.rel('FOCUSES_ON')}]-"
        f"(f:{n.label('Fund')}) "
        f"RETURN collect(DISTINCT [f.{n.key('Fund')}, f.{n.prop('Fund', 'name')}]) AS funds }} "
        f"CALL (l) {{ MATCH (l)-[:{n.rel('COVERS')}]->(:{sub})<-[:{n.rel('STRONG_IN')}]-"
        f"(u:{n.label('University')}) WHERE u.{n.prop('University', 'local')} = true "
        f"RETURN collect(DISTINCT [u.{n.key('University')}, u.{n.prop('University', 'name')}])"
        " AS unis } "
        "RETURN codes, ups, downs, parks, funds, unis"
    )


def pool_links(schema: Schema | None = None) -> str:
    n = _Names(schema)
    ek = n.key("Enterprise")
    ent = n.label("Enterprise")
    return (
        _link_codes(n)
        + f"CALL (codes) {{ MATCH (f:{n.label('Fund')})-[:{n.rel('INVESTED_IN')}]->(e:{ent}) "
        f"WHERE {_in_pool(n, 'e', 'codes')} "
        f"RETURN collect([e.{ek}, f.{n.key('Fund')}, f.{n.prop('Fund', 'name')}]) AS invested }} "
        f"CALL (codes) {{ MATCH (u:{n.label('University')})<-[:{n.rel('COOPERATES_WITH')}]-"
        f"(e:{ent}) WHERE {_in_pool(n, 'e', 'codes')} "
        f"RETURN collect([e.{ek}, u.{n.key('University')}, u.{n.prop('University', 'name')}])"
        " AS unis } "
        "RETURN invested, unis"
    )


def create_indexes(schema: Schema | None = None) -> list[str]:
    """The range indexes the queries seek by: dead enterprises by ``reg_status``."""
    n = _Names(schema)
    return [
        f"CREATE INDEX {quote('tupu_Enterprise_reg_status')} IF NOT EXISTS "
        f"FOR (e:{n.label('Enterprise')}) ON (e.{n.prop('Enterprise', 'reg_status')})"
    ]


def data_version() -> str:
    """An empty read: its transaction's bookmark names the database's last committed
    transaction (``Neo4jStore.data_version``)."""
    return "RETURN 1 AS version_probe"
