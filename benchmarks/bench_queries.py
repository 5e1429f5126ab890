#!/usr/bin/env python3
"""The analyses on the named graph queries, against the read path they replaced, in one run.

Usage::

    TUPU_NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python benchmarks/bench_queries.py \\
        --outside 200000 --neo4j configured            # the figures of benchmarks/README.md
    .venv/bin/python benchmarks/bench_queries.py --neo4j none --outside 20000   # memory only

Measured (medians of ``--repeat`` runs after one warm-up run):

1. the sample city (``data/sample``) in the memory store and in Neo4j: ``gaps(store)`` (every
   chain, city scope) and ``candidates(store, LINK, 20)`` for the link of the first gap;
2. the web pages /gaps, /chains/<chain>, /candidates/<link>, /targets, /clusters,
   /bulletin/<latest period> and /api/v1/dashboard on the sample city (memory store, FastAPI's
   TestClient, analyst): with the analyses kept per version of the data (the warm-up request
   computes them, as the first request after a load does), against the same requests with the
   cache disabled (``cache.disabled()``: every request computes afresh, the former path);
3. a city with an outside pool of ``--outside`` enterprises (``data/generate_sample.py``) in
   both stores: ``candidates`` for the same link, ``gaps`` (the local city, and so the answer of
   gaps, is the same whatever the pool), and the delivery of ``--delivery`` new enterprises
   (``pipeline.load`` of a generated folder: read, resolve, check, write) into that store.

Baseline, same run, same store, same data: the analyses as they were before the named graph
queries (``benchmarks/legacy/``: the same scoring over the generic reads ``find_relationships``,
``adjacent`` and ``get_nodes``). Every answer is checked equal to the baseline's and Neo4j's to the
memory store's. ``--profile`` writes cProfile text profiles to ``benchmarks/results/``.

``--neo4j-bulk`` loads the big pool into Neo4j as a first load through the bulk path
(``pipeline.load`` with ``TUPU_NEO4J_BULK_ROWS`` = 1: the import tool, see ``bench_bulk.py``)
instead of ``apply`` in parts (a million by MERGE takes over half an hour); the import's
nodes/s is recorded. It needs the bundled server of the settings (``--neo4j private``, or
``configured`` with ``TUPU_DATA_DIR`` the folder of ``tupu neo4j start``). ``--chain-counts-before``
also times ``candidates`` over the big pool with ``ParkContext.chain_counts`` as it was before it
read the located side only (``benchmarks/legacy/chain_counts.py``), same run, same stores.
``--gaps-before`` also times ``gaps`` on the sample city against its code of d324ff5 (the
panorama's frames and merges: ``benchmarks/legacy/gaps_d324ff5.py``), ``--repeat`` runs each,
interleaved, wall and CPU seconds of the call alone, and checks the answers identical (dtypes
and every float included).

The Neo4j used: ``configured`` (the settings' ``TUPU_NEO4J_URI``; its database is CLEARED),
``private`` (a bundled server started for the run, see ``benchlib.neo4j_for_bench``) or ``none``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from benchlib import (
    RESULTS,
    SAMPLE,
    apply_in_parts,
    cprofile,
    generate,
    identical,
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
from legacy import candidates as legacy_candidates
from legacy import chain_counts as legacy_chain_counts
from legacy import gaps as legacy_gaps
from legacy import gaps_d324ff5

from tupu.graph.analyses import cache
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.gaps import gaps
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load, read_sources
from tupu.loaders.references import check_references
from tupu.loaders.uscc import check_character
from tupu.ontology.schema import load_schema

LIMIT = 20


CPU_S: list[float] = []
"""CPU seconds of this process in each run of the last :func:`runs` (the client's share: on the
memory store all of it, on Neo4j the driver's and the analysis's)."""


def runs(fn: Callable[[], Any], n: int) -> tuple[list[float], Any]:
    """Seconds of ``n`` timed runs after one untimed warm-up run, and the last answer."""
    answer = fn()
    seconds = []
    CPU_S.clear()
    for _ in range(n):
        cpu0 = time.process_time()
        took, answer = timed(fn)
        CPU_S.append(time.process_time() - cpu0)
        seconds.append(took)
    return seconds, answer


def with_cpu(seconds: list[float]) -> dict[str, Any]:
    return {**summary(seconds), "cpu_median_s": round(statistics.median(CPU_S), 4)}


def profile(fn: Callable[[], Any], name: str) -> str:
    return cprofile(fn, RESULTS / f"profile-queries-{name}.txt")


def compare(what: str, store: GraphStore, new: Callable[[GraphStore], pd.DataFrame],
            old: Callable[[GraphStore], pd.DataFrame] | None, n: int, base_n: int,
            prof: bool) -> dict[str, Any]:
    print(f"{what} on {store.name}: {n} runs …", flush=True)
    with cache.disabled():  # the analysis itself, not its answer kept per data version
        return _compare(store, new, old, n, base_n, prof, what)


def _compare(store: GraphStore, new: Callable[[GraphStore], pd.DataFrame],
             old: Callable[[GraphStore], pd.DataFrame] | None, n: int, base_n: int,
             prof: bool, what: str) -> dict[str, Any]:
    seconds, answer = runs(lambda: new(store), n)
    out: dict[str, Any] = {"rows": len(answer), **with_cpu(seconds)}
    if old is not None and base_n > 0:
        print(f"{what} on {store.name}, baseline: {base_n} runs …", flush=True)
        base, base_answer = runs(lambda: old(store), base_n)
        out["baseline"] = with_cpu(base)
        out["same_as_baseline"] = same(answer, base_answer)
        out["speedup"] = ratio(out["baseline"]["median_s"], out["median_s"])
    if prof:
        out["profile"] = profile(lambda: new(store),
                                 f"{what.replace(' ', '-').replace(',', '')}-{store.name}")
    out["answer"] = answer
    return out


def gaps_vs_before(store: GraphStore, n: int) -> dict[str, Any]:
    """``gaps`` against its code of d324ff5 on ``store``: ``n`` runs of each after one warm-up,
    alternating (new, old, then old, new, …) so that the machine's load falls on both alike; wall
    and CPU seconds of the call alone (the collection before each run is not timed)."""
    print(f"gaps sample vs d324ff5 on {store.name}: {n} runs each, interleaved …", flush=True)
    fns = {"new": lambda: gaps(store), "old": lambda: gaps_d324ff5.gaps(store)}
    wall: dict[str, list[float]] = {"new": [], "old": []}
    cpu: dict[str, list[float]] = {"new": [], "old": []}
    with cache.disabled():
        answers = {k: fn() for k, fn in fns.items()}
        for i in range(n):
            for k in (("new", "old") if i % 2 == 0 else ("old", "new")):
                gc.collect()
                c0, t0 = time.process_time(), time.perf_counter()
                fns[k]()
                wall[k].append(time.perf_counter() - t0)
                cpu[k].append(time.process_time() - c0)
    med = {k: statistics.median(v) for k, v in wall.items()}
    return {"rows": len(answers["new"]), **summary(wall["new"]),
            "cpu_median_s": round(statistics.median(cpu["new"]), 4),
            "baseline": {**summary(wall["old"]),
                         "cpu_median_s": round(statistics.median(cpu["old"]), 4)},
            "speedup": ratio(med["old"], med["new"]),
            "cpu_speedup": ratio(statistics.median(cpu["old"]), statistics.median(cpu["new"])),
            "identical_to_d324ff5": identical(answers["new"], answers["old"])}


def load_into(path: Path, stores: list[GraphStore], part_size: int,
              bulk: bool = False) -> dict[str, Any]:
    """Read, validate and write ``path`` into every store (as bench_analyses.py does); with
    ``bulk``, Neo4j gets ``path`` by :func:`bulk_into` instead."""
    schema = load_schema()
    read_s, d = timed(lambda: read_sources([path], schema))
    check_references(d, MemoryStore(None, schema=schema))
    if d.problems:
        raise RuntimeError(f"{path} has {len(d.problems)} problems, e.g. {d.problems[0]}")
    info: dict[str, Any] = {"nodes": d.changes.node_count,
                            "relationships": d.changes.rel_count, "read_validate_s": read_s}
    for store in stores:
        if bulk and store.name == "neo4j":
            continue
        store.clear()
        node_s, rel_s = apply_in_parts(
            store, split_changes(d.changes, part_size if store.name == "neo4j" else 0))
        info[f"{store.name}_apply_s"] = round(node_s + rel_s, 2)
        print(f"{path.name} into {store.name}: {node_s + rel_s:.1f} s", flush=True)
    del d
    gc.collect()
    for store in stores:
        if bulk and store.name == "neo4j":
            info["neo4j_bulk"] = bulk_into(path, store)
    return info


def bulk_into(path: Path, store: GraphStore) -> dict[str, Any]:
    """``path`` into an emptied Neo4j as a first load through the bulk path (``pipeline.load``:
    read, resolve, check, then the import tool); seconds whole and the import's nodes/s."""
    settings = getattr(store, "settings", None)
    if settings is None:
        raise SystemExit("--neo4j-bulk needs a Neo4j store connected with its settings")
    store.clear()
    store.settings = settings.model_copy(update={"neo4j_bulk_rows": 1})  # type: ignore[attr-defined]
    try:
        print(f"{path.name} into neo4j through the bulk path …", flush=True)
        took, _ = timed(lambda: load([path], store))
    finally:
        store.settings = settings  # type: ignore[attr-defined]
    bulk = getattr(store, "last_bulk", None)
    if bulk is None:
        raise SystemExit("the bulk path was not taken; see the log")
    store.last_bulk = None  # type: ignore[attr-defined]
    parts = {k: round(v, 3) for k, v in dataclasses.asdict(bulk).items() if k.endswith("_s")}
    print(f"{path.name} into neo4j (bulk): {took:.1f} s, import {bulk.import_s:.1f} s", flush=True)
    return {"whole_s": round(took, 2), "nodes": bulk.nodes, "relationships": bulk.relationships,
            **parts, "nodes_per_s_import": rate(bulk.nodes, bulk.import_s),
            "rels_per_s_import": rate(bulk.relationships, bulk.import_s),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


# -- the web pages -------------------------------------------------------------------------------
PAGES = ("/gaps", "/chains/{chain}", "/candidates/{link}", "/targets", "/clusters",
         "/bulletin/{period}", "/api/v1/dashboard")


def pages(store: MemoryStore, link: str, n: int, folder: Path) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from tupu.api.app import create_app
    from tupu.api.deps import get_store
    from tupu.api.queries.monitoring import periods
    from tupu.settings import load_settings

    token = "analyst-token-0123456789"
    settings = load_settings(data_dir=folder, store="memory", api_tokens={token: "analyst"},
                             env="development")
    web = create_app(settings)
    web.dependency_overrides[get_store] = lambda: store
    client = TestClient(web, headers={"Authorization": f"Bearer {token}"})
    chain = str(gaps(store).iloc[0]["chain"])
    period = periods(store)[0]
    out: dict[str, Any] = {}
    for page in PAGES:
        url = page.format(chain=chain, link=link, period=period)
        print(f"page {url}: {n} runs …", flush=True)

        def get(url: str = url) -> int:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            return len(response.content)

        with cache.disabled():  # baseline: every request computes its analyses afresh
            base_seconds, _ = runs(get, n)
            base = with_cpu(base_seconds)
        seconds, size = runs(get, n)  # kept per version of the data (warm-up run included)
        now = with_cpu(seconds)
        out[page] = {"url": url, "bytes": size, **now, "baseline": base,
                     "speedup": ratio(base["median_s"], now["median_s"])}
    return out


# -- a delivery into the big pool ----------------------------------------------------------------
def uscc(serial: int) -> str:
    first17 = f"91320585{serial:09d}"
    return first17 + check_character(first17)


def delivery_folder(folder: Path, count: int) -> Path:
    """``count`` new local enterprises with credit codes, sub-sectors and places, as a data
    administrator's delivery (canonical CSV)."""
    out = folder / f"delivery-{count}"
    (out / "nodes").mkdir(parents=True, exist_ok=True)
    (out / "relationships").mkdir(parents=True, exist_ok=True)
    (out / "dataset.yaml").write_text(
        "name: 基准测试交付（虚构数据）\ncity: 太仓市\nfictional: true\nnotice: 虚构数据。\n",
        encoding="utf-8")
    codes = [uscc(900_000_000 + i) for i in range(count)]
    rows = ["id,name,province,city,annual_revenue,employees,above_scale,founded"]
    rows += [f"{c},太仓基准测试文化科技第{i}有限公司,江苏省,苏州市,{100 + i},{10 + i},false,2020-01-01"
             for i, c in enumerate(codes)]
    (out / "nodes" / "Enterprise.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    subs = ["start,end,primary"] + [f"{c},0110,true" for c in codes]
    (out / "relationships" / "IN_SUBSECTOR.csv").write_text("\n".join(subs) + "\n",
                                                             encoding="utf-8")
    return out


def delivery(store: GraphStore, folder: Path) -> dict[str, Any]:
    print(f"delivery of {folder.name} into {store.name} …", flush=True)
    took, report = timed(lambda: load([folder], store))
    return {"seconds": round(took, 3), "nodes": report.nodes}


@contextlib.contextmanager
def no_neo4j() -> Iterator[tuple[None, dict[str, Any]]]:
    yield None, {"mode": "none"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--outside", type=int, default=200_000, help="outside pool (0: none)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (median)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="timed baseline runs")
    parser.add_argument("--big-baseline", action="store_true",
                        help="also time the baseline over the big pool (slow: gaps reads every "
                             "member of every link)")
    parser.add_argument("--delivery", type=int, default=100, help="enterprises delivered")
    parser.add_argument("--neo4j", choices=["configured", "private", "none"],
                        default="configured")
    parser.add_argument("--part-size", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-pages", dest="pages", action="store_false",
                        help="skip the web pages")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--neo4j-bulk", action="store_true",
                        help="load the big pool into Neo4j through the bulk path (import tool) "
                             "instead of MERGE in parts; needs the bundled server of the settings")
    parser.add_argument("--gaps-before", action="store_true",
                        help="also time gaps on the sample city against their code of d324ff5 "
                             "(benchmarks/legacy/gaps_d324ff5.py: frames and merges), --repeat "
                             "runs each, answers checked identical")
    parser.add_argument("--chain-counts-before", action="store_true",
                        help="also time candidates over the big pool with ParkContext."
                             "chain_counts as before it read local_members only (legacy copy)")
    args = parser.parse_args(argv)

    payload: dict[str, Any] = {"benchmark": "queries", "command": " ".join(sys.argv),
                               "args": {k: str(v) for k, v in vars(args).items()},
                               "machine": machine_info(),
                               "baseline": "benchmarks/legacy: the analyses before the named "
                                           "graph queries, same run, same stores"}
    rows: list[dict[str, Any]] = []
    target = args.json or RESULTS / f"queries-outside{args.outside}.json"
    bench = neo4j_for_bench(args.neo4j) if args.neo4j != "none" else no_neo4j()
    with workdir(args.workdir) as wd, bench as (neo, neo_info):
        payload["neo4j"] = neo_info
        mem = MemoryStore(None)
        stores: list[GraphStore] = [mem] + ([neo] if neo is not None else [])
        print("\n== sample city", flush=True)
        payload["sample_load"] = load_into(SAMPLE, stores, args.part_size)
        link = str(gaps(mem).iloc[0]["link"])
        sample: dict[str, Any] = {"link": link}
        answers: dict[str, dict[str, pd.DataFrame]] = {}
        for store in stores:
            g = compare("gaps sample", store, gaps, legacy_gaps.gaps, args.repeat,
                        args.baseline_repeat, args.profile)
            c = compare("candidates sample", store, lambda s: candidates(s, link, LIMIT),
                        lambda s: legacy_candidates.candidates(s, link, LIMIT), args.repeat,
                        args.baseline_repeat, args.profile)
            answers[store.name] = {"gaps": g.pop("answer"), "candidates": c.pop("answer")}
            sample[store.name] = {"gaps": g, "candidates": c}
            rows += [_row("gaps, sample city", store.name, g),
                     _row("candidates, sample city", store.name, c)]
            if args.gaps_before:
                b = gaps_vs_before(store, args.repeat)
                sample[store.name]["gaps_vs_d324ff5"] = b
                rows.append({"what": "gaps, sample city (baseline d324ff5, interleaved)",
                             "store": store.name, "median_s": b["median_s"],
                             "cpu_s": b["cpu_median_s"],
                             "baseline_s": b["baseline"]["median_s"],
                             "base_cpu_s": b["baseline"]["cpu_median_s"],
                             "speedup": b["speedup"], "same": b["identical_to_d324ff5"]})
        if neo is not None:
            sample["neo4j_same_as_memory"] = {
                k: same(answers["memory"][k], answers["neo4j"][k]) for k in answers["memory"]}
        payload["sample"] = sample
        if args.pages:
            payload["pages"] = pages(mem, link, args.repeat, wd / "web")
            for page, r in payload["pages"].items():
                rows.append(_row(f"page {page}", "memory", r))
        write_json(target, payload)  # what is measured so far

        if args.outside > 0:
            print(f"\n== outside pool of {args.outside:,}", flush=True)
            path, gen_s = generate(args.outside, wd)
            big: dict[str, Any] = {"outside": args.outside, "generate_s": gen_s,
                                   "load": load_into(path, stores, args.part_size,
                                                     args.neo4j_bulk)}
            base_n = args.baseline_repeat if args.big_baseline else 0
            answers = {}
            for store in stores:
                c = compare(f"candidates {args.outside}", store,
                            lambda s: candidates(s, link, LIMIT),
                            lambda s: legacy_candidates.candidates(s, link, LIMIT),
                            args.repeat, args.baseline_repeat, args.profile)
                g = compare(f"gaps {args.outside}", store, gaps, legacy_gaps.gaps, args.repeat,
                            base_n, args.profile)
                answers[store.name] = {"gaps": g.pop("answer"), "candidates": c.pop("answer")}
                if args.chain_counts_before:
                    with legacy_chain_counts.patched():
                        before = compare(f"candidates {args.outside} chain_counts-before",
                                         store, lambda s: candidates(s, link, LIMIT), None,
                                         args.repeat, 0, args.profile)
                    c["chain_counts_before"] = {
                        k: v for k, v in before.items() if k != "answer"}
                    c["chain_counts_before"]["same_answer"] = same(
                        before["answer"], answers[store.name]["candidates"])
                    c["speedup_vs_chain_counts_before"] = ratio(before["median_s"],
                                                                c["median_s"])
                    rows.append(_row(f"candidates, {args.outside:,} pool, chain_counts before",
                                     store.name, before))
                g["ratio_to_sample"] = ratio(g["median_s"],
                                             sample[store.name]["gaps"]["median_s"])
                big[store.name] = {"candidates": c, "gaps": g}
                rows += [_row(f"candidates, {args.outside:,} pool", store.name, c),
                         _row(f"gaps, {args.outside:,} pool", store.name, g)]
                payload["big"] = big
                write_json(target, payload)
            if neo is not None:
                big["neo4j_same_as_memory"] = {
                    k: same(answers["memory"][k], answers["neo4j"][k]) for k in answers["memory"]}
            folder = delivery_folder(wd, args.delivery)
            for store in stores:
                d = delivery(store, folder)
                d["loadavg"] = [round(x, 2) for x in os.getloadavg()]
                big[store.name]["delivery"] = d
                rows.append({"what": f"delivery of {args.delivery}, {args.outside:,} pool (1 run)",
                             "store": store.name, "median_s": d["seconds"]})
            payload["big"] = big
            for store in stores:
                store.clear()
    payload["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print_table(rows, ["what", "store", "median_s", "cpu_s", "baseline_s", "base_cpu_s",
                       "speedup", "same"], left=("what", "store"))
    print(f"\nwritten {write_json(target, payload)}")
    return 0


def _row(what: str, store: str, r: dict[str, Any]) -> dict[str, Any]:
    b = r.get("baseline", {})
    return {"what": what, "store": store, "median_s": r["median_s"],
            "cpu_s": r.get("cpu_median_s"), "baseline_s": b.get("median_s"),
            "base_cpu_s": b.get("cpu_median_s"), "speedup": r.get("speedup"),
            "same": r.get("same_as_baseline")}


if __name__ == "__main__":
    start = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - start:.0f} s)")
    sys.exit(code)
