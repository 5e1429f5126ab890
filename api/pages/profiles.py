"""区镇, 高校 and 基金: lists and profiles."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tupu.api.deps import AnalysisDep, StoreDep
from tupu.api.pages.base import PageDep
from tupu.api.queries import profiles
from tupu.graph.analyses.matching import STAGE_ZH

router = APIRouter()


@router.get("/towns", response_class=HTMLResponse)
def town_list(page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("towns.html", rows=profiles.towns(store))


@router.get("/towns/{town_id}", response_class=HTMLResponse)
def town(town_id: str, page: PageDep, store: StoreDep, cfg: AnalysisDep) -> HTMLResponse:
    return page.render("town.html", t=profiles.town(store, cfg, page.role, town_id))


@router.get("/universities", response_class=HTMLResponse)
def university_list(page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("universities.html", rows=profiles.universities(store))


@router.get("/universities/{university_id}", response_class=HTMLResponse)
def university(university_id: str, page: PageDep, store: StoreDep,
               cfg: AnalysisDep) -> HTMLResponse:
    return page.render("university.html",
                       u=profiles.university(store, cfg, page.role, university_id))


@router.get("/funds", response_class=HTMLResponse)
def fund_list(page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("funds.html", rows=profiles.funds(store))


@router.get("/funds/{fund_id}", response_class=HTMLResponse)
def fund(fund_id: str, page: PageDep, store: StoreDep, cfg: AnalysisDep) -> HTMLResponse:
    return page.render("fund.html", f=profiles.fund(store, cfg, page.role, fund_id),
                       fund_stage_zh=STAGE_ZH)
