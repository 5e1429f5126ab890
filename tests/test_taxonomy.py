"""Tests of the taxonomy reader and the built-in 文化及相关产业分类（2018）."""

from __future__ import annotations

from collections import Counter

import pytest

from tupu.errors import InputError, Problem, ValidationFailed
from tupu.ontology.taxonomy import (
    COLUMNS,
    IndustryCode,
    Taxonomy,
    TaxonomyEntry,
    load_taxonomy,
    read_taxonomy,
)


@pytest.fixture(scope="module")
def culture() -> Taxonomy:
    return load_taxonomy()


def _by_level(taxonomy: Taxonomy, level: str) -> list[TaxonomyEntry]:
    return [e for e in taxonomy.entries if e.level == level]


# --- the built-in standard -------------------------------------------------------------------


def test_counts_are_those_of_the_standard(culture: Taxonomy) -> None:
    counts = Counter(e.level for e in culture.entries)
    assert counts == {"category": 9, "group": 43, "class": 146}
    assert len(culture) == 198
    assert len(culture.categories()) == 9
    assert len(culture.classes()) == 146


def test_the_packaged_file_is_the_source(culture: Taxonomy) -> None:
    assert culture.source.replace("\\", "/").endswith("data/culture-taxonomy-2018.csv")
    assert load_taxonomy("culture-2018") is culture  # cached, immutable


def test_categories_are_the_nine_of_the_standard(culture: Taxonomy) -> None:
    assert [(e.code, e.name) for e in culture.categories()] == [
        ("01", "新闻信息服务"),
        ("02", "内容创作生产"),
        ("03", "创意设计服务"),
        ("04", "文化传播渠道"),
        ("05", "文化投资运营"),
        ("06", "文化娱乐休闲服务"),
        ("07", "文化辅助生产和中介服务"),
        ("08", "文化装备生产"),
        ("09", "文化消费终端生产"),
    ]


def test_every_group_hangs_under_a_category(culture: Taxonomy) -> None:
    for group in _by_level(culture, "group"):
        assert group.parent is not None
        parent = culture.get(group.parent)
        assert parent is not None and parent.level == "category"
        assert len(group.code) == 3 and group.code.startswith(parent.code)
    for category in culture.categories():
        assert category.parent is None
        assert culture.ancestors(category.code) == ()


def test_every_class_hangs_under_a_group_that_prefixes_it(culture: Taxonomy) -> None:
    for cls in culture.classes():
        assert cls.parent is not None
        parent = culture.get(cls.parent)
        assert parent is not None and parent.level == "group"
        assert len(cls.code) == 4 and cls.code.startswith(parent.code)
        assert culture.children(cls.code) == ()


def test_children_and_ancestors(culture: Taxonomy) -> None:
    assert [e.code for e in culture.children("03")] == ["031", "032"]
    assert [e.code for e in culture.children("031")] == ["0311", "0312"]
    assert [e.code for e in culture.ancestors("0311")] == ["031", "03"]
    every_child = [c for e in culture.entries for c in culture.children(e.code)]
    assert len(every_child) == 43 + 146
    with pytest.raises(KeyError):
        culture.children("99")
    with pytest.raises(KeyError):
        culture.ancestors("0999")


def test_domain_split(culture: Taxonomy) -> None:
    for category in culture.categories():
        expected = "core" if category.code <= "06" else "related"
        assert category.domain == expected, category.code
    for entry in culture.entries:
        top = culture.ancestors(entry.code)[-1] if entry.parent else entry
        assert entry.domain == top.domain
    per_domain = Counter((e.level, e.domain) for e in culture.entries)
    assert per_domain[("group", "core")] == 25
    assert per_domain[("group", "related")] == 18
    assert per_domain[("class", "core")] == 81
    assert per_domain[("class", "related")] == 65


def test_only_classes_carry_industry_codes(culture: Taxonomy) -> None:
    for entry in culture.entries:
        if entry.level == "class":
            assert entry.industry_codes, entry.code
            for ic in entry.industry_codes:
                assert len(ic.code) == 4 and ic.code.isdigit()
        else:
            assert entry.industry_codes == ()


def test_names_use_the_standards_full_width_punctuation(culture: Taxonomy) -> None:
    for entry in culture.entries:
        assert not set(entry.name) & set(",()"), entry
    rental = culture.get("076")
    assert rental is not None and rental.name == "文化设备（用品）出租服务"


@pytest.mark.parametrize(
    ("code", "name", "codes"),
    [
        ("0110", "新闻业", "8610"),
        ("0120", "报纸出版", "8622"),
        ("0215", "数字出版", "8626"),
        ("0243", "多媒体、游戏动漫和数字出版软件开发", "6513*"),
        ("0244", "增值电信文化服务", "6319*"),
        ("0450", "互联网文化娱乐平台", "6432*"),
        ("0632", "观光游览航空服务", "5622"),
        ("0740", "会议、展览及相关服务", "7281;7282;7283;7284;7289"),
        ("0833", "娱乐用智能无人飞行器制造", "3963*"),
        ("0930", "玩具制造", "2451;2452;2453;2454;2455;2456;2459"),
        ("0953", "可穿戴智能文化设备制造", "3961*"),
        ("0954", "其他智能文化消费设备制造", "3969*"),
    ],
)
def test_spot_checks_against_the_standard(
    culture: Taxonomy, code: str, name: str, codes: str
) -> None:
    entry = culture.get(code)
    assert entry is not None
    assert entry.name == name
    assert ";".join(str(ic) for ic in entry.industry_codes) == codes


def test_crosswalk_from_industry_codes(culture: Taxonomy) -> None:
    [(news, partial)] = culture.by_industry_code("8610")
    assert (news.code, news.name, partial) == ("0110", "新闻业", False)

    [(platform, partial)] = culture.by_industry_code("6432")
    assert (platform.code, partial) == ("0450", True)

    [(fairs, partial)] = culture.by_industry_code(" 7284 ")
    assert (fairs.code, partial) == ("0740", False)

    assert culture.by_industry_code("0111") == []  # 稻谷种植 is no cultural activity

    every_code = [ic for cls in culture.classes() for ic in cls.industry_codes]
    assert len(every_code) == 156
    assert sum(ic.partial for ic in every_code) == 18
    # in this standard each GB/T 4754-2017 class belongs to at most one 小类
    assert all(len(culture.by_industry_code(ic.code)) == 1 for ic in every_code)


def test_industry_code_text() -> None:
    assert str(IndustryCode("7251", partial=True)) == "7251*"
    assert str(IndustryCode("8610", partial=False)) == "8610"


def test_unknown_taxonomy_name() -> None:
    with pytest.raises(InputError, match="未知的产业分类“nope”"):
        load_taxonomy("nope")


# --- the reader refuses broken tables --------------------------------------------------------

SOURCE = "broken.csv"


def _row(
    code: str, name: str, level: str, parent: str, domain: str, codes: str = ""
) -> dict[str, str]:
    return dict(zip(COLUMNS, (code, name, level, parent, domain, codes)))


def _good_rows() -> list[dict[str, str]]:
    return [
        _row("01", "新闻信息服务", "category", "", "core"),
        _row("011", "新闻服务", "group", "01", "core"),
        _row("0110", "新闻业", "class", "011", "core", "8610"),
        _row("07", "文化辅助生产和中介服务", "category", "", "related"),
        _row("073", "版权服务", "group", "07", "related"),
        _row("0730", "版权和文化软件服务", "class", "073", "related", "7520*"),
    ]


def _problems(rows: list[dict[str, str]]) -> list[Problem]:
    with pytest.raises(ValidationFailed) as caught:
        read_taxonomy(rows, SOURCE)
    return list(caught.value.problems)


def test_reader_accepts_a_sound_table() -> None:
    taxonomy = read_taxonomy(_good_rows(), SOURCE)
    assert taxonomy.source == SOURCE
    assert [e.code for e in taxonomy.classes()] == ["0110", "0730"]
    assert taxonomy.by_industry_code("7520") == [(taxonomy.get("0730"), True)]


def test_reader_refuses_an_unknown_parent() -> None:
    rows = _good_rows()
    rows[2]["parent"] = "019"
    [problem] = _problems(rows)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        SOURCE, 4, "parent", "019"
    )
    assert "上级代码不存在" in problem.message


def test_reader_refuses_a_duplicate_code() -> None:
    rows = _good_rows() + [_row("0110", "新闻业（重复）", "class", "011", "core", "8610")]
    [problem] = _problems(rows)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        SOURCE, 8, "code", "0110"
    )
    assert "第4行" in problem.message


def test_reader_refuses_a_bad_domain() -> None:
    rows = _good_rows()
    rows[1]["domain"] = "cultural"
    [problem] = _problems(rows)
    assert (problem.row, problem.column, problem.value) == (3, "domain", "cultural")


def test_reader_refuses_a_domain_that_differs_from_the_category() -> None:
    rows = _good_rows()
    rows[5]["domain"] = "core"
    [problem] = _problems(rows)
    assert (problem.file, problem.row, problem.column) == (SOURCE, 7, "domain")
    assert "大类 07" in problem.message


@pytest.mark.parametrize(
    ("index", "column", "value", "fragment"),
    [
        (2, "parent", "01", "上级应为中类"),  # class under a category
        (2, "code", "0210", "不以其上级代码开头"),  # reported on the parent column
        (2, "code", "011", "应为4位"),
        (2, "level", "subclass", "层级（level）必须是"),
        (2, "industry_codes", "861", "不是GB/T 4754-2017的4位小类代码"),
        (2, "industry_codes", "8610;8610", "重复列出"),
        (1, "industry_codes", "8610", "只有小类"),
        (0, "parent", "07", "大类没有上级"),
        (2, "name", "", "名称为空"),
    ],
)
def test_reader_refuses_broken_cells(index: int, column: str, value: str, fragment: str) -> None:
    rows = _good_rows()
    rows[index][column] = value
    problems = _problems(rows)
    assert problems, "expected a problem"
    assert all(p.file == SOURCE for p in problems)
    assert any(p.row == index + 2 and fragment in p.message for p in problems), problems


def test_reader_reports_every_problem_at_once() -> None:
    rows = _good_rows()
    rows[1]["domain"] = "?"
    rows[2]["industry_codes"] = "abcd"
    problems = _problems(rows)
    assert {(p.row, p.column) for p in problems} == {(3, "domain"), (4, "industry_codes")}


def test_reader_refuses_a_wrong_header() -> None:
    rows = [{k: v for k, v in row.items() if k != "domain"} for row in _good_rows()]
    for row in rows:
        row["sector"] = "x"
    problems = _problems(rows)
    assert {(p.row, p.column) for p in problems} == {(1, "domain"), (1, "sector")}


def test_reader_refuses_an_empty_table() -> None:
    [problem] = _problems([])
    assert problem.file == SOURCE and problem.row is None
