"""``/api/v1/enterprises``: search and profiles (企业画像)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tupu.api.deps import RoleDep, StoreDep
from tupu.api.queries import enterprises as queries
from tupu.api.serialize import Record

router = APIRouter(prefix="/enterprises", tags=["企业"])


@router.get("", summary="按名称检索企业")
def search(store: StoreDep, role: RoleDep, q: Annotated[str, Query(min_length=1)],
           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[Record]:
    """Enterprises whose name, short name or id contains ``q``; local ones first."""
    return queries.search(store, q, limit)


@router.get("/{enterprise_id}", summary="企业画像与关系网络")
def enterprise(enterprise_id: str, store: StoreDep, role: RoleDep) -> dict[str, Any]:
    """Profile, place, sub-sectors, chain links, partners, projects and the one-hop
    neighbourhood. Revenue, employees and quarterly observations: analysts only."""
    return queries.enterprise(store, role, enterprise_id)
