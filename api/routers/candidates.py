"""``GET /api/v1/candidates/{link}``: 靶向招引 candidates for a chain link."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from tupu.api.auth import Role
from tupu.api.deps import AnalysisDep, RoleDep, StoreDep, ensure_role
from tupu.api.downloads import xlsx_response
from tupu.api.output import candidate_headers
from tupu.api.queries import attraction, overview

router = APIRouter(tags=["缺口与招引"])


@router.get("/candidates/{link}", summary="招引候选企业（可解释评分）", response_model=None)
def candidates(
    link: str, store: StoreDep, role: RoleDep, cfg: AnalysisDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    fmt: Annotated[Literal["json", "xlsx"], Query(alias="format")] = "json",
) -> dict[str, Any] | Response:
    """Outside enterprises in the link ranked by a score whose terms sum to it, each explained.
    Viewers get no revenue, employees, scale term or score. ``format=xlsx``: analysts."""
    result = attraction.candidates(store, cfg, role, link, limit)
    if fmt == "xlsx":
        ensure_role(role, Role.analyst)
        title = f"{result['link_name']}招引候选"
        return xlsx_response(result["candidates"], title, overview.notice(store).text,
                             f"{title}.xlsx", candidate_headers())
    return result
