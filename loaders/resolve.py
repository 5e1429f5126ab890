"""Entity resolution: one ``Enterprise`` node per enterprise, across files and deliveries.

A pass over a read :class:`~tupu.loaders.delivery.Delivery` and the enterprises already in the map,
run before references are checked and anything is written. A *record* is one key: the rows of the
delivery with that key and the map's node with it. Names are compared as cores
(:mod:`tupu.loaders.enterprise_names`): with or without legal form (有限公司, 股份有限公司, 集团…),
leading region (太仓, 太仓市, 江苏) or bracketed region, full-width or half-width brackets.

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
Merging is only done for components that hold a row of the delivery.

A merged enterprise keeps the credit code as its key, else the smallest key. Its properties are
folded in order — the map's nodes by load time, then the delivery's rows by (file, row); later
values win per property; provenance is the last row's — and ``aliases`` records the merged-away
keys and names. Relationship ends and observation ids (``<key>@<period>``) of the delivery are
rewritten to the kept key; nodes of the map that were merged away are folded into it by the store
(:class:`~tupu.graph.store.NodeMerge`), their observations with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tupu.graph.model import Node, Props
from tupu.graph.store import GraphStore, NodeMerge
from tupu.loaders.delivery import Delivery
from tupu.loaders.enterprise_names import Gazetteer, Place, name_core, region_key
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
from tupu.loaders.uscc import uscc_problem
from tupu.ontology.schema import Schema

ENTERPRISE = "Enterprise"
OBSERVED = "HAS_OBSERVATION"
IN_MAP = "图谱（已有）"
"""Shown as the file of a record that is already in the map."""
ALIAS_SEPARATOR = ";"
MATCHED_ON = ("name", "short_name", "city", "province", "aliases", "prov_loaded_at")
"""What resolution reads of every enterprise of the map (all of a node only when it is merged)."""

SAME_NAME_ELSEWHERE = "名称相同但所在地不同，未合并"
SAME_NAME_SEVERAL = "与多家企业名称相同（信用代码或所在地不同），未合并"
SHORT_NAME_SEVERAL = "简称或名称对应多家企业，未合并"
SHORT_NAME_CONTESTED = "对应的企业另有名称相近的记录，未合并"
SELF_LOOP = "合并后关系两端为同一企业，已忽略该关系"


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


# -- records --------------------------------------------------------------------------------------
@dataclass
class _Record:
    key: str
    code: str | None
    rows: list[Props] = field(default_factory=list)
    node: Node | None = None
    cores: set[str] = field(default_factory=set)
    shorts: set[str] = field(default_factory=set)
    place: Place = field(default_factory=Place)

    def all_props(self) -> list[Mapping[str, Any]]:
        return ([self.node.props] if self.node is not None else []) + list(self.rows)

    def values(self, prop: str) -> list[str]:
        return [str(p[prop]) for p in self.all_props() if p.get(prop) not in (None, "")]

    @property
    def name(self) -> str:
        names = self.values("name")
        return names[-1] if names else ""

    def shown(self) -> str:
        return f"{self.key}（{self.name}）"

    def origin(self) -> tuple[str, int | None]:
        if self.rows:
            first = min(self.rows, key=row_order)
            return str(first.get("prov_source", "")), first.get("prov_row")
        return IN_MAP, None


def _aliases(props: Mapping[str, Any]) -> list[str]:
    text = props.get("aliases")
    return [a for a in str(text).split(ALIAS_SEPARATOR) if a] if text else []


def _code(key: str) -> str | None:
    return key.upper() if uscc_problem(key) is None else None


def _records(rows: Sequence[Props], existing: Iterable[Node]) -> dict[str, _Record]:
    records: dict[str, _Record] = {}
    for node in existing:
        records[node.key] = _Record(node.key, _code(node.key), node=node)
    for props in rows:
        key = str(props["id"])
        records.setdefault(key, _Record(key, _code(key))).rows.append(props)
    return records


def _describe(records: Mapping[str, _Record]) -> None:
    """Fill in each record's name cores, short-name cores and place."""
    cities = {v for r in records.values() for v in r.values("city")}
    provinces = {v for r in records.values() for v in r.values("province")}
    gazetteer = Gazetteer.of(cities, provinces)
    for r in records.values():
        implied = Place()
        for name in r.values("name"):
            core, where = name_core(name, gazetteer)
            r.cores.add(core)
            implied = implied | where
        for props in r.all_props():
            r.cores.update(name_core(a, gazetteer)[0] for a in _aliases(props))
        r.shorts = {name_core(s, gazetteer, short=True)[0] for s in r.values("short_name")}
        given = Place(frozenset(region_key(c) for c in r.values("city")),
                      frozenset(region_key(p) for p in r.values("province")))
        r.place = Place(given.cities or implied.cities, given.provinces or implied.provinces)


# -- grouping -------------------------------------------------------------------------------------
class _Components:
    """Union-find over record keys."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        root = k
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[k] != root:
            self.parent[k], k = root, self.parent[k]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[frozenset[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for k in self.parent:
            out[self.find(k)].add(k)
        return sorted((frozenset(g) for g in out.values()), key=min)


@dataclass
class _Finding:
    """Review items as (reason, record key, candidate keys), deduplicated later."""

    items: set[tuple[str, str, frozenset[str]]] = field(default_factory=set)

    def add(self, reason: str, key: str, candidates: Iterable[str]) -> None:
        self.items.add((reason, key, frozenset(candidates)))


def _same_names(
    records: Mapping[str, _Record], alias_owner: Mapping[str, set[str]], found: _Finding
) -> tuple[list[frozenset[str]], set[frozenset[str]]]:
    """Rules 1, 2 and 4: components of records with equal name cores, and the ones held back."""
    uf = _Components(records)
    for key in records:
        owners = alias_owner.get(key, set()) - {key}
        if len(owners) == 1:
            uf.union(key, next(iter(owners)))
    by_core: dict[str, list[str]] = defaultdict(list)
    for r in records.values():
        for core in r.cores:
            by_core[core].append(r.key)
    for keys in by_core.values():
        for a in (k for k in keys if records[k].code is None):
            for b in keys:
                if b == a or (records[b].code is None and b < a):
                    continue
                if records[a].place.fits(records[b].place):
                    uf.union(a, b)
                else:
                    found.add(SAME_NAME_ELSEWHERE, a, [b])
                    if records[b].code is None:
                        found.add(SAME_NAME_ELSEWHERE, b, [a])
    components: list[frozenset[str]] = []
    held: set[frozenset[str]] = set()
    for group in uf.groups():
        codes = {records[k].code for k in group} - {None}
        place = _place(records, group)
        if len(codes) <= 1 and place.definite:
            components.append(group)
            continue
        for k in sorted(group):  # two codes or two places: merge none of it
            single = frozenset({k})
            components.append(single)
            held.add(single)
            if records[k].code is None:
                found.add(SAME_NAME_SEVERAL, k, group - {k})
    return components, held


def _place(records: Mapping[str, _Record], group: Iterable[str]) -> Place:
    place = Place()
    for k in group:
        place = place | records[k].place
    return place


def _short_names(
    records: Mapping[str, _Record],
    components: Sequence[frozenset[str]],
    held: set[frozenset[str]],
    found: _Finding,
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Rule 3: pairs of components one of which is the other's short name, each the other's only
    such match."""
    cores = {c: {x for k in c for x in records[k].cores} for c in components}
    shorts = {c: {x for k in c for x in records[k].shorts} for c in components}
    code = {c: next((records[k].code for k in c if records[k].code), None) for c in components}
    by_core: dict[str, list[frozenset[str]]] = defaultdict(list)
    by_short: dict[str, list[frozenset[str]]] = defaultdict(list)
    for c in components:
        for x in cores[c]:
            by_core[x].append(c)
        for x in shorts[c]:
            by_short[x].append(c)
    partners: dict[frozenset[str], set[frozenset[str]]] = defaultdict(set)
    for c in components:
        others = [o for x in cores[c] for o in by_short.get(x, ())]
        others += [o for x in shorts[c] for o in by_core.get(x, ())]
        for o in others:
            if o == c or (code[c] and code[o]):
                continue
            place_c, place_o = _place(records, c), _place(records, o)
            if place_c.fits(place_o) and (place_c | place_o).definite:
                partners[c].add(o)
                partners[o].add(c)
            else:
                for mine, theirs in ((c, o), (o, c)):
                    if code[mine] is None:
                        found.add(SAME_NAME_ELSEWHERE, min(mine), theirs)
    pairs = []
    for c, ps in partners.items():
        only = next(iter(ps)) if len(ps) == 1 else None
        if only is not None and partners[only] == {c} and c not in held and only not in held:
            if min(c) < min(only):
                pairs.append((c, only))
            continue
        if code[c] is None:
            reason = SHORT_NAME_SEVERAL if len(ps) > 1 else SHORT_NAME_CONTESTED
            found.add(reason, min(c), [k for p in ps for k in p])
    return pairs


def group_records(
    records: Mapping[str, _Record], alias_owner: Mapping[str, set[str]]
) -> tuple[list[frozenset[str]], _Finding]:
    """The records that are one enterprise, and what needs review."""
    found = _Finding()
    if all(r.code is not None for r in records.values()):  # an alias is never a credit code
        return [frozenset({k}) for k in sorted(records)], found  # codes only: nothing to match
    _describe(records)
    components, held = _same_names(records, alias_owner, found)
    uf = _Components(records)
    for c in components:
        for k in c:
            uf.union(min(c), k)
    for a, b in _short_names(records, components, held, found):
        uf.union(min(a), min(b))
    return uf.groups(), found


# -- folding --------------------------------------------------------------------------------------
def canonical_key(records: Mapping[str, _Record], group: Collection[str]) -> str:
    """The credit code of the group if it has one, else its smallest key."""
    codes = sorted(k for k in group if records[k].code is not None)
    return codes[0] if codes else min(group)


def _merged_props(
    records: Mapping[str, _Record], group: Collection[str], key: str, provenance: Collection[str]
) -> Props:
    members = [records[k] for k in sorted(group)]
    nodes = [r.node for r in members if r.node is not None]
    props = fold(nodes, [p for r in members for p in r.rows], provenance)
    props["id"] = key
    props["name"] = _registered_name(members) or props["name"]
    names = {str(v) for r in members for p in r.all_props()
             for n in ("name", "short_name") if (v := p.get(n))}
    aliases = {a for r in members for p in r.all_props() for a in _aliases(p)}
    aliases |= {r.key for r in members} | names
    aliases -= {key, str(props.get("name", "")), str(props.get("short_name", ""))}
    if aliases:
        clean = sorted(a.replace(ALIAS_SEPARATOR, "；") for a in aliases)
        props["aliases"] = ALIAS_SEPARATOR.join(clean)
    return props


def _registered_name(members: Sequence[_Record]) -> str | None:
    """The name the merged enterprise goes by: the latest name of a record with the credit code,
    else the latest one that is not a short name of the group (``朔野`` never replaces
    ``太仓朔野游戏科技有限公司``)."""
    shorts = {x for r in members for x in r.shorts}
    pool = [r for r in members if r.code is not None] or [
        r for r in members if not r.cores & shorts]
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
) -> Plan:
    """Decide which enterprise records are one (pure but for ``fetch``).

    ``existing`` are the map's enterprises with at least the properties :data:`MATCHED_ON`;
    ``fetch`` gives all the properties of those that are merged (None: ``existing`` has them).
    """
    records = _records(rows, existing)
    alias_owner: dict[str, set[str]] = defaultdict(set)
    for node in existing:
        for alias in _aliases(node.props):
            alias_owner[alias].add(node.key)
    groups, found = group_records(records, alias_owner)
    folded = [g for g in groups if len(g) > 1 and _touches_delivery(records, g)]
    wanted = {k for g in folded for k in g if records[k].node is not None}
    if fetch is not None and wanted:
        for node in fetch(wanted):
            records[node.key].node = node
    renamed: dict[str, str] = {}
    merges: list[NodeMerge] = []
    origins: dict[str, tuple[str, int]] = {}
    out_rows: list[Props] = []
    for group in groups:
        members = [records[k] for k in sorted(group)]
        delivered = [p for r in members for p in r.rows]
        if not delivered:
            continue
        if len(group) == 1 and len(delivered) == 1:
            out_rows.append(delivered[0])
            continue
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
    return Plan(out_rows, renamed, merges, origins, review)


def _touches_delivery(records: Mapping[str, _Record], keys: Iterable[str]) -> bool:
    return any(records[k].rows for k in keys)


def _item(
    records: Mapping[str, _Record], reason: str, key: str, candidates: Iterable[str]
) -> ReviewItem:
    r = records[key]
    source, row = r.origin()
    return ReviewItem(reason, key, r.name, source, row,
                      tuple(records[k].shown() for k in sorted(candidates)))


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


def resolve_delivery(d: Delivery, store: GraphStore) -> Resolution:
    """Merge the delivery's enterprise records that are one enterprise, among themselves and with
    the map's, and rewrite the delivery accordingly (see the module docstring).

    Reads the map's enterprises (and the observations of those folded away); writes nothing. Review
    items are also added as load notes (:mod:`tupu.loaders.notes`).
    """
    provenance = tuple(store.schema.provenance)
    rows = d.changes.nodes.get(ENTERPRISE, [])
    refs = [r.key for r in d.references if r.label == ENTERPRISE and not d.has_node(ENTERPRISE, r.key)]
    if not rows and not refs:
        return Resolution({}, (), ())
    existing = store.node_values(ENTERPRISE, MATCHED_ON)
    plan = plan_enterprises(rows, existing, refs, provenance,
                            lambda keys: store.get_nodes(ENTERPRISE, keys))
    merges = list(plan.merges)
    dropped: list[SelfLoop] = []
    if plan.renamed or plan.origins:
        d.changes.nodes[ENTERPRISE] = plan.rows
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
        add_note("review", item.source, item.row, "name", item.name or None, item.message)
    return Resolution(plan.renamed, tuple(merges), tuple(review))
