"""``GET /api/v1/projects``: key projects (重点项目) and off-track (脱幅) ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.params import period_param
from tupu.api.queries import monitoring
from tupu.api.serialize import Record

router = APIRouter(tags=["监测"])


@router.get("/projects", summary="重点项目监测")
def projects(
    store: StoreDep, role: RoleDep, cfg: AnalysisDep,
    period: Annotated[str | None, Query(description="季度 yyyyQn，默认最新")] = None,
    off_track: Annotated[bool, Query(description="只看脱幅项目")] = False,
) -> list[Record]:
    return monitoring.projects(store, cfg, period_param(period), off_track, role)
