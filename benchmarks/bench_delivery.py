#!/usr/bin/env python3
"""A small delivery into a store holding a big outside pool: entity resolution through the named
look-ups (:mod:`tupu.graph.stores.queries_resolve`) against reading every enterprise, same run.

Usage::

    .venv/bin/python benchmarks/bench_delivery.py --outside 200000 --neo4j none   # memory only
    TUPU_NEO4J_URI=bolt://127.0.0.1:7715 .venv/bin/python benchmarks/bench_delivery.py \\
        --outside 200000 --neo4j configured --workdir /tmp/perfload          # both (CLEARS it)

Steps, per store (memory store with its snapshot file; Neo4j):

1. load the generated city with ``--outside`` enterprises (``pipeline.load``, timed once; into an
   empty bundled Neo4j that is its import tool);
2. two deliveries of ``--delivery`` enterprises as a data administrator sends them (canonical CSV,
   each with an ``IN_SUBSECTOR`` row): *coded*, every row with a credit code; *mixed*,
   ``--uncoded`` of them without a code, named like enterprises of the pool (a variant of their
   name: no legal form, the city before it), so that resolution compares names;
3. for each delivery, ``--repeat`` times (median): resolution alone (``resolve_delivery`` of a
   freshly read delivery), and ``tupu load --dry-run`` (``pipeline.load(dry_run=True)``: all of
   the load but the write) — once through the look-ups, once with the store's look-ups switched
   off (``enterprise_lookup`` answering None: resolution reads every enterprise, the path before
   this change). Both must give the same review list and summary (checked);
4. one real load of each delivery through the look-ups (write included).

Printed and written to ``benchmarks/results/delivery-outside<N>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchlib import RESULTS, generate, machine_info, neo4j_for_bench, print_table, workdir, write_json

from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load, read_sources
from tupu.loaders.resolve import resolve_delivery
from tupu.loaders.uscc import check_character


def uscc(serial: int) -> str:
    first17 = f"91320585{serial:09d}"
    return first17 + check_character(first17)


def pool_names(city: Path, n: int) -> list[str]:
    """``n`` names of outside enterprises of the generated city, spread over its file."""
    with (city / "nodes" / "Enterprise.csv").open(encoding="utf-8") as f:
        names = [row["name"] for row in csv.DictReader(f)]
    step = max(1, len(names) // max(n, 1))
    return names[-1::-step][:n]


def delivery_folder(root: Path, name: str, count: int, named_like: list[str]) -> Path:
    """``count`` new enterprises, the last ``len(named_like)`` without a credit code and named
    like those pool enterprises."""
    out = root / name
    (out / "nodes").mkdir(parents=True, exist_ok=True)
    (out / "relationships").mkdir(parents=True, exist_ok=True)
    (out / "dataset.yaml").write_text(
        "name: 基准测试交付（虚构数据）\ncity: 太仓市\nfictional: true\nnotice: 虚构数据。\n",
        encoding="utf-8")
    rows = ["id,name,province,city,annual_revenue,employees,above_scale,founded"]
    keys = []
    for i in range(count):
        j = i - (count - len(named_like))
        if j >= 0:
            base = named_like[j].removesuffix("有限公司").removesuffix("股份")
            key, name = f"gen-bench-{i}", f"太仓{base}"
        else:
            key, name = uscc(900_000_000 + i), f"太仓基准测试文化科技第{i}有限公司"
        keys.append(key)
        rows.append(f"{key},{name},江苏省,苏州市,{100 + i},{10 + i},false,2020-01-01")
    (out / "nodes" / "Enterprise.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    subs = ["start,end,primary"] + [f"{k},0110,true" for k in keys]
    (out / "relationships" / "IN_SUBSECTOR.csv").write_text("\n".join(subs) + "\n",
                                                             encoding="utf-8")
    return out


@contextlib.contextmanager
def whole_map(store: GraphStore) -> Iterator[None]:
    """The store answering no look-ups for a while: resolution reads every enterprise."""
    store.enterprise_lookup = lambda: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        del store.enterprise_lookup  # type: ignore[attr-defined]


def median_of(fn: Callable[[], Any], n: int) -> tuple[float, list[float], Any]:
    seconds, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds), seconds, out


def measure(store: GraphStore, folder: Path, repeat: int) -> dict[str, Any]:
    def resolve_only() -> Any:
        d = read_sources([folder], store.schema, store=store)
        t0 = time.perf_counter()
        r = resolve_delivery(d, store)
        return time.perf_counter() - t0, (sorted(r.renamed.items()), [str(i) for i in r.review])

    def dry() -> Any:
        report = load([folder], store, dry_run=True)
        return [str(i) for i in report.review], report.summary

    out: dict[str, Any] = {}
    for mode in ("lookup", "whole map"):
        with whole_map(store) if mode == "whole map" else contextlib.nullcontext():
            runs = [resolve_only() for _ in range(repeat)]
            out[mode] = {
                "resolve_s": statistics.median(r[0] for r in runs),
                "resolve_runs": [round(r[0], 4) for r in runs],
                "resolved": runs[-1][1],
            }
            med, all_s, answer = median_of(dry, repeat)
            out[mode].update({"dry_run_s": med, "dry_runs": [round(s, 4) for s in all_s],
                              "answer": answer})
    out["same"] = (out["lookup"]["resolved"] == out["whole map"]["resolved"]
                   and out["lookup"]["answer"] == out["whole map"]["answer"])
    t0 = time.perf_counter()
    report = load([folder], store)
    out["load_s"] = time.perf_counter() - t0
    out["merged"] = sum(k.merged for k in report.summary)
    out["review"] = len(report.review)
    for mode in ("lookup", "whole map"):
        del out[mode]["answer"], out[mode]["resolved"]
    return out


def bench_store(store: GraphStore, city: Path, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    pool_s: float | None = None
    if args.reuse_pool and store.count_nodes().get("Enterprise", 0) >= args.outside:
        print(f"{store.name} holds the pool already (--reuse-pool)", flush=True)
    else:
        store.clear()
        print(f"loading {city.name} into {store.name} …", flush=True)
        t0 = time.perf_counter()
        load([city], store)
        pool_s = time.perf_counter() - t0
    if store.name == "neo4j":
        store.read_query("CALL db.awaitIndexes(600)", {})  # type: ignore[attr-defined]
    named = pool_names(city, args.uncoded)
    result: dict[str, Any] = {"pool_load_s": None if pool_s is None else round(pool_s, 2)}
    for name, uncoded in (("coded", []), ("mixed", named)):
        folder = delivery_folder(root, f"delivery-{store.name}-{name}-{args.delivery}",
                                 args.delivery, uncoded)
        print(f"delivery {name} into {store.name} …", flush=True)
        result[name] = measure(store, folder, args.repeat)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outside", type=int, default=200_000, help="outside pool")
    parser.add_argument("--delivery", type=int, default=100, help="enterprises delivered")
    parser.add_argument("--uncoded", type=int, default=10, help="of them without a credit code")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument("--neo4j", choices=["none", "private", "configured"], default="none",
                        help="also Neo4j: a private bundled server, or the configured one (CLEARED)")
    parser.add_argument("--no-memory", action="store_true", help="Neo4j only")
    parser.add_argument("--reuse-pool", action="store_true",
                        help="Neo4j: keep a pool loaded by an earlier run (and keep it at the end)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated data here")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine_info(), "argv": sys.argv, "outside": args.outside}
    rows = []
    with workdir(args.workdir) as wd:
        city, gen_s = generate(args.outside, wd)
        results["generate_s"] = gen_s
        stores: list[tuple[str, Callable[[], Any]]] = []
        if not args.no_memory:
            snap = wd / "bench-delivery.snapshot"
            snap.unlink(missing_ok=True)
            stores.append(("memory", lambda: contextlib.nullcontext((MemoryStore(snap), {}))))
        if args.neo4j != "none":
            stores.append(("neo4j", lambda: neo4j_for_bench(args.neo4j)))
        for name, opener in stores:
            with opener() as (store, info):
                r = bench_store(store, city, wd, args)
                r["server"] = info
                results[name] = r
                if name == "neo4j" and not args.reuse_pool:
                    store.clear()
            for kind in ("coded", "mixed"):
                m = r[kind]
                rows.append({
                    "store": name, "delivery": kind,
                    "resolve, 1st": m["lookup"]["resolve_runs"][0],
                    "resolve": m["lookup"]["resolve_s"], "resolve (whole map)": m["whole map"]["resolve_s"],
                    "speedup": m["whole map"]["resolve_s"] / max(m["lookup"]["resolve_s"], 1e-9),
                    "dry run": m["lookup"]["dry_run_s"], "dry run (whole map)": m["whole map"]["dry_run_s"],
                    "load": m["load_s"], "merged": m["merged"], "review": m["review"], "same": m["same"],
                })
    print_table(rows, list(rows[0]) if rows else [])
    target = args.json or RESULTS / f"delivery-outside{args.outside}.json"
    write_json(target, {**results, "table": rows})
    print(f"written {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
