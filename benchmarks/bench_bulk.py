#!/usr/bin/env python3
"""A first load into an empty Neo4j: the import tool (bulk path) against UNWIND/MERGE in parts,
in the same run, on the same private server and the same change set.

Usage::

    .venv/bin/python benchmarks/bench_bulk.py                   # sample city + 20,000 pool
    .venv/bin/python benchmarks/bench_bulk.py --outside 100000  # the documented run

For the sample city and a city generated with ``--outside N`` enterprises, the change set is the
one ``tupu load`` builds (``pipeline.load`` into a store that keeps it, with its delivery record):

1. **MERGE in parts** (baseline): the database emptied, then ``Neo4jStore.apply`` of the change
   set in parts of ``--part-size`` elements, node parts first (benchmarks/README.md,
   ``bench_load.py``); nodes/s = nodes ÷ seconds of the node parts;
2. **bulk**: the database emptied, then ``Neo4jStore.apply(changes, delivery=…)`` with the bulk
   path on (``TUPU_NEO4J_BULK_ROWS`` = 1): CSV files written, server stopped, ``neo4j-admin
   database import full`` run, server started, constraints and the Delivery node written. Given
   whole (what a user waits for) and for the import alone (nodes/s = nodes ÷ import seconds).

Counts of both are checked equal. Results: ``benchmarks/results/bulk-outside<N>.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import (
    RESULTS,
    SAMPLE,
    apply_in_parts,
    generate,
    held,
    machine_info,
    neo4j_for_bench,
    print_table,
    rate,
    ratio,
    split_changes,
    workdir,
    write_json,
)
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, Changes, WriteSummary
from tupu.loaders.pipeline import load
from tupu.ontology.schema import Schema, load_schema


class Capture(MemoryStore):
    """An empty memory store that keeps what ``pipeline.load`` asks it to write."""

    def __init__(self, schema: Schema) -> None:
        super().__init__(None, schema=schema)
        self.changes = ChangeSet()
        self.merges: Any = ()
        self.delivery: Any = None

    def apply(self, changes: Changes, merges: Any = (), delivery: Any = None) -> WriteSummary:
        self.changes, self.merges, self.delivery = held(changes), merges, delivery
        return WriteSummary(changes.node_count, changes.rel_count)


def bench(name: str, folder: Path, neo: Any, bulk_settings: Any, args: Any,
          schema: Schema) -> dict[str, Any]:
    cap = Capture(schema)
    print(f"{name}: reading {folder} …", flush=True)
    load([folder], cap)
    changes = cap.changes
    out: dict[str, Any] = {"data": name, "nodes": changes.node_count, "rels": changes.rel_count}

    print(f"{name}: MERGE in parts …", flush=True)
    neo.settings = None
    neo.clear()
    node_s, rel_s = apply_in_parts(neo, split_changes(changes, args.part_size))
    merged = neo.count_nodes(), neo.count_relationships()
    out["merge"] = {"node_s": round(node_s, 3), "rel_s": round(rel_s, 3),
                    "nodes_per_s": rate(changes.node_count, node_s),
                    "rels_per_s": rate(changes.rel_count, rel_s)}

    print(f"{name}: bulk import (stops and starts the server) …", flush=True)
    neo.clear()
    neo.settings = bulk_settings
    t0 = time.perf_counter()
    neo.apply(changes, cap.merges, cap.delivery)
    whole = time.perf_counter() - t0
    report = neo.last_bulk
    if report is None:
        raise SystemExit("the bulk path was not taken; see the log")
    neo.last_bulk = None
    neo.settings = None
    imported = {k: v for k, v in neo.count_nodes().items() if k != "Delivery"}
    out["equal_counts"] = (imported, neo.count_relationships()) == (
        {k: v for k, v in merged[0].items() if k != "Delivery"}, merged[1])
    parts = {k: round(v, 3) for k, v in dataclasses.asdict(report).items() if k.endswith("_s")}
    out["bulk"] = {"whole_s": round(whole, 3), **parts,
                   "nodes_per_s_import": rate(changes.node_count, report.import_s),
                   "rels_per_s_import": rate(changes.rel_count, report.import_s),
                   "elements_per_s_whole": rate(changes.node_count + changes.rel_count, whole)}
    out["ratio_nodes_import_vs_merge"] = ratio(out["bulk"]["nodes_per_s_import"],
                                               out["merge"]["nodes_per_s"])
    out["ratio_whole_vs_merge"] = ratio(node_s + rel_s, whole)
    return out


def table(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        m, b = r["merge"], r["bulk"]
        rows.append({"data": r["data"], "what": "MERGE in parts (baseline)", "nodes": r["nodes"],
                     "rels": r["rels"], "seconds": m["node_s"] + m["rel_s"],
                     "nodes/s": m["nodes_per_s"], "rels/s": m["rels_per_s"]})
        rows.append({"data": r["data"], "what": "bulk: import tool alone", "nodes": r["nodes"],
                     "rels": r["rels"], "seconds": b["import_s"],
                     "nodes/s": b["nodes_per_s_import"], "rels/s": b["rels_per_s_import"],
                     "note": f"{r['ratio_nodes_import_vs_merge']:.1f}x MERGE nodes/s"})
        rows.append({"data": r["data"], "what": "bulk: whole (files, stop, import, start)",
                     "nodes": r["nodes"], "rels": r["rels"], "seconds": b["whole_s"],
                     "note": f"{r['ratio_whole_vs_merge']:.2f}x MERGE time; files "
                             f"{b['write_files_s']:.1f} s, stop {b['stop_s']:.1f} s, start "
                             f"{b['start_s']:.1f} s; counts equal={r['equal_counts']}"})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--outside", type=int, default=20_000, help="outside enterprises")
    parser.add_argument("--part-size", type=int, default=50_000,
                        help="elements per transaction of the MERGE baseline")
    parser.add_argument("--skip-sample", action="store_true", help="only the generated city")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated data here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=None,
                        help="results file (default benchmarks/results/bulk-outside<N>.json)")
    args = parser.parse_args(argv)
    schema = load_schema()
    payload: dict[str, Any] = {"benchmark": "bulk", "command": " ".join(sys.argv),
                               "args": {k: str(v) for k, v in vars(args).items()},
                               "machine": machine_info()}
    results = []
    with workdir(args.workdir) as wd, neo4j_for_bench("private") as (neo, info):
        payload["neo4j"] = info
        bulk_settings = neo.settings.model_copy(update={"neo4j_bulk_rows": 1})
        if not args.skip_sample:
            results.append(bench("sample", SAMPLE, neo, bulk_settings, args, schema))
        path, gen_s = generate(args.outside, wd)
        payload["generate_s"] = round(gen_s, 1) if gen_s is not None else None
        results.append(bench(f"outside-{args.outside}", path, neo, bulk_settings, args, schema))
    payload["results"] = results
    payload["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print_table(table(results), ["data", "what", "nodes", "rels", "seconds", "nodes/s", "rels/s",
                                 "note"])
    target = args.json or RESULTS / f"bulk-outside{args.outside}.json"
    print(f"\nwritten {write_json(target, payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
