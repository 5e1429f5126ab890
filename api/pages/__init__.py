"""The HTML pages under ``/`` (zh-CN; every asset served by the app itself)."""

from __future__ import annotations

from fastapi import APIRouter

from tupu.api.pages import analyses, attraction, docs, graphs, monitoring, places, profiles, signin


def pages_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for module in (attraction, graphs, places, profiles, analyses, monitoring, signin, docs):
        router.include_router(module.router)
    return router
