"""``GET /api/v1/dashboard``: the home page's charts (targets, revenue by chain, towns,
projects)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import dashboard

router = APIRouter(tags=["监测"])


@router.get("/dashboard", summary="首页图表数据")
def home(
    request: Request, store: StoreDep, role: RoleDep, cfg: AnalysisDep,
    period: Annotated[str | None, Query(description="季度 yyyyQn，默认最新")] = None,
) -> dict[str, Any]:
    """Chart specifications: each target's progress, revenue by chain per quarter, towns compared
    and projects by status. Viewers: no revenue summed over too few enterprises."""
    return dashboard.home(store, cfg, role, period, request.scope.get("root_path", ""))
