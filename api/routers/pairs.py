"""``/api/v1/pairs/universities`` and ``/api/v1/pairs/funds``: 产学研结对 and 融资对接."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import matching
from tupu.api.serialize import Record

router = APIRouter(prefix="/pairs", tags=["区镇、高校与基金"])

Limit = Annotated[int, Query(ge=1, le=5000)]


@router.get("/universities", summary="产学研结对")
def universities(store: StoreDep, role: RoleDep, cfg: AnalysisDep, limit: Limit = 50,
                 university: str | None = None) -> list[Record]:
    """Local enterprise × university pairs with reasons, local universities first."""
    return matching.university_pairs(store, cfg, role, limit, university or None)


@router.get("/funds", summary="融资对接")
def funds(store: StoreDep, role: RoleDep, cfg: AnalysisDep, limit: Limit = 50,
          fund: str | None = None) -> list[Record]:
    """Fund × enterprise and fund × project pairs with reasons. Viewers: without the target's
    financing need, stage, ticket fit and score."""
    return matching.fund_pairs(store, cfg, role, limit, fund or None)
