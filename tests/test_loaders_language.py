"""What a data administrator reads when an RDF file, a taxonomy or a rate table is wrong: Chinese
from the one catalogue, with the file, row and column kept apart (machine-readable in JSON)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph

from tests.minicity import FILES, write_city
from tests.test_rdf import PREFIXES, TOWN
from tupu.api.cli import main
from tupu.errors import ConfigError, InputError, ValidationFailed
from tupu.loaders.delivery import Delivery
from tupu.loaders.money import parse_rates
from tupu.loaders.rdf_source import read_rdf_file, read_rdf_graph
from tupu.ontology.schema import load_schema
from tupu.ontology.taxonomy import COLUMNS, load_taxonomy, read_taxonomy

SCHEMA = load_schema()
CJK = re.compile(r"[\u4e00-\u9fff]")
# three English words in a row, once IRIs, quoted values and ontology terms are set aside
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;]+[A-Za-z]{2,}){2,}")
SET_ASIDE = re.compile(r"<[^>]*>|\"[^\"]*\"|“[^”]*”|「[^」]*」|（解析器提示：[^）]*）"
                       r"|\b(?:tupu|rdf|rdfs|xsd|town|enterprise):[\w<>]*")


def chinese(text: str) -> bool:
    return bool(CJK.search(text)) and ENGLISH.search(SET_ASIDE.sub(" ", text)) is None


def test_the_check_itself_tells_english_from_chinese() -> None:
    assert chinese("缺少id（Town的键）；请添加 tupu:id 三元组")
    assert not chinese("unknown class tupu:Village; known: Town, Park")
    assert not chinese("缺少id: the key of Town is missing")


BAD = [
    'town:t2 a tupu:Village ; tupu:id "t2" .\n',
    'town:t1 tupu:colour "red" .\n',
    'town:t1 tupu:prov_row "12x"^^xsd:integer .\n',
    "town:t1 tupu:prov_row 1.5 .\n",
    'town:t2 a tupu:Town ; tupu:name "二镇" ; tupu:city "迷你市" .\n',
    'town:t2 a tupu:Town ; tupu:id "t3" ; tupu:name "x" ; tupu:city "y" .\n',
    "[] a rdf:Statement ; rdf:subject town:t1 ; rdf:predicate tupu:IN_TOWN ; rdf:object town:t1 .\n",
    "[] a rdf:Statement ; rdf:subject town:t1 .\n",
    'town:t1 <http://example.org/x> "y" .\n',
    'town:t1 tupu:IN_TOWN "t2" .\n',
    "town:t1 tupu:IN_TOWN town:t9 .\n",
    'town:t9 tupu:name "九镇" .\n',
    "town:t1 a tupu:Town, tupu:Park .\n",
]


@pytest.mark.parametrize("extra", BAD)
def test_every_rdf_problem_is_chinese(extra: str) -> None:
    d = Delivery()
    read_rdf_graph(d, Graph().parse(data=PREFIXES + TOWN + extra, format="turtle"), "x.ttl",
                   SCHEMA)
    assert d.problems, extra
    for p in d.problems:
        assert p.file == "x.ttl" and p.column, p
        assert chinese(p.message), p.message


def test_a_bad_rdf_file_is_refused_in_chinese_and_json_keeps_the_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "data"
    bad = tmp_path / "坏的.ttl"
    bad.write_text(PREFIXES + 'town:t2 a tupu:Village ; tupu:id "t2" .\n', encoding="utf-8")
    assert main(["--store", "memory", "--data-dir", str(base), "load", str(bad)]) == 1
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if "坏的.ttl" in ln)
    assert "未知的类 tupu:Village" in line and chinese(line), err
    assert main(["--store", "memory", "--data-dir", str(base), "load", "--format", "json",
                 str(bad)]) == 1
    data = json.loads(capsys.readouterr().out)
    [problem] = data["problems"]
    assert (problem["file"], problem["column"], problem["value"]) == \
        ("坏的.ttl", "rdf:type", f"<{SCHEMA.namespace}Village>")
    assert chinese(problem["message"])
    syntax = tmp_path / "语法错误.ttl"
    syntax.write_text(PREFIXES + 'town:t1 a tupu:Town ;\n tupu:name "unclosed .\n',
                      encoding="utf-8")
    d = Delivery()
    read_rdf_file(d, syntax, syntax.name, SCHEMA)
    [p] = d.problems
    assert p.row == 6 and "无法按Turtle格式读取" in p.message and chinese(p.message)


def _taxonomy_rows() -> list[dict[str, str]]:
    rows = [("01", "新闻信息服务", "category", "", "core", ""),
            ("011", "新闻服务", "group", "01", "core", ""),
            ("0110", "新闻业", "class", "011", "core", "8610"),
            ("0111", "", "subclass", "019", "cultural", "861;abc"),
            ("012", "报纸信息服务", "group", "0", "core", "8622")]
    return [dict(zip(COLUMNS, r)) for r in rows]


def test_every_taxonomy_problem_is_chinese() -> None:
    with pytest.raises(ValidationFailed) as err:
        read_taxonomy(_taxonomy_rows(), "分类表.csv")
    problems = err.value.problems
    assert {(p.row, p.column) for p in problems} >= {(5, "level"), (5, "domain"), (5, "name"),
                                                      (6, "parent"), (6, "industry_codes")}
    for p in problems:
        assert p.file == "分类表.csv" and chinese(p.message), p.message
    with pytest.raises(ValidationFailed) as err:
        read_taxonomy([{"code": "01", "名称": "x"}], "分类表.csv")
    assert all(chinese(p.message) for p in err.value.problems)


def test_a_dataset_naming_an_unknown_taxonomy_is_refused_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError) as err:
        load_taxonomy("culture-2019")
    assert "culture-2018" in str(err.value) and chinese(str(err.value))
    city = write_city(tmp_path / "mini", {"dataset.yaml": FILES["dataset.yaml"].replace(
        "culture-2018", "culture-2019")})
    assert main(["--store", "memory", "--data-dir", str(tmp_path / "data"), "load",
                 str(city)]) != 0
    err_text = capsys.readouterr().err
    assert "未知的产业分类“culture-2019”" in err_text and chinese(err_text), err_text


def test_a_broken_rate_table_is_named_in_chinese() -> None:
    for raw in ({}, {"tables": [{"rates": {}}]},
                {"tables": [{"date": __import__("datetime").date(2025, 6, 30),
                             "rates": {"USD": -1}}]}):
        with pytest.raises(ConfigError) as err:
            parse_rates(raw, "rates.yaml")
        assert str(err.value).startswith("rates.yaml：") and chinese(str(err.value))


def test_every_chain_template_problem_is_chinese() -> None:
    from tupu.ontology.chains import CHAIN_FILE, LINK_FILE, check_chain_template, \
        load_chain_template, parse_chain_template

    tables: dict[str, list[list[str]] | None] = {
        CHAIN_FILE: [["id", "name", "colour"], ["c1", "甲链", "red"]],
        LINK_FILE: [["id", "name", "stage", "position"], ["k1", "甲", "sideways", "x"],
                    ["k1", "乙", "upstream", "1"], ["k3", "", "upstream", "2", "extra"]],
    }
    with pytest.raises(ValidationFailed) as err:
        parse_chain_template(tables, "broken", "chains/broken")
    assert len(err.value.problems) >= 5
    for p in err.value.problems:
        assert chinese(p.message), p.message
    good = load_chain_template("culture")
    with pytest.raises(ValidationFailed) as err:
        check_chain_template(good, set())  # no taxonomy class: every COVERS row is wrong
    assert all(chinese(p.message) for p in err.value.problems)
