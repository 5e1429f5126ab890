"""``/api/v1/parks`` and ``/api/v1/parks-for/{enterprise}``: parks and landing (落地) advice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import parks as queries
from tupu.api.serialize import Record

router = APIRouter(tags=["园区"])


@router.get("/parks", summary="园区列表")
def parks(store: StoreDep, role: RoleDep) -> list[Record]:
    return queries.parks(store)


@router.get("/parks/{park_id}", summary="园区画像")
def park(park_id: str, store: StoreDep, role: RoleDep) -> dict[str, Any]:
    """A park: its space, positioning, links, enterprises (figures for analysts) and projects."""
    return queries.park(store, role, park_id)


@router.get("/parks-for/{enterprise_id}", summary="企业落地园区推荐")
def parks_for(enterprise_id: str, store: StoreDep, role: RoleDep,
              cfg: AnalysisDep) -> dict[str, Any]:
    """Every park ranked for the enterprise, with reasons (viewers: without its space need)."""
    return queries.parks_for(store, cfg, role, enterprise_id)
