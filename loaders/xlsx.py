"""A thin reader of XLSX workbooks: one sheet's rows, streamed with openpyxl in read-only mode.

The named sheet, or the first one, is read row by row (``read_only=True``: the workbook is never
held in memory whole), with cached formula results (``data_only=True``). Rows come as
``(row number, cells)`` exactly as Excel numbers them, empty rows included, cells typed as openpyxl
gives them (text, numbers, ``datetime`` for date cells). The declared size of a sheet is ignored
(``reset_dimensions``): files written by other programs often state it wrongly.

Merged cells keep their text in their first cell only. A cell merged down a column (a town
written once for the enterprises listed under it, a header cell over two header rows) is given to
every row of the merge (:func:`_column_merges`); a merge across columns is left to
:mod:`tupu.loaders.tables`, which deals with it when it finds the header.

An XLSX is a zip of XML files from outside, so before openpyxl sees it the zip is checked
(:func:`check_package`): what its members unpack to (in all, and against each member's packed
size: a "zip bomb"), how many there are, and that no XML member holds a DTD or entity declaration
(``<!DOCTYPE``, ``<!ENTITY``: "billion laughs", external entities) or is in an encoding other than
UTF-8 (which would hide them from the check). openpyxl then parses with defusedxml as a second
line. Rows pass the :class:`~tupu.loaders.guard.RowGuard` (limits on rows, columns, cells and cell
length; no control characters).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tupu.loaders.guard import RowGuard
from tupu.loaders.tables import RawRow
from tupu.messages import msg
from tupu.settings import Limits, current_limits

__all__ = ["MAX_MEMBERS", "Sheet", "XlsxProblem", "check_package", "open_sheet"]

MAX_MEMBERS = 10_000
"""Files a workbook's zip may hold (Excel writes a few dozen)."""
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 1 << 20
_RATIO_FLOOR = 1 << 20  # members unpacking to less than this are not judged by their ratio


class XlsxProblem(ValueError):
    """The workbook or sheet cannot be read (message in Chinese)."""


@dataclass
class Sheet:
    """One sheet of a workbook: its name, the workbook's sheet names, its date system, its rows."""

    title: str
    sheet_names: tuple[str, ...]
    epoch: dt.datetime
    rows: Iterator[RawRow]


_PARSE_ERRORS = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
                 SyntaxError, zlib.error, EOFError, TypeError, AttributeError, IndexError)
"""What openpyxl raises for a damaged workbook (SyntaxError: expat's ParseError; defusedxml's
refusals are ValueErrors)."""


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _column_index(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n - 1


def _column_merges(ws: Any) -> dict[int, list[tuple[int, int]]]:
    """The merges of ``ws`` that run down one column: top row → [(column index, bottom row)].

    Read from the sheet's XML (the read-only reader does not parse ``<mergeCells>``), streamed,
    after :func:`check_package` has bounded what the member unpacks to."""
    found: dict[int, list[tuple[int, int]]] = {}
    if not hasattr(ws, "_get_source"):
        return found
    tail = b""
    try:
        with ws._get_source() as source:
            while chunk := source.read(_CHUNK):
                window = tail + chunk
                last = 0
                for m in _MERGE.finditer(window):
                    last = m.end()
                    c1, r1, c2, r2 = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
                    if c1 == c2 and r2 > r1:
                        found.setdefault(r1, []).append((_column_index(c1), r2))
                tail = window[max(last, len(window) - 64):]
    except _PARSE_ERRORS as e:
        raise XlsxProblem(_NOT_XLSX) from e
    return found


def _rows(ws: Any, limits: Limits) -> Iterator[RawRow]:
    guard = RowGuard(limits)
    merges = _column_merges(ws)
    down: dict[int, tuple[object, int]] = {}  # column → (the merge's value, its bottom row)
    rows = iter(ws.iter_rows(values_only=True))
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except _PARSE_ERRORS as e:  # the sheet is parsed as it is read
            raise XlsxProblem(_NOT_XLSX) from e
        number += 1
        guard.check(number, cells)
        for column, bottom in merges.pop(number, ()):
            if column < len(cells) and cells[column] is not None:
                down[column] = (cells[column], bottom)
        if down:
            filled = list(cells)
            for column, (value, bottom) in list(down.items()):
                if number > bottom:
                    del down[column]
                elif column < len(filled) and filled[column] is None:
                    filled[column] = value
                elif column >= len(filled):
                    filled.extend([None] * (column - len(filled)) + [value])
            cells = tuple(filled)
        yield number, cells


def _scan_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML member that declares a DTD or entities, or is not UTF-8."""
    tail = b""
    with archive.open(info) as member:
        first = True
        while chunk := member.read(_CHUNK):
            if first:
                start = chunk.removeprefix(b"\xef\xbb\xbf").lstrip()
                decl = start[:100].lower()
                if start[:1] != b"<" or start[1:2] == b"\x00" or (
                        decl.startswith(b"<?xml") and b"encoding" in decl.split(b"?>")[0]
                        and not any(e in decl for e in (b"utf-8", b"utf8"))):
                    if start:  # an empty member is left to openpyxl
                        raise XlsxProblem(msg("file.xml_not_utf8", member=info.filename))
                first = False
            window = tail + chunk
            if any(f in window for f in _FORBIDDEN):
                raise XlsxProblem(msg("file.xml_dtd", member=info.filename))
            tail = chunk[-16:]


def check_package(binary: BinaryIO, limits: Limits) -> None:
    """Check an XLSX's zip before it is parsed (see the module doc); XlsxProblem if refused."""
    try:
        archive = zipfile.ZipFile(binary)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise XlsxProblem(_NOT_XLSX) from e
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise XlsxProblem(msg("file.too_many_members", count=len(infos), limit=MAX_MEMBERS))
        total = sum(i.file_size for i in infos)
        if total > limits.max_unpacked_bytes:
            raise XlsxProblem(msg("file.unpacked_too_big", limit=limits.max_unpacked_bytes >> 20))
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.max_unpack_ratio:
                raise XlsxProblem(msg("file.unpack_ratio", member=info.filename,
                                      ratio=int(ratio), limit=limits.max_unpack_ratio))
        try:
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES):
                    _scan_xml(archive, info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                OSError) as e:
            raise XlsxProblem(_NOT_XLSX) from e
    binary.seek(0)


_NOT_XLSX = ("不是有效的XLSX工作簿（可能是旧版 .xls、加密文件或已损坏）；请在Excel中打开后"
             "“另存为”→“Excel 工作簿 (*.xlsx)”重新提交")


TABLE_LOOK_AHEAD = 30
"""Rows of a sheet looked at to tell a table from a sheet of instructions."""


def _first_table_sheet(sheets: list[Any]) -> Any:
    """The sheet to read when none is named: the first whose first rows hold a row of three or
    more filled cells (a table's header), so that a 填表说明 or 封面 sheet before the data is
    passed over; the first sheet when none does."""
    if len(sheets) == 1:
        return sheets[0]
    for ws in sheets:
        if not hasattr(ws, "iter_rows"):
            continue  # a chart sheet
        rows = ws.iter_rows(max_row=TABLE_LOOK_AHEAD, values_only=True)
        if any(sum(1 for c in row if c is not None and str(c).strip()) >= 3 for row in rows):
            return ws
    return sheets[0]


@contextmanager
def open_sheet(
    binary: BinaryIO, sheet: str | None = None, limits: Limits | None = None
) -> Iterator[Sheet]:
    """Open a sheet of an XLSX workbook given as a binary file (seekable); the workbook closes
    on exit.

    Raises XlsxProblem for a file that is no XLSX workbook, is refused by :func:`check_package`,
    or lacks the sheet named; the rows raise :class:`~tupu.loaders.guard.FileProblem` past
    ``limits`` (default: the settings') as they are read.
    """
    lim = limits or current_limits()
    check_package(binary, lim)
    try:
        wb = load_workbook(binary, read_only=True, data_only=True)
    except _PARSE_ERRORS as e:
        raise XlsxProblem(_NOT_XLSX) from e
    try:
        names = tuple(wb.sheetnames)
        if sheet is None and not names:
            raise XlsxProblem(_NOT_XLSX)
        if sheet is None:
            ws = _first_table_sheet(wb.worksheets)
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise XlsxProblem(f"工作簿中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}")
        if not hasattr(ws, "iter_rows"):
            raise XlsxProblem(f"“{ws.title}”是图表，不是工作表；请指定数据所在的工作表")
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        yield Sheet(ws.title, names, wb.epoch, _rows(ws, lim))
    finally:
        wb.close()
