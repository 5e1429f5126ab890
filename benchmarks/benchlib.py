"""Helpers shared by the benchmarks (``bench_*.py``). Not a benchmark, and not a test.

- :func:`neo4j_for_bench`: a Neo4j to measure on: by default a private bundled server
  (``neo4j-server/``) in a temporary folder on a free port, started for the run and stopped after
  it, so a benchmark never clears a database that someone else uses;
- :func:`generate`: a city with an outside pool of N enterprises, by ``data/generate_sample.py``;
- :func:`split_changes`: a change set cut into parts of at most N elements, nodes before
  relationships and never both in one part, each part written by one ``GraphStore.apply``;
- :func:`baseline_tree`: the code of another git revision, unpacked to import from in a
  subprocess, so a benchmark measures it in the same run as this checkout;
- :class:`ScanAdjacentStore`: a store whose ``adjacent`` answers chosen relationship types by a
  full scan (``find_relationships``), the baseline of the analysis benchmarks;
- timing, machine facts, tables and JSON results.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib
import json
import os
import platform
import shutil
import tarfile
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tupu.graph.stores.model import (
    ChangeSet, Changes, Node, NodeRef, Relationship, Subgraph, WriteSummary,
)
from tupu.graph.stores.queries import GraphQueries
from tupu.graph.stores.store import GraphStore

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
SAMPLE = REPO / "data" / "sample"
GENERATOR = REPO / "data" / "generate_sample.py"

T = TypeVar("T")


# -- timing --------------------------------------------------------------------------------------
def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``fn()`` took (wall clock, perf_counter), and what it returned."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def repeat(fn: Callable[[], Any], n: int, warmup: int = 1) -> list[float]:
    """Seconds of ``n`` runs of ``fn`` after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    return [timed(fn)[0] for _ in range(n)]


def summary(seconds: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and every run, rounded (seconds)."""
    return {
        "median_s": round(statistics.median(seconds), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
        "runs_s": [round(s, 4) for s in seconds],
    }


class CpuClock:
    """CPU seconds used so far by this process and by the Neo4j server process (when its pid is
    known: the private server), so that a figure can be given per CPU-second as well as per
    wall-clock second: on a shared machine the wall clock includes waiting for other work."""

    def __init__(self, server_pid: int | None = None) -> None:
        self.server_pid = server_pid
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def server(self) -> float | None:
        if self.server_pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime

    def now(self) -> tuple[float, float | None]:
        return time.process_time(), self.server()

    def since(self, start: tuple[float, float | None]) -> dict[str, float | None]:
        client, server = self.now()
        return {
            "client_cpu_s": round(client - start[0], 3),
            "server_cpu_s": round(server - start[1], 3)
            if server is not None and start[1] is not None else None,
        }


CPU = CpuClock()


def rate(count: int, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


# -- machine -------------------------------------------------------------------------------------
def _first_line(cmd: Sequence[str]) -> str | None:
    try:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stdout or "") + (out.stderr or "")
    return text.strip().splitlines()[0] if text.strip() else None


def _mem_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    """What the figures were measured on (the Neo4j version is added by the caller)."""
    import neo4j

    try:  # the driver's optional Rust packer (neo4j-rust-ext)
        packer = importlib.import_module("neo4j._codec.packstream.v1")
        rust = getattr(packer, "_rust_pack", None) is not None
    except ImportError:
        rust = False
    return {
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "nproc": os.cpu_count(),
        "mem_total_gib": _mem_total_gib(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "java": _first_line(["java", "-version"]),
        "neo4j_driver": neo4j.__version__,
        "neo4j_rust_ext": rust,
    }


# -- Neo4j ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def neo4j_for_bench(mode: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A connected :class:`Neo4jStore` and facts about its server.

    ``private``: start the bundled server (``tupu neo4j start``'s code, with the heap and page
    cache of the settings: ``TUPU_NEO4J_HEAP``, ``TUPU_NEO4J_PAGECACHE``) in a new temporary
    folder on a free port; stop it and delete the folder at the end. ``configured``: the Neo4j the settings name (``TUPU_NEO4J_URI`` …) — it is cleared.
    """
    from tupu.graph.stores import neo4j_server
    from tupu.graph.stores.neo4j_store import Neo4jStore
    from tupu.settings import load_settings

    if mode == "configured":
        settings = load_settings()
        store = Neo4jStore.connect(settings)
        try:
            yield store, {"mode": mode, "uri": settings.neo4j_uri, "version": _version(store)}
        finally:
            store.close()
        return
    if mode != "private":
        raise ValueError(f"--neo4j must be private or configured, not {mode!r}")
    folder = Path(tempfile.mkdtemp(prefix="tupu-bench-neo4j-"))
    port = neo4j_server.free_port()
    settings = load_settings(
        data_dir=folder, neo4j_bolt_port=port, neo4j_uri=neo4j_server.bolt_uri(port)
    )
    print(f"starting a private Neo4j in {folder} on port {port} …", flush=True)
    info = neo4j_server.start(settings, timeout=600)  # a busy shared machine starts slowly
    try:
        store = Neo4jStore.connect(settings)
        CPU.server_pid = info.pid
        try:
            yield store, {
                "mode": mode, "uri": info.bolt_uri, "version": info.version,
                "heap": getattr(settings, "neo4j_heap", None),
                "page_cache": getattr(settings, "neo4j_pagecache", None),
                "start_s": round(info.seconds, 1),
            }
        finally:
            store.close()
            CPU.server_pid = None
    finally:
        neo4j_server.stop(settings)
        shutil.rmtree(folder, ignore_errors=True)


def _version(store: Any) -> str | None:
    with store.driver.session(database=store.database) as s:
        for rec in s.run("CALL dbms.components() YIELD name, versions RETURN name, versions"):
            if rec["name"] == "Neo4j Kernel":
                return str(rec["versions"][0])
    return None


# -- a baseline revision -------------------------------------------------------------------------
UNINSTALLED = """
import sys
if not sys.argv[3].startswith(sys.argv[4]):  # another tree: not the editable install of this one
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not getattr(f, "__module__", "").startswith("__editable___tupu")]
"""
"""Prefix of a ``python -c`` script run with ``argv[3]`` = the code tree it must import ``tupu``
from (through PYTHONPATH) and ``argv[4]`` = this checkout: drops the editable install's finder."""


def baseline_tree(rev: str, work: Path) -> Path:
    """The code of git revision ``rev``, unpacked under ``work`` and laid out as the installed
    package (``tupu.loaders`` → ``loaders/`` …, from its pyproject's package-dir), to import from
    through PYTHONPATH instead of this checkout."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=REPO,
                         check=True, capture_output=True, text=True).stdout.strip()
    tree = work / f"baseline-{sha[:10]}"
    if not (tree / "tupu" / "__init__.py").exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", "--format=tar", sha], cwd=REPO, check=True,
                                 capture_output=True).stdout
        tar_path = work / f"baseline-{sha[:10]}.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tree, filter="data")
        tar_path.unlink()
        dirs = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))[
            "tool"]["setuptools"]["package-dir"]
        for package in sorted(dirs, key=lambda p: p.count(".")):
            where = tree / package.replace(".", "/")
            if not where.exists():
                where.symlink_to((tree / dirs[package]).resolve(), target_is_directory=True)
    return tree


# -- data ----------------------------------------------------------------------------------------
def generate(n_outside: int, workdir: Path) -> tuple[Path, float | None]:
    """The city with an outside pool of ``n_outside`` in ``workdir``; seconds it took to generate
    (None when a folder made earlier with the same arguments was reused)."""
    out = workdir / f"outside-{n_outside}"
    marker = f"--outside {n_outside};"
    dataset = out / "dataset.yaml"
    if dataset.is_file() and marker in dataset.read_text(encoding="utf-8").splitlines()[0]:
        return out, None
    print(f"generating a city with {n_outside:,} outside enterprises in {out} …", flush=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--outside", str(n_outside)],
        check=True, stdout=subprocess.DEVNULL,
    )
    return out, time.perf_counter() - t0


@contextlib.contextmanager
def workdir(given: Path | None) -> Iterator[Path]:
    """``given`` (kept), or a temporary folder deleted at the end."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="tupu-bench-data-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def held(changes: Changes) -> ChangeSet:
    """``changes`` copied into memory: a load's change set over the spool size
    (``TUPU_LOAD_SPOOL_MB``) lives in a spool file removed when the load ends, so a benchmark that
    keeps it past ``apply`` copies it."""
    out = ChangeSet()
    for label, rows in changes.nodes.items():
        out.nodes[label] = list(rows)
    for group, rrows in changes.rels.items():
        out.rels[group] = list(rrows)
    return out


def split_changes(changes: ChangeSet, part_size: int) -> list[ChangeSet]:
    """``changes`` in parts of at most ``part_size`` elements (0: one part of nodes and one of
    relationships), in order: every node part before every relationship part, so each
    relationship's ends exist when its part is written."""
    size = part_size if part_size > 0 else max(changes.node_count, changes.rel_count, 1)
    parts: list[ChangeSet] = []
    current, filled = ChangeSet(), 0
    for label, rows in changes.nodes.items():
        for i in range(0, len(rows), size):
            chunk = rows[i : i + size]
            if filled and filled + len(chunk) > size:
                parts.append(current)
                current, filled = ChangeSet(), 0
            current.nodes.setdefault(label, []).extend(chunk)
            filled += len(chunk)
    if filled:
        parts.append(current)
    current, filled = ChangeSet(), 0
    for group, rrows in changes.rels.items():
        for i in range(0, len(rrows), size):
            rchunk = rrows[i : i + size]
            if filled and filled + len(rchunk) > size:
                parts.append(current)
                current, filled = ChangeSet(), 0
            current.rels.setdefault(group, []).extend(rchunk)
            filled += len(rchunk)
    if filled:
        parts.append(current)
    return parts


def apply_in_parts(store: GraphStore, parts: Sequence[ChangeSet]) -> tuple[float, float]:
    """Write ``parts`` one ``apply`` each; seconds spent on node parts and on relationship parts
    (each ``apply`` timed from its call to its return, so a Neo4j commit is included).
    ``LAST_CPU`` gets the CPU seconds of both phases (client and server)."""
    node_s = rel_s = 0.0
    cpu: dict[str, dict[str, float | None]] = {}
    gc.collect()
    for phase in ("nodes", "rels"):
        start = CPU.now()
        for part in parts:
            if bool(part.nodes) != (phase == "nodes"):
                continue
            t0 = time.perf_counter()
            store.apply(part)
            took = time.perf_counter() - t0
            if phase == "nodes":
                node_s += took
            else:
                rel_s += took
        cpu[phase] = CPU.since(start)
    LAST_CPU.clear()
    LAST_CPU.update(cpu)
    return node_s, rel_s


LAST_CPU: dict[str, dict[str, float | None]] = {}


# -- the scan baseline ---------------------------------------------------------------------------
class ScanAdjacentStore(GraphStore):
    """``inner`` with ``adjacent`` answered by a full scan of the relationship type
    (``GraphStore.adjacent``'s generic version over ``find_relationships``) for ``scan_types``;
    every other read goes to ``inner`` unchanged. Read-only."""

    def __init__(self, inner: GraphStore, scan_types: Collection[str]) -> None:
        super().__init__(inner.schema)
        self.inner = inner
        self.scan_types = frozenset(scan_types)
        self.name = f"{inner.name}+scan"

    def apply(self, changes: ChangeSet, *args: Any, **kwargs: Any) -> WriteSummary:
        raise NotImplementedError("the scan baseline is read-only")

    def clear(self) -> None:
        raise NotImplementedError("the scan baseline is read-only")

    def existing_keys(self, label: str, keys: Collection[str]) -> set[str]:
        return self.inner.existing_keys(label, keys)

    def get_node(self, label: str, key: str) -> Node | None:
        return self.inner.get_node(label, key)

    def get_nodes(self, label: str, keys: Collection[str]) -> list[Node]:
        return self.inner.get_nodes(label, keys)

    def find_nodes(self, label: str, where: Mapping[str, Any] | None = None) -> list[Node]:
        return self.inner.find_nodes(label, where)

    def find_relationships(
        self, rel_type: str, start_label: str | None = None, end_label: str | None = None
    ) -> list[Relationship]:
        return self.inner.find_relationships(rel_type, start_label, end_label)

    def adjacent(
        self, rel_type: str, label: str, keys: Collection[str], direction: str = "out"
    ) -> list[Relationship]:
        if rel_type in self.scan_types:
            return GraphStore.adjacent(self, rel_type, label, keys, direction)
        return self.inner.adjacent(rel_type, label, keys, direction)

    def neighbourhood(
        self, ref: NodeRef, depth: int = 1, rel_types: Iterable[str] | None = None
    ) -> Subgraph:
        return self.inner.neighbourhood(ref, depth, rel_types)

    def count_nodes(self) -> dict[str, int]:
        return self.inner.count_nodes()

    def count_relationships(self) -> dict[str, int]:
        return self.inner.count_relationships()

    def queries(self) -> GraphQueries:
        """The inner store's named graph queries: since the analyses read through them, this
        baseline now differs from the real path only where an analysis still calls
        ``adjacent`` (bench_queries.py measures against the former read path instead)."""
        return self.inner.queries()


# -- output --------------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if value < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str],
                left: Collection[str] = ("data", "what", "store", "note")) -> None:
    """A plain-text table; ``left`` columns are text (left-aligned), the others numbers."""
    cells = [["" if r.get(c) in (None, "") and c in left else fmt(r.get(c)) for c in columns]
             for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c)
              for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) if c in left else v.rjust(w)
                        for c, v, w in zip(columns, row, widths)).rstrip())


def identical(a: Any, b: Any) -> bool:
    """Equal data frames: columns, dtypes, index, order and values (floats to the last bit)."""
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    return True


def same(a: Any, b: Any) -> bool:
    """Whether two answers are equal: data frames cell by cell (dtypes and index aside)."""
    import pandas as pd

    if not isinstance(a, pd.DataFrame):
        return bool(a == b)
    try:
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                      check_dtype=False)
    except AssertionError:
        return False
    return True


def cprofile(fn: Callable[[], Any], target: Path, lines: int = 40) -> str:
    """Run ``fn`` under cProfile and write its ``lines`` costliest calls (cumulative) to
    ``target``; returns the path relative to the repository."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(lines)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue(), encoding="utf-8")
    return str(target.relative_to(REPO))


def write_json(path: Path, payload: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
    return path
