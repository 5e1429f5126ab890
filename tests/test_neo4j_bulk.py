"""A first load into the empty bundled Neo4j goes through Neo4j's import tool (neo4j_bulk.py), and
gives the same graph, provenance and delivery record as a MERGE load; later loads use MERGE."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.minicity import write_city
from tests.test_graph_queries import _tallies
from tests.test_neo4j_server import _require_java_and_maven, server_env  # noqa: F401 - fixture
from tupu.graph.analyses.provenance import node_origin
from tupu.graph.stores import neo4j_bulk
from tupu.graph.stores import neo4j_server as ns
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet
from tupu.graph.stores.neo4j_store import Neo4jStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load
from tupu.ontology.schema import load_schema
from tupu.settings import load_settings

SCHEMA = load_schema()
PER_LOAD = ("prov_delivery", "prov_loaded_at")  # differ between two loads of the same files


def _content(store: GraphStore) -> tuple[dict[str, Any], dict[str, Any]]:
    nodes = {
        label: [(n.key, {k: v for k, v in n.props.items() if k not in PER_LOAD})
                for n in store.find_nodes(label)]
        for label in SCHEMA.map_labels
    }
    rels = {
        rt: sorted((r.start, r.end, sorted((k, v) for k, v in r.props.items() if k not in PER_LOAD))
                   for r in store.find_relationships(rt))
        for rt in SCHEMA.relationships
    }
    return nodes, rels


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_import_files_quote_every_value_and_leave_absent_ones_empty(tmp_path: Path) -> None:
    changes = ChangeSet()
    changes.add_node("Park", {"id": "p1", "name": '一号"园",\n二期', "level": "",
                              "established": dt.date(2019, 5, 1), "floor_area": 5.0})
    changes.add_node("Park", {"id": "p2", "name": "二号园"})
    changes.add_node("Park", {"id": "p2", "level": "city"})  # merged as SET n += row would
    args = neo4j_bulk.write_files(tmp_path, SCHEMA, changes)
    assert args == [f"--nodes=Park={tmp_path / 'nodes-Park.csv'}"]
    text = (tmp_path / "nodes-Park.csv").read_text(encoding="utf-8")
    rows = _read(tmp_path / "nodes-Park.csv")
    assert rows[0] == ["id:ID(Park)", "established:date", "floor_area:double", "level:string",
                       "name:string"]
    assert rows[1] == ["p1", "2019-05-01", "5.0", "", '一号"园",\n二期']
    assert rows[2] == ["p2", "", "", "city", "二号园"]
    assert ',"",' in text  # the empty string is given (quoted): Neo4j keeps it as a property
    assert '"p2",,,"city"' in text  # absent: empty and unquoted, so no property
    assert oct((tmp_path / "nodes-Park.csv").stat().st_mode & 0o777) == "0o600"


def test_a_column_of_mixed_types_is_left_to_merge(tmp_path: Path) -> None:
    changes = ChangeSet()
    changes.add_node("Park", {"id": "p1", "floor_area": 5})
    changes.add_node("Park", {"id": "p2", "floor_area": 5.5})
    with pytest.raises(neo4j_bulk.NotBulkable):
        neo4j_bulk.write_files(tmp_path, SCHEMA, changes)


def test_the_bulk_path_is_only_for_the_bundled_server(server_env: dict[str, str]) -> None:  # noqa: F811
    changes = ChangeSet()
    changes.add_node("Park", {"id": "p1"})
    assert neo4j_bulk.usable(load_settings(neo4j_bulk_rows=0), changes, []) is not None
    assert neo4j_bulk.usable(load_settings(neo4j_bulk_rows=5), changes, []) is not None
    other = load_settings(neo4j_bulk_rows=1, neo4j_uri="bolt://db.example:7687")
    assert "bundled" in (neo4j_bulk.usable(other, changes, []) or "")
    # the bundled server's address, but no server runs from this data folder
    assert "does not run" in (neo4j_bulk.usable(load_settings(neo4j_bulk_rows=1), changes, []) or "")


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_first_load_is_imported_and_equals_a_merge_load(
    server_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    _require_java_and_maven()
    monkeypatch.setenv("TUPU_NEO4J_BULK_ROWS", "1")
    settings = load_settings()
    ns.start(settings, timeout=600)  # a first start on a busy machine can take minutes
    store = Neo4jStore.connect(settings)
    try:
        city = write_city(tmp_path / "mini")
        report = load([city], store)
        assert store.last_bulk is not None, "the first load did not take the bulk path"
        assert store.last_bulk.nodes == sum(report.nodes.values())
        reference = MemoryStore(None)
        load([city], reference)
        assert _content(store) == _content(reference)
        # provenance as `tupu provenance` shows it: file, row, delivery, complete
        for label, key in (("Park", "p1"), ("Town", "t2")):
            got, want = node_origin(store, label, key), node_origin(reference, label, key)
            assert got is not None and want is not None
            assert (got.source, got.row) == (want.source, want.row)
            assert got.delivery == report.delivery
        deliveries = store.find_nodes("Delivery")
        assert [(d.key, d.props["status"]) for d in deliveries] == [(report.delivery, "complete")]
        constrained = {tuple(r["labels"]) for r in store.driver.execute_query(
            "SHOW CONSTRAINTS YIELD labelsOrTypes AS labels, type WHERE type = 'UNIQUENESS' "
            "RETURN labels", database_=store.database)[0]}
        assert ("Enterprise",) in constrained and ("Park",) in constrained
        # the sub-sector tallies were counted after the import: kept, and the counts right
        kept, rows, counted = _tallies(store)
        assert kept and rows == counted
        links = sorted({k for k, *_ in reference.queries().chain_structure().links})
        assert store.queries().link_member_counts(links) == \
            reference.queries().link_member_counts(links)

        # a second load finds the database not empty: MERGE, same graph
        store.last_bulk = None
        load([city], store)
        assert store.last_bulk is None
        assert _content(store) == _content(reference)
    finally:
        store.close()


def test_an_import_tool_that_cannot_run_or_fails_is_told_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a data administrator reads when the import tool is missing or fails: Chinese, with
    the way out (TUPU_NEO4J_BULK_ROWS=0 writes by MERGE instead) and the tool's last lines."""
    import subprocess

    from tupu.errors import StoreUnavailable

    settings = load_settings(data_dir=tmp_path)
    monkeypatch.setattr(neo4j_bulk.shutil, "which", lambda name: None)
    with pytest.raises(StoreUnavailable) as missing:
        neo4j_bulk._run_import(settings, tmp_path, [])
    assert "Java 17" in str(missing.value) and "TUPU_NEO4J_BULK_ROWS" in str(missing.value)

    monkeypatch.setattr(neo4j_bulk.shutil, "which", lambda name: "/usr/bin/java")
    monkeypatch.setattr(neo4j_bulk, "_classpath", lambda: "neo4j.jar")
    failed = subprocess.CompletedProcess([], 1, "Import starting\n", "\tat org.neo4j.Foo\n"
                                         "Input error: duplicate id 'x'\n")
    monkeypatch.setattr(neo4j_bulk.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(StoreUnavailable) as broken:
        neo4j_bulk._run_import(settings, tmp_path, [])
    text = str(broken.value)
    assert "批量导入失败（退出码 1）" in text and "duplicate id 'x'" in text
    assert "at org.neo4j" not in text and "TUPU_NEO4J_BULK_ROWS" in text
