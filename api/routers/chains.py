"""``/api/v1/chains``: the industry chains and their links (panorama per chain)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import attraction, overview
from tupu.api.serialize import Record

router = APIRouter(prefix="/chains", tags=["产业链"])


@router.get("", summary="产业链及其环节")
def chains(store: StoreDep, role: RoleDep) -> list[Record]:
    """Every chain with its links, upstream to downstream."""
    return overview.chains(store)


@router.get("/{chain_id}", summary="一条产业链及其环节")
def chain(chain_id: str, store: StoreDep, role: RoleDep) -> dict[str, Any]:
    return overview.chain(store, chain_id)


@router.get("/{chain_id}/links", summary="产业链全景：各环节本地实力与状态")
def links(chain_id: str, store: StoreDep, role: RoleDep, cfg: AnalysisDep,
          scope: str = "city") -> list[Record]:
    """The panorama of one chain in a scope (``city``, ``town:<id>``, ``park:<id>``): per link the
    local enterprises, above-scale count, revenue, LQ, status and 断链 flag."""
    return attraction.gaps(store, cfg, role, scope, chain_id, every_link=True)
