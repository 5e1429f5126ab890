#!/usr/bin/env python3
"""``gaps`` on Neo4j: the sample city and a big pool already loaded, against d324ff5, in one run.

Usage::

    nice .venv/bin/python benchmarks/bench_gaps_neo4j.py \\
        --sample-uri bolt://127.0.0.1:7777 --big-uri bolt://127.0.0.1:7787 --repeat 7 --profile

- ``--sample-uri``: a Neo4j into which the sample city (``data/sample``) is loaded — its database
  is CLEARED first;
- ``--big-uri``: a Neo4j that already holds a city with a big outside pool (e.g. the million of
  "The million pool" in benchmarks/README.md); it is only read, except that connecting counts
  its sub-sector tallies once when it has none (a database written before them: the time of that
  first connect is reported).

``--resample`` brings the sample server's index statistics up to date after the load (see
:func:`resample`). Timed (medians of ``--repeat`` runs after ``--warmup`` untimed ones, the analyses' cache disabled): ``gaps``
over every chain (city scope) and ``link_member_counts`` of every link alone. Baseline, same run,
same servers, same data: the same calls with d324ff5's member counts and one session per read
patched in (``benchmarks/legacy/gaps_neo4j.py``). Every answer is checked equal to the baseline's,
and the sample's also to the memory store's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import (
    RESULTS,
    SAMPLE,
    cprofile,
    machine_info,
    print_table,
    ratio,
    same,
    summary,
    write_json,
)
from legacy import gaps_neo4j as legacy

from tupu.graph.analyses import cache
from tupu.graph.analyses.gaps import gaps
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores import cypher_tallies
from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.graph.stores.neo4j_store import Neo4jStore
from tupu.loaders.pipeline import load
from tupu.settings import load_settings


WARMUP = [1]
"""Untimed runs before the timed ones (``--warmup``)."""


def _runs(fn: Callable[[], Any], n: int) -> tuple[list[float], list[float], Any]:
    for _ in range(WARMUP[0]):
        answer = fn()
    wall, cpu = [], []
    for _ in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        answer = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu, answer


def _profile(fn: Callable[[], Any], name: str) -> str:
    return cprofile(fn, RESULTS / f"profile-gapsneo-{name}.txt", 35)


def measure(what: str, fn: Callable[[], Any], n: int, prof: bool) -> dict[str, Any]:
    """``fn`` as it is and with the baseline patched in, alternately per block of runs."""
    print(f"{what}: {n} runs, then {n} baseline runs …", flush=True)
    with cache.disabled():
        wall, cpu, answer = _runs(fn, n)
        with legacy.patched():
            bwall, bcpu, banswer = _runs(fn, n)
        out: dict[str, Any] = {
            **summary(wall), "cpu_median_s": round(sorted(cpu)[len(cpu) // 2], 4),
            "baseline": {**summary(bwall), "cpu_median_s": round(sorted(bcpu)[len(bcpu) // 2], 4)},
            "same_as_baseline": same(answer, banswer),
            "loadavg": [round(x, 2) for x in os.getloadavg()],
        }
        out["speedup"] = ratio(out["baseline"]["median_s"], out["median_s"])
        if prof:
            out["profile"] = _profile(fn, what.replace(" ", "-").replace(",", ""))
            with legacy.patched():
                out["baseline_profile"] = _profile(fn, what.replace(" ", "-") + "-baseline")
    out["answer"] = answer
    return out


def resample(store: Neo4jStore) -> None:
    """Bring the index statistics up to date after the load into a cleared database, as a
    server's background sampling eventually does: right after the load the planner still sees
    the indexes empty and scans ``Enterprise(id)`` for every key it seeks."""
    for query in ("CALL db.resampleOutdatedIndexes()", "CALL db.awaitIndexes(300)",
                  "CALL db.clearQueryCaches()"):
        store.driver.execute_query(query, database_=store.database)
    time.sleep(5)  # the resampling runs in the background


def new_enterprises(prefix: str, count: int, codes: list[str]) -> ChangeSet:
    """``count`` new enterprises, each in one to three of ``codes``, every tenth dead."""
    changes = ChangeSet()
    for i in range(count):
        key = f"{prefix}-{i:07d}"
        changes.add_node("Enterprise", {"id": key, "name": f"写入企业{prefix}{i}",
                                        **({"reg_status": "revoked"} if i % 10 == 0 else {})})
        for j in range(i % 3 + 1):
            code = codes[(i * 7 + j * 13) % len(codes)]
            changes.add_rel("IN_SUBSECTOR", "Enterprise", "SubSector", RelRow(key, code, {}))
    return changes


def writes(store: Neo4jStore, count: int, n: int) -> dict[str, Any]:
    """``apply`` of ``count`` new enterprises (one transaction), with the tallies kept and
    without (``legacy.untallied_writes``), alternately, ``n`` times each; the tallies are
    counted again afterwards and checked equal to what the kept writes left."""
    codes = sorted({code for _, code, _ in store.queries().chain_structure().covers})
    kept, bare = [], []
    for i in range(n):
        for label, seconds, patch in (("k", kept, None), ("b", bare, legacy.untallied_writes)):
            changes = new_enterprises(f"{label}{i}", count, codes)
            t0 = time.perf_counter()
            if patch is None:
                store.apply(changes)
            else:
                with patch():
                    store.apply(changes)
            seconds.append(time.perf_counter() - t0)
    out: dict[str, Any] = {**summary(kept), "baseline": summary(bare),
                           "loadavg": [round(x, 2) for x in os.getloadavg()]}
    out["ratio_to_baseline"] = ratio(out["median_s"], out["baseline"]["median_s"])
    store.driver.execute_query(cypher_tallies.drop(store.schema), database_=store.database)
    store.keep_tallies()
    return out


def connect(uri: str) -> tuple[Neo4jStore, float]:
    settings = load_settings(neo4j_uri=uri)
    t0 = time.perf_counter()
    store = Neo4jStore.connect(settings)  # counts the tallies once where there are none
    return store, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sample-uri", required=True, help="Neo4j for the sample (CLEARED)")
    parser.add_argument("--big-uri", default=None, help="Neo4j holding a big pool (read only)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before the timed")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--writes", type=int, default=0,
                        help="also time apply() of this many new enterprises into the sample "
                             "server, with the tallies and without (0: not)")
    parser.add_argument("--resample", action="store_true",
                        help="resample the sample server's index statistics after its load")
    parser.add_argument("--json", default=str(RESULTS / "gaps-neo4j.json"))
    args = parser.parse_args(argv)
    WARMUP[0] = max(1, args.warmup)
    payload: dict[str, Any] = {"benchmark": "gaps-neo4j", "command": " ".join(sys.argv),
                               "machine": machine_info(),
                               "baseline": "d324ff5's link_member_counts and one session per read "
                                           "(benchmarks/legacy/gaps_neo4j.py), same run"}
    rows: list[dict[str, Any]] = []
    sample, _ = connect(args.sample_uri)
    try:
        sample.clear()
        load([SAMPLE], sample)
        if args.resample:
            resample(sample)
        memory = MemoryStore(None)
        load([SAMPLE], memory)
        links = sorted({k for k, *_ in sample.queries().chain_structure().links})
        results = {
            "gaps, sample city": measure("gaps sample", lambda: gaps(sample), args.repeat,
                                         args.profile),
            "link_member_counts, sample city": measure(
                "counts sample", lambda: sample.queries().link_member_counts(links),
                args.repeat, False),
        }
        with cache.disabled():
            results["gaps, sample city"]["same_as_memory"] = same(
                results["gaps, sample city"]["answer"], gaps(memory))
        if args.writes:
            print(f"writes of {args.writes:,}: {args.repeat} runs and baseline runs …", flush=True)
            payload["writes"] = writes(sample, args.writes, args.repeat)
            w = payload["writes"]
            rows.append({"what": f"apply of {args.writes:,} new enterprises (sample city)",
                         "median_s": w["median_s"], "baseline_s": w["baseline"]["median_s"],
                         "speedup": ratio(w["baseline"]["median_s"], w["median_s"]),
                         "load": w["loadavg"][0]})
    finally:
        sample.close()
    if args.big_uri:
        big, connect_s = connect(args.big_uri)
        payload["big_connect_s"] = round(connect_s, 3)
        try:
            counts = big.count_nodes()
            payload["big_nodes"] = sum(counts.values())
            payload["big_enterprises"] = counts.get("Enterprise", 0)
            blinks = sorted({k for k, *_ in big.queries().chain_structure().links})
            results["gaps, big pool"] = measure("gaps big", lambda: gaps(big), args.repeat,
                                                args.profile)
            results["link_member_counts, big pool"] = measure(
                "counts big", lambda: big.queries().link_member_counts(blinks), args.repeat,
                False)
            big_r, sample_r = results["gaps, big pool"], results["gaps, sample city"]
            big_r["ratio_to_sample"] = ratio(big_r["median_s"], sample_r["median_s"])
            big_r["baseline"]["ratio_to_sample"] = ratio(big_r["baseline"]["median_s"],
                                                         sample_r["baseline"]["median_s"])
        finally:
            big.close()
    for what, r in results.items():
        r.pop("answer")
        rows.append({"what": what, "median_s": r["median_s"], "cpu_s": r["cpu_median_s"],
                     "baseline_s": r["baseline"]["median_s"],
                     "base_cpu_s": r["baseline"]["cpu_median_s"], "speedup": r["speedup"],
                     "same": r["same_as_baseline"], "load": r["loadavg"][0]})
    payload["results"] = results
    payload["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print_table(rows, ["what", "median_s", "cpu_s", "baseline_s", "base_cpu_s", "speedup",
                       "same", "load"], left=("what",))
    print(f"\nwritten {write_json(Path(args.json), payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
