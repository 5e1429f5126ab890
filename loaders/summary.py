"""What a load did, per kind of row: new, updated, merged, unchanged and refused.

Counted before anything is written, against the store: a node row whose key the store lacks is
*new*; one whose given properties all equal the stored ones is *unchanged* (provenance aside);
otherwise *updated*. *Merged* rows are enterprise records entity resolution folded into another
(:mod:`tupu.loaders.resolve`). *Refused* rows are the rows with a problem, by the kind of the file
they are in (a refused load writes nothing, so its other rows are counted as they would have
gone). Each kind is named by its label's Chinese name (``企业``, ``企业季度监测`` …).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from tupu.graph.stores.model import Props, batched
from tupu.graph.stores.store import GraphStore
from tupu.loaders.delivery import Delivery
from tupu.messages import msg
from tupu.ontology.schema import Schema

__all__ = ["KindSummary", "summarise"]

_RELATIONSHIPS = "relationships"


@dataclass(frozen=True)
class KindSummary:
    """The rows of one kind (a node label, or ``relationships``) and what became of them."""

    kind: str
    name: str  # Chinese
    new: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    refused: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name, "new": self.new, "updated": self.updated,
                "merged": self.merged, "unchanged": self.unchanged, "refused": self.refused}


def _same(given: object, stored: object) -> bool:
    if isinstance(given, float) and isinstance(stored, (int, float)):
        return abs(given - float(stored)) <= 1e-9 * max(1.0, abs(given))
    return given == stored


CHUNK = 2_000
"""Rows whose stored nodes are read at a time."""


def _count(counts: dict[str, int], rows: list[Props], key_prop: str, store: GraphStore | None,
           label: str, provenance: set[str]) -> None:
    stored: dict[str, Mapping[str, object]] = {}
    if store is not None and rows:
        stored = {n.key: n.props for n in store.get_nodes(label, [str(r[key_prop]) for r in rows])}
    for row in rows:
        old = stored.get(str(row[key_prop]))
        if old is None:
            counts["new"] += 1
        elif all(_same(v, old.get(k)) for k, v in row.items() if k not in provenance):
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1


def summarise(d: Delivery, schema: Schema, store: GraphStore | None, merged: int = 0
              ) -> list[KindSummary]:
    """The summary of delivery ``d`` against ``store`` (None: every row is new); ``merged`` is the
    number of enterprise records folded into others. Rows of relationship files appear only when
    refused (their written counts are reported per type)."""
    provenance = set(schema.provenance)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for label, all_rows in d.changes.nodes.items():
        key_prop = schema.label(label).key
        for rows in batched(all_rows, CHUNK):  # a large delivery's rows may be in a spool file
            _count(counts[label], rows, key_prop, store, label, provenance)
    if merged:
        counts["Enterprise"]["merged"] += merged
    refused: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for p in d.problems:
        if p.row is not None:
            refused[d.labels.get(p.file, _RELATIONSHIPS)].add((p.file, p.row))
    for label, rows_refused in refused.items():
        counts[label]["refused"] += len(rows_refused)
    out = []
    for label, c in sorted(counts.items(), key=_order):
        name = msg("load.relationships") if label == _RELATIONSHIPS else (
            schema.label(label).label_zh or label)
        out.append(KindSummary(label, name, c.get("new", 0), c.get("updated", 0),
                               c.get("merged", 0), c.get("unchanged", 0), c.get("refused", 0)))
    return out


def _order(item: tuple[str, Mapping[str, int]]) -> tuple[int, str]:
    return (1 if item[0] == _RELATIONSHIPS else 0, item[0])
