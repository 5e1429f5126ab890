"""Facts of real-world exports that point at other nodes, resolved once every source has been read.

A row of a tenant list names its enterprise by credit code or only by name, and its park by name; a
quarterly report names the enterprise whose observation it is; a project ledger names the owner and
the town. Such facts are kept as *pending* until every source of the load has been read, then
resolved in one final step (:meth:`IngestSession.resolve`), so the order of files does not matter:

- by key: the node must be in the delivery or already in the store;
- by name: the name is compared after :func:`~tupu.loaders.ids.normalise_name` with the names of the
  delivery's nodes and, for towns and parks, of the store's; an enterprise or project is looked up
  in the store by its exact name. A town or park may also be written shorter or longer than its
  full name (``城厢`` or ``太仓市城厢镇`` for ``城厢镇``) or by its id, as long as one node fits.

Then observations become nodes (``<owner id>@<period>``) joined by ``HAS_OBSERVATION``, earlier
quarters first, so that a year-to-date figure (``2025年1-6月营业收入``) can be split against the
quarters before it, in the delivery or in the store (:mod:`tupu.loaders.cumulative`); and the
relationships are added, with the same duplicate checks as canonical files. Every fact that cannot
be resolved is a problem naming its file, row and column, in Chinese.
"""

from __future__ import annotations

import marshal
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from tupu.graph.stores.model import Props, RelRow
from tupu.graph.stores.store import GraphStore
from tupu.loaders.cumulative import YTD, split_cumulative
from tupu.loaders.delivery import Delivery
from tupu.loaders.ids import normalise_name
from tupu.loaders.notes import add_note
from tupu.loaders.spool import Spool, SpoolRows, frozen, thawed
from tupu.messages import msg
from tupu.ontology.schema import Schema

__all__ = ["IngestSession", "PendingObservation", "PendingRel", "Target", "origin_zh"]

_PLACE_LABELS = frozenset({"Town", "Park"})
_REGION = re.compile(r"[省市县]|自治[区州]")  # "北京市朝阳区": a region, not a town's name
_PLACE_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "开发区", "园区", "产业园", "区")
_LABEL_ZH = {"Enterprise": "企业", "Project": "项目", "Town": "区镇", "Park": "园区",
             "SubSector": "文化产业细分领域"}


@dataclass(frozen=True, slots=True)
class Target:
    """A node a row points at: by key when the row gives it, otherwise by name.

    ``labels`` are the labels it may have (``("Park", "Town")`` for a 项目地点); ``column`` and
    ``value`` say where the row wrote it.
    """

    labels: tuple[str, ...]
    key: str | None
    name: str | None
    column: str
    value: str
    near: str | None = None
    """Where else the row says the node is (an enterprise's district and address), for a town that
    ``name`` does not give by itself (missing, or a region such as "江苏省苏州市太仓市"):
    :meth:`IngestSession.place_in`. Such a target is given up without a problem when neither
    names a town and ``name`` is empty or a region (another city's enterprise has no town here)."""


@dataclass(frozen=True, slots=True)
class PendingRel:
    """A relationship whose ends are resolved at the end of the load."""

    rel_type: str
    start: Target
    end: Target
    props: Props
    file: str
    row: int


@dataclass(frozen=True, slots=True)
class PendingObservation:
    """A quarterly observation whose owner (enterprise or project) is resolved at the end."""

    label: str
    owner: Target
    period: str
    props: Props
    file: str
    row: int
    cumulative: Props = field(default_factory=dict)  # figures from January to the period's end


def _pack_target(t: Target) -> tuple[Any, ...]:
    return (t.labels, t.key, t.name, t.column, t.value, t.near)


def _pack_rel(rel: PendingRel) -> bytes:
    return marshal.dumps((rel.rel_type, _pack_target(rel.start), _pack_target(rel.end),
                          frozen(rel.props), rel.file, rel.row))


def _unpack_rel(blob: bytes) -> PendingRel:
    rtype, start, end, props, file, row = marshal.loads(blob)
    return PendingRel(rtype, Target(*start), Target(*end),
                      thawed(props), file, row)


def origin_zh(origin: tuple[str, int | None]) -> str:
    """Where a row was first given, for Chinese messages: ``文件 第N行`` (or just the file)."""
    return origin[0] if origin[1] is None else msg("load.origin", file=origin[0], row=origin[1])


def _strip_place(name: str) -> str:
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass
class _Index:
    """Normalised name → keys of one label, from the delivery and (for places) the store."""

    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    keys: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # key → name as written
    cities: set[str] = field(default_factory=set)  # normalised cities of the nodes ("太仓市")

    def add(self, key: str, name: str, city: object = None) -> None:
        self.by_name[normalise_name(name)].add(key)
        self.keys.add(key)
        self.names.setdefault(key, name)
        if city and len(str(city)) >= 2:
            self.cities.add(normalise_name(str(city)))


class IngestSession:
    """The pending facts of one load's export files, and their resolution."""

    def __init__(self, schema: Schema, store: GraphStore | None = None, strict: bool = False,
                 spool: Spool | None = None) -> None:
        self.schema = schema
        self.store = store
        self.strict = strict  # unknown columns of export files are problems
        # the pending relationships: one a row of most exports, kept in the load's spool if any
        self.rels: list[PendingRel] | SpoolRows[PendingRel] = (
            [] if spool is None else SpoolRows(spool, _pack_rel, _unpack_rel))
        self.observations: list[PendingObservation] = []
        self._indexes: dict[str, _Index] = {}
        self._store_names: dict[tuple[str, str], list[str]] = {}
        self._store_keys: dict[str, set[str]] = {}
        self._alias_index: dict[str, set[str]] | None = None
        self._observed: dict[tuple[str, str], Props | None] = {}  # observations by (label, key)
        self._unsplit: dict[tuple[str, str, str], int] = {}  # (file, period, figure) → count

    def add_rel(self, rel: PendingRel) -> None:
        self.rels.append(rel)

    def add_observation(self, obs: PendingObservation) -> None:
        self.observations.append(obs)

    # -- resolution --------------------------------------------------------------------------

    def resolve(self, d: Delivery) -> None:
        """Resolve every pending fact into the delivery, or record a problem for it."""
        self._prefetch_keys(d)
        self._prefetch_earlier()
        # earlier quarters first: a year-to-date figure is split against them
        for obs in sorted(self.observations, key=lambda o: o.period):
            self._add_observation(d, obs)
        self._note_unsplit()
        for rel in self.rels:
            self._add_rel(d, rel)
        self.rels.clear()
        self.observations.clear()

    def _targets(self) -> Iterable[Target]:
        for obs in self.observations:
            yield obs.owner
        for rel in self.rels:
            yield rel.start
            yield rel.end

    def _prefetch_keys(self, d: Delivery) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        named = {(t.labels[0], t.key) for t in self._targets()
                 if t.key is not None and len(t.labels) == 1}
        for label, key in d.missing_nodes(named):
            wanted[label].add(key)
        for label, keys in wanted.items():
            self._store_keys[label] = (
                self.store.existing_keys(label, keys) if self.store is not None else set()
            )

    def _index(self, d: Delivery, label: str) -> _Index:
        index = self._indexes.get(label)
        if index is None:
            index = _Index()
            key_prop = self.schema.label(label).key
            for props in d.changes.nodes.get(label, ()):
                index.add(str(props[key_prop]), str(props.get("name", "")), props.get("city"))
            if label in _PLACE_LABELS and self.store is not None:
                for node in self.store.find_nodes(label):
                    index.add(node.key, str(node.props.get("name", "")), node.props.get("city"))
            self._indexes[label] = index
        return index

    def _store_by_name(self, label: str, name: str) -> list[str]:
        cached = self._store_names.get((label, name))
        if cached is None:
            cached = []
            if self.store is not None:
                for written in dict.fromkeys((name, name.strip())):
                    cached += [n.key for n in self.store.find_nodes(label, {"name": written})]
                if not cached and label == "Enterprise":
                    cached = sorted(self._aliases().get(normalise_name(name), ()))
            self._store_names[(label, name)] = cached = sorted(set(cached))
        return cached

    def _aliases(self) -> dict[str, set[str]]:
        """Normalised former names and other name forms (``aliases``) → enterprise keys, read
        once, when a name is not found as written."""
        if self._alias_index is None:
            self._alias_index = defaultdict(set)
            if self.store is not None:
                for node in self.store.node_values("Enterprise", ("aliases",)):
                    for alias in str(node.props.get("aliases") or "").split(";"):
                        if alias:
                            self._alias_index[normalise_name(alias)].add(node.key)
        return self._alias_index

    def _by_name(self, d: Delivery, label: str, name: str) -> list[str]:
        index = self._index(d, label)
        norm = normalise_name(name)
        found = set(index.by_name.get(norm, ()))
        if not found and label in _PLACE_LABELS:
            if name.strip() in index.keys:
                return [name.strip()]
            short = _strip_place(norm)
            found = {
                k for n, keys in index.by_name.items() for k in keys
                if _strip_place(n) == short or (len(n) >= 2 and norm.endswith(n))
            }
        if not found and label not in _PLACE_LABELS:
            found = set(self._store_by_name(label, name))
        return sorted(found)

    def _exists(self, d: Delivery, label: str, key: str) -> bool:
        return d.has_node(label, key) or key in self._store_keys.get(label, set())

    def place_in(self, d: Delivery, label: str, text: str) -> str | None:
        """The ``label`` node (a town) that ``text`` names, or None.

        ``text`` is where a business-information export says an enterprise is ("江苏省苏州市太仓市；
        太仓市城厢镇某路1号"). Only a text in the towns' city counts — one that names the city in
        full ("太仓市"; another city's "太仓路" does not), or a town whose name carries the city's
        ("太仓港经济技术开发区") —, since other cities have a 城厢镇 too. Then the place named
        earliest wins: by its full name ("城厢镇", before the "沙溪" of a road further on), else by
        its name without 镇/街道/开发区 (at least two characters: "娄东").
        """
        index = self._index(d, label)
        norm = normalise_name(text)
        in_city = self.names_city(d, label, text)
        stems = {c[:-1] for c in index.cities if c.endswith(("市", "县"))}
        for shorten in (False, True):
            hits: list[tuple[int, int, str]] = []
            for name, keys in index.by_name.items():
                needle = _strip_place(name) if shorten else name
                if len(needle) < 2 or len(keys) != 1:
                    continue
                if not in_city and (shorten or not any(st in name for st in stems)):
                    continue
                at = norm.find(needle)
                if at >= 0:
                    hits.append((at, -len(needle), next(iter(keys))))
            if hits:
                return min(hits)[2]
        return None

    def names_city(self, d: Delivery, label: str, text: str) -> bool:
        """True when ``text`` names, in full, the city of the known ``label`` nodes ("太仓市")."""
        norm = normalise_name(text)
        return any(c in norm for c in self._index(d, label).cities)

    def _resolve(self, d: Delivery, t: Target, file: str, row: int) -> tuple[str, str] | None:
        if t.near is not None:
            return self._resolve_near(d, t, file, row)
        if t.key is not None:
            label = t.labels[0]
            if self._exists(d, label, t.key):
                return label, t.key
            d.problem(file, row, t.column, t.value, self._missing_key(d, label, t))
            return None
        assert t.name is not None
        hits = [(label, key) for label in t.labels for key in self._by_name(d, label, t.name)]
        if len(hits) == 1:
            return hits[0]
        what = "或".join(_LABEL_ZH.get(label, label) for label in t.labels)
        if not hits:
            d.problem(file, row, t.column, t.value, self._missing_name(d, t, what))
        else:
            keys = "、".join(k for _, k in hits[:5])
            d.problem(file, row, t.column, t.value,
                      msg("load.name_several", name=t.name, what=what, keys=keys))
        return None

    def _resolve_near(self, d: Delivery, t: Target, file: str, row: int
                      ) -> tuple[str, str] | None:
        label = t.labels[0]
        if t.name:
            hits = self._by_name(d, label, t.name)
            if len(hits) == 1:
                return label, hits[0]
        text = "；".join(x for x in (t.name, t.near) if x)
        key = self.place_in(d, label, text)
        if key is not None:
            return label, key
        if self.names_city(d, label, text):
            add_note("review", file, row, t.column, t.value, msg("load.town_not_in_address"))
        elif t.name and not _REGION.search(t.name):
            return self._resolve(d, replace(t, near=None), file, row)  # the problem, as written
        return None

    def _missing_key(self, d: Delivery, label: str, t: Target) -> str:
        if label == "Enterprise":
            return msg("load.enterprise_key_missing", key=t.key)
        if label == "SubSector":
            if not d.changes.nodes.get("SubSector") and not self._store_has("SubSector"):
                return msg("load.taxonomy_missing")
            return msg("load.subsector_missing", code=t.key)
        if label == "Project":
            return msg("load.project_key_missing", key=t.key)
        zh = _LABEL_ZH.get(label, label)
        return msg("load.node_key_missing", key=t.key, what=zh)

    def _store_has(self, label: str) -> bool:
        return self.store is not None and bool(self.store.count_nodes().get(label))

    def _missing_name(self, d: Delivery, t: Target, what: str) -> str:
        if set(t.labels) <= _PLACE_LABELS:
            known: list[str] = []
            for label in t.labels:
                known += sorted(set(self._index(d, label).names.values()))
            listed = "、".join(known[:15]) + ("等" if len(known) > 15 else "")
            hint = (msg("load.place_known", listed=listed) if listed
                    else msg("load.place_none"))
            return msg("load.place_missing", name=t.name, what=what, hint=hint)
        if "Enterprise" in t.labels:
            return msg("load.enterprise_name_missing", name=t.name)
        return msg("load.node_name_missing", name=t.name, what=what)

    def _add_observation(self, d: Delivery, obs: PendingObservation) -> None:
        owner = self._resolve(d, obs.owner, obs.file, obs.row)
        if owner is None:
            return
        owner_label, owner_key = owner
        key = f"{owner_key}@{obs.period}"
        seen = d.node_origin.get((obs.label, key))
        if seen is not None:
            d.problem(obs.file, obs.row, obs.owner.column, obs.owner.value,
                      msg("load.period_duplicate", what=_LABEL_ZH.get(owner_label, owner_label),
                          period=obs.period, origin=origin_zh(seen)))
            return
        d.node_origin[(obs.label, key)] = (obs.file, obs.row)
        props = obs.props
        if obs.cumulative:
            props = self._split(obs, owner_key)
        prior = self._observed.get((obs.label, key))  # stored (read for a later quarter's split)
        self._observed[(obs.label, key)] = {**(prior or {}), **props}  # as the period merge will
        d.changes.add_node(obs.label, {"id": key, "period": obs.period, **props,
                                       **d.provenance(obs.file, obs.row)})
        self._add(d, "HAS_OBSERVATION", owner_label, owner_key, obs.label, key, {},
                  obs.file, obs.row, obs.owner)

    def _prefetch_earlier(self, chunk: int = 2000) -> None:
        """Read the stored earlier quarters of the year-to-date observations whose owner is given
        by key, a few queries for the whole delivery instead of one per row."""
        if self.store is None:
            return
        wanted: dict[str, set[str]] = defaultdict(set)
        for obs in self.observations:
            if obs.cumulative and obs.owner.key is not None:
                year, n = obs.period[:4], int(obs.period[5])
                wanted[obs.label].update(f"{obs.owner.key}@{year}Q{q}" for q in range(1, n))
        for label, keys in wanted.items():
            ordered = sorted(k for k in keys if (label, k) not in self._observed)
            for i in range(0, len(ordered), chunk):
                part = ordered[i:i + chunk]
                found = {n.key: dict(n.props) for n in self.store.get_nodes(label, part)}
                for key in part:
                    self._observed[(label, key)] = found.get(key)

    def _earlier(self, label: str, key: str) -> Props | None:
        """An observation of this delivery, else of the store (None: neither has it)."""
        if (label, key) not in self._observed:
            found = self.store.get_nodes(label, [key]) if self.store is not None else []
            self._observed[(label, key)] = dict(found[0].props) if found else None
        return self._observed[(label, key)]

    def _split(self, obs: PendingObservation, owner_key: str) -> Props:
        """The observation's props from its own and its year-to-date figures
        (:mod:`tupu.loaders.cumulative`); year-to-date flows whose quarter's part is unknown are
        counted for one note per file (:meth:`_note_unsplit`)."""
        split = split_cumulative(obs.period, obs.props, obs.cumulative,
                                 lambda q: self._earlier(obs.label, f"{owner_key}@{q}"))
        for name, _ in split.unsplit:
            at = (obs.file, obs.period, f"{obs.label}.{name}")
            self._unsplit[at] = self._unsplit.get(at, 0) + 1
        return split.props

    def _note_unsplit(self) -> None:
        """One note per file, period and figure whose quarter's own part is unknown."""
        for (file, period, figure), count in sorted(self._unsplit.items()):
            label, name = figure.split(".")
            props = self.schema.label(label).properties
            ytd = YTD.get(name)
            if ytd is not None and ytd in props:
                text = msg("load.cumulative_unsplit", count=count, period=period,
                           label=props[name].label_zh, ytd=props[ytd].label_zh)
            else:
                text = msg("load.cumulative_unsplit_count", count=count, period=period,
                           label=props[name].label_zh)
            add_note("note", file, None, None, None, text)
        self._unsplit.clear()

    def _add_rel(self, d: Delivery, rel: PendingRel) -> None:
        start = self._resolve(d, rel.start, rel.file, rel.row)
        end = self._resolve(d, rel.end, rel.file, rel.row)
        if start is None or end is None:
            return
        self._add(d, rel.rel_type, *start, *end, rel.props, rel.file, rel.row, rel.end)

    def _add(
        self, d: Delivery, rel_type: str, slabel: str, start: str, elabel: str, end: str,
        props: Props, file: str, row: int, where: Target,
    ) -> None:
        rdef = self.schema.rel(rel_type)
        if not rdef.allows(slabel, elabel):
            d.problem(file, row, where.column, where.value,
                      msg("load.rel_not_allowed", rel=rel_type, start=slabel, end=elabel))
            return
        ident = (rel_type, slabel, start, elabel, end)
        seen = d.rel_origin.get(ident)
        if seen is not None:
            d.problem(file, row, where.column, where.value,
                      msg("load.rel_duplicate", start=start, end=end, rel=rel_type,
                          origin=origin_zh(seen)))
            return
        d.rel_origin[ident] = (file, row)
        d.changes.add_rel(rel_type, slabel, elabel,
                          RelRow(start, end, {**props, **d.provenance(file, row)}))
