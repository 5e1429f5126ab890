"""Names, not ids: find a node by its id, its Chinese full name or its short name.

Every command, page and Python method that takes an enterprise, park, town, chain, chain link,
university, fund or project accepts any of these. :func:`resolve` tries, in order:

1. the id (key) itself;
2. the full name or the short name, exactly;
3. a Chinese name containing the text (``浏河`` finds ``浏河镇``), or a chain link written as
   ``链名/环节名``.

One match is the answer. Several raise :class:`tupu.errors.AmbiguousName` listing them (id and
name); none raises :class:`tupu.errors.UnknownName` with the closest names and ids (difflib) as
"did you mean" and, for the small labels (everything but enterprises and projects), every valid
choice. Ids are never matched by substring: ``film`` is not ``film-tv`` (it is suggested).

Enterprises are looked up by exact id and name first (two indexed reads); only a miss reads the
names of every enterprise, to suggest the closest ones.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from tupu.errors import AmbiguousName, UnknownName
from tupu.graph.stores.store import GraphStore

LABEL_ZH = {
    "Enterprise": "企业", "Park": "园区", "Town": "区镇", "Chain": "产业链",
    "ChainLink": "产业链环节", "University": "高校", "Fund": "基金", "Project": "重点项目",
}
SMALL = ("Park", "Town", "Chain", "ChainLink", "University", "Fund")
"""Labels whose every node is listed as a valid choice when a name matches none."""
SHOWN = 12  # at most this many matches or suggestions in a message


@dataclass(frozen=True)
class Choice:
    """One node a name can stand for: its id, name and short name."""

    key: str
    name: str
    short_name: str | None = None

    def __str__(self) -> str:
        return f"{self.name}（{self.key}）"


def choices(store: GraphStore, label: str) -> list[Choice]:
    """Every node of ``label`` as a :class:`Choice`, ordered by id (a narrow read)."""
    props = ["name", "short_name"] if _has(store, label, "short_name") else ["name"]
    return [_choice(n.key, n.props) for n in store.node_values(label, props)]


def resolve(store: GraphStore, label: str, text: str) -> str:
    """The id of the one ``label`` node that ``text`` names (module doc)."""
    return resolve_choice(store, label, text).key


def resolve_choice(store: GraphStore, label: str, text: str) -> Choice:
    """The one ``label`` node that ``text`` names, as a :class:`Choice` (module doc)."""
    wanted = text.strip()
    if not wanted:
        raise UnknownName(label, text, (), ())
    node = store.get_node(label, wanted)
    if node is not None:
        return _choice(node.key, node.props)
    exact = {n.key: _choice(n.key, n.props) for n in store.find_nodes(label, {"name": wanted})}
    if _has(store, label, "short_name"):
        exact.update({n.key: _choice(n.key, n.props)
                      for n in store.find_nodes(label, {"short_name": wanted})})
    if len(exact) == 1:
        return next(iter(exact.values()))
    if exact:
        raise AmbiguousName(label, text, tuple(str(c) for c in sorted(exact.values(),
                                                                     key=lambda c: c.key)))
    every = choices(store, label)
    if label == "ChainLink" and "/" in wanted:
        found = _link_in_chain(store, wanted, every)
        if found is not None:
            return found
    inside = [c for c in every if wanted in c.name or (c.short_name and wanted in c.short_name)]
    if len(inside) == 1:
        return inside[0]
    if inside:
        raise AmbiguousName(label, text, tuple(str(c) for c in inside[:SHOWN]), len(inside))
    words = {c.name: c for c in every} | {c.key: c for c in every}
    words |= {c.short_name: c for c in every if c.short_name}
    close = difflib.get_close_matches(wanted, list(words), n=5, cutoff=0.4)
    suggestions = tuple(dict.fromkeys(str(words[w]) for w in close))
    valid = tuple(str(c) for c in every) if label in SMALL else ()
    raise UnknownName(label, text, suggestions, valid)


def resolve_optional(store: GraphStore, label: str, text: str | None) -> str | None:
    """:func:`resolve`, passing ``None`` through (an option left out)."""
    return None if text is None else resolve(store, label, text)


def _link_in_chain(store: GraphStore, text: str, every: list[Choice]) -> Choice | None:
    chain_text, _, link_text = text.partition("/")
    chain = resolve(store, "Chain", chain_text)
    mine = {r.end.key for r in store.adjacent("HAS_LINK", "Chain", [chain], "out")}
    hits = [c for c in every if c.key in mine and (c.name == link_text.strip()
                                                   or link_text.strip() in c.name)]
    return hits[0] if len(hits) == 1 else None


def _has(store: GraphStore, label: str, prop: str) -> bool:
    return prop in store.schema.label(label).properties


def _choice(key: str, props: dict[str, object] | object) -> Choice:
    p = props if isinstance(props, dict) else {}
    short = p.get("short_name")
    return Choice(key, str(p.get("name") or key), str(short) if short else None)
