"""The FastAPI app on the sample city: JSON equals the analyses, roles, errors, offline pages."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests import webapp
from tests.minicity import write_city
from tests.webapp import FIGURE_KEYS, TOKENS, app_on, bearer, web_settings
from tupu.api.app import create_app
from tupu.api.auth import COOKIE
from tupu.api.cli import main
from tupu.graph.analyses.monitoring import plan_targets
from tupu.api.deps import get_store, get_writable_store
from tupu.api.queries.overview import FICTIONAL_NOTICE
from tupu.api.serialize import records
from tupu.api.state import ReadWriteLock
from tupu.api.uploads import extract_zip, Budget
from tupu.errors import ConfigError, InputError, StoreUnavailable
from tupu.graph.analyses.bulletin import build_bulletin
from tupu.graph.analyses.candidates import candidates as rank_candidates
from tupu.graph.analyses.chain_links import chain_links
from tupu.graph.analyses.clusters import clusters as find_clusters, summary as cluster_summary
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.gaps import gaps as find_gaps, panorama
from tupu.graph.analyses.matching import parks_for
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.analyses.monitoring import off_track, projects, target_progress
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import locality
from tupu.graph.analyses.wording import money_text
from tupu.settings import Settings, load_settings



# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_store() -> MemoryStore:
    return webapp.sample_store()


@pytest.fixture(scope="module")
def api_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return web_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def app(api_settings: Settings, sample_store: MemoryStore) -> FastAPI:
    return app_on(api_settings, sample_store)


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
def anonymous(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def gap_link(sample_store: MemoryStore, cfg: AnalysisConfig) -> str:
    return str(find_gaps(sample_store, config=cfg.gaps)["link"].iloc[0])


@pytest.fixture(scope="module")
def local_enterprise(sample_store: MemoryStore) -> str:
    """A local enterprise with revenue, employees and at least one SUPPLIES tie."""
    local = locality(sample_store).local
    tied = {r.start.key for r in sample_store.find_relationships("SUPPLIES")}
    for n in sample_store.get_nodes("Enterprise", local & tied):
        if n.props.get("annual_revenue") and n.props.get("employees"):
            return n.key
    raise AssertionError("the sample has no local supplier with figures")


@pytest.fixture(scope="module")
def outside_candidate(analyst: TestClient, gap_link: str) -> dict[str, Any]:
    found: dict[str, Any] = analyst.get(f"/api/v1/candidates/{gap_link}").json()["candidates"][0]
    return found


def roundtrip(value: Any) -> Any:
    """What a value looks like after travelling as JSON."""
    return json.loads(json.dumps(value))


def keys_in(value: Any) -> set[str]:
    """Every dict key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value)) if value else set()
    return set()


# -- JSON endpoints equal the analyses ----------------------------------------------------------
def test_stats(analyst: TestClient, sample_store: MemoryStore) -> None:
    data = analyst.get("/api/v1/stats").json()
    assert data["nodes"] == sample_store.count_nodes()
    assert data["relationships"] == sample_store.count_relationships()
    assert data["fictional"] is True and "虚构" in data["notice"]
    assert data["store"] == "memory" and data["datasets"][0]["id"] == "sample"


def test_chains_and_their_links(analyst: TestClient, sample_store: MemoryStore) -> None:
    chains = analyst.get("/api/v1/chains").json()
    links = chain_links(sample_store)
    assert [c["id"] for c in chains] == sorted(set(links["chain_id"]))
    for c in chains:
        mine = links[links["chain_id"] == c["id"]]
        assert [x["id"] for x in c["links"]] == list(mine["link_id"])
    one = analyst.get(f"/api/v1/chains/{chains[0]['id']}").json()
    assert one == chains[0]


def test_chain_links_are_the_panorama_of_the_chain(
    analyst: TestClient, sample_store: MemoryStore, cfg: AnalysisConfig
) -> None:
    rows = analyst.get("/api/v1/chains/film-tv/links").json()
    assert rows == roundtrip(records(panorama(sample_store, Scope("city"), "film-tv", cfg.gaps)))
    assert {"link", "status", "broken", "lq", "local_enterprises"} <= set(rows[0])


def test_gaps_equal_the_analysis(analyst: TestClient, sample_store: MemoryStore,
                                 cfg: AnalysisConfig) -> None:
    data = analyst.get("/api/v1/gaps").json()
    assert data == roundtrip(records(find_gaps(sample_store, config=cfg.gaps)))
    assert data[0]["priority"] >= data[-1]["priority"] and data[0]["reasons"]
    park = sample_store.find_nodes("Park")[0].key
    every = analyst.get("/api/v1/gaps", params={"all": "true", "scope": f"park:{park}"}).json()
    assert every == roundtrip(records(panorama(sample_store, Scope("park", park), None,
                                               cfg.gaps)))
    some = analyst.get("/api/v1/gaps", params={"chain": "esports-games", "limit": 2}).json()
    assert some == roundtrip(records(find_gaps(sample_store, None, "esports-games",
                                               cfg.gaps).head(2)))


def test_candidates_equal_the_analysis(analyst: TestClient, sample_store: MemoryStore,
                                       cfg: AnalysisConfig, gap_link: str) -> None:
    data = analyst.get(f"/api/v1/candidates/{gap_link}", params={"limit": 5}).json()
    expected = records(rank_candidates(sample_store, gap_link, 5, cfg.candidates, cfg.gaps))
    assert data["candidates"] == roundtrip(expected)
    assert data["link"] == gap_link and data["link_name"] and data["chain_name"]
    first = data["candidates"][0]
    terms = ("scale", "brand", "ties", "indirect", "fit", "park", "funds", "universities")
    assert round(sum(first[t] for t in terms), 2) == first["score"]


def test_enterprise_profile_and_neighbourhood(analyst: TestClient, sample_store: MemoryStore,
                                              local_enterprise: str) -> None:
    data = analyst.get(f"/api/v1/enterprises/{local_enterprise}").json()
    node = sample_store.get_node("Enterprise", local_enterprise)
    assert node is not None
    assert data["profile"]["annual_revenue"] == node.props["annual_revenue"]
    assert data["profile"]["employees"] == node.props["employees"]
    assert data["local"] is True and data["town"] is not None
    assert data["observations"] and {"period", "revenue"} <= set(data["observations"][0])
    assert any(p["type"] == "SUPPLIES" for p in data["partners"])
    ids = {n["id"] for n in data["neighbourhood"]["nodes"]}
    assert f"Enterprise:{local_enterprise}" in ids
    assert all(r["start"] in ids and r["end"] in ids
               for r in data["neighbourhood"]["relationships"])
    assert not any(n["label"] == "EnterpriseObservation" for n in data["neighbourhood"]["nodes"])


def test_enterprise_search(analyst: TestClient, local_enterprise: str,
                           sample_store: MemoryStore) -> None:
    node = sample_store.get_node("Enterprise", local_enterprise)
    assert node is not None
    found = analyst.get("/api/v1/enterprises", params={"q": node.props["name"]}).json()
    assert found[0]["id"] == local_enterprise


def test_parks(analyst: TestClient, sample_store: MemoryStore, cfg: AnalysisConfig,
               outside_candidate: dict[str, Any]) -> None:
    listed = analyst.get("/api/v1/parks").json()
    assert [p["id"] for p in listed] == [n.key for n in sample_store.find_nodes("Park")]
    busiest = max(listed, key=lambda p: p["enterprises"])
    one = analyst.get(f"/api/v1/parks/{busiest['id']}").json()
    assert one["enterprise_count"] == busiest["enterprises"] > 0
    assert "annual_revenue" in one["enterprises"][0]
    key = outside_candidate["id"]
    data = analyst.get(f"/api/v1/parks-for/{key}").json()
    assert data["parks"] == roundtrip(records(parks_for(sample_store, key, cfg.matching,
                                                        cfg.candidates)))


def test_clusters_projects_targets(analyst: TestClient, sample_store: MemoryStore,
                                   cfg: AnalysisConfig) -> None:
    data = analyst.get("/api/v1/clusters").json()
    df = find_clusters(sample_store, cfg.clusters)
    assert data["clusters"] == roundtrip(records(df))
    assert data["summary"] == roundtrip(cluster_summary(df, cfg.clusters).to_dict())
    assert analyst.get("/api/v1/projects").json() == roundtrip(
        records(projects(sample_store, None, cfg.monitoring)))
    assert analyst.get("/api/v1/projects", params={"off_track": "true"}).json() == roundtrip(
        records(off_track(sample_store, None, config=cfg.monitoring)))
    targets = analyst.get("/api/v1/targets").json()
    plan = plan_targets(sample_store, None)
    assert targets["targets"] == roundtrip(records(target_progress(
        sample_store, plan, None, None, cfg.monitoring, cfg.clusters)))


def test_bulletin_json_html_xlsx(analyst: TestClient, sample_store: MemoryStore,
                                 cfg: AnalysisConfig) -> None:
    periods = analyst.get("/api/v1/bulletin").json()
    period = periods[0]
    assert periods == sorted(periods, reverse=True)
    data = analyst.get(f"/api/v1/bulletin/{period}").json()
    b = build_bulletin(sample_store, period, plan_targets(sample_store, None), cfg.monitoring,
                       cfg.clusters)
    assert data["title"] == b.title and data["summary"] == list(b.summary)
    assert [s["key"] for s in data["sections"]] == [s.key for s in b.sections]
    for got, section in zip(data["sections"], b.sections, strict=True):
        assert got["rows"] == roundtrip(records(section.frame))
    html = analyst.get(f"/api/v1/bulletin/{period}", params={"format": "html"})
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert '<html lang="zh-CN">' in html.text and "虚构" in html.text
    xlsx = analyst.get(f"/api/v1/bulletin/{period}", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert ".xlsx" in xlsx.headers["content-disposition"]


def test_gaps_and_candidates_download_as_excel(analyst: TestClient, gap_link: str) -> None:
    for url in ("/api/v1/gaps", f"/api/v1/candidates/{gap_link}"):
        r = analyst.get(url, params={"format": "xlsx"})
        assert r.status_code == 200 and r.content[:2] == b"PK", url
        # for people, as every workbook tupu writes: Chinese headers and words, no English key
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws is not None and ws.freeze_panes == "A4"
        heads = [c.value for c in ws[3]]
        assert heads and all(re.search(r"[\u4e00-\u9fff]", str(h)) for h in heads), (url, heads)
        if url == "/api/v1/gaps":
            column = {h: i for i, h in enumerate(heads)}
            status = {row[column["状态"]] for row in ws.iter_rows(min_row=4, values_only=True)}
            assert status and status <= {"缺失", "薄弱", "一般", "优势"}, status
            # the neighbouring links present locally by name (the JSON gives their keys)
            named = {r["link"]: r["link_name"]
                     for r in analyst.get(url, params={"all": "true"}).json()}
            shown = [(row[column["本地有企业的上游环节"]], row[column["本地有企业的下游环节"]])
                     for row in ws.iter_rows(min_row=4, values_only=True)]
            given = [tuple("；".join(named[k] for k in r[c]) or None
                           for c in ("upstream_present", "downstream_present"))
                     for r in analyst.get(url).json()]
            assert shown == given and any(any(pair) for pair in shown), shown
        else:
            assert "园区得分" in heads and "园区标识" not in heads


# -- roles ------------------------------------------------------------------------------------
def test_missing_or_unknown_token_is_401(anonymous: TestClient) -> None:
    r = anonymous.get("/api/v1/stats")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = anonymous.get("/api/v1/stats", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    page = anonymous.get("/gaps")
    assert page.status_code == 401 and 'name="token"' in page.text


def test_viewer_sees_no_enterprise_figures(
    viewer: TestClient, sample_store: MemoryStore, local_enterprise: str, gap_link: str,
    outside_candidate: dict[str, Any],
) -> None:
    node = sample_store.get_node("Enterprise", local_enterprise)
    assert node is not None
    profile = viewer.get(f"/api/v1/enterprises/{local_enterprise}").json()
    assert not keys_in(profile) & FIGURE_KEYS
    assert profile["profile"]["name"] == node.props["name"]
    cands = viewer.get(f"/api/v1/candidates/{gap_link}").json()
    assert cands["candidates"] and not keys_in(cands) & (FIGURE_KEYS | {"score"})
    assert not any("营业收入" in (c["explanation"] or "") for c in cands["candidates"])
    revenue = outside_candidate["annual_revenue"]
    assert money_text(revenue) not in json.dumps(cands, ensure_ascii=False)
    landing = viewer.get(f"/api/v1/parks-for/{outside_candidate['id']}").json()
    assert not keys_in(landing) & FIGURE_KEYS
    assert all("约" not in p["reasons"] for p in landing["parks"])
    busiest = max(viewer.get("/api/v1/parks").json(), key=lambda p: p["enterprises"])
    park = viewer.get(f"/api/v1/parks/{busiest['id']}").json()
    assert park["enterprises"] and not keys_in(park) & FIGURE_KEYS
    period = viewer.get("/api/v1/bulletin").json()[0]
    bulletin = viewer.get(f"/api/v1/bulletin/{period}").json()
    for section in bulletin["sections"]:
        if any("enterprise" in row for row in section["rows"]):
            assert not keys_in(section) & (FIGURE_KEYS | {"growth"}), section["key"]
    page = viewer.get(f"/enterprises/{local_enterprise}")
    assert page.status_code == 200
    assert money_text(float(node.props["annual_revenue"])) not in page.text
    assert "年营业收入" not in page.text


def test_viewer_aggregates_over_few_enterprises_are_suppressed(viewer: TestClient,
                                                               analyst: TestClient) -> None:
    seen = analyst.get("/api/v1/gaps", params={"all": "true"}).json()
    shown = viewer.get("/api/v1/gaps", params={"all": "true"}).json()
    assert len(seen) == len(shown)
    for a, v in zip(seen, shown, strict=True):
        if 0 < a["local_enterprises"] < 3:
            assert v["revenue"] is None and v["growth"] is None
        else:  # published cells are exact; others are suppressed to stop subtraction
            assert v["revenue"] in (None, a["revenue"])
    assert any(0 < a["local_enterprises"] < 3 for a in seen)
    assert any(v["revenue"] is not None for v in shown)
    park = next(p["id"] for p in viewer.get("/api/v1/parks").json() if p["enterprises"])
    in_park = viewer.get("/api/v1/gaps", params={"all": "true", "scope": f"park:{park}"}).json()
    assert all(r["revenue"] is None for r in in_park)  # parks nest in towns: never cells


def test_viewer_sees_no_project_investment_nor_headcount_brackets(
        viewer: TestClient, analyst: TestClient, outside_candidate: dict[str, Any]) -> None:
    assert any("total_investment" in p for p in analyst.get("/api/v1/projects").json())
    assert not keys_in(viewer.get("/api/v1/projects").json()) & {"total_investment",
                                                                  "investment_to_date"}
    landing = viewer.get(f"/api/v1/parks-for/{outside_candidate['id']}").json()["parks"]
    assert not keys_in(landing) & {"need", "space", "score"}
    assert not any("满足" in p["reasons"] or "不足" in p["reasons"] for p in landing)
    assert [p["rank"] for p in landing] == list(range(1, len(landing) + 1))


def test_viewer_cannot_export_analyst_can(viewer: TestClient, analyst: TestClient,
                                          gap_link: str) -> None:
    assert viewer.get("/api/v1/export/ttl").status_code == 403
    assert viewer.get("/api/v1/gaps", params={"format": "xlsx"}).status_code == 403
    assert viewer.get(f"/api/v1/candidates/{gap_link}",
                      params={"format": "xlsx"}).status_code == 403
    csv_zip = analyst.get("/api/v1/export/csv")
    assert csv_zip.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(csv_zip.content)).namelist()
    assert any(n.endswith("nodes/Enterprise.csv") for n in names)
    assert analyst.get("/api/v1/export/pdf").status_code == 422


@pytest.fixture
def load_app(api_settings: Settings) -> Iterator[tuple[FastAPI, MemoryStore]]:
    """An app whose store is empty: what admins load goes there."""
    store = MemoryStore(None)
    web = create_app(api_settings)
    web.dependency_overrides[get_store] = lambda: store
    web.dependency_overrides[get_writable_store] = lambda: store
    yield web, store


def zipped(folder: Path, top: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                rel = p.relative_to(folder).as_posix()
                z.write(p, f"{top}/{rel}" if top else rel)
    return buf.getvalue()


def test_only_admins_load(load_app: tuple[FastAPI, MemoryStore], tmp_path: Path) -> None:
    web, store = load_app
    body = zipped(write_city(tmp_path / "mini"), top="mini")
    files = {"files": ("mini.zip", body, "application/zip")}
    for role in ("viewer", "analyst"):
        r = TestClient(web, headers=bearer(role)).post("/api/v1/load", files=files)
        assert r.status_code == 403
    admin = TestClient(web, headers=bearer("admin"))
    dry = admin.post("/api/v1/load", files=files, params={"dry_run": "true"})
    assert dry.status_code == 200 and dry.json()["written"] is False
    assert store.count_nodes() == {}
    done = admin.post("/api/v1/load", files=files).json()
    assert done["written"] is True and done["nodes"]["Enterprise"] == 3
    assert store.count_nodes()["Enterprise"] == 3
    assert admin.get("/api/v1/stats").json()["nodes"]["Enterprise"] == 3


def test_bad_upload_is_422_naming_the_cell_and_writes_nothing(
    load_app: tuple[FastAPI, MemoryStore], tmp_path: Path
) -> None:
    web, store = load_app
    admin = TestClient(web, headers=bearer("admin"))
    bad = write_city(tmp_path / "mini", {"nodes/Park.csv": "id,name,floor_area\np1,一号文化园,五万\n"})
    r = admin.post("/api/v1/load", files={"files": ("mini.zip", zipped(bad), "application/zip")})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "ValidationFailed"
    assert any(p["column"] == "floor_area" and p["row"] == 2 and "Park.csv" in p["file"]
               for p in body["problems"])
    assert store.count_nodes() == {}
    csv = admin.post("/api/v1/load", files={"files": ("Town.csv", b"id,kind\nt1,town\n")})
    assert csv.status_code == 422 and store.count_nodes() == {}
    other = admin.post("/api/v1/load", files={"files": ("notes.pdf", b"%PDF")})
    assert other.status_code == 422


def test_zip_members_outside_the_folder_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../escaped.csv", "id\n")
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(InputError, match="指向压缩包之外"):
        extract_zip(evil, into, Budget(1 << 20))
    assert not (tmp_path / "escaped.csv").exists()


def test_uploads_over_the_limit_are_413(api_settings: Settings) -> None:
    small = api_settings.model_copy(update={"upload_max_mb": 1})
    web = create_app(small)
    web.dependency_overrides[get_writable_store] = lambda: MemoryStore(None)
    admin = TestClient(web, headers=bearer("admin"))
    big = b"x" * ((1 << 20) + 10)
    r = admin.post("/api/v1/load", files={"files": ("Town.csv", big)})
    assert r.status_code == 413


def test_browser_signs_in_with_a_cookie(app: FastAPI) -> None:
    browser = TestClient(app)
    bad = browser.post("/login", data={"token": "wrong", "next": "/gaps"})
    assert bad.status_code == 401 and "令牌无效" in bad.text
    ok = browser.post("/login", data={"token": "viewer-token-0123456789", "next": "//evil.example"},
                      follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert browser.get("/gaps").status_code == 200
    assert browser.get("/api/v1/export/ttl").status_code == 403  # a viewer, by cookie
    out = browser.get("/logout", follow_redirects=False)
    assert out.status_code == 303


def test_development_without_tokens_everyone_is_analyst(
    sample_store: MemoryStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tupu.api"):
        web = create_app(load_settings(data_dir=tmp_path, api_tokens={}, env="development"))
    assert "TUPU_API_TOKENS is not set" in caplog.text
    web.dependency_overrides[get_store] = lambda: sample_store
    client = TestClient(web)
    assert client.get("/api/v1/stats").status_code == 200
    assert client.get("/api/v1/gaps", params={"format": "xlsx"}).status_code == 200
    assert client.post("/api/v1/load", files={"files": ("x.csv", b"")}).status_code == 403


def test_production_refuses_to_start_without_tokens(tmp_path: Path) -> None:
    prod = {"data_dir": tmp_path, "env": "production", "neo4j_password": "a-real-password"}
    with pytest.raises(ConfigError, match="TUPU_API_TOKENS"):
        create_app(load_settings(**prod, api_tokens={}))
    with pytest.raises(ConfigError, match="短于"):
        create_app(load_settings(**prod, api_tokens={"short": "admin"}))
    create_app(load_settings(**prod, api_tokens=TOKENS))


def test_serve_refuses_production_without_tokens(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    for var, value in (("TUPU_ENV", "production"), ("TUPU_NEO4J_PASSWORD", "a-real-password"),
                       ("TUPU_DATA_DIR", str(tmp_path))):
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("TUPU_API_TOKENS", raising=False)
    assert main(["serve"]) == 2


def test_serve_runs_uvicorn_on_the_given_address(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: FastAPI, host: str, port: int, **kwargs: Any) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TUPU_API_TOKENS", json.dumps(TOKENS))
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert isinstance(seen["app"], FastAPI)


# -- errors -----------------------------------------------------------------------------------
def test_error_statuses(analyst: TestClient, app: FastAPI, sample_store: MemoryStore) -> None:
    cases = {
        "/api/v1/chains/no-such-chain": 404,
        "/api/v1/candidates/no-such-link": 404,
        "/api/v1/enterprises/no-such-enterprise": 404,
        "/api/v1/parks/no-such-park": 404,
        "/api/v1/parks-for/no-such-enterprise": 404,
        "/api/v1/gaps?scope=park:no-such-park": 404,
        "/api/v1/gaps?chain=no-such-chain": 404,
        "/api/v1/gaps?scope=planet": 400,
        "/api/v1/bulletin/2025-2": 400,
        "/api/v1/projects?period=last": 400,
        "/api/v1/gaps?limit=0": 422,
    }
    for url, status in cases.items():
        r = analyst.get(url)
        assert r.status_code == status, (url, r.text)
        assert "detail" in r.json()
    page = analyst.get("/enterprises/no-such-enterprise")
    assert page.status_code == 404 and '<html lang="zh-CN">' in page.text and "未找到" in page.text


def test_an_unavailable_store_is_503(api_settings: Settings) -> None:
    web = create_app(api_settings)

    def down() -> GraphStore:
        raise StoreUnavailable("Neo4j at bolt://127.0.0.1:1 does not answer")

    web.dependency_overrides[get_store] = down
    client = TestClient(web, headers=bearer("viewer"))
    r = client.get("/api/v1/stats")
    assert r.status_code == 503 and r.json()["error"] == "StoreUnavailable"
    assert client.get("/").status_code == 503


# -- HTML pages -------------------------------------------------------------------------------
class Assets(HTMLParser):
    """The src and href attributes of a page, and its <html lang>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for name in ("src", "href"):
            if a.get(name):
                self.urls.append(str(a[name]))
        if tag == "script" and a.get("src"):
            self.scripts.append(str(a["src"]))


def parse(html: str) -> Assets:
    p = Assets()
    p.feed(html)
    return p


def page_urls(store: MemoryStore, gap_link: str, enterprise: str) -> list[str]:
    park = store.find_nodes("Park")[0].key
    return ["/", "/chains/film-tv", "/chains/film-tv?scope=park:" + park, "/gaps", "/map",
            "/map?chain=film-tv&scope=park:" + park, "/explore",
            f"/candidates/{gap_link}", f"/enterprises/{enterprise}", "/enterprises?q=太仓",
            "/parks", f"/parks/{park}", "/clusters", "/projects", "/projects?off_track=true",
            "/targets", "/bulletin", "/login"]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_every_page_is_zh_cn_offline_and_says_the_data_is_fictional(
    app: FastAPI, sample_store: MemoryStore, gap_link: str, local_enterprise: str, role: str,
) -> None:
    client = TestClient(app, headers=bearer(role))
    for url in page_urls(sample_store, gap_link, local_enterprise):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:500])
        assert r.headers["content-type"].startswith("text/html")
        page = parse(r.text)
        assert page.lang == "zh-CN", url
        assert FICTIONAL_NOTICE in r.text, url
        external = [u for u in page.urls if u.lower().startswith(("http://", "https://", "//"))]
        assert not external, (url, external)


def test_page_assets_are_served_locally(analyst: TestClient) -> None:
    page = parse(analyst.get("/").text)
    for url in page.urls:
        if url.startswith("/static/"):
            assert analyst.get(url).status_code == 200, url


def test_the_neighbourhood_graph_embeds_vis_network_locally(
    analyst: TestClient, local_enterprise: str
) -> None:
    r = analyst.get(f"/enterprises/{local_enterprise}")
    page = parse(r.text)
    vis = [s for s in page.scripts if s.endswith("vis-network.min.js")]
    assert vis and vis[0].startswith("/static/")
    js = analyst.get(vis[0])
    assert js.status_code == 200 and "vis" in js.text[:2000] and len(js.content) > 100_000
    assert "/static/neighbourhood.js" in page.scripts  # no inline script: the CSP allows 'self'
    assert "new vis.Network" in analyst.get("/static/graphcommon.js").text
    assert f'"Enterprise:{local_enterprise}"' in r.text.replace("\\u003c", "<")
    assert "cdn" not in " ".join(page.urls).lower()


def test_docs_work_offline(anonymous: TestClient) -> None:
    spec = anonymous.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/gaps" in paths and "/api/v1/load" in paths
    assert all(p.startswith("/api/v1/") for p in paths)  # pages stay out of the API docs
    assert "HTTPBearer" in spec.json()["components"]["securitySchemes"]
    docs = anonymous.get("/docs")
    assert docs.status_code == 200
    page = parse(docs.text)
    assert page.urls and all(u.startswith("/") and not u.startswith("//") for u in page.urls)
    init = [u for u in page.urls if u.endswith("/static/docs-init.js")]
    assert init and "validatorUrl: null" in anonymous.get(init[0]).text  # no inline script
    assert 'data-openapi-url="/openapi.json"' in docs.text
    for url in page.urls:
        if url.startswith("/static/"):
            assert anonymous.get(url).status_code == 200, url
    assert anonymous.get("/redoc", headers=bearer("viewer")).status_code == 404
    assert anonymous.get("/redoc").status_code == 401  # unknown paths tell strangers nothing


# -- the store lock ---------------------------------------------------------------------------
def test_a_writer_waits_for_readers_and_readers_for_a_writer() -> None:
    lock = ReadWriteLock()
    events: list[str] = []

    def write() -> None:
        with lock.write():
            events.append("write")

    with lock.read():
        t = threading.Thread(target=write)
        t.start()
        time.sleep(0.05)
        events.append("read done")
    t.join(timeout=5)
    assert events == ["read done", "write"]


def test_the_bulletin_period_picker(analyst: TestClient) -> None:
    latest = analyst.get("/api/v1/bulletin").json()[0]
    r = analyst.get("/bulletin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/bulletin/{latest}"
    r = analyst.get("/bulletin", params={"period": "2025Q1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/bulletin/2025Q1"
    assert analyst.get("/bulletin", params={"period": "//evil"}).status_code == 400


def test_only_the_swagger_files_the_docs_need_are_served(anonymous: TestClient) -> None:
    assert anonymous.get("/static/vendor/swagger-ui/swagger-ui.css").status_code == 200
    for name in ("index.html", "swagger-initializer.js", "..%2F..%2Fsettings.py"):
        assert anonymous.get(f"/static/vendor/swagger-ui/{name}").status_code == 404
