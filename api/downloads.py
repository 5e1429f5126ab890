"""File downloads: Excel tables, and the headers that name a download.

Workbooks are for people: every text cell passes :func:`tupu.inert.inert` (no formulas).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from tupu.api.serialize import Record
from tupu.inert import inert

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition header naming ``filename`` (UTF-8, RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return {"Content-Disposition":
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        return inert("；".join(str(x) for x in v))
    if isinstance(v, dict):
        return inert(str(v))
    return inert(v)


def xlsx_table(rows: Sequence[Record], title: str, notice: str,
               columns: Sequence[str] | None = None) -> bytes:
    """One sheet: the title, the data notice, then the rows under their column names."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append([inert(title)])
    ws["A1"].font = Font(bold=True, size=13)
    if notice:
        ws.append([inert(f"数据说明：{notice}")])
    ws.append([])
    cols = list(columns or (rows[0].keys() if rows else []))
    ws.append([inert(c) for c in cols])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(r.get(c)) for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(rows: Sequence[Record], title: str, notice: str, filename: str) -> Response:
    return Response(xlsx_table(rows, title, notice), media_type=XLSX,
                    headers=attachment(filename))
