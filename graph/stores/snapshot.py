"""The memory store's snapshot file: data tables with a checksummed manifest, replaced atomically.

Format (version 2). The file holds no code and nothing that runs code when read (it replaced a
pickle, which does): a header line, Arrow IPC tables, a JSON manifest and a trailer line.

::

    TUPU-SNAPSHOT 2\n
    <table 1: an Arrow IPC stream> <table 2> ...
    <manifest: JSON, UTF-8>
    \nTUPU-MANIFEST <manifest length> <SHA-256 of the manifest>\n

- the manifest names the format and version, when the snapshot was written, and each table:
  its name (``nodes/<Label>`` or ``rels/<TYPE>/<start label>/<end label>``), byte offset and
  length after the header line, row count, SHA-256, and how each column is stored;
- a node table has a ``key`` column and one column per property; a relationship table has
  ``start`` and ``end`` (node keys) and one column per property. A null cell is a property the
  element does not have. A column whose values all have one Python type (str, int, float, bool,
  date) is stored natively; any other column (mixed types, lists, explicit ``None``) is
  stored as JSON text with dates tagged, so every value reads back with its type;
- every checksum is verified before a value is used: a flipped byte or a truncated file is
  refused with :class:`SnapshotCorrupt`, never half read.

Writing: the whole file goes to ``<name>.tmp-<pid>`` in the same folder (mode 0600, the folder
0700), is flushed to disk, and only then renamed over the old one (``os.replace`` is atomic), so a
reader never sees a half-written map and a crash mid-write leaves the previous snapshot intact.
A write that changes a small part of the map leaves this file as it is and adds a delta beside
it, in the same container (:mod:`tupu.graph.stores.snapshot_delta`; the files:
``docs/memory-store-files.md``).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import fcntl
import gc
import hashlib
import itertools
import json
import operator
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from tupu.errors import StoreUnavailable
from tupu.messages import msg
from tupu.ontology.vocab import DEAD_STATUSES

FORMAT = "tupu-snapshot"
FORMAT_VERSION = 2
MAGIC = b"TUPU-SNAPSHOT"
TRAILER = b"TUPU-MANIFEST"
MAX_HEADER = 200  # bytes of the first line
MAX_MANIFEST = 64 * 1024 * 1024
FILE_MODE = 0o600
DIR_MODE = 0o700

# Python type -> how the column is stored ("json": anything else)
_NATIVE = {str: "string", int: "int", float: "float", bool: "bool", dt.date: "date"}


class SnapshotCorrupt(StoreUnavailable):
    """The snapshot file is damaged (checksum, truncation) or is not a tupu snapshot."""


# ---------------------------------------------------------------------------------------------
# writing


@dataclass(frozen=True)
class Written:
    """What a write left on disk: the manifest's SHA-256 (the file's identity, which its deltas
    name) and the rows of its tables (nodes and relationships)."""

    digest: str
    rows: int


def write_snapshot(path: Path, graph: nx.MultiDiGraph, meta: dict[str, Any]) -> Written:
    """Write ``graph`` to ``path`` atomically. Call it holding :func:`write_lock`.

    The tables are written to the temporary file as they are encoded (one at a time in memory);
    the manifest and its trailer come last, so a file cut short anywhere has no valid trailer.
    """
    return write_tables(path, MAGIC, FORMAT_VERSION, _tables(graph), {"format": FORMAT, **meta})


def write_tables(
    path: Path, magic: bytes, version: int,
    tables: Iterable[tuple[str, int, dict[str, str], bytes]], meta: dict[str, Any],
) -> Written:
    """Write a file of ``tables`` under a manifest of ``meta`` atomically (the snapshot's and a
    delta's container): to ``<name>.tmp-<pid>``, flushed to disk, renamed to ``path``."""
    make_private_dir(path.parent)
    stem = path.name.partition(".delta-")[0]  # a delta's temporary file is its snapshot's
    for stale in path.parent.glob(f"{stem}.tmp-*"):  # left by a writer that was killed
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    tmp = path.with_name(f"{stem}.tmp-{os.getpid()}")
    rows = 0
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), FILE_MODE)  # also when a stale file of this pid was there
            f.write(b"%s %d\n" % (magic, version))
            entries: list[dict[str, Any]] = []
            offset = 0
            for name, n, columns, blob in tables:
                entries.append({"name": name, "offset": offset, "length": len(blob),
                                "rows": n, "columns": columns,
                                "sha256": hashlib.sha256(blob).hexdigest()})
                f.write(blob)
                offset += len(blob)
                rows += n
            manifest = json.dumps(
                {**meta, "version": version, "tables": entries},
                ensure_ascii=False, separators=(",", ":"),
            ).encode("utf-8")
            digest = hashlib.sha256(manifest).hexdigest()
            f.write(manifest)
            f.write(b"\n%s %d %s\n" % (TRAILER, len(manifest), digest.encode("ascii")))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    fsync_dir(path.parent)
    return Written(digest, rows)


def _tables(graph: nx.MultiDiGraph) -> Iterator[tuple[str, int, dict[str, str], bytes]]:
    """(name, rows, column kinds, Arrow IPC bytes) of every label's and relationship's table."""
    by_label: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for (label, key), data in graph.nodes(data=True):
        keys, rows = by_label.setdefault(label, ([], []))
        keys.append(key)
        rows.append(data)
    for label in sorted(by_label):
        keys, rows = by_label[label]
        order = sorted(range(len(keys)), key=keys.__getitem__)  # key order: the label index
        yield encode_table(f"nodes/{label}", {"key": [keys[i] for i in order]},
                      [rows[i] for i in order])
    by_rel: dict[tuple[str, str, str], tuple[list[str], list[str], list[dict[str, Any]]]] = {}
    for u, v, rtype, data in graph.edges(keys=True, data=True):
        starts, ends, rows = by_rel.setdefault((rtype, u[0], v[0]), ([], [], []))
        starts.append(u[1])
        ends.append(v[1])
        rows.append(data)
    for rtype, slabel, elabel in sorted(by_rel):
        starts, ends, rows = by_rel[(rtype, slabel, elabel)]
        yield encode_table(f"rels/{rtype}/{slabel}/{elabel}", {"start": starts, "end": ends}, rows)


def encode_table(
    name: str, ids: dict[str, list[str]], rows: Sequence[dict[str, Any]]
) -> tuple[str, int, dict[str, str], bytes]:
    import pyarrow as pa

    arrow_types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
                   "bool": pa.bool_(), "date": pa.date32()}
    props = sorted({k for row in rows for k in row})
    arrays: dict[str, Any] = {col: pa.array(values, pa.string()) for col, values in ids.items()}
    kinds: dict[str, str] = {}
    for prop in props:
        values = [row.get(prop, _ABSENT) for row in rows]
        kind = _kind(values)
        kinds[prop] = kind
        if kind == "json":
            cells: list[Any] = [None if v is _ABSENT else _to_json(v) for v in values]
            arrays[f"p:{prop}"] = pa.array(cells, pa.string())
        else:
            present = [None if v is _ABSENT else v for v in values]
            arr = pa.array(present, arrow_types[kind])
            if kind == "string" and len(set(present)) * 2 < len(present):
                arr = arr.dictionary_encode()  # repeated values (towns, provenance) stored once
            arrays[f"p:{prop}"] = arr
    table = pa.table(arrays)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return name, len(rows), kinds, sink.getvalue().to_pybytes()


class _Absent:
    """A property the element does not have (distinct from a stored ``None``)."""


_ABSENT = _Absent()


def _kind(values: Iterable[Any]) -> str:
    types = {type(v) for v in values if v is not _ABSENT}
    if len(types) == 1:
        (t,) = types
        return _NATIVE.get(t, "json")
    return "json"


def _to_json(value: Any) -> str:
    return json.dumps(_tag(value), ensure_ascii=False, separators=(",", ":"))


def _tag(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_tag(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[k, _tag(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a snapshot: {value!r}")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if "$dict" in value:
            return {k: _untag(v) for k, v in value["$dict"]}
    return value


# ---------------------------------------------------------------------------------------------
# reading


FileStamp = tuple[int, int, int]  # (inode, mtime in ns, size)


@dataclass(frozen=True)
class Snapshot:
    """What :func:`load_snapshot` reads: the manifest, the graph, and what the memory store's
    indexes need from it without walking the graph again."""

    manifest: dict[str, Any]
    graph: nx.MultiDiGraph
    keys: dict[str, list[str]]  # label -> its node keys, sorted
    dead: frozenset[str]  # enterprises whose reg_status is dead or dying
    digest: str  # SHA-256 of the manifest: the file's identity, which its deltas name
    stamp: FileStamp  # the file read (a replacement changes it)

    @property
    def rows(self) -> int:
        """Nodes and relationships in the file's tables."""
        return sum(int(t["rows"]) for t in self.manifest["tables"])


def file_stamp(st: os.stat_result) -> FileStamp:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_snapshot(path: Path) -> tuple[dict[str, Any], nx.MultiDiGraph]:
    """Read a snapshot written by :func:`write_snapshot`: (manifest, graph).

    Raises :class:`SnapshotCorrupt` (a :class:`StoreUnavailable`, exit 3) with one Chinese line
    when the file is not a snapshot, is damaged or truncated; :class:`StoreUnavailable` when it
    cannot be read at all. The snapshot alone: its deltas are read by
    :func:`tupu.graph.stores.snapshot_delta.load_current`.
    """
    snap = load_snapshot(path)
    return snap.manifest, snap.graph


def load_snapshot(path: Path) -> Snapshot:
    """:func:`read_snapshot`, with each label's sorted keys and the dead enterprises."""
    try:
        data, stamp = read_file(path)
    except FileNotFoundError as e:
        raise StoreUnavailable(msg("store.snapshot_unreadable", path=path, reason=e.strerror)) \
            from e
    manifest, body, digest = read_manifest(path, data, MAGIC, FORMAT_VERSION, FORMAT)
    graph, keys, dead = _graph(path, manifest, body)
    return Snapshot(manifest, graph, keys, dead, digest, stamp)


def read_file(path: Path) -> tuple[bytes, FileStamp]:
    """The bytes of ``path`` and the stamp of the file they came from.

    :class:`FileNotFoundError` passes (a delta removed by a compaction meanwhile: the caller
    reads again); any other failure is :class:`StoreUnavailable`.
    """
    try:
        with open(path, "rb") as f:
            return f.read(), file_stamp(os.fstat(f.fileno()))
    except FileNotFoundError:
        raise
    except OSError as e:
        raise StoreUnavailable(msg("store.snapshot_unreadable", path=path, reason=e.strerror or e)) \
            from e


def read_manifest(path: Path, data: bytes, magic: bytes, version: int, fmt: str
                  ) -> tuple[dict[str, Any], memoryview, str]:
    """(manifest, tables' bytes, manifest's SHA-256) of a file written by :func:`write_tables`,
    every table's checksum verified."""
    end = data.find(b"\n", 0, MAX_HEADER)
    parts = data[:end].split(b" ") if end > 0 else []
    if len(parts) != 2 or parts[0] != magic:
        raise SnapshotCorrupt(msg("store.snapshot_not_ours", path=path))
    try:
        found = int(parts[1])
    except ValueError as e:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path)) from e
    if found != version:
        raise SnapshotCorrupt(msg("store.snapshot_version", path=path, version=found,
                                  supported=version))
    start = end + 1
    # the trailer: "\nTUPU-MANIFEST <length> <sha256>\n" at the very end
    if not data.endswith(b"\n"):
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    cut = data.rfind(b"\n", max(start, len(data) - MAX_HEADER), len(data) - 1)
    trailer = data[cut + 1:-1].split(b" ") if cut >= start else []
    if len(trailer) != 3 or trailer[0] != TRAILER:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    try:
        length, digest = int(trailer[1]), trailer[2].decode("ascii")
    except (ValueError, UnicodeDecodeError) as e:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path)) from e
    if not 0 < length <= min(MAX_MANIFEST, cut - start):
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    raw = data[cut - length:cut]
    if hashlib.sha256(raw).hexdigest() != digest:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError as e:  # the checksum matched, so a writer bug: still one clear line
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path)) from e
    if not isinstance(manifest, dict) or manifest.get("format") != fmt \
            or not isinstance(manifest.get("tables"), list):
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    body = memoryview(data)[start:cut - length]
    try:
        total = sum(int(t["length"]) for t in manifest["tables"])
        for t in manifest["tables"]:  # every checksum before any value is used
            blob = body[int(t["offset"]):int(t["offset"]) + int(t["length"])]
            if hashlib.sha256(blob).hexdigest() != t["sha256"]:
                raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    except (KeyError, TypeError, ValueError) as e:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path)) from e
    if total != len(body):
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    return manifest, body, digest


def read_table(body: memoryview, entry: dict[str, Any]) -> Any:
    """The Arrow table of a manifest entry (its checksum verified by :func:`read_manifest`)."""
    import pyarrow as pa

    blob = body[int(entry["offset"]):int(entry["offset"]) + int(entry["length"])]
    return pa.ipc.open_stream(pa.py_buffer(blob)).read_all()


def _graph(path: Path, manifest: dict[str, Any], body: memoryview
           ) -> tuple[nx.MultiDiGraph, dict[str, list[str]], frozenset[str]]:
    """The graph, built in bulk: node tables with ``dict.update``; relationship ends looked up
    in one key -> node id map per label, so every edge refers to the node's own id tuple (whose
    strings' hashes are already computed); the edges of a table set with C-level ``map`` calls
    where no earlier table joined the same nodes (a second type between two nodes takes the
    per-edge path)."""
    import pyarrow as pa

    tables = manifest["tables"]
    g = nx.MultiDiGraph()
    node_attrs: dict[tuple[str, str], dict[str, Any]] = g._node
    succ: dict[Any, dict[Any, dict[str, dict[str, Any]]]] = g._succ
    pred: dict[Any, dict[Any, dict[str, dict[str, Any]]]] = g._pred
    keys_of: dict[str, list[str]] = {}
    ids_of: dict[str, dict[str, tuple[str, str]]] = {}  # label -> key -> node id
    dead: set[str] = set()
    collecting = gc.isenabled()
    if collecting and gc.get_freeze_count():
        # what an earlier read froze (below) goes back to the collector, and what of it is no
        # longer reachable (a store dropped since: store and queries refer to each other) is
        # freed now. Frozen objects are never collected: without this, every store opened and
        # dropped in one process (tests, a reload in the web server) kept its graph for good.
        # The first read of a process (a command) freezes nothing before and pays nothing here.
        gc.unfreeze()
        gc.collect()
    gc.disable()  # only acyclic dicts and tuples are made: no need to scan them while building
    try:
        for t in tables:
            name = str(t["name"])
            table = read_table(body, t)
            rows = table_rows(table, t["columns"], int(t["rows"]))
            kind, _, rest = name.partition("/")
            if kind == "nodes":
                if rest in keys_of:
                    raise ValueError("label twice")
                keys = column_values(table.column("key"))
                nids = list(zip(itertools.repeat(rest), keys))
                node_attrs.update(zip(nids, rows))
                succ.update(zip(nids, map(dict, itertools.repeat((), len(nids)))))
                pred.update(zip(nids, map(dict, itertools.repeat((), len(nids)))))
                ids_of[rest] = dict(zip(keys, nids))
                keys_of[rest] = keys if _ascending(keys) else sorted(keys)
                if rest == "Enterprise":  # is_dead of every reg_status, in C
                    status = map(dict.get, rows, itertools.repeat("reg_status"))
                    dead.update(itertools.compress(keys, map(DEAD_STATUSES.__contains__, status)))
            elif kind == "rels":
                rtype, slabel, elabel = rest.split("/")
                us = list(map(ids_of[slabel].__getitem__, column_values(table.column("start"))))
                vs = list(map(ids_of[elabel].__getitem__, column_values(table.column("end"))))
                outs = list(map(succ.__getitem__, us))
                ins = list(map(pred.__getitem__, vs))
                if any(map(dict.__contains__, outs, vs)):  # another type joins some of them
                    for u, v, out, props in zip(us, vs, outs, rows):
                        keydict = out.get(v)
                        if keydict is None:
                            keydict = out[v] = pred[v][u] = {}
                        keydict[rtype] = props
                else:
                    keydicts = list(map(dict.fromkeys, itertools.repeat((rtype,)), rows))
                    collections.deque(map(dict.__setitem__, outs, vs, keydicts), maxlen=0)
                    collections.deque(map(dict.__setitem__, ins, us, keydicts), maxlen=0)
            else:
                raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path))
    except (pa.ArrowException, KeyError, ValueError, TypeError, IndexError) as e:
        raise SnapshotCorrupt(msg("store.snapshot_corrupt", path=path)) from e
    finally:
        if collecting:
            # the new objects (acyclic dicts and tuples, freed by reference counting) would all
            # sit in the youngest generation, and the next collections would walk every one of
            # them: move them out of the collector's sight, as for long-lived data
            gc.freeze()
            gc.enable()
    return g, keys_of, frozenset(dead)


def _ascending(keys: list[str]) -> bool:
    return all(map(operator.lt, keys, itertools.islice(keys, 1, None)))


def table_rows(table: Any, columns: dict[str, str], n: int) -> list[dict[str, Any]]:
    """One property dict per row: dense columns zipped at once, sparse ones filled in."""
    if table.num_rows != n:
        raise ValueError("row count")
    dense: list[str] = []
    dense_values: list[list[Any]] = []
    sparse: list[tuple[str, list[Any], list[bool], bool]] = []
    for prop, kind in columns.items():
        col = table.column(f"p:{prop}")
        values = column_values(col)
        if kind == "json":
            sparse.append((prop, values, col.is_valid().to_pylist(), True))
        elif col.null_count == 0:
            dense.append(prop)
            dense_values.append(values)
        else:
            sparse.append((prop, values, col.is_valid().to_pylist(), False))
    if dense:  # in C: dict(zip(dense, values of the row)) for every row
        rows = list(map(dict, map(zip, itertools.repeat(dense), zip(*dense_values))))
    else:
        rows = [{} for _ in range(n)]
    for prop, values, valid, is_json in sparse:
        present: Iterator[Any] = itertools.compress(values, valid)
        if is_json:
            present = (_untag(json.loads(value)) for value in present)
        collections.deque(map(dict.__setitem__, itertools.compress(rows, valid),
                              itertools.repeat(prop), present), maxlen=0)
    return rows


def column_values(column: Any) -> list[Any]:
    """A column's values as Python objects (nulls as a placeholder: see ``is_valid``).

    Through numpy, which is about twice as fast as ``to_pylist``; a dictionary-encoded column
    gives every row the same ``str`` object of its value.
    """
    import numpy as np
    import pyarrow as pa

    arr = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(arr.type):
        words = np.array(arr.dictionary.to_pylist() + [None], dtype=object)
        idx = arr.indices.fill_null(len(arr.dictionary)).to_numpy()
        values: list[Any] = words[idx].tolist()
        return values
    if arr.null_count:
        if pa.types.is_string(arr.type):
            arr = arr.fill_null("")
        elif pa.types.is_boolean(arr.type):
            arr = arr.fill_null(False)
        elif pa.types.is_date32(arr.type):
            arr = arr.fill_null(pa.scalar(0, pa.date32()))
        else:
            arr = arr.fill_null(0)
    out: list[Any] = arr.to_numpy(zero_copy_only=False).tolist()
    return out


# ---------------------------------------------------------------------------------------------
# folders and locks


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by the owner only (0700)."""
    missing = []
    here = folder
    while not here.exists():
        missing.append(here)
        here = here.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=DIR_MODE)
        with contextlib.suppress(OSError):
            os.chmod(d, DIR_MODE)  # mkdir's mode is filtered by the umask


@contextlib.contextmanager
def write_lock(folder: Path) -> Iterator[None]:
    """Hold the data folder's writer lock (one load at a time; readers never wait)."""
    make_private_dir(folder)
    fd = os.open(folder / ".write.lock", os.O_WRONLY | os.O_CREAT, FILE_MODE)
    with os.fdopen(fd, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
