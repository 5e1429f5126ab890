"""Issue 8 through the CLI: four exports as delivered, loaded with ``tupu load`` one after another.

The files come from :mod:`tests.delivered` (generated, fictional, shaped as offices send them).
Each step loads one file into the mini city exactly as a data administrator does and checks the
summary the CLI prints (JSON) and what the map then holds: new, updated and refused rows, figures
in 万元 whatever the file's unit, registration statuses keeping dead enterprises out of
candidates and link counts, names surviving as aliases, period updates keeping what they do not
bring, periods named in column headers, and nothing written when a file is refused. The same
sequence on Neo4j gives the same map and the same answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import delivered as dv
from tests import realworld as rw
from tests.minicity import E1, E2
from tupu.api.cli import main
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.money import load_rates
from tupu.settings import load_settings

class Cli:
    """``tupu`` as a data administrator runs it, on one store."""

    def __init__(self, capsys: pytest.CaptureFixture[str], store: str) -> None:
        self.capsys = capsys
        self.store = store

    def __call__(self, *args: str) -> tuple[int, Any]:
        self.capsys.readouterr()
        code = main(["--store", self.store, *args, "--format", "json"])
        out = self.capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    def table(self, *args: str) -> str:
        self.capsys.readouterr()
        assert main(["--store", self.store, *args]) == 0
        return self.capsys.readouterr().out


def counts(summary: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, int, int]]:
    return {r["kind"]: (r["new"], r["updated"], r["merged"], r["unchanged"], r["refused"])
            for r in summary}


def memory_graph() -> GraphStore:
    return MemoryStore(load_settings().snapshot_path)


def node(store: GraphStore, label: str, key: str) -> dict[str, Any]:
    found = store.get_nodes(label, [key])
    assert found, (label, key)
    return dict(found[0].props)


def ends(store: GraphStore, rel: str, start: str) -> set[str]:
    return {r.end.key for r in store.find_relationships(rel) if r.start.key == start}


def link_counts(cli: Cli, link: str) -> tuple[int, int]:
    code, rows = cli("gaps", "--chain", "esports-games")
    assert code == 0
    row = next(r for r in rows if r["link"] == link)
    return row["local_enterprises"], row["outside_enterprises"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


@pytest.fixture
def cli(settings: object, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Cli:
    run = Cli(capsys, "memory")
    code, _ = run("load", str(rw.base_city(tmp_path / "mini")))
    assert code == 0
    return run


# -- 1. the statistics bureau's list --------------------------------------------------------------
def test_the_bureau_list_creates_enterprises_and_records_its_quarter_in_wan_yuan(
    cli: Cli, files: Path
) -> None:
    code, out = cli("load", str(dv.bureau_list(files)))
    assert code == 0 and out["written"] is True
    assert counts(out["summary"]) == {"Enterprise": (2, 1, 0, 0, 0),
                                      "EnterpriseObservation": (3, 0, 0, 0, 0)}
    notes = [n["message"] for n in out["notes"]]
    assert any("2025Q1" in m for m in notes)  # the period came from the title only
    assert any(n["value"] == "合计" for n in out["notes"])  # the totals row is named as skipped
    g = memory_graph()
    b1 = node(g, "Enterprise", dv.B1)
    assert b1["name"] == "迷你光影动漫制作有限公司" and b1["above_scale"] is True
    assert ends(g, "LOCATED_IN", dv.B1) == {"t1"} and ends(g, "IN_SUBSECTOR", dv.B1) == {"0241"}
    obs = node(g, "EnterpriseObservation", f"{dv.B1}@2025Q1")
    # 单位：千元 in its own title line: 23456 千元 = 2345.6 万元; people stay people
    assert obs["revenue"] == pytest.approx(2345.6)
    assert obs["profit"] == pytest.approx(120.0)
    assert obs["total_assets"] == pytest.approx(8000.0)
    assert obs["employees"] == 64
    assert node(g, "EnterpriseObservation", f"{dv.B2}@2025Q1")["profit"] == pytest.approx(-30.0)
    assert node(g, "Enterprise", E1)["name"] == "迷你数字科技有限公司"  # updated, not renamed
    assert "t1" in ends(g, "LOCATED_IN", E1)  # the town cell merged over B1 and E1


# -- 2. the business-information platform's export ------------------------------------------------
def test_the_platform_export_keeps_capital_as_written_and_keeps_the_dead_out(
    cli: Cli, files: Path
) -> None:
    code, out = cli("load", str(dv.platform_export(files)))
    assert code == 0
    assert counts(out["summary"]) == {"Enterprise": (7, 0, 0, 0, 0)}
    ignored = next(n["message"] for n in out["notes"] if "忽略" in n["message"])
    for column in ("法定代表人", "参保人数", "企业类型", "英文名", "电话", "邮箱", "网址"):
        assert column in ignored
    assert "所属区县" not in ignored and "地址" not in ignored  # read to place local ones in towns
    g = memory_graph()
    rates = load_rates(load_settings().exchange_rates)
    p1, p2, p3, p4, p5 = (node(g, "Enterprise", k) for k in (dv.P1, dv.P2, dv.P3, dv.P4, dv.P5))
    assert (p1["registered_capital"], p1["paid_in_capital"]) == (5000.0, 2000.0)
    assert p1["reg_status"] == "active" and p1["province"] == "北京市"
    assert p2["capital_currency"] == "USD" and p2["registered_capital_in_currency"] == 100.0
    assert p2["registered_capital"] == pytest.approx(100.0 * rates.rates["USD"])
    assert p2["reg_status"] == "operating" and "paid_in_capital" not in p2
    assert p3["reg_status"] == "deregistered" and "registered_capital" not in p3
    assert p4["reg_status"] == "revoked" and p4["registered_capital"] == 12000.0
    assert p5["capital_currency"] == "HKD"
    assert node(g, "Enterprise", dv.P6)["reg_status"] == "suspended"
    assert node(g, "Enterprise", dv.P7)["reg_status"] == "liquidating"
    assert {"北京禾苗互动文化有限公司", "北京禾苗互动科技有限公司"} <= set(
        str(p5["aliases"]).split(";"))
    # 所属行业 "数字内容服务" (a 中类) narrowed by the scope's "动漫、游戏数字内容服务" (6572 → 0241)
    for key in (dv.P1, dv.P2, dv.P3, dv.P4, dv.P5, dv.P6, dv.P7):
        assert ends(g, "IN_SUBSECTOR", key) == {"0241"}, key
    code, ranked = cli("candidates", dv.ART)
    assert code == 0
    # 注销, 吊销, 停业 and 清算 are never candidates
    assert {r["id"] for r in ranked} == {dv.P1, dv.P2, dv.P5}
    assert link_counts(cli, dv.ART)[1] == 3  # nor counted in the outside pool
    shown = cli.table("candidates", dv.ART)
    assert "上海星桥数字娱乐有限公司（在业）" in shown and "深圳旧岸动漫有限公司" not in shown


# -- 3. the registry's change list ----------------------------------------------------------------
def test_the_change_list_moves_in_moves_out_deregisters_and_revokes(cli: Cli, files: Path) -> None:
    assert cli("load", str(dv.bureau_list(files)))[0] == 0
    assert link_counts(cli, dv.ART)[0] == 1  # B1
    code, out = cli("load", str(dv.change_list(files)))
    assert code == 0
    assert counts(out["summary"]) == {"Enterprise": (1, 3, 0, 1, 0)}  # E1's row: unchanged
    assert not any("未识别" in n["message"] for n in out["notes"])  # 迁入地/迁出地 is known
    assert any("1行的变更不涉及登记状态" in n["message"] for n in out["notes"])
    g = memory_graph()
    status = {k: node(g, "Enterprise", k).get("reg_status")
              for k in (dv.C1, E2, dv.B2, dv.B1, E1)}
    assert status == {dv.C1: "moved_in", E2: "moved_out", dv.B2: "deregistered",
                      dv.B1: "revoked", E1: None}
    assert ends(g, "LOCATED_IN", dv.C1) == {"t1"}
    # the revoked B1 no longer counts in its link; the moved-in C1 does
    assert link_counts(cli, dv.ART)[0] == 1
    assert node(g, "Enterprise", dv.B1)["name"] == "迷你光影动漫制作有限公司"  # name kept


# -- 4. the older GBK list with periods in its headers --------------------------------------------
def test_the_old_gbk_list_gives_an_observation_per_period_column_and_keeps_names(
    cli: Cli, files: Path
) -> None:
    assert cli("load", str(dv.bureau_list(files)))[0] == 0
    code, out = cli("load", str(dv.old_registry_gbk(files)))
    assert code == 0
    # new O1; E1 and E2 updated; the row without a credit code merged into E2 by its name
    assert counts(out["summary"]) == {"Enterprise": (1, 2, 1, 0, 0),
                                      "EnterpriseObservation": (4, 0, 0, 1, 0)}
    messages = [n["message"] for n in out["notes"]]
    assert any("2024年营业收入（万元） → 2024Q4" in m for m in messages)
    g = memory_graph()
    e = node(g, "Enterprise", dv.O1)
    assert e["registered_capital"] == 200.0 and str(e["founded"]) == "2019-05-20"
    # 2024年营业收入 is the year's (kept year to date at 2024Q4, and as the annual revenue);
    # 2025年1-3月营业收入 is the first quarter's: two observations from one row
    assert e["annual_revenue"] == 880.0
    y2024 = node(g, "EnterpriseObservation", f"{dv.O1}@2024Q4")
    assert y2024["revenue_ytd"] == 880.0 and "revenue" not in y2024
    assert node(g, "EnterpriseObservation", f"{dv.O1}@2025Q1")["revenue"] == 210.25
    assert any("本年累计营业收入" in m and "2024Q4" in m for m in messages)
    # the registered name stays; the file's form becomes an alias that later files resolve
    e1 = node(g, "Enterprise", E1)
    assert e1["name"] == "迷你数字科技有限公司"
    assert "迷你数字科技股份有限公司" in str(e1["aliases"]).split(";")
    kept = next(n for n in out["notes"] if n["value"] == "迷你数字科技股份有限公司")
    assert (kept["row"], kept["column"]) == (3, "企业名称")
    assert node(g, "EnterpriseObservation", f"{E2}@2025Q1")["revenue"] == 95.5
    assert not [n for n in g.find_nodes("Enterprise") if n.key.startswith("gen-")]
    code, out = cli("load", str(dv.talent_by_alias(files)))
    assert code == 0
    assert counts(out["summary"]) == {"EnterpriseObservation": (0, 1, 0, 0, 0)}
    # the period update keeps the figures it does not bring (the bureau's profit, assets)
    q1 = node(memory_graph(), "EnterpriseObservation", f"{E1}@2025Q1")
    assert q1["talent_introduced"] == 7 and q1["revenue"] == 1500.0
    assert q1["profit"] == 250.0 and q1["total_assets"] == 12000.0


def test_cumulative_half_year_revenue_becomes_the_second_quarter(cli: Cli, files: Path) -> None:
    assert cli("load", str(dv.bureau_list(files)))[0] == 0
    code, out = cli("load", str(dv.cumulative_h1(files)))
    assert code == 0
    g = memory_graph()
    h1 = node(g, "EnterpriseObservation", f"{dv.B1}@2025Q2")
    assert h1["revenue_ytd"] == 5000.0
    assert h1["revenue"] == pytest.approx(5000.0 - 2345.6)  # less the bureau's first quarter
    assert node(g, "EnterpriseObservation", f"{E1}@2025Q2")["revenue"] == pytest.approx(1600.0)
    # the same file again: the second quarter is unchanged, nothing counted twice
    code, out = cli("load", str(dv.cumulative_h1(files)))
    assert counts(out["summary"])["EnterpriseObservation"] == (0, 0, 0, 4, 0)


def test_a_half_year_bureau_list_records_the_second_quarter(cli: Cli, files: Path) -> None:
    assert cli("load", str(dv.bureau_list(files)))[0] == 0
    code, out = cli("load", str(dv.bureau_list(files, revenue_b1=50000, months="1-6")))
    assert code == 0
    assert any("2025Q2（自1月起累计）" in n["message"] for n in out["notes"])
    g = memory_graph()
    q2 = node(g, "EnterpriseObservation", f"{dv.B1}@2025Q2")
    assert q2["revenue_ytd"] == pytest.approx(5000.0)  # 50000 千元
    assert q2["revenue"] == pytest.approx(5000.0 - 2345.6)
    assert q2["employees"] == 64  # figures at the period's end are the quarter's as they stand
    assert node(g, "EnterpriseObservation", f"{dv.B1}@2025Q1")["revenue"] == pytest.approx(2345.6)


# -- refused files --------------------------------------------------------------------------------
def test_a_refused_list_names_file_row_column_in_chinese_and_writes_nothing(
    cli: Cli, files: Path
) -> None:
    snapshot = load_settings().snapshot_path.read_bytes()
    code, out = cli("load", str(dv.refused_list(files)))
    assert code == 1 and out["written"] is False
    assert counts(out["summary"])["Enterprise"][4] == 2  # both rows refused
    got = {(p["file"], p["row"], p["column"], p["value"]) for p in out["problems"]}
    assert ("有误的名录.xlsx", 3, "行业代码", "8799") in got
    assert any(p[1] == 4 and p[2] == "统一社会信用代码" for p in got)
    assert all("请" in p["message"] for p in out["problems"])  # a reason and what to do
    assert load_settings().snapshot_path.read_bytes() == snapshot


# -- both stores ----------------------------------------------------------------------------------
def _deliver(cli: Cli, files: Path, mini: Path) -> list[Any]:
    outputs: list[Any] = []
    for path in (rw.base_city(mini), dv.bureau_list(files), dv.platform_export(files),
                 dv.change_list(files), dv.old_registry_gbk(files), dv.talent_by_alias(files),
                 dv.cumulative_h1(files)):
        code, out = cli("load", str(path))
        assert code == 0, path
        outputs.append(counts(out["summary"]))
    code, out = cli("load", str(dv.refused_list(files)))
    assert code == 1
    outputs.append((counts(out["summary"]), [(p["row"], p["column"]) for p in out["problems"]]))
    outputs.append(cli("candidates", dv.ART))
    outputs.append(cli("gaps", "--chain", "esports-games"))
    return outputs


@pytest.fixture
def neo4j_cleared(neo4j_session_store: GraphStore) -> Iterator[GraphStore]:
    neo4j_session_store.clear()
    yield neo4j_session_store
    neo4j_session_store.clear()


@pytest.mark.neo4j
def test_the_same_deliveries_give_the_same_map_and_answers_on_both_stores(
    settings: object, neo4j_cleared: GraphStore, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    on_memory = _deliver(Cli(capsys, "memory"), files, tmp_path / "mini")
    on_neo4j = _deliver(Cli(capsys, "neo4j"), files, tmp_path / "mini")
    assert on_memory == on_neo4j
    assert rw.store_content(memory_graph()) == rw.store_content(neo4j_cleared)
