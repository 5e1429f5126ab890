#!/usr/bin/env python3
"""The memory store's deltas (issue 10.2/10.6): writing a small delivery as a delta against
rewriting the whole snapshot, opening a store with deltas against one without, and a reader
catching up with another process's delta against reading the store again — same run, same store.

Usage::

    .venv/bin/python benchmarks/bench_snapshot_delta.py --outside 200000 --workdir /tmp/x
    .venv/bin/python benchmarks/bench_snapshot_delta.py --outside 1000000 --workdir /tmp/x \\
        --snapshot /path/to/a/tupu-load-written/snapshot/of/that/city

The store holds the city generated with ``--outside N`` (loaded by ``pipeline.load``, or opened
from a copy of ``--snapshot``). A delivery of ``--delivery`` enterprises, each with an
``IN_SUBSECTOR`` row (``bench_delivery.delivery_folder``), is loaded (``pipeline.load``: what
``tupu load`` runs) ``--repeat`` times each way, alternately:

- **whole (baseline)**: ``compact_share`` 0, so the write rewrites the whole snapshot — the write
  of main before deltas (``write_snapshot`` is unchanged);
- **delta**: the default share: the write appends a delta.

Then the store's file is opened (``MemoryStore(path)`` + ``count_nodes``; wall and CPU seconds,
``--repeat`` runs) with no delta (just compacted) and with ``--deltas`` deltas of the delivery;
and a reader holding the map catches up with one more delta (``data_version``) against opening
the store again. Every opened map and the caught-up reader are checked equal to the writer's
graph. Printed and written to ``benchmarks/results/snapshot-delta-outside<N>.json``.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx

from bench_delivery import delivery_folder
from bench_snapshot import cpu_runs
from benchlib import RESULTS, generate, machine_info, print_table, ratio, workdir, write_json

from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.snapshot_delta import delta_names
from tupu.loaders.pipeline import load
from tupu.settings import COMPACT_SHARE


def same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    """Same nodes with the same properties, same relationships with the same properties."""
    if a._node != b._node or a.number_of_edges() != b.number_of_edges():
        return False
    succ = b._succ
    return all(succ.get(u, {}).get(v, {}).get(k) == d
               for u, v, k, d in a.edges(keys=True, data=True))


def timed_load(store: MemoryStore, folder: Path, share: float) -> float:
    """Seconds of ``load([folder], store)`` (read, resolve, write), after an untimed dry run
    that builds resolution's look-up indexes for the store's current version (each write makes
    a new one) — as in ``bench_delivery.py``, where resolution and dry runs come first."""
    store.compact_share = share
    load([folder], store, dry_run=True)
    gc.collect()
    t0 = time.perf_counter()
    load([folder], store)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outside", type=int, default=200_000, help="outside pool")
    parser.add_argument("--delivery", type=int, default=100, help="enterprises delivered")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument("--deltas", type=int, default=8, help="deltas when the store is opened")
    parser.add_argument("--snapshot", type=Path, default=None,
                        help="open a copy of this snapshot of the same city (written by tupu "
                             "load) instead of loading the city")
    parser.add_argument("--no-open", dest="open", action="store_false",
                        help="only the writes (no opening, no reader catching up)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated data here")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"machine": machine_info(), "argv": sys.argv, "outside": args.outside}
    with workdir(args.workdir) as wd:
        city, _ = generate(args.outside, wd)
        snap = wd / "bench-snapdelta.snapshot"
        for old in wd.glob(f"{snap.name}*"):
            old.unlink()
        if args.snapshot is not None:
            shutil.copyfile(args.snapshot, snap)
            store = MemoryStore(snap)
        else:
            store = MemoryStore(snap)
            print(f"loading {city.name} …", flush=True)
            load([city], store)
        out["snapshot_bytes"] = snap.stat().st_size
        folder = delivery_folder(wd, f"delivery-snapdelta-{args.delivery}", args.delivery, [])

        print("writing: whole and delta, alternately …", flush=True)
        whole, delta = [], []
        for _ in range(args.repeat):
            whole.append(timed_load(store, folder, 0.0))
            assert delta_names(snap) == []
            delta.append(timed_load(store, folder, COMPACT_SHARE))
            assert len(delta_names(snap)) == 1
        out["write_whole_s"] = [round(s, 3) for s in whole]
        out["write_delta_s"] = [round(s, 3) for s in delta]
        out["delta_bytes"] = (wd / delta_names(snap)[0]).stat().st_size
        out["loadavg_write"] = [round(x, 2) for x in os.getloadavg()]

        if args.open:
            out.update(opening(store, snap, folder, args))

    w, d = statistics.median(whole), statistics.median(delta)
    rows = [{"measure": f"load of {args.delivery} enterprises", "baseline": "whole snapshot",
             "baseline_s": w, "new": "delta", "new_s": d, "speedup": ratio(w, d)}]
    if args.open:
        o0, ok = out["open_0"]["median_s"], out["open_k"]["median_s"]
        rows += [
            {"measure": "open the store", "baseline": "no delta", "baseline_s": o0,
             "new": f"{args.deltas} deltas", "new_s": ok, "speedup": ratio(o0, ok)},
            {"measure": "a reader sees one more delta", "baseline": "open again",
             "baseline_s": o0, "new": "catch up", "new_s": out["catch_up_s"],
             "speedup": ratio(o0, out["catch_up_s"])},
        ]
    print_table(rows, list(rows[0]))
    target = args.json or RESULTS / f"snapshot-delta-outside{args.outside}.json"
    write_json(target, {**out, "table": rows})
    print(f"written {target}")
    if not args.open:
        return 0
    print(f"same: open {out['open_same']}, catch-up {out['catch_up_same']}")
    return 0 if out["open_same"] and out["catch_up_same"] else 1


def opening(store: MemoryStore, snap: Path, folder: Path, args: argparse.Namespace
            ) -> dict[str, Any]:
    """Opening with no delta and with ``--deltas``; a reader catching up with one more."""
    out: dict[str, Any] = {}
    print("opening: no delta, then with deltas …", flush=True)
    timed_load(store, folder, 0.0)  # compacted
    out["open_0"] = cpu_runs(lambda: MemoryStore(snap).count_nodes(), args.repeat, 0)
    for _ in range(args.deltas):
        timed_load(store, folder, COMPACT_SHARE)
    assert len(delta_names(snap)) == args.deltas
    out["open_k"] = cpu_runs(lambda: MemoryStore(snap).count_nodes(), args.repeat, 0)
    opened = MemoryStore(snap)
    out["open_same"] = same(opened.graph, store.graph) and same(store.graph, opened.graph)
    out["loadavg_open"] = [round(x, 2) for x in os.getloadavg()]

    print("a reader catching up with one delta …", flush=True)
    version = opened.data_version()
    timed_load(store, folder, COMPACT_SHARE)
    t0 = time.perf_counter()
    assert opened.data_version() != version
    out["catch_up_s"] = round(time.perf_counter() - t0, 4)
    out["catch_up_same"] = same(opened.graph, store.graph) and same(store.graph, opened.graph)
    out["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
