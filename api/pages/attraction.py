"""首页, 产业链全景, 缺口 and 招引候选."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from tupu.api.deps import AnalysisDep, StoreDep
from tupu.api.pages.base import PageDep
from tupu.api.queries import attraction, overview, parks
from tupu.graph.analyses.chain_links import STAGES
from tupu.messages import msg

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(page: PageDep, store: StoreDep) -> HTMLResponse:
    return page.render("index.html", stats=overview.stats(store), chains=overview.chains(store),
                       chart_error=msg("web.chart.load_failed"))


def scope_choices(store: StoreDep) -> list[tuple[str, str]]:
    """(value, Chinese name) of every scope: the city, each town, each park."""
    towns = sorted((n.key, str(n.props.get("name", n.key))) for n in store.find_nodes("Town"))
    return ([("city", "全市")] + [(f"town:{k}", f"区镇·{v}") for k, v in towns]
            + [(f"park:{p['id']}", f"园区·{p['name']}") for p in parks.parks(store)])


@router.get("/chains/{chain_id}", response_class=HTMLResponse)
def chain(chain_id: str, page: PageDep, store: StoreDep, cfg: AnalysisDep,
          scope: str = "city") -> HTMLResponse:
    info = overview.chain(store, chain_id)
    rows = attraction.gaps(store, cfg, page.role, scope, chain_id,
                           every_link=True)
    by_stage = {s: [r for r in rows if r["stage"] == s] for s in STAGES}
    counts = {st: sum(1 for r in rows if r["status"] == st)
              for st in ("missing", "weak", "ok", "strong")}
    return page.render("chain.html", chain=info, by_stage=by_stage, counts=counts, scope=scope,
                       scopes=scope_choices(store), broken=sum(1 for r in rows if r["broken"]),
                       stages=STAGES)


@router.get("/gaps", response_class=HTMLResponse)
def gaps(page: PageDep, store: StoreDep, cfg: AnalysisDep, scope: str = "city",
         chain: Annotated[str | None, Query()] = None) -> HTMLResponse:
    chain = chain or None
    rows = attraction.gaps(store, cfg, page.role, scope, chain)
    return page.render("gaps.html", rows=rows, scope=scope, chain=chain,
                       scopes=scope_choices(store), chains=overview.chains(store))


@router.get("/candidates/{link}", response_class=HTMLResponse)
def candidates(link: str, page: PageDep, store: StoreDep, cfg: AnalysisDep,
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> HTMLResponse:
    result = attraction.candidates(store, cfg, page.role, link, limit)
    return page.render("candidates.html", result=result, limit=limit,
                       terms=CANDIDATE_TERMS if page.analyst else VIEWER_TERMS)


CANDIDATE_TERMS = (("scale", "规模"), ("brand", "品牌"), ("ties", "本地关联"),
                   ("indirect", "间接关联"), ("fit", "上下游配套"), ("park", "园区载体"),
                   ("funds", "基金对接"), ("universities", "高校对接"))
VIEWER_TERMS = CANDIDATE_TERMS[1:]
