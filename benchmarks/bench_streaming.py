"""Streaming loads of a large CSV export: peak memory and throughput.

Generates a registry-style export (``企业名录``: Chinese headers, a title row, GBK or UTF-8) of
``--mb`` megabytes with valid 统一社会信用代码, then measures, each in a fresh subprocess so that
peak memory (``ru_maxrss``) belongs to that step alone:

- ``stream``: the bounded streaming reader (:func:`tupu.loaders.csvtable.open_csv_rows` with its
  limits and control-character checks) iterating every row — what every CSV load does first;
- ``whole``: the baseline, the same file read whole into memory and split by ``csv.reader``
  (what a reader that is not streamed costs);
- ``load``: ``tupu load --dry-run`` of an export of each ``--load-mb`` size (reading, validating,
  resolving; nothing written) and ``tupu load`` of it into a fresh memory store (written and
  persisted) — its memory grows with the rows it keeps to write all or nothing;
- ``--baseline REV``: the same load steps with the code of git revision ``REV`` (e.g. ``integ``),
  in the same run: the revision is unpacked (``git archive``) into the work folder and imported
  from there instead of this checkout;
- ``--trace-mb``: one in-process load of an export of that size under :mod:`tracemalloc`: the
  loader's peak traced memory per row (dry run), and what the written graph itself costs per
  enterprise in the memory store (traced memory after the load, the delivery freed).

Run: ``.venv/bin/python benchmarks/bench_streaming.py [--mb 200] [--load-mb 10 50]
[--baseline integ] [--trace-mb 2]``; the figures go to
``benchmarks/results/streaming-<mb>mb.json`` and benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
sys.path.insert(0, str(REPO / "benchmarks"))
from benchlib import UNINSTALLED, baseline_tree  # noqa: E402

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



LOAD = UNINSTALLED + """
import resource, sys, time
from tupu.api.cli import main
import tupu.loaders
assert tupu.loaders.__file__.startswith(sys.argv[3]), tupu.loaders.__file__
t0 = time.perf_counter()
code = main(["load", sys.argv[1]] + (["--dry-run"] if sys.argv[2] == "dry" else []))
print(code, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      file=sys.stderr)
"""


def prepare_data(data_dir: Path, env: dict[str, str]) -> None:
    """A fresh memory store under ``data_dir`` holding only the taxonomy and one town."""
    shutil.rmtree(data_dir, ignore_errors=True)
    base = data_dir.parent / "base"
    (base / "nodes").mkdir(parents=True, exist_ok=True)
    (base / "dataset.yaml").write_text(
        "name: 基准（虚构）\nfictional: true\ninclude:\n  - taxonomy: culture-2018\n",
        encoding="utf-8")
    (base / "nodes" / "Town.csv").write_text("id,name,kind,city\nt1,基准镇,town,基准市\n",
                                             encoding="utf-8")
    code_dir = env.get("PYTHONPATH", str(REPO))
    subprocess.run([sys.executable, "-c", UNINSTALLED + "from tupu.api.cli import main\n"
                    "sys.exit(main(['load', sys.argv[1]]))", str(base), "-", code_dir, str(REPO)],
                   env=env, check=True, capture_output=True, cwd=data_dir.parent)


def run_load(path: Path, work: Path, mode: str, tree: Path | None = None) -> dict[str, object]:
    """``tupu load`` (``mode``: ``dry`` for ``--dry-run``, ``write``) of ``path`` in a fresh
    process, into a memory store holding the taxonomy; ``tree``: the code to run (None: this
    checkout)."""
    data_dir = work / ("data" if tree is None else f"data-{tree.name}")
    env = {**os.environ, "TUPU_DATA_DIR": str(data_dir), "TUPU_STORE": "memory"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    prepare_data(data_dir, env)
    code_dir = str(tree if tree is not None else REPO)
    proc = subprocess.run([sys.executable, "-c", LOAD, str(path), mode, code_dir, str(REPO)], env=env,
                          capture_output=True, text=True, cwd=work)
    try:
        code, seconds, maxrss_kb = proc.stderr.split()[-3:]
        result: dict[str, object] = {"exit": int(code), "seconds": round(float(seconds), 2),
                                     "peak_mb": round(int(maxrss_kb) / 1024, 1)}
    except ValueError:
        raise SystemExit(f"load failed: {proc.stderr[-2000:]}") from None
    if result["exit"] != 0:
        raise SystemExit(f"load exited {result['exit']}: {proc.stderr[-2000:]}")
    return result


TRACE = UNINSTALLED + """
import gc, json, os, sys, time, tracemalloc
from pathlib import Path
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.pipeline import load
store = MemoryStore(None)
load([Path(sys.argv[2])], store)
gc.collect()
tracemalloc.start()
t0 = time.perf_counter()
report = load([Path(sys.argv[1])], store, dry_run=True)
dry_seconds = time.perf_counter() - t0
gc.collect()
_, dry_peak = tracemalloc.get_traced_memory()
tracemalloc.reset_peak()
before, _ = tracemalloc.get_traced_memory()
load([Path(sys.argv[1])], store)
gc.collect()
after, write_peak = tracemalloc.get_traced_memory()
rows = report.nodes["Enterprise"]
print(json.dumps({"rows": rows, "dry_seconds_traced": round(dry_seconds, 2),
                  "dry_peak_traced_mb": round(dry_peak / 1e6, 1),
                  "dry_peak_bytes_per_row": round(dry_peak / rows),
                  "write_peak_above_graph_bytes_per_row": round((write_peak - after) / rows),
                  "graph_bytes_per_enterprise": round((after - before) / rows)}))
"""


def run_trace(path: Path, work: Path, tree: Path | None = None) -> dict[str, object]:
    """The loader's traced peak per row and the memory graph's cost per enterprise (one process,
    :mod:`tracemalloc`); ``tree``: the code to run (None: this checkout)."""
    data_dir = work / ("data-trace" if tree is None else f"data-trace-{tree.name}")
    env = {**os.environ, "TUPU_DATA_DIR": str(data_dir), "TUPU_STORE": "memory"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    prepare_data(data_dir, env)
    code_dir = str(tree if tree is not None else REPO)
    proc = subprocess.run([sys.executable, "-c", TRACE, str(path), str(work / "base"), code_dir,
                           str(REPO)], env=env, capture_output=True, text=True, cwd=work)
    if proc.returncode != 0:
        raise SystemExit(f"trace failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=200, help="size of the CSV streamed (MB)")
    ap.add_argument("--load-mb", type=float, nargs="*", default=[],
                    help="also run `tupu load` (--dry-run, and written) on CSVs of these sizes (MB)")
    ap.add_argument("--dry-only", action="store_true",
                    help="with --load-mb: only the dry runs (no written load)")
    ap.add_argument("--baseline", default="",
                    help="git revision whose code runs the same load steps (e.g. integ)")
    ap.add_argument("--trace-mb", type=float, default=0,
                    help="traced (tracemalloc) load of a CSV of this size (MB); 0: skip")
    ap.add_argument("--no-stream", action="store_true",
                    help="skip the stream/whole reading steps (only the load steps)")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tupu-bench-stream-"))
    work.mkdir(parents=True, exist_ok=True)
    head = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO,
                          capture_output=True, text=True).stdout.strip()
    result: dict[str, object] = {"command": " ".join(sys.argv), "code": head}
    if not args.no_stream:
        big = work / f"外地企业名录-{args.mb:g}mb.csv"
        if not big.exists():
            t0 = time.perf_counter()
            generate(big, args.mb)
            print(f"generated {big.name} ({big.stat().st_size / 1e6:.0f} MB) in "
                  f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
        size_mb = big.stat().st_size / 1e6
        result["file_mb"] = round(size_mb, 1)
        for name, script in (("stream", STREAM), ("whole", WHOLE)):
            r = run_script(script, big)
            r["mb_per_s"] = round(size_mb / r["seconds"], 1)
            r["rows_per_s"] = round(r["rows"] / r["seconds"])
            result[name] = r
            print(name, r, file=sys.stderr)
    tree = baseline_tree(args.baseline, work) if args.baseline else None
    for mb in args.load_mb:
        small = work / f"外地企业名录-{mb:g}mb.csv"
        if not small.exists():
            generate(small, mb)
        runs: dict[str, object] = {"file_mb": round(small.stat().st_size / 1e6, 1)}
        for mode in ("dry",) if args.dry_only else ("dry", "write"):
            for name, code in (("after", None), ("baseline", tree)):
                if name == "baseline" and code is None:
                    continue
                r = run_load(small, work, mode, code)
                runs[f"{mode}_{name}"] = r
                print("load", mb, mode, name, r, file=sys.stderr)
            if tree is not None:
                a, b = runs[f"{mode}_after"], runs[f"{mode}_baseline"]
                assert isinstance(a, dict) and isinstance(b, dict)
                runs[f"{mode}_peak_ratio"] = round(a["peak_mb"] / b["peak_mb"], 3)
                runs[f"{mode}_seconds_ratio"] = round(a["seconds"] / b["seconds"], 3)
        result[f"load_{mb:g}mb"] = runs
    if args.trace_mb:
        small = work / f"外地企业名录-{args.trace_mb:g}mb.csv"
        if not small.exists():
            generate(small, args.trace_mb)
        result["trace"] = run_trace(small, work)
        print("trace", result["trace"], file=sys.stderr)
        if tree is not None:
            result["trace_baseline"] = run_trace(small, work, tree)
            print("trace baseline", result["trace_baseline"], file=sys.stderr)
    if args.baseline:
        result["baseline"] = args.baseline
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.no_stream:
        out = RESULTS / f"streaming-{args.mb:g}mb.json"
    elif args.load_mb:
        out = RESULTS / ("streaming-load-" + "-".join(f"{mb:g}" for mb in args.load_mb) + "mb"
                         + ("-dry" if args.dry_only else "") + ".json")
    else:
        out = RESULTS / f"streaming-trace-{args.trace_mb:g}mb.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
