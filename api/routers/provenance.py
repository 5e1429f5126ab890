"""``/api/v1/provenance``: where a node or a relationship came from (数据来源)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import RoleDep, StoreDep
from tupu.api.queries import provenance

router = APIRouter(prefix="/provenance", tags=["概况"])


@router.get("/{label}/{key}", summary="节点的数据来源")
def node(label: str, key: str, store: StoreDep, role: RoleDep) -> dict[str, Any]:
    """Delivery, file, row and load time of the node ``label``/``key`` (a merged key is found
    through its aliases)."""
    return provenance.node(store, label, key)


@router.get("/{rel_type}/{start}/{end}", summary="关系的数据来源")
def relationship(rel_type: str, start: str, end: str, store: StoreDep,
                 role: RoleDep) -> list[dict[str, Any]]:
    """Delivery, file, row and load time of the ``rel_type`` relationships from ``start`` to
    ``end`` (keys)."""
    return provenance.relationship(store, rel_type, start, end)
