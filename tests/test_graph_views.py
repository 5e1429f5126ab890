"""The chain map and explorer endpoints (``/api/v1/graph``) on the sample city: positions from
the server, what they draw equals the analyses, viewers see no enterprise figure, search is
tolerant, large expansions are aggregated. The same pages in a real browser: test_browser.py."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.webapp import app_on, bearer, sample_store, web_settings
from tupu.api import graphlayout, graphview
from tupu.api.queries import graphs
from tupu.graph.analyses import frames
from tupu.graph.analyses.candidates import candidates as rank_candidates
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.gaps import gaps as find_gaps, panorama
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.strength import link_members, locality
from tupu.graph.stores.memory_store import MemoryStore
from tupu.ontology.vocab import Rel

FIGURES = {"annual_revenue", "employees", "registered_capital", "scale", "score"}


@pytest.fixture(scope="module")
def sample() -> MemoryStore:
    return sample_store()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, sample: MemoryStore) -> FastAPI:
    return app_on(web_settings(tmp_path_factory.mktemp("data")), sample)


def client(app: FastAPI, role: str) -> TestClient:
    return TestClient(app, headers=bearer(role))


@pytest.fixture(scope="module")
def analyst(app: FastAPI) -> TestClient:
    return client(app, "analyst")


@pytest.fixture(scope="module")
def viewer(app: FastAPI) -> TestClient:
    return client(app, "viewer")


@pytest.fixture(scope="module")
def cfg(app: FastAPI) -> AnalysisConfig:
    found: AnalysisConfig = app.state.tupu.analysis
    return found


@pytest.fixture(scope="module")
def gap(sample: MemoryStore, cfg: AnalysisConfig) -> dict[str, Any]:
    row: dict[str, Any] = find_gaps(sample, config=cfg.gaps).iloc[0].to_dict()
    return row


def keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def crowded(points: list[tuple[float, float]], gap: float) -> int:
    """How many points have another closer than ``gap``."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(points):
        cells.setdefault((int(x // gap), int(y // gap)), []).append(i)
    return sum(1 for i, (x, y) in enumerate(points)
               if any(j != i and math.dist(points[j], (x, y)) < gap
                      for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                      for j in cells.get((int(x // gap) + dx, int(y // gap) + dy), ())))


# -- layout -----------------------------------------------------------------------------------
def test_stage_columns_put_links_in_stage_order_without_overlap() -> None:
    rows = [{"link": f"l{i}", "stage": st, "position": i}
            for i, st in enumerate(["downstream", "upstream", "midstream", "upstream"])]
    pos, height = graphlayout.stage_columns(rows)
    assert pos["l1"][0] < pos["l2"][0] < pos["l0"][0]  # upstream, midstream, downstream
    assert pos["l1"][0] == pos["l3"][0] and pos["l1"][1] < pos["l3"][1]  # by position
    assert height == graphlayout.ROW_GAP
    bands, titles = graphlayout.chain_bands([("a", rows), ("b", rows), ("c", rows)], per_row=2)
    assert len(bands) == 4 and set(titles) == {"a", "b", "c"}


def test_a_force_layout_of_two_thousand_nodes_is_spread_and_deterministic() -> None:
    # what an explorer view looks like: 40 expanded nodes, 49 neighbours each, some shared
    nodes = [f"n{i}" for i in range(2000)]
    hubs = nodes[:40]
    edges = [(hubs[i], hubs[(i + 1) % 40]) for i in range(40)]
    edges += [(hubs[i % 40], nodes[i]) for i in range(40, 2000)]
    edges += [(hubs[(i + 3) % 40], nodes[i]) for i in range(40, 2000, 10)]
    first = graphlayout.force_layout(nodes, edges)
    assert first == graphlayout.force_layout(nodes, edges)
    points = list(first.values())
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in points)
    assert crowded(points, 15.0) < 0.15 * len(points)  # few dots on top of one another
    box = graphlayout.extent(points)
    assert box["width"] * box["height"] > 2000 * (graphlayout.NODE_SPACING ** 2) * 0.5


def test_rings_place_every_node_apart_around_the_centre() -> None:
    spots = graphlayout.rings((100.0, 50.0), 60)
    assert len(spots) == 60 and len(set(spots)) == 60
    assert min(math.dist(s, (100.0, 50.0)) for s in spots) >= graphlayout.RING_GAP


# -- the chain map ------------------------------------------------------------------------------
def test_the_chain_map_draws_the_panorama_with_positions_and_physics_off(
        analyst: TestClient, sample: MemoryStore, cfg: AnalysisConfig) -> None:
    chain = "film-tv"
    data = analyst.get("/api/v1/graph/chains", params={"chain": chain}).json()
    pan = panorama(sample, Scope("city"), chain, cfg.gaps)
    links = {n["link"]: n for n in data["nodes"] if n["id"].startswith("ChainLink:")}
    assert set(links) == set(pan["link"])
    assert data["options"]["physics"]["enabled"] is False
    for r in pan.itertuples(index=False):
        node = links[r.link]
        assert node["status"] == r.status and node["color"]["background"] == \
            graphview.STATUS_COLOURS[r.status]
        assert node["broken"] == bool(r.broken)
        assert (node["borderWidth"] == 5) == bool(r.broken)
        assert node["size"] == graphview.link_size(int(r.local_enterprises))
        assert node["physics"] is False and {"x", "y"} <= set(node)
    stage_x = {st: {links[lk]["x"] for lk in pan[pan["stage"] == st]["link"]}
               for st in ("upstream", "midstream", "downstream")}
    assert all(len(xs) == 1 for xs in stage_x.values())
    assert max(stage_x["upstream"]) < min(stage_x["midstream"]) < min(stage_x["downstream"])
    feeds = {(f"ChainLink:{u}", f"ChainLink:{d}") for u, d in frames.feeds(sample).itertuples(
        index=False) if u in links and d in links}
    assert {(e["from"], e["to"]) for e in data["edges"]} == feeds
    assert data["counts"] == {s: int((pan["status"] == s).sum())
                              for s in ("strong", "ok", "weak", "missing")}
    city = analyst.get("/api/v1/graph/chains").json()
    assert city["city"] and sum(1 for n in city["nodes"] if n["id"].startswith("ChainLink:")) \
        == len(sample.find_nodes("ChainLink"))


def test_a_links_panel_equals_the_analyses(analyst: TestClient, sample: MemoryStore,
                                          cfg: AnalysisConfig, gap: dict[str, Any]) -> None:
    link = gap["link"]
    d = analyst.get(f"/api/v1/graph/links/{link}").json()
    assert d["reasons"] == gap["reasons"].split("；")
    top = rank_candidates(sample, link, graphs.PANEL_CANDIDATES, cfg.candidates, cfg.gaps)
    assert [c["id"] for c in d["candidates"]] == list(top["id"])
    assert all(c["explanation"] for c in d["candidates"])
    positioned = {r.start.key for r in sample.adjacent("POSITIONED_FOR", "ChainLink", [link], "in")}
    assert {p["id"] for p in d["parks"]} == positioned
    strong = panorama(sample, Scope("city"), None, cfg.gaps).sort_values(
        "local_enterprises").iloc[-1]
    s = analyst.get(f"/api/v1/graph/links/{strong['link']}").json()
    members = link_members(sample, [strong["link"]])[strong["link"]] & locality(sample).local
    assert s["enterprise_count"] == len(members) and s["reasons"] == []
    revenue = [e["annual_revenue"] or 0 for e in s["enterprises"]]
    assert revenue == sorted(revenue, reverse=True) and revenue[0] > 0
    assert {e["id"] for e in s["enterprises"]} <= members


def test_a_viewer_gets_no_enterprise_figure_from_any_graph_endpoint(
        viewer: TestClient, gap: dict[str, Any], sample: MemoryStore) -> None:
    link = gap["link"]
    panel = viewer.get(f"/api/v1/graph/links/{link}").json()
    assert not keys_in(panel) & FIGURES
    assert not any(re.search(r"\d\s*(万元|亿元)", c["explanation"] or "")
                   for c in panel["candidates"])
    big = panorama(sample).sort_values("local_enterprises").iloc[-1]["link"]
    ranked = viewer.get(f"/api/v1/graph/links/{big}").json()["enterprises"]
    assert ranked and not keys_in(ranked) & FIGURES
    assert [e["above_scale"] for e in ranked] == sorted((e["above_scale"] for e in ranked),
                                                         reverse=True)
    firm = ranked[0]["id"]
    for url in (f"/api/v1/graph/view?nodes=Enterprise:{firm}&expanded=Enterprise:{firm}",
                f"/api/v1/graph/expand?node=Enterprise:{firm}", "/api/v1/graph/chains"):
        body = viewer.get(url).json()
        assert not keys_in(body) & FIGURES, url


# -- the explorer -------------------------------------------------------------------------------
def test_search_finds_an_enterprise_by_any_of_its_names(
        analyst: TestClient, sample: MemoryStore) -> None:
    local = sorted(locality(sample).local)
    firm = next(n for n in sample.get_nodes("Enterprise", local)
                if n.props.get("short_name") and str(n.props["name"]).startswith("太仓")
                and str(n.props["name"]).endswith("有限公司"))
    name, short = str(firm.props["name"]), str(firm.props["short_name"])
    core = name.removeprefix("太仓").removesuffix("有限公司")
    for q in (name, short, firm.key, firm.key.lower()[:12], core, "太仓市" + core,
              core + "有限责任公司", f" {core[:3]} "):
        found = analyst.get("/api/v1/graph/search", params={"q": q, "limit": 100}).json()
        assert f"Enterprise:{firm.key}" in [r["id"] for r in found], q
    exact = analyst.get("/api/v1/graph/search", params={"q": name}).json()
    assert exact[0]["id"] == f"Enterprise:{firm.key}" and exact[0]["local"] is True
    assert analyst.get("/api/v1/graph/search", params={"q": "不存在的名称甲乙丙"}).json() == []


def test_expanding_adds_the_neighbourhood_filtered_by_type(
        analyst: TestClient, sample: MemoryStore) -> None:
    firm = next(r.start.key for r in sample.find_relationships("SUPPLIES"))
    ref = f"Enterprise:{firm}"
    sub = sample.neighbourhood(graphs.parse_ref(ref), 1, graphs.EXPLORE_TYPES)
    whole = analyst.get("/api/v1/graph/expand", params={"node": ref, "x": 50, "y": -20}).json()
    assert set(whole["added"]) == {str(n.ref) for n in sub.nodes} - {ref}
    centre = next(n for n in whole["nodes"] if n["id"] == ref)
    assert (centre["x"], centre["y"]) == (50, -20)
    assert all(n["physics"] is False for n in whole["nodes"])
    supplies = analyst.get("/api/v1/graph/expand",
                           params={"node": ref, "types": "SUPPLIES"}).json()
    assert {e["rel"] for e in supplies["edges"]} == {"SUPPLIES"}
    assert analyst.get("/api/v1/graph/expand", params={"node": ref, "types": "HAS_OBSERVATION"}
                       ).status_code == 400
    assert analyst.get("/api/v1/graph/expand", params={"node": "Dataset:x"}).status_code == 400
    assert analyst.get("/api/v1/graph/expand", params={"node": "Enterprise:none"}
                       ).status_code == 404
    view = analyst.get("/api/v1/graph/view", params={"nodes": ref, "expanded": ref}).json()
    assert {n["id"] for n in view["nodes"]} == set(whole["added"]) | {ref}


def test_past_the_limit_enterprises_are_aggregated_by_park_or_town(sample: MemoryStore) -> None:
    here = locality(sample)
    town = max(sample.find_nodes("Town"),
               key=lambda t: sum(1 for v in here.town.values() if v == t.key))
    ref = graphs.parse_ref(f"Town:{town.key}")
    full = graphs.View()
    graphs.expand(sample, full, ref, graphs.EXPLORE_TYPES, 10_000, here)
    firms = {k for k, n in full.nodes.items() if n.label == "Enterprise"}
    small = graphs.View()
    graphs.expand(sample, small, ref, graphs.EXPLORE_TYPES, 5, here)
    nodes, edges = graphs.view_records(sample, small, here)
    groups = [n for n in nodes if n["kind"] == "Group"]
    assert groups and not any(n["kind"] == "Enterprise" for n in nodes if n["id"] != str(ref))
    assert sum(g["count"] for g in groups) == len(firms)
    assert all(g["park"] or g["town"] for g in groups)
    assert {e["to"] for e in edges if e["type"] == "GROUP"} == {g["id"] for g in groups}


def test_aggregates_of_several_expansions_count_each_enterprise_once(
        sample: MemoryStore) -> None:
    """Two expansions that both aggregate into one park's node: its members are the union of
    theirs (not one of them, not their sum); an enterprise drawn on its own leaves it."""
    here = locality(sample)
    types = (Rel.IN_SUBSECTOR,)
    codes = sorted({r.end.key for r in sample.find_relationships("IN_SUBSECTOR")})
    alone: dict[str, dict[str, set[str]]] = {}
    for code in codes:
        one = graphs.View()
        graphs.expand(sample, one, graphs.parse_ref(f"SubSector:{code}"), types, 0, here)
        alone[code] = {gid: set(g["members"]) for gid, g in one.groups.items()}
    first, second, gid = next(
        (a, b, gid) for a in codes for b in codes if a < b
        for gid in sorted(set(alone[a]) & set(alone[b]))
        if gid.startswith("Group:park:") and alone[a][gid] - alone[b][gid]
        and alone[b][gid] - alone[a][gid])
    union = alone[first][gid] | alone[second][gid]
    both = graphs.build_view(sample, [], [f"SubSector:{first}", f"SubSector:{second}"], types,
                             2000, 0, here)
    nodes, edges = graphs.view_records(sample, both, here)
    group = next(n for n in nodes if n["id"] == gid)
    assert set(group["members"]) == union and group["count"] == len(union)
    assert sum(1 for n in nodes if n["id"] == gid) == 1
    counts = {e["from"]: e["type_zh"] for e in edges if e["to"] == gid}
    assert counts == {f"SubSector:{c}": f"{len(alone[c][gid])} 家企业" for c in (first, second)}
    # an enterprise of the park drawn on its own (its own expansion) is not counted again
    firm = sorted(alone[first][gid])[0]
    again = graphs.build_view(sample, [], [f"SubSector:{first}", f"SubSector:{second}",
                                           f"Enterprise:{firm}"], types, 2000, 0, here)
    nodes, _ = graphs.view_records(sample, again, here)
    group = next(n for n in nodes if n["id"] == gid)
    assert firm not in group["members"] and group["count"] == len(union) - 1
    assert f"Enterprise:{firm}" in {n["id"] for n in nodes}
    drawn = graphview.explorer(nodes, [], {n["id"]: (0.0, 0.0) for n in nodes},
                               {"towns": {}, "parks": {}, "links": {}})
    shown = next(n for n in drawn["nodes"] if n["id"] == gid)
    assert shown["label"].endswith(f"{len(union) - 1} 家") and shown["count"] == len(union) - 1
    assert drawn["texts"]["group_label"].count("{count}") == 1


def test_a_candidates_ties_to_local_partners_are_highlighted(
        analyst: TestClient, sample: MemoryStore, gap: dict[str, Any]) -> None:
    top = analyst.get(f"/api/v1/candidates/{gap['link']}").json()["candidates"]
    cand = next(c for c in top if c["local_partners"])
    d = analyst.get(f"/api/v1/graph/ties/{cand['id']}").json()
    local = locality(sample).local
    names = {n.key: str(n.props.get("short_name") or n.props.get("name"))
             for n in sample.get_nodes("Enterprise", local)}
    partners = {n["key"] for n in d["nodes"] if n["key"] in local}
    assert {names[k] for k in partners} >= set(cand["local_partners"].split("、"))
    lit = [e for e in d["edges"] if e.get("width") == 4]
    assert lit and all(e["color"] == graphview.HIGHLIGHT for e in lit)
    me = next(n for n in d["nodes"] if n["id"] == f"Enterprise:{cand['id']}")
    assert all(me["x"] < n["x"] for n in d["nodes"] if n["key"] in partners)


def test_a_notebooks_standalone_file_needs_no_network(analyst: TestClient) -> None:
    data = analyst.get("/api/v1/graph/chains", params={"chain": "film-tv"}).json()
    page = graphview.standalone_html(data, "影视制作")
    assert "vis.Network" in page and "影视制作" in page
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page)
