"""Files from outside are hostile until read: the bounds every reader of rows enforces.

The thin readers (:mod:`tupu.loaders.csvrows`, :mod:`tupu.loaders.csvtable`,
:mod:`tupu.loaders.xlsx`) stream rows through a :class:`RowGuard`, which refuses — with a
:class:`FileProblem` naming the row and the column, in Chinese — a file that holds

- more rows, columns per row or non-empty cells than :class:`~tupu.settings.Limits` allows;
- a cell longer than ``max_field_chars`` characters (Python's ``csv`` stops at 131,072 with a
  traceback; we say which row and column instead);
- a control character in a cell (NUL and the other C0 characters except tab, line feed and carriage
  return, and DEL): they are never stored, so they cannot break the XLSX and GraphML exports later.

:func:`bounded_lines` reads text line by line with a bound on the length of a line, so a file
without line breaks is refused before it is held in memory whole.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO, cast

from tupu.loaders.tables import Cell, column_letter
from tupu.messages import msg
from tupu.settings import Limits

__all__ = ["CONTROL_CHARS", "FileProblem", "RowGuard", "bounded_lines", "control_char",
           "csv_error_problem", "use_field_limit"]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters no cell may hold: C0 controls other than tab, LF and CR, and DEL."""


class FileProblem(ValueError):
    """A file refused while it is read (message in Chinese, naming the row and column)."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


def control_char(text: str) -> str | None:
    """How the first control character of ``text`` is shown (``U+0000``), or None."""
    m = CONTROL_CHARS.search(text)
    return None if m is None else f"U+{ord(m.group()):04X}"


def letter_name(index: int) -> str:
    """A column named by its spreadsheet letter (``C``)."""
    return column_letter(index)


def shown(column: str) -> str:
    """How a message names a column: ``“营业收入”列``."""
    return f"“{column}”列"


class RowGuard:
    """Checks each row a reader streams against the limits; keeps the count of cells."""

    def __init__(self, limits: Limits, column_name: Callable[[int], str] = letter_name,
                 text_only: bool = False) -> None:
        self.limits = limits
        self.column_name = column_name
        self.text_only = text_only  # every cell is a str (CSV): a faster check
        self.cells = 0

    def check(self, number: int, cells: Sequence[Cell]) -> None:
        """Raise :class:`FileProblem` when row ``number`` goes past a limit or holds a control
        character."""
        lim = self.limits
        if number > lim.max_rows:
            raise FileProblem(msg("file.too_many_rows", row=number, limit=lim.max_rows), number)
        if len(cells) > lim.max_columns:
            # a wide row of empty cells is what spreadsheets write; only filled cells count
            last = max((j for j, c in enumerate(cells) if c is not None and c != ""), default=-1)
            if last >= lim.max_columns:
                raise FileProblem(msg("file.too_many_columns", row=number, count=last + 1,
                                      limit=lim.max_columns), number)
        texts: Sequence[str]
        if self.text_only:
            texts = cast(Sequence[str], cells)
            self.cells += len(texts) - texts.count("")
        else:
            texts = [c for c in cells if isinstance(c, str)]
            self.cells += len(texts) - texts.count("") + sum(
                1 for c in cells if c is not None and not isinstance(c, str))
        longest = max(map(len, texts), default=0)
        if longest > lim.max_field_chars or CONTROL_CHARS.search("".join(texts)):
            self._locate(number, cells)  # the rare bad row: find and name the cell
        if self.cells > lim.max_cells:
            raise FileProblem(msg("file.too_many_cells", row=number, limit=lim.max_cells), number)

    def _locate(self, number: int, cells: Sequence[Cell]) -> None:
        lim = self.limits
        for j, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            if len(cell) > lim.max_field_chars:
                column = self.column_name(j)
                raise FileProblem(msg("file.field_too_long", row=number, column=shown(column),
                                      limit=lim.max_field_chars), number, column)
            char = control_char(cell)
            if char is not None:
                column = self.column_name(j)
                raise FileProblem(msg("file.control_char", row=number, column=shown(column),
                                      char=char), number, column)


def bounded_lines(text: TextIO, limit: int) -> Iterator[str]:
    """The lines of ``text``, each read with at most ``limit`` characters (line break aside);
    :class:`FileProblem` for a longer line."""
    number = 0
    while True:
        line = text.readline(limit + 3)
        if not line:
            return
        number += 1
        if len(line) > limit and len(line.rstrip("\r\n")) > limit:
            raise FileProblem(msg("file.line_too_long", row=number, limit=limit), number)
        yield line


def use_field_limit(limits: Limits) -> None:
    """Let Python's ``csv`` read cells up to the line limit, so that the guard (which names the
    column) is what refuses a long cell. ``csv.field_size_limit`` is process-wide; every tupu
    reader sets the same value from the settings."""
    csv.field_size_limit(max(limits.max_line_chars, limits.max_field_chars) + 1)


def csv_error_problem(e: csv.Error, row: int, limits: Limits) -> FileProblem:
    """A :class:`FileProblem` for an error Python's ``csv`` raised at ``row``."""
    if "field larger than field limit" in str(e):
        return FileProblem(msg("file.field_too_long", row=row, column="某列",
                               limit=limits.max_field_chars), row)
    return FileProblem(msg("file.bad_csv", row=row, why=str(e)), row)
