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
from dataclasses import dataclass, field, replace
from pathlib import Path

from tupu.loaders.cells import EXCEL_1900
from tupu.loaders.csvtable import open_csv_rows
from tupu.loaders.delivery import Delivery
from tupu.loaders.encoding import EncodingProblem, display_name
from tupu.loaders.guard import FileProblem
from tupu.loaders.headers import KIND_LABEL
from tupu.loaders.ingest_rows import map_records
from tupu.loaders.ingest_session import IngestSession
from tupu.loaders.ingest_table import FileOptions, read_table
from tupu.loaders.notes import add_note
from tupu.loaders.tables import RawRow
from tupu.loaders.xlsx import XlsxProblem, open_sheet
from tupu.messages import msg
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
    options = replace(spec.options, strict=True) if session.strict else spec.options
    table = read_table(d, rows, source, schema, options, hints, epoch)
    if table is not None:
        d.labels[source] = KIND_LABEL[table.kind]
        map_records(d, session, table, schema)


def read_export(d: Delivery, session: IngestSession, spec: ExportFile, schema: Schema) -> None:
    """Read the export ``spec`` into ``d``; references go to ``session``."""
    source = spec.source
    suffix = spec.path.suffix.lower()
    if suffix == ".xls":
        d.problem(source, None, None, None,
                  msg("load.old_xls"))
        d.sources.append(source)
        return
    if not spec.path.is_file():
        d.problem(source, None, None, None, msg("load.file_missing"))
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
                             msg("load.encoding_found", encoding=display_name(csv_rows.encoding)))
                _read_rows(d, session, csv_rows.rows, source, schema, spec, [spec.path.stem])
    except FileProblem as e:  # past a limit, or a control character (loaders/guard.py)
        d.problem(source, e.row, e.column, None, str(e))
    except (EncodingProblem, XlsxProblem) as e:
        d.problem(source, None, None, None, str(e))
    except OSError as e:
        d.problem(source, None, None, None, msg("load.file_unreadable", why=e.strerror or e))
    d.sources.append(source)
