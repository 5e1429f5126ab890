"""``/api/v1/universities``: universities (高校) and their profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import profiles
from tupu.api.serialize import Record

router = APIRouter(prefix="/universities", tags=["区镇、高校与基金"])


@router.get("", summary="高校列表")
def universities(store: StoreDep, role: RoleDep) -> list[Record]:
    """Every university (local ones first) with its strong sub-sectors and cooperations counted."""
    return profiles.universities(store)


@router.get("/{university_id}", summary="高校画像")
def university(university_id: str, store: StoreDep, role: RoleDep,
               cfg: AnalysisDep) -> dict[str, Any]:
    """Sub-sectors it is strong in, its cooperations, the 产学研 pairs suggested for it."""
    return profiles.university(store, cfg, role, university_id)
