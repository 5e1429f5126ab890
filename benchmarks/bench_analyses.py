#!/usr/bin/env python3
"""Analysis latency on both stores, against a scan-based baseline in the same run.

Usage::

    .venv/bin/python benchmarks/bench_analyses.py                     # quick: 20,000 pool
    .venv/bin/python benchmarks/bench_analyses.py --outside 1000000   # the documented full run

1. The sample city (``data/sample``), loaded into the memory store and Neo4j: the median of
   ``--repeat`` runs (after one warm-up run) of ``gaps(store)`` — every chain at once, city scope —
   and of ``candidates(store, LINK, 20)`` for the link of the first gap.
2. A city with an outside pool of ``--outside`` enterprises (``data/generate_sample.py``), loaded
   into both stores (load times recorded: read + validate, memory apply, Neo4j apply in parts of
   ``--part-size`` elements): the median of ``candidates(store, LINK, 20)`` for the same link
   (the local city, and so its gaps, is the same whatever the pool size); and ``--big-gaps`` runs
   of ``gaps(store)`` over the big pool.

Baseline, same run, same store, same data: :class:`benchlib.ScanAdjacentStore` answers
``adjacent(IN_SUBSECTOR, …)`` — the enterprise-membership lookup of every chain link — by a full
scan of all IN_SUBSECTOR relationships (``find_relationships``, then filtering in Python), as
``GraphStore.adjacent``'s generic version does; every other read is the store's own. The
baseline's answer is checked equal to the real one, and Neo4j's to the memory store's.

``--profile`` writes pyinstrument profiles (``pip install pyinstrument``) of one gaps run on the
sample city and one candidates run on the big pool, per store, to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from benchlib import (
    RESULTS,
    SAMPLE,
    ScanAdjacentStore,
    apply_in_parts,
    generate,
    machine_info,
    neo4j_for_bench,
    print_table,
    rate,
    ratio,
    same,
    split_changes,
    summary,
    timed,
    workdir,
    write_json,
)

from tupu.graph.analyses import cache
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.gaps import gaps
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import read_sources
from tupu.loaders.references import check_references
from tupu.ontology.schema import Schema, load_schema

SCAN_TYPES = ("IN_SUBSECTOR",)


def profile(fn: Callable[[], Any], target: Path) -> str | None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: no profile (.venv/bin/pip install pyinstrument)")
        return None
    p = Profiler(interval=0.001)
    p.start()
    fn()
    p.stop()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(p.output_text(unicode=True, color=False), encoding="utf-8")
    print(f"profile written: {target}")
    return str(target)


def runs_and_answer(fn: Callable[[], pd.DataFrame], runs: int
                    ) -> tuple[list[float], pd.DataFrame]:
    """Seconds of ``runs`` timed runs after one untimed warm-up run, and the last answer."""
    answer = fn()
    seconds = []
    for _ in range(runs):
        took, answer = timed(fn)
        seconds.append(took)
    return seconds, answer


def measure(name: str, store: GraphStore, fn: Callable[[GraphStore], pd.DataFrame],
            runs: int, base_runs: int) -> dict[str, Any]:
    """Median of ``fn(store)`` and of ``fn(baseline store)``; answers compared."""
    print(f"{name} on {store.name}: {runs} runs …", flush=True)
    real, answer = runs_and_answer(lambda: fn(store), runs)
    out: dict[str, Any] = {"rows": len(answer), **summary(real)}
    if base_runs > 0:
        scan = ScanAdjacentStore(store, SCAN_TYPES)
        print(f"{name} on {scan.name} (baseline): {base_runs} runs …", flush=True)
        try:
            base, base_answer = runs_and_answer(lambda: fn(scan), base_runs)
            out["baseline"] = summary(base)
            out["baseline_same_answer"] = same(answer, base_answer)
            out["speedup"] = ratio(out["baseline"]["median_s"], out["median_s"])
        except Exception as e:  # noqa: BLE001 - a failing baseline is a result
            out["baseline"] = {"failed": f"{type(e).__name__}: {e}"}
            print(f"baseline FAILED: {e}", flush=True)
    out["answer"] = answer
    return out


def load_both(path: Path, neo: Any, args: argparse.Namespace, schema: Schema
              ) -> tuple[MemoryStore, dict[str, Any]]:
    read_s, d = timed(lambda: read_sources([path], schema))
    mem = MemoryStore(None, schema=schema)
    refs_s, _ = timed(lambda: check_references(d, mem))
    if d.problems:
        raise RuntimeError(f"{path} has {len(d.problems)} problems, e.g. {d.problems[0]}")
    changes = d.changes
    n, e = changes.node_count, changes.rel_count
    print(f"read+validate {n:,} nodes, {e:,} relationships: {read_s:.1f} s", flush=True)
    mem_node, mem_rel = apply_in_parts(mem, split_changes(changes, 0))
    print(f"memory store: {mem_node + mem_rel:.1f} s", flush=True)
    neo.clear()
    neo_node, neo_rel = apply_in_parts(neo, split_changes(changes, args.part_size))
    print(f"neo4j: {neo_node + neo_rel:.1f} s", flush=True)
    info = {
        "nodes": n, "relationships": e,
        "read_validate_s": round(read_s + refs_s, 2),
        "memory_apply_s": round(mem_node + mem_rel, 2),
        "memory_elements_per_s": rate(n + e, mem_node + mem_rel),
        "neo4j_apply_s": round(neo_node + neo_rel, 2),
        "neo4j_nodes_per_s": rate(n, neo_node), "neo4j_rels_per_s": rate(e, neo_rel),
        "neo4j_part_size": args.part_size,
    }
    del d, changes
    gc.collect()
    return mem, info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--outside", type=int, default=20_000,
                        help="outside enterprises of the big pool (full run: 1000000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (median)")
    parser.add_argument("--baseline-repeat", type=int, default=None,
                        help="timed runs of the baseline (default: --repeat; 0: no baseline)")
    parser.add_argument("--big-gaps", type=int, default=1,
                        help="timed runs of gaps over the big pool (0: skip)")
    parser.add_argument("--part-size", type=int, default=50_000,
                        help="elements per Neo4j transaction when loading the big pool")
    parser.add_argument("--neo4j", choices=["private", "configured"], default="private",
                        help="private: start a bundled Neo4j for the run; configured: use "
                             "TUPU_NEO4J_URI (its database is CLEARED)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated data here (default: a temporary folder)")
    parser.add_argument("--profile", action="store_true",
                        help="also write pyinstrument profiles to benchmarks/results/")
    parser.add_argument("--json", type=Path, default=None,
                        help="results file (default benchmarks/results/analyses-outside<N>.json)")
    args = parser.parse_args(argv)
    base_runs = args.repeat if args.baseline_repeat is None else args.baseline_repeat

    schema = load_schema()
    payload: dict[str, Any] = {"benchmark": "analyses", "command": " ".join(sys.argv),
                               "args": {k: str(v) for k, v in vars(args).items()},
                               "machine": machine_info(),
                               "baseline": "adjacent(IN_SUBSECTOR) by a full scan of the type "
                                           "(find_relationships + filter); other reads unchanged"}
    rows: list[dict[str, Any]] = []
    with workdir(args.workdir) as wd, neo4j_for_bench(args.neo4j) as (neo, neo_info):
        neo.settings = None  # UNWIND/MERGE only: bench_bulk.py measures the import tool
        payload["neo4j"] = neo_info
        # -- 1. the sample city --------------------------------------------------------------
        print("\n== sample city", flush=True)
        mem, load_info = load_both(SAMPLE, neo, args, schema)
        sample: dict[str, Any] = {"load": load_info}
        first = gaps(mem)
        link = str(first.iloc[0]["link"])
        sample["link"] = link
        answers: dict[str, dict[str, pd.DataFrame]] = {}
        for store in (mem, neo):
            g = measure("gaps", store, gaps, args.repeat, base_runs)
            c = measure("candidates", store, lambda s: candidates(s, link, 20), args.repeat,
                        base_runs)
            answers[store.name] = {"gaps": g.pop("answer"), "candidates": c.pop("answer")}
            sample[store.name] = {"gaps": g, "candidates": c}
            if args.profile:
                profile(lambda: gaps(store), RESULTS / f"profile-gaps-sample-{store.name}.txt")
            for what, r in (("gaps (sample city)", g), ("candidates (sample city)", c)):
                rows.append(_row(what, store.name, r))
        sample["neo4j_same_as_memory"] = {
            k: same(answers["memory"][k], answers["neo4j"][k]) for k in ("gaps", "candidates")}
        payload["sample"] = sample
        del mem, answers
        gc.collect()

        # -- 2. the big pool -----------------------------------------------------------------
        print(f"\n== outside pool of {args.outside:,}", flush=True)
        path, gen_s = generate(args.outside, wd)
        big_mem, big_load = load_both(path, neo, args, schema)
        big_load["generate_s"] = round(gen_s, 1) if gen_s is not None else None
        big: dict[str, Any] = {"outside": args.outside, "load": big_load, "link": link}
        answers = {}
        for store in (big_mem, neo):
            c = measure("candidates", store, lambda s: candidates(s, link, 20), args.repeat,
                        base_runs)
            answers[store.name] = {"candidates": c.pop("answer")}
            big[store.name] = {"candidates": c}
            rows.append(_row(f"candidates ({args.outside:,} pool)", store.name, c))
            if args.profile:
                profile(lambda: candidates(store, link, 20),
                        RESULTS / f"profile-candidates-{args.outside}-{store.name}.txt")
            if args.big_gaps > 0:
                print(f"gaps over the big pool on {store.name}: {args.big_gaps} runs …",
                      flush=True)
                runs = []
                for _ in range(args.big_gaps):
                    took, answer = timed(lambda: gaps(store))
                    runs.append(took)
                big[store.name]["gaps"] = {"rows": len(answer), **summary(runs)}
                answers[store.name]["gaps"] = answer
                rows.append(_row(f"gaps ({args.outside:,} pool, no warm-up)", store.name,
                                 summary(runs)))
                if args.profile:
                    profile(lambda: gaps(store),
                            RESULTS / f"profile-gaps-{args.outside}-{store.name}.txt")
        big["neo4j_same_as_memory"] = {
            k: same(answers["memory"][k], answers["neo4j"][k]) for k in answers["memory"]}
        payload["big"] = big
        del big_mem
        neo.clear()
    payload["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print_table(rows, ["what", "store", "median_s", "min_s", "max_s", "baseline_s", "speedup",
                       "same"], left=("what", "store"))
    target = args.json or RESULTS / f"analyses-outside{args.outside}.json"
    print(f"\nwritten {write_json(target, payload)}")
    return 0


def _row(what: str, store: str, r: dict[str, Any]) -> dict[str, Any]:
    b = r.get("baseline", {})
    return {"what": what, "store": store, "median_s": r["median_s"], "min_s": r["min_s"],
            "max_s": r["max_s"], "baseline_s": b.get("median_s"), "speedup": r.get("speedup"),
            "same": r.get("baseline_same_answer")}


if __name__ == "__main__":
    with cache.disabled():  # time the analyses, not their answers kept per data version
        sys.exit(main())
