"""``/api/v1/impact/{enterprise}`` and ``/api/v1/anchors``: anchor impact (离开的影响)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import matching
from tupu.api.serialize import Record

router = APIRouter(tags=["缺口与招引"])


@router.get("/impact/{enterprise_id}", summary="企业离开的影响")
def impact(enterprise_id: str, store: StoreDep, role: RoleDep,
           cfg: AnalysisDep) -> dict[str, Any]:
    """Links whose status or 断链 flag changes, enterprises losing their only local supplier or
    customer, an explained score. Viewers: without the supply ties' annual values."""
    return matching.impact(store, cfg, role, enterprise_id)


@router.get("/anchors", summary="龙头企业影响排名")
def anchors(store: StoreDep, role: RoleDep, cfg: AnalysisDep,
            top: Annotated[int, Query(ge=1, le=1000)] = 20) -> list[Record]:
    """Local enterprises ranked by what their leaving would break (viewers: without revenue)."""
    return matching.anchors(store, cfg, role, top)
