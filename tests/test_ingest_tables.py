"""Recognising export tables and mapping them to canonical rows, on rows held in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest

from tests.minicity import E1, E2, E3, uscc
from tupu.graph.stores.model import Props
from tupu.loaders.delivery import Delivery
from tupu.loaders.headers import MapEntry
from tupu.loaders.ids import generated_id
from tupu.loaders.ingest_rows import map_records
from tupu.loaders.ingest_session import IngestSession
from tupu.loaders.ingest_table import FileOptions, read_table
from tupu.loaders.notes import Note, collect_notes
from tupu.loaders.tables import Cell, RawRow
from tupu.loaders.units import unit_of
from tupu.ontology.schema import load_schema

SCHEMA = load_schema()
TOWNS = {"chengxiang": "城厢镇", "loudong": "娄东街道"}
PARKS = {"tjh": "天镜湖文化科技产业园"}


def city() -> Delivery:
    """A delivery that already holds two towns, a park, a sub-sector and two enterprises."""
    d = Delivery()
    for label, nodes in (("Town", TOWNS), ("Park", PARKS)):
        for key, name in nodes.items():
            d.node_origin[(label, key)] = ("base", 2)
            d.changes.add_node(label, {"id": key, "name": name})
    for code in ("0241", "0243", "0611"):
        d.node_origin[("SubSector", code)] = ("taxonomy", 2)
        d.changes.add_node("SubSector", {"code": code, "name": code})
    for key, name in ((E1, "迷你数字科技有限公司"), (E2, "迷你装备制造有限公司")):
        d.node_origin[("Enterprise", key)] = ("base", 2)
        d.changes.add_node("Enterprise", {"id": key, "name": name})
    return d


def ingest(
    rows: Sequence[Sequence[Cell]],
    options: FileOptions = FileOptions(),
    hints: Sequence[str] = (),
    d: Delivery | None = None,
) -> tuple[Delivery, list[Note]]:
    d = d or city()
    session = IngestSession(SCHEMA)
    with collect_notes() as notes:
        table = read_table(d, list(enumerate(rows, start=1)), "t.xlsx", SCHEMA, options, hints)
        if table is not None:
            map_records(d, session, table, SCHEMA)
        session.resolve(d)
    return d, notes


def node(d: Delivery, label: str, key: str) -> Props:
    ldef = SCHEMA.labels[label]
    found = [p for p in d.changes.nodes.get(label, []) if p[ldef.key] == key]
    assert len(found) == 1, (label, key, d.changes.nodes.get(label))
    return {k: v for k, v in found[0].items() if not k.startswith("prov_")}


def rels(d: Delivery, rtype: str) -> set[tuple[str, str, str, str]]:
    return {(s, r.start, e, r.end) for (t, s, e), rows in d.changes.rels.items() if t == rtype
            for r in rows}


def where(d: Delivery) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in d.problems]


# -- enterprises: header variants, units, dates ---------------------------------------------


def test_registry_headers_with_spaces_full_width_brackets_and_units() -> None:
    code = uscc(11)
    d, notes = ingest([
        ["太仓市文化企业名录（2025年6月）"],
        ["序号", "单位详细名称", " 统一社会信用代码 ", "*成立日期", "注册资本（千元）", "营业收入(亿元)",
         "从业人员期末人数", "是否规上", "所属镇（区）", "经营范围", "注册地址"],
        [1, "太仓 新星（文化）有限公司 ", code.lower(), "2025年3月1日", "5,000", 1.2, "120", "是",
         "城厢", "游戏", "太仓市某路1号"],
    ])
    assert d.problems == []
    assert node(d, "Enterprise", code) == {
        "id": code, "name": "太仓 新星（文化）有限公司", "founded": dt.date(2025, 3, 1),
        "registered_capital": 500.0, "annual_revenue": 12000.0, "employees": 120,
        "above_scale": True, "business_scope": "游戏",
    }
    assert rels(d, "LOCATED_IN") == {("Enterprise", code, "Town", "chengxiang")}
    assert any(n.message.endswith("已忽略：序号") for n in notes)  # the address: only to place it
    assert any("企业名录" in n.message and n.kind == "note" for n in notes)


def test_money_unit_from_a_title_row() -> None:
    d, _ = ingest([["单位：千元"], ["企业名称", "营业收入"], ["甲文化有限公司", "538.4"]])
    assert node(d, "Enterprise", generated_id("甲文化有限公司"))["annual_revenue"] == 53.84


def test_a_row_without_credit_code_gets_a_generated_id_and_keeps_its_raw_name() -> None:
    d, notes = ingest([["企业名称", "统一社会信用代码"], ["  甲（太仓）文化有限公司", ""]])
    key = generated_id("甲(太仓)文化有限公司")
    assert node(d, "Enterprise", key)["name"] == "甲（太仓）文化有限公司"
    assert any("按名称生成标识" in n.message for n in notes)


def test_bad_cells_are_problems_with_row_column_and_value() -> None:
    wrong = E3[:17] + ("0" if E3[17] != "0" else "1")
    d, _ = ingest([
        ["企业名称", "统一社会信用代码", "成立日期", "营业收入"],
        ["甲公司", wrong, "2020-01-02", "10"],
        ["乙公司", uscc(12), "明年", "10"],
        ["丙公司", uscc(13), "2020-01-02", "很多"],
        ["丁公司", 913205850535505917, "2020-01-02", "10"],
        ["", uscc(14), "2020-01-02", "10"],
    ])
    assert where(d) == [(2, "统一社会信用代码"), (3, "成立日期"), (4, "营业收入"),
                        (5, "统一社会信用代码"), (6, "企业名称")]
    assert d.problems[0].value == wrong and "校验位" in d.problems[0].message
    assert "存成了数字" in d.problems[3].message
    assert not d.changes.nodes.get("Enterprise", [])[2:]  # only the city's own two


def test_duplicate_enterprises_in_one_file() -> None:
    d, _ = ingest([["企业名称", "统一社会信用代码"], ["甲", uscc(21)], ["甲公司", uscc(21)]])
    assert where(d) == [(3, "统一社会信用代码")] and "重复" in d.problems[0].message


# -- columns: unknown, ignored, mapped, duplicated, without a header -------------------------


def test_unknown_columns_are_ignored_with_a_guess_and_refused_when_strict() -> None:
    d, notes = ingest([["企业名称", "颜色", "营业收入", "营业收人"], ["甲", "红", "1", "2"]])
    assert d.problems == []
    assert node(d, "Enterprise", generated_id("甲"))["annual_revenue"] == 1.0
    unknown = {n.column: n.message for n in notes if n.column in ("颜色", "营业收人")}
    assert "未识别的列“颜色”，已忽略" in unknown["颜色"]
    # the guess for a misspelt header is the closest known one, not a fixed field
    assert "annual_revenue" in unknown["营业收人"] and "年营业收入" in unknown["营业收人"]
    d, _ = ingest([["企业名称", "颜色", "营业收入"], ["甲", "红", "1"]], FileOptions(strict=True))
    assert where(d) == [(1, "颜色")]
    assert "--strict" in d.problems[0].message and "ignore" in d.problems[0].message
    assert len(d.changes.nodes["Enterprise"]) == 2  # nothing from the file


def test_a_column_map_names_and_ignores_columns() -> None:
    options = FileOptions("enterprises", column_map={
        "颜色": MapEntry(None), "年营收（元）": MapEntry("annual_revenue")})
    d, notes = ingest([["企业名称", "颜色", "年营收（元）"], ["甲", "红", "12,000"]], options)
    assert d.problems == []
    assert node(d, "Enterprise", generated_id("甲"))["annual_revenue"] == 1.2
    assert any("颜色" in n.message for n in notes)


def test_a_unit_in_the_header_that_contradicts_the_column_map() -> None:
    options = FileOptions("enterprises", column_map={"营业收入": MapEntry("annual_revenue",
                                                                       unit_of("万元"))})
    d, _ = ingest([["企业名称", "营业收入（亿元）"], ["甲", "1.2"]], options)
    assert where(d) == [(1, "营业收入（亿元）")]
    assert "亿元" in d.problems[0].message and "万元" in d.problems[0].message


def test_a_foreign_currency_capital_header_is_converted() -> None:
    d, _ = ingest([["企业名称", "注册资本（万美元）"], ["甲", "10"]])
    assert d.problems == []
    props = node(d, "Enterprise", generated_id("甲"))
    assert props["capital_currency"] == "USD" and props["registered_capital_in_currency"] == 10.0
    assert props["registered_capital"] == pytest.approx(71.586)


def test_two_columns_for_one_field_and_a_column_without_header() -> None:
    d, _ = ingest([["企业名称", "单位名称", None], ["甲", "甲", "多出来的"]])
    assert (1, "单位名称") in where(d)
    d, notes = ingest([["企业名称", None, "营业收入"], ["甲", "多出来的", "1"], ["乙", "又多", "2"]])
    assert d.problems == [] and any(n.column == "B列" for n in notes)
    d, _ = ingest([["企业名称", None, "营业收入"], ["甲", "多出来的", "1"], ["乙", "又多", "2"]],
                  FileOptions(strict=True))
    assert where(d) == [(2, "B列")]


# -- kinds ----------------------------------------------------------------------------------


def test_quarterly_report_with_period_from_the_title_and_a_totals_row() -> None:
    d, notes = ingest([
        ["2025年一季度文化企业主要指标"],
        ["统一社会信用代码", "企业名称", "营业收入（千元）", "从业人员期末人数", "引进人才"],
        [E1, "迷你数字科技有限公司", "12345", "120", "3"],
        [None, "迷你装备制造有限公司", "500", "30", None],
        ["合计", None, "12845", "150", "3"],
    ])
    assert d.problems == []
    assert node(d, "EnterpriseObservation", f"{E1}@2025Q1") == {
        "id": f"{E1}@2025Q1", "period": "2025Q1", "revenue": 1234.5, "employees": 120,
        "talent_introduced": 3}
    assert rels(d, "HAS_OBSERVATION") == {
        ("Enterprise", E1, "EnterpriseObservation", f"{E1}@2025Q1"),
        ("Enterprise", E2, "EnterpriseObservation", f"{E2}@2025Q1")}
    messages = [n.message for n in notes]
    assert any("企业季度监测" in m for m in messages)
    assert any("2025Q1" in m for m in messages)
    assert any(n.row == 5 and "合计行" in n.message for n in notes)


def test_registry_columns_and_period_figures_in_one_file_do_both() -> None:
    new = uscc(31)
    d, notes = ingest([
        ["2025年一季度规上文化企业主要指标"],
        ["统一社会信用代码", "企业名称", "行业代码", "营业收入（千元）", "从业人员期末人数", "引进人才"],
        [E1, "迷你数字科技有限公司", "6513", "12345", "120", "3"],
        [new, "迷你新设文化有限公司", "6513", "500", "30", None],
        ["合计", None, None, "12845", "150", "3"],
    ])
    assert d.problems == []
    assert node(d, "Enterprise", new)["above_scale"] is True  # the title says 规上
    assert node(d, "Enterprise", new)["employees"] == 30
    assert "annual_revenue" not in node(d, "Enterprise", new)  # a quarter is not a year
    assert node(d, "EnterpriseObservation", f"{new}@2025Q1")["revenue"] == 50.0
    assert rels(d, "HAS_OBSERVATION") == {
        ("Enterprise", E1, "EnterpriseObservation", f"{E1}@2025Q1"),
        ("Enterprise", new, "EnterpriseObservation", f"{new}@2025Q1")}
    assert any("企业名录（同时记录报告期指标）" in n.message for n in notes)


def test_a_quarterly_report_needs_a_period() -> None:
    d, _ = ingest([["企业名称", "引进人才"], ["甲", "1"]], FileOptions("observations"))
    assert where(d) == [(1, "报告期")] and "period: 2025Q1" in d.problems[0].message


def test_period_column_and_file_name_hint() -> None:
    d, _ = ingest([["统一社会信用代码", "报告期", "营业收入"], [E1, "2025年第二季度", "1"]],
                  FileOptions("observations"))
    assert node(d, "EnterpriseObservation", f"{E1}@2025Q2")["revenue"] == 1.0
    d, _ = ingest([["统一社会信用代码", "营业收入"], [E1, "1"]], hints=["规上企业_2025Q3"])
    assert node(d, "EnterpriseObservation", f"{E1}@2025Q3")["revenue"] == 1.0


def test_park_tenants_by_code_or_by_name() -> None:
    d, _ = ingest([
        ["园区名称", "企业名称", "统一社会信用代码"],
        ["天镜湖文化科技产业园", "迷你数字科技有限公司", E1],
        ["天镜湖文化科技产业园", "迷你装备制造有限公司", None],
    ])
    assert d.problems == []
    assert rels(d, "LOCATED_IN") == {("Enterprise", E1, "Park", "tjh"),
                                     ("Enterprise", E2, "Park", "tjh")}


def test_unresolvable_references_name_file_row_and_column() -> None:
    d, _ = ingest([
        ["企业名称", "统一社会信用代码", "所在园区"],
        ["不存在的公司", None, "天镜湖文化科技产业园"],
        ["迷你数字科技有限公司", uscc(99), "天镜湖文化科技产业园"],
        ["迷你数字科技有限公司", E1, "月球园"],
    ], FileOptions("tenants"))
    assert where(d) == [(2, "企业名称"), (3, "统一社会信用代码"), (4, "所在园区")]
    assert "月球园" in d.problems[2].message and "天镜湖文化科技产业园" in d.problems[2].message


@pytest.mark.parametrize("town", ["城厢镇", "城厢", "太仓市城厢镇", "chengxiang"])
def test_towns_are_matched_by_name(town: str) -> None:
    d, _ = ingest([["企业名称", "所属镇（区）"], ["甲公司", town]])
    assert d.problems == []
    assert rels(d, "LOCATED_IN") == {("Enterprise", generated_id("甲公司"), "Town", "chengxiang")}


def test_an_unknown_town_lists_the_known_ones() -> None:
    d, _ = ingest([["企业名称", "所属镇（区）"], ["甲公司", "火星镇"]])
    assert where(d) == [(2, "所属镇（区）")]
    assert "城厢镇" in d.problems[0].message and "娄东街道" in d.problems[0].message


def test_projects_and_their_progress() -> None:
    d, _ = ingest([
        ["项目编号", "项目名称", "项目级别", "总投资（亿元）", "计划开工日期", "项目状态", "承担单位",
         "项目地点"],
        ["P1", "数字影棚项目", "省级", "1.5", 45717, "在建", "迷你数字科技有限公司", "天镜湖文化科技产业园"],
        [None, "装备产线项目", "市级", "0.2", "2025.03.01", "储备", "迷你装备制造有限公司", "娄东街道"],
    ])
    assert d.problems == []
    p1 = node(d, "Project", "P1")
    assert p1 == {"id": "P1", "name": "数字影棚项目", "level": "provincial",
                  "total_investment": 15000.0, "planned_start": dt.date(2025, 3, 1),
                  "status": "started"}
    p2 = generated_id("装备产线项目")
    assert rels(d, "OWNS") == {("Enterprise", E1, "Project", "P1"), ("Enterprise", E2, "Project", p2)}
    assert rels(d, "LOCATED_IN") == {("Project", "P1", "Park", "tjh"),
                                     ("Project", p2, "Town", "loudong")}
    d2, notes = ingest([
        ["项目编号", "报告期", "累计完成投资（万元）", "实际形象进度", "状态"],
        ["P1", "2025Q1", "3,000", "20%", "在建"],
    ], d=d)
    assert node(d2, "ProjectObservation", "P1@2025Q1") == {
        "id": "P1@2025Q1", "period": "2025Q1", "investment_to_date": 3000.0, "progress": 20.0,
        "status": "started"}
    assert any("项目季度进度" in n.message for n in notes)


# -- sub-sectors: culture codes and the crosswalk --------------------------------------------


def test_culture_codes_primary_first() -> None:
    d, _ = ingest([["企业名称", "文化产业类别代码"], ["甲公司", "0241；0611"]])
    key = generated_id("甲公司")
    rows = {(r.end, r.props["primary"]) for (t, _, _), rs in d.changes.rels.items()
            if t == "IN_SUBSECTOR" for r in rs if r.start == key}
    assert rows == {("0241", True), ("0611", False)}


def test_industry_codes_through_the_crosswalk_with_review() -> None:
    d, notes = ingest([
        ["企业名称", "行业代码", "经营范围"],
        ["甲游戏公司", "I6513", "网络游戏开发；动漫制作"],
        ["乙软件公司", "6513", "财务软件开发"],
        ["丙机械公司", "3311", "金属结构制造"],
    ])
    assert d.problems == []
    assert rels(d, "IN_SUBSECTOR") == {("Enterprise", generated_id("甲游戏公司"), "SubSector", "0243")}
    review = [n for n in notes if n.kind == "review"]
    assert [(n.row, n.column, n.value) for n in review] == [(3, "行业代码", "6513"),
                                                            (4, "行业代码", "3311")]
    assert "乙软件公司" in review[0].message and "人工复核" in review[0].message


def test_an_unknown_culture_code_is_a_problem() -> None:
    d, _ = ingest([["企业名称", "文化产业类别代码"], ["甲公司", "0999"]])
    assert where(d) == [(2, "文化产业类别代码")] and "0999" in d.problems[0].message


# -- what cannot be read at all --------------------------------------------------------------


def test_no_recognisable_header() -> None:
    d, _ = ingest([["a", "b"], ["1", "2"]])
    assert where(d) == [(None, None)] and "表头" in d.problems[0].message


def test_headers_that_say_nothing_about_the_kind() -> None:
    d, _ = ingest([["序号", "备注"], ["1", "x"]])
    assert len(d.problems) == 1 and "kind" in d.problems[0].message


def test_records_stream_from_an_endless_source() -> None:
    """Nothing holds the whole file: records come out while rows are still being read."""
    import itertools

    from tupu.loaders.ingest_table import read_table as read

    def endless() -> Iterator[RawRow]:
        yield 1, ["企业名称", "营业收入"]
        for n in itertools.count(2):
            yield n, [f"企业{n}", n]

    table = read(Delivery(), endless(), "big.csv", SCHEMA)
    assert table is not None
    first = list(itertools.islice(table.records, 3))
    assert [r.values["name"] for r in first] == ["企业2", "企业3", "企业4"]


@pytest.mark.parametrize(("cells", "reason"), [
    (["注：本表为虚构"], "表尾注释行"),
    (["注：", "本表数据为虚构"], "表尾注释行"),  # the note's text in the next cell
    (["注", "1.营业收入单位为千元"], "表尾注释行"),
    (["制表人：张三", "审核人：李四", "填报日期：2025-04-10"], "表尾注释行"),
    (["  合 计 ", 1, 2], "合计行"),
    (["其中：一镇", 5, 2034.5], "合计行"),
    (["迷你数字科技有限公司", "91320585000000001X", "6513"], None),
    (["注册公司", "x"], None),
])
def test_totals_breakdowns_and_notes_are_not_data(cells: list[Cell], reason: str | None) -> None:
    from tupu.loaders.tables import skip_reason

    assert skip_reason(cells) == reason


def test_a_second_table_below_the_first_ends_the_data() -> None:
    from tupu.loaders.tables import data_rows

    rows: list[RawRow] = [
        (3, ["甲公司", 1]), (4, ["注：中间的注释", None]), (5, ["乙公司", 2]), (6, [None, None]),
        (7, ["附表：分镇汇总", None]), (8, ["镇（区）", "企业数"]), (9, ["一镇", 2]),
    ]
    skipped: list[tuple[int, str, str]] = []
    kept = list(data_rows(rows, lambda n, why, first: skipped.append((n, why, first))))
    assert [n for n, _ in kept] == [3, 5]
    assert [(n, first) for n, _, first in skipped] == [(4, "注：中间的注释"), (7, "附表：分镇汇总")]
    assert "另一张表" in skipped[1][1]
    # an empty row between data rows does not end the table
    rows = [(3, ["甲公司", 1]), (4, [None, None]), (5, ["乙公司", 2])]
    assert [n for n, _ in data_rows(rows, lambda *a: None)] == [3, 5]
