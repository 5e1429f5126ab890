"""Which enterprise records are one enterprise: the matching half of entity resolution.

A :class:`Record` is one key: the delivery's rows with that key and the map's node with it. Names
are compared as cores (:mod:`tupu.loaders.enterprise_names`); the rules, decided from sets so that
the order of files and rows never matters, are those of :mod:`tupu.loaders.resolve`:
:func:`group_records` returns the components to merge and a :class:`Finding` of what needs a
person's review.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tupu.graph.stores.model import Node, Props
from tupu.loaders.enterprise_names import Gazetteer, Place, name_core, plain, region_key
from tupu.loaders.rekey import row_order
from tupu.loaders.uscc import ALPHABET

ENTERPRISE = "Enterprise"
IN_MAP = "图谱（已有）"
"""Shown as the file of a record that is already in the map."""
ALIAS_SEPARATOR = ";"
MAX_PROBES = 256
"""Above this many name cores without a credit code, every record is compared (no probing)."""
NAME_FORMS = "name_forms"
"""The property holding :func:`name_forms` of an enterprise (written by resolution, indexed)."""
FORMS_SEPARATOR = "\n"
CODE_PATTERN = f"(?i)[{ALPHABET}]{{18}}"
"""A key that is a credit code (the same regular expression in Python and in Cypher's ``=~``)."""
_GROUPS = re.compile(r"\([^()]*\)")
_CODE = re.compile(CODE_PATTERN)

SAME_NAME_ELSEWHERE = "名称相同但所在地不同，未合并"
SAME_NAME_SEVERAL = "与多家企业名称相同（信用代码或所在地不同），未合并"
SHORT_NAME_SEVERAL = "简称或名称对应多家企业，未合并"
SHORT_NAME_CONTESTED = "对应的企业另有名称相近的记录，未合并"


# -- records --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Record:
    """One enterprise key: its rows in the delivery, its node in the map, and (once described) the
    cores of its names and short names and the place it is in."""

    key: str
    code: str | None
    rows: list[Props] = field(default_factory=list)
    node: Node | None = None
    cores: tuple[str, ...] = ()  # tuples, not sets: an empty set alone costs 216 bytes a record
    shorts: tuple[str, ...] = ()
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


def aliases_of(props: Mapping[str, Any]) -> list[str]:
    text = props.get("aliases")
    return [a for a in str(text).split(ALIAS_SEPARATOR) if a] if text else []


def _code(key: str) -> str | None:
    """The credit code a key is (readers have checked its check character), or None."""
    return key.upper() if _CODE.fullmatch(key) else None


def records_of(rows: Sequence[Props], existing: Iterable[Node]) -> dict[str, Record]:
    records: dict[str, Record] = {}
    for node in existing:
        records[node.key] = Record(node.key, _code(node.key), node=node)
    for props in rows:
        key = str(props["id"])
        records.setdefault(key, Record(key, _code(key))).rows.append(props)
    return records


Regions = tuple[frozenset[str], frozenset[str]]
"""The cities and the provinces named by enterprises (``city`` and ``province`` values)."""


def regions_of(records: Mapping[str, Record]) -> Regions:
    """The ``city`` and ``province`` values of the records."""
    props = [p for r in records.values() for p in r.all_props()]
    return (frozenset(str(c) for p in props if (c := p.get("city"))),
            frozenset(str(v) for p in props if (v := p.get("province"))))


def gazetteer_of(records: Mapping[str, Record], regions: Regions | None = None) -> Gazetteer:
    """The regions the records name as their city or province (and those of ``regions``: the
    whole map's, when ``records`` are only the part of it a delivery may match), and every
    province."""
    cities, provinces = regions_of(records)
    if regions is not None:
        cities, provinces = cities | regions[0], provinces | regions[1]
    return Gazetteer.of(cities, provinces)


def name_forms(props: Mapping[str, Any]) -> str:
    """The texts :func:`probes` are looked for in: the plain name, short name and aliases (the
    ``;``-joined text as stored), and each without its bracketed parts where that differs, one
    per line. Stored on the enterprise (:data:`NAME_FORMS`) so that a store can find them through
    an index; a probe never holds a line break (:func:`plain` removes white space)."""
    texts = [plain(str(v)) for n in ("name", "short_name", "aliases") if (v := props.get(n))]
    texts += [t2 for t in texts if (t2 := _GROUPS.sub("", t)) != t]
    return FORMS_SEPARATOR.join(texts)


def probes(loose: Mapping[str, Record]) -> set[str]:
    """The name cores and short names of the (described) records without a credit code."""
    return {x for r in loose.values() for x in (*r.cores, *r.shorts) if x}


def loose_records(records: Mapping[str, Record]) -> dict[str, Record]:
    """The records without a credit code."""
    return {k: r for k, r in records.items() if r.code is None}


def _probed(
    records: Mapping[str, Record], loose: Mapping[str, Record]
) -> dict[str, Record]:
    """The records with a credit code that may match a record without one: those whose name,
    short name or alias holds one of their cores or short names, as written or without its
    bracketed parts (cheap to test; it misses only a name whose core keeps one bracketed part and
    drops another). All of them when the records without a code are too many to probe for."""
    wanted = probes(loose)
    coded = {k: r for k, r in records.items() if k not in loose}
    if len(wanted) > MAX_PROBES:
        return coded
    found = {}
    for k, r in coded.items():
        forms = [name_forms(p) for p in r.all_props()]
        if any(x in t for t in forms for x in wanted):
            found[k] = r
    return found


def describe(records: Mapping[str, Record], gazetteer: Gazetteer) -> None:
    """Fill in each record's name cores, short-name cores and place (records of the same place
    share one :class:`Place`: a few regions for many thousands of records)."""
    places: dict[Place, Place] = {}
    for r in records.values():
        implied = Place()
        cores: dict[str, None] = {}
        for name in r.values("name"):
            core, where = name_core(name, gazetteer)
            cores[core] = None
            implied = implied | where
        for props in r.all_props():
            cores.update((name_core(a, gazetteer)[0], None) for a in aliases_of(props))
        r.cores = tuple(cores)
        r.shorts = tuple(dict.fromkeys(name_core(s, gazetteer, short=True)[0]
                                       for s in r.values("short_name")))
        given = Place(frozenset(region_key(c) for c in r.values("city")),
                      frozenset(region_key(p) for p in r.values("province")))
        place = Place(given.cities or implied.cities, given.provinces or implied.provinces)
        r.place = places.setdefault(place, place)


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
        """The components, ordered by their smallest key (each component's root)."""
        out: dict[str, list[str]] = defaultdict(list)
        for k in self.parent:
            out[self.find(k)].append(k)
        return [frozenset(out[root]) for root in sorted(out)]


@dataclass
class Finding:
    """Review items as (reason, record key, candidate keys), deduplicated later."""

    items: set[tuple[str, str, frozenset[str]]] = field(default_factory=set)

    def add(self, reason: str, key: str, candidates: Iterable[str]) -> None:
        self.items.add((reason, key, frozenset(candidates)))


def _same_names(
    records: Mapping[str, Record], alias_owner: Mapping[str, set[str]], found: Finding
) -> tuple[list[frozenset[str]], set[frozenset[str]]]:
    """Rules 1, 2 and 4: components of records with equal name cores, and the ones held back."""
    uf = _Components(records)
    for key in records:
        owners = alias_owner.get(key, set()) - {key}
        if len(owners) == 1 and (owner := next(iter(owners))) in records:
            uf.union(key, owner)
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


def _place(records: Mapping[str, Record], group: Iterable[str]) -> Place:
    place = Place()
    for k in group:
        place = place | records[k].place
    return place


def _short_names(
    records: Mapping[str, Record],
    components: Sequence[frozenset[str]],
    held: set[frozenset[str]],
    found: Finding,
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
    records: Mapping[str, Record],
    alias_owner: Mapping[str, set[str]],
    regions: Regions | None = None,
) -> tuple[list[frozenset[str]], Finding]:
    """The groups of two or more records that are one enterprise, and what needs review.

    ``regions``: the cities and provinces of the whole map when ``records`` hold only the part
    of it that the delivery may match (the gazetteer must be the whole map's)."""
    found = Finding()
    loose = loose_records(records)
    if not loose:  # codes only: nothing to match (an alias is never a credit code)
        return [], found
    gazetteer = gazetteer_of(records, regions)
    describe(loose, gazetteer)
    pool = _probed(records, loose)
    pool.update((o, records[o]) for k in loose for o in alias_owner.get(k, ()) if o in records)
    describe({k: r for k, r in pool.items() if k not in loose}, gazetteer)
    pool.update(loose)
    components, held = _same_names(pool, alias_owner, found)
    uf = _Components(pool)
    for c in components:
        for k in c:
            uf.union(min(c), k)
    for a, b in _short_names(pool, components, held, found):
        uf.union(min(a), min(b))
    return [g for g in uf.groups() if len(g) > 1], found
