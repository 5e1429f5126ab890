"""File downloads: Excel tables, and the headers that name a download.

Workbooks are for people (:mod:`tupu.graph.exports.office`): Chinese headers, every text cell
through :func:`tupu.inert.inert` (no formulas).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

import pandas as pd
from fastapi.responses import Response

from tupu.api.serialize import Record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition header naming ``filename`` (UTF-8, RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return {"Content-Disposition":
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def xlsx_table(rows: Sequence[Record] | pd.DataFrame, title: str, notice: str,
               columns: Sequence[str] | None = None,
               headers: Mapping[str, str] | None = None) -> bytes:
    """One sheet as every table tupu gives people (:func:`tupu.graph.exports.office.xlsx_bytes`):
    the title, the data notice, Chinese headers (``headers`` overriding the catalogue's), number
    formats, 是/否, lists joined."""
    from tupu.graph.exports.office import xlsx_bytes

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    return xlsx_bytes(frame, title, f"数据说明：{notice}" if notice else "", columns, headers)


def xlsx_response(rows: Sequence[Record] | pd.DataFrame, title: str, notice: str, filename: str,
                  headers: Mapping[str, str] | None = None) -> Response:
    return Response(xlsx_table(rows, title, notice, headers=headers), media_type=XLSX,
                    headers=attachment(filename))
