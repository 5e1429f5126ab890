#!/usr/bin/env python3
"""Where an incremental delivery's write goes in Neo4j: the same node rows written several ways.

Usage::

    .venv/bin/python benchmarks/bench_merge_cost.py --neo4j configured --server-pid PID

The rows are those of ``bench_load.py``'s incremental delivery (``--rows`` new enterprises,
read and stamped by ``pipeline.load`` exactly as ``tupu load`` writes them), written into an
emptied database with the map's constraints and indexes, one ``UNWIND`` batch per
``TUPU_NEO4J_BATCH_SIZE`` rows, in one transaction per variant:

- ``tupu``: ``Neo4jStore.apply`` of the rows (``UNWIND … MERGE … SET``), provenance as references
  to the Delivery node (``prov_delivery``, ``prov_file``, ``prov_row``);
- ``former provenance``: the same with the four provenance strings every fact carried before;
- ``key only``: ``UNWIND … MERGE (n {id})``, no other property;
- ``create``: ``UNWIND … CREATE`` of the same properties: no unique-index seek and no lock;
- ``tupu, Enterprise's secondary indexes dropped``: as ``tupu`` without the map's range and text
  indexes on Enterprise (re-created after);

each the median of ``--repeat`` runs, with the server's and this process's CPU seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_load import CaptureStore, write_delivery
from benchlib import CPU, RESULTS, machine_info, neo4j_for_bench, print_table, rate, write_json

from tupu.graph.stores import cypher
from tupu.graph.stores.deliveries import expand
from tupu.graph.stores.model import batched
from tupu.graph.stores.neo4j_store import node_batch
from tupu.loaders.pipeline import load
from tupu.ontology.schema import load_schema


def run(neo: Any, work: Any, repeat: int) -> dict[str, Any]:
    """Median of ``repeat`` runs of ``work(tx)`` in one transaction each, on an emptied
    database: seconds and CPU (client, server)."""
    runs = []
    for _ in range(repeat):
        neo.clear()
        start = CPU.now()
        t0 = time.perf_counter()
        with neo.driver.session(database=neo.database) as session:
            session.execute_write(work)
        runs.append((time.perf_counter() - t0, CPU.since(start)))
    runs.sort(key=lambda r: r[0])
    seconds, cpu = runs[len(runs) // 2]
    return {"seconds": round(seconds, 3), **cpu, "runs_s": [round(r[0], 3) for r in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--neo4j", choices=["private", "configured"], default="private")
    parser.add_argument("--server-pid", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    schema = load_schema()
    ldef = schema.label("Enterprise")
    with tempfile.TemporaryDirectory(prefix="tupu-merge-cost-") as tmp, \
            neo4j_for_bench(args.neo4j) as (neo, neo_info):
        if args.server_pid:
            CPU.server_pid = args.server_pid
        path, _ = write_delivery(Path(tmp) / "delivery", args.rows)
        capture = CaptureStore(schema)
        record = load([path], capture)
        rows = capture.changes.nodes["Enterprise"]
        delivery = {"files": '["Enterprise.csv"]', "loaded_at": "2026-12-04T00:00:00+00:00"}
        former_rows = [expand(r, delivery) for r in rows]  # the four strings, as before
        size = neo.batch_size

        def merge_rows(data: list[dict[str, Any]]) -> Any:
            def work(tx: Any) -> None:
                for batch in batched(data, size):
                    names, shaped = node_batch("Enterprise", "id", batch)
                    tx.run(cypher.merge_nodes("Enterprise", names, schema), rows=shaped).consume()
            return work

        def key_only(tx: Any) -> None:
            q = f"UNWIND $keys AS k MERGE (n:{cypher.quote(ldef.name)} {{id: k}})"
            for batch in batched([str(r["id"]) for r in rows], size):
                tx.run(q, keys=batch).consume()

        def create(tx: Any) -> None:
            q = f"UNWIND $rows AS r CREATE (n:{cypher.quote(ldef.name)}) SET n = r"
            for batch in batched(rows, size):
                tx.run(q, rows=batch).consume()

        results: dict[str, Any] = {}
        results["tupu"] = run(neo, merge_rows(rows), args.repeat)
        results["former provenance"] = run(neo, merge_rows(former_rows), args.repeat)
        results["key only"] = run(neo, key_only, args.repeat)
        results["create"] = run(neo, create, args.repeat)
        with neo.driver.session(database=neo.database) as session:
            names = [r["name"] for r in session.run(
                "SHOW INDEXES YIELD name, labelsOrTypes, owningConstraint "
                "WHERE 'Enterprise' IN labelsOrTypes AND owningConstraint IS NULL RETURN name")]
            for name in names:
                session.run(f"DROP INDEX {cypher.quote(name)}").consume()
        try:
            results["tupu, Enterprise's secondary indexes dropped"] = run(
                neo, merge_rows(rows), args.repeat)
        finally:
            neo._create_constraints()  # the map's indexes again
        neo.clear()
    table = []
    for what, r in results.items():
        cpu = (r["client_cpu_s"] or 0) + (r["server_cpu_s"] or 0)
        table.append({"what": what, "seconds": r["seconds"], "nodes/s": rate(args.rows, r["seconds"]),
                      "client CPU µs/node": round(r["client_cpu_s"] / args.rows * 1e6, 1),
                      "server CPU µs/node": round((r["server_cpu_s"] or 0) / args.rows * 1e6, 1)
                      if r["server_cpu_s"] is not None else None,
                      "nodes/CPU-s": rate(args.rows, cpu)})
    print_table(table, ["what", "seconds", "nodes/s", "client CPU µs/node", "server CPU µs/node",
                        "nodes/CPU-s"])
    target = args.json or RESULTS / f"merge-cost-{args.rows}.json"
    payload = {"benchmark": "merge_cost", "command": " ".join(sys.argv), "machine": machine_info(),
               "neo4j": neo_info, "rows": args.rows, "delivery": record.delivery,
               "properties_per_row": {"tupu": len(rows[0]), "former": len(former_rows[0])},
               "results": results, "table": table}
    print(f"written {write_json(target, payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
