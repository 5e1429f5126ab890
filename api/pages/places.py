"""企业检索, 企业画像 (with its pyvis neighbourhood), 园区 and one park."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from tupu.api.deps import AnalysisDep, StoreDep
from tupu.api.graphview import VIS_URL, network
from tupu.api.pages.base import PageDep
from tupu.api.queries import enterprises, parks

router = APIRouter()
PARKS_SHOWN = 5


@router.get("/enterprises", response_class=HTMLResponse)
def search(page: PageDep, store: StoreDep,
           q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    return page.render("enterprises.html", q=q, rows=enterprises.search(store, q) if q else [])


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise(enterprise_id: str, page: PageDep, store: StoreDep,
               cfg: AnalysisDep) -> HTMLResponse:
    profile = enterprises.enterprise(store, page.role, enterprise_id)
    centre = f"Enterprise:{enterprise_id}"
    landing = parks.parks_for(store, cfg, page.role, enterprise_id)["parks"][:PARKS_SHOWN]
    return page.render("enterprise.html", e=profile, landing=landing,
                       graph=network(profile["neighbourhood"], centre), vis_url=VIS_URL)


@router.get("/parks", response_class=HTMLResponse)
def park_list(page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("parks.html", rows=parks.parks(store))


@router.get("/parks/{park_id}", response_class=HTMLResponse)
def park(park_id: str, page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("park.html", p=parks.park(store, page.role, park_id))
