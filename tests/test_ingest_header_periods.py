"""Periods named in column headers (issue 8, point 1 and the known gap of round 4).

``2025年1-3月营业收入``, ``2025年1-6月营业收入（万元）`` and ``2024年营业收入`` are that period's
figures, never the enterprise's annual revenue; two such columns give two observations; a period
over its figures in a two-row header counts the same; cumulative figures beyond the first quarter
become the quarter's own when the earlier quarters are known.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.minicity import E1, uscc, write_city
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.column_periods import ColumnPeriod, cumulative_in, split_period
from tupu.loaders.cumulative import split_cumulative
from tupu.loaders.delivery import Delivery
from tupu.loaders.ingest_table import FileOptions, read_table
from tupu.loaders.notes import collect_notes
from tupu.loaders.pipeline import load
from tupu.ontology.schema import load_schema

N = uscc(801)


@pytest.mark.parametrize(
    ("header", "quarter", "cumulative", "rest"),
    [
        ("2025年1-3月营业收入", "2025Q1", False, "营业收入"),
        ("2025年1-6月营业收入", "2025Q2", True, "营业收入"),
        ("2025年1—9月利润总额", "2025Q3", True, "利润总额"),
        ("2024年营业收入", "2024Q4", True, "营业收入"),
        ("2024年度主营业务收入", "2024Q4", True, "主营业务收入"),
        ("2024年全年营业收入", "2024Q4", True, "营业收入"),
        ("2025年上半年营业收入", "2025Q2", True, "营业收入"),
        ("2025年前三季度营业收入", "2025Q3", True, "营业收入"),
        ("2025年第二季度营业收入", "2025Q2", False, "营业收入"),
        ("2025年4-6月营业收入", "2025Q2", False, "营业收入"),
        ("2025q4从业人员", "2025Q4", False, "从业人员"),
        ("2025年1-3月累计营业收入", "2025Q1", False, "营业收入"),
        ("2025年2-7月营业收入", None, False, "营业收入"),
        ("2025年5月营业收入", None, False, "营业收入"),
    ],
)
def test_a_header_period_is_split_off(
    header: str, quarter: str | None, cumulative: bool, rest: str
) -> None:
    found = split_period(header)
    assert found is not None
    span, text = found
    assert (span.quarter, span.cumulative, text) == (quarter, cumulative, rest)


@pytest.mark.parametrize("header", ["营业收入", "2025年", "本期营业收入", "20250营业收入",
                                    "成立日期"])
def test_headers_without_a_period(header: str) -> None:
    assert split_period(header) is None


def test_a_title_names_a_year_to_date_span() -> None:
    assert cumulative_in("迷你市规上文化企业（2025年1-6月）") == ColumnPeriod(2025, 1, 6)
    assert cumulative_in("2025年上半年主要指标") == ColumnPeriod(2025, 1, 6)
    assert cumulative_in("2025年1-3月") is None  # the first quarter is the quarter itself
    assert cumulative_in("2024年1-6月与2025年1-6月对比") is None  # two spans: none


def mini_city(tmp_path: Path) -> tuple[MemoryStore, Path]:
    """The mini city loaded into a memory store, and an empty folder for the files to deliver."""
    store = MemoryStore(tmp_path / "m.snapshot")
    load([write_city(tmp_path / "mini")], store)
    folder = tmp_path / "files"
    folder.mkdir()
    return store, folder


def _table(rows: list[list[object]], **kw: object) -> tuple[Delivery, object, list[object]]:
    d = Delivery()
    t = read_table(d, list(enumerate(rows, 1)), "f.csv", load_schema(), FileOptions(**kw))
    records = list(t.records) if t is not None else []
    return d, t, records


def test_two_period_columns_give_two_periods_with_their_units() -> None:
    d, t, records = _table([
        ["规上企业名录"],
        ["企业名称", "统一社会信用代码", "2024年营业收入", "2025年1-3月营业收入（千元）"],
        ["甲公司", N, "1.5亿元", "4000"],
    ])
    assert not d.problems and t.kind == "observations"  # nothing describes the enterprise
    [rec] = records
    assert "annual_revenue" not in rec.values and "revenue" not in rec.values
    assert rec.periods == {ColumnPeriod(2024, 1, 12): {"revenue": 15000.0},
                           ColumnPeriod(2025, 1, 3): {"revenue": 400.0}}


def test_a_two_row_header_with_periods_over_figures() -> None:
    d, t, records = _table([
        ["企业名称", "统一社会信用代码", "2024年", None, "2025年1-3月", None],
        [None, None, "营业收入（万元）", "从业人员", "营业收入（万元）", "从业人员"],
        ["甲公司", N, 900, 30, 250, 32],
    ])
    assert not d.problems and t.kind == "observations"
    [rec] = records
    assert rec.periods == {ColumnPeriod(2024, 1, 12): {"revenue": 900.0, "employees": 30},
                           ColumnPeriod(2025, 1, 3): {"revenue": 250.0, "employees": 32}}


def test_a_span_that_is_no_quarter_is_noted_or_refused_with_strict() -> None:
    rows: list[list[object]] = [["企业名称", "统一社会信用代码", "2025年2-7月营业收入"],
                                ["甲公司", N, 10]]
    with collect_notes() as notes:
        d, _, _ = _table(rows)
    assert not d.problems
    assert any("2025年2-7月" in n.message and n.column == "2025年2-7月营业收入" for n in notes)
    d, _, _ = _table(rows, strict=True)
    [p] = d.problems
    assert (p.row, p.column) == (1, "2025年2-7月营业收入") and "季度" in p.message


def test_the_same_period_twice_is_refused() -> None:
    d, _, _ = _table([["企业名称", "统一社会信用代码", "2025年1-3月营业收入", "2025年一季度营业收入"],
                      ["甲公司", N, 10, 11]])
    [p] = d.problems
    assert p.column == "2025年一季度营业收入" and "2025年1-3月营业收入" in p.message


def test_split_cumulative_against_earlier_quarters() -> None:
    stored = {"2025Q1": {"revenue": 100.0, "profit": 10.0}, "2025Q2": {"revenue": 150.0}}
    # the previous quarter's cumulative figure when known, else the sum of the quarters' own
    s = split_cumulative("2025Q3", {}, {"revenue": 400.0, "employees": 9},
                         lambda q: {**stored.get(q, {}), **({"revenue_ytd": 260.0}
                                                          if q == "2025Q2" else {})} or None)
    assert s.props == {"revenue": 140.0, "revenue_ytd": 400.0, "employees": 9} and not s.unsplit
    s = split_cumulative("2025Q3", {}, {"revenue": 400.0}, lambda q: stored.get(q))
    assert s.props["revenue"] == 150.0
    # an earlier quarter missing: the year to date is kept, the quarter's own is reported
    s = split_cumulative("2025Q3", {}, {"revenue": 400.0, "profit": 30.0},
                         lambda q: stored.get(q))
    assert s.props == {"revenue": 150.0, "revenue_ytd": 400.0, "profit_ytd": 30.0}
    assert s.unsplit == [("profit", 30.0)]
    # a quarter's own figure given beside its cumulative one wins
    s = split_cumulative("2025Q2", {"revenue": 1.0}, {"revenue": 250.0}, lambda q: stored.get(q))
    assert s.props == {"revenue": 1.0, "revenue_ytd": 250.0}


def test_a_cumulative_file_loaded_before_its_first_quarter_is_split_in_the_same_delivery(
    tmp_path: Path,
) -> None:
    store, folder = mini_city(tmp_path)
    h1 = folder / "a_h1.csv"
    h1.write_text("企业名称,统一社会信用代码,2025年1-6月营业收入（万元）\n迷你数字科技有限公司,"
                  f"{E1},900\n", encoding="utf-8")
    q1 = folder / "b_q1.csv"
    q1.write_text("企业名称,统一社会信用代码,2025年1-3月营业收入（万元）,2025年1-3月利润总额（万元）\n"
                  f"迷你数字科技有限公司,{E1},400,20\n", encoding="utf-8-sig")
    load([h1, q1], store)
    [q2] = store.get_nodes("EnterpriseObservation", [f"{E1}@2025Q2"])
    assert q2.props["revenue"] == 500.0 and q2.props["revenue_ytd"] == 900.0
    [q1n] = store.get_nodes("EnterpriseObservation", [f"{E1}@2025Q1"])
    assert (q1n.props["revenue"], q1n.props["profit"]) == (400.0, 20.0)


def test_a_year_to_date_column_in_a_file_of_one_quarter() -> None:
    d, t, records = _table([
        ["迷你市2025年第二季度规上文化企业主要指标"],
        ["单位名称", "统一社会信用代码", "营业收入（本年累计）", "营业收入（本期）", "从业人员"],
        ["甲公司", N, "600", "250", "9"],
    ])
    assert not d.problems and t.period == "2025Q2"
    [rec] = records
    assert rec.values["revenue"] == 250.0 and rec.values["employees"] == 9  # the quarter's own
    assert rec.periods == {ColumnPeriod(2025, 1, 6): {"revenue": 600.0}}  # year to date


def test_a_year_to_date_figure_is_split_against_the_stored_quarter_a_delivery_completes(
    tmp_path: Path,
) -> None:
    store, folder = mini_city(tmp_path)
    q1 = folder / "q1.csv"
    q1.write_text(f"企业名称,统一社会信用代码,2025年1-3月营业收入（万元）\n迷你数字科技有限公司,{E1},400\n",
                  encoding="utf-8")
    load([q1], store)
    # a later delivery brings the first quarter's talent only, and the half year's revenue
    both = folder / "both.csv"
    both.write_text("企业名称,统一社会信用代码,2025年一季度引进人才,2025年1-6月营业收入（万元）\n"
                    f"迷你数字科技有限公司,{E1},3,1000\n", encoding="utf-8")
    load([both], store)
    [q1n] = store.get_nodes("EnterpriseObservation", [f"{E1}@2025Q1"])
    assert (q1n.props["revenue"], q1n.props["talent_introduced"]) == (400.0, 3)
    [q2] = store.get_nodes("EnterpriseObservation", [f"{E1}@2025Q2"])
    assert q2.props["revenue"] == 600.0


@pytest.mark.parametrize("codes", [["栏次", "甲", "乙", "丙", "1", "2"],
                                   [None, "甲", "乙", "丙", 1, 2]])
def test_the_column_code_row_of_a_statistics_table_is_skipped(codes: list[object]) -> None:
    with collect_notes() as notes:
        d, t, records = _table([
            ["迷你市规模以上文化企业主要经济指标（2025年1-3月）"],
            ["单位：千元"],
            ["序号", "单位详细名称", "统一社会信用代码", "行业代码", "营业收入", "从业人员期末人数"],
            codes,
            [1, "甲公司", N, "8710", "1000", "9"],
        ])
    assert not d.problems
    [rec] = records
    assert rec.row == 5 and rec.values["revenue"] == 100.0
    assert any(n.row == 4 and "栏次" in n.message for n in notes)


def test_a_hint_about_a_bad_figure_names_the_column_s_own_unit() -> None:
    d, _, _ = _table([
        ["迷你市规模以上文化企业（2025年1-3月）"],
        ["单位：千元"],
        ["单位名称", "统一社会信用代码", "营业收入", "2025年1-6月利润总额（亿元）"],
        ["甲公司", N, "约100", "待报"],
    ])
    hints = {p.column: p.message for p in d.problems}
    assert set(hints) == {"营业收入", "2025年1-6月利润总额（亿元）"}
    assert "千元" in hints["营业收入"] and "万元" not in hints["营业收入"]
    assert "亿元" in hints["2025年1-6月利润总额（亿元）"]
