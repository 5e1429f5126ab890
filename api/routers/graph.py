"""``/api/v1/graph``: what the chain map and the explorer draw, positions included.

Every answer that draws something is vis-network data built with pyvis (``nodes`` with ``x``,
``y``; ``edges``; ``options`` with physics off): the positions are computed here, so a browser
draws thousands of nodes at once and nothing moves by itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tupu.api import graphview
from tupu.api.deps import AnalysisDep, RoleDep, StoreDep
from tupu.api.queries import graphs
from tupu.api.serialize import Record
from tupu.graph.analyses.strength import Locality, locality
from tupu.graph.stores.model import NodeRef
from tupu.graph.stores.store import GraphStore
from tupu.ontology.vocab import Label

router = APIRouter(prefix="/graph", tags=["图谱"])

VIEW_LIMIT = 2000
"""Most nodes one explorer view draws; past it, expansions are drawn as aggregates."""
EXPAND_LIMIT = 400
"""Most nodes one expansion adds one by one; more enterprises are aggregated by park or town."""

Listed = Annotated[str, Query(max_length=20_000)]


def _split(text: str | None) -> list[str]:
    return [t for t in (text or "").split(",") if t]


def names(store: GraphStore) -> dict[str, dict[str, str]]:
    """Towns, parks and chain links by key: their names (for tooltips)."""
    return {key: {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes(label)}
            for key, label in (("towns", "Town"), ("parks", "Park"), ("links", "ChainLink"))}


@router.get("/chains", summary="产业链图谱（分层图，服务器端布局）")
def chain_map(store: StoreDep, role: RoleDep, cfg: AnalysisDep, scope: str = "city",
              chain: str | None = None) -> dict[str, Any]:
    """One chain (``chain``) or every chain of the city as a layered graph: links in
    upstream / midstream / downstream columns, sized by local enterprises in ``scope``, coloured
    by status, 断链 outlined, FEEDS arrows. Viewers get the panorama's redacted figures."""
    data = graphs.chain_map(store, cfg, role, scope, chain or None)
    rows = data["links"]
    counts = {s: sum(1 for r in rows if r["status"] == s)
              for s in ("strong", "ok", "weak", "missing")}
    return {"scope": scope, "chain": data["chain"], "counts": counts,
            "broken": sum(1 for r in rows if r["broken"]), **graphview.chain_map(data)}


@router.get("/links/{link}", summary="环节详情：本地企业、缺口原因、招引候选、定位园区")
def link_panel(link: str, store: StoreDep, role: RoleDep, cfg: AnalysisDep,
               scope: str = "city") -> dict[str, Any]:
    """A link's side panel: local enterprises in ``scope`` (ranked; figures for analysts only),
    the gap reasons, the top candidates with their explanation, the parks positioned for it."""
    return graphs.link_panel(store, cfg, role, link, scope)


@router.get("/search", summary="图谱检索：企业（全称、简称、信用代码）、园区、区镇等")
def search(store: StoreDep, role: RoleDep,
           q: Annotated[str, Query(min_length=1, max_length=100)],
           limit: Annotated[int, Query(ge=1, le=100)] = graphs.SEARCH_LIMIT) -> list[Record]:
    """Nodes whose name, short name or key contains ``q`` (partial; 太仓 prefixes and 有限公司
    suffixes ignored), exact matches first."""
    return graphs.search(store, q, limit)


def _drawn(store: GraphStore, view: graphs.View, here: Locality | None = None,
           **highlight: Any) -> dict[str, Any]:
    nodes, edges = graphs.view_records(store, view, here)
    positions = highlight.pop("positions", None) or graphview.layout_view(nodes, edges)
    data = graphview.explorer(nodes, edges, positions, names(store), **highlight)
    return {"size": view.size, "limit": VIEW_LIMIT, **data}


@router.get("/view", summary="探索视图：节点及其展开的邻居（服务器端布局）")
def view(store: StoreDep, role: RoleDep, nodes: Listed = "", expanded: Listed = "",
         types: Listed | None = None) -> dict[str, Any]:
    """The view a link describes: the ``nodes`` (``Label:key``, comma-separated) and the
    neighbours of each ``expanded`` node through ``types`` (relationship types, all when
    absent), laid out on the server. Past :data:`VIEW_LIMIT` nodes, aggregates."""
    kinds = graphs.check_types(_split(types) if types is not None else None)
    here = locality(store)
    built = graphs.build_view(store, _split(nodes), _split(expanded), kinds, VIEW_LIMIT,
                              EXPAND_LIMIT, here)
    return _drawn(store, built, here)


@router.get("/expand", summary="展开一个节点的邻居（就地布局）")
def expand(store: StoreDep, role: RoleDep, node: str, types: Listed | None = None,
           x: float = 0.0, y: float = 0.0,
           shown: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """The neighbours of ``node`` through ``types``, on rings around (``x``, ``y``) where the
    node is drawn; ``shown`` nodes are drawn already (past :data:`VIEW_LIMIT` in all, or
    :data:`EXPAND_LIMIT` at once, enterprises come as aggregates)."""
    kinds = graphs.check_types(_split(types) if types is not None else None)
    ref = graphs.parse_ref(node)
    built = graphs.View()
    room = max(0, min(EXPAND_LIMIT, VIEW_LIMIT - shown))
    here = locality(store)
    added = graphs.expand(store, built, ref, kinds, room, here)
    positions = graphview.layout_rings(added, (x, y)) | {str(ref): (x, y)}
    return {"node": str(ref), "added": added,
            **_drawn(store, built, here, positions=positions)}


@router.get("/ties/{enterprise}", summary="以商引商：企业到本地企业的关联路径")
def ties(enterprise: str, store: StoreDep, role: RoleDep) -> dict[str, Any]:
    """An (outside) enterprise's paths to local enterprises — direct ties and ties through one
    partner — with the paths highlighted: the candidate left, intermediaries in the middle,
    local partners right."""
    graphs.seed(store, graphs.View(), NodeRef(Label.Enterprise, enterprise))  # 404 if none
    built, column, on_path = graphs.ties_view(store, enterprise)
    lit = {f"{a}|{t}|{b}" for a, t, b in on_path}
    return {"enterprise": f"Enterprise:{enterprise}",
            "local_partners": sum(1 for c in column.values() if c == 2),
            **_drawn(store, built, positions=graphview.layout_columns(column),
                     highlight_nodes={f"Enterprise:{enterprise}"}, highlight_edges=lit)}
