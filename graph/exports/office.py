"""Tables for the office: CSV that Excel opens as it is, XLSX with number formats, Chinese headers.

- :func:`people_frame`: the columns a person reads, lists joined with "；", headers in Chinese
  (``msg("col.<column>")`` from the message catalogue).
- :func:`to_people_csv`: UTF-8 with a BOM (Excel and WPS then read Chinese correctly), every text
  cell through :func:`tupu.inert.inert` (no formula runs).
- :func:`write_xlsx`: one sheet, a title row and the notice, a bold header row frozen, money in
  万元 with two decimals, shares as percentages, integers with thousands separators, values rounded
  so that no float noise shows; text cells through :func:`tupu.inert.inert`.
- :func:`number_format`: the format of a column, by its (English) name.

JSON keeps ids and English keys; these are for people only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tupu.inert import inert
from tupu.messages import MESSAGES, msg

LIST_SEPARATOR = "；"
MONEY = "#,##0.00"  # 万元, two decimals
PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "0.00"

MONEY_COLUMNS = frozenset({
    "revenue", "annual_revenue", "total_investment", "investment_to_date", "need_min", "need_max",
    "ticket_min", "ticket_max", "annual_value", "revenue_ttm", "revenue_ytd", "revenue_ytd_prev",
    "registered_capital", "size", "amount",
})
SHARE_COLUMNS = frozenset({"growth"})  # ratios (0.12 = 12%)
POINT_COLUMNS = frozenset({"progress", "planned_progress", "lag"})  # percentage points (12 = 12%)
INTEGER_COLUMNS = frozenset({
    "rank", "local_enterprises", "above_scale", "outside_enterprises", "employees", "size_n",
    "links", "parks", "internal_ties", "chain_enterprises", "downstream_demand", "links_down",
    "newly_broken", "lose_supplier", "lose_customer", "floor_area", "vacant_area", "need",
    "projects", "new_projects", "off_track_n",
})


def header(column: str) -> str:
    """The Chinese header of ``column`` (``col.<column>`` in the catalogue); the column itself
    when the catalogue has none (an id-like column a person still recognises)."""
    key = f"col.{column}"
    return msg(key) if key in MESSAGES else column


def number_format(column: str) -> str | None:
    """The XLSX number format of a column, by its name (module doc); None: general."""
    if column in MONEY_COLUMNS:
        return MONEY
    if column in SHARE_COLUMNS or column in POINT_COLUMNS:
        return PERCENT
    if column in INTEGER_COLUMNS:
        return INTEGER
    return None


def plain(value: object) -> object:
    """A cell value for people: None for missing, 是/否, lists joined with "；", numpy scalars as
    Python numbers."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple, set, frozenset)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def people_frame(df: pd.DataFrame, columns: Sequence[str] | None = None,
                 headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``df`` (only ``columns``, in that order) with plain cells and Chinese headers
    (``headers`` overrides the catalogue's for some columns)."""
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    out = df[cols].map(plain) if len(df) else df[cols].copy()
    return out.rename(columns={c: (headers or {}).get(c) or header(c) for c in cols})


def to_people_csv(df: pd.DataFrame, columns: Sequence[str] | None = None,
                  headers: Mapping[str, str] | None = None) -> str:
    """CSV for people (module doc): BOM, Chinese headers, lists joined, cells inert."""
    frame = people_frame(df, columns, headers)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        w.writerow(["" if v is None else _csv_cell(v) for v in row])
    return "\ufeff" + buf.getvalue()


def _csv_cell(v: object) -> str:
    """A number as it is (a minus sign is no formula: ``-12.71`` stays a number for Excel), any
    other value as inert text; a missing value (NaN, which pandas puts back for None) as empty."""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _text(v)
    return str(inert(_text(v)))


def _text(v: object) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        # fixed point, at most 4 decimals, never 1.23457e+06 (万元 figures keep every digit)
        return f"{round(v, 4):.4f}".rstrip("0").rstrip(".")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def xlsx_value(column: str, value: object) -> object:
    """A cell value for XLSX: plain, inert text, rounded numbers (points → shares)."""
    v = plain(value)
    if isinstance(v, str):
        return inert(v)
    if isinstance(v, float) or isinstance(v, int):
        if column in POINT_COLUMNS:
            return round(float(v) / 100, 6)
        if column in SHARE_COLUMNS:
            return round(float(v), 6)
        return round(v, 2) if isinstance(v, float) else v
    return v


def write_xlsx(df: pd.DataFrame, path: Path, title: str, notice: str = "",
               columns: Sequence[str] | None = None,
               headers: Mapping[str, str] | None = None) -> Path:
    """One sheet (module doc): a title row, the notice, the frozen header row, the rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_bytes(df, title, notice, columns, headers))
    return path


def xlsx_bytes(df: pd.DataFrame, title: str, notice: str = "",
               columns: Sequence[str] | None = None,
               headers: Mapping[str, str] | None = None) -> bytes:
    """The workbook :func:`write_xlsx` writes, as bytes (a download)."""
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    names = {c: (headers or {}).get(c) or header(c) for c in cols}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31] or "表"
    ws.append([inert(title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([inert(notice)] if notice else [])
    ws.append([names[c] for c in cols])
    for c in ws[3]:
        c.font = Font(bold=True)
    for record in df[cols].itertuples(index=False):
        ws.append([xlsx_value(c, v) for c, v in zip(cols, record, strict=True)])
    ws.freeze_panes = "A4"
    for j, c in enumerate(cols, start=1):
        letter = get_column_letter(j)
        fmt = number_format(c)
        for cell in ws[letter][3:]:
            if fmt is not None:
                cell.number_format = fmt
            elif isinstance(cell.value, float):
                cell.number_format = DECIMAL
        longest = max([len(names[c])] + [len(str(x.value or "")) for x in ws[letter][3:60]])
        ws.column_dimensions[letter].width = min(60, 4 + 2 * longest)
        if longest > 28:
            for cell in ws[letter][3:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
