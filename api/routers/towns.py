"""``/api/v1/towns``: towns (区镇) and their profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import profiles
from tupu.api.serialize import Record

router = APIRouter(prefix="/towns", tags=["区镇、高校与基金"])


@router.get("", summary="区镇列表")
def towns(store: StoreDep, role: RoleDep) -> list[Record]:
    """Every town with its parks, local enterprises (above-scale ones) and key projects."""
    return profiles.towns(store)


@router.get("/{town_id}", summary="区镇画像")
def town(town_id: str, store: StoreDep, role: RoleDep, cfg: AnalysisDep) -> dict[str, Any]:
    """Parks, enterprise counts, chain links present, weak and missing in the town, projects."""
    return profiles.town(store, cfg, role, town_id)
