"""Loading export files end to end: single files, a manifest, and a malformed delivery that must
be refused with a report naming every problem, leaving the store as it was (both stores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.minicity import E1, E2, uscc, write_city
from tupu.graph.stores.deliveries import Provenance
from tupu.api.cli import main
from tupu.errors import ValidationFailed
from tupu.graph.stores.store import GraphStore
from tupu.loaders.notes import collect_notes
from tupu.loaders.pipeline import load
from tupu.loaders.report_xlsx import HEADERS, SHEETS

NEW = uscc(501)
WRONG = NEW[:17] + ("0" if NEW[17] != "0" else "1")


def xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def registry(path: Path) -> Path:
    return xlsx(path, [
        ["迷你市文化企业名录"],
        ["统一社会信用代码", "企业名称", "营业收入（亿元）", "成立日期", "所属镇（区）", "行业代码", "经营范围"],
        [NEW, "迷你新星游戏有限公司", 0.5, "2021年5月6日", "一镇", "6513", "网络游戏研发"],
        [None, "迷你无码文化有限公司", 0.01, 44197, "二街道", "8710", "广播节目制作"],
        ["合计", None, 0.51, None, None, None, None],
    ])


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    return store.count_nodes(), store.count_relationships()


def test_a_registry_xlsx_loads_with_a_plain_load(store: GraphStore, tmp_path: Path) -> None:
    load([write_city(tmp_path / "mini")], store)
    before_nodes, before_rels = counts(store)
    path = registry(tmp_path / "企业名录.xlsx")
    with collect_notes() as notes:
        report = load([path], store)
    assert report.nodes == {"Enterprise": 2}
    nodes, rels = counts(store)
    assert nodes["Enterprise"] == before_nodes["Enterprise"] + 2
    assert rels["LOCATED_IN"] == before_rels["LOCATED_IN"] + 2
    new = store.get_node("Enterprise", NEW)
    assert new is not None and new.props["annual_revenue"] == 5000.0
    assert Provenance(store).expand(new.props)["prov_source"] == "企业名录.xlsx"
    assert new.props["prov_row"] == 3
    assert {r.end.key for r in store.find_relationships("IN_SUBSECTOR") if r.start.key == NEW} == {"0243"}
    located = {(r.start.key, r.end.key) for r in store.find_relationships("LOCATED_IN")}
    assert (NEW, "t1") in located
    assert any(n.row == 5 and "合计" in n.message for n in notes)
    # loading again changes no count (MERGE on keys, generated ids are stable)
    load([path], store)
    assert counts(store) == (nodes, rels)


def test_a_quarterly_csv_in_gbk_adds_history(store: GraphStore, tmp_path: Path) -> None:
    load([write_city(tmp_path / "mini")], store)
    for period, revenue in (("2025年一季度", "1000"), ("2025年二季度", "1100")):
        path = tmp_path / f"规上企业_{period}.csv"
        path.write_bytes(
            f"{period}规上文化企业主要指标\n统一社会信用代码,单位名称,营业收入(万元),从业人员期末人数\n"
            f"{E1},迷你数字科技有限公司,{revenue},120\n合计,,{revenue},120\n".encode("gbk"))
        load([path], store)
    observations = {n.key: n.props["revenue"] for n in store.find_nodes("EnterpriseObservation")}
    assert observations == {f"{E1}@2025Q1": 1000.0, f"{E1}@2025Q2": 1100.0}
    assert len(store.find_relationships("HAS_OBSERVATION")) == 2


def malformed(folder: Path) -> Path:
    """A delivery with one of each mistake clerks make."""
    folder.mkdir(parents=True)
    (folder / "企业名录.csv").write_text(
        "企业名称,统一社会信用代码,颜色,所属镇（区）\n"
        f"迷你新星游戏有限公司,{WRONG},红,一镇\n"
        f"迷你数字科技有限公司,{E1},蓝,一镇\n"
        "合计,,,\n", encoding="utf-8")
    (folder / "季报.csv").write_bytes(
        f"统一社会信用代码,企业名称,营业收入\n{E2},迷你装备制造有限公司,100\n".encode("gbk"))
    xlsx(folder / "规上企业.xlsx", [
        ["统一社会信用代码", "企业名称", "营业收入（亿元）"], [E1, "迷你数字科技有限公司", 1.2]])
    (folder / "manifest.yaml").write_text(
        "files:\n"
        "  - path: 企业名录.csv\n"
        "    kind: enterprises\n"
        "  - path: 季报.csv\n"
        "    kind: observations\n"
        "    period: 2025Q1\n"
        "    encoding: utf-8\n"
        "  - path: 规上企业.xlsx\n"
        "    kind: observations\n"
        "    period: 2025Q1\n"
        "    columns:\n"
        "      营业收入: {field: revenue, unit: 万元}\n", encoding="utf-8")
    return folder


EXPECTED = [
    ("bad/企业名录.csv", 2, "统一社会信用代码"),
    ("bad/季报.csv", None, None),
    ("bad/规上企业.xlsx", 1, "营业收入（亿元）"),
]


def test_a_malformed_delivery_names_every_problem_and_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    load([write_city(tmp_path / "mini")], store)
    before = counts(store)
    e1 = store.get_node("Enterprise", E1)
    with collect_notes() as notes, pytest.raises(ValidationFailed) as err:
        load([malformed(tmp_path / "bad")], store)
    assert sorted(((p.file, p.row, p.column) for p in err.value.problems),
                  key=str) == sorted(EXPECTED, key=str)
    messages = {(p.file, p.row): p.message for p in err.value.problems}
    assert "末位应为" in messages[("bad/企业名录.csv", 2)]
    assert "GBK" in messages[("bad/季报.csv", None)]
    assert "亿元" in messages[("bad/规上企业.xlsx", 1)]
    assert any(n.file == "bad/企业名录.csv" and n.row == 4 and "合计" in n.message for n in notes)
    # an unknown column is not a problem: it is ignored, and said so
    assert any(n.column == "颜色" and "已忽略" in n.message for n in notes)
    refused = {r["kind"]: r["refused"] for r in err.value.summary}
    assert refused["Enterprise"] == 1
    assert counts(store) == before
    assert store.get_node("Enterprise", E1) == e1


def report_sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


@pytest.mark.usefixtures("settings")
def test_the_cli_writes_the_report_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(write_city(tmp_path / "mini"))]) == 0
    capsys.readouterr()
    assert main(["stats", "--format", "json"]) == 0
    before = json.loads(capsys.readouterr().out)
    report = tmp_path / "report.xlsx"
    code = main(["load", "--report", str(report), str(malformed(tmp_path / "bad"))])
    err = capsys.readouterr().err
    assert code == 1
    assert "问题报告已写入" in err and "末位应为" in err
    sheets = report_sheets(report)
    assert list(sheets) == list(SHEETS)
    assert sheets["问题"][0] == HEADERS
    rows = {(r[0], r[1], r[2]) for r in sheets["问题"][1:]}
    assert rows == {(f, r, c) for f, r, c in EXPECTED}
    assert all(r[4] for r in sheets["问题"][1:])
    assert any("合计" in str(r[4]) and r[1] == 4 for r in sheets["说明"][1:])
    main(["stats", "--format", "json"])
    assert json.loads(capsys.readouterr().out) == before


@pytest.mark.usefixtures("settings")
def test_dry_run_and_report_of_a_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", str(write_city(tmp_path / "mini"))]) == 0
    capsys.readouterr()
    report = tmp_path / "ok.xlsx"
    path = registry(tmp_path / "企业名录.xlsx")
    assert main(["load", "--dry-run", "--report", str(report), "--format", "json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["written"] is False and out["nodes"] == {"Enterprise": 2}
    assert any("合计" in n["message"] for n in out["notes"])
    sheets = report_sheets(report)
    assert sheets["问题"] == [HEADERS]
    assert main(["load", "--report", str(tmp_path / "r.txt"), str(path)]) == 2


def test_a_manifest_with_canonical_files_and_a_dataset(store: GraphStore, tmp_path: Path) -> None:
    mini = write_city(tmp_path / "mini")
    folder = tmp_path / "delivery"
    folder.mkdir()
    registry(folder / "名录.xlsx")
    (folder / "manifest.yaml").write_text(
        "id: delivery-2025q2\nname: 迷你市2025年二季度报送\ncity: 迷你市\n"
        "include:\n  - taxonomy: culture-2018\n"
        "canonical:\n  - ../mini/nodes/Town.csv\n  - ../mini/nodes/Enterprise.csv\n"
        "files:\n  - 名录.xlsx\n", encoding="utf-8")
    assert (mini / "nodes" / "Town.csv").exists()
    report = load([folder], store)
    assert report.nodes["Enterprise"] == 5 and report.nodes["Dataset"] == 1
    dataset = store.get_node("Dataset", "delivery-2025q2")
    assert dataset is not None and dataset.props["name"] == "迷你市2025年二季度报送"
    town = store.get_node("Town", "t1")
    assert town is not None
    assert Provenance(store).expand(town.props)["prov_source"] == "mini/nodes/Town.csv"


def test_the_canonical_csv_behaviour_is_unchanged(tmp_path: Path, store: GraphStore) -> None:
    load([write_city(tmp_path / "mini")], store)
    odd = tmp_path / "Enterprises.csv"
    odd.write_text("id,name\nx,y\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load([odd], store)
    assert "表头" in err.value.problems[0].message


def test_manifests_are_checked(tmp_path: Path) -> None:
    from tupu.errors import InputError
    from tupu.loaders.manifest import parse_manifest
    from tupu.ontology.schema import load_schema

    schema = load_schema()
    with pytest.raises(InputError, match="unknown kind"):
        parse_manifest({"files": [{"path": "a.xlsx", "kind": "企业清单X"}]}, tmp_path, "m", schema)
    with pytest.raises(InputError, match="也必须写明 kind:"):
        parse_manifest({"files": [{"path": "a.xlsx", "columns": {"x": "ignore"}}]}, tmp_path, "m",
                       schema)
    with pytest.raises(InputError, match="不是enterprises的字段"):
        parse_manifest({"files": [{"path": "a.xlsx", "kind": "企业名录",
                                   "columns": {"x": "revenue"}}]}, tmp_path, "m", schema)
    with pytest.raises(InputError, match="在本次报送的文件夹之外"):
        parse_manifest({"canonical": ["../x/nodes/Town.csv"]}, tmp_path, "m", schema, confine=True)
    ok = parse_manifest({"canonical": ["../x/nodes/Town.csv"], "files": ["a.csv"]}, tmp_path, "m",
                        schema)
    assert ok.canonical[0][1] == "x/nodes/Town.csv" and ok.files[0].options.kind is None
