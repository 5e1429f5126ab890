"""``/api/v1/bulletin``: the quarterly bulletin (季度通报) as JSON, HTML or Excel."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.downloads import XLSX, attachment
from tupu.api.queries import monitoring
from tupu.graph.exports.bulletin import to_html, to_xlsx

router = APIRouter(prefix="/bulletin", tags=["监测"])


@router.get("", summary="可通报的季度")
def periods(store: StoreDep, role: RoleDep) -> list[str]:
    """The quarters observed, latest first."""
    return monitoring.periods(store)


@router.get("/{period}", summary="季度通报", response_model=None)
def bulletin(
    period: str, store: StoreDep, role: RoleDep, cfg: AnalysisDep,
    fmt: Annotated[Literal["json", "html", "xlsx"], Query(alias="format")] = "json",
) -> dict[str, Any] | Response:
    """The bulletin of ``period`` (yyyyQn). ``format=html`` or ``xlsx`` downloads it. Viewers get
    it without enterprise figures."""
    b = monitoring.bulletin(store, cfg, role, period)
    if fmt == "html":
        return HTMLResponse(to_html(b), headers=attachment(f"{b.title}.html"))
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory(prefix="tupu-bulletin-") as tmp:
            data = to_xlsx(b, Path(tmp) / "bulletin.xlsx").read_bytes()
        return Response(data, media_type=XLSX, headers=attachment(f"{b.title}.xlsx"))
    return monitoring.bulletin_json(b)
