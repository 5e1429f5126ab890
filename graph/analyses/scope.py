"""Where an analysis looks: the whole city, one town (区镇) or one park."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from tupu.errors import UsageError
from tupu.messages import msg
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
    """``city``, ``town:<id or name>`` or ``park:<id or name>``; with a store, the town or park
    is resolved by :func:`tupu.graph.analyses.names.resolve` (an unknown one raises
    :class:`tupu.errors.UnknownName` with the valid choices)."""
    from tupu.graph.analyses.names import resolve

    if text in ("city", "全市"):
        return Scope("city")
    kind, _, ident = text.partition(":")
    if kind not in ("town", "park") or not ident.strip():
        raise UsageError(msg("scope.bad", text=text))
    label = "Town" if kind == "town" else "Park"
    key = resolve(store, label, ident) if store is not None else ident
    return Scope(kind, key)  # type: ignore[arg-type]
