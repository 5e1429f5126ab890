"""A delivery being read: the change set it will write, the problems found, the references to check.

Reading never writes: sources add rows and problems to a :class:`Delivery`; only when every source
has been read and every reference resolved without a problem does the pipeline hand the change
set to a store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, MutableMapping
from dataclasses import dataclass, field

from tupu.errors import Problem
from tupu.graph.stores.model import ChangeSet, Props
from tupu.graph.stores.store import utc_now
from tupu.loaders.spool import Spool, SpoolChangeSet, SpoolOrigins
from tupu.messages import msg

Origin = tuple[str, int | None]
NodeIdent = tuple[str, str]  # (label, key)
RelIdent = tuple[str, str, str, str, str]  # (type, start label, start key, end label, end key)


@dataclass(frozen=True, slots=True)
class Reference:
    """A relationship end that must exist, and where it was written."""

    label: str
    key: str
    file: str
    row: int | None
    column: str
    rel_type: str


@dataclass
class Delivery:
    """The state of one load while its sources are read."""

    loaded_at: str = field(default_factory=utc_now)
    changes: ChangeSet | SpoolChangeSet = field(default_factory=ChangeSet)
    problems: list[Problem] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    node_origin: MutableMapping[NodeIdent, Origin] = field(default_factory=dict)
    rel_origin: MutableMapping[RelIdent, Origin] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    targets: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # source → the label its rows write

    @classmethod
    def spooled(cls, spool: Spool) -> Delivery:
        """A delivery whose rows and origins are kept in ``spool`` (``loaders/spool.py``)."""
        return cls(changes=SpoolChangeSet(spool), node_origin=SpoolOrigins(spool, "node"),
                   rel_origin=SpoolOrigins(spool, "rel"))

    def problem(
        self, file: str, row: int | None, column: str | None, value: str | None, message: str
    ) -> None:
        self.problems.append(Problem(file, row, column, value, message))

    def provenance(self, file: str, row: int) -> Props:
        return {"prov_source": file, "prov_row": row, "prov_loaded_at": self.loaded_at}

    @staticmethod
    def origin_text(origin: tuple[str, int | None]) -> str:
        """Where a row was given: ``file row N`` (or just the file)."""
        if origin[1] is None:
            return origin[0]
        return msg("load.canonical_origin", file=origin[0], row=origin[1])

    def has_node(self, label: str, key: str) -> bool:
        return (label, key) in self.node_origin

    def missing_nodes(self, idents: Iterable[NodeIdent]) -> set[NodeIdent]:
        """Those of ``idents`` this delivery does not write (one look-up for all of them)."""
        if isinstance(self.node_origin, SpoolOrigins):
            return self.node_origin.missing(idents)
        return {i for i in idents if i not in self.node_origin}

    def keys_of(self, label: str) -> Collection[str]:
        return [k for (lbl, k) in self.node_origin if lbl == label]
