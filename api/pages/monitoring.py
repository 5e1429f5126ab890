"""产业集群, 项目监测, 目标进度 and 季度通报."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tupu.api.deps import AnalysisDep, StoreDep
from tupu.api.pages.base import PageDep
from tupu.api.queries import dashboard, monitoring
from tupu.graph.exports.bulletin import cell
from tupu.graph.analyses.monitoring import check_period, period_zh

router = APIRouter()


@router.get("/clusters", response_class=HTMLResponse)
def clusters(page: PageDep, store: StoreDep, cfg: AnalysisDep) -> HTMLResponse:
    return page.render("clusters.html", result=monitoring.clusters(store, cfg, page.role))


@router.get("/projects", response_class=HTMLResponse)
def projects(page: PageDep, store: StoreDep, cfg: AnalysisDep,
             period: Annotated[str | None, Query()] = None,
             off_track: bool = False) -> HTMLResponse:
    period = period or None
    rows = monitoring.projects(store, cfg, period, off_track, page.role)
    return page.render("projects.html", rows=rows, period=period, off_track=off_track,
                       periods=monitoring.periods(store))


@router.get("/targets", response_class=HTMLResponse)
def targets(page: PageDep, store: StoreDep, cfg: AnalysisDep,
            period: Annotated[str | None, Query()] = None) -> HTMLResponse:
    period = period or None
    result = monitoring.targets(store, cfg, None, period, page.role)
    return page.render("targets.html", result=result, period=period,
                       periods=monitoring.periods(store),
                       charts=dashboard.targets_page(store, result["targets"]))


@router.get("/bulletin", response_class=HTMLResponse, response_model=None)
def bulletin_latest(page: PageDep, store: StoreDep,
                    period: Annotated[str | None, Query()] = None) -> Response:
    """The bulletin of ``period`` (the period picker's form), else of the latest quarter."""
    found = monitoring.periods(store)
    if not period and not found:
        return page.render("bulletin.html", b=None, periods=[], period=None)
    target = check_period(period) if period else found[0]
    return RedirectResponse(f"{page.request.scope.get('root_path', '')}/bulletin/{target}",
                            status_code=303)


@router.get("/bulletin/{period}", response_class=HTMLResponse)
def bulletin(period: str, page: PageDep, store: StoreDep, cfg: AnalysisDep) -> HTMLResponse:
    b = monitoring.bulletin(store, cfg, page.role, period)
    sections = []
    for s in b.sections:
        df = s.display()
        sections.append((s, [str(c) for c in df.columns],
                         [[cell(v) for v in row] for row in df.itertuples(index=False)]))
    charts = dashboard.bulletin_page(store, cfg, page.role, b,
                                     page.request.scope.get("root_path", ""))
    return page.render("bulletin.html", b=b, sections=sections, period=period,
                       period_zh=period_zh(period), periods=monitoring.periods(store),
                       charts=charts)
