"""Dashboard charts, profiles (town, university, fund), anchor impact, pairs and provenance:
JSON under /api/v1 equals the analyses, viewers never get an enterprise figure, the pages are
zh-CN, offline, link to each other and carry no inline script."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from html.parser import HTMLParser
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import SAMPLE
from tupu.graph.stores.deliveries import Provenance
from tupu.graph.analyses.progress import STATUS_ZH
from tests.webapp import FIGURE_KEYS, app_on, bearer, sample_store, web_settings
from tupu.api import disclosure
from tupu.api.queries.overview import FICTIONAL_NOTICE
from tupu.api.serialize import records
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.gaps import panorama
from tupu.graph.analyses.impact import anchor_impact, anchors
from tupu.graph.analyses.matching import fund_pairs, university_pairs
from tupu.graph.analyses.monitoring import plan_targets, projects, target_progress
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.strength import locality
from tupu.graph.analyses.wording import money_text
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load
from tupu.settings import Settings

ECHARTS = "/static/vendor/echarts/echarts.common.min.js"
ECHARTS_SHA256 = "61f13280aba3161f77fc801bf5f9c786f55f10432153a0683fc5cc0700b013d5"
MONEY_WORDS = ("万元", "亿元")


def roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(value))


def keys_in(value: Any) -> set[str]:
    """Every dict key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value)) if value else set()
    return set()


class Assets(HTMLParser):
    """The src and href attributes of a page, its scripts with a src, and its <html lang>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        self.urls += [str(a[n]) for n in ("src", "href") if a.get(n)]
        if tag == "script" and a.get("src"):
            self.scripts.append(str(a["src"]))


def parse(html: str) -> Assets:
    p = Assets()
    p.feed(html)
    return p


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store() -> MemoryStore:
    return sample_store()


@pytest.fixture(scope="module")
def api_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return web_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def app(api_settings: Settings, store: MemoryStore) -> FastAPI:
    return app_on(api_settings, store)


@pytest.fixture(scope="module")
def cfg(app: FastAPI) -> AnalysisConfig:
    config: AnalysisConfig = app.state.tupu.analysis
    return config


@pytest.fixture(scope="module")
def viewer(app: FastAPI) -> TestClient:
    return TestClient(app, headers=bearer("viewer"))


@pytest.fixture(scope="module")
def analyst(app: FastAPI) -> TestClient:
    return TestClient(app, headers=bearer("analyst"))


@pytest.fixture(scope="module")
def anchor(store: MemoryStore, cfg: AnalysisConfig) -> str:
    """A local enterprise whose leaving leaves another without its only local supplier or
    customer (so its impact lists supply ties with their annual value)."""
    ranked = anchors(store, None, cfg.impact, cfg.gaps)
    hit = ranked[(ranked["lose_supplier"] + ranked["lose_customer"]) > 0]
    assert not hit.empty, "the sample has no enterprise that is someone's only local partner"
    return str(hit["id"].iloc[0])


@pytest.fixture(scope="module")
def invested_fund(store: MemoryStore) -> str:
    """A fund with an investment in an enterprise that has an amount."""
    for r in store.find_relationships("INVESTED_IN", "Fund", "Enterprise"):
        if r.props.get("amount"):
            return r.start.key
    raise AssertionError("the sample has no fund investment with an amount")


@pytest.fixture(scope="module")
def cooperating_university(store: MemoryStore) -> str:
    found = store.find_relationships("COOPERATES_WITH", "Enterprise", "University")
    assert found
    return found[0].end.key


def busiest_town(store: MemoryStore) -> str:
    where = locality(store)
    counts: dict[str, int] = {}
    for e in where.local:
        town = where.town[e]
        counts[town] = counts.get(town, 0) + 1
    return max(sorted(counts), key=lambda t: counts[t])


# -- profiles -------------------------------------------------------------------------------
def test_towns_and_a_town_profile(analyst: TestClient, store: MemoryStore,
                                  cfg: AnalysisConfig) -> None:
    where = locality(store)
    listed = analyst.get("/api/v1/towns").json()
    assert sorted(t["id"] for t in listed) == sorted(n.key for n in store.find_nodes("Town"))
    for t in listed:
        assert t["local_enterprises"] == sum(1 for e in where.local if where.town[e] == t["id"])
    town = busiest_town(store)
    data = analyst.get(f"/api/v1/towns/{town}").json()
    assert data["local_enterprises"] == next(t for t in listed if t["id"] == town)[
        "local_enterprises"] > 0
    in_town = {r.start.key for r in store.find_relationships("IN_TOWN") if r.end.key == town}
    assert {p["id"] for p in data["parks"]} == in_town
    every = records(panorama(store, Scope("town", town), None, cfg.gaps))
    assert sum(data["links_count"].values()) == len(every)
    assert {r["link"] for r in data["links_weak"]} == {r["link"] for r in every
                                                       if r["status"] == "weak"}
    assert {r["link"] for r in data["links_present"]} == {r["link"] for r in every
                                                          if r["status"] in ("ok", "strong")}
    assert data["broken"] == sum(1 for r in every if r["broken"])
    mine = [p for p in records(projects(store, None, cfg.monitoring)) if p["town"] == town]
    assert [p["project"] for p in data["projects"]] == [p["project"] for p in mine]


def test_university_profile(analyst: TestClient, store: MemoryStore, cfg: AnalysisConfig,
                            cooperating_university: str) -> None:
    uni = cooperating_university
    data = analyst.get(f"/api/v1/universities/{uni}").json()
    strong = {r.end.key for r in store.adjacent("STRONG_IN", "University", [uni])}
    assert {s["code"] for s in data["strong_in"]} == strong and strong
    coop = {r.start.key for r in store.adjacent("COOPERATES_WITH", "University", [uni], "in")}
    assert {c["enterprise"] for c in data["cooperations"]} == coop
    df = university_pairs(store, cfg.matching)
    mine = df[df["university"] == uni]
    assert data["pairs_total"] == len(mine)
    assert data["pairs"] == roundtrip(records(mine.head(20)))
    listed = analyst.get("/api/v1/universities").json()
    assert {u["id"] for u in listed} == {n.key for n in store.find_nodes("University")}
    locals_first = [u["local"] is True for u in listed]
    assert locals_first == sorted(locals_first, reverse=True)


def test_fund_profile(analyst: TestClient, store: MemoryStore, cfg: AnalysisConfig,
                      invested_fund: str) -> None:
    data = analyst.get(f"/api/v1/funds/{invested_fund}").json()
    focus = {r.end.key for r in store.adjacent("FOCUSES_ON", "Fund", [invested_fund])}
    assert {s["code"] for s in data["focus"]} == focus
    invested = {(r.end.key, r.props.get("amount"))
                for r in store.adjacent("INVESTED_IN", "Fund", [invested_fund])}
    assert {(i["id"], i.get("amount")) for i in data["investments"]} == invested
    df = fund_pairs(store, cfg.matching)
    mine = df[df["fund"] == invested_fund]
    assert data["pairs"] == roundtrip(records(mine.head(20)))
    assert data["pairs_total"] == len(mine)


def test_unknown_profiles_are_404_in_chinese(analyst: TestClient) -> None:
    for kind in ("towns", "universities", "funds"):
        r = analyst.get(f"/api/v1/{kind}/no-such-{kind}")
        assert r.status_code == 404 and "图谱中没有" in r.json()["detail"], kind
        page = analyst.get(f"/{kind}/no-such-{kind}")
        assert page.status_code == 404 and "图谱中没有" in page.text, kind


# -- impact, pairs, provenance ---------------------------------------------------------------
def test_impact_and_anchors_equal_the_analysis(analyst: TestClient, store: MemoryStore,
                                               cfg: AnalysisConfig, anchor: str) -> None:
    data = analyst.get(f"/api/v1/impact/{anchor}").json()
    result = anchor_impact(store, anchor, cfg.impact, cfg.gaps)
    assert data["score"] == result.score and data["explanation"] == result.explanation
    assert data["links"] == roundtrip(records(result.links))
    assert data["orphans"] == roundtrip(records(result.orphans))
    assert data["orphans"] and data["orphans"][0]["annual_value"] is not None
    top = analyst.get("/api/v1/anchors", params={"top": 5}).json()
    assert top == roundtrip(records(anchors(store, 5, cfg.impact, cfg.gaps)))


def test_impact_of_an_outside_or_unknown_enterprise(analyst: TestClient,
                                                    store: MemoryStore) -> None:
    outside = next(n for n in store.find_nodes("Enterprise")
                   if n.key not in locality(store).local)
    r = analyst.get(f"/api/v1/impact/{outside.key}")
    assert r.status_code == 400 and "不是本地企业" in r.json()["detail"]
    assert analyst.get("/api/v1/impact/no-such-enterprise").status_code == 404


def test_pairs_equal_the_analysis(analyst: TestClient, store: MemoryStore,
                                  cfg: AnalysisConfig) -> None:
    unis = analyst.get("/api/v1/pairs/universities", params={"limit": 10}).json()
    assert unis == roundtrip(records(university_pairs(store, cfg.matching, 10)))
    funds = analyst.get("/api/v1/pairs/funds", params={"limit": 10}).json()
    assert funds == roundtrip(records(fund_pairs(store, cfg.matching, 10)))


def test_provenance_of_a_node_and_a_relationship(analyst: TestClient, store: MemoryStore,
                                                 anchor: str) -> None:
    node = store.get_node("Enterprise", anchor)
    assert node is not None
    prov = Provenance(store)  # the fact refers to its Delivery, which names the file
    source = prov.expand(node.props)["prov_source"]
    data = analyst.get(f"/api/v1/provenance/Enterprise/{anchor}").json()
    assert data["file"] == source and data["row"] == node.props["prov_row"]
    assert data["delivery"] == node.props["prov_delivery"] and data["label_zh"] == "企业"
    tie = store.find_relationships("SUPPLIES")[0]
    rels = analyst.get(f"/api/v1/provenance/SUPPLIES/{tie.start.key}/{tie.end.key}").json()
    assert [r["file"] for r in rels] == [prov.expand(tie.props)["prov_source"]]
    assert [r["row"] for r in rels] == [tie.props["prov_row"]]
    bad = analyst.get("/api/v1/provenance/Company/x")
    assert bad.status_code == 400 and "不是图谱中的节点类型" in bad.json()["detail"]
    assert analyst.get("/api/v1/provenance/Delivery/x").status_code == 400
    assert analyst.get("/api/v1/provenance/Enterprise/nobody").status_code == 404
    assert analyst.get(f"/api/v1/provenance/SUPPLIES/{anchor}/nobody").status_code == 404
    page = analyst.get(f"/provenance/Enterprise/{anchor}")
    assert page.status_code == 200 and source in page.text


# -- what a viewer sees ---------------------------------------------------------------------
def test_viewer_gets_no_enterprise_figure_from_the_new_endpoints(
    viewer: TestClient, analyst: TestClient, store: MemoryStore, anchor: str,
    invested_fund: str, cooperating_university: str,
) -> None:
    urls = [f"/api/v1/impact/{anchor}", "/api/v1/anchors?top=50", "/api/v1/pairs/funds?limit=200",
            "/api/v1/pairs/universities?limit=200", f"/api/v1/funds/{invested_fund}",
            f"/api/v1/universities/{cooperating_university}", "/api/v1/towns",
            f"/api/v1/towns/{busiest_town(store)}", f"/api/v1/provenance/Enterprise/{anchor}",
            "/api/v1/dashboard"]
    hidden = FIGURE_KEYS | {"need_min", "need_max", "score_scale"}
    for url in urls:
        r = viewer.get(url)
        assert r.status_code == 200, url
        assert not keys_in(r.json()) & hidden, (url, keys_in(r.json()) & hidden)
    # what the analyst sees of the same is there to hide
    assert any("annual_value" in o for o in analyst.get(f"/api/v1/impact/{anchor}").json()[
        "orphans"])
    assert all("annual_revenue" in a for a in analyst.get("/api/v1/anchors").json())
    seen = analyst.get("/api/v1/pairs/funds", params={"limit": 200}).json()
    shown = viewer.get("/api/v1/pairs/funds", params={"limit": 200}).json()
    assert [p["target"] for p in seen] == [p["target"] for p in shown]
    assert any("需求约" in p["reasons"] for p in seen)
    for p in shown:
        assert not {"score", "stage", "fit", "size_term"} & set(p)
        words = (*MONEY_WORDS, "需求", "投资阶段")
        assert not any(w in p["reasons"] for w in words), p["reasons"]
    # the anchor's revenue is nowhere in a viewer's impact and anchors pages
    node = store.get_node("Enterprise", anchor)
    assert node is not None
    text = viewer.get(f"/impact/{anchor}").text + viewer.get("/anchors?top=50").text
    assert money_text(float(node.props["annual_revenue"])) not in text
    assert "年交易额" not in text and "年营收" not in text
    amounts = {money_text(float(r.props["amount"]))
               for r in store.adjacent("INVESTED_IN", "Fund", [invested_fund])
               if r.props.get("amount")}
    fund_page = viewer.get(f"/funds/{invested_fund}").text
    assert amounts and not any(a in fund_page for a in amounts)
    assert any(a in analyst.get(f"/funds/{invested_fund}").text for a in amounts)


# -- the dashboard ------------------------------------------------------------------------------
def expected_chain_revenue(store: MemoryStore, chain: str) -> dict[str, float]:
    """Per quarter, the revenue of the local enterprises in ``chain``, read from the
    relationships one by one (an oracle independent of the dashboard's frames)."""
    links = {r.end.key for r in store.find_relationships("HAS_LINK") if r.start.key == chain}
    codes = {r.end.key for r in store.find_relationships("COVERS") if r.start.key in links}
    local = locality(store).local
    members = {r.start.key for r in store.find_relationships("IN_SUBSECTOR")
               if r.end.key in codes and r.start.key in local}
    total: dict[str, float] = {}
    for r in store.adjacent("HAS_OBSERVATION", "Enterprise", members):
        obs = store.get_node("EnterpriseObservation", r.end.key)
        if obs is not None and obs.props.get("revenue") is not None:
            period = str(obs.props["period"])
            total[period] = total.get(period, 0.0) + float(obs.props["revenue"])
    return total


def test_dashboard_charts_hold_the_graph_figures(analyst: TestClient, store: MemoryStore,
                                                 cfg: AnalysisConfig) -> None:
    data = analyst.get("/api/v1/dashboard").json()
    charts = data["charts"]
    assert set(charts) == {"targets", "revenue_by_chain", "towns", "projects"}
    assert all(c["title"] for c in charts.values())
    revenue = charts["revenue_by_chain"]
    assert revenue["categories"] == sorted(revenue["categories"])
    assert revenue["categories"][-1] == data["period"]
    chain = sorted(n.key for n in store.find_nodes("Chain"))[0]
    name = store.get_node("Chain", chain).props["name"]  # type: ignore[union-attr]
    line = next(s for s in revenue["series"] if s["name"] == name)
    expected = expected_chain_revenue(store, chain)
    assert line["data"] == [pytest.approx(expected[p]) for p in revenue["categories"]]
    towns = charts["towns"]
    where = locality(store)
    counts = dict(zip(towns["categories"], towns["series"][0]["data"], strict=True))
    for n in store.find_nodes("Town"):
        assert counts[n.props["name"]] == sum(1 for e in where.local if where.town[e] == n.key)
    assert all(link.startswith("/towns/") for link in towns["links"])
    pie = charts["projects"]
    assert sum(p["value"] for p in pie["points"]) == len(store.find_nodes("Project"))
    tp = target_progress(store, plan_targets(store, None), None, data["period"], cfg.monitoring,
                         cfg.clusters)
    targets = charts["targets"]
    assert targets["categories"] == list(tp["name"])
    plan = plan_targets(store, None)
    for point, row in zip(targets["points"], tp.to_dict("records"), strict=True):
        t = plan.target(row["target"])
        goal = t.value if t.value is not None else t.min
        if row["status"] == "no_data":
            assert point["value"] is None
        else:
            assert point["value"] == pytest.approx(round(100 * row["actual"] / goal, 1))
        assert point["status"] == row["status"]


def thin_city(folder: Path) -> tuple[Path, str, set[str]]:
    """The sample city with one town left with two local enterprises, and quarterly observations
    kept for those two only: every chain's quarterly revenue then sums one or two enterprises."""
    shutil.copytree(SAMPLE, folder)
    rel = folder / "relationships"
    with (rel / "IN_TOWN.csv").open(encoding="utf-8") as f:
        park_town = {r["start"]: r["end"] for r in csv.DictReader(f)}
    located = list(csv.DictReader((rel / "LOCATED_IN.csv").open(encoding="utf-8")))
    town = sorted(set(park_town.values()))[0]

    def town_of(r: dict[str, str]) -> str | None:
        return park_town.get(r["end"]) if r["end_label"] == "Park" else r["end"]

    in_town = [r for r in located if r["start_label"] == "Enterprise" and town_of(r) == town]
    keep = {r["start"] for r in in_town[:2]}
    rows = [r for r in located if not (r["start_label"] == "Enterprise" and town_of(r) == town)
            or r["start"] in keep]
    _write(rel / "LOCATED_IN.csv", rows)
    obs = list(csv.DictReader((rel / "HAS_OBSERVATION.csv").open(encoding="utf-8")))
    kept = [r for r in obs if r["start"] in keep]
    _write(rel / "HAS_OBSERVATION.csv", kept)
    nodes = folder / "nodes" / "EnterpriseObservation.csv"
    ids = {r["end"] for r in kept}
    _write(nodes, [r for r in csv.DictReader(nodes.open(encoding="utf-8")) if r["id"] in ids])
    return folder, town, keep


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_viewer_charts_show_no_suppressed_revenue(
    api_settings: Settings, tmp_path: Path
) -> None:
    folder, town, keep = thin_city(tmp_path / "thin")
    thin = MemoryStore(None)
    load([folder], thin)
    disclosure.forget()
    web = app_on(api_settings, thin)
    seen = TestClient(web, headers=bearer("analyst")).get("/api/v1/dashboard").json()["charts"]
    viewer = TestClient(web, headers=bearer("viewer"))
    shown = viewer.get("/api/v1/dashboard").json()["charts"]
    name = thin.get_node("Town", town).props["name"]  # type: ignore[union-attr]
    i = seen["towns"]["categories"].index(name)
    assert seen["towns"]["series"][0]["data"][i] == 2
    assert seen["towns"]["series"][2]["data"][i] > 0
    assert shown["towns"]["series"][2]["data"][i] is None
    assert shown["towns"]["series"][2]["suppressed"][i] is True
    # the other towns' enterprises report nothing: their (zero) totals are safe and shown
    others = [j for j in range(len(seen["towns"]["categories"])) if j != i]
    assert others and all(shown["towns"]["series"][2]["data"][j]
                          == seen["towns"]["series"][2]["data"][j] == 0 for j in others)
    # every chain's quarterly revenue sums one or two enterprises: suppressed, marked so
    figures = [v for s in seen["revenue_by_chain"]["series"] for v in s["data"] if v]
    assert figures
    for s in shown["revenue_by_chain"]["series"]:
        assert all(v is None for v in s["data"]), s["name"]
        assert any(s["suppressed"]), s["name"]
    text = json.dumps(shown, ensure_ascii=False)
    assert not any(json.dumps(v) in text for v in figures if v >= 100)
    # the bulletin page's charts come from the bulletin as redacted for the reader
    period = viewer.get("/api/v1/bulletin").json()[0]
    island = chart_island(viewer.get(f"/bulletin/{period}").text)
    towns = island["charts"]["towns"]
    assert towns["series"][2]["data"][towns["categories"].index(name)] is None
    disclosure.forget()


def test_viewer_charts_show_the_published_cells(
    viewer: TestClient, analyst: TestClient, store: MemoryStore, cfg: AnalysisConfig
) -> None:
    """A viewer's revenue by chain and towns compared are the cells of the disclosure table
    (api/disclosure.py) of each quarter: the analyst's figure where the cell is published,
    nothing where it is suppressed."""
    periods = analyst.get("/api/v1/bulletin").json()
    period = sorted(periods)[1]  # two quarters: two tables to protect
    seen = analyst.get("/api/v1/dashboard", params={"period": period}).json()["charts"]
    shown = viewer.get("/api/v1/dashboard", params={"period": period}).json()["charts"]
    published = 0
    chains, mine = seen["revenue_by_chain"], shown["revenue_by_chain"]
    assert chains["categories"] == mine["categories"] and len(mine["categories"]) == 2
    for s, t in zip(chains["series"], mine["series"], strict=True):
        assert s["key"] == t["key"]
        for p, a, v, hid in zip(chains["categories"], s["data"], t["data"], t["suppressed"],
                                strict=True):
            cell = disclosure.revenue_plan(store, cfg, p).total(disclosure.chain_cell(s["key"]),
                                                                "quarter")
            assert (v is None) == (cell is None) == hid, (s["key"], p)
            if v is not None:
                assert v == pytest.approx(a) == pytest.approx(cell)
                published += 1
    plan = disclosure.revenue_plan(store, cfg, period)
    towns, mine = seen["towns"], shown["towns"]
    for key, a, v in zip(towns["keys"], towns["series"][2]["data"], mine["series"][2]["data"],
                         strict=True):
        cell = plan.revenue(disclosure.town_cell(key))
        assert (v is None) == (cell is None), key
        if v is not None:
            assert v == pytest.approx(a) == pytest.approx(cell)
            published += 1
    assert published, "the sample city's chains and towns are large enough to be shown"


def chart_island(html: str) -> dict[str, Any]:
    start = html.index('<script type="application/json" id="chart-data">')
    body = html[html.index(">", start) + 1: html.index("</script>", start)]
    found: dict[str, Any] = json.loads(body)
    return found


@pytest.fixture(scope="module")
def chart_pages(analyst: TestClient) -> dict[str, str]:
    """The pages with charts, as an analyst gets them."""
    period = analyst.get("/api/v1/bulletin").json()[0]
    return {url: analyst.get(url).text for url in ("/", "/targets", f"/bulletin/{period}")}


def test_targets_and_bulletin_pages_carry_their_charts(analyst: TestClient,
                                                       chart_pages: dict[str, str]) -> None:
    targets = chart_pages["/targets"]
    island = chart_island(targets)
    names = [t["name"] for t in analyst.get("/api/v1/targets").json()["targets"]]
    assert island["charts"]["targets"]["categories"] == names
    assert 'data-chart="targets"' in targets
    url = next(u for u in chart_pages if u.startswith("/bulletin/"))
    period = url.rsplit("/", 1)[1]
    charts = chart_island(chart_pages[url])["charts"]
    assert set(charts) == {"targets", "revenue_by_chain", "towns", "projects"}
    assert charts["revenue_by_chain"]["categories"][-1] == period
    assert sum(p["value"] for p in charts["projects"]["points"]) == len(
        analyst.get("/api/v1/projects", params={"period": period}).json())


def test_chart_pages_load_the_vendored_echarts_and_no_inline_script(
    analyst: TestClient, chart_pages: dict[str, str]
) -> None:
    assert 'data-charts-url="/api/v1/dashboard"' in chart_pages["/"]
    for url, text in chart_pages.items():
        page = parse(text)
        assert page.scripts[-2:] == [ECHARTS, "/static/charts.js"], url
        assert text.count("<script") == len(page.scripts) + text.count(
            '<script type="application/json"'), url  # every other script is a file
    js = analyst.get(ECHARTS)
    assert js.status_code == 200
    assert hashlib.sha256(js.content).hexdigest() == ECHARTS_SHA256
    assert analyst.get("/static/vendor/echarts/LICENSE").status_code == 200
    charts_js = analyst.get("/static/charts.js").text
    assert 'locale: "ZH"' in charts_js and 'renderMode: "richText"' in charts_js
    assert "innerHTML" not in charts_js


# -- pages ------------------------------------------------------------------------------------
def new_pages(store: MemoryStore, anchor: str, fund: str, university: str) -> list[str]:
    return ["/towns", f"/towns/{busiest_town(store)}", "/universities",
            f"/universities/{university}", "/funds", f"/funds/{fund}", f"/impact/{anchor}",
            "/anchors", "/pairs/universities", "/pairs/funds?limit=20",
            f"/provenance/Enterprise/{anchor}", f"/provenance/Town/{busiest_town(store)}"]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_new_pages_are_zh_cn_offline_and_without_inline_script(
    app: FastAPI, store: MemoryStore, anchor: str, invested_fund: str,
    cooperating_university: str, role: str,
) -> None:
    client = TestClient(app, headers=bearer(role))
    for url in new_pages(store, anchor, invested_fund, cooperating_university):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        page = parse(r.text)
        assert page.lang == "zh-CN" and FICTIONAL_NOTICE in r.text, url
        assert not [u for u in page.urls if u.lower().startswith(("http:", "https:", "//"))]
        assert "<script>" not in r.text, url


def test_names_link_to_the_profiles(analyst: TestClient, store: MemoryStore, anchor: str,
                                    invested_fund: str, cooperating_university: str) -> None:
    where = locality(store)
    page = parse(analyst.get(f"/enterprises/{anchor}").text)
    assert f"/towns/{where.town[anchor]}" in page.urls
    assert f"/impact/{anchor}" in page.urls and f"/provenance/Enterprise/{anchor}" in page.urls
    coop = store.find_relationships("COOPERATES_WITH", "Enterprise", "University")[0]
    assert f"/universities/{coop.end.key}" in parse(
        analyst.get(f"/enterprises/{coop.start.key}").text).urls
    inv = store.adjacent("INVESTED_IN", "Fund", [invested_fund])
    target = next(r.end.key for r in inv if r.end.label == "Enterprise")
    assert f"/funds/{invested_fund}" in parse(analyst.get(f"/enterprises/{target}").text).urls
    assert f"/enterprises/{target}" in parse(analyst.get(f"/funds/{invested_fund}").text).urls
    park = next(r for r in store.find_relationships("IN_TOWN"))
    assert f"/towns/{park.end.key}" in parse(analyst.get(f"/parks/{park.start.key}").text).urls
    assert f"/towns/{park.end.key}" in parse(analyst.get("/parks").text).urls
    rank = next(a["rank"] for a in analyst.get("/api/v1/anchors?top=1000").json()
                if a["id"] == anchor)
    assert f"/impact/{anchor}" in parse(analyst.get(f"/anchors?top={rank}").text).urls
    town = parse(analyst.get(f"/towns/{busiest_town(store)}").text)
    assert any(u.startswith("/parks/") for u in town.urls)
    uni = parse(analyst.get(f"/universities/{cooperating_university}").text)
    assert any(u.startswith("/enterprises/") for u in uni.urls)
    nav = parse(analyst.get("/").text).urls
    assert {"/towns", "/universities", "/funds", "/anchors"} <= set(nav)


# -- both stores ------------------------------------------------------------------------------
@pytest.mark.neo4j
def test_memory_and_neo4j_give_the_same_dashboard_and_profiles(
    api_settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tupu.graph.analyses import dashboard as agg

    neo: GraphStore = request.getfixturevalue("neo4j_session_store")
    folder, town, keep = thin_city(tmp_path / "thin")
    mem = MemoryStore(None)
    load([folder], mem)
    neo.clear()
    try:
        load([folder], neo)
        for frame in (agg.revenue_by_chain, agg.towns_compared):
            pd.testing.assert_frame_equal(frame(neo), frame(mem))
        pd.testing.assert_frame_equal(agg.projects_by_status(projects(neo)),
                                      agg.projects_by_status(projects(mem)))
        fund = next(r.start.key for r in mem.find_relationships("INVESTED_IN"))
        uni = mem.find_relationships("COOPERATES_WITH", "Enterprise", "University")[0].end.key
        urls = ["/api/v1/dashboard", f"/api/v1/towns/{town}", "/api/v1/towns",
                f"/api/v1/universities/{uni}", f"/api/v1/funds/{fund}",
                f"/api/v1/impact/{sorted(keep)[0]}", "/api/v1/pairs/funds?limit=30"]
        for role in ("viewer", "analyst"):
            on_mem = TestClient(app_on(api_settings, mem), headers=bearer(role))
            on_neo = TestClient(app_on(api_settings, neo), headers=bearer(role))
            for url in urls:
                assert on_neo.get(url).json() == on_mem.get(url).json(), (role, url)
    finally:
        neo.clear()


def test_the_target_chart_has_a_colour_for_every_target_status() -> None:
    """The progress chart colours a bar by its target's status: every status the analysis gives
    (已完成 / 按进度 / 滞后 / 无数据) has its own colour, none falls back to the default grey."""
    script = (Path(__file__).resolve().parent.parent / "api" / "static" / "charts.js").read_text(
        encoding="utf-8")
    found = re.search(r"STATUS_COLOURS = \{([^}]*)\}", script)
    assert found, "charts.js: no STATUS_COLOURS"
    colours = dict(re.findall(r"(\w+):\s*\"(#[0-9a-f]{6})\"", found.group(1)))
    assert set(colours) == set(STATUS_ZH)
    assert len(set(colours.values())) == len(colours)
