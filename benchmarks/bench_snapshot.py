#!/usr/bin/env python3
"""Opening the memory store: the snapshot format (Arrow tables + checksummed manifest) against the
pickle it replaced, side by side in the same run.

Usage::

    .venv/bin/python benchmarks/bench_snapshot.py                    # sample city + 20,000 pool
    .venv/bin/python benchmarks/bench_snapshot.py --outside 200000   # the documented run (~2 min)

For the sample city ``data/sample`` and a city generated with ``--outside N`` enterprises, the
graph is loaded once into a memory store (``read_sources`` + ``MemoryStore.apply``, untimed), then:

- **pickle (baseline)**: the format-1 snapshot as tupu wrote it until now — ``pickle.dump`` of a
  header dict, then of the ``networkx.MultiDiGraph`` — written, then read back with
  ``pickle.load`` (the code of the former ``snapshot.read_snapshot``, reproduced here since the
  product no longer contains it);
- **tables, former reader (baseline)**: the reader before the open was made faster
  (``benchmarks/legacy/snapshot.py``, a frozen copy of commit 6a2bd6f) and the label index and
  dead enterprises found by walking every node, as ``MemoryStore(path).count_nodes()`` did;
- **tables**: :func:`tupu.graph.stores.snapshot.write_snapshot`, then ``MemoryStore(path)`` +
  ``count_nodes`` — what every command does to open the store: read the file, verify every
  SHA-256, decode the Arrow tables, build the graph and the label index;
- **after the open** (``--analyses``): on a store just opened, ``candidates(store, LINK, 20)``
  and ``gaps(store)`` — the first call (indexes built on first use) and the median of the next
  ones — to compare with the open itself (issue 10.2: candidates over 200,000 no slower than
  opening the store).

``--snapshots DIR`` keeps each city's snapshot file in DIR and, when it is there already,
reads the graph from it instead of loading the city again (loading the 200,000 pool takes
minutes on a busy machine).

Each read is run ``--repeat`` times after ``--warmup`` untimed ones (medians of wall and CPU
seconds); the file is in the page cache, as
it is for a command run after a load. Both read-backs are checked equal to the loaded graph.
Results are printed and written to ``benchmarks/results/snapshot-outside<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import gc
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from benchlib import (
    RESULTS,
    SAMPLE,
    generate,
    machine_info,
    print_table,
    ratio,
    summary,
    timed,
    workdir,
    write_json,
)
from legacy import matching_parks as legacy_parks
from legacy import snapshot as legacy_snapshot
from tupu.graph.analyses import cache
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.gaps import gaps
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.snapshot import read_snapshot, write_snapshot
from tupu.loaders.pipeline import read_sources
from tupu.ontology.schema import Schema, load_schema


def pickle_write(path: Path, graph: nx.MultiDiGraph) -> None:
    """The format-1 writer (pickle), as it was."""
    with open(path, "wb") as f:
        pickle.dump({"format": "tupu-snapshot", "version": 1}, f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(graph, f, protocol=pickle.HIGHEST_PROTOCOL)
        f.flush()
        os.fsync(f.fileno())


def pickle_read(path: Path) -> nx.MultiDiGraph:
    """The format-1 reader (pickle), as it was."""
    with open(path, "rb") as f:
        pickle.load(f)
        graph = pickle.load(f)
    assert isinstance(graph, nx.MultiDiGraph)
    return graph


def same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return dict(a.nodes(data=True)) == dict(b.nodes(data=True)) and sorted(
        (u, v, k, sorted(d.items())) for u, v, k, d in a.edges(keys=True, data=True)
    ) == sorted((u, v, k, sorted(d.items())) for u, v, k, d in b.edges(keys=True, data=True))


LINK = "esports-games.publishing"


def bench(name: str, folder: Path, schema: Schema, n: int, warmup: int,
          tmp: Path, kept: Path | None, analyses: bool) -> dict[str, Any]:
    if kept is not None and (kept / f"{name}.snapshot").is_file():
        print(f"{name}: reading the graph from {kept / f'{name}.snapshot'} (untimed) …", flush=True)
        g = read_snapshot(kept / f"{name}.snapshot")[1]
    else:
        print(f"{name}: reading and loading {folder} (untimed) …", flush=True)
        store = MemoryStore(None)
        store.apply(read_sources([folder], schema).changes)
        g = store.graph
        if kept is not None:
            kept.mkdir(parents=True, exist_ok=True)
            write_snapshot(kept / f"{name}.snapshot", g, {})
    out: dict[str, Any] = {"data": name, "nodes": g.number_of_nodes(), "rels": g.number_of_edges()}
    old, new = tmp / f"{name}.pickle", tmp / f"{name}.snapshot"
    out["pickle_write_s"] = round(timed(lambda: pickle_write(old, g))[0], 4)
    out["tables_write_s"] = round(timed(lambda: write_snapshot(new, g, {}))[0], 4)
    out["pickle_bytes"], out["tables_bytes"] = old.stat().st_size, new.stat().st_size
    print(f"{name}: timing reads ({n} runs each) …", flush=True)
    out["pickle_read"] = cpu_runs(lambda: pickle_read(old), n, warmup)
    out["legacy_open_store"] = cpu_runs(lambda: legacy_snapshot.open_store(new), n, warmup)
    out["tables_read"] = cpu_runs(lambda: read_snapshot(new), n, warmup)
    out["tables_open_store"] = cpu_runs(lambda: MemoryStore(new).count_nodes(), n, warmup)
    out["equal"] = same(g, pickle_read(old)) and same(g, read_snapshot(new)[1]) \
        and same(g, legacy_snapshot.read_snapshot(new)[1])
    out["speedup_open_vs_legacy"] = ratio(out["legacy_open_store"]["median_s"],
                                          out["tables_open_store"]["median_s"])
    out["speedup_open_vs_legacy_cpu"] = ratio(out["legacy_open_store"]["cpu"]["median_s"],
                                              out["tables_open_store"]["cpu"]["median_s"])
    if analyses:
        out["after_open"] = after_open(new, n)
    out["speedup_open"] = ratio(out["pickle_read"]["median_s"],
                                out["tables_open_store"]["median_s"])
    out["speedup_open_cpu"] = ratio(out["pickle_read"]["cpu"]["median_s"],
                                    out["tables_open_store"]["cpu"]["median_s"])
    return out


def after_open(path: Path, n: int) -> dict[str, Any]:
    """candidates and gaps on a store just opened: the first call, then ``n`` more (median);
    candidates also with the former park ranking (``legacy/matching_parks.py``) as the
    same-run baseline, its answer checked equal. The analyses compute on every call (the
    answers kept per data version are off)."""
    with cache.disabled():
        return _after_open(path, n)


def _after_open(path: Path, n: int) -> dict[str, Any]:
    import pandas as pd

    import tupu.graph.analyses.matching as matching

    out: dict[str, Any] = {}
    store = MemoryStore(path)
    store.count_nodes()
    now_best = matching.best_parks
    matching.best_parks = legacy_parks.best_parks  # type: ignore[assignment]
    try:
        old = candidates(store, LINK, 20)
        out["candidates_baseline"] = cpu_runs(lambda: candidates(store, LINK, 20), n, 0)
    finally:
        matching.best_parks = now_best  # type: ignore[assignment]
    try:
        pd.testing.assert_frame_equal(old, candidates(store, LINK, 20))
        out["candidates_same_as_baseline"] = True
    except AssertionError:
        out["candidates_same_as_baseline"] = False
    del store
    for what, fn in (("candidates", lambda s: candidates(s, LINK, 20)), ("gaps", gaps)):
        store = MemoryStore(path)
        store.count_nodes()
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        fn(store)
        out[f"{what}_first"] = {"wall_s": round(time.perf_counter() - t0, 4),
                                "cpu_s": round(time.process_time() - c0, 4)}
        out[what] = cpu_runs(lambda s=store, f=fn: f(s), n, 0)
        del store
    return out


def cpu_runs(fn: Any, n: int, warmup: int) -> dict[str, Any]:
    """Wall and CPU seconds (this process) of ``n`` runs after ``warmup`` untimed ones. On a busy
    shared machine the CPU seconds are the figure to compare: waiting does not inflate them."""
    for _ in range(warmup):
        fn()
        gc.unfreeze()
    wall, cpu = [], []
    for _ in range(n):
        # what the previous read froze is freed before this one (untimed), so every timed read
        # is a process's first, as for a command (snapshot._graph pays a collection otherwise)
        gc.unfreeze()
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        kept = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        del kept  # freeing the previous graph is not part of the next read
    out = summary(wall)
    out["cpu"] = summary(cpu)
    return out


def rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table: list[dict[str, Any]] = []
    for r in results:
        for what, key, size, write in (
            ("pickle (baseline) read", "pickle_read", "pickle_bytes", "pickle_write_s"),
            ("tables, former reader + index walk (baseline)", "legacy_open_store", "tables_bytes",
             "tables_write_s"),
            ("tables read_snapshot", "tables_read", "tables_bytes", "tables_write_s"),
            ("tables MemoryStore(path)", "tables_open_store", "tables_bytes", "tables_write_s"),
        ):
            table.append({"data": r["data"], "what": what, "nodes": r["nodes"], "rels": r["rels"],
                          "median s": r[key]["median_s"], "min s": r[key]["min_s"],
                          "cpu s": r[key]["cpu"]["median_s"],
                          "write s": r[write], "MB": round(r[size] / 1e6, 1),
                          "note": "" if "baseline" in what else
                          f"{r['speedup_open']:.2f}x pickle ({r['speedup_open_cpu']:.2f}x by CPU); "
                          f"{r['speedup_open_vs_legacy']:.2f}x former "
                          f"({r['speedup_open_vs_legacy_cpu']:.2f}x by CPU); equal={r['equal']}"})
        for what in ("candidates", "gaps"):
            a = r.get("after_open", {})
            if what in a:
                table.append({"data": r["data"], "what": f"{what} after the open",
                              "nodes": r["nodes"], "rels": r["rels"],
                              "median s": a[what]["median_s"], "min s": a[what]["min_s"],
                              "cpu s": a[what]["cpu"]["median_s"], "write s": "", "MB": "",
                              "note": f"first call {a[what + '_first']['wall_s']} s "
                                      f"({a[what + '_first']['cpu_s']} s CPU)"})
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--outside", type=int, default=20_000, help="outside enterprises")
    parser.add_argument("--repeat", type=int, default=5, help="timed reads of each (median)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed reads before them")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated data here (default: a temporary folder)")
    parser.add_argument("--snapshots", type=Path, default=None,
                        help="keep each city's snapshot here and reuse it instead of loading")
    parser.add_argument("--analyses", action="store_true",
                        help="also time candidates and gaps on the store just opened")
    parser.add_argument("--skip-sample", action="store_true", help="only the generated city")
    parser.add_argument("--analyses-only", action="store_true",
                        help="with --snapshots: only candidates and gaps after the open")
    parser.add_argument("--json", type=Path, default=None,
                        help="results file (default benchmarks/results/snapshot-outside<N>.json)")
    args = parser.parse_args(argv)
    schema = load_schema()
    payload: dict[str, Any] = {"benchmark": "snapshot", "command": " ".join(sys.argv),
                               "args": {k: str(v) for k, v in vars(args).items()},
                               "machine": machine_info()}
    results = []
    with workdir(args.workdir) as wd, tempfile.TemporaryDirectory(prefix="tupu-bench-snap-") as t:
        if not args.skip_sample:
            results.append(bench("sample", SAMPLE, schema, args.repeat, args.warmup, Path(t),
                                 args.snapshots, args.analyses))
        name = f"outside-{args.outside}"
        if args.analyses_only:
            assert args.snapshots is not None, "--analyses-only needs --snapshots"
            payload["results"] = {name: after_open(args.snapshots / f"{name}.snapshot",
                                                   args.repeat)}
            print(json.dumps(payload["results"], indent=1))
            target = args.json or RESULTS / f"snapshot-analyses-outside{args.outside}.json"
            print(f"\nwritten {write_json(target, payload)}")
            return 0
        if args.snapshots is not None and (args.snapshots / f"{name}.snapshot").is_file():
            path = wd / name  # not read: the graph comes from the kept snapshot
        else:
            path, gen_s = generate(args.outside, wd)
            payload["generate_s"] = round(gen_s, 1) if gen_s is not None else None
        results.append(bench(name, path, schema, args.repeat, args.warmup, Path(t),
                             args.snapshots, args.analyses))
    payload["results"] = results
    payload["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print_table(rows(results), ["data", "what", "nodes", "rels", "median s", "min s", "cpu s",
                                "write s",
                                "MB", "note"])
    target = args.json or RESULTS / f"snapshot-outside{args.outside}.json"
    print(f"\nwritten {write_json(target, payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
