"""``GET /api/v1/clusters``: 特色产业集群."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import monitoring

router = APIRouter(tags=["集群"])


@router.get("/clusters", summary="特色产业集群（社区发现）")
def clusters(store: StoreDep, role: RoleDep, cfg: AnalysisDep) -> dict[str, Any]:
    """The clusters found by community detection and their count against the plan's 3–5."""
    return monitoring.clusters(store, cfg, role)
