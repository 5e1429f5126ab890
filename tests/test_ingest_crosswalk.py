"""GB/T 4754-2017 industry codes → culture sub-sectors, partial codes decided by business scope."""

from __future__ import annotations

import pytest

from tupu.errors import InputError
from tupu.loaders.crosswalk import (
    crosswalk,
    industry_code,
    load_partial_keywords,
    parse_partial_keywords,
)
from tupu.ontology.taxonomy import load_taxonomy
from tupu.ontology.values import CellError

TAXONOMY = load_taxonomy()
RULES = load_partial_keywords()


def test_every_partial_code_of_the_taxonomy_has_keywords_and_no_entry_is_stray() -> None:
    partial = {
        (ic.code, entry.code) for entry in TAXONOMY.classes() for ic in entry.industry_codes
        if ic.partial
    }
    listed = {(code, rule.class_code) for code, rules in RULES.items() for rule in rules}
    assert listed == partial
    assert all(rule.keywords for rules in RULES.values() for rule in rules)


def test_a_code_included_in_full() -> None:
    (entry, partial), = TAXONOMY.by_industry_code("8710")
    assert not partial
    assert crosswalk("8710", None, TAXONOMY, RULES).codes == (entry.code,)


def test_a_partial_code_decided_by_the_business_scope() -> None:
    found = crosswalk("6513", "网络游戏软件开发；动漫设计；技术服务", TAXONOMY, RULES)
    assert found.codes == ("0243",) and found.review is None


def test_a_partial_code_the_scope_does_not_decide_goes_to_review() -> None:
    found = crosswalk("6513", "财务管理软件开发；计算机系统集成", TAXONOMY, RULES)
    assert found.codes == ()
    assert found.review is not None
    assert "6513（应用软件开发）" in found.review and "0243" in found.review
    assert "人工复核" in found.review
    empty = crosswalk("6513", None, TAXONOMY, RULES)
    assert empty.review is not None and "经营范围为空" in empty.review


def test_a_code_outside_the_taxonomy_goes_to_review() -> None:
    found = crosswalk("3311", "金属结构制造", TAXONOMY, RULES)
    assert found.codes == () and found.review is not None and "不在文化及相关产业分类" in found.review


@pytest.mark.parametrize(("cell", "code"), [("8710", "8710"), ("R8710", "8710"), (" r 8710 ", "8710"),
                                            (8710, "8710"), (2221, "2221"), (111, "0111")])
def test_industry_codes_as_exports_write_them(cell: str | int, code: str) -> None:
    assert industry_code(cell) == code


@pytest.mark.parametrize("cell", ["87", "R87", "文化艺术业", "87101"])
def test_industry_codes_that_are_not_classes(cell: str) -> None:
    with pytest.raises(CellError, match="4位小类代码"):
        industry_code(cell)


def test_the_keyword_table_is_checked() -> None:
    with pytest.raises(InputError, match="keywords"):
        parse_partial_keywords({"6513": {"classes": [{"class": "0243"}]}}, "k.yaml")
    with pytest.raises(InputError, match="4位行业代码"):
        parse_partial_keywords({"65": {"classes": []}}, "k.yaml")
