"""The JSON API under ``/api/v1``: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from tupu.api.routers import (
    bulletin, candidates, chains, clusters, enterprises, export, gaps, graph, parks, projects,
    stats, targets,
)
from tupu.api.routers import load as loading
from tupu.api.routers import dashboard, funds, impact, pairs, provenance, towns, universities

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    """Every resource's router under :data:`PREFIX`."""
    router = APIRouter(prefix=PREFIX)
    for module in (stats, chains, gaps, candidates, enterprises, parks, clusters, projects,
                   targets, bulletin, export, loading, dashboard, towns, universities, funds,
                   impact, pairs, provenance, graph):
        router.include_router(module.router)
    return router
