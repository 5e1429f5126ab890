"""A thin reader of XLSX workbooks: one sheet's rows, streamed with openpyxl in read-only mode.

The named sheet, or the first one, is read row by row (``read_only=True``: the workbook is never
held in memory whole), with cached formula results (``data_only=True``). Rows come as
``(row number, cells)`` exactly as Excel numbers them, empty rows included, cells typed as openpyxl
gives them (text, numbers, ``datetime`` for date cells). The declared size of a sheet is ignored
(``reset_dimensions``): files written by other programs often state it wrongly.

Merged cells keep their text in their first cell only; :mod:`tupu.loaders.tables` deals with that
when it finds the header.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tupu.loaders.tables import RawRow

__all__ = ["Sheet", "XlsxProblem", "open_sheet"]


class XlsxProblem(ValueError):
    """The workbook or sheet cannot be read (message in Chinese)."""


@dataclass
class Sheet:
    """One sheet of a workbook: its name, the workbook's sheet names, its date system, its rows."""

    title: str
    sheet_names: tuple[str, ...]
    epoch: dt.datetime
    rows: Iterator[RawRow]


def _rows(ws: Any) -> Iterator[RawRow]:
    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, cells


@contextmanager
def open_sheet(binary: BinaryIO, sheet: str | None = None) -> Iterator[Sheet]:
    """Open a sheet of an XLSX workbook given as a binary file; the workbook closes on exit.

    Raises XlsxProblem for a file that is no XLSX workbook or a sheet name it does not have.
    """
    try:
        wb = load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise XlsxProblem(
            "不是有效的XLSX工作簿（可能是旧版 .xls、加密文件或已损坏）；请在Excel中打开后"
            "“另存为”→“Excel 工作簿 (*.xlsx)”重新提交"
        ) from e
    try:
        names = tuple(wb.sheetnames)
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise XlsxProblem(f"工作簿中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}")
        if not hasattr(ws, "iter_rows"):
            raise XlsxProblem(f"“{ws.title}”是图表，不是工作表；请指定数据所在的工作表")
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        yield Sheet(ws.title, names, wb.epoch, _rows(ws))
    finally:
        wb.close()
