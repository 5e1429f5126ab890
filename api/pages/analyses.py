"""企业离开的影响, 龙头企业排名, 产学研结对, 融资对接 and 数据来源."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from tupu.api.deps import AnalysisDep, StoreDep
from tupu.api.pages.base import PageDep
from tupu.api.queries import matching, provenance
from tupu.graph.analyses.matching import STAGE_ZH

router = APIRouter()
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/impact/{enterprise_id}", response_class=HTMLResponse)
def impact(enterprise_id: str, page: PageDep, store: StoreDep, cfg: AnalysisDep) -> HTMLResponse:
    return page.render("impact.html", r=matching.impact(store, cfg, page.role, enterprise_id))


@router.get("/anchors", response_class=HTMLResponse)
def anchors(page: PageDep, store: StoreDep, cfg: AnalysisDep, top: Limit = 20) -> HTMLResponse:
    return page.render("anchors.html", rows=matching.anchors(store, cfg, page.role, top), top=top)


@router.get("/pairs/universities", response_class=HTMLResponse)
def university_pairs(page: PageDep, store: StoreDep, cfg: AnalysisDep,
                     limit: Limit = 50) -> HTMLResponse:
    return page.render("pairs_universities.html", limit=limit,
                       rows=matching.university_pairs(store, cfg, page.role, limit))


@router.get("/pairs/funds", response_class=HTMLResponse)
def fund_pairs(page: PageDep, store: StoreDep, cfg: AnalysisDep,
               limit: Limit = 50) -> HTMLResponse:
    return page.render("pairs_funds.html", limit=limit, fund_stage_zh=STAGE_ZH,
                       rows=matching.fund_pairs(store, cfg, page.role, limit))


@router.get("/provenance/{label}/{key}", response_class=HTMLResponse)
def node_provenance(label: str, key: str, page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("provenance.html", o=provenance.node(store, label, key))
