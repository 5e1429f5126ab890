"""Dead or dying enterprises show their status wherever they are named (issue 8, point 3), on
both stores: anchor impact and its orphans, parks for an enterprise, fund pairs, project owners,
profiles and the explorer, in tables, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.minicity import E1, E2, E3, write_city
from tupu.api.auth import Role
from tupu.api.cli import main
from tupu.api.queries import matching as q_matching
from tupu.api.queries import parks as q_parks
from tupu.api.queries.enterprises import node_name
from tupu.graph.analyses.config import default_analysis_config
from tupu.graph.analyses.impact import anchor_impact, anchors
from tupu.graph.analyses.matching import fund_pairs, parks_for
from tupu.graph.analyses.monitoring import projects
from tupu.graph.analyses.regstatus import named, status_word
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load

DEAD_E2 = "迷你装备制造有限公司（注销）"
CITY = {
    # E2 is deregistered (注销); E1 and E3 carry no status (taken as active)
    "nodes/Enterprise.csv": (
        "id,name,short_name,province,city,annual_revenue,employees,listed,above_scale,founded,"
        "reg_status\n"
        f"{E1},迷你数字科技有限公司,迷你数字,江苏省,迷你市,5200.5,120,false,true,2016-03-02,operating\n"
        f"{E2},迷你装备制造有限公司,,江苏省,迷你市,800,30,否,0,2020-07-15,deregistered\n"
        f"{E3},外地游戏股份有限公司,外地游戏,北京市,北京市,250000,900,true,true,2008-01-09,\n"
    ),
    "relationships/LOCATED_IN.csv": (
        f"start_label,start,end_label,end\nEnterprise,{E1},Park,p1\nEnterprise,{E2},Park,p1\n"
    ),
    "relationships/SUPPLIES.csv": (
        "start,end,product,annual_value,since\n"
        f"{E3},{E1},游戏授权,300,2023-01-01\n{E2},{E1},机柜,20,2022-01-01\n"
    ),
    "nodes/Project.csv": (
        "id,name,level,total_investment,plan_year,new_in_plan_year,planned_start,"
        "planned_completion,status\n"
        "P1,迷你装备扩产项目,city,20000,2025,true,2025-03-01,2026-06-30,started\n"
    ),
    "relationships/OWNS.csv": f"start,end\n{E2},P1\n",
    "nodes/Fund.csv": (
        "id,name,kind,size,stages,ticket_min,ticket_max,city\n"
        "f1,迷你文化基金（虚构）,fund,10000,startup;growth;mature;project,1,50000,迷你市\n"
    ),
    "relationships/FOCUSES_ON.csv": "start,end\nf1,0110\n",
}


def city(store: GraphStore, tmp_path: Path) -> Path:
    folder = write_city(tmp_path / "mini", CITY)
    load([folder], store)
    return folder


def test_the_name_shows_every_status_but_the_plain_ones() -> None:
    assert named("甲公司", "deregistered") == "甲公司（注销）"
    assert named("甲公司", "revoked") == "甲公司（吊销）"
    assert named("甲公司", "liquidating") == "甲公司（清算）"
    assert named("甲公司", "suspended") == "甲公司（停业）"
    assert named("甲公司", "moved_out") == "甲公司（迁出）"
    for plain in ("active", "operating", "moved_in", None, "", "nonsense"):
        assert named("甲公司", plain) == "甲公司" and status_word(plain) is None


def test_analyses_name_dead_enterprises_with_their_status(
    store: GraphStore, tmp_path: Path
) -> None:
    city(store, tmp_path)
    cfg = default_analysis_config()
    # anchor impact: E2 loses its only local customer if E1 leaves
    result = anchor_impact(store, E1, cfg.impact, cfg.gaps)
    assert result.name == "迷你数字科技有限公司" and result.reg_status == "operating"
    orphans = result.orphans.set_index("enterprise")
    assert orphans.loc[E2, "name"] == DEAD_E2 and orphans.loc[E2, "reg_status"] == "deregistered"
    assert result.to_dict()["orphans"][0]["reg_status"] == "deregistered"
    ranked = anchors(store, None, cfg.impact, cfg.gaps).set_index("id")
    assert ranked.loc[E2, "name"] == DEAD_E2 and ranked.loc[E1, "name"] == "迷你数字科技有限公司"
    # parks for an enterprise name its partners in the park with their status
    parks = parks_for(store, E1, cfg.matching, cfg.candidates).set_index("park")
    assert parks.loc["p1", "partner_names"] == DEAD_E2
    assert f"园内已有关联企业：{DEAD_E2}" in str(parks.loc["p1", "reasons"])
    # fund pairs: a dead target is named with its status
    pairs = fund_pairs(store, cfg.matching, None, "all")
    dead = pairs[pairs["target"] == E2]
    assert not dead.empty and set(dead["target_name"]) == {DEAD_E2}
    assert set(dead["reg_status"]) == {"deregistered"}
    # key projects name their owner with its status
    df = projects(store)
    assert df.set_index("project").loc["P1", "owner_name"] == DEAD_E2


def test_pages_api_and_explorer_name_dead_enterprises_with_their_status(
    store: GraphStore, tmp_path: Path
) -> None:
    city(store, tmp_path)
    cfg = default_analysis_config()
    node = store.get_node("Enterprise", E2)
    assert node is not None and node_name(node) == DEAD_E2
    e1 = store.get_node("Enterprise", E1)
    assert e1 is not None and node_name(e1) == "迷你数字科技有限公司"
    park = q_parks.park(store, Role.viewer, "p1")
    rows = {e["id"]: e for e in park["enterprises"]}
    assert rows[E2]["name"] == DEAD_E2 and rows[E2]["reg_status"] == "deregistered"
    landing = q_parks.parks_for(store, cfg, Role.viewer, E2)
    assert landing["name"] == DEAD_E2 and landing["reg_status"] == "deregistered"
    impact = q_matching.impact(store, cfg, Role.viewer, E1)
    assert {o["name"] for o in impact["orphans"]} == {DEAD_E2}
    assert impact["reg_status"] == "operating"


@pytest.mark.usefixtures("settings")
def test_the_cli_names_dead_enterprises_in_table_json_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(write_city(tmp_path / "mini", CITY))]) == 0
    capsys.readouterr()
    assert main(["impact", E1]) == 0
    assert DEAD_E2 in capsys.readouterr().out
    assert main(["impact", E1, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reg_status"] == "operating"
    assert [(o["name"], o["reg_status"]) for o in data["orphans"]] == [(DEAD_E2, "deregistered")]
    assert main(["anchors", "--format", "csv"]) == 0
    rows = {r["标识"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff")))}
    assert rows[E2]["名称"] == DEAD_E2
    assert main(["anchors", "--format", "json"]) == 0
    ranked = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert ranked[E2]["name"] == DEAD_E2 and ranked[E2]["reg_status"] == "deregistered"
    assert main(["parks", E2]) == 0
    assert f"适合{DEAD_E2}（{E2}）落地的园区" in capsys.readouterr().out
    assert main(["projects"]) == 0
    assert DEAD_E2 in capsys.readouterr().out
    assert main(["projects", "--format", "json"]) == 0
    assert [r["owner_name"] for r in json.loads(capsys.readouterr().out)] == [DEAD_E2]
    assert main(["pairs", "funds", "--all", "--format", "json"]) == 0
    pairs = json.loads(capsys.readouterr().out)
    assert {p["target_name"] for p in pairs if p["target"] == E2} == {DEAD_E2}
