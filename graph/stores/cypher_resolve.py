"""The Cypher of entity resolution's named queries (:mod:`tupu.graph.stores.queries_resolve`).

Like :mod:`tupu.graph.stores.cypher`: values travel as ``$params`` only; labels and properties are
checked against the ontology and backquoted. Each query seeks an index — the key constraint, the
text indexes on ``aliases`` and ``name_forms`` (trigram indexes that answer ``CONTAINS``), the
range indexes on ``city`` and ``province`` — and returns rows ``[key, values…]``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tupu.graph.stores.cypher import _label, _schema, quote
from tupu.graph.stores.queries_resolve import ALIASES, ENTERPRISE, NAME_FORMS
from tupu.ontology.schema import Schema

TEXT_INDEXED = (ALIASES, NAME_FORMS)
RANGE_INDEXED = ("city", "province")


def _names(schema: Schema | None, props: Sequence[str]) -> tuple[str, str, str]:
    """(label, key property, ``[e.key, e.p…]``) checked and quoted."""
    sch = _schema(schema)
    qlabel, ldef = _label(sch, ENTERPRISE)
    key = quote(ldef.key)
    values = ", ".join([f"e.{key}"] + [f"e.{quote(sch.check_property(ldef, p).name)}" for p in props])
    return qlabel, key, f"[{values}]"


def _prop(schema: Schema | None, prop: str) -> str:
    sch = _schema(schema)
    return quote(sch.check_property(sch.label(ENTERPRISE), prop).name)


def count(schema: Schema | None = None) -> str:
    """``count`` of the enterprises (the count store)."""
    qlabel, _, _ = _names(schema, [])
    return f"MATCH (e:{qlabel}) RETURN count(e) AS count"


def by_keys(props: Sequence[str], schema: Schema | None = None) -> str:
    """``row`` of the enterprises whose key is in ``$keys``."""
    qlabel, key, row = _names(schema, props)
    return f"UNWIND $keys AS k MATCH (e:{qlabel} {{{key}: k}}) RETURN {row} AS row"


def alias_owners(props: Sequence[str], schema: Schema | None = None) -> str:
    """``row`` (its last value ``aliases``) of the enterprises whose ``aliases`` contain one of
    ``$texts`` (the caller keeps those listing it as a whole alias)."""
    qlabel, _, row = _names(schema, [*props, ALIASES])
    aliases = _prop(schema, ALIASES)
    return (
        f"UNWIND $texts AS t MATCH (e:{qlabel}) WHERE e.{aliases} CONTAINS t "
        f"RETURN DISTINCT {row} AS row"
    )


def uncoded(props: Sequence[str], schema: Schema | None = None) -> str:
    """``row`` of the enterprises whose key does not match ``$pattern`` (read from the key
    index's values)."""
    qlabel, key, row = _names(schema, props)
    return f"MATCH (e:{qlabel}) WHERE e.{key} IS NOT NULL AND NOT e.{key} =~ $pattern RETURN {row} AS row"


def distinct_values(prop: str, schema: Schema | None = None) -> str:
    """Every value of ``prop`` of the enterprises (``values``), from its range index."""
    qlabel, _, _ = _names(schema, [])
    p = _prop(schema, prop)
    return f"MATCH (e:{qlabel}) WHERE e.{p} IS NOT NULL RETURN collect(DISTINCT e.{p}) AS values"


def forms_complete(schema: Schema | None = None) -> str:
    """``complete``: every enterprise has ``name_forms`` (the count store against the text
    index's entries)."""
    qlabel, _, _ = _names(schema, [])
    forms = _prop(schema, NAME_FORMS)
    return (
        f"CALL () {{ MATCH (e:{qlabel}) RETURN count(e) AS every }} "
        f"CALL () {{ MATCH (e:{qlabel}) WHERE e.{forms} IS :: STRING NOT NULL RETURN count(e) AS formed }} "
        "RETURN every = formed AS complete"
    )


def named_like(props: Sequence[str], schema: Schema | None = None) -> str:
    """``row`` of the enterprises whose ``name_forms`` contains one of ``$texts``."""
    qlabel, _, row = _names(schema, props)
    forms = _prop(schema, NAME_FORMS)
    return (
        f"UNWIND $texts AS t MATCH (e:{qlabel}) WHERE e.{forms} CONTAINS t "
        f"RETURN DISTINCT {row} AS row"
    )


def create_indexes(schema: Schema | None = None) -> list[str]:
    """The indexes the queries seek by (idempotent)."""
    qlabel, _, _ = _names(schema, [])
    out = [
        f"CREATE TEXT INDEX {quote(f'tupu_Enterprise_{p}_text')} IF NOT EXISTS "
        f"FOR (e:{qlabel}) ON (e.{_prop(schema, p)})"
        for p in TEXT_INDEXED
    ]
    out += [
        f"CREATE INDEX {quote(f'tupu_Enterprise_{p}')} IF NOT EXISTS "
        f"FOR (e:{qlabel}) ON (e.{_prop(schema, p)})"
        for p in RANGE_INDEXED
    ]
    return out
