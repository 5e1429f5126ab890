"""Cells of real exports: units (亿元/千元 → 万元), dates, quarters, booleans, codes and ids."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.minicity import uscc
from tupu.loaders.cells import find_period, parse_date, parse_period, parse_value
from tupu.loaders.ids import credit_code, generated_id, is_generated, normalise_name
from tupu.loaders.tables import Cell
from tupu.loaders.units import Unit, UnitMismatch, conversion, header_unit, preamble_unit, unit_of
from tupu.ontology.schema import PropertyDef, load_schema
from tupu.ontology.values import CellError

ENTERPRISE = load_schema().labels["Enterprise"].properties
PROJECT = load_schema().labels["Project"].properties
PROGRESS = load_schema().labels["ProjectObservation"].properties
REVENUE, EMPLOYEES, FOUNDED = ENTERPRISE["annual_revenue"], ENTERPRISE["employees"], ENTERPRISE["founded"]


def unit(word: str) -> Unit:
    u = unit_of(word)
    assert u is not None
    return u


# -- units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name", "word"),
    [
        ("营业收入(万元)", "营业收入", "万元"),
        ("营业收入(亿元)", "营业收入", "亿元"),
        ("注册资本(千元)", "注册资本", "千元"),
        ("注册资本(单位:元)", "注册资本", "元"),
        ("营业收入_万元", "营业收入", "万元"),
        ("营业收入万元", "营业收入", "万元"),
        ("实际形象进度(%)", "实际形象进度", "%"),
        ("从业人员(人)", "从业人员", "人"),
        ("所属镇(区)", "所属镇(区)", None),
        ("负责人", "负责人", None),
    ],
)
def test_units_are_read_from_headers(header: str, name: str, word: str | None) -> None:
    got_name, got_unit, foreign = header_unit(header)
    assert got_name == name and foreign is None
    assert (got_unit.word if got_unit else None) == word


def test_foreign_currency_in_a_header_is_flagged() -> None:
    assert header_unit("注册资本(万美元)") == ("注册资本", None, "万美元")


def test_unit_from_a_title_row() -> None:
    assert preamble_unit(["2025年一季度规上企业", "单位：千元"]) == unit("千元")
    assert preamble_unit(["金额单位: 亿元  人数单位：人"]) == unit("亿元")
    assert preamble_unit(["填报单位：太仓市统计局"]) is None


@pytest.mark.parametrize(
    ("cell", "header_unit_word", "expected"),
    [
        ("1.2", "亿元", 12000.0),
        (1.2, "亿元", 12000.0),
        ("538.4", "千元", 53.84),
        ("53840", "元", 5.384),
        ("1,234.5", "万元", 1234.5),
        ("1.2亿", "万元", 12000.0),
        ("1.2亿元", None, 12000.0),
        ("3,000万", None, 3000.0),
        ("500千元", "亿元", 50.0),  # the cell's own unit wins over the header's
        (0.005384, "亿元", 53.84),
        ("26461", None, 26461.0),
    ],
)
def test_money_is_converted_to_wan_yuan(cell: Cell, header_unit_word: str | None,
                                        expected: float) -> None:
    u = unit(header_unit_word) if header_unit_word else None
    assert parse_value(cell, REVENUE, u) == expected


@pytest.mark.parametrize("cell", ["1.2台", "3百万美元", "很多", "1.2.3"])
def test_money_that_cannot_be_read(cell: str) -> None:
    with pytest.raises(CellError):
        parse_value(cell, REVENUE)


def test_units_of_another_dimension_are_refused() -> None:
    with pytest.raises(UnitMismatch, match="无法换算为万元"):
        conversion(unit("%"), "万元", "营业收入")
    with pytest.raises(CellError, match="无法换算"):
        parse_value("85%", REVENUE)


def test_percent_and_counts() -> None:
    assert parse_value("8.6%", PROGRESS["progress"], unit("%")) == 8.6
    assert parse_value("120人", EMPLOYEES) == 120
    assert parse_value(120.0, EMPLOYEES) == 120
    assert parse_value("1,200", EMPLOYEES) == 1200
    assert parse_value("2024年", PROJECT["plan_year"]) == 2024
    with pytest.raises(CellError, match="整数"):
        parse_value("12.5", EMPLOYEES)


@pytest.mark.parametrize("cell", ["", "-", "—", "/", None, "  "])
def test_placeholders_are_unknown_never_zero(cell: Cell) -> None:
    assert parse_value(cell, REVENUE) is None


def test_excel_errors_are_reported() -> None:
    with pytest.raises(CellError, match="#N/A"):
        parse_value("#N/A", REVENUE)


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["2025-03-01", "2025/3/1", "2025.03.01", "2025年3月1日", "2025 年 3 月 1 日", "20250301",
     "45717", 45717, 45717.0, 20250301, dt.datetime(2025, 3, 1), dt.date(2025, 3, 1),
     "2025-03-01 00:00:00", "2025/3/1 12:00:00", "2025/03/01 0:00", "2025-3-1T08:30"],
)
def test_dates_in_common_chinese_forms_and_excel_serials(cell: Cell) -> None:
    assert parse_date(cell, "成立日期") == dt.date(2025, 3, 1)
    assert parse_value(cell, FOUNDED) == dt.date(2025, 3, 1)


def test_the_1904_date_system() -> None:
    assert parse_date(44255, "成立日期", dt.datetime(1904, 1, 1)) == dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("cell", "message"),
    [("2025年3月", "只写到了月份"), ("2025-02-30", "不是有效的日期"), ("下月", "应为日期"),
     ("2025", "应为日期"), (True, "应为日期")],
)
def test_bad_dates_say_what_to_write(cell: Cell, message: str) -> None:
    with pytest.raises(CellError, match=message):
        parse_date(cell, "成立日期")


# -- quarters, booleans, enumerations -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [("2025Q1", "2025Q1"), ("2025-Q2", "2025Q2"), ("2025q3", "2025Q3"),
     ("2025年一季度", "2025Q1"), ("2025年第二季度", "2025Q2"), ("2025年第3季度", "2025Q3"),
     ("2025年4季", "2025Q4"), ("2025年1-3月", "2025Q1"), ("2025年10-12月", "2025Q4"),
     ("2025年1-6月", None), ("2025年", None)],
)
def test_quarters(text: str, period: str | None) -> None:
    assert parse_period(text) == period


def test_a_quarter_is_found_in_a_title_only_when_it_is_the_only_one() -> None:
    assert find_period("太仓市文化企业主要指标（2024年一季度）") == "2024Q1"
    assert find_period("规上企业季报_2025Q2") == "2025Q2"
    assert find_period("2024年一季度与2024年二季度对比") is None
    assert find_period("企业名录") is None


@pytest.mark.parametrize(("cell", "value"), [("是", True), ("否", False), ("√", True),
                                             ("×", False), ("Y", True), ("规上", True),
                                             ("规下", False), (1, True), (True, True)])
def test_booleans(cell: Cell, value: bool) -> None:
    assert parse_value(cell, ENTERPRISE["above_scale"]) is value


def test_enumerations_by_their_chinese_words() -> None:
    status, level = PROJECT["status"], PROJECT["level"]
    assert parse_value("在建", status) == "started"
    assert parse_value("投运", status) == "operating"
    assert parse_value("started", status) == "started"
    assert parse_value("省级", level) == "provincial"
    assert parse_value("苏州市级", level) == "municipal"
    with pytest.raises(CellError, match="请填写以下之一：.*储备"):
        parse_value("搁置", status)


def test_text_fields_keep_full_width_punctuation() -> None:
    assert parse_value(" 海美国际（太仓）文化创新港 ", ENTERPRISE["name"]) == "海美国际（太仓）文化创新港"
    assert parse_value(2024001, PropertyDef("id", "string", True, "项目编号", "id")) == "2024001"


# -- credit codes and generated ids ---------------------------------------------------------


def test_credit_codes_are_normalised_and_checked_in_chinese() -> None:
    good = uscc(7)
    assert credit_code(f" {good.lower()} ") == (good, None)
    full_width = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert credit_code(full_width) == (good, None)
    for as_text in (f"'{good}", f'="{good}"', f'"{good}"', f"`{good}"):  # kept-as-text marks
        assert credit_code(as_text) == (good, None), as_text
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    code, why = credit_code(wrong)
    assert code == wrong and why is not None and f"末位应为“{good[17]}”" in why
    assert "18位" in (credit_code("320585000123456")[1] or "")
    assert "旧的工商注册号" in (credit_code("320585000123456")[1] or "")
    assert "“I”" in (credit_code("91320585I23456789X")[1] or "")


def test_generated_ids_are_stable_across_spellings_and_never_look_like_codes() -> None:
    a = generated_id("太仓 某某（文化）有限公司")
    assert a == generated_id("太仓某某(文化)有限公司") == generated_id("\u3000太仓某某（文化）有限公司 ")
    assert a != generated_id("太仓某某文化有限公司")
    assert is_generated(a) and not is_generated(uscc(1)) and len(a) == 20
    assert normalise_name("abc（太仓）") == "ABC(太仓)"


@pytest.mark.parametrize(("cell", "yuan", "currency"), [
    ("500万(元)", 500.0, "CNY"), ("500（万元）", 500.0, "CNY"), ("50万(人民币)", 50.0, "CNY"),
    ("100万美元(USD)", 715.86, "USD"), ("300(万港元)", 273.585, "HKD"),
    ("500.00万元人民币", 500.0, "CNY"), ("人民币500万元", 500.0, "CNY"), ("100万 美元", 715.86, "USD"),
])
def test_capital_with_its_unit_or_currency_in_brackets(cell: str, yuan: float,
                                                       currency: str) -> None:
    from tupu.loaders.money import RateTable, parse_capital

    rates = RateTable(dt.date(2025, 6, 30), "test", {"USD": 7.1586, "HKD": 0.91195})
    found = parse_capital(cell, None, None, rates, "注册资本")
    assert found is not None and found.currency == currency
    assert found.yuan == pytest.approx(yuan)
