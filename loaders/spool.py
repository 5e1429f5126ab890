"""A delivery's validated change set kept on disk until it is written (issue 12: bounded memory).

``tupu load`` validates a whole delivery before it writes all or nothing. Kept in memory, every
valid row (with its provenance) and every duplicate-check origin grows with the input: about
2.7 KB a row. A :class:`Spool` keeps them in one sqlite file instead, so a large delivery is held
on disk and read back in chunks:

- :class:`SpoolChangeSet`: node rows per label and relationship rows per (type, start label, end
  label), in the order they were added; the same reading interface as the in-memory
  :class:`~tupu.graph.stores.model.ChangeSet` (the :class:`~tupu.graph.stores.model.Changes`
  contract that stores' ``apply`` reads).
- :class:`SpoolOrigins`: where each node or relationship was first given (the duplicate checks).

The file lives in a fresh folder of its own (mode 0700) in the data dir, or the system's temporary
dir when the data dir cannot take it; the file itself is 0600. :meth:`Spool.close` deletes both;
the pipeline closes a spool after the load, whether it succeeded or failed, and a spool left by a
killed process is removed by the next load that spools in the same data dir. Rows are stored as
``marshal`` blobs (dates as tagged tuples): the file is written and read by this process only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import marshal
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, cast, overload

from tupu.graph.stores.model import Props, RelGroup, RelRow, RowCounts
from tupu.graph.stores.neo4j_server import pid_alive

__all__ = ["CHUNK", "PREFIX", "Spool", "SpoolChangeSet", "SpoolOrigins", "SpoolRows", "frozen",
           "remove_stale", "thawed"]

PREFIX = "tupu-spool-"
"""Spool folders are ``tupu-spool-<pid>-<random>``: a later load removes those of dead processes."""
CHUNK = 2_000
"""Rows read back from the file at a time."""
_DATE = "\x00date"
_SEP = "\x1f"

T = TypeVar("T")
K = TypeVar("K")
I = TypeVar("I", bound=tuple[str, ...])


_SHARED: dict[str, str] = {}
_SHARED_MAX = 50_000
_SHORT = 6


def thawed(props: Props) -> Props:
    """``props`` as :func:`frozen` stored them, in place: dates again, and one object for the
    values many rows repeat (provenance, a city, a code), as rows kept in memory share them — a
    row read back would otherwise hold copies of its own, about 400 bytes an enterprise more in
    the memory store's graph. (Runs for every row read: written out inline.)"""
    if len(_SHARED) > _SHARED_MAX:
        _SHARED.clear()
    share = _SHARED.setdefault
    for k, v in props.items():
        t = type(v)
        if t is str:
            if len(v) <= _SHORT or k.startswith("prov_"):
                props[k] = share(v, v)
        elif t is tuple and len(v) == 2 and v[0] == _DATE:
            props[k] = dt.date.fromordinal(v[1])
    return props


def frozen(props: Props) -> Props:
    """``props`` as marshal can store them: every date as a tagged tuple (:func:`thawed` reads
    it back; written out inline: every row)."""
    date = dt.date
    return {k: (_DATE, v.toordinal()) if isinstance(v, date) else v for k, v in props.items()}


def _pack_props(props: Props) -> bytes:
    try:
        return marshal.dumps(props)
    except ValueError:  # a date
        return marshal.dumps(frozen(props))


def _unpack_props(blob: bytes) -> Props:
    return thawed(marshal.loads(blob))


def _pack_rel(row: RelRow) -> bytes:
    try:
        return marshal.dumps((row.start, row.end, row.props))
    except ValueError:  # a date
        return marshal.dumps((row.start, row.end, frozen(row.props)))


def _unpack_rel(blob: bytes) -> RelRow:
    start, end, props = marshal.loads(blob)
    return RelRow(start, end, thawed(props))


class Spool:
    """One sqlite file holding a delivery's rows and origins; :meth:`close` deletes it."""

    def __init__(self, where: Path | None = None) -> None:
        base = where if where is not None and _writable(where) else None
        if base is not None:
            remove_stale(base)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))  # 0700
        self.path = self.dir / "delivery.sqlite"
        os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        self.db: sqlite3.Connection | None = sqlite3.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=MEMORY",
                       "cache_size=-16000", "locking_mode=EXCLUSIVE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE rows (part INTEGER, seq INTEGER, data BLOB, "
                        "PRIMARY KEY (part, seq)) WITHOUT ROWID")
        self.db.execute("CREATE TABLE origins (kind TEXT, ident TEXT, file TEXT, line INTEGER, "
                        "PRIMARY KEY (kind, ident)) WITHOUT ROWID")
        self._parts = 0

    @property
    def conn(self) -> sqlite3.Connection:
        if self.db is None:
            raise RuntimeError("the spool is closed")
        return self.db

    def run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """``sql`` on the spool's file (its failures as :func:`_os_error` says)."""
        with _os_error(self.path):
            return self.conn.execute(sql, params)

    def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with _os_error(self.path):
            self.conn.executemany(sql, rows)

    def new_part(self) -> int:
        self._parts += 1
        return self._parts

    def close(self) -> None:
        """Delete the file and its folder (again: nothing)."""
        if self.db is not None:
            self.db.close()
            self.db = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ERRNO = {"SQLITE_FULL": errno.ENOSPC, "SQLITE_IOERR": errno.EIO, "SQLITE_CANTOPEN": errno.EACCES}
"""sqlite's result codes (and their extended forms, ``SQLITE_IOERR_WRITE``…) that are the file's."""


@contextlib.contextmanager
def _os_error(path: Path) -> Iterator[None]:
    """sqlite's failures to write or read the spool file (a full disk above all) as the
    :class:`OSError` they are, naming the file, so that the command line and the API report them
    as any other file-system failure (one Chinese line, exit 3 for a full disk; nothing written)."""
    try:
        yield
    except sqlite3.OperationalError as e:
        name = str(getattr(e, "sqlite_errorname", ""))
        code = next((c for n, c in _ERRNO.items() if name == n or name.startswith(n + "_")), None)
        if code is None:
            raise
        raise OSError(code, os.strerror(code), str(path)) from e


def remove_stale(folder: Path) -> list[Path]:
    """Delete the spools in ``folder`` left by processes that are gone (a killed load); the
    folders removed."""
    removed = []
    for old in folder.glob(f"{PREFIX}*-*"):
        pid = old.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


class SpoolRows(Sequence[T]):
    """The rows of one label or relationship group, in the order added; read in chunks."""

    def __init__(self, spool: Spool, pack: Callable[[T], bytes],
                 unpack: Callable[[bytes], T]) -> None:
        self.spool = spool
        self.part = spool.new_part()
        self._pack, self._unpack = pack, unpack
        self._len = 0
        self._pending: list[tuple[int, int, bytes]] = []  # appended, not yet in the file

    def append(self, row: T) -> None:
        self._pending.append((self.part, self._len, self._pack(row)))
        self._len += 1
        if len(self._pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.spool.run_many("INSERT INTO rows VALUES (?, ?, ?)", self._pending)
            self._pending = []

    def extend(self, rows: Iterable[T]) -> None:
        for row in rows:
            self.append(row)
        self._flush()

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[T]:
        self._flush()
        done = 0
        while done < self._len:
            blobs = self.spool.run(
                "SELECT data FROM rows WHERE part = ? AND seq >= ? ORDER BY seq LIMIT ?",
                (self.part, done, CHUNK)).fetchall()
            if not blobs:
                return
            done += len(blobs)
            for (blob,) in blobs:
                yield self._unpack(blob)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        j = self._index(i)
        self._flush()
        (blob,) = self.spool.run(
            "SELECT data FROM rows WHERE part = ? AND seq = ?", (self.part, j)).fetchone()
        return self._unpack(blob)

    def __setitem__(self, i: int, row: T) -> None:
        self._flush()
        self.spool.run("UPDATE rows SET data = ? WHERE part = ? AND seq = ?",
                                (self._pack(row), self.part, self._index(i)))

    def _index(self, i: int) -> int:
        j = i + self._len if i < 0 else i
        if not 0 <= j < self._len:
            raise IndexError(i)
        return j

    def drop(self) -> None:
        self._pending = []
        self.spool.run("DELETE FROM rows WHERE part = ?", (self.part,))
        self._len = 0

    clear = drop


class _Parts(MutableMapping[K, SpoolRows[T]], Generic[K, T]):
    """Label (or group) → its rows; setting a part stores the rows given (from any iterable,
    also one reading the part it replaces) and drops the old ones."""

    def __init__(self, spool: Spool, pack: Callable[[T], bytes],
                 unpack: Callable[[bytes], T]) -> None:
        self.spool = spool
        self._pack, self._unpack = pack, unpack
        self._parts: dict[K, SpoolRows[T]] = {}

    def part(self, key: K) -> SpoolRows[T]:
        rows = self._parts.get(key)
        if rows is None:
            rows = self._parts[key] = SpoolRows(self.spool, self._pack, self._unpack)
        return rows

    def __getitem__(self, key: K) -> SpoolRows[T]:
        return self._parts[key]

    def __setitem__(self, key: K, rows: Iterable[T]) -> None:
        fresh: SpoolRows[T] = SpoolRows(self.spool, self._pack, self._unpack)
        fresh.extend(rows)
        old = self._parts.get(key)
        if old is not None and old is not rows:
            old.drop()
        self._parts[key] = fresh

    def __delitem__(self, key: K) -> None:
        self._parts.pop(key).drop()

    def __iter__(self) -> Iterator[K]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


class SpoolChangeSet(RowCounts):
    """A change set whose rows are in a :class:`Spool` (see the module docstring)."""

    def __init__(self, spool: Spool) -> None:
        self.spool = spool
        self.nodes: _Parts[str, Props] = _Parts(spool, _pack_props, _unpack_props)
        self.rels: _Parts[RelGroup, RelRow] = _Parts(spool, _pack_rel, _unpack_rel)

    def add_node(self, label: str, props: Props) -> None:
        self.nodes.part(label).append(props)

    def add_rel(self, rtype: str, start_label: str, end_label: str, row: RelRow) -> None:
        self.rels.part((rtype, start_label, end_label)).append(row)

    def replace_nodes(self, label: str, rows: Iterable[Props]) -> None:
        """The rows of ``label`` are now ``rows`` (which may read the old ones)."""
        self.nodes[label] = rows

    def rewrite_nodes(self, label: str, change: Callable[[Props], Props]) -> None:
        """Replace every row of ``label`` by ``change(row)`` (which may change it in place)."""
        if label in self.nodes:
            self.nodes[label] = (change(p) for p in self.nodes[label])

    def rewrite_rels(self, group: RelGroup, change: Callable[[RelRow], RelRow]) -> None:
        if group in self.rels:
            self.rels[group] = (change(r) for r in self.rels[group])


class SpoolOrigins(MutableMapping[I, tuple[str, int | None]]):
    """Identity (a tuple of strings) → (file, row) where it was first given, in a :class:`Spool`.

    Writes wait in memory and go to the file :data:`CHUNK` at a time (a load writes one origin
    per row, after finding it absent: one statement per row instead of two); reads look at the
    waiting ones first. :meth:`missing` answers for many identities in one query."""

    def __init__(self, spool: Spool, kind: str) -> None:
        self.spool = spool
        self.kind = kind
        self._pending: dict[str, tuple[str, int | None]] = {}  # set, not yet in the file

    def _ident(self, key: I) -> str:
        return _SEP.join(key)

    def _flush(self) -> None:
        if self._pending:
            self.spool.run_many("INSERT OR REPLACE INTO origins VALUES (?, ?, ?, ?)",
                                [(self.kind, i, f, n) for i, (f, n) in self._pending.items()])
            self._pending = {}

    def _find(self, ident: str) -> tuple[str, int | None] | None:
        waiting = self._pending.get(ident)
        if waiting is not None:
            return waiting
        found = self.spool.run(
            "SELECT file, line FROM origins WHERE kind = ? AND ident = ?",
            (self.kind, ident)).fetchone()
        return None if found is None else (str(found[0]), found[1])

    def __getitem__(self, key: I) -> tuple[str, int | None]:
        found = self._find(self._ident(key))
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple):
            return False
        return self._find(self._ident(cast(I, key))) is not None

    def __setitem__(self, key: I, origin: tuple[str, int | None]) -> None:
        self._pending[self._ident(key)] = (origin[0], origin[1])
        if len(self._pending) >= CHUNK:
            self._flush()

    def __delitem__(self, key: I) -> None:
        ident = self._ident(key)
        waiting = self._pending.pop(ident, None)
        cur = self.spool.run("DELETE FROM origins WHERE kind = ? AND ident = ?",
                             (self.kind, ident))
        if cur.rowcount == 0 and waiting is None:
            raise KeyError(key)

    def missing(self, keys: Iterable[I]) -> set[I]:
        """Those of ``keys`` that are not in the map, found in one query."""
        self._flush()
        wanted = {self._ident(k): k for k in keys}
        if not wanted:
            return set()
        self.spool.run("CREATE TEMP TABLE IF NOT EXISTS probe (ident TEXT PRIMARY KEY) "
                       "WITHOUT ROWID")
        try:
            self.spool.run_many("INSERT INTO probe VALUES (?)", ((i,) for i in wanted))
            absent = self.spool.run(
                "SELECT ident FROM probe WHERE NOT EXISTS (SELECT 1 FROM origins "
                "WHERE origins.kind = ? AND origins.ident = probe.ident)", (self.kind,)).fetchall()
        finally:
            self.spool.run("DELETE FROM probe")
        return {wanted[i] for (i,) in absent}

    def __iter__(self) -> Iterator[I]:
        self._flush()
        last = ""
        while True:
            idents = self.spool.run(
                "SELECT ident FROM origins WHERE kind = ? AND ident > ? ORDER BY ident LIMIT ?",
                (self.kind, last, CHUNK)).fetchall()
            if not idents:
                return
            last = idents[-1][0]
            for (ident,) in idents:
                yield cast(I, tuple(ident.split(_SEP)))

    def __len__(self) -> int:
        self._flush()
        (count,) = self.spool.run(
            "SELECT count(*) FROM origins WHERE kind = ?", (self.kind,)).fetchone()
        return int(count)
