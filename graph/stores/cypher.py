"""Every Cypher query tupu runs, as pure functions returning strings.

Values always travel as ``$params``; batches as ``UNWIND $rows AS row``. Labels, relationship types
and property names cannot be parameters, so every function that puts one into a query checks it
against the ontology first (an unknown name raises :class:`tupu.errors.SchemaError`) and
backquotes it. Nothing here talks to a database: ``tests/test_cypher.py`` checks the strings.

Plain Cypher 5 (Neo4j 5.26+): no APOC, no GDS. A node of tupu has exactly one label, so
``labels(n)[0]`` is its label.

Parameters each query expects:

======================== ================================================================
query                    parameters
======================== ================================================================
merge_nodes              ``rows``: lists ``[key, value of props[0], …]`` (null: absent)
replace_nodes            ``rows``: as merge_nodes; the node keeps only the given properties
merge_relationships      ``rows``: lists ``[start key, end key, value of props[0], …]``;
                         returns ``created`` (rows that found both ends)
move_relationships       ``rows``: lists ``[key of the node folded away, key it is folded into]``
delete_folded            ``rows``: as move_relationships
merge_delivery           ``id``, ``props``: the Delivery node's properties
delivery_progress        ``id``, ``done``: chunks written
finish_delivery          ``id``, ``status``, ``finished_at``
existing_keys            ``keys``: key values; returns ``key``
node_values              ``buckets``; returns ``bucket``, ``rows`` (lists ``[key, values…]``)
count_label              none; returns ``count``
get_node                 ``key``; returns ``props``
get_nodes                ``keys``; returns ``key``, ``props``
adjacent                 ``keys``; returns as find_relationships
find_nodes               ``p0``, ``p1``, … in the order of ``props``; returns ``key``, ``props``
find_relationships       none; returns ``start_label``, ``start``, ``end_label``, ``end``,
                         ``props``
neighbourhood_start      ``key``; returns ``id``
neighbourhood_hop        ``ids``: element ids of the frontier; returns ``from_id``, ``type``,
                         ``outgoing``, ``props``, ``other_id``, ``other_label``, ``other_key``
nodes_by_element_id      ``ids``; returns ``id``, ``label``, ``key``, ``props``
count_nodes              none; returns ``label``, ``count``
count_relationships      none; returns ``type``, ``count``
count_all_nodes          none; returns ``count``
delete_relationships     ``batch``: rows per inner transaction (implicit transaction only)
delete_nodes             ``batch``: rows per inner transaction (implicit transaction only)
======================== ================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tupu.errors import SchemaError
from tupu.ontology.schema import LabelDef, Schema, load_schema


def quote(name: str) -> str:
    """``name`` as a backquoted Cypher identifier (backquotes inside are doubled)."""
    return "`" + name.replace("`", "``") + "`"


def _schema(schema: Schema | None) -> Schema:
    return schema if schema is not None else load_schema()


def _label(schema: Schema, label: str) -> tuple[str, LabelDef]:
    ldef = schema.label(label)
    return quote(ldef.name), ldef


def _key(ldef: LabelDef) -> str:
    return quote(ldef.key)


def _rel_type(schema: Schema, rel_type: str) -> str:
    return quote(schema.rel(rel_type).name)


def _pattern(var: str, schema: Schema, label: str | None) -> str:
    return f"({var}:{_label(schema, label)[0]})" if label is not None else f"({var})"


def key_expression(var: str, schema: Schema | None = None, label: str | None = None) -> str:
    """The key of node ``var``: ``var.key`` when its label is known, else a CASE on its label.

    Labels are grouped by key property, so the CASE stays short (most labels share ``id``).
    """
    sch = _schema(schema)
    if label is not None:
        return f"{var}.{_key(_label(sch, label)[1])}"
    by_key: dict[str, list[str]] = {}
    for ldef in sch.labels.values():
        by_key.setdefault(ldef.key, []).append(ldef.name)
    groups = sorted(by_key.items(), key=lambda kv: (len(kv[1]), kv[0]))
    if len(groups) == 1:
        return f"{var}.{quote(groups[0][0])}"
    whens = " ".join(
        f"WHEN {var}:{'|'.join(quote(lbl) for lbl in labels)} THEN {var}.{quote(key)}"
        for key, labels in groups[:-1]
    )
    return f"CASE {whens} ELSE {var}.{quote(groups[-1][0])} END"


# -- schema -------------------------------------------------------------------------------------
def constraint_name(label: str, schema: Schema | None = None) -> str:
    """The name tupu gives the uniqueness constraint on ``label``'s key."""
    ldef = _schema(schema).label(label)
    return f"tupu_{ldef.name}_{ldef.key}_unique"


def create_constraint(label: str, schema: Schema | None = None) -> str:
    """The uniqueness constraint on ``label``'s key (idempotent)."""
    sch = _schema(schema)
    qlabel, ldef = _label(sch, label)
    return (
        f"CREATE CONSTRAINT {quote(constraint_name(label, sch))} IF NOT EXISTS "
        f"FOR (n:{qlabel}) REQUIRE n.{_key(ldef)} IS UNIQUE"
    )


def create_constraints(schema: Schema | None = None) -> list[str]:
    """One uniqueness constraint per label key of the ontology."""
    sch = _schema(schema)
    return [create_constraint(label, sch) for label in sch.labels]


def show_constraints() -> str:
    """The database's uniqueness constraints: ``name``, ``labels``, ``properties``."""
    return (
        "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' AND entityType = 'NODE' "
        "RETURN name, labelsOrTypes AS labels, properties ORDER BY name"
    )


# -- writing ------------------------------------------------------------------------------------
def _sets(var: str, names: Sequence[str], first: int) -> str:
    """``SET var.p = coalesce(row[i], var.p), …``: given values overwrite; absent (null) stay.

    Naming each property (instead of ``SET var += map``) lets the planner see that the key is not
    written, so it needs no Eager barrier between the MERGE and the SET.
    """
    if not names:
        return ""
    sets = (
        f"{var}.{q} = coalesce(row[{i}], {var}.{q})"
        for i, q in enumerate((quote(n) for n in names), start=first)
    )
    return " SET " + ", ".join(sets)


def merge_nodes(label: str, props: Sequence[str] = (), schema: Schema | None = None) -> str:
    """Merge a batch of nodes of ``label`` on its key.

    Each row is a list: the key, then the value of each of ``props`` in order (null: absent, the
    node keeps what it has). Given properties overwrite, others stay, as ``SET n += row`` would.
    """
    sch = _schema(schema)
    qlabel, ldef = _label(sch, label)
    names = [sch.check_property(ldef, p).name for p in props]
    if ldef.key in names:
        raise ValueError(f"the key {ldef.key!r} of {label} is row[0], not one of the properties")
    return (
        f"UNWIND $rows AS row MERGE (n:{qlabel} {{{_key(ldef)}: row[0]}})"
        + _sets("n", names, 1)
    )


def replace_nodes(label: str, props: Sequence[str] = (), schema: Schema | None = None) -> str:
    """Merge a batch of nodes of ``label`` on its key, replacing all their properties.

    Rows as :func:`merge_nodes`; a property the row leaves null is removed from the node (used for
    observations: reloading a period keeps only what the new delivery gives).
    """
    sch = _schema(schema)
    qlabel, ldef = _label(sch, label)
    names = [sch.check_property(ldef, p).name for p in props]
    if ldef.key in names:
        raise ValueError(f"the key {ldef.key!r} of {label} is row[0], not one of the properties")
    values = [f"{_key(ldef)}: row[0]"] + [f"{quote(n)}: row[{i}]" for i, n in enumerate(names, 1)]
    return (
        f"UNWIND $rows AS row MERGE (n:{qlabel} {{{_key(ldef)}: row[0]}}) "
        f"SET n = {{{', '.join(values)}}}"
    )


def move_relationships(
    label: str, rel_type: str, direction: str, schema: Schema | None = None
) -> str:
    """Move the ``rel_type`` relationships leaving (``out``) or entering (``in``) the node of
    ``label`` keyed ``row[0]`` to the node keyed ``row[1]`` (merged if missing).

    A relationship already joining the same nodes keeps its properties; the moved one only fills
    its gaps. One that would join the node to itself is dropped.
    """
    sch = _schema(schema)
    qlabel, ldef = _label(sch, label)
    qtype = _rel_type(sch, rel_type)
    if direction not in ("out", "in"):
        raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
    key = _key(ldef)
    old = f"(old:{qlabel} {{{key}: row[0]}})"
    if direction == "out":
        match, merge = f"{old}-[r:{qtype}]->(m)", f"(new)-[s:{qtype}]->(m)"
    else:
        match, merge = f"(m)-[r:{qtype}]->{old}", f"(m)-[s:{qtype}]->(new)"
    return (
        f"UNWIND $rows AS row MATCH {match} WHERE row[0] <> row[1] "
        f"MERGE (new:{qlabel} {{{key}: row[1]}}) "
        "WITH old, new, m, r, properties(r) AS moved DELETE r "
        "WITH old, new, m, moved WHERE m <> new AND m <> old "
        f"MERGE {merge} "
        "WITH s, moved, properties(s) AS kept SET s += moved SET s += kept"
    )


def delete_folded(label: str, schema: Schema | None = None) -> str:
    """Delete the nodes of ``label`` keyed ``row[0]`` once folded into ``row[1]``."""
    qlabel, ldef = _label(_schema(schema), label)
    return (
        f"UNWIND $rows AS row MATCH (old:{qlabel} {{{_key(ldef)}: row[0]}}) "
        "WHERE row[0] <> row[1] DETACH DELETE old"
    )


def merge_delivery(schema: Schema | None = None) -> str:
    """Create or restart the Delivery node ``$id`` with ``$props`` (a finished time is removed)."""
    qlabel, ldef = _label(_schema(schema), "Delivery")
    finished = quote(_schema(schema).check_property(ldef, "finished_at").name)
    return f"MERGE (d:{qlabel} {{{_key(ldef)}: $id}}) SET d += $props REMOVE d.{finished}"


def delivery_progress(schema: Schema | None = None) -> str:
    """Record that ``$done`` chunks of the Delivery ``$id`` are written."""
    sch = _schema(schema)
    qlabel, ldef = _label(sch, "Delivery")
    done = quote(sch.check_property(ldef, "chunks_done").name)
    return f"MATCH (d:{qlabel} {{{_key(ldef)}: $id}}) SET d.{done} = $done"


def finish_delivery(schema: Schema | None = None) -> str:
    """Set the Delivery ``$id`` to ``$status`` at ``$finished_at``, every chunk written (matches
    nothing when the load was written without a Delivery node)."""
    sch = _schema(schema)
    qlabel, ldef = _label(sch, "Delivery")
    status, finished, chunks, done = (
        quote(sch.check_property(ldef, p).name)
        for p in ("status", "finished_at", "chunks", "chunks_done")
    )
    return (
        f"MATCH (d:{qlabel} {{{_key(ldef)}: $id}}) "
        f"SET d.{status} = $status, d.{finished} = $finished_at, d.{done} = d.{chunks}"
    )


def merge_relationships(
    rel_type: str,
    start_label: str,
    end_label: str,
    props: Sequence[str] = (),
    schema: Schema | None = None,
) -> str:
    """Merge a batch of relationships between existing nodes; returns how many rows matched.

    Each row is a list: the start key, the end key, then the value of each of ``props`` (null:
    absent). A row whose start or end node does not exist matches nothing, so ``created`` falls
    short of the number of rows: the caller fails the transaction.
    """
    sch = _schema(schema)
    rdef = sch.rel(rel_type)
    qstart, sdef = _label(sch, start_label)
    qend, edef = _label(sch, end_label)
    names = [sch.check_property(rdef, p).name for p in props]
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:{qstart} {{{_key(sdef)}: row[0]}}) "
        f"MATCH (b:{qend} {{{_key(edef)}: row[1]}}) "
        f"MERGE (a)-[r:{quote(rdef.name)}]->(b)"
        + _sets("r", names, 2)
        + " RETURN count(*) AS created"
    )


def delete_relationships() -> str:
    """Delete every relationship, ``$batch`` per inner transaction (implicit transaction only)."""
    return "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF $batch ROWS"


def delete_nodes() -> str:
    """Delete every node, ``$batch`` per inner transaction (implicit transaction only)."""
    return "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS"


# -- reading ------------------------------------------------------------------------------------
def existing_keys(label: str, schema: Schema | None = None) -> str:
    """Which of ``$keys`` exist as nodes of ``label``."""
    qlabel, ldef = _label(_schema(schema), label)
    key = _key(ldef)
    return f"UNWIND $keys AS k MATCH (n:{qlabel} {{{key}: k}}) RETURN n.{key} AS key"


def node_values(label: str, props: Sequence[str], schema: Schema | None = None) -> str:
    """Key and values of ``props`` of every node of ``label``, as lists ``[key, values…]`` (null
    where absent) collected into about ``$buckets`` records: one record per node would cost the
    driver far more than the values themselves."""
    sch = _schema(schema)
    qlabel, ldef = _label(sch, label)
    values = ", ".join(
        [f"n.{_key(ldef)}"] + [f"n.{quote(sch.check_property(ldef, p).name)}" for p in props]
    )
    return (
        f"MATCH (n:{qlabel}) WITH [{values}] AS row, toInteger(rand() * $buckets) AS bucket "
        "RETURN bucket, collect(row) AS rows"
    )


def count_label(label: str, schema: Schema | None = None) -> str:
    """How many nodes ``label`` has (from the count store)."""
    qlabel, _ = _label(_schema(schema), label)
    return f"MATCH (n:{qlabel}) RETURN count(n) AS count"


def get_node(label: str, schema: Schema | None = None) -> str:
    """The properties of the node of ``label`` whose key is ``$key``."""
    qlabel, ldef = _label(_schema(schema), label)
    return f"MATCH (n:{qlabel} {{{_key(ldef)}: $key}}) RETURN properties(n) AS props"


def get_nodes(label: str, schema: Schema | None = None) -> str:
    """Key and properties of the nodes of ``label`` whose keys are in ``$keys``."""
    qlabel, ldef = _label(_schema(schema), label)
    key = _key(ldef)
    return (
        f"UNWIND $keys AS k MATCH (n:{qlabel} {{{key}: k}}) "
        f"RETURN n.{key} AS key, properties(n) AS props"
    )


def adjacent(rel_type: str, label: str, direction: str, schema: Schema | None = None) -> str:
    """Relationships of ``rel_type`` leaving (``out``) or entering (``in``) the ``label`` nodes
    whose keys are in ``$keys``; columns as :func:`find_relationships`."""
    sch = _schema(schema)
    qtype = _rel_type(sch, rel_type)
    qlabel, ldef = _label(sch, label)
    if direction not in ("out", "in"):
        raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
    node = f"(n:{qlabel} {{{_key(ldef)}: k}})"
    if direction == "out":
        pattern, (a, a_label), (b, b_label) = f"{node}-[r:{qtype}]->(m)", ("n", label), ("m", None)
    else:
        pattern, (a, a_label), (b, b_label) = f"(m)-[r:{qtype}]->{node}", ("m", None), ("n", label)
    return (
        f"UNWIND $keys AS k MATCH {pattern} "
        f"RETURN labels({a})[0] AS start_label, {key_expression(a, sch, a_label)} AS start, "
        f"labels({b})[0] AS end_label, {key_expression(b, sch, b_label)} AS end, "
        "properties(r) AS props"
    )


def find_nodes(label: str, props: Sequence[str] = (), schema: Schema | None = None) -> str:
    """Nodes of ``label`` whose property ``props[i]`` equals ``$p<i>``, ordered by key."""
    sch = _schema(schema)
    qlabel, ldef = _label(sch, label)
    conds = [f"n.{quote(sch.check_property(ldef, p).name)} = $p{i}" for i, p in enumerate(props)]
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    key = _key(ldef)
    return (
        f"MATCH (n:{qlabel}){where} "
        f"RETURN n.{key} AS key, properties(n) AS props ORDER BY key"
    )


def find_relationships(
    rel_type: str,
    start_label: str | None = None,
    end_label: str | None = None,
    schema: Schema | None = None,
) -> str:
    """Relationships of ``rel_type``, ordered by start (label, key), then end (label, key)."""
    sch = _schema(schema)
    qtype = _rel_type(sch, rel_type)
    a, b = _pattern("a", sch, start_label), _pattern("b", sch, end_label)
    return (
        f"MATCH {a}-[r:{qtype}]->{b} "
        f"RETURN labels(a)[0] AS start_label, {key_expression('a', sch, start_label)} AS start, "
        f"labels(b)[0] AS end_label, {key_expression('b', sch, end_label)} AS end, "
        "properties(r) AS props "
        "ORDER BY start_label, start, end_label, end"
    )


def neighbourhood_start(label: str, schema: Schema | None = None) -> str:
    """The element id of the node of ``label`` whose key is ``$key``."""
    qlabel, ldef = _label(_schema(schema), label)
    return f"MATCH (n:{qlabel} {{{_key(ldef)}: $key}}) RETURN elementId(n) AS id"


def neighbourhood_hop(rel_types: Iterable[str] | None = None, schema: Schema | None = None) -> str:
    """One breadth-first hop: every relationship touching a node of ``$ids``, either direction.

    ``rel_types`` restricts the types (None: all types; it must not be empty).
    """
    sch = _schema(schema)
    types = "" if rel_types is None else ":" + "|".join(_rel_type(sch, t) for t in rel_types)
    if types == ":":
        raise ValueError("neighbourhood_hop needs at least one relationship type, or None")
    return (
        "UNWIND $ids AS id MATCH (n) WHERE elementId(n) = id "
        f"MATCH (n)-[r{types}]-(m) "
        "RETURN id AS from_id, type(r) AS type, startNode(r) = n AS outgoing, "
        "properties(r) AS props, elementId(m) AS other_id, labels(m)[0] AS other_label, "
        f"{key_expression('m', sch)} AS other_key"
    )


def nodes_by_element_id(schema: Schema | None = None) -> str:
    """Label, key and properties of the nodes whose element ids are ``$ids``."""
    sch = _schema(schema)
    return (
        "UNWIND $ids AS id MATCH (n) WHERE elementId(n) = id "
        f"RETURN id, labels(n)[0] AS label, {key_expression('n', sch)} AS key, "
        "properties(n) AS props"
    )


def count_nodes(schema: Schema | None = None) -> str:
    """Node count of every label of the map (not the bookkeeping ``Delivery``), from the count
    store (one part per label)."""
    sch = _schema(schema)
    parts = [
        f"MATCH (n:{quote(name)}) RETURN {_literal(name)} AS label, count(n) AS count"
        for name in sch.map_labels
    ]
    return " UNION ALL ".join(parts)


def count_relationships(schema: Schema | None = None) -> str:
    """Relationship count of every ontology type, from the count store (one part per type)."""
    sch = _schema(schema)
    parts = [
        f"MATCH ()-[r:{quote(name)}]->() RETURN {_literal(name)} AS type, count(r) AS count"
        for name in sch.relationships
    ]
    return " UNION ALL ".join(parts)


def _literal(name: str) -> str:
    """An ontology name as a Cypher string literal; only identifiers are allowed."""
    if not name.isidentifier():
        raise SchemaError(f"ontology name {name!r} is not an identifier")
    return f"'{name}'"


def count_all_nodes(schema: Schema | None = None) -> str:
    """How many nodes the database holds, of any label but the store's own ``SubSectorTally``
    (which even an empty map has); the count store answers both counts at once."""
    tally = _label(_schema(schema), "SubSectorTally")[0]
    return (
        "CALL () { MATCH (n) RETURN count(n) AS nodes } "
        f"CALL () {{ MATCH (t:{tally}) RETURN count(t) AS tallies }} "
        "RETURN nodes - tallies AS count"
    )
