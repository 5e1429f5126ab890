"""Tests of the plan's targets (ontology/targets/taicang-2025.yaml) and their reader."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest

from tupu.errors import ValidationFailed
from tupu.ontology.targets import PlanTargets, Target, load_targets, read_targets

#: Section 一（二）工作目标 of the plan, verbatim.
PLAN_GOALS = (
    "2025年，新增重点文化产业项目超10个，总投资额超50亿元，其中省级重点文化产业项目1个以上，"
    "新增一批数字文化、文化创意等“1840”重点领域服务业项目。新建或改建市级文化产业园区不少于6个，"
    "载体总建筑面积超14万平方米。新增规上文化企业15家，其中核心领域（数字内容、创意设计、影视娱乐等）"
    "不少于7家，力争培育营收超5亿元的骨干企业2家、超3亿元的骨干企业3家。引进文化产业创新创业人才"
    "300人以上，培育打造省级示范园区1个，形成3-5个特色产业集群。实现新增项目开工率100%，文化产业营收"
    "贡献率增速不低于10%。"
)

# id: (value or (min, max), unit, comparison as worded, operator)
EXPECTED: dict[str, tuple[float | tuple[float, float], str, str | None, str]] = {
    "new-key-projects": (10, "个", "超", "gt"),
    "new-key-project-investment": (50, "亿元", "超", "gt"),
    "new-provincial-key-projects": (1, "个", "以上", "ge"),
    "new-city-parks": (6, "个", "不少于", "ge"),
    "new-park-floor-area": (14, "万平方米", "超", "gt"),
    "new-above-scale-enterprises": (15, "家", None, "ge"),
    "new-above-scale-core-enterprises": (7, "家", "不少于", "ge"),
    "backbone-enterprises-500m": (2, "家", "力争", "ge"),
    "backbone-enterprises-300m": (3, "家", "力争", "ge"),
    "talent-introduced": (300, "人", "以上", "ge"),
    "provincial-demo-parks": (1, "个", None, "ge"),
    "industry-clusters": ((3, 5), "个", "区间", "range"),
    "new-project-start-rate": (100, "%", "实现", "ge"),
    "revenue-contribution-growth": (10, "%", "不低于", "ge"),
}


@pytest.fixture(scope="module")
def plan() -> PlanTargets:
    return load_targets("taicang-2025")


def _raw() -> dict[str, Any]:
    """A small valid document to break in tests."""
    return {
        "plan": {"id": "p", "title": "方案", "issuer": "某局", "date": "2025-05-13",
                 "status": "征求意见稿", "year": 2025},
        "targets": [
            {"id": "a", "name": "甲", "measure": "m_a", "value": 10, "unit": "个",
             "comparison": "超", "operator": "gt", "year": 2025, "scope": "graph", "quote": "超10个"},
            {"id": "b", "name": "乙", "measure": "m_b", "min": 3, "max": 5, "unit": "个",
             "comparison": "区间", "operator": "range", "year": 2025, "scope": "partial",
             "quote": "3-5个"},
        ],
    }


def test_plan_metadata(plan: PlanTargets) -> None:
    assert plan.title == "太仓市2025年文化产业提升发展专项行动方案"
    assert plan.issuer == "太仓市文体广电和旅游局"
    assert plan.date == dt.date(2025, 5, 13)
    assert plan.status == "征求意见稿"
    assert plan.year == 2025
    assert plan.source == "ontology/targets/taicang-2025.yaml"


def test_every_target_of_the_plan_is_present(plan: PlanTargets) -> None:
    assert [t.id for t in plan.targets] == list(EXPECTED)


@pytest.mark.parametrize("target_id", list(EXPECTED))
def test_target_matches_the_plans_wording(plan: PlanTargets, target_id: str) -> None:
    t = plan.target(target_id)
    number, unit, word, op = EXPECTED[target_id]
    if isinstance(number, tuple):
        assert (t.min, t.max, t.value) == (*number, None)
    else:
        assert (t.value, t.min, t.max) == (number, None, None)
    assert (t.unit, t.comparison, t.operator, t.year) == (unit, word, op, 2025)
    assert t.measure.isascii() and t.id.isascii() and not t.name.isascii()
    assert t.scope in ("graph", "partial", "external") and t.scope_note
    # The quote is the plan's own text, and it states the figure, unit and word.
    assert t.quote in PLAN_GOALS
    figure = f"{number[0]:g}-{number[1]:g}" if isinstance(number, tuple) else f"{number:g}"
    assert f"{figure}{unit}" in t.quote
    if word is not None and word != "区间":
        assert word in t.quote


def test_every_number_of_the_section_is_a_target(plan: PlanTargets) -> None:
    figures: set[float] = set()
    for t in plan.targets:
        figures |= {x for x in (t.value, t.min, t.max) if x is not None}
        if t.threshold is not None:
            figures.add(t.threshold.value)
    numbers = {float(n) for n in re.findall(r"\d+", PLAN_GOALS)} - {2025.0, 1840.0}
    assert numbers <= figures


def test_thresholds_and_parts(plan: PlanTargets) -> None:
    five = plan.target("backbone-enterprises-500m").threshold
    three = plan.target("backbone-enterprises-300m").threshold
    assert five is not None and three is not None
    assert (five.value, five.unit, five.comparison, five.operator) == (5, "亿元", "超", "gt")
    assert (three.value, three.unit, three.operator) == (3, "亿元", "gt")
    assert not five.admits(5) and five.admits(5.01)
    assert len(plan.by_measure("backbone_enterprises")) == 2
    assert plan.target("new-provincial-key-projects").part_of == "new-key-projects"
    assert plan.target("new-above-scale-core-enterprises").part_of == "new-above-scale-enterprises"


def test_scope_separates_graph_and_external_measures(plan: PlanTargets) -> None:
    assert plan.target("new-key-projects").scope == "graph"
    assert plan.target("new-project-start-rate").scope == "graph"
    assert plan.target("revenue-contribution-growth").scope == "external"
    assert plan.target("provincial-demo-parks").scope == "external"


@pytest.mark.parametrize(
    ("target_id", "actual", "outcome"),
    [
        ("new-key-projects", 10, "not_met"),  # 超10: 10 is not more than 10
        ("new-key-projects", 11, "met"),
        ("new-key-project-investment", 50.0, "not_met"),
        ("new-key-project-investment", 50.01, "met"),
        ("new-city-parks", 5, "not_met"),
        ("new-city-parks", 6, "met"),  # 不少于6: 6 is enough
        ("new-provincial-key-projects", 1, "met"),  # 1个以上 includes 1
        ("new-provincial-key-projects", 0, "not_met"),
        ("talent-introduced", 300, "met"),
        ("talent-introduced", 299, "not_met"),
        ("revenue-contribution-growth", 10, "met"),  # 不低于10%
        ("revenue-contribution-growth", 9.9, "not_met"),
        ("new-project-start-rate", 100, "met"),
        ("new-project-start-rate", 95, "not_met"),
        ("industry-clusters", 2, "not_met"),
        ("industry-clusters", 3, "met"),
        ("industry-clusters", 4, "met"),
        ("industry-clusters", 5, "met"),
        ("industry-clusters", 6, "not_met"),
    ],
)
def test_evaluate_at_the_boundaries(
    plan: PlanTargets, target_id: str, actual: float, outcome: str
) -> None:
    assert plan.target(target_id).evaluate(actual) == outcome


def test_wording_restates_the_target(plan: PlanTargets) -> None:
    assert plan.target("new-key-projects").wording == "超10个"
    assert plan.target("talent-introduced").wording == "300人以上"
    assert plan.target("industry-clusters").wording == "3-5个"


def test_read_targets_accepts_a_valid_document() -> None:
    plan = read_targets(_raw(), "t.yaml")
    assert isinstance(plan.targets[0], Target)
    assert plan.target("b").evaluate(5) == "met"


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (lambda d: d["targets"][0].update(value="10个"), "targets[0].value", "应为数字"),
        (lambda d: d["targets"][0].update(operator="ge"), "targets[0].operator", "表示 gt"),
        (lambda d: d["targets"][0].update(comparison="大约"), "targets[0].comparison", "未知的比较词"),
        (lambda d: d["targets"][0].update(unit="件"), "targets[0].unit", "请使用以下之一"),
        (lambda d: d["targets"][0].update(id="甲"), "targets[0].id", "不是有效的目标标识"),
        (lambda d: d["targets"][0].pop("quote"), "targets[0].quote", "缺少“quote”"),
        (lambda d: d["targets"][0].update(year=2024), "targets[0].year", "与规划年份 2025 不一致"),
        (lambda d: d["targets"][1].update(min=6), "targets[1].min", "min 大于 max"),
        (lambda d: d["targets"][1].update(value=4), "targets[1].value", "区间目标写 min 和 max"),
        (lambda d: d["targets"][1].update(id="a"), "targets[1].id", "目标标识重复"),
        (lambda d: d["targets"][1].update(part_of="zz"), "targets[1].part_of", "本文件中没有这个目标"),
        (lambda d: d["targets"][0].update(scope="maybe"), "targets[0].scope", "graph"),
        (lambda d: d["targets"][0].update(colour="red"), "targets[0].colour", "未知字段"),
        (lambda d: d["plan"].update(date="13/05/2025"), "plan.date", "规划日期请写成 yyyy-mm-dd"),
        (lambda d: d["plan"].pop("issuer"), "plan.issuer", "缺少“issuer”"),
    ],
)
def test_read_targets_refuses_bad_fields(change: Any, column: str, words: str) -> None:
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(ValidationFailed) as caught:
        read_targets(raw, "bad.yaml")
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("bad.yaml", None, column)
    assert words in problem.message
    # a data administrator reads it: Chinese, from the catalogue, no English sentence left
    assert re.search(r"[\u4e00-\u9fff]", problem.message)
    assert not re.search(r"\b(?:missing|must|use|give|unknown|differs)\b", problem.message)


def test_load_targets_refuses_an_unknown_name() -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_targets("nowhere-2099")
    assert "taicang-2025" in caught.value.problems[0].message
    with pytest.raises(ValidationFailed):
        load_targets("../schema")
