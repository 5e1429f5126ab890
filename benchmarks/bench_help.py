#!/usr/bin/env python3
"""``tupu --help``: wall-clock and CPU seconds of the whole process (issue 10.2's aim: ≤ 0.3 s).

Usage::

    .venv/bin/python benchmarks/bench_help.py --repeat 7

Runs ``.venv/bin/tupu --help`` ``--repeat`` times as a subprocess (output discarded), timing the
wall clock around each run and the child's CPU seconds (user + system, ``getrusage``). No
baseline: the aim is absolute; the load average is recorded, since on a shared machine the wall
clock includes waiting for other work. Written to ``benchmarks/results/cli-help.json``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import REPO, RESULTS, machine_info, summary, write_json


def one(tupu: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``tupu --help``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([str(tupu), "--help"], stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs (median)")
    parser.add_argument("--tupu", type=Path, default=REPO / ".venv" / "bin" / "tupu",
                        help="the tupu command to run")
    parser.add_argument("--json", type=Path, default=RESULTS / "cli-help.json")
    args = parser.parse_args(argv)
    payload: dict[str, Any] = {"benchmark": "cli-help", "command": " ".join(sys.argv),
                               "machine": machine_info()}
    runs = [one(args.tupu) for _ in range(args.repeat)]
    payload["wall"] = summary([w for w, _ in runs])
    payload["cpu"] = summary([c for _, c in runs])
    payload["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"tupu --help: median {payload['wall']['median_s']} s wall, "
          f"{payload['cpu']['median_s']} s CPU ({args.repeat} runs, load "
          f"{payload['machine']['loadavg_at_start'][0]})")
    print(f"written {write_json(args.json, payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
