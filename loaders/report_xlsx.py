"""The load report as an XLSX workbook for the clerks who fix the data (``tupu load --report``).

Three sheets, one row per item, Chinese headers:

- ``问题`` — every problem: the load wrote nothing until these are fixed;
- ``待复核`` — review items: loaded (or left out) as stated, but a person should decide;
- ``说明`` — notes: skipped totals rows, ignored columns, generated ids, detected encodings.

The rows are shaped by pure functions (:func:`problem_rows`, :func:`note_rows`); only
:func:`write_report` touches a file. The workbook goes back to whoever sent the data, whose
values may hold anything: every cell passes :func:`tupu.inert.inert` (no formulas).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook

from tupu.errors import Problem
from tupu.inert import inert
from tupu.loaders.notes import Note

__all__ = ["HEADERS", "SHEETS", "note_rows", "problem_rows", "write_report"]

HEADERS: tuple[str, ...] = ("文件", "行号", "列", "值", "问题及处理办法")
SHEETS: tuple[str, ...] = ("问题", "待复核", "说明")
_WIDTHS = (36, 8, 24, 28, 100)

Row = tuple[str, int | None, str, str, str]


def problem_rows(problems: Iterable[Problem]) -> list[Row]:
    """One row per problem: file, row (empty for the whole file), column, value, message."""
    return [(p.file, p.row, p.column or "", p.value or "", p.message) for p in problems]


def note_rows(notes: Iterable[Note], kind: str) -> list[Row]:
    """One row per note of ``kind`` (``note`` or ``review``)."""
    return [(n.file, n.row, n.column or "", n.value or "", n.message)
            for n in notes if n.kind == kind]


def write_report(
    target: Path | BinaryIO, problems: Sequence[Problem], notes: Sequence[Note] = ()
) -> None:
    """Write the report workbook to ``target`` (a path or a binary file)."""
    wb = Workbook(write_only=True)
    for title, rows in zip(
        SHEETS, (problem_rows(problems), note_rows(notes, "review"), note_rows(notes, "note")),
        strict=True,
    ):
        ws = wb.create_sheet(title)
        for i, width in enumerate(_WIDTHS):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        ws.append(list(HEADERS))
        for row in rows:
            ws.append([inert(c) for c in row])
    wb.save(target)
