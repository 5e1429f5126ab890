"""``/api/v1/funds``: funds and financial institutions (基金与金融机构), their profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import profiles
from tupu.api.serialize import Record

router = APIRouter(prefix="/funds", tags=["区镇、高校与基金"])


@router.get("", summary="基金与金融机构列表")
def funds(store: StoreDep, role: RoleDep) -> list[Record]:
    return profiles.funds(store)


@router.get("/{fund_id}", summary="基金画像")
def fund(fund_id: str, store: StoreDep, role: RoleDep, cfg: AnalysisDep) -> dict[str, Any]:
    """Focus sub-sectors, investments (amounts for analysts), the 融资 pairs suggested for it."""
    return profiles.fund(store, cfg, role, fund_id)
