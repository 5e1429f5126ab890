"""Entity resolution: one ``Enterprise`` node per enterprise, across files and deliveries.

A pass over a read :class:`~tupu.loaders.delivery.Delivery` and the enterprises already in the map,
run before references are checked and anything is written. A *record* is one key: the rows of the
delivery with that key and the map's node with it. Names are compared as cores
(:mod:`tupu.loaders.enterprise_names`): with or without legal form (有限公司, 股份有限公司, 集团…),
leading region (太仓, 太仓市, 江苏) or bracketed region, full-width or half-width brackets. The
matching is :mod:`tupu.loaders.enterprise_match`; this module merges what it matched.

Which records are one enterprise, decided from sets so that the order of files and rows never
matters:

1. A key the map lists among an enterprise's ``aliases`` is that enterprise.
2. Records with the same name core are candidate pairs when no two different credit codes and no
   two different places (city or province, from the row or from the regions in the name) meet.
   The connected components of these pairs are merged, unless a component holds two credit codes
   or two places: then none of it is merged and its records without a code go to review.
3. A record whose name core is another's short name (简称), or whose short name is another's name
   core, is that record when each is the other's only such match; otherwise it goes to review.
4. Equal names in different places go to review.

Two records with different credit codes are never merged, and never reviewed: the code decides.
Merging is only done for components that hold a row of the delivery. When every record has a
credit code there is nothing to match; otherwise the records with a code are first probed cheaply,
so a few rows without one do not make every name of a large map be reduced.

The map is not read whole: the store's named queries (:mod:`tupu.graph.stores.queries_resolve`)
give the part of it these rules can reach — the enterprises with the delivery's keys, every
enterprise without a credit code, the coded ones whose stored ``name_forms`` hold a probe, the
owners of the aliases involved, and the map's cities and provinces (the gazetteer is the whole
map's). The decisions are those of the whole map. The whole map is read only when the records
without a code have more than ``MAX_PROBES`` cores and short names (every coded record is then
compared), when an enterprise lacks ``name_forms`` (written before it existed), when the delivery
has as many enterprise rows and references as the map has enterprises (a first load: one read is
cheaper than a look-up per row), or when the store answers no such queries. Every enterprise row
written gets its ``name_forms``.

A merged enterprise keeps the credit code as its key, else the smallest key. Its properties are
folded in order — the map's nodes by load time, then the delivery's rows by (file, row); later
values win per property; provenance is the last row's — except its ``name``, which is the latest
name of a record holding the credit code (else the latest that is not a short name), and
``aliases`` records the merged-away keys and names. Relationship ends and observation ids
(``<key>@<period>``) of the delivery are rewritten to the kept key; nodes of the map that were
merged away are folded into it by the store (:class:`~tupu.graph.stores.store.NodeMerge`), their
observations with them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from tupu.graph.stores.model import Node, Props
from tupu.graph.stores.queries_resolve import EnterpriseLookup
from tupu.graph.stores.store import GraphStore, NodeMerge
from tupu.loaders.delivery import Delivery
from tupu.loaders.enterprise_match import (
    ALIAS_SEPARATOR,
    CODE_PATTERN,
    ENTERPRISE,
    MAX_PROBES,
    NAME_FORMS,
    Record,
    Regions,
    aliases_of,
    describe,
    gazetteer_of,
    group_records,
    loose_records,
    name_forms,
    probes,
    records_of,
)
from tupu.loaders.notes import add_note
from tupu.loaders.rekey import (
    SelfLoop,
    fold,
    observation_key,
    rekey_observations,
    rekey_references,
    rekey_relationships,
    row_order,
)
from tupu.messages import msg
from tupu.ontology.schema import Schema

OBSERVED = "HAS_OBSERVATION"
MATCHED_ON = ("name", "short_name", "city", "province", "aliases", "prov_loaded_at",
              "prov_delivery", "prov_file")
"""What resolution reads of every enterprise of the map (all of a node only when it is merged)."""

SELF_LOOP = "合并后关系两端为同一企业，已忽略该关系"
CODE_RE = re.compile(CODE_PATTERN)


@dataclass(frozen=True)
class ReviewItem:
    """A match entity resolution did not dare make: a person decides (messages in Chinese)."""

    reason: str
    key: str
    name: str
    source: str
    row: int | None
    candidates: tuple[str, ...]  # "key（name）" of the records it may be

    @property
    def message(self) -> str:
        """What the item says, without where the record was read."""
        maybe = f"；可能是：{'、'.join(self.candidates)}" if self.candidates else ""
        named = f"{self.key}（{self.name}）" if self.name else self.key
        return f"{named}{self.reason}{maybe}"

    def __str__(self) -> str:
        where = self.source + (f"第{self.row}行" if self.row is not None else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class Resolution:
    """What resolution did to a delivery."""

    renamed: Mapping[str, str]  # enterprise key of the delivery or the map → the key it now has
    merges: tuple[NodeMerge, ...]  # nodes of the map folded into others
    review: tuple[ReviewItem, ...]


# -- folding --------------------------------------------------------------------------------------
def canonical_key(records: Mapping[str, Record], group: Collection[str]) -> str:
    """The credit code of the group if it has one, else its smallest key."""
    codes = sorted(k for k in group if records[k].code is not None)
    return codes[0] if codes else min(group)


def _merged_props(
    records: Mapping[str, Record], group: Collection[str], key: str, provenance: Collection[str]
) -> Props:
    members = [records[k] for k in sorted(group)]
    nodes = [r.node for r in members if r.node is not None]
    props = fold(nodes, [p for r in members for p in r.rows], provenance)
    props["id"] = key
    props["name"] = _registered_name(members) or props["name"]
    names = {str(v) for r in members for p in r.all_props()
             for n in ("name", "short_name") if (v := p.get(n))}
    aliases = {a for r in members for p in r.all_props() for a in aliases_of(p)}
    aliases |= {r.key for r in members} | names
    aliases -= {key, str(props.get("name", "")), str(props.get("short_name", ""))}
    if aliases:
        clean = sorted(a.replace(ALIAS_SEPARATOR, "；") for a in aliases)
        props["aliases"] = ALIAS_SEPARATOR.join(clean)
    return props


def _registered_name(members: Sequence[Record]) -> str | None:
    """The name the merged enterprise goes by: the latest name of a record with the credit code,
    else the latest one that is not a short name of the group (``朔野`` never replaces
    ``太仓朔野游戏科技有限公司``)."""
    shorts = {x for r in members for x in r.shorts}
    pool = [r for r in members if r.code is not None] or [
        r for r in members if shorts.isdisjoint(r.cores)]
    nodes = [r.node for r in pool if r.node is not None]
    named = fold(nodes, [p for r in pool for p in r.rows], ())
    name = named.get("name")
    return str(name) if name else None


@dataclass
class Plan:
    """The enterprise decisions of a resolution, before the delivery is rewritten."""

    rows: list[Props]  # the delivery's Enterprise rows, merged ones folded
    renamed: dict[str, str]
    merges: list[NodeMerge]  # Enterprise nodes of the map folded away
    origins: dict[str, tuple[str, int]]  # kept key → (file, row) of its last row
    review: list[ReviewItem]


def plan_enterprises(
    rows: Sequence[Props],
    existing: Sequence[Node],
    references: Iterable[str],
    provenance: Collection[str],
    fetch: Callable[[Collection[str]], Sequence[Node]] | None = None,
    regions: Regions | None = None,
    expand: Callable[[Props], Props] | None = None,
) -> Plan:
    """Decide which enterprise records are one (pure but for ``fetch``).

    ``existing`` are the map's enterprises with at least the properties :data:`MATCHED_ON`;
    ``fetch`` gives all the properties of those that are merged (None: ``existing`` has them).
    ``regions``: the whole map's cities and provinces, when ``existing`` is only the part of the
    map the delivery can match (:func:`map_part`); None: ``existing`` is the whole map.
    ``expand``: ``rows`` are reduced (:func:`reduced`); this gives a row whole, for the rows of
    records that are merged (None: ``rows`` are whole). A row of ``Plan.rows`` that is not merged
    is then still reduced, its name and aliases as they are to be written.
    """
    records = records_of(rows, existing)
    alias_owner: dict[str, set[str]] = defaultdict(set)
    for node in existing:
        for alias in aliases_of(node.props):
            alias_owner[alias].add(node.key)
    groups, found = group_records(records, alias_owner, regions)
    groups = [g for g in groups if _touches_delivery(records, g)]
    wanted = {k for g in groups for k in g if records[k].node is not None}
    if fetch is not None and wanted:
        for node in fetch(wanted):
            records[node.key].node = node
    grouped = {k for g in groups for k in g}
    renamed: dict[str, str] = {}
    merges: list[NodeMerge] = []
    origins: dict[str, tuple[str, int]] = {}
    out_rows: list[Props] = []
    for r in records.values():
        if len(r.rows) == 1 and r.key not in grouped:
            out_rows.append(r.rows[0])
        elif r.rows and r.key not in grouped:  # one key given by several rows
            groups.append(frozenset({r.key}))
    for group in groups:
        members = [records[k] for k in sorted(group)]
        if expand is not None:
            for r in members:
                r.rows = [expand(p) for p in r.rows]
        delivered = [p for r in members for p in r.rows]
        key = canonical_key(records, group)
        out_rows.append(_merged_props(records, group, key, provenance))
        last = max(delivered, key=row_order)
        origins[key] = (str(last.get("prov_source", "")), int(last.get("prov_row") or 0))
        for r in members:
            if r.key != key:
                renamed[r.key] = key
                if r.node is not None:
                    merges.append(NodeMerge(ENTERPRISE, r.key, key))
    for ref in references:  # a key merged away by an earlier delivery
        owners = alias_owner.get(ref, set())
        if ref not in records and len(owners) == 1:
            owner = next(iter(owners))
            renamed[ref] = renamed.get(owner, owner)
    review = [_item(records, reason, key, candidates)
              for reason, key, candidates in sorted(found.items, key=lambda i: (i[1], i[0]))
              if _touches_delivery(records, {key, *candidates})]
    final: dict[str, list[Record]] = defaultdict(list)
    for r in records.values():
        if r.node is not None or r.rows:
            final[renamed.get(r.key, r.key)].append(r)
    out_rows = [_names_survive(row, final.get(str(row["id"]), [])) for row in out_rows]
    return Plan(out_rows, renamed, merges, origins, review)


def _names_survive(row: Props, members: Sequence[Record]) -> Props:
    """The registered name of an enterprise already in the map stays when a file writes another
    form of it: the other form becomes an alias. Only a file that lists the map's name among the
    enterprise's former names (曾用名, brought as ``aliases``) renames it. Aliases add up across
    deliveries (a row's ``aliases`` would otherwise replace the map's)."""
    key = str(row["id"])
    stored = [r.node for r in members if r.node is not None]
    if not stored:
        return row
    kept = next((str(n.props["name"]) for n in stored if n.key == key and n.props.get("name")),
                None) or next((str(n.props["name"]) for n in stored if n.props.get("name")), None)
    given = str(row.get("name", "")) or kept
    brought = {a for r in members for p in r.rows for a in aliases_of(p)}
    aliases = {a for n in stored for a in aliases_of(n.props)} | set(aliases_of(row))
    out = dict(row)
    if kept and given and given != kept:
        source = str(row.get("prov_source", ""))
        line = int(str(row["prov_row"])) if row.get("prov_row") is not None else None
        if kept in brought:
            add_note("note", source, line, msg("load.column_enterprise_name"), given,
                     msg("load.name_renamed", code=key, kept=kept, given=given))
            aliases.add(kept)
        else:
            add_note("note", source, line, msg("load.column_enterprise_name"), given,
                     msg("load.name_kept", code=key, kept=kept, given=given))
            out["name"] = kept
            aliases.add(given)
    aliases -= {key, str(out.get("name", "")), str(out.get("short_name", ""))}
    if aliases:
        out["aliases"] = ALIAS_SEPARATOR.join(
            sorted(a.replace(ALIAS_SEPARATOR, "；") for a in aliases))
    return out


def _touches_delivery(records: Mapping[str, Record], keys: Iterable[str]) -> bool:
    return any(records[k].rows for k in keys)


def _item(
    records: Mapping[str, Record], reason: str, key: str, candidates: Iterable[str]
) -> ReviewItem:
    r = records[key]
    source, row = r.origin()
    return ReviewItem(reason, key, r.name, source, row,
                      tuple(records[k].shown() for k in sorted(candidates)))


# -- the part of the map a delivery can match ------------------------------------------------------
def map_part(
    rows: Sequence[Props], references: Collection[str], lookup: EnterpriseLookup
) -> tuple[list[Node], Regions | None] | None:
    """The map's enterprises (with :data:`MATCHED_ON`) that :func:`plan_enterprises` can reach
    from ``rows`` and ``references``, and the whole map's regions (None when every record has a
    credit code: no name is compared); None when only the whole map will do (see the module docstring).

    What the rules read of the map: the records of the delivery's keys; every record without a
    credit code (each is compared with every other); the coded records a probe finds; for every
    key among these and every reference, all the enterprises listing it as an alias (so that
    "its only owner" is decided on all of them), again for the owners found; the regions.
    """
    keys = {str(p["id"]) for p in rows}
    part = {n.key: n for n in lookup.by_keys(keys, MATCHED_ON)}
    part.update((n.key, n) for n in lookup.uncoded(CODE_PATTERN, MATCHED_ON))
    records = records_of(rows, part.values())
    loose = loose_records(records)
    regions: Regions | None = None  # unused when every record has a credit code
    if loose:
        regions = lookup.regions()
        describe(loose, gazetteer_of(records, regions))
        wanted = probes(loose)
        if len(wanted) > MAX_PROBES or not lookup.forms_complete():
            return None
        for node in lookup.named_like(wanted, MATCHED_ON):
            part.setdefault(node.key, node)
    _add_alias_owners(part, set(references) | keys | set(part), lookup)
    return [part[k] for k in sorted(part)], regions


def _add_alias_owners(part: dict[str, Node], ask: set[str], lookup: EnterpriseLookup) -> None:
    """Add to ``part`` every enterprise listing one of ``ask`` as an alias, again for those."""
    asked: set[str] = set()
    while ask:
        asked |= ask
        owners = lookup.alias_owners(ask, MATCHED_ON)
        ask = {n.key for n in owners if n.key not in part} - asked
        for node in owners:
            part.setdefault(node.key, node)


def _coded_part(
    keys: set[str], references: Collection[str], lookup: EnterpriseLookup
) -> list[Node] | None:
    """:func:`map_part` for a delivery whose every key is a credit code: no name is compared
    unless the map has enterprises without one (then None: :func:`map_part` decides)."""
    if lookup.uncoded(CODE_PATTERN, MATCHED_ON):
        return None
    part = {n.key: n for n in lookup.by_keys(keys, MATCHED_ON)}
    _add_alias_owners(part, set(references) | keys | set(part), lookup)
    return [part[k] for k in sorted(part)]


def with_forms(row: Props, stored: Mapping[str, Node]) -> Props:
    """``row`` with :data:`NAME_FORMS` of the names the enterprise has once it is written (the
    row's, else the stored node's: a write adds to what is stored); in place: a copy of every row
    doubled the peak."""
    node = stored.get(str(row["id"]))
    before = node.props if node is not None else {}
    names = {p: row[p] if p in row else before.get(p) for p in ("name", "short_name", "aliases")}
    row[NAME_FORMS] = name_forms(names)
    return row


ROW = "\x00row"
"""The key of a reduced row holding the row's place among the delivery's enterprise rows."""
REDUCED = ("id", "name", "short_name", "city", "province", "aliases",
           "prov_source", "prov_row", "prov_loaded_at", "prov_delivery", "prov_file")
"""What the rules read of a delivery's row: resolution keeps these of every row, and a row whole
only for the records it merges (the rows themselves may be in a spool file: loaders/spool.py)."""


def reduced(row: Props, at: int) -> Props:
    """What :func:`plan_enterprises` reads of ``row``, the ``at``-th enterprise row."""
    out = {k: row[k] for k in REDUCED if k in row}
    out[ROW] = at
    return out


def _rewritten(rows: Iterable[Props], plan: Plan, planned: Container[int],
               stored: Mapping[str, Node]) -> Iterator[Props]:
    """The delivery's enterprise rows as resolution leaves them: rows of merged records replaced
    by their merged row, the others with the name and aliases :func:`_names_survive` gave them,
    every row with its :data:`NAME_FORMS`. ``planned``: the places of the rows the plan was
    made from (the others are written as they are)."""
    kept = {int(p[ROW]): p for p in plan.rows if ROW in p}
    for at, row in enumerate(rows):
        out = kept.get(at)
        if out is not None:
            for prop in ("name", "aliases"):
                if prop in out:
                    row[prop] = out[prop]
        elif at in planned:
            continue  # folded into a merged row
        yield with_forms(row, stored)
    for merged in plan.rows:
        if ROW not in merged:
            yield with_forms(merged, stored)


# -- the pass -------------------------------------------------------------------------------------
def observation_labels_of(schema: Schema) -> tuple[str, ...]:
    """Labels of the observations of enterprises (ends of ``HAS_OBSERVATION``)."""
    rdef = schema.relationships.get(OBSERVED)
    return tuple(e for s, e in rdef.pairs if s == ENTERPRISE) if rdef is not None else ()


def _stored_observations(
    store: GraphStore, merges: Sequence[NodeMerge], renamed: Mapping[str, str], label: str
) -> list[Node]:
    """The map's observations of the enterprises folded away, and those under their new ids."""
    olds = [m.key for m in merges]
    if not olds:
        return []
    found = {r.end.key for r in store.adjacent(OBSERVED, ENTERPRISE, olds, "out")
             if r.end.label == label}
    found |= {new for k in found if (new := observation_key(k, renamed)) is not None}
    return store.get_nodes(label, found)


def _coded_rows(
    whole: Sequence[Props], refs: Sequence[str], lookup: EnterpriseLookup | None,
    whole_map: Sequence[Node] | None,
) -> tuple[list[Node], Regions | None, list[Props] | None]:
    """When every enterprise of the delivery and of the map it can match has a credit code, no
    name is compared: only the records of a key given by several rows or already in the map can
    change. Then the map's part, no regions, and the reduced rows of those records; otherwise
    ``([], None, None)`` (every row is planned)."""
    counts: dict[str, int] = {}
    for p in whole:
        key = str(p["id"])
        if not CODE_RE.fullmatch(key):
            return [], None, None
        counts[key] = counts.get(key, 0) + 1
    if lookup is not None:
        part = _coded_part(set(counts), refs, lookup)
    elif whole_map is not None and all(CODE_RE.fullmatch(n.key) for n in whole_map):
        part = list(whole_map)
    else:
        part = None
    if part is None:
        return [], None, None
    in_map = {n.key for n in part}
    wanted = {k for k, n in counts.items() if n > 1 or k in in_map}
    del counts
    if not wanted:
        return part, None, []
    return part, None, [reduced(p, at) for at, p in enumerate(whole) if str(p["id"]) in wanted]


def resolve_delivery(d: Delivery, store: GraphStore) -> Resolution:
    """Merge the delivery's enterprise records that are one enterprise, among themselves and with
    the map's, and rewrite the delivery accordingly (see the module docstring).

    Reads the part of the map the delivery can match (:func:`map_part`; the whole map when that
    will not do) and the observations of those folded away; writes nothing. Review
    items are also added as load notes (:mod:`tupu.loaders.notes`).
    """
    provenance = tuple(store.schema.provenance)
    whole = d.changes.nodes.get(ENTERPRISE, [])
    refs = [r.key for r in d.references if r.label == ENTERPRISE and not d.has_node(ENTERPRISE, r.key)]
    if not whole and not refs:
        return Resolution({}, (), ())
    lookup = store.enterprise_lookup()
    if lookup is not None and len(whole) + len(refs) >= lookup.count():
        lookup = None  # a delivery as large as the map: one read of the map is the cheaper way
    whole_map = store.node_values(ENTERPRISE, MATCHED_ON) if lookup is None else None
    planned: Container[int] = range(len(whole))
    existing, regions, rows = _coded_rows(whole, refs, lookup, whole_map)
    if rows is not None:
        planned = {int(p[ROW]) for p in rows}
    else:
        rows = [reduced(p, at) for at, p in enumerate(whole)]
        found = map_part(rows, refs, lookup) if lookup is not None else None
        if found is None and whole_map is None:
            whole_map = store.node_values(ENTERPRISE, MATCHED_ON)
        existing, regions = found if found is not None else (list(whole_map or ()), None)
    del whole_map
    plan = plan_enterprises(rows, existing, refs, provenance,
                            lambda keys: store.get_nodes(ENTERPRISE, keys), regions,
                            lambda p: dict(whole[int(p[ROW])]))
    del rows
    merges = list(plan.merges)
    dropped: list[SelfLoop] = []
    if whole:  # names kept, aliases added up (_names_survive), name forms for the indexes
        by_key = {n.key: n for n in existing}
        d.changes.replace_nodes(ENTERPRISE, _rewritten(whole, plan, planned, by_key))
    if plan.renamed or plan.origins:
        for old in plan.renamed:
            d.node_origin.pop((ENTERPRISE, old), None)
        d.node_origin.update({(ENTERPRISE, k): o for k, o in plan.origins.items()})
        keys: dict[str, Mapping[str, str]] = {ENTERPRISE: plan.renamed}
        for label in observation_labels_of(store.schema):
            stored = _stored_observations(store, plan.merges, plan.renamed, label)
            key_prop = store.schema.label(label).key
            keys[label], folded = rekey_observations(
                d, label, key_prop, plan.renamed, stored, provenance)
            merges += folded
        dropped = rekey_relationships(d, keys, provenance)
        rekey_references(d, keys)
    review = plan.review + [
        ReviewItem(f"{SELF_LOOP}（{rtype}）", key, "", file, row, ()) for rtype, key, file, row in dropped
    ]
    for item in review:
        add_note("review", item.source, item.row, "name", None, item.message)
    return Resolution(plan.renamed, tuple(merges), tuple(review))
