#!/usr/bin/env python3
"""Candidates for one link over a big outside pool: the ranking against a baseline revision's,
in the same process on the same store.

Usage::

    .venv/bin/python benchmarks/bench_candidates.py --outside 200000 --baseline main \
        --snapshots /tmp/bc-snaps --workdir /tmp/bc-data

A city with ``--outside N`` enterprises is generated (``data/generate_sample.py``) and loaded into
a memory store once (kept as a snapshot in ``--snapshots`` and reused), then
``_candidates(store, LINK, limit)`` — the computation behind ``tupu candidates`` and the
candidates pages, outside the per-version cache — is timed ``--repeat`` times, alternating with
the same function of ``graph/analyses/candidates.py`` as it is at git revision ``--baseline``
(that one file loaded from the revision; everything it imports is this checkout's, so the
difference measured is that module's). Both answers are checked equal. Medians of wall and CPU
seconds (this process) are printed and written to
``benchmarks/results/candidates-outside<N>.json``; ``--profile`` adds a cProfile of the current
code's call (top 25 by cumulative time) to ``results/profile-candidates-outside<N>.txt``.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from benchlib import REPO, RESULTS, generate, machine_info, summary, workdir, write_json
from tupu.graph.analyses import cache
from tupu.graph.analyses import candidates as current
from tupu.graph.analyses.config import default_analysis_config
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.snapshot import write_snapshot
from tupu.loaders.pipeline import load

LINK = "esports-games.publishing"


def baseline_module(rev: str, folder: Path) -> ModuleType:
    """``graph/analyses/candidates.py`` of git revision ``rev``, imported as its own module."""
    source = subprocess.run(["git", "show", f"{rev}:graph/analyses/candidates.py"], cwd=REPO,
                            check=True, capture_output=True).stdout
    path = folder / "baseline_candidates.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("baseline_candidates", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


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


def run_once(module: ModuleType, store: MemoryStore, limit: int | None) -> tuple[float, float, Any]:
    cfg = default_analysis_config()
    c0, t0 = time.process_time(), time.perf_counter()
    df = module._candidates(store, LINK, limit, cfg.candidates, cfg.gaps, None)
    return time.perf_counter() - t0, time.process_time() - c0, df


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outside", type=int, default=200_000, help="outside enterprises")
    ap.add_argument("--baseline", default="main", help="git revision of the baseline module")
    ap.add_argument("--limit", type=int, default=20, help="candidates shown")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each (median)")
    ap.add_argument("--snapshots", type=Path, default=None, help="keep/reuse the city's snapshot")
    ap.add_argument("--workdir", type=Path, default=None, help="where the city is generated")
    ap.add_argument("--profile", action="store_true", help="cProfile of one current call")
    args = ap.parse_args()
    with workdir(args.workdir) as data, tempfile.TemporaryDirectory() as tmp, cache.disabled():
        baseline = baseline_module(args.baseline, Path(tmp))
        t0 = time.perf_counter()
        store = open_city(args.outside, data, args.snapshots)
        opened = time.perf_counter() - t0
        runs: dict[str, dict[str, list[float]]] = {"current": {"wall": [], "cpu": []},
                                                   "baseline": {"wall": [], "cpu": []}}
        answers = {}
        for i in range(args.repeat + 1):  # the first round warms the indexes, untimed
            for name, module in (("current", current), ("baseline", baseline)):
                wall, cpu, df = run_once(module, store, args.limit)
                answers[name] = df
                if i:
                    runs[name]["wall"].append(wall)
                    runs[name]["cpu"].append(cpu)
        same = answers["current"].equals(answers["baseline"])
        result: dict[str, Any] = {
            "benchmark": "candidates", "command": " ".join(sys.argv), "machine": machine_info(),
            "outside": args.outside, "link": LINK, "limit": args.limit,
            "pool": len(store.queries().link_pool(LINK)), "open_s": round(opened, 2),
            "baseline_rev": args.baseline, "same": same,
        }
        for name in runs:
            result[name] = {**summary(runs[name]["wall"]), "cpu": summary(runs[name]["cpu"])}
        b, c = result["baseline"], result["current"]
        result["speedup_wall"] = round(b["median_s"] / c["median_s"], 2)
        result["speedup_cpu"] = round(b["cpu"]["median_s"] / c["cpu"]["median_s"], 2)
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            run_once(current, store, args.limit)
            prof.disable()
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(25)
            (RESULTS / f"profile-candidates-outside{args.outside}.txt").write_text(text.getvalue())
    out = write_json(RESULTS / f"candidates-outside{args.outside}.json", result)
    print(f"pool {result['pool']:,} in {LINK}; current {c['median_s']} s ({c['cpu']['median_s']} "
          f"s CPU), baseline {b['median_s']} s ({b['cpu']['median_s']} s CPU): "
          f"{result['speedup_wall']}x ({result['speedup_cpu']}x by CPU); same={same}; {out}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
