"""Streaming loads of a large CSV export: peak memory and throughput.

Generates a registry-style export (``企业名录``: Chinese headers, a title row, GBK or UTF-8) of
``--mb`` megabytes with valid 统一社会信用代码, then measures, each in a fresh subprocess so that
peak memory (``ru_maxrss``) belongs to that step alone:

- ``stream``: the bounded streaming reader (:func:`tupu.loaders.csvtable.open_csv_rows` with its
  limits and control-character checks) iterating every row — what every CSV load does first;
- ``whole``: the baseline, the same file read whole into memory and split by ``csv.reader``
  (what a reader that is not streamed costs);
- ``load``: ``tupu load --dry-run`` of the file (reading, validating, resolving; nothing written) —
  the figure the issue quoted; its memory grows with the rows it keeps to write all or nothing.

Run: ``.venv/bin/python benchmarks/bench_streaming.py [--mb 200] [--load-mb 50]``; the figures
go to ``benchmarks/results/streaming-<mb>mb.json`` and benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path.insert(0, str(REPO / "benchmarks"))

HEADER = ("单位详细名称,统一社会信用代码,简称,省份,城市,成立日期,注册资本(千元),营业收入(万元),"
          "从业人员,是否上市,是否独角兽,是否全国文化企业30强,是否规上,经营范围,文化产业分类代码,所在地区")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
WORDS = "影视 动漫 游戏 出版 印刷 设计 演艺 文旅 传媒 数字 创意 广告 会展 工艺 装备".split()
CITIES = "上海市 苏州市 南京市 杭州市 北京市 深圳市 成都市 武汉市".split()
CODES = ("0241", "0110", "0131", "0211", "0231", "0251", "0311")


def uscc(n: int) -> str:
    first = "913205" + f"{n:011d}"[-11:]
    first17 = first[:17]
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def generate(path: Path, megabytes: float, encoding: str = "utf-8", seed: int = 7) -> int:
    """Write a fictional registry export of about ``megabytes`` MB; returns its data rows."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    rows = 0
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write("外地文化企业名录（虚构基准数据）\n" + HEADER + "\n")
        while f.tell() < target:
            lines = []
            for _ in range(1000):
                rows += 1
                w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
                city = rng.choice(CITIES)
                lines.append(
                    f"{city[:2]}{w1}{w2}{rows}文化有限公司,{uscc(rows)},{w1}{rows},"
                    f"{'上海市' if city == '上海市' else '江苏省'},{city},"
                    f"20{rng.randint(0, 23):02d}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日,"
                    f"{rng.randint(100, 99999)},{rng.randint(100, 99999)},{rng.randint(5, 900)},"
                    f"否,否,否,{rng.choice('是否')},{w1}{w2}相关业务；技术开发、技术咨询、技术服务,"
                    f"{rng.choice(CODES)},\n")
            f.write("".join(lines))
    return rows


STREAM = """
import sys, time, resource
from tupu.loaders.csvtable import open_csv_rows
t0 = time.perf_counter(); rows = 0
with open(sys.argv[1], "rb") as f:
    for _ in open_csv_rows(f).rows:
        rows += 1
print(rows, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

WHOLE = """
import csv, sys, time, resource
t0 = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    text = f.read().decode("utf-8")
rows = list(csv.reader(text.splitlines()))
print(len(rows), time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_script(script: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", script, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    rows, seconds, maxrss_kb = int(out[0]), float(out[1]), int(out[2])
    return {"rows": rows, "seconds": round(seconds, 2), "peak_mb": round(maxrss_kb / 1024, 1)}


LOAD = """
import resource, sys, time
from tupu.api.cli import main
t0 = time.perf_counter()
code = main(["load", sys.argv[1], "--dry-run"])
print(code, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      file=sys.stderr)
"""


def run_load(path: Path, data_dir: Path) -> dict[str, object]:
    """``tupu load --dry-run`` of ``path`` in a fresh process, the taxonomy loaded before."""
    env = {**os.environ, "TUPU_DATA_DIR": str(data_dir), "TUPU_STORE": "memory"}
    base = data_dir.parent / "base"
    (base / "nodes").mkdir(parents=True, exist_ok=True)
    (base / "dataset.yaml").write_text(
        "name: 基准（虚构）\nfictional: true\ninclude:\n  - taxonomy: culture-2018\n",
        encoding="utf-8")
    (base / "nodes" / "Town.csv").write_text("id,name,kind,city\nt1,基准镇,town,基准市\n",
                                             encoding="utf-8")
    tupu = Path(sys.executable).parent / "tupu"
    subprocess.run([str(tupu), "load", str(base)], env=env, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-c", LOAD, str(path)], env=env,
                          capture_output=True, text=True)
    code, seconds, maxrss_kb = proc.stderr.split()[-3:]
    return {"exit": int(code), "seconds": round(float(seconds), 2),
            "peak_mb": round(int(maxrss_kb) / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=200, help="size of the CSV streamed (MB)")
    ap.add_argument("--load-mb", type=float, default=0,
                    help="also run `tupu load --dry-run` on a CSV of this size (MB); 0: skip")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tupu-bench-stream-"))
    work.mkdir(parents=True, exist_ok=True)
    big = work / f"外地企业名录-{args.mb:g}mb.csv"
    if not big.exists():
        t0 = time.perf_counter()
        generate(big, args.mb)
        print(f"generated {big.name} ({big.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    size_mb = big.stat().st_size / 1e6
    result: dict[str, object] = {"file_mb": round(size_mb, 1), "command": " ".join(sys.argv)}
    for name, script in (("stream", STREAM), ("whole", WHOLE)):
        r = run_script(script, big)
        r["mb_per_s"] = round(size_mb / r["seconds"], 1)
        r["rows_per_s"] = round(r["rows"] / r["seconds"])
        result[name] = r
        print(name, r, file=sys.stderr)
    if args.load_mb:
        small = work / f"外地企业名录-{args.load_mb:g}mb.csv"
        if not small.exists():
            generate(small, args.load_mb)
        r = run_load(small, work / "data")
        r["file_mb"] = round(small.stat().st_size / 1e6, 1)
        result["load_dry_run"] = r
        print("load", r, file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"streaming-{args.mb:g}mb.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
