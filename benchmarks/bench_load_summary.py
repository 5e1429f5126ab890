"""What the load summary and the period merge cost: ``tupu load`` of the sample city into the
memory store, first load and reload (every row already in the map: the summary compares each),
against the same load with those two steps switched off, in the same run.

    .venv/bin/python benchmarks/bench_load_summary.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders import pipeline

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _once(folder: Path, steps_on: bool) -> tuple[float, float]:
    saved = (pipeline.summarise, pipeline.merge_periods)
    if not steps_on:
        pipeline.summarise = lambda *a, **k: []  # type: ignore[assignment]
        pipeline.merge_periods = lambda *a, **k: 0  # type: ignore[assignment]
    try:
        store = MemoryStore(folder / "map.snapshot")
        first = _timed(lambda: pipeline.load([SAMPLE], store))
        again = _timed(lambda: pipeline.load([SAMPLE], store))
        return first, again
    finally:
        pipeline.summarise, pipeline.merge_periods = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for i in range(args.repeat):
        for on in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                runs[on].append(_once(Path(tmp), on))
    for phase, idx in (("first load", 0), ("reload", 1)):
        base = statistics.median(r[idx] for r in runs[False])
        with_steps = statistics.median(r[idx] for r in runs[True])
        print(f"{phase:10}  without summary/merge {base:6.2f} s   with {with_steps:6.2f} s   "
              f"ratio {with_steps / base:5.2f}")


if __name__ == "__main__":
    main()
