"""``GET /api/v1/gaps``: chain links missing or weak locally, ranked (or the whole panorama)."""

from __future__ import annotations

from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import Response

from tupu.api.auth import Role
from tupu.api.deps import AnalysisDep, RoleDep, StoreDep, ensure_role
from tupu.api.downloads import xlsx_response
from tupu.api.queries import attraction, overview
from tupu.api.serialize import Record
from tupu.graph.analyses.gaps import for_people as gaps_for_people

router = APIRouter(tags=["缺口与招引"])


@router.get("/gaps", summary="缺口（断链、缺失、薄弱环节）", response_model=None)
def gaps(
    store: StoreDep, role: RoleDep, cfg: AnalysisDep,
    scope: str = "city",
    chain: str | None = None,
    every_link: Annotated[bool, Query(alias="all", description="全部环节（全景）")] = False,
    limit: Annotated[int | None, Query(ge=1)] = None,
    fmt: Annotated[Literal["json", "xlsx"], Query(alias="format")] = "json",
) -> list[Record] | Response:
    """Gaps ranked by priority with reasons; ``all=true`` gives every link (the panorama).
    ``format=xlsx`` downloads the table (analysts)."""
    rows = attraction.gaps(store, cfg, role, scope, chain, every_link, limit)
    if fmt == "xlsx":
        ensure_role(role, Role.analyst)
        title = "产业链全景" if every_link else "产业链缺口"
        return xlsx_response(gaps_for_people(pd.DataFrame(rows), store), title,
                             overview.notice(store).text, f"{title}.xlsx")
    return rows
