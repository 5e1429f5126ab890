"""Read one export file (XLSX or CSV with Chinese headers) into a delivery.

The thin part of the export loader: it opens the file, picks the sheet, detects the encoding, and
hands the streamed rows to the pure parts — :func:`~tupu.loaders.ingest_table.read_table`
(header, kind, columns, cells) and :func:`~tupu.loaders.ingest_rows.map_records` (canonical rows).
Whatever goes wrong with the file itself (an encoding that contradicts the declared one, a sheet
that does not exist, an old ``.xls``) is a problem of the delivery, like any bad cell.

Sources are named by the path given (relative to a manifest's folder, prefixed with the folder's
name), plus ``#<sheet>`` when the workbook has several sheets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tupu.loaders.cells import EXCEL_1900
from tupu.loaders.csvtable import open_csv_rows
from tupu.loaders.delivery import Delivery
from tupu.loaders.encoding import EncodingProblem, display_name
from tupu.loaders.guard import FileProblem
from tupu.loaders.ingest_rows import map_records
from tupu.loaders.ingest_session import IngestSession
from tupu.loaders.ingest_table import FileOptions, read_table
from tupu.loaders.notes import add_note
from tupu.loaders.tables import RawRow
from tupu.loaders.xlsx import XlsxProblem, open_sheet
from tupu.ontology.schema import Schema

__all__ = ["CSV_SUFFIXES", "EXPORT_SUFFIXES", "XLSX_SUFFIXES", "ExportFile", "read_export"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXPORT_SUFFIXES = (*XLSX_SUFFIXES, *CSV_SUFFIXES, ".xls")


@dataclass(frozen=True)
class ExportFile:
    """One export file to read, and what the delivery says about it."""

    path: Path
    source: str
    options: FileOptions = field(default_factory=FileOptions)
    sheet: str | None = None
    encoding: str | None = None


def _read_rows(
    d: Delivery, session: IngestSession, rows: Iterable[RawRow], source: str, schema: Schema,
    spec: ExportFile, hints: list[str], epoch: dt.datetime = EXCEL_1900,
) -> None:
    table = read_table(d, rows, source, schema, spec.options, hints, epoch)
    if table is not None:
        map_records(d, session, table, schema)


def read_export(d: Delivery, session: IngestSession, spec: ExportFile, schema: Schema) -> None:
    """Read the export ``spec`` into ``d``; references go to ``session``."""
    source = spec.source
    suffix = spec.path.suffix.lower()
    if suffix == ".xls":
        d.problem(source, None, None, None,
                  "旧版 .xls 格式不能直接读取；请在Excel中打开后“另存为”→“Excel 工作簿 (*.xlsx)”")
        d.sources.append(source)
        return
    if not spec.path.is_file():
        d.problem(source, None, None, None, "文件不存在；请核对清单中的文件名（path）")
        d.sources.append(source)
        return
    try:
        with spec.path.open("rb") as f:
            if suffix in XLSX_SUFFIXES:
                with open_sheet(f, spec.sheet) as sheet:
                    if len(sheet.sheet_names) > 1:
                        source = f"{spec.source}#{sheet.title}"
                    _read_rows(d, session, sheet.rows, source, schema, spec,
                               [sheet.title, spec.path.stem], sheet.epoch)
            else:
                csv_rows = open_csv_rows(f, spec.encoding)
                if spec.encoding is None and csv_rows.encoding not in ("utf-8", "utf-8-sig"):
                    add_note("note", source, None, None, None,
                             f"识别出文件编码为{display_name(csv_rows.encoding)}，已按该编码读取")
                _read_rows(d, session, csv_rows.rows, source, schema, spec, [spec.path.stem])
    except FileProblem as e:  # past a limit, or a control character (loaders/guard.py)
        d.problem(source, e.row, e.column, None, str(e))
    except (EncodingProblem, XlsxProblem) as e:
        d.problem(source, None, None, None, str(e))
    except OSError as e:
        d.problem(source, None, None, None, f"无法读取文件（{e.strerror or e}）；请检查文件是否被占用")
    d.sources.append(source)
