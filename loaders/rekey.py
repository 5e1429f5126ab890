"""Rewrite a delivery to new keys once entity resolution has merged records.

Pure functions over a :class:`~tupu.loaders.delivery.Delivery`: relationship ends, references and
observation ids (``<owner key>@<period>``) follow their owner's new key; rows that become one are
folded deterministically (:func:`fold`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from tupu.graph.stores.deliveries import load_time_key
from tupu.graph.stores.model import Node, Props, RelRow
from tupu.graph.stores.store import NodeMerge
from tupu.loaders.delivery import Delivery, Reference

KeyMap = Mapping[str, Mapping[str, str]]
"""label → old key → new key."""

SelfLoop = tuple[str, str, str, int | None]
"""A relationship dropped because both its ends became one node: (type, key, file, row)."""


def row_order(props: Mapping[str, Any]) -> tuple[str, int, str]:
    """Rows of one delivery in (file, row) order; the text of the row breaks a tie."""
    return (str(props.get("prov_source", "")), int(props.get("prov_row") or 0),
            repr(sorted((k, str(v)) for k, v in props.items())))


def node_order(node: Node) -> tuple[str, str]:
    """Nodes of the map by load time, then key."""
    return (load_time_key(node.props), node.key)


def fold(nodes: Sequence[Node], rows: Sequence[Props], provenance: Collection[str]) -> Props:
    """Properties of several records of one thing: the map's nodes by load time, then rows by
    (file, row); later values win per property; provenance is the last one's."""
    ordered = [n.props for n in sorted(nodes, key=node_order)]
    ordered += sorted(rows, key=row_order)
    out: Props = {}
    for props in ordered:
        out.update((k, v) for k, v in props.items() if k not in provenance)
    if ordered:
        out.update((k, v) for k, v in ordered[-1].items() if k in provenance)
    return out


def origin(props: Mapping[str, Any]) -> tuple[str, int]:
    return str(props.get("prov_source", "")), int(props.get("prov_row") or 0)


def observation_key(key: str, renamed: Mapping[str, str]) -> str | None:
    """The new id of observation ``<owner>@<period>`` when its owner was renamed, else None."""
    owner, at, period = key.rpartition("@")
    return f"{renamed[owner]}@{period}" if at and owner in renamed else None


def rekey_relationships(
    d: Delivery, keys: KeyMap, provenance: Collection[str]
) -> list[SelfLoop]:
    """Rewrite relationship ends; fold relationships that became one; drop those that would join
    a node to itself (returned)."""
    dropped: list[SelfLoop] = []
    for group, rows in list(d.changes.rels.items()):
        rtype, slabel, elabel = group
        smap, emap = keys.get(slabel, {}), keys.get(elabel, {})
        if not any(r.start in smap or r.end in emap for r in rows):
            continue
        by_ends: dict[tuple[str, str], list[Props]] = {}
        for r in rows:
            start, end = smap.get(r.start, r.start), emap.get(r.end, r.end)
            if (start, end) == (r.start, r.end):
                by_ends.setdefault((start, end), []).append(r.props)
                continue
            d.rel_origin.pop((rtype, slabel, r.start, elabel, r.end), None)
            if slabel == elabel and start == end:
                file, row = origin(r.props)
                dropped.append((rtype, start, file, row or None))
                continue
            by_ends.setdefault((start, end), []).append(r.props)
        out: list[RelRow] = []
        for (start, end), plist in by_ends.items():
            props = plist[0] if len(plist) == 1 else fold((), plist, provenance)
            out.append(RelRow(start, end, props))
            d.rel_origin[(rtype, slabel, start, elabel, end)] = origin(props)
        d.changes.rels[group] = out
    return dropped


def rekey_references(d: Delivery, keys: KeyMap) -> None:
    """Point the references that are checked before writing at the new keys."""
    d.references = [
        Reference(r.label, keys[r.label].get(r.key, r.key), r.file, r.row, r.column, r.rel_type)
        if r.label in keys else r
        for r in d.references
    ]


def rekey_observations(
    d: Delivery,
    label: str,
    key_prop: str,
    renamed: Mapping[str, str],
    stored: Iterable[Node],
    provenance: Collection[str],
) -> tuple[dict[str, str], list[NodeMerge]]:
    """Give the observations of renamed owners their new ids.

    ``stored`` are the map's observations of owners folded away (and any already under the new
    id). Rows that became one period are folded; a stored observation folded away becomes the
    delivery's row for that period when it has one (reloading a period replaces it), else a fold
    of the stored ones. Returns the new ids and the folds of stored nodes.
    """
    rows = d.changes.nodes.get(label, [])
    in_map = {n.key: n for n in stored}
    mapping = {k: new for k in [str(p[key_prop]) for p in rows] + list(in_map)
               if (new := observation_key(k, renamed)) is not None}
    if not mapping:
        return {}, []
    by_key: dict[str, list[Props]] = {}
    for props in rows:
        old = str(props[key_prop])
        by_key.setdefault(mapping.get(old, old), []).append(props)
        if old in mapping:
            d.node_origin.pop((label, old), None)
    out: list[Props] = []
    for key, plist in by_key.items():
        if len(plist) == 1 and str(plist[0][key_prop]) == key:
            out.append(plist[0])
            continue
        props = {**fold((), plist, provenance), key_prop: key}
        out.append(props)
        d.node_origin[(label, key)] = origin(props)
    merges = [NodeMerge(label, old, new) for old, new in sorted(mapping.items()) if old in in_map]
    for new in sorted({m.into for m in merges} - set(by_key)):
        nodes = [n for k, n in in_map.items() if k == new or mapping.get(k) == new]
        out.append({**fold(nodes, (), provenance), key_prop: new})
        d.node_origin[(label, new)] = origin(out[-1])
    d.changes.nodes[label] = out
    return mapping, merges
