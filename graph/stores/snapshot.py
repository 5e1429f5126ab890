"""The memory store's snapshot file: written whole to a temporary file, then swapped in atomically.

A reader never sees a half-written map, and a crash mid-write leaves the previous snapshot intact:
the new one is written to ``<name>.tmp-<pid>`` in the same folder, flushed to disk, and only then
renamed over the old one (``os.replace`` is atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from tupu.errors import StoreUnavailable

FORMAT = "tupu-snapshot"
FORMAT_VERSION = 1


def write_snapshot(path: Path, graph: nx.MultiDiGraph, meta: dict[str, Any]) -> None:
    """Write ``graph`` to ``path`` atomically. Call it holding :func:`write_lock`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"{path.name}.tmp-*"):  # left by a writer that was killed
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    header = {"format": FORMAT, "version": FORMAT_VERSION, **meta}
    try:
        with open(tmp, "wb") as f:
            pickle.dump(header, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(graph, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def read_snapshot(path: Path) -> tuple[dict[str, Any], nx.MultiDiGraph]:
    """Read a snapshot written by :func:`write_snapshot`."""
    try:
        with open(path, "rb") as f:
            header = pickle.load(f)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise StoreUnavailable(
                    f"{path} is not a tupu snapshot; move it away or set TUPU_DATA_DIR elsewhere"
                )
            if header.get("version") != FORMAT_VERSION:
                raise StoreUnavailable(
                    f"{path} has snapshot format {header.get('version')}, this tupu reads "
                    f"{FORMAT_VERSION}; export it with the tupu that wrote it and load it again"
                )
            graph = pickle.load(f)
    except Exception as e:  # noqa: BLE001 - a damaged pickle raises anything (KeyError, ValueError…)
        raise StoreUnavailable(f"cannot read the snapshot {path}: {e}") from e
    if not isinstance(graph, nx.MultiDiGraph):
        raise StoreUnavailable(f"{path} does not hold a graph")
    return header, graph


@contextlib.contextmanager
def write_lock(folder: Path) -> Iterator[None]:
    """Hold the data folder's writer lock (one load at a time; readers never wait)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".write.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
