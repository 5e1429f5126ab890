"""The `tupu` CLI on the sample city: demo, stats, load errors, export — the paths users run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import REPO, SAMPLE
from tests.minicity import write_city
from tupu.api.cli import main
from tupu.settings import Settings

CHAINS = REPO / "ontology" / "chains" / "culture"
TAXONOMY = REPO / "ontology" / "data" / "culture-taxonomy-2018.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _rows(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def expected_counts() -> tuple[dict[str, int], dict[str, int]]:
    """What the sample's files contain, counted from the files themselves."""
    nodes: dict[str, int] = {"Dataset": 1}
    rels: dict[str, int] = {}
    for folder in (SAMPLE, CHAINS):
        for p in (folder / "nodes").glob("*.csv"):
            nodes[p.stem] = nodes.get(p.stem, 0) + _rows(p)
        for p in (folder / "relationships").glob("*.csv"):
            rels[p.stem] = rels.get(p.stem, 0) + _rows(p)
    with open(TAXONOMY, encoding="utf-8") as f:
        tax = list(csv.DictReader(f))
    nodes["SubSector"] = len(tax)
    rels["PART_OF"] = sum(1 for r in tax if r["parent"])
    return dict(sorted(nodes.items())), dict(sorted(rels.items()))


@pytest.mark.usefixtures("settings")
def test_demo_then_stats_equal_the_sample_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "示例数据" in out and "虚构" in out
    assert "电竞" in out and "上游" in out and "下游" in out
    code, out, _ = run(capsys, "stats", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    nodes, rels = expected_counts()
    assert stats["nodes"] == nodes
    assert stats["relationships"] == rels
    # loading the sample again changes no count
    assert run(capsys, "demo", "--format", "json")[0] == 0
    assert json.loads(run(capsys, "stats", "--format", "json")[1])["nodes"] == nodes


@pytest.mark.usefixtures("settings")
def test_demo_json_lists_every_chain_with_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert "虚构" in data["notice"]
    assert len(data["chains"]) >= 6
    for chain in data["chains"]:
        assert len(chain["links"]) >= 8
        assert {link["stage"] for link in chain["links"]} == {"upstream", "midstream", "downstream"}


BAD = {
    "missing column": {"nodes/Town.csv": "id,kind,city\nt1,town,迷你市\n"},
    "duplicate key": {"nodes/Town.csv": "id,name,kind,city\nt1,一镇,town,迷你市\nt1,一镇,town,迷你市\n"},
    "unknown taxonomy code": {"relationships/IN_SUBSECTOR.csv": "start,end\nx,9999\n"},
    "missing end node": {"relationships/IN_TOWN.csv": "start,end\np1,t9\n"},
    "non-numeric revenue": {"nodes/Park.csv": "id,name,floor_area\np1,一号文化园,五万\n"},
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_1_names_the_cell_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], settings: Settings, tmp_path: Path, case: str
) -> None:
    assert run(capsys, "load", str(write_city(tmp_path / "good")))[0] == 0
    before = run(capsys, "stats", "--format", "json")[1]
    snapshot_bytes = settings.snapshot_path.read_bytes()
    code, out, err = run(capsys, "load", str(write_city(tmp_path / "mini", BAD[case])))
    assert code == 1
    assert "mini/" in err and "行，“" in err and "”列：" in err
    assert "未写入任何数据" in err
    assert run(capsys, "stats", "--format", "json")[1] == before
    assert settings.snapshot_path.read_bytes() == snapshot_bytes


@pytest.mark.usefixtures("settings")
def test_dry_run_reports_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "load", "--dry-run", "--format", "json", str(write_city(tmp_path / "m")))
    assert code == 0 and json.loads(out)["written"] is False
    assert json.loads(run(capsys, "stats", "--format", "json")[1])["nodes"] == {}


@pytest.mark.usefixtures("settings")
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "export", "pdf", "x")[0] == 2
    assert run(capsys, "stats", "--format", "yaml")[0] == 2
    assert run(capsys, "no-such-command")[0] == 2


def test_unreachable_neo4j_exits_3_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUPU_NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("TUPU_NEO4J_CONNECT_TIMEOUT", "2")
    code, out, err = run(capsys, "--store", "neo4j", "stats")
    assert code == 3
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "连不上" in err and "tupu neo4j start" in err  # Chinese, and says what to do


@pytest.mark.usefixtures("settings")
def test_export_graphml_reads_back_to_the_same_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "demo", "--format", "json")[0] == 0
    stats = json.loads(run(capsys, "stats", "--format", "json")[1])
    path = tmp_path / "map.graphml"
    assert run(capsys, "export", "graphml", str(path))[0] == 0
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.number_of_nodes() == sum(stats["nodes"].values())
    assert g.number_of_edges() == sum(stats["relationships"].values())
    labels: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        labels[data["label"]] = labels.get(data["label"], 0) + 1
    assert labels == stats["nodes"]
    assert "虚构" in g.graph["notice"]


def test_export_csv_loads_back_into_an_empty_store_identically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "a"))
    assert run(capsys, "demo", "--format", "json")[0] == 0
    stats = json.loads(run(capsys, "stats", "--format", "json")[1])
    assert run(capsys, "export", "csv", str(tmp_path / "out"))[0] == 0
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "b"))
    assert run(capsys, "load", str(tmp_path / "out"))[0] == 0
    again = json.loads(run(capsys, "stats", "--format", "json")[1])
    assert again["nodes"] == stats["nodes"] and again["relationships"] == stats["relationships"]


@pytest.mark.neo4j
@pytest.mark.usefixtures("settings")
def test_neo4j_demo_then_stats_equal_the_memory_store(
    capsys: pytest.CaptureFixture[str], neo4j_session_store: object
) -> None:
    from tupu.graph.stores.store import GraphStore

    assert isinstance(neo4j_session_store, GraphStore)
    neo4j_session_store.clear()
    try:
        assert run(capsys, "demo", "--format", "json")[0] == 0
        memory = json.loads(run(capsys, "stats", "--format", "json")[1])
        assert run(capsys, "--store", "neo4j", "demo", "--format", "json")[0] == 0
        assert run(capsys, "--store", "neo4j", "demo", "--format", "json")[0] == 0  # twice
        neo = json.loads(run(capsys, "--store", "neo4j", "stats", "--format", "json")[1])
        assert neo["store"] == "neo4j"
        assert neo["nodes"] == memory["nodes"] == expected_counts()[0]
        assert neo["relationships"] == memory["relationships"]
        gaps_m = run(capsys, "gaps", "--format", "json")[1]
        gaps_n = run(capsys, "--store", "neo4j", "gaps", "--format", "json")[1]
        assert gaps_m == gaps_n
    finally:
        neo4j_session_store.clear()
