#!/usr/bin/env python3
"""Candidates for one link over a big outside pool: the ranking against a baseline revision's,
in the same process on the same store.

Usage::

    .venv/bin/python benchmarks/bench_candidates.py --outside 200000 --baseline main \
        --snapshots /tmp/bc-snaps --workdir /tmp/bc-data

A city with ``--outside N`` enterprises is generated (``data/generate_sample.py``) and loaded into
a memory store once (kept as a snapshot in ``--snapshots`` and reused), then
``_candidates(store, link, limit)`` (``--link``, by default :data:`LINK`) — the computation behind ``tupu candidates`` and the
candidates pages, outside the per-version cache — is timed ``--repeat`` times, alternating with
the same function of ``graph/analyses/candidates.py`` and ``graph/analyses/matching.py`` (the park
ranking of the shown candidates) as they are at git revision ``--baseline`` (those two files
loaded from the revision; everything else they import is this checkout's, so the difference
measured is theirs). Both answers are checked equal. ``--store neo4j`` runs it on the Neo4j of
the settings (``TUPU_NEO4J_URI``…), which must hold the same city already (e.g. loaded by
``bench_queries.py --neo4j-bulk``). Medians of wall and CPU
seconds (this process) are printed and written to
``benchmarks/results/candidates-outside<N>[-<store>].json``; ``--profile`` adds a cProfile of the current
code's call (top 25 by cumulative time) to ``results/profile-candidates-outside<N>.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import io
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from benchlib import REPO, RESULTS, generate, machine_info, summary, workdir, write_json
from tupu.graph.analyses import cache
from tupu.graph.analyses import candidates as current
from tupu.graph.analyses.config import default_analysis_config
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.queries import GraphQueries, PoolMember
from tupu.graph.stores.store import GraphStore
from tupu.settings import load_settings
from tupu.graph.stores.snapshot import write_snapshot
from tupu.loaders.pipeline import load

LINK = "esports-games.publishing"
MATCHING = "tupu.graph.analyses.matching"


def baseline_module(rev: str, folder: Path, path: str, name: str) -> ModuleType:
    """The file ``path`` of git revision ``rev``, imported as the module ``name``."""
    source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=REPO,
                            check=True, capture_output=True).stdout
    file = folder / f"{name}.py"
    file.write_bytes(source)
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def matching_of(module: ModuleType | None) -> Iterator[None]:
    """``_candidates`` imports the park ranking when it runs: give it ``module``'s."""
    if module is None:
        yield
        return
    current = importlib.import_module(MATCHING)  # not imported yet when the pool was empty
    sys.modules[MATCHING] = module
    try:
        yield
    finally:
        sys.modules[MATCHING] = current


def serve_link_pool(cfg: Any) -> None:
    """Baselines before the ranked pool (``pool_top``) read the whole pool through the named
    query ``link_pool``, since replaced: answer it as it answered, with ``pool_top`` of every
    member (n None: no ranking, nothing left out)."""
    rule = current.property_score(cfg, [])

    def link_pool(self: GraphQueries, link: str) -> tuple[PoolMember, ...]:
        return self.pool_top(link, None, rule)

    if not hasattr(GraphQueries, "link_pool"):
        setattr(GraphQueries, "link_pool", link_pool)


def open_city(n_outside: int, data: Path, snapshots: Path | None) -> MemoryStore:
    """The memory store of the city with ``n_outside`` outside enterprises (from its kept
    snapshot when there is one)."""
    kept = snapshots / f"outside-{n_outside}.snapshot" if snapshots else None
    if kept is not None and kept.is_file():
        return MemoryStore(kept)
    folder, _ = generate(n_outside, data)
    store = MemoryStore(None)
    load([folder], store)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_snapshot(kept, store.graph, {})
    return store


def run_once(module: ModuleType, store: GraphStore, link: str, limit: int | None,
             matching: ModuleType | None = None) -> tuple[float, float, Any]:
    cfg = default_analysis_config()
    with matching_of(matching):
        c0, t0 = time.process_time(), time.perf_counter()
        df = module._candidates(store, link, limit, cfg.candidates, cfg.gaps, None)
        return time.perf_counter() - t0, time.process_time() - c0, df


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outside", type=int, default=200_000, help="outside enterprises")
    ap.add_argument("--baseline", default="main", help="git revision of the baseline module")
    ap.add_argument("--link", default=LINK, help="the chain link ranked")
    ap.add_argument("--limit", type=int, default=20, help="candidates shown")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each (median)")
    ap.add_argument("--snapshots", type=Path, default=None, help="keep/reuse the city's snapshot")
    ap.add_argument("--workdir", type=Path, default=None, help="where the city is generated")
    ap.add_argument("--profile", action="store_true", help="cProfile of one current call")
    ap.add_argument("--store", choices=("memory", "neo4j"), default="memory",
                    help="neo4j: the configured Neo4j, holding the city already")
    args = ap.parse_args()
    with workdir(args.workdir) as data, tempfile.TemporaryDirectory() as tmp, cache.disabled():
        baseline = baseline_module(args.baseline, Path(tmp), "graph/analyses/candidates.py",
                                   "baseline_candidates")
        old_matching = baseline_module(args.baseline, Path(tmp), "graph/analyses/matching.py",
                                       "baseline_matching")
        serve_link_pool(default_analysis_config().candidates)
        t0 = time.perf_counter()
        store: GraphStore
        if args.store == "neo4j":
            from tupu.graph.stores.neo4j_store import Neo4jStore

            store = Neo4jStore.connect(load_settings())
        else:
            store = open_city(args.outside, data, args.snapshots)
        opened = time.perf_counter() - t0
        runs: dict[str, dict[str, list[float]]] = {"current": {"wall": [], "cpu": []},
                                                   "baseline": {"wall": [], "cpu": []}}
        answers = {}
        for i in range(args.repeat + 1):  # the first round warms the indexes, untimed
            for name, module, parks in (("current", current, None),
                                        ("baseline", baseline, old_matching)):
                wall, cpu, df = run_once(module, store, args.link, args.limit, parks)
                answers[name] = df
                if i:
                    runs[name]["wall"].append(wall)
                    runs[name]["cpu"].append(cpu)
        same = answers["current"].equals(answers["baseline"])
        result: dict[str, Any] = {
            "benchmark": "candidates", "command": " ".join(sys.argv), "machine": machine_info(),
            "outside": args.outside, "store": args.store, "link": args.link, "limit": args.limit,
            "pool": len(store.queries().pool_top(
                args.link, None, current.property_score(default_analysis_config().candidates, []))),
            "open_s": round(opened, 2),
            "baseline_rev": args.baseline, "same": same,
        }
        for name in runs:
            result[name] = {**summary(runs[name]["wall"]), "cpu": summary(runs[name]["cpu"])}
        b, c = result["baseline"], result["current"]
        result["speedup_wall"] = round(b["median_s"] / c["median_s"], 2)
        result["speedup_cpu"] = round(b["cpu"]["median_s"] / c["cpu"]["median_s"], 2)
        suffix = ("" if args.store == "memory" else f"-{args.store}") + (
            "" if args.link == LINK else f"-{args.link}")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            run_once(current, store, args.link, args.limit)
            prof.disable()
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(25)
            (RESULTS / f"profile-candidates-outside{args.outside}{suffix}.txt").write_text(
                text.getvalue())
    out = write_json(RESULTS / f"candidates-outside{args.outside}{suffix}.json", result)
    print(f"pool {result['pool']:,} in {args.link}; current {c['median_s']} s ({c['cpu']['median_s']} "
          f"s CPU), baseline {b['median_s']} s ({b['cpu']['median_s']} s CPU): "
          f"{result['speedup_wall']}x ({result['speedup_cpu']}x by CPU); same={same}; {out}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
