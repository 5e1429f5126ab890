"""The one exception root of tupu and its tree.

Errors are raised as domain errors and turned into exit codes (CLI) or HTTP statuses (API) only at
the edge. Causes are kept with ``raise ... from e``.

::

    TupuError                         exit 1 unless a subclass says otherwise
    ├── InputError                    bad input data (exit 1)
    │   ├── ValidationFailed          one or more row problems, each naming file, row and column
    │   ├── BadValue                  a malformed value on the command line or in a request
    │   │                             (exit 1, HTTP 400), e.g. a period that is not yyyyQn
    │   ├── UnknownName               a name or id that matches no node (did you mean …)
    │   ├── AmbiguousName             a name that matches several nodes (listed)
    │   └── NoData                    a period or selection with no data (the valid choices)
    ├── SchemaError                   a label, type or property unknown to the ontology (exit 1)
    ├── UsageError                    a wrong command line or argument (exit 2)
    │   └── ReadOnlyQuery             a Cypher query given to a read-only entry that writes
    ├── ConfigError                   settings that cannot be used (exit 2)
    │   └── MissingFont               no CJK font for charts' Chinese labels (tupu.charts)
    └── StoreError                    the graph store failed (exit 3)
        └── StoreUnavailable          the store cannot be reached or opened (exit 3)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tupu.messages import MissingMessage, msg


class TupuError(Exception):
    """Root of every error tupu raises on purpose."""

    exit_code: int = 1


class InputError(TupuError):
    """Input data that cannot be used as it is."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem found in one cell (or row, or file) of an input file."""

    file: str
    row: int | None  # 1-based line number in the file (the header is row 1); None: the whole file
    column: str | None
    value: str | None
    message: str  # what is wrong and what to do about it

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(msg("load.where_row", row=self.row))
        if self.column is not None:
            where.append(msg("load.where_column", column=self.column))
        shown = "" if self.value in (None, "") else msg("load.where_value", value=self.value)
        return f"{'，'.join(where)}：{self.message}{shown}" if where else f"{self.message}{shown}"


class ValidationFailed(InputError):
    """Validation found problems; nothing was written."""

    def __init__(
        self, problems: Sequence[Problem], summary: Sequence[Mapping[str, object]] = ()
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.summary: tuple[Mapping[str, object], ...] = tuple(summary)  # rows per kind of a load
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = "\n  " + msg("load.refused_more", count=more) if more > 0 else ""
        super().__init__(f"{msg('load.refused', count=len(self.problems))}\n{shown}{tail}")


class BadValue(InputError):
    """A value given on the command line or in a request that is not well formed."""

    exit_code = 1


class UnknownName(InputError):
    """A name or id that matches no node of a label; says what was meant and what is valid."""

    def __init__(self, label: str, text: str, suggestions: Sequence[str],
                 valid: Sequence[str]) -> None:
        self.label, self.text = label, text
        self.suggestions, self.valid = tuple(suggestions), tuple(valid)
        what = _label_zh(label)
        parts = [msg("names.unknown", what=what, text=text)]
        if self.suggestions:
            parts.append(msg("names.did_you_mean", names="、".join(self.suggestions)))
        if self.valid:
            parts.append(msg("names.valid", what=what, names="、".join(self.valid)))
        super().__init__("".join(parts))


class AmbiguousName(InputError):
    """A name that matches several nodes of a label; lists them (id and name)."""

    def __init__(self, label: str, text: str, matches: Sequence[str],
                 total: int | None = None) -> None:
        self.label, self.text, self.matches = label, text, tuple(matches)
        n = total if total is not None else len(self.matches)
        super().__init__(msg("names.ambiguous", what=_label_zh(label), text=text, count=n,
                             names="、".join(self.matches)))


class NoData(InputError):
    """A period (or another selection) for which the map holds no data; names the valid ones."""

    def __init__(self, message: str, valid: Sequence[str] = ()) -> None:
        self.valid = tuple(valid)
        super().__init__(message)


def _label_zh(label: str) -> str:
    key = f"names.label.{label}"
    try:
        return msg(key)
    except MissingMessage:
        return label


class SchemaError(TupuError):
    """A label, relationship type or property that the ontology does not define."""

    exit_code = 1


class UsageError(TupuError):
    """A command or argument that cannot be carried out as given."""

    exit_code = 2


class ReadOnlyQuery(UsageError):
    """A Cypher query that tries to write where only reading is allowed (``IndustryMap.cypher``)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(msg("python.cypher_write", detail=detail))


class ConfigError(TupuError):
    """Settings that cannot be used."""

    exit_code = 2


class MissingFont(ConfigError):
    """No installed font draws Chinese, so charts would show empty boxes (``tupu.charts``)."""


class StoreError(TupuError):
    """The graph store failed."""

    exit_code = 3


class StoreUnavailable(StoreError):
    """The graph store cannot be reached or opened."""

    exit_code = 3
