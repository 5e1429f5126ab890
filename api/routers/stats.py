"""``GET /api/v1/stats``: counts and the datasets' notice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import RoleDep, StoreDep
from tupu.api.queries import overview

router = APIRouter(tags=["概况"])


@router.get("/stats", summary="节点与关系计数、数据集说明")
def stats(store: StoreDep, role: RoleDep) -> dict[str, Any]:
    """Node counts by label, relationship counts by type, the loaded datasets and their notice."""
    return overview.stats(store)
