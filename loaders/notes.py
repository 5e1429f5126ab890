"""Notes and review items of a load: what the report tells people besides problems.

A *problem* stops the load (:class:`~tupu.errors.Problem`). A *note* does not: a totals row that was
skipped, a column that was ignored, an id generated from a name, what a file was taken to hold.
A *review* item does not either, but asks a person to decide: an enterprise whose industry code the
culture taxonomy includes only in part and whose business scope does not settle it.

Readers add them with :func:`add_note`; whoever runs a load and wants them (the CLI, a notebook, a
test) collects them around the load::

    with collect_notes() as notes:
        load(paths, store)
    review = [n for n in notes if n.kind == "review"]

Outside :func:`collect_notes`, notes are dropped. The collector is a context variable, so loads in
different threads or tasks keep their notes apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from tupu.messages import msg

__all__ = ["Note", "NoteKind", "add_note", "collect_notes"]

NoteKind = Literal["note", "review"]


@dataclass(frozen=True)
class Note:
    """A note or review item about a file, row and column of a source (message in Chinese)."""

    kind: NoteKind
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(msg("load.where_row", row=self.row))
        if self.column:
            where.append(msg("load.where_column", column=self.column))
        shown = "" if not self.value else msg("load.where_value", value=self.value)
        return f"{'，'.join(where)}：{self.message}{shown}" if where else f"{self.message}{shown}"


_collector: ContextVar[list[Note] | None] = ContextVar("tupu_load_notes", default=None)


@contextmanager
def collect_notes() -> Iterator[list[Note]]:
    """Collect the notes added while the block runs into the yielded list."""
    notes: list[Note] = []
    token = _collector.set(notes)
    try:
        yield notes
    finally:
        _collector.reset(token)


def add_note(
    kind: NoteKind,
    file: str,
    row: int | None,
    column: str | None,
    value: str | None,
    message: str,
) -> None:
    """Record a note for the current collector (dropped when nobody collects)."""
    notes = _collector.get()
    if notes is not None:
        notes.append(Note(kind, file, row, column, value, message))
