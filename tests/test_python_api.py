"""The analyst's path: ``tupu.open()`` and its methods, names instead of ids (Python and CLI),
the examples of docs/python.md, and planted truths of the analyses found through that path.

Planted in a copy of the sample city: an outside enterprise with every advantage (ties to four
local enterprises, a park positioned for its link with room, revenue) and its dead twin with even
more (the same ties, far more revenue, listed, unicorn) but deregistered.
"""

from __future__ import annotations

import csv
import doctest
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import tupu
from tests.conftest import REPO
from tests.minicity import uscc
from tests.plant import add_rows, copy_sample, read_rows, write_rows
from tupu.api.cli import main
from tupu.errors import AmbiguousName, InputError, NoData, UnknownName, UsageError
from tupu.graph.analyses.candidates import TERMS
from tupu.graph.analyses.monitoring import target_progress
from tupu.loaders.pipeline import load
from tupu.map import IndustryMap
from tupu.messages import msg
from tupu.ontology.targets import read_targets
from tupu.settings import get_settings

PERIOD = "2025Q2"


@dataclass(frozen=True)
class City:
    data_dir: Path
    link: str
    link_name: str
    ideal: str
    dead: str
    partners: tuple[str, ...]


def _open(data_dir: Path) -> IndustryMap:
    return tupu.open(store="memory", data_dir=data_dir)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    """The sample city with the ideal candidate and its dead twin planted, loaded into a data
    folder's memory store."""
    root = tmp_path_factory.mktemp("city")
    folder = copy_sample(root)
    # a link of the esports chain the sample has candidates for
    link, link_name = "esports-games.events", "电竞赛事运营"
    covers = [r["end"] for r in read_rows(REPO / "ontology" / "chains" / "culture"
                                          / "relationships" / "COVERS.csv") if r["start"] == link]
    local = sorted({r["start"] for r in read_rows(folder / "relationships" / "LOCATED_IN.csv")})
    partners = tuple(local[:4])
    ideal, dead = uscc(880001, "440305"), uscc(880002, "440305")
    path = folder / "nodes" / "Enterprise.csv"
    rows = read_rows(path)
    header = list(rows[0]) + ["reg_status"]
    rows += [
        {"id": ideal, "name": "深圳理想互娱科技有限公司", "short_name": "理想互娱",
         "province": "广东省", "city": "深圳市", "annual_revenue": "200000", "employees": "2500",
         "reg_status": "active"},
        {"id": dead, "name": "深圳已销互娱科技股份有限公司", "short_name": "已销互娱",
         "province": "广东省", "city": "深圳市", "annual_revenue": "900000", "employees": "5000",
         "listed": "true", "unicorn": "true", "reg_status": "deregistered"},
    ]
    write_rows(path, rows, header)
    add_rows(folder, "nodes/Park.csv", [{
        "id": "ideal-park", "name": "理想电竞测试园", "level": "town", "floor_area": "50000",
        "vacant_area": "30000", "positioning": "电竞赛事（测试）", "established": "2020-01-01",
    }])
    town = read_rows(folder / "nodes" / "Town.csv")[0]["id"]
    add_rows(folder, "relationships/IN_TOWN.csv", [{"start": "ideal-park", "end": town}])
    add_rows(folder, "relationships/POSITIONED_FOR.csv", [{"start": "ideal-park", "end": link}])
    add_rows(folder, "relationships/IN_SUBSECTOR.csv",
             [{"start": e, "end": covers[0]} for e in (ideal, dead)])
    add_rows(folder, "relationships/SUPPLIES.csv",
             [{"start": ideal, "end": p} for p in partners]
             + [{"start": dead, "end": p} for p in local[:4]])
    data_dir = root / "data"
    from tupu.graph.stores.memory_store import MemoryStore

    store = MemoryStore(data_dir / "map.snapshot")
    load([folder], store)
    store.close()
    return City(data_dir, link, link_name, ideal, dead, partners)


@pytest.fixture
def m(city: City) -> Iterator[IndustryMap]:
    with _open(city.data_dir) as opened:
        yield opened


# -- the entry point ----------------------------------------------------------------------------


def test_import_tupu_stays_light() -> None:
    code = ("import sys, tupu; heavy = [m for m in ('pandas', 'networkx', 'neo4j', "
            "'tupu.graph.stores.store') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_every_analysis_returns_a_dataframe(m: IndustryMap, city: City) -> None:
    gaps = m.gaps()
    assert "link" in gaps.columns and "reasons" in gaps.columns and not gaps.empty
    assert set(m.links()["link"]) >= set(gaps["link"])
    for df in (m.candidates(city.link), m.parks(), m.parks(city.ideal), m.pairs("funds", 5),
               m.pairs("universities", 5), m.clusters(), m.anchors(3), m.projects(PERIOD),
               m.targets(period=PERIOD), m.chains(), m.towns(), m.stats(),
               m.provenance("Enterprise", city.ideal)):
        assert len(df) > 0
    assert set(m.bulletin(PERIOD)) >= {"kpis"}
    with pytest.raises(UsageError):
        m.pairs("banks")  # type: ignore[arg-type]


def test_to_networkx_filters_labels_and_types(m: IndustryMap, city: City) -> None:
    g = m.to_networkx(labels=["Enterprise"], types=["SUPPLIES"])
    assert {d["label"] for _, d in g.nodes(data=True)} == {"Enterprise"}
    assert {k for _, _, k in g.edges(keys=True)} == {"SUPPLIES"}
    assert all(g.has_edge(f"Enterprise:{city.ideal}", f"Enterprise:{p}") for p in city.partners)


def test_cypher_on_the_memory_store_says_what_to_do(m: IndustryMap) -> None:
    with pytest.raises(UsageError, match="Neo4j"):
        m.cypher("MATCH (n) RETURN n")


def test_docs_examples_run(city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUPU_DATA_DIR", str(city.data_dir))
    monkeypatch.setenv("TUPU_STORE", "memory")
    get_settings.cache_clear()
    try:
        result = doctest.testfile(
            str(REPO / "docs" / "python.md"), module_relative=False, verbose=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finally:
        get_settings.cache_clear()
    assert result.attempted > 20
    assert result.failed == 0, "docs/python.md examples failed (see the output above)"


def test_enterprises_and_their_links(m: IndustryMap, city: City) -> None:
    ent = m.enterprises().set_index("id")
    ideal = ent.loc[city.ideal]
    assert ideal["name"] == "深圳理想互娱科技有限公司" and not ideal["local"]
    assert ent.loc[city.dead, "reg_status"] == "deregistered"
    local = m.enterprises(local=True)
    assert local["local"].all() and local["town_name"].notna().all()
    assert set(city.partners) <= set(local["id"]) and city.ideal not in set(local["id"])
    park_names = m.parks().set_index("park")["name"]
    in_park = local[local["park"].notna()]
    assert len(in_park) > 0 and (in_park["park_name"] == in_park["park"].map(park_names)).all()
    links = m.enterprise_links()
    assert city.ideal in set(links.loc[links["link"] == city.link, "enterprise"])
    assert set(links["link_name"]) <= set(m.links()["name"])
    # the same count as the panorama's, link by link
    counted = m.enterprise_links(local=True).groupby("link")["enterprise"].nunique()
    panorama = m.gaps(all=True).set_index("link")["local_enterprises"]
    assert (counted.reindex(panorama.index, fill_value=0) == panorama).all()


def test_cluster_members_and_graph(m: IndustryMap) -> None:
    import networkx as nx

    cl = m.clusters()
    members = m.cluster_members()
    assert members.groupby("cluster").size().to_dict() == dict(
        zip(cl["cluster"], cl["size"], strict=True))
    assert members["name"].notna().all() and not members["enterprise"].duplicated().any()
    g = m.cluster_graph()
    assert set(members["enterprise"]) <= set(g.nodes)
    assert all(d["weight"] > 0 for _, _, d in g.edges(data=True))
    parts = [set(x["enterprise"]) for _, x in members.groupby("cluster")]
    parts += [{k} for k in set(g.nodes) - set(members["enterprise"])]
    assert nx.community.modularity(g, parts) > 0.3  # the clusters are communities of that graph


def test_sparql_over_the_rdf_view(tmp_path: Path) -> None:
    from tests.minicity import E1, E2, E3, write_city

    folder = write_city(tmp_path / "src")
    with tupu.open(store="memory", data_dir=tmp_path / "data") as mini:
        mini.load(folder)
        rdf = mini.to_rdf()
        assert mini.to_rdf() is rdf and len(rdf) > 0
        df = mini.sparql("SELECT ?id ?name WHERE { ?e a tupu:Enterprise ; tupu:id ?id ; "
                         "tupu:name ?name } ORDER BY ?id")
        assert list(df.columns) == ["id", "name"] and list(df["id"]) == sorted([E1, E2, E3])
        query = "SELECT ?name WHERE { ?e tupu:id ?id ; tupu:name ?name }"
        assert mini.sparql(query, id=E3)["name"].tolist() == ["外地游戏股份有限公司"]
        assert mini.sparql(query, id=f'{E3}" }} ?e ?p ?name {{').empty  # a value, not text
        unbound = mini.sparql("SELECT ?e ?x WHERE { ?e a tupu:Enterprise "
                              "OPTIONAL { ?e tupu:no_such_property ?x } }")
        assert len(unbound) == 3 and unbound["x"].isna().all()
        for bad, said in [
            ("SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
            ("SELECT ?s FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", "FROM"),
            ("SELECT ?s FROM NAMED <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }", "FROM NAMED"),
            ("ASK { ?s ?p ?o }", "SELECT"),
            ("SELECT WHERE", "语法"),
        ]:
            with pytest.raises(UsageError, match=said):
                mini.sparql(bad)
        mini.load(write_city(tmp_path / "again", {"nodes/Enterprise.csv": (
            "id,name,short_name,province,city,annual_revenue,employees,listed,above_scale,founded\n"
            f"{E1},迷你数字科技有限公司,迷你数字,江苏省,迷你市,5200.5,120,false,true,2016-03-02\n"
            f"{E2},迷你装备制造有限公司,迷你装备,江苏省,迷你市,800,30,否,0,2020-07-15\n"
            f"{E3},外地游戏股份有限公司,外地游戏,北京市,北京市,250000,900,true,true,2008-01-09\n"
        )}))
        assert mini.to_rdf() is not rdf  # a load makes the RDF view again


def test_configured_store_follows_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for store in ("neo4j", "memory"):
        monkeypatch.setenv("TUPU_STORE", store)
        get_settings.cache_clear()
        try:
            assert tupu.configured_store() == store
        finally:
            get_settings.cache_clear()


def test_tables_and_bulletin_saved_for_people(m: IndustryMap, city: City, tmp_path: Path) -> None:
    import openpyxl

    c = m.candidates(city.link, limit=5)
    csv_path = m.save_table(c, tmp_path / "候选.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    head = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert head[:3] == ["排名", "标识", "名称"] and "score" not in head
    xlsx = m.save_table(c, tmp_path / "候选.xlsx", title="靶向招引候选")
    ws = openpyxl.load_workbook(xlsx).active
    assert ws is not None and ws["A1"].value == "靶向招引候选" and "虚构" in str(ws["A2"].value)
    assert ws.freeze_panes == "A4" and ws["A3"].value == "排名"
    with pytest.raises(UsageError, match=".csv 或 .xlsx"):
        m.save_table(c, tmp_path / "候选.txt")
    page = m.save_bulletin(PERIOD, tmp_path / "通报.html").read_text(encoding="utf-8")
    assert "缺口与招引" in page and "<svg" in page
    assert m.save_bulletin(PERIOD, tmp_path / "通报.xlsx").stat().st_size > 0
    assert "缺口与招引" in m.save_bulletin(PERIOD, tmp_path / "通报.md").read_text(encoding="utf-8")
    with pytest.raises(UsageError):
        m.save_bulletin(PERIOD, tmp_path / "通报.pdf")
    with pytest.raises(NoData):
        m.save_bulletin("2026Q1", tmp_path / "无.html")
    assert not (tmp_path / "无.html").exists()


# -- names, not ids -----------------------------------------------------------------------------


def test_names_resolve_to_ids(m: IndustryMap, city: City) -> None:
    assert m.resolve("Enterprise", "深圳理想互娱科技有限公司") == city.ideal
    assert m.resolve("Enterprise", "理想互娱") == city.ideal
    assert m.resolve("Enterprise", city.ideal) == city.ideal
    assert m.resolve("ChainLink", city.link_name) == city.link
    assert m.resolve("ChainLink", f"电竞游戏/{city.link_name}") == city.link
    assert m.resolve("Chain", "影视制作") == "film-tv"
    assert m.resolve("Park", "理想电竞测试园") == "ideal-park"
    assert list(m.parks("理想互娱")["park"]) == list(m.parks(city.ideal)["park"])
    assert list(m.candidates(city.link_name)["id"]) == list(m.candidates(city.link)["id"])


def test_no_match_suggests_and_several_are_listed(m: IndustryMap) -> None:
    with pytest.raises(UnknownName) as e:
        m.gaps(chain="film")
    assert "film-tv" in e.value.suggestions[0] and len(e.value.valid) == len(m.chains())
    with pytest.raises(UnknownName) as e2:
        m.parks("深圳理想互娱科技有限责任公司")  # one word off
    assert any("理想互娱" in s for s in e2.value.suggestions)
    with pytest.raises(AmbiguousName) as e3:
        m.resolve("Enterprise", "互娱")
    assert len(e3.value.matches) > 1


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_takes_names_and_lists_choices(capsys: pytest.CaptureFixture[str], city: City) -> None:
    d = ["--data-dir", str(city.data_dir), "--store", "memory"]
    code, out, _ = _run(capsys, *d, "candidates", city.link_name, "--limit", "3")
    assert code == 0 and city.ideal in out  # the table shows ids
    code, out, _ = _run(capsys, *d, "parks", "理想互娱", "--limit", "1", "--format", "csv")
    with _open(city.data_dir) as m:
        assert code == 0 and m.parks(city.ideal)["park"].iloc[0] in out
    code, out, _ = _run(capsys, *d, "parks")
    assert code == 0 and "ideal-park" in out and "理想电竞测试园" in out
    code, out, _ = _run(capsys, *d, "towns", "--format", "csv")
    assert code == 0 and "liuhe,浏河镇" in out
    code, out, _ = _run(capsys, *d, "links", "--chain", "电竞游戏")
    assert code == 0 and city.link in out and "film-tv" not in out
    code, out, _ = _run(capsys, *d, "chains")
    assert code == 0 and "film-tv" in out and "影视制作" in out
    code, out, _ = _run(capsys, *d, "gaps", "--scope", "town:浏河镇", "--limit", "2")
    assert code == 0
    code, out, _ = _run(capsys, *d, "provenance", "Park", "理想电竞测试园")
    assert code == 0 and "Park:ideal-park" in out

    code, _, err = _run(capsys, *d, "gaps", "--chain", "film")
    assert code == 1 and "您是否要找：影视制作（film-tv）" in err and "可选的产业链" in err
    code, _, err = _run(capsys, *d, "bulletin", "2026Q1")
    assert code == 1 and "2026Q1没有监测数据" in err and PERIOD in err
    code, _, err = _run(capsys, *d, "gaps", "--scope", "town:不存在镇")
    assert code == 1 and "可选的区镇" in err and "浏河镇（liuhe）" in err
    code, _, err = _run(capsys, *d, "gaps", "--store", "neo4j")
    assert code == 2 and "请写在命令名之前：tupu --store … gaps" in err


# -- planted truths -----------------------------------------------------------------------------


def test_a_dead_enterprise_is_never_ranked(m: IndustryMap, city: City,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from tupu.api.app import create_app

    everyone = m.candidates(city.link, limit=None)
    assert city.dead not in set(everyone["id"])
    assert city.ideal in set(everyone["id"])
    # the same on the CLI and the pages, where the 招商 teams read the lists
    d = ["--data-dir", str(city.data_dir), "--store", "memory"]
    code, out, _ = _run(capsys, *d, "candidates", city.link_name, "--limit", "0", "--format", "json")
    assert code == 0 and city.ideal in out and city.dead not in out
    with TestClient(create_app(m.settings)) as client:
        api = client.get(f"/api/v1/candidates/{city.link}?limit=500").json()
        page = client.get(f"/candidates/{city.link}")
    assert city.dead not in {c["id"] for c in api["candidates"]}
    assert page.status_code == 200 and "深圳理想互娱科技有限公司" in page.text
    assert "深圳已销互娱科技股份有限公司" not in page.text


def test_the_ideal_candidate_ranks_first_with_its_park(m: IndustryMap, city: City,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from tupu.api.app import create_app

    top = m.candidates(city.link, limit=5).iloc[0]
    assert top["id"] == city.ideal
    assert top["ties"] > 0 and top["park"] > 0 and top["scale"] > 0
    # a group of 2,500 people lands a branch: the park term asks for its room, not 25,000 ㎡
    assert "理想电竞测试园定位于本环节，空置3.0万㎡，满足约2,000㎡需求" in top["explanation"]
    d = ["--data-dir", str(city.data_dir), "--store", "memory"]
    code, out, _ = _run(capsys, *d, "candidates", city.link_name, "--limit", "3", "--format", "csv")
    first = next(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert code == 0 and first["排名"] == "1" and first["标识"] == city.ideal
    with TestClient(create_app(m.settings)) as client:
        page = client.get(f"/candidates/{city.link_name}").text
    assert page.index("深圳理想互娱科技有限公司") < min(
        page.index(str(n)) for n in m.candidates(city.link, limit=5)["name"][1:] if str(n) in page)


_POINTS = re.compile(r"（\+([0-9.]+)分）")


def test_every_term_is_explained_with_its_points(m: IndustryMap, city: City) -> None:
    links = [city.link, *m.gaps()["link"].head(3)]
    seen = 0
    for link in links:
        for _, row in m.candidates(link, limit=10).iterrows():
            stated = [float(x) for x in _POINTS.findall(str(row["explanation"]))]
            nonzero = sorted(round(float(row[t]), 2) for t in TERMS if row[t])
            # brand flags are stated one by one: their points add up to the brand term
            assert sum(stated) == pytest.approx(row["score"], abs=0.011), row["explanation"]
            assert len(stated) >= len(nonzero)
            assert row["score"] == pytest.approx(sum(row[t] for t in TERMS))
            seen += 1
    assert seen > 10


def test_one_best_park_everywhere(m: IndustryMap, city: City) -> None:
    from fastapi.testclient import TestClient

    from tupu.api.app import create_app

    ranked = m.candidates(city.link, limit=5)
    for _, row in ranked.iterrows():
        first = m.parks(row["id"]).iloc[0]
        assert (row["best_park_id"], row["best_park"]) == (first["park"], first["park_name"])
    with TestClient(create_app(m.settings)) as client:
        page = client.get(f"/api/v1/candidates/{city.link}?limit=5").json()
    assert [c["best_park"] for c in page["candidates"]] == list(ranked["best_park"])


def test_target_statuses_at_q2(m: IndustryMap) -> None:
    """At Q2 half of a pro-rata target is expected: a target whose half is reached is on track,
    one whose half is not is behind, one reached in full is met; a level target is behind until
    reached."""
    projects = m.projects(PERIOD)
    new = int(((projects["plan_year"] == 2025) & projects["new_in_plan_year"]).sum())
    assert new > 2

    def target(tid: str, value: float, measure: str = "new_key_projects",
               op: str = "ge") -> dict[str, object]:
        return {"id": tid, "name": tid, "measure": measure, "value": value, "unit": "个",
                "comparison": "不少于", "operator": op, "year": 2025, "scope": "graph",
                "quote": "测试"}

    plan = read_targets({
        "plan": {"id": "t", "title": "测试方案", "issuer": "测试", "date": "2025-01-01",
                 "status": "测试", "year": 2025},
        "targets": [target("on-track", 2 * new), target("behind", 2 * new + 2),
                    target("met", new),
                    {**target("clusters", 0, "industry_clusters", "range"), "value": None,
                     "min": 50, "max": 60, "comparison": "区间"}],
    }, "test")
    tp = target_progress(m.store, plan, 2025, PERIOD, m.config.monitoring,
                         m.config.clusters).set_index("target")
    assert tp.loc["on-track", "status"] == "on_track" and tp.loc["on-track", "expected"] == new
    assert tp.loc["behind", "status"] == "behind" and tp.loc["behind", "expected"] == new + 1
    assert tp.loc["met", "status"] == "met"
    assert tp.loc["clusters", "status"] == "behind"  # a range, judged on its lower bound
    with pytest.raises(NoData):
        m.bulletin("2026Q1")


def test_target_statuses_at_q2_where_users_read_them(m: IndustryMap, city: City,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The sample's plan at Q2: the same statuses, in Chinese, on the CLI and the page as in
    Python — one on track (half of the year's target expected), one behind."""
    from fastapi.testclient import TestClient

    from tupu.api.app import create_app

    t = m.targets(period=PERIOD).set_index("name")
    on_track = t[(t["status"] == "on_track") & (t["expected"] < t["annual"])]
    behind = t[t["status"] == "behind"]
    assert len(on_track) and len(behind)
    name_on, name_behind = on_track.index[0], behind.index[0]
    assert t.loc[name_on, "actual"] >= t.loc[name_on, "expected"]
    assert t.loc[name_behind, "actual"] < t.loc[name_behind, "expected"]
    d = ["--data-dir", str(city.data_dir), "--store", "memory"]
    code, out, _ = _run(capsys, *d, "targets", "--period", PERIOD, "--format", "csv")
    rows = {r["名称"]: r for r in csv.DictReader(io.StringIO(out.removeprefix("\ufeff")))}
    assert code == 0
    assert rows[name_on][msg("col.status")] == "按进度"
    assert rows[name_behind][msg("col.status")] == "滞后"
    with TestClient(create_app(m.settings)) as client:
        page = client.get("/targets", params={"period": PERIOD})
    assert page.status_code == 200 and "按进度" in page.text and "滞后" in page.text
    assert name_on in page.text and name_behind in page.text


def test_targets_and_clusters_judge_the_range_alike(m: IndustryMap) -> None:
    summary = m.clusters().attrs["summary"]
    row = m.targets(period=PERIOD).set_index("target").loc["industry-clusters"]
    assert row["actual"] == summary["significant"]
    assert (row["status"] == "met") is summary["meets_plan"]
    assert row["status"] in summary["text"] or ("已完成" in summary["text"]) is summary["meets_plan"]


def test_pages_and_api_take_names(m: IndustryMap, city: City) -> None:
    from fastapi.testclient import TestClient

    from tupu.api.app import create_app

    with TestClient(create_app(m.settings)) as client:
        by_name = client.get(f"/api/v1/candidates/{city.link_name}?limit=3").json()
        assert by_name["link"] == city.link and by_name["candidates"][0]["id"] == city.ideal
        park = client.get("/api/v1/parks/理想电竞测试园")
        assert park.status_code == 200 and park.json()["id"] == "ideal-park"
        assert client.get("/api/v1/parks-for/理想互娱").json()["enterprise"] == city.ideal
        page = client.get("/enterprises/理想互娱")
        assert page.status_code == 200 and "深圳理想互娱科技有限公司" in page.text
        gaps = client.get("/api/v1/gaps", params={"scope": "town:浏河镇", "chain": "电竞游戏"})
        assert gaps.status_code == 200
        missing = client.get("/api/v1/chains/film")
        assert missing.status_code == 404 and "影视制作（film-tv）" in missing.json()["detail"]
        empty = client.get("/api/v1/bulletin/2026Q1")
        assert empty.status_code == 404 and PERIOD in empty.json()["detail"]


def test_pairs_are_new_by_default_and_separate(m: IndustryMap) -> None:
    new = m.pairs("universities", limit=None)
    existing = m.pairs("universities", limit=None, which="existing")
    every = m.pairs("universities", limit=None, which="all")
    assert not new["existing"].any() and existing["existing"].all() and len(existing) > 0
    assert len(every) == len(new) + len(existing)
    assert not set(zip(new["enterprise"], new["university"])) & set(
        zip(existing["enterprise"], existing["university"]))
    assert new["score"].nunique() > len(new) / 5  # continuous terms separate the pairs
    terms = ["match", "local_term", "breadth_term", "scale_term", "open_term", "existing_term"]
    assert ((new[terms].sum(axis=1) - new["score"]).abs() < 0.011).all()
    assert new["reasons"].str.len().gt(0).all()
    chain = m.pairs("universities", limit=None, chain="电竞游戏")
    members = set(m.gaps(chain="电竞游戏", all=True)["link"])
    assert 0 < len(chain) < len(new) and members
    one = m.pairs("universities", limit=None, university="西交利物浦大学太仓校区")
    assert set(one["university"]) == {m.resolve("University", "西交利物浦大学太仓校区")}
    funds = m.pairs("funds", limit=None)
    assert not funds["existing"].any() and funds["score"].nunique() > 20
    one_fund = m.pairs("funds", limit=None, fund="引导基金")
    assert one_fund["fund"].nunique() == 1


# -- outputs for the office ---------------------------------------------------------------------


def test_bulletin_for_people(m: IndustryMap, tmp_path: Path) -> None:
    import openpyxl

    from tupu.graph.exports.bulletin import to_html, to_markdown, to_xlsx

    b = m.bulletin_report(PERIOD)
    gaps = b.section("gaps")
    assert gaps.title == "缺口与招引" and len(gaps.frame) > 0
    assert gaps.frame["candidates"].str.len().gt(0).all()
    page = to_html(b)
    assert page.count("<svg") == 2 and "<script" not in page and "://" not in page
    text = to_markdown(b)
    # no internal field name (ascii identifiers) outside ids and periods
    words = set(re.findall(r"[A-Za-z_]{3,}[A-Za-z0-9_.=]*", text))
    assert not {w for w in words if "_" in w or "=" in w or w[0].islower()}, words
    wb = openpyxl.load_workbook(to_xlsx(b, tmp_path / "b.xlsx"))
    kpi = wb[next(n for n in wb.sheetnames if "主要目标" in n)]
    assert kpi.freeze_panes == "A2"
    numbers = [c for row in kpi.iter_rows(min_row=2) for c in row
               if isinstance(c.value, float)]
    assert numbers and all(c.number_format == "0.00" for c in numbers)
    assert all(round(c.value, 2) == c.value for c in numbers)


def test_saved_tables_are_for_people(capsys: pytest.CaptureFixture[str], city: City,
                                     tmp_path: Path) -> None:
    import openpyxl

    d = ["--data-dir", str(city.data_dir), "--store", "memory"]
    out_csv, out_xlsx = tmp_path / "c.csv", tmp_path / "c.xlsx"
    code, table, _ = _run(capsys, *d, "candidates", city.link, "--limit", "5", "--save",
                          str(out_csv))
    assert code == 0 and "排名" in table and "评分说明" in table and "rank" not in table
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    head = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert head[:3] == ["排名", "标识", "名称"] and "园区得分" in head
    code, _, _ = _run(capsys, *d, "gaps", "--save", str(out_xlsx))
    ws = openpyxl.load_workbook(out_xlsx).active
    assert code == 0 and ws is not None and ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert "近四季度营收（万元）" in header or "本地企业数" in header
    code, machine, _ = _run(capsys, *d, "candidates", city.link, "--limit", "2", "--format",
                            "json")
    assert code == 0 and '"score"' in machine and '"rank"' in machine  # JSON keeps English keys
    # --format csv is the same CSV as --save FILE.csv: one writer, for people
    code, people, _ = _run(capsys, *d, "candidates", city.link, "--limit", "5", "--format", "csv")
    assert code == 0 and people.startswith("\ufeff排名,标识,名称")
    assert people.rstrip("\n") == raw.decode("utf-8").rstrip("\r\n")
    rows = list(csv.DictReader(io.StringIO(people.removeprefix("\ufeff"))))
    assert rows[0]["标识"] == city.ideal and "（" in rows[0]["名称"]  # id and registration status
    code, gaps, _ = _run(capsys, *d, "gaps", "--all", "--format", "csv")
    head = gaps.removeprefix("\ufeff").splitlines()[0]
    assert code == 0 and "status" not in head and "环节" in head
    statuses = {r[msg("col.status")] for r in csv.DictReader(io.StringIO(gaps.removeprefix("\ufeff")))}
    assert statuses and statuses <= {"缺失", "薄弱", "一般", "优势"}
    code, targets, _ = _run(capsys, *d, "targets", "--period", PERIOD, "--format", "csv")
    assert code == 0 and "按进度" in targets and "on_track" not in targets
    code, bulletin, _ = _run(capsys, *d, "bulletin", PERIOD, "--format", "csv")
    assert code == 0 and bulletin.startswith("\ufeff# ") and bulletin.count("\ufeff") == 1
    code, pairs, _ = _run(capsys, *d, "pairs", "universities", "--limit", "3", "--format", "csv")
    assert code == 0 and "['" not in pairs  # lists joined with "；", never a Python repr
    code, machine, _ = _run(capsys, *d, "targets", "--period", PERIOD, "--format", "json")
    assert code == 0 and '"on_track"' in machine and '"status"' in machine  # JSON keeps codes
    cells: dict[str, list[object]] = {"name": ["=HYPERLINK(1)", "甲"], "links": [["a", "b"], ["c"]]}
    from tupu.graph.exports.office import to_people_csv

    import pandas as pd

    text = to_people_csv(pd.DataFrame(cells))
    assert "'=HYPERLINK(1)" in text and "a；b" in text and "['a'" not in text


# -- 招商手册 -----------------------------------------------------------------------------------


def test_handbook_of_a_chain_and_of_a_park(capsys: pytest.CaptureFixture[str], city: City,
                                          m: IndustryMap, tmp_path: Path) -> None:
    d = ["--data-dir", str(city.data_dir), "--store", "memory"]
    out = tmp_path / "手册.html"
    code, said, _ = _run(capsys, *d, "handbook", "电竞游戏", "--out", str(out))
    assert code == 0 and "招商手册" in said
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "@media print" in page and "<script" not in page
    assert "://" not in page and "<svg" in page and "虚构" in page
    for heading in ("产业链基础", "希望补齐的环节", "可落地的园区", "可合作的高校", "可对接的基金"):
        assert heading in page
    gaps = m.gaps(chain="电竞游戏")
    assert all(name in page for name in gaps["link_name"])
    assert "理想电竞测试园" in page  # positioned for a link of the chain, with its space
    # aggregates only: no enterprise is named, no enterprise figure is shown
    ents = m.candidates(city.link, limit=None)
    assert not any(str(n) in page for n in ents["name"])
    assert "深圳理想互娱科技有限公司" not in page and "200,000" not in page
    code, _, _ = _run(capsys, *d, "handbook", "理想电竞测试园", "--out", str(tmp_path / "p.html"))
    assert code == 0 and "电竞赛事运营" in (tmp_path / "p.html").read_text(encoding="utf-8")
    code, _, err = _run(capsys, *d, "handbook", "不存在", "--out", str(tmp_path / "x.html"))
    assert code == 1 and "可选的产业链" in err and not (tmp_path / "x.html").exists()
    # the same booklet from Python
    book = m.save_handbook("电竞游戏", tmp_path / "py.html").read_text(encoding="utf-8")
    assert book == page or book.replace(str(tmp_path / "py.html"), "") == page
    with pytest.raises(InputError, match="可选的园区"):
        m.save_handbook("不存在", tmp_path / "y.html")
    assert not (tmp_path / "y.html").exists()


@pytest.mark.neo4j
@pytest.mark.usefixtures("neo4j_sample")  # the sample city, as tupu.sample_data() holds it
def test_cypher_reads_and_refuses_writes_on_neo4j(city: City) -> None:
    from tupu.errors import ReadOnlyQuery
    from tupu.settings import load_settings

    with tupu.open(store="neo4j") as neo, _open(city.data_dir) as mem:
        parks = neo.cypher("MATCH (p:Park) WHERE p.vacant_area >= $space "
                           "RETURN p.id AS park, p.name AS name ORDER BY park", space=10000)
        assert list(parks.columns) == ["park", "name"] and len(parks) > 0
        every = neo.parks()
        big = every[every["vacant_area"] >= 10000].sort_values("park")
        assert list(parks["park"]) == list(big["park"])
        node = neo.cypher("MATCH (c:Chain {id: $id}) RETURN c", id="film-tv")
        assert node.iloc[0]["c"]["name"] == "影视制作"
        with pytest.raises(ReadOnlyQuery):
            neo.cypher("CREATE (:Chain {id: 'x', name: 'x'})")
        assert neo.cypher("MATCH (c:Chain {id: 'x'}) RETURN count(c) AS n").iloc[0]["n"] == 0
        assert neo.resolve("Chain", "影视制作") == mem.resolve("Chain", "影视制作")
        assert load_settings(store="neo4j").store == "neo4j"
