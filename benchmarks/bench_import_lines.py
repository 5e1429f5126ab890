#!/usr/bin/env python3
"""What the import tool's line-break-tolerant parsing costs: the bulk path's CSV files imported
with ``--multiline-fields=true`` (as tupu runs it: every enterprise's ``name_forms`` holds line
breaks) against the same files with those line breaks replaced and the option off.

Usage::

    .venv/bin/python benchmarks/bench_import_lines.py --outside 200000 --repeat 3 --workdir /tmp/bil

The change set is the one ``tupu load`` builds (``bench_bulk.py``'s ``Capture``); the files are
``neo4j_bulk.write_files``'; each import runs ``neo4j_bulk.import_command``'s command line into a
private data folder under ``--workdir`` (no server is started). The two ways alternate; the
times are the tool's own (``IMPORT DONE in …``) and the process's. Results:
``benchmarks/results/import-lines-outside<N>.json``.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_bulk import Capture
from benchlib import RESULTS, generate, machine_info, workdir, write_json
from tupu.graph.stores import neo4j_bulk, neo4j_server
from tupu.loaders.pipeline import load
from tupu.ontology.schema import load_schema
from tupu.settings import Settings

DONE = re.compile(r"IMPORT DONE in (?:(\d+)m )?(?:(\d+)s )?(\d+)ms")


def tool_seconds(output: str) -> float | None:
    found = DONE.search(output)
    if found is None:
        return None
    m, s, ms = (int(x or 0) for x in found.groups())
    return m * 60 + s + ms / 1000


def without_line_breaks(src: Path, dst: Path) -> None:
    """``src``'s CSV with every line break inside a value replaced by U+001F (all values quoted,
    as ``neo4j_bulk`` writes them; an empty string, like an absent value, is written empty:
    a few more absent properties, no difference to the timing)."""
    with src.open(newline="", encoding="utf-8") as fi, dst.open("w", newline="",
                                                                 encoding="utf-8") as fo:
        for row in csv.reader(fi):
            fo.write(",".join('"' + c.replace("\n", "\x1f").replace('"', '""') + '"' if c else ""
                              for c in row) + "\n")


def run_import(settings: Settings, args: list[str], multiline: bool) -> tuple[float, float]:
    home = neo4j_server.server_home(settings)
    cmd, env = neo4j_bulk.import_command(settings, home, args, multiline)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    output = proc.stdout + proc.stderr
    tool = tool_seconds(output)
    if proc.returncode != 0 or tool is None:
        raise SystemExit(f"the import failed ({proc.returncode}):\n{output[-3000:]}")
    return tool, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outside", type=int, default=20_000, help="outside enterprises")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    with workdir(args.workdir) as wd:
        city, _ = generate(args.outside, wd)
        schema = load_schema()
        cap = Capture(schema)
        load([city], cap)
        files = {}
        for name in ("as-written", "no-breaks"):
            folder = wd / f"import-{name}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            files[name] = (folder, neo4j_bulk.write_files(folder, schema, cap.changes))
        plain_folder, plain_args = files["no-breaks"]
        for f in sorted(plain_folder.glob("*.csv")):  # the same files, line breaks replaced
            tmp = f.with_suffix(".tmp")
            without_line_breaks(f, tmp)
            tmp.replace(f)
        settings = Settings(data_dir=wd / "import-data")
        runs: dict[str, list[tuple[float, float]]] = {"as-written": [], "no-breaks": []}
        for _ in range(args.repeat):
            runs["as-written"].append(run_import(settings, files["as-written"][1], True))
            runs["no-breaks"].append(run_import(settings, plain_args, False))
            print(f"load average {os.getloadavg()[0]:.1f}: "
                  + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in runs.items()), flush=True)
        nodes = cap.changes.node_count
        out = {"outside": args.outside, "nodes": nodes, "rels": cap.changes.rel_count,
               "machine": machine_info(), "runs": runs}
        for name, r in runs.items():
            tool = statistics.median(t for t, _ in r)
            out[name] = {"tool_s": tool, "nodes_per_s": round(nodes / tool)}
            print(f"{name}: median {tool:.2f} s (the tool's), {nodes / tool:,.0f} nodes/s")
        print(f"ratio: {out['as-written']['tool_s'] / out['no-breaks']['tool_s']:.2f}×")
        write_json(RESULTS / f"import-lines-outside{args.outside}.json", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
