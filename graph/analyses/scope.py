"""Where an analysis looks: the whole city, one town (区镇) or one park."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from tupu.errors import UsageError
from tupu.graph.stores.store import GraphStore


@dataclass(frozen=True)
class Scope:
    kind: Literal["city", "town", "park"]
    id: str | None = None

    def __str__(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"

    def mask(self, enterprises: pd.DataFrame) -> pd.Series:
        """Which rows of :func:`tupu.graph.analyses.frames.enterprises` are local in this scope."""
        if self.kind == "city":
            return enterprises["local"]
        return enterprises[self.kind] == self.id


def parse_scope(text: str, store: GraphStore | None = None) -> Scope:
    """``city``, ``town:<id>`` or ``park:<id>``; the id is checked when a store is given."""
    if text == "city":
        return Scope("city")
    kind, _, ident = text.partition(":")
    if kind not in ("town", "park") or not ident:
        raise UsageError(f"scope {text!r}: write city, town:<id> or park:<id>")
    label = "Town" if kind == "town" else "Park"
    if store is not None and store.get_node(label, ident) is None:
        raise UsageError(f"scope {text!r}: there is no {label} with id {ident!r}")
    return Scope(kind, ident)  # type: ignore[arg-type]
