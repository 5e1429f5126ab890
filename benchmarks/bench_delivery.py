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

``--no-baseline`` skips the whole-map runs (minutes each over a million pool; "same" is then not
checked). ``--memory-snapshot FILE`` opens the memory store from a copy of FILE (a snapshot of the
same generated city that ``tupu load`` wrote) instead of loading the pool into it (timed: the
open); the deliveries are written into the copy. The snapshots ``bench_snapshot.py --snapshots``
keeps will not do for the *mixed* delivery: they are written without entity resolution, so their
enterprises lack ``name_forms`` and resolution falls back to reading the whole map. ``--profile`` writes a
cProfile of each real load to ``benchmarks/results/profile-delivery-<N>-<store>-<kind>.txt``
(the load column is then timed under the profiler, which slows Python-heavy parts).

Printed and written to ``benchmarks/results/delivery-outside<N>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import io
import os
import pstats
import shutil
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


def measure(store: GraphStore, folder: Path, repeat: int, baseline: bool = True,
            profile: Path | None = None) -> dict[str, Any]:
    def resolve_only() -> Any:
        d = read_sources([folder], store.schema, store=store)
        t0 = time.perf_counter()
        r = resolve_delivery(d, store)
        return time.perf_counter() - t0, (sorted(r.renamed.items()), [str(i) for i in r.review])

    def dry() -> Any:
        report = load([folder], store, dry_run=True)
        return [str(i) for i in report.review], report.summary

    out: dict[str, Any] = {}
    modes = ("lookup", "whole map") if baseline else ("lookup",)
    for mode in modes:
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
                   and out["lookup"]["answer"] == out["whole map"]["answer"]) if baseline else None
    prof = cProfile.Profile() if profile is not None else None
    t0 = time.perf_counter()
    if prof is not None:
        prof.enable()
    report = load([folder], store)
    if prof is not None:
        prof.disable()
    out["load_s"] = time.perf_counter() - t0
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    if prof is not None and profile is not None:
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(40)
        profile.parent.mkdir(parents=True, exist_ok=True)
        profile.write_text(text.getvalue(), encoding="utf-8")
        out["profile"] = str(profile.relative_to(RESULTS.parent.parent))
    out["merged"] = sum(k.merged for k in report.summary)
    out["review"] = len(report.review)
    for mode in modes:
        del out[mode]["answer"], out[mode]["resolved"]
    return out


def open_memory(snap: Path) -> tuple[MemoryStore, dict[str, Any]]:
    """The memory store of ``snap`` (empty when there is no such file), and the open's seconds."""
    t0 = time.perf_counter()
    store = MemoryStore(snap)
    nodes = sum(store.count_nodes().values())
    return store, {"open_s": round(time.perf_counter() - t0, 2), "nodes": nodes,
                   "loadavg": [round(x, 2) for x in os.getloadavg()]}


def bench_store(store: GraphStore, city: Path, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    pool_s: float | None = None
    if store.name == "memory" and args.memory_snapshot is not None:
        print(f"memory store opened from a copy of {args.memory_snapshot}", flush=True)
    elif args.reuse_pool and store.count_nodes().get("Enterprise", 0) >= args.outside:
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
        target = RESULTS / f"profile-delivery-{args.outside}-{store.name}-{name}.txt"
        result[name] = measure(store, folder, args.repeat, args.baseline,
                               target if args.profile else None)
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
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the whole-map runs (resolution reading every enterprise)")
    parser.add_argument("--memory-snapshot", type=Path, default=None,
                        help="open the memory store from a copy of this snapshot of the same "
                             "city, written by tupu load (with name_forms), instead of loading "
                             "the pool (the open is timed)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each real load into benchmarks/results/ (its load_s is "
                             "then timed under the profiler)")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine_info(), "argv": sys.argv, "outside": args.outside}
    rows = []
    with workdir(args.workdir) as wd:
        city, gen_s = generate(args.outside, wd)
        results["generate_s"] = gen_s
        stores: list[tuple[str, Callable[[], Any]]] = []
        if not args.no_memory:
            snap = wd / "bench-delivery.snapshot"
            for old in wd.glob(f"{snap.name}*"):  # the snapshot and its deltas (their map)
                old.unlink()
            if args.memory_snapshot is not None:
                shutil.copyfile(args.memory_snapshot, snap)
            stores.append(("memory", lambda: contextlib.nullcontext(open_memory(snap))))
        if args.neo4j != "none":
            stores.append(("neo4j", lambda: neo4j_for_bench(args.neo4j)))
        for name, opener in stores:
            print(f"opening {name} …", flush=True)
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
                    "resolve": m["lookup"]["resolve_s"],
                    "resolve (whole map)": m.get("whole map", {}).get("resolve_s"),
                    "speedup": m["whole map"]["resolve_s"] / max(m["lookup"]["resolve_s"], 1e-9)
                    if "whole map" in m else None,
                    "dry run": m["lookup"]["dry_run_s"],
                    "dry run (whole map)": m.get("whole map", {}).get("dry_run_s"),
                    "load": m["load_s"], "merged": m["merged"], "review": m["review"], "same": m["same"],
                })
    print_table(rows, list(rows[0]) if rows else [])
    target = args.json or RESULTS / f"delivery-outside{args.outside}.json"
    write_json(target, {**results, "table": rows})
    print(f"written {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
