"""All or nothing on Neo4j: large deliveries in idempotent chunks, recorded, and finished by a rerun."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.minicity import uscc
from tests.test_resolve import FIRST, SECOND, C1, C2, write
from tests.test_snapshot import _big_enterprise_file
from tupu.graph.stores import cypher
from tupu.graph.stores.deliveries import Provenance
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet
from tupu.graph.stores.neo4j_store import Neo4jStore, WriteOp, chunk_ops, chunk_sizes
from tupu.graph.stores.store import COMPLETE, LOADING, GraphStore
from tupu.loaders.pipeline import load, read_sources
from tupu.loaders.stamp import begin_delivery, fingerprint

VOLATILE = ("prov_delivery", "prov_loaded_at")


def city(folder: Path, n: int = 300) -> Path:
    """A town, ``n`` enterprises, supply ties and a quarter of observations."""
    rng = random.Random(7)
    keys = [uscc(500_000 + i) for i in range(n)]
    rows = {
        "nodes/Town.csv": ["id,name,kind,city", "t1,一镇,town,块块市"],
        "nodes/Enterprise.csv": ["id,name,city,employees"] + [
            f"{k},块块第{i}文化有限公司,块块市,{i}" for i, k in enumerate(keys)],
        "nodes/EnterpriseObservation.csv": ["id,period,revenue"] + [
            f"{k}@2025Q1,2025Q1,{i}.5" for i, k in enumerate(keys[::3])],
        "relationships/HAS_OBSERVATION.csv": ["start,end,start_label,end_label"] + [
            f"{k},{k}@2025Q1,Enterprise,EnterpriseObservation" for k in keys[::3]],
        "relationships/LOCATED_IN.csv": ["start,end,start_label,end_label"] + [
            f"{k},t1,Enterprise,Town" for k in keys[::2]],
        "relationships/SUPPLIES.csv": ["start,end,annual_value"] + sorted({
            f"{a},{b},{rng.randint(1, 99)}" for a, b in
            (rng.sample(keys, 2) for _ in range(n)) if a != b}),
    }
    for name, lines in rows.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def content(store: GraphStore) -> dict[str, Any]:
    """The map without Delivery records and without what differs between two loads of one input."""
    def strip(props: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k not in VOLATILE}

    out: dict[str, Any] = {}
    for label in store.schema.map_labels:
        out.update({f"{label}:{n.key}": strip(n.props) for n in store.find_nodes(label)})
    for rtype in store.schema.relationships:
        out.update({f"{r.start}-{rtype}->{r.end}": strip(r.props)
                    for r in store.find_relationships(rtype)})
    return out


# -- without a database ---------------------------------------------------------------------------
def test_chunks_keep_the_fold_together_and_the_rest_under_the_size() -> None:
    ops = [WriteOp("fold", [[1]] * 7), WriteOp("fold", [[1]] * 5)]
    ops += [WriteOp("rest", [[1]] * n) for n in (4, 4, 3, 9, 1)]
    chunks = chunk_ops(ops, 2, 8)
    assert [[len(op.rows) for op in c] for c in chunks] == [[7, 5], [4, 4], [3], [9], [1]]
    assert chunk_ops(ops[2:], 0, 100) == [ops[2:]]
    # the sizes a streamed write plans from the rows' counts alone are the same chunks
    counts = [(len(op.rows), op.query == "fold") for op in ops]
    assert chunk_sizes(counts, 8) == [len(c) for c in chunks] == [2, 2, 1, 1, 1]
    assert chunk_sizes(counts[2:], 100) == [5] and chunk_sizes([], 8) == []


@pytest.mark.parametrize("query", [
    cypher.replace_nodes("EnterpriseObservation", ["revenue", "prov_row"]),
    cypher.move_relationships("Enterprise", "SUPPLIES", "out"),
    cypher.move_relationships("Enterprise", "HAS_OBSERVATION", "out"),
    cypher.move_relationships("EnterpriseObservation", "HAS_OBSERVATION", "in"),
    cypher.delete_folded("Enterprise"),
    cypher.merge_delivery(),
    cypher.delivery_progress(),
    cypher.finish_delivery(),
    cypher.node_values("Enterprise", ["name", "aliases"]),
    cypher.count_label("Enterprise"),
])
def test_new_queries_take_values_as_parameters(query: str) -> None:
    assert "'" not in query  # no literal: every value is a $parameter
    assert any(f"`{label}`" in query for label in ("Enterprise", "Delivery", "EnterpriseObservation"))


def test_names_are_checked_against_the_ontology() -> None:
    from tupu.errors import SchemaError

    with pytest.raises(SchemaError):
        cypher.move_relationships("Enterprise", "SUPPLY", "out")
    with pytest.raises(SchemaError):
        cypher.replace_nodes("EnterpriseObservation", ["revenu"])


def test_a_rerun_of_the_same_sources_takes_over_the_unfinished_delivery(tmp_path: Path) -> None:
    folder = city(tmp_path / "c", 5)
    store = MemoryStore(None)
    record = ChangeSet()
    record.add_node("Delivery", {"id": "20250101T000000Z-abc", "status": LOADING,
                                 "fingerprint": fingerprint([folder]),
                                 "started_at": "2025-01-01T00:00:00+00:00"})
    store.apply(record)
    d = read_sources([folder], store.schema)
    taken = begin_delivery(d, [folder], store)
    assert (taken.id, taken.started_at) == ("20250101T000000Z-abc", "2025-01-01T00:00:00+00:00")
    rows = [p for rows in d.changes.nodes.values() for p in rows]
    assert {p["prov_delivery"] for p in rows} == {taken.id}
    assert taken.loaded_at == taken.started_at  # the facts' load time, on the Delivery node
    assert not any("prov_loaded_at" in p or "prov_source" in p for p in rows)
    part = [folder / "nodes" / "Town.csv"]
    other = begin_delivery(read_sources(part, store.schema), part, store)
    assert other.id != taken.id


# -- on Neo4j -------------------------------------------------------------------------------------
@pytest.fixture
def neo4j(neo4j_session_store: GraphStore) -> Iterator[Neo4jStore]:
    assert isinstance(neo4j_session_store, Neo4jStore)
    neo4j_session_store.clear()
    yield neo4j_session_store
    neo4j_session_store.clear()


def sized(base: Neo4jStore, tx_rows: int, tracer: Any = None) -> Neo4jStore:
    """The same connection, writing at most ``tx_rows`` rows per transaction."""
    return Neo4jStore(base.driver, base.database, batch_size=40, uri=base.uri, tracer=tracer,
                      tx_rows=tx_rows)


@pytest.mark.neo4j
def test_a_chunked_load_equals_one_in_one_transaction(neo4j: Neo4jStore, tmp_path: Path) -> None:
    folder = city(tmp_path / "c")
    memory = MemoryStore(None)
    load([folder], memory)
    report = load([folder], sized(neo4j, 100))
    assert content(neo4j) == content(memory)
    (delivery,) = neo4j.find_nodes("Delivery")
    assert delivery.key == report.delivery and delivery.props["status"] == COMPLETE
    assert delivery.props["chunks"] > 5 and delivery.props["chunks_done"] == delivery.props["chunks"]
    assert delivery.props["finished_at"] and neo4j.unfinished_deliveries() == []
    # a small load goes in one transaction, its Delivery node complete with it
    neo4j.clear()
    again = load([folder], neo4j)
    (one,) = neo4j.find_nodes("Delivery")
    assert content(neo4j) == content(memory) and one.key == again.delivery
    assert (one.props["status"], one.props["chunks"], one.props["chunks_done"]) == (COMPLETE, 1, 1)


class Interrupted(Exception):
    pass


@pytest.mark.neo4j
def test_an_interrupted_delivery_is_listed_and_finished_by_a_rerun(
    neo4j: Neo4jStore, tmp_path: Path
) -> None:
    folder = city(tmp_path / "c")
    memory = MemoryStore(None)
    load([folder], memory)

    def stop_at_chunk_4(query: str, params: Mapping[str, Any]) -> None:
        if "chunks_done" in query and params.get("done") == 4:
            raise Interrupted

    with pytest.raises(Interrupted):
        load([folder], sized(neo4j, 100, stop_at_chunk_4))
    (unfinished,) = neo4j.unfinished_deliveries()
    assert unfinished.props["status"] == LOADING and unfinished.props["chunks_done"] == 3
    assert 0 < neo4j.count_nodes().get("Enterprise", 0) < 300
    report = load([folder], sized(neo4j, 100))
    assert report.delivery == unfinished.key  # the same delivery, finished
    (delivery,) = neo4j.find_nodes("Delivery")
    assert delivery.props["status"] == COMPLETE and neo4j.unfinished_deliveries() == []
    assert content(neo4j) == content(memory)
    started = unfinished.props["started_at"]
    prov = Provenance(neo4j)
    for label in ("Enterprise", "EnterpriseObservation"):
        assert {(p["prov_delivery"], p["prov_loaded_at"])
                for p in map(prov.expand, (n.props for n in neo4j.find_nodes(label)))
                } == {(unfinished.key, started)}


@pytest.mark.neo4j
def test_folding_a_node_of_the_map_in_a_chunked_load(neo4j: Neo4jStore, tmp_path: Path) -> None:
    write(tmp_path, {**FIRST, **SECOND})
    load([tmp_path / "first"], neo4j)
    load([tmp_path / "second"], sized(neo4j, 1))
    memory = MemoryStore(None)
    load([tmp_path / "first"], memory)
    load([tmp_path / "second"], memory)
    assert content(neo4j) == content(memory)
    assert {n.key for n in neo4j.find_nodes("Enterprise")} == {C1, C2}
    assert neo4j.find_nodes("Delivery")[0].props["status"] == COMPLETE


# -- a load killed midway -------------------------------------------------------------------------
def _probe(rows: int) -> list[str]:
    """200 of the ``rows`` enterprises of the big file, spread over it."""
    return [uscc(100000 + i, "110105") for i in range(0, rows, rows // 200)]


def _snapshot(store: GraphStore, rows: int) -> tuple[dict[str, int], dict[str, Any]]:
    nodes = store.get_nodes("Enterprise", _probe(rows))
    return store.count_nodes(), {
        n.key: {k: v for k, v in n.props.items() if k not in VOLATILE} for n in nodes}


@pytest.mark.slow
@pytest.mark.neo4j
@pytest.mark.parametrize(("rows", "tx_rows"), [
    (40_000, 2_000),  # 20 chunks: the behaviour, in `make test`
    pytest.param(300_000, 20_000, marks=pytest.mark.bench),  # 15 chunks of a large file
])
def test_a_neo4j_load_killed_midway_is_finished_by_loading_again(
    neo4j: Neo4jStore, tmp_path: Path, rows: int, tx_rows: int
) -> None:
    big = tmp_path / "Enterprise.csv"
    _big_enterprise_file(big, rows)
    env = {**os.environ, "TUPU_DATA_DIR": str(tmp_path / "data"),
           "TUPU_NEO4J_TX_ROWS": str(tx_rows)}
    tupu = [sys.executable, "-m", "tupu.api.cli", "--store", "neo4j"]
    timings: dict[str, float] = {}

    started = time.monotonic()
    proc = subprocess.Popen([*tupu, "load", str(big)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    killed_at: int | None = None
    deadline = started + 600
    while time.monotonic() < deadline and proc.poll() is None:
        found = neo4j.find_nodes("Delivery")
        if found and 5 <= found[0].props.get("chunks_done", 0) < found[0].props["chunks"]:
            proc.send_signal(signal.SIGKILL)
            killed_at = found[0].props["chunks_done"]
            break
        time.sleep(0.05)
    proc.wait()
    timings["until killed"] = time.monotonic() - started
    assert killed_at is not None, "the load finished before it could be interrupted"

    (unfinished,) = neo4j.unfinished_deliveries()
    partial = neo4j.count_nodes().get("Enterprise", 0)
    assert 0 < partial < rows
    stats = subprocess.run([*tupu, "stats"], env=env, capture_output=True, text=True, check=True)
    assert unfinished.key in stats.stdout and "未完成" in stats.stdout

    started = time.monotonic()
    subprocess.run([*tupu, "load", str(big)], env=env, check=True, capture_output=True)
    timings["rerun"] = time.monotonic() - started
    (delivery,) = neo4j.find_nodes("Delivery")
    assert delivery.key == unfinished.key and delivery.props["status"] == COMPLETE
    assert neo4j.unfinished_deliveries() == []
    resumed = _snapshot(neo4j, rows)

    neo4j.clear()
    started = time.monotonic()
    subprocess.run([*tupu, "load", str(big)], env=env, check=True, capture_output=True)
    timings["uninterrupted"] = time.monotonic() - started
    fresh = _snapshot(neo4j, rows)
    assert resumed == fresh
    assert fresh[0]["Enterprise"] == rows and len(fresh[1]) == len(_probe(rows))
    assert neo4j.find_nodes("Delivery")[0].props["status"] == COMPLETE
    print(f"\nkilled after chunk {killed_at} of {delivery.props['chunks']} "
          f"({partial} enterprises written); "
          + ", ".join(f"{k}: {v:.1f} s" for k, v in timings.items()))
