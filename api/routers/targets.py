"""``GET /api/v1/targets``: the plan's targets (工作目标) against the graph's actuals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.params import period_param
from tupu.api.queries import monitoring

router = APIRouter(tags=["监测"])


@router.get("/targets", summary="目标进度")
def targets(
    store: StoreDep, role: RoleDep, cfg: AnalysisDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    period: Annotated[str | None, Query(description="季度 yyyyQn")] = None,
) -> dict[str, Any]:
    return monitoring.targets(store, cfg, year, period_param(period), role)
