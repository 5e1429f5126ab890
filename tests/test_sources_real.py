"""Real-world sources load as delivered (issue 8), on both stores.

Every test loads the mini city with the built-in culture chains, then export files shaped as
statistics bureaus, business-information platforms and registries deliver them
(:mod:`tests.realworld`), each in two variants, and checks what a data administrator relies on:
which rows became new, merged or refused, the units of the stored figures, registration statuses
keeping dead enterprises out of candidates and link counts, names surviving as aliases, period
updates keeping what they do not bring, and nothing written when a file is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests import realworld as rw
from tests.minicity import E1, E2
from tupu.api.cli import main
from tupu.errors import ValidationFailed
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.gaps import panorama
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.store import GraphStore
from tupu.loaders.notes import Note, collect_notes
from tupu.loaders.pipeline import LoadReport, load

VARIANTS = [1, 2, 3]


def city(store: GraphStore, tmp_path: Path) -> None:
    load([rw.base_city(tmp_path / "mini")], store)


def load_noted(paths: list[Path], store: GraphStore, **kw: bool) -> tuple[LoadReport, list[Note]]:
    with collect_notes() as notes:
        report = load(paths, store, **kw)
    return report, notes


def props(store: GraphStore, label: str, key: str) -> dict[str, object]:
    node = store.get_node(label, key)
    assert node is not None, f"{label} {key} missing"
    return dict(node.props)


def summary(report: LoadReport) -> dict[str, dict[str, object]]:
    return {r.kind: r.as_dict() for r in report.summary}


def link_row(store: GraphStore, link: str) -> dict[str, object]:
    df = panorama(store, Scope("city"), None)
    rows = df[df["link"] == link].to_dict("records")
    assert rows, link
    return dict(rows[0])


def subsectors(store: GraphStore, key: str) -> set[str]:
    return {r.end.key for r in store.adjacent("IN_SUBSECTOR", "Enterprise", [key], "out")}


def town_of(store: GraphStore, key: str) -> set[str]:
    return {r.end.key for r in store.adjacent("LOCATED_IN", "Enterprise", [key], "out")}


# -- the statistics bureau's list -----------------------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_statistics_list_creates_enterprises_and_records_the_period(
    store: GraphStore, tmp_path: Path, variant: int
) -> None:
    city(store, tmp_path)
    path = rw.statistics_list(tmp_path, variant)
    report, notes = load_noted([path], store)
    period = "2025Q2" if variant == 2 else "2025Q1"
    s = summary(report)
    assert s["Enterprise"]["new"] == 2 and s["Enterprise"]["refused"] == 0
    assert s["Enterprise"]["new"] + s["Enterprise"]["updated"] + s["Enterprise"]["unchanged"] == 3
    assert s["EnterpriseObservation"]["new"] == 3
    # registry columns made the enterprises, with their towns and sub-sectors
    n1 = props(store, "Enterprise", rw.N1)
    assert n1["name"] == "迷你像素动漫有限公司" and n1["above_scale"] is True
    assert town_of(store, rw.N1) == {"t1"} and town_of(store, rw.N2) == {"t2"}
    assert subsectors(store, rw.N1) == {"0241"} and subsectors(store, rw.N2) == {"0131"}
    assert "annual_revenue" not in n1  # a quarter's revenue is not a year's
    # figures in 千元 are stored in 万元
    obs = props(store, "EnterpriseObservation", f"{rw.N1}@{period}")
    if variant in (1, 3):  # 千元 (1) and 万元 (3) columns store the same 万元
        assert obs["revenue"] == 800.0 and obs["employees"] == 45 and obs["profit"] == -35.0
        assert props(store, "EnterpriseObservation", f"{rw.N2}@{period}")["revenue"] == 500.05
        assert props(store, "EnterpriseObservation", f"{E1}@{period}")["revenue"] == 1234.5
    else:
        assert obs["revenue"] == 900.0 and obs["total_assets"] == 3000.0 and obs["profit"] == 12.0
        assert "profit" not in props(store, "EnterpriseObservation", f"{rw.N2}@{period}")
    assert len(store.adjacent("HAS_OBSERVATION", "Enterprise", [E1, rw.N1, rw.N2], "out")) == 3
    messages = " ".join(n.message for n in notes)
    assert "合计行" in messages and "表尾注释行" in messages
    assert "同时记录报告期指标" in messages
    if variant == 2:  # an unknown column is ignored, and said so
        assert any(n.column == "填报人" and "已忽略" in n.message for n in notes)
    if variant == 3:  # a second table below the first is not loaded, and said so
        assert props(store, "EnterpriseObservation", f"{E1}@{period}")["profit"] == 210.0
        assert any(n.value == "附表：分镇汇总" and "另一张表" in n.message for n in notes)
        assert store.get_node("Town", "一镇") is None  # the summary's rows made nothing


# -- a business-information platform's bulk export ------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_business_export_keeps_capital_status_and_former_names(
    store: GraphStore, tmp_path: Path, variant: int
) -> None:
    city(store, tmp_path)
    report, notes = load_noted([rw.business_export(tmp_path, variant)], store)
    assert summary(report)["Enterprise"]["new"] == 5
    q1, q2, q3, q4, q5 = (props(store, "Enterprise", k) for k in (rw.Q1, rw.Q2, rw.Q3, rw.Q4, rw.Q5))
    # money as written
    assert q1["registered_capital"] == 5000.0 and q1["paid_in_capital"] == 1000.0
    assert "capital_currency" not in q1
    assert q2["capital_currency"] == "USD" and q2["registered_capital_in_currency"] == 100.0
    assert q2["registered_capital"] == pytest.approx(715.86)
    assert q3["capital_currency"] == "HKD" and q3["registered_capital_in_currency"] == 300.0
    assert q4["registered_capital"] == 12000.0
    assert "registered_capital" not in q5  # "-": unknown, not zero
    assert any("USD" in n.message and "2025-06-30" in n.message for n in notes)
    # registration status from the platforms' words
    assert [q["reg_status"] for q in (q1, q2, q3, q4, q5)] == [
        "active", "operating", "deregistered", "revoked", "active"]
    # 曾用名 become aliases; the registered name stays the name
    assert q5["name"] == "北京新辰文化科技有限公司"
    assert "北京旧辰网络科技有限公司" in str(q5["aliases"]).split(";")
    # industry given as a GB/T 4754-2017 name goes through the crosswalk
    assert subsectors(store, rw.Q1) == {"0241"} and subsectors(store, rw.Q2) == {"0243"}
    assert subsectors(store, rw.Q5) == set()  # a division of many classes: left for review
    assert any(n.kind == "review" and "软件和信息技术服务业" in str(n.value) for n in notes)
    # dead enterprises are never candidates and never members of a link
    pool = set(candidates(store, rw.ENGINE, None)["id"])
    assert pool == {rw.Q2}
    assert link_row(store, rw.ENGINE)["outside_enterprises"] == 1  # Q3 (注销) left out
    assert link_row(store, rw.ART)["outside_enterprises"] == 1  # Q4 (吊销) left out
    if variant == 2:
        unknown = {n.column for n in notes if "未识别的列" in n.message}
        assert unknown == {"标签", "科技型企业"}
    if variant == 3:  # Excel serial dates
        assert q1["founded"] == dt.date(2015, 6, 1) and q2["founded"] == dt.date(2018, 3, 12)
        assert q3["founded"] == dt.date(2012, 9, 30)


# -- the registry's change list -------------------------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_change_list_moves_in_moves_out_and_deregisters(
    store: GraphStore, tmp_path: Path, variant: int
) -> None:
    city(store, tmp_path)
    load([rw.statistics_list(tmp_path, 1)], store)
    assert link_row(store, rw.ART)["local_enterprises"] == 1  # N1
    e2_before = props(store, "Enterprise", E2)
    report, _ = load_noted([rw.change_list(tmp_path, variant)], store)
    s = summary(report)["Enterprise"]
    assert (s["new"], s["updated"], s["refused"]) == (1, 2, 0)
    assert props(store, "Enterprise", rw.M1)["reg_status"] == "moved_in"
    assert town_of(store, rw.M1) == {"t1"}
    e2 = props(store, "Enterprise", E2)
    assert e2["reg_status"] == "moved_out"
    # an update brings what it has and keeps the rest
    assert e2["annual_revenue"] == e2_before["annual_revenue"] and e2["name"] == e2_before["name"]
    assert props(store, "Enterprise", rw.N1)["reg_status"] == "deregistered"
    assert link_row(store, rw.ART)["local_enterprises"] == 0  # N1 is gone from the link


# -- an older 规上企业名录 in GBK ---------------------------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
def test_an_old_registry_list_keeps_names_and_a_later_file_resolves_the_alias(
    store: GraphStore, tmp_path: Path, variant: int
) -> None:
    city(store, tmp_path)
    report, notes = load_noted([rw.old_registry(tmp_path, variant)], store)
    s = summary(report)["Enterprise"]
    assert (s["new"], s["updated"], s["refused"]) == (1, 1, 0)
    e1 = props(store, "Enterprise", E1)
    assert e1["name"] == "迷你数字科技有限公司"  # the registered name stays
    assert rw.OLD_NAME_E1 in str(e1["aliases"]).split(";")
    assert e1["annual_revenue"] == 5100.5 and e1["registered_capital"] == 2000.0
    assert e1["reg_status"] == "active" and e1["above_scale"] is True
    assert any("记为别名" in n.message for n in notes)
    n2 = props(store, "Enterprise", rw.N2)
    assert n2["annual_revenue"] == 1900.0 and n2["employees"] == 28
    # a later file naming E1 by the other form resolves to E1
    report, _ = load_noted([rw.talent_by_name(tmp_path, rw.OLD_NAME_E1)], store)
    assert props(store, "EnterpriseObservation", f"{E1}@2025Q1")["talent_introduced"] == 4


# -- period updates -------------------------------------------------------------------------------
def test_a_period_update_keeps_the_figures_it_does_not_bring(
    store: GraphStore, tmp_path: Path
) -> None:
    city(store, tmp_path)
    load([rw.statistics_list(tmp_path, 1)], store)
    key = f"{E1}@2025Q1"
    report, notes = load_noted([rw.talent_by_name(tmp_path, "迷你数字科技有限公司")], store)
    obs = props(store, "EnterpriseObservation", key)
    assert obs["talent_introduced"] == 4 and obs["revenue"] == 1234.5 and obs["employees"] == 120
    assert summary(report)["EnterpriseObservation"]["updated"] == 1
    assert any("未提供的指标保留原值" in n.message for n in notes)
    # unchanged when loaded again
    report, _ = load_noted([rw.talent_by_name(tmp_path, "迷你数字科技有限公司")], store)
    assert summary(report)["EnterpriseObservation"]["unchanged"] == 1
    # replacing a period whole is explicit
    load([rw.talent_by_name(tmp_path, "迷你数字科技有限公司")], store, replace_period=True)
    obs = props(store, "EnterpriseObservation", key)
    assert obs["talent_introduced"] == 4 and "revenue" not in obs


# -- refusal --------------------------------------------------------------------------------------
def test_a_refused_file_names_every_row_and_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    city(store, tmp_path)
    before = (store.count_nodes(), store.count_relationships())
    with pytest.raises(ValidationFailed) as err:
        load([rw.refused_file(tmp_path)], store)
    where = sorted((p.file, p.row, p.column) for p in err.value.problems)
    assert where == [("有问题的名录.xlsx", 2, "行业代码"), ("有问题的名录.xlsx", 3, "统一社会信用代码"),
                     ("有问题的名录.xlsx", 4, "注册资本")]
    messages = {p.row: p.message for p in err.value.problems}
    assert "GB/T 4754-2017" in messages[2] and "87大类下没有这个小类" in messages[2]
    assert "校验位" in messages[3] and "不是可识别的金额" in messages[4]
    refused = {r["kind"]: r["refused"] for r in err.value.summary}
    assert refused == {"Enterprise": 3}
    assert (store.count_nodes(), store.count_relationships()) == before


# -- the complete GB/T 4754-2017 table --------------------------------------------------------------
def test_industries_outside_culture_load_and_names_map_at_every_level(
    store: GraphStore, tmp_path: Path
) -> None:
    city(store, tmp_path)
    report, notes = load_noted([rw.industry_levels(tmp_path)], store)
    assert summary(report)["Enterprise"]["new"] == 5
    # a real class outside the culture crosswalk: loaded, no sub-sector, on the review list
    assert props(store, "Enterprise", rw.R1)["name"] == "迷你粮油加工有限公司"
    assert subsectors(store, rw.R1) == set() and town_of(store, rw.R1) == {"t1"}
    assert any(n.kind == "review" and n.value == "1311" and "不在文化及相关产业分类" in n.message
               for n in notes)
    # names at the 中类 and 小类 levels map through the crosswalk
    assert subsectors(store, rw.R2) == {"0930"} and subsectors(store, rw.R3) == {"0222"}
    # a 中类 outside culture, and one only partly culture, are not placed and are said so
    assert subsectors(store, rw.R4) == set() and subsectors(store, rw.R5) == set()
    said = {str(n.value): n.message for n in notes if n.kind == "review"}
    assert "不属于文化及相关产业分类" in said["谷物磨制"]
    assert "只有部分小类" in said["专用化学产品制造"] and "0715" in said["专用化学产品制造"]


def test_codes_absent_from_the_standard_are_refused_in_any_division(
    store: GraphStore, tmp_path: Path
) -> None:
    city(store, tmp_path)
    before = (store.count_nodes(), store.count_relationships())
    with pytest.raises(ValidationFailed) as err:
        load([rw.made_up_codes(tmp_path)], store)
    problems = sorted((p.row, p.column, p.value, p.message) for p in err.value.problems)
    assert [(row, col, value) for row, col, value, _ in problems] == [
        (2, "行业代码", "0100"), (3, "行业代码", "8799"), (4, "行业代码", "C1398"),
        (5, "行业代码", "1315")]
    assert all("GB/T 4754-2017" in m and "请核对" in m for *_, m in problems)
    assert "01大类下没有这个小类" in problems[0][3] and "13大类下没有这个小类" in problems[3][3]
    assert all(p.file == "虚构代码名录.csv" for p in err.value.problems)
    assert (store.count_nodes(), store.count_relationships()) == before


def test_the_industry_table_is_complete() -> None:
    from tupu.loaders.crosswalk import load_industries

    nodes = load_industries().nodes.values()
    count = {lvl: sum(1 for n in nodes if n.level == lvl)
             for lvl in ("section", "division", "group", "class")}
    assert count == {"section": 20, "division": 97, "group": 473, "class": 1381}
    assert all(n.complete for n in nodes if n.level == "division")
    by_code = {n.code: n for n in nodes}
    for n in nodes:  # every node hangs under an existing parent of the level above
        if n.level != "section":
            parent = by_code[n.parent]
            assert (parent.level, n.level) in {("section", "division"), ("division", "group"),
                                               ("group", "class")}, n


@pytest.mark.usefixtures("settings")
def test_the_cli_reports_in_chinese_and_json_keeps_cells_machine_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(rw.base_city(tmp_path / "mini"))]) == 0
    capsys.readouterr()
    assert main(["load", str(rw.business_export(tmp_path, 1))]) == 0
    out = capsys.readouterr().out
    assert "载入结果" in out and "新增" in out and "拒收" in out
    assert main(["candidates", rw.ENGINE]) == 0
    out = capsys.readouterr().out
    assert "上海幻境网络科技有限公司（在业）" in out and "深圳旧梦游戏有限公司" not in out
    assert main(["load", "--format", "json", str(rw.refused_file(tmp_path))]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["written"] is False
    assert {"file": "有问题的名录.xlsx", "row": 2, "column": "行业代码", "value": "8799"}.items() \
        <= data["problems"][0].items()
    assert data["summary"][0]["refused"] == 3
    # --strict refuses a file with unknown columns
    assert main(["load", "--strict", str(rw.business_export(tmp_path, 2))]) == 1
    assert "--strict" in capsys.readouterr().err


# -- both stores give identical results -----------------------------------------------------------
@pytest.mark.neo4j
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_shape_loads_to_the_same_map_on_both_stores(
    neo4j_session_store: GraphStore, tmp_path: Path, variant: int
) -> None:
    from tupu.graph.stores.memory_store import MemoryStore

    files = tmp_path / "files"
    files.mkdir()
    deliveries = [[rw.base_city(tmp_path / "mini")], [rw.statistics_list(files, variant)],
                  [rw.business_export(files, variant)], [rw.change_list(files, variant)],
                  [rw.old_registry(files, variant)], [rw.talent_by_name(files, rw.OLD_NAME_E1)]]
    memory = MemoryStore(tmp_path / "map.snapshot")
    neo4j = neo4j_session_store
    neo4j.clear()
    try:
        for paths in deliveries:
            a = summary(load(paths, memory))
            b = summary(load(paths, neo4j))
            assert a == b, paths
        assert rw.store_content(memory) == rw.store_content(neo4j)
        for link in (rw.ENGINE, rw.ART):
            assert candidates(memory, link, None).equals(candidates(neo4j, link, None))
            assert link_row(memory, link) == link_row(neo4j, link)
    finally:
        neo4j.clear()


@pytest.mark.usefixtures("settings")
def test_the_report_workbook_lists_the_ignored_columns(tmp_path: Path) -> None:
    from tests.test_ingest_load import report_sheets

    assert main(["load", str(rw.base_city(tmp_path / "mini"))]) == 0
    report = tmp_path / "报告.xlsx"
    assert main(["load", "--report", str(report), str(rw.business_export(tmp_path, 2))]) == 0
    notes = report_sheets(report)["说明"][1:]
    ignored = {r[2] for r in notes if "未识别的列" in str(r[4])}
    assert ignored == {"标签", "科技型企业"}
    assert any("企业规模" in str(r[4]) and "已忽略" in str(r[4]) for r in notes)


@pytest.mark.parametrize(("header", "field"), [
    ("所在乡镇（街道）", "town"), ("所在乡镇【街道】", "town"), ("乡镇 (街道)", "town"),
    ("单位详细名称", "name"), ("企业名称（全称）", "name"), ("登记状态", "reg_status"),
    ("经营状态", "reg_status"), ("所属省份", "province"), ("所属城市", "city"),
    ("曾用名", "former_names"), ("实缴资本", "paid_in_capital"), ("所属行业", "industry_name"),
    ("注册资本（万美元）", "registered_capital"), ("成立日期(yyyy-mm-dd)", "founded"),
    ("统一社会 信用代码", "id"), ("统一社会信用代码（18位）", "id"), ("统一社会信用代码/注册号", "id"),
    ("社会统一信用代码", "id"), ("1-3月营业收入（千元）", "annual_revenue"),
    ("2025年1—3月营业收入(千元)", "annual_revenue"), ("平均从业人数", "employees"),
    ("主要业务活动", "business_scope"), ("国标行业门类", "industry_name"),
    ("所属区县", "region"), ("注册地址", "address"), ("地址", "address"), ("住所", "address"),
])
def test_the_header_vocabulary_of_real_exports(header: str, field: str) -> None:
    from tupu.loaders.headers import Recognised, Recogniser, kind_fields
    from tupu.ontology.schema import load_schema

    found = Recogniser(kind_fields("enterprises", load_schema())).match_text(header)
    assert isinstance(found, Recognised) and found.field.name == field


@pytest.mark.parametrize("header", ["法定代表人", "企业类型", "参保人数", "英文名", "电话", "邮箱",
                                    "网址", "纳税人识别号", "更多电话"])
def test_columns_tupu_does_not_keep_are_known_as_ignored(header: str) -> None:
    from tupu.loaders.headers import Ignored, Recogniser, kind_fields
    from tupu.ontology.schema import load_schema

    assert isinstance(Recogniser(kind_fields("enterprises", load_schema())).match_text(header),
                      Ignored)
