"""特色产业集群, anchor impact and landing/matching on the sample city, with planted truths.

The sample (``data/sample``) is copied and known facts are planted in the copy's CSV files:

- X, a local enterprise alone in a link no other local enterprise is in, is the only local
  supplier of Y1–Y3 and the only local customer of Z;
- D1–D8, a dense group (SUPPLIES between every two) in one park;
- fund F focusing on the 中类 of D1's sub-sector, investing in projects with a fitting ticket, and
  project PR owned by D1; fund F2 focusing on an unrelated 大类;
- university U strong in Y1's sub-sector and already cooperating with it;
- outside enterprise O (5,000 employees), park PK positioned for O's link with room for it, and
  park PK2 positioned for it without vacant space.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO, SAMPLE
from tests.minicity import uscc
from tupu.api.cli import main
from tupu.errors import UsageError
from tupu.graph.analyses.clusters import cluster_of, clusters, short_place, summary
from tupu.graph.analyses.config import default_analysis_config
from tupu.graph.analyses.impact import anchor_impact, anchors
from tupu.graph.analyses.matching import fund_pairs, parks_for, university_pairs
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.store import GraphStore
from tupu.messages import msg
from tupu.graph.analyses.strength import link_strength
from tupu.loaders.pipeline import load

CHAINS = REPO / "ontology" / "chains" / "culture"
TAXONOMY = REPO / "ontology" / "data" / "culture-taxonomy-2018.csv"


# -- planting --------------------------------------------------------------------------------


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _append(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    path = folder / name
    header, _ = _read(path)
    with path.open("a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for row in rows:
            assert set(row) <= set(header), (name, set(row) - set(header))
            w.writerow({k: "" if v is None else v for k, v in row.items()})


@dataclass(frozen=True)
class Planted:
    folder: Path
    x: str
    ys: tuple[str, ...]
    z: str
    lonely_link: str
    dense: tuple[str, ...]
    fund: str
    other_fund: str
    project: str
    university: str
    outside: str
    park: str
    full_park: str


def _plant(folder: Path, with_x: bool = True) -> Planted:
    """Copy the sample to ``folder`` and plant the facts of the module doc (X left out on
    request, with every relationship it has)."""
    shutil.copytree(SAMPLE, folder)
    _, covers = _read(CHAINS / "relationships" / "COVERS.csv")
    _, located = _read(folder / "relationships" / "LOCATED_IN.csv")
    _, in_sub = _read(folder / "relationships" / "IN_SUBSECTOR.csv")
    _, parks = _read(folder / "nodes" / "Park.csv")
    _, towns = _read(folder / "nodes" / "Town.csv")
    _, tax = _read(TAXONOMY)
    parent = {r["code"]: r["parent"] for r in tax}

    local = {r["start"] for r in located if r["start_label"] == "Enterprise"}
    local_codes = [r["end"] for r in in_sub if r["start"] in local]
    links_of: dict[str, set[str]] = {}
    for r in covers:
        links_of.setdefault(r["end"], set()).add(r["start"])
    filled = {lk for c in set(local_codes) for lk in links_of.get(c, set())}
    lonely = sorted({r["start"] for r in covers} - filled)[0]  # a link with no local enterprise
    x_code = sorted(r["end"] for r in covers if r["start"] == lonely)[0]
    common = pd.Series(local_codes).value_counts()
    y_code = str(common.index[0])
    d_code = next(str(c) for c in common.index[1:] if parent.get(str(c)))
    far_code = next(c for c, p in parent.items() if p and len(c) == 4 and c[:2] != d_code[:2]
                    and c[:2] != y_code[:2] and c[:2] != x_code[:2])
    town = towns[0]["id"]
    park = max(parks, key=lambda p: float(p["vacant_area"] or 0))["id"]
    assert max(float(p["vacant_area"] or 0) for p in parks) < 50000, "PK must be the only park with room"

    ids = iter(uscc(n) for n in range(900000001, 900000100))
    x, z = next(ids), next(ids)
    ys = tuple(next(ids) for _ in range(3))
    dense = tuple(next(ids) for _ in range(8))
    outside = uscc(900000200, "110105")

    def ent(key: str, name: str, city: str = "太仓市", employees: int = 20) -> dict[str, object]:
        return {"id": key, "name": name, "short_name": name[:4], "province": "江苏省", "city": city,
                "founded": "2015-05-01", "annual_revenue": 2000, "employees": employees,
                "listed": "false", "above_scale": "true"}

    enterprises = [ent(z, "太仓测试供应商有限公司"), *(ent(y, f"太仓测试客户{i}有限公司")
                                                        for i, y in enumerate(ys, 1))]
    enterprises += [ent(d, f"太仓测试密集{i}有限公司") for i, d in enumerate(dense, 1)]
    enterprises.append(ent(outside, "外地测试大型装备有限公司", "北京市", employees=5000))
    if with_x:
        enterprises.append(ent(x, "太仓测试锚点有限公司"))
    _append(folder, "nodes/Enterprise.csv", enterprises)

    loc = [{"start": k, "end": town, "start_label": "Enterprise", "end_label": "Town"}
           for k in (z, *ys)]
    loc += [{"start": d, "end": park, "start_label": "Enterprise", "end_label": "Park"}
            for d in dense]
    if with_x:
        loc.append({"start": x, "end": town, "start_label": "Enterprise", "end_label": "Town"})
    loc.append({"start": "PR-TEST", "end": park, "start_label": "Project", "end_label": "Park"})
    _append(folder, "relationships/LOCATED_IN.csv", loc)

    subs = [{"start": k, "end": y_code, "primary": "true"} for k in (z, *ys, outside)]
    subs += [{"start": d, "end": d_code, "primary": "true"} for d in dense]
    if with_x:
        subs.append({"start": x, "end": x_code, "primary": "true"})
    _append(folder, "relationships/IN_SUBSECTOR.csv", subs)

    sup = [{"start": a, "end": b, "product": "测试产品", "annual_value": 100, "since": "2024-01-01"}
           for i, a in enumerate(dense) for b in dense[i + 1:]]
    if with_x:
        sup += [{"start": x, "end": y, "product": "测试零部件", "annual_value": 50,
                 "since": "2024-01-01"} for y in ys]
        sup.append({"start": z, "end": x, "product": "测试原料", "annual_value": 30,
                    "since": "2024-01-01"})
    _append(folder, "relationships/SUPPLIES.csv", sup)

    _append(folder, "nodes/Fund.csv", [
        {"id": "F-TEST", "name": "测试项目基金", "kind": "fund", "size": 50000,
         "stages": "growth;project", "ticket_min": 1000, "ticket_max": 3000, "city": "太仓市"},
        {"id": "F2-TEST", "name": "测试无关基金", "kind": "fund", "size": 50000,
         "stages": "project", "ticket_min": 1000, "ticket_max": 3000, "city": "太仓市"},
    ])
    _append(folder, "relationships/FOCUSES_ON.csv", [
        {"start": "F-TEST", "end": parent[d_code]}, {"start": "F2-TEST", "end": far_code},
    ])
    _append(folder, "nodes/Project.csv", [
        {"id": "PR-TEST", "name": "测试重点项目", "level": "city", "total_investment": 10000,
         "plan_year": 2025, "new_in_plan_year": "true", "planned_start": "2025-03-01",
         "planned_completion": "2026-12-31", "status": "started"},
    ])
    _append(folder, "relationships/OWNS.csv", [{"start": dense[0], "end": "PR-TEST"}])
    _append(folder, "relationships/INVESTED_IN.csv", [
        {"start": "F-TEST", "end": "PR-TEST", "end_label": "Project", "amount": 1500,
         "date": "2025-04-01"},
    ])

    _append(folder, "nodes/University.csv", [
        {"id": "U-TEST", "name": "测试大学", "city": "上海市", "local": "false",
         "disciplines": "测试学科"},
    ])
    _append(folder, "relationships/STRONG_IN.csv", [{"start": "U-TEST", "end": y_code}])
    _append(folder, "relationships/COOPERATES_WITH.csv", [
        {"start": ys[0], "end": "U-TEST", "end_label": "University", "kind": "联合研发",
         "since": "2023-01-01"},
    ])

    o_link = sorted(links_of[y_code])[0]
    _append(folder, "nodes/Park.csv", [
        {"id": "PK-TEST", "name": "测试空园", "level": "town", "floor_area": 100000,
         "vacant_area": 80000, "positioning": "测试", "established": "2024-01-01"},
        {"id": "PK2-TEST", "name": "测试满园", "level": "town", "floor_area": 100000,
         "vacant_area": 0, "positioning": "测试", "established": "2024-01-01"},
    ])
    _append(folder, "relationships/IN_TOWN.csv", [
        {"start": "PK-TEST", "end": town}, {"start": "PK2-TEST", "end": town},
    ])
    _append(folder, "relationships/POSITIONED_FOR.csv", [
        {"start": "PK-TEST", "end": o_link}, {"start": "PK2-TEST", "end": o_link},
    ])
    return Planted(folder, x, ys, z, lonely, dense, "F-TEST", "F2-TEST", "PR-TEST", "U-TEST",
                   outside, "PK-TEST", "PK2-TEST")


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    return _plant(tmp_path_factory.mktemp("planted") / "city")


@pytest.fixture
def loaded(store: GraphStore, planted: Planted) -> Iterator[GraphStore]:
    load([planted.folder], store)
    yield store


# -- anchor impact ---------------------------------------------------------------------------


def test_the_only_local_supplier_leaving_orphans_its_customers_and_empties_its_link(
    loaded: GraphStore, planted: Planted
) -> None:
    imp = anchor_impact(loaded, planted.x)
    lost = imp.orphans.set_index("enterprise")["loses"].to_dict()
    assert lost == {**{y: "supplier" for y in planted.ys}, planted.z: "customer"}
    row = imp.links.set_index("link").loc[planted.lonely_link]
    assert (row["local_before"], row["local_after"]) == (1, 0)
    assert row["status_before"] == "weak" and row["status_after"] == "missing"
    cfg = default_analysis_config().impact
    assert imp.terms["orphans"] == 4 * cfg.per_orphan
    assert imp.score == pytest.approx(sum(imp.terms.values()))
    assert "失去唯一本地供应商" in imp.explanation and "失去唯一本地客户" in imp.explanation
    ranked = anchors(loaded, top=None)
    assert ranked.set_index("id").loc[planted.x, "score"] == imp.score
    assert list(ranked["score"]) == sorted(ranked["score"], reverse=True)
    with pytest.raises(UsageError):
        anchor_impact(loaded, planted.outside)  # not local: it cannot leave


def test_excluding_an_enterprise_equals_deleting_it(planted: Planted, tmp_path: Path) -> None:
    with_x, without_x = MemoryStore(tmp_path / "a.snapshot"), MemoryStore(tmp_path / "b.snapshot")
    load([planted.folder], with_x)
    load([_plant(tmp_path / "city", with_x=False).folder], without_x)
    links = [n.key for n in with_x.find_nodes("ChainLink")]
    cfg = default_analysis_config().gaps
    for scope in (Scope("city"), Scope("town", "kejiao")):
        pd.testing.assert_frame_equal(
            link_strength(with_x, links, scope, cfg, exclude=[planted.x]),
            link_strength(without_x, links, scope, cfg),
        )


# -- clusters --------------------------------------------------------------------------------


def test_clusters_are_deterministic_and_the_dense_group_is_one(
    loaded: GraphStore, planted: Planted
) -> None:
    first, second = clusters(loaded), clusters(loaded)
    pd.testing.assert_frame_equal(first, second)
    found = {cluster_of(first, d) for d in planted.dense}
    assert len(found) == 1 and None not in found
    cfg = default_analysis_config().clusters
    assert (first["size"] >= cfg.min_size).all()
    assert list(first["size"]) == sorted(first["size"], reverse=True)
    assert first["label"].is_unique and first["label"].str.endswith(("集群", "）")).all()
    s = summary(first, cfg)
    assert s.significant == int((first["size"] >= cfg.significant_size).sum())
    assert f"{cfg.plan_min}-{cfg.plan_max}" in s.text


def test_short_place_names() -> None:
    cfg = default_analysis_config().clusters
    assert short_place("天镜湖文化科技产业园", cfg) == "天镜湖"
    assert short_place("太仓高新技术产业开发区", cfg) == "太仓高新区"
    assert short_place("璜泾镇", cfg) == "璜泾"
    assert short_place("娄东街道", cfg) == "娄东"
    assert short_place("科教新城", cfg) == "科教新城"


# -- matching --------------------------------------------------------------------------------


def test_fund_and_university_pairs(loaded: GraphStore, planted: Planted) -> None:
    funds = fund_pairs(loaded, which="all")
    pair = funds[(funds["fund"] == planted.fund) & (funds["target"] == planted.project)]
    assert len(pair) == 1
    row = pair.iloc[0]
    assert row["target_kind"] == "project" and row["match_level"] == "group"
    assert bool(row["fit"]) and bool(row["existing"]) and row["size_term"] > 0
    terms = ["match", "stage_term", "size_term", "existing_term"]
    new = fund_pairs(loaded)  # new pairs by default: the existing one is listed apart
    assert not new["existing"].any() and planted.project not in set(
        new[new["fund"] == planted.fund]["target"])
    assert (fund_pairs(loaded, which="existing")["existing"]).all()
    assert (funds[terms].sum(axis=1).round(2) == funds["score"]).all()
    assert funds[(funds["fund"] == planted.other_fund)
                 & (funds["target"] == planted.project)].empty

    unis = university_pairs(loaded, which="all")
    pair = unis[(unis["university"] == planted.university)
                & (unis["enterprise"] == planted.ys[0])]
    assert len(pair) == 1
    assert pair.iloc[0]["match_level"] == "exact" and bool(pair.iloc[0]["existing"])
    assert list(unis["local"]) == sorted(unis["local"], reverse=True)  # local universities first
    assert "已有合作" in pair.iloc[0]["reasons"]


def test_parks_for_puts_a_positioned_park_with_room_first(
    loaded: GraphStore, planted: Planted
) -> None:
    # the whole group (5,000 people) would need 50,000 ㎡: only PK has that much room
    whole = default_analysis_config().candidates
    whole = whole.model_copy(update={"park": whole.park.model_copy(
        update={"branch_employees": 10000})})
    df = parks_for(loaded, planted.outside, candidate_config=whole)
    first = df.iloc[0]
    assert first["park"] == planted.park
    assert first["positioned"] > 0 and first["space"] > 0
    ranks = df.set_index("park")["rank"]
    assert ranks[planted.park] < ranks[planted.full_park]
    assert (df[["positioned", "space", "partners", "chain"]].sum(axis=1) == df["score"]).all()
    assert len(df) == len(loaded.find_nodes("Park"))
    # by default the park term asks for the room of a branch (200 people), not the whole group
    branch = parks_for(loaded, planted.outside)
    assert set(branch["need"]) == {2000.0}
    assert branch.set_index("park").loc[planted.park, "space"] > 0
    assert (branch["space"] > 0).sum() > (df["space"] > 0).sum()


# -- the two stores answer alike ------------------------------------------------------------


@pytest.mark.neo4j
def test_memory_and_neo4j_answer_identically(
    planted: Planted, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    neo: GraphStore = request.getfixturevalue("neo4j_session_store")
    mem = MemoryStore(tmp_path / "map.snapshot")
    neo.clear()
    try:
        load([planted.folder], mem)
        load([planted.folder], neo)
        pd.testing.assert_frame_equal(clusters(neo), clusters(mem))
        pd.testing.assert_frame_equal(anchors(neo, top=40), anchors(mem, top=40))
        a, b = anchor_impact(neo, planted.x), anchor_impact(mem, planted.x)
        pd.testing.assert_frame_equal(a.links, b.links)
        pd.testing.assert_frame_equal(a.orphans, b.orphans)
        assert a.to_dict() == b.to_dict()
        pd.testing.assert_frame_equal(parks_for(neo, planted.outside),
                                      parks_for(mem, planted.outside))
        pd.testing.assert_frame_equal(university_pairs(neo, which="all"),
                                      university_pairs(mem, which="all"))
        pd.testing.assert_frame_equal(fund_pairs(neo, which="all"), fund_pairs(mem, which="all"))
    finally:
        neo.clear()


# -- the CLI ---------------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.mark.usefixtures("settings")
def test_cli_commands(capsys: pytest.CaptureFixture[str], planted: Planted) -> None:
    assert _run(capsys, "load", str(planted.folder))[0] == 0

    code, out = _run(capsys, "clusters", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["clusters"] == len(data["clusters"]) > 0
    code, out = _run(capsys, "clusters")
    assert code == 0 and "特色产业集群" in out

    code, out = _run(capsys, "impact", planted.x, "--format", "json")
    assert code == 0
    assert {o["enterprise"] for o in json.loads(out)["orphans"]} == {*planted.ys, planted.z}
    code, out = _run(capsys, "impact", planted.x)
    assert code == 0 and "缺失" in out and "失去唯一本地供应商" in out
    code, out = _run(capsys, "impact", planted.x, "--format", "csv", "--show", "orphans")
    assert code == 0 and out.startswith("\ufeff") and "loses_zh" not in out  # for people
    orphans = list(csv.DictReader(out.removeprefix("\ufeff").splitlines()))
    assert {o[msg("col.enterprise")] for o in orphans} == {*planted.ys, planted.z}
    assert _run(capsys, "impact", planted.outside)[0] == 2

    code, out = _run(capsys, "anchors", "--top", "3", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3

    code, out = _run(capsys, "parks", planted.outside, "--format", "csv")
    assert code == 0
    mem = MemoryStore(None)
    load([planted.folder], mem)
    assert next(csv.DictReader(out.removeprefix("\ufeff").splitlines()))[msg("col.park")] == str(
        parks_for(mem, planted.outside)["park"].iloc[0])

    code, out = _run(capsys, "pairs", "funds", "--all", "--limit", "0", "--format", "json")
    assert code == 0
    assert any(r["fund"] == planted.fund and r["target"] == planted.project
               for r in json.loads(out))
    code, out = _run(capsys, "pairs", "universities", "--limit", "5")
    assert code == 0 and len(out.splitlines()) == 2 + 5 + 2  # and the line on existing pairs
