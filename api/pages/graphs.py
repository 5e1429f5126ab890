"""产业图谱 (the chain map as a graph) and 图谱探索 (the explorer).

The pages are frames: the graphs come from ``/api/v1/graph`` (positions computed on the
server) and are drawn by ``/static/chainmap.js`` and ``/static/explorer.js`` with the
vis-network that ships in pyvis. No inline script (the pages' Content-Security-Policy allows
scripts from the app only).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from tupu.api.deps import AnalysisDep, StoreDep
from tupu.api.graphview import VIS_URL
from tupu.api.pages.attraction import scope_choices
from tupu.api.pages.base import PageDep
from tupu.api.queries import attraction, overview
from tupu.api.queries.graphs import EXPLORE_LABELS, EXPLORE_TYPES, KIND_ZH, REL_ZH
from tupu.graph.analyses.gaps import STATUS_ZH

router = APIRouter()


@router.get("/map", response_class=HTMLResponse)
def chain_map(page: PageDep, store: StoreDep, scope: str = "city",
              chain: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    chains = overview.chains(store)
    attraction.scope_of(store, scope)  # 404 for an unknown town or park
    attraction.check_chain(store, chain or None)
    return page.render("chainmap.html", chains=chains, chain=chain, scope=scope,
                       scopes=scope_choices(store), vis_url=VIS_URL)


@router.get("/explore", response_class=HTMLResponse)
def explore(page: PageDep, store: StoreDep, cfg: AnalysisDep) -> HTMLResponse:
    links = attraction.gaps(store, cfg, page.role, "city", None, every_link=True)
    towns = sorted((n.key, str(n.props.get("name", n.key))) for n in store.find_nodes("Town"))
    parks = sorted((n.key, str(n.props.get("name", n.key))) for n in store.find_nodes("Park"))
    kinds = [(label.value, KIND_ZH[label]) for label in EXPLORE_LABELS]
    return page.render(
        "explorer.html", vis_url=VIS_URL, chains=overview.chains(store), links=links,
        towns=towns, parks=parks, kinds=kinds,
        rel_types=[(t.value, REL_ZH[t]) for t in EXPLORE_TYPES],
        statuses=list(STATUS_ZH.items()))
