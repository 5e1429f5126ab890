"""What splitting year-to-date figures costs: loading a 2025年1-6月 (cumulative) revenue file of N
enterprises whose first quarter is in the map, against the same file with the second quarter's own
figures (2025年4-6月, the baseline), measured in the same run on the memory store.

    .venv/bin/python benchmarks/bench_ytd.py [--rows 5000] [--repeat 3]

The enterprises and their first quarter are loaded once (an enterprise list with registry columns
and a ``2025年1-3月营业收入`` column); each timed load starts from a copy of that map. The figures
are fictional and generated here.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.pipeline import load
from tupu.loaders.uscc import check_character

def _code(serial: int) -> str:
    first17 = f"91320585{serial:09d}"
    return first17 + check_character(first17)


def _write(path: Path, header: str, rows: int, figure: int) -> Path:
    lines = [f"企业名称,统一社会信用代码,{header}"]
    lines += [f"虚构测试企业{i}有限公司,{_code(100000 + i)},{figure + i % 97}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _timed_load(base: Path, work: Path, file: Path) -> float:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    shutil.copy(base / "map.snapshot", work / "map.snapshot")
    store = MemoryStore(work / "map.snapshot")
    started = time.perf_counter()
    load([file], store)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base = root / "base"
        base.mkdir()
        store = MemoryStore(base / "map.snapshot")
        registry = root / "list.csv"  # 成立日期 is a registry column: enterprises are created
        lines = ["企业名称,统一社会信用代码,成立日期,2025年1-3月营业收入（万元）"]
        lines += [f"虚构测试企业{i}有限公司,{_code(100000 + i)},2019-01-01,{400 + i % 97}"
                  for i in range(args.rows)]
        registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
        load([registry], store)
        quarter = _write(root / "q2.csv", "2025年4-6月营业收入（万元）", args.rows, 500)
        ytd = _write(root / "h1.csv", "2025年1-6月营业收入（万元）", args.rows, 900)
        runs: dict[str, list[float]] = {"quarter": [], "ytd": []}
        for _ in range(args.repeat):
            runs["quarter"].append(_timed_load(base, root / "work", quarter))
            runs["ytd"].append(_timed_load(base, root / "work", ytd))
        q, y = statistics.median(runs["quarter"]), statistics.median(runs["ytd"])
        print(f"rows {args.rows}, repeat {args.repeat} (median seconds)")
        print(f"2025年4-6月 (the quarter's own, baseline)  {q:.3f}")
        print(f"2025年1-6月 (year to date, split)          {y:.3f}")
        print(f"ratio ytd / baseline                        {y / q:.2f}")


if __name__ == "__main__":
    main()
