"""A first load into an empty bundled Neo4j through Neo4j's own bulk path (``database import``).

``neo4j-admin database import full`` builds the store files directly, without transactions, at
hundreds of thousands of nodes a second; ``MERGE`` in batches manages a few ten thousand. It works
offline only: the server must be stopped and the database is written whole. So this path is taken
only when all of these hold (:func:`usable`), and otherwise the load stays on ``UNWIND … MERGE``:

- the store is the bundled server of these settings (``tupu neo4j start``: Bolt on
  ``127.0.0.1:TUPU_NEO4J_BOLT_PORT``, running from ``<data dir>/neo4j``), database ``neo4j``;
- that database holds no node (a first load), and the load merges no nodes (entity resolution
  found nothing to fold);
- the load has at least ``TUPU_NEO4J_BULK_ROWS`` rows (0 turns the path off);
- every property column has one value type (the import tool types a whole column).

Then :func:`bulk_load` writes one CSV file per label and per (type, start label, end label) in a
private folder, stops the server, runs the import tool of the server module (``org.neo4j.cli.
AdminTool``, the ``neo4j-import-tool`` artifact among its Maven dependencies) with the server's
home as ``NEO4J_HOME``, starts the server again, creates the ontology's constraints and records
the ``Delivery`` node complete — the same graph, provenance and delivery record a ``MERGE`` load
writes. The import tool refuses to run unless the database is empty or overwritten: it is given
``--overwrite-destination`` only after the database was seen empty.

On a cluster or Aura there is no offline path: loads use ``UNWIND … MERGE`` (docs/neo4j-cluster.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tupu.errors import StoreUnavailable
from tupu.graph.stores import neo4j_server
from tupu.graph.stores.model import Changes
from tupu.graph.stores.store import observation_labels
from tupu.messages import msg
from tupu.ontology.schema import Schema
from tupu.settings import Settings

log = logging.getLogger(__name__)

ADMIN_MAIN = "org.neo4j.cli.AdminTool"
ARRAY_DELIMITER = "\x1f"  # unit separator: never in a name, unlike ; or ,
DATABASE = "neo4j"
IMPORT_TIMEOUT = 3600.0
RESTART_TIMEOUT = 300.0  # a start after the import (a busy machine needs more than the usual 90 s)

# Python type -> the import tool's column type
_TYPES: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean",
                           dt.date: "date"}


@dataclass(frozen=True)
class BulkReport:
    """What a bulk load did, and how long each part took (seconds)."""

    nodes: int
    relationships: int
    write_files_s: float
    stop_s: float
    import_s: float
    start_s: float
    import_output: str


def usable(settings: Settings, changes: Changes, merges: Sequence[object]) -> str | None:
    """Why the bulk path cannot take this load (None: it can, but the database must still be
    checked empty by the caller)."""
    if settings.neo4j_bulk_rows <= 0:
        return "TUPU_NEO4J_BULK_ROWS is 0"
    if changes.node_count + changes.rel_count < settings.neo4j_bulk_rows:
        return "smaller than TUPU_NEO4J_BULK_ROWS"
    if merges:
        return "the load folds nodes"
    if settings.neo4j_database != DATABASE:
        return f"database {settings.neo4j_database!r} is not {DATABASE!r}"
    scheme, _, address = settings.neo4j_uri.partition("://")
    if scheme not in ("bolt", "neo4j") or address.rstrip("/") != \
            f"{neo4j_server.HOST}:{settings.neo4j_bolt_port}":
        return "TUPU_NEO4J_URI is not the bundled server"
    if not neo4j_server.status(settings).running:
        return "the bundled server does not run from this data folder"
    return None


def bulk_load(
    settings: Settings, schema: Schema, changes: Changes,
    after_start: Callable[[], None], progress: Callable[[str], None] | None = None,
) -> BulkReport:
    """Import ``changes`` into the (empty) bundled database; ``after_start`` runs once the
    server answers again (constraints, the Delivery record). Raises :class:`StoreUnavailable`
    when the import fails — the server is started again in every case."""
    say = progress or (lambda line: log.info("%s", line))
    home = neo4j_server.server_home(settings)
    folder = Path(tempfile.mkdtemp(prefix="bulk-import-", dir=home))
    os.chmod(folder, 0o700)
    try:
        t0 = time.perf_counter()
        args = write_files(folder, schema, changes)
        t1 = time.perf_counter()
        say(msg("bulk.files_written", seconds=t1 - t0))
        neo4j_server.stop(settings)
        t2 = time.perf_counter()
        try:
            output = _run_import(settings, home, args)
        finally:
            t3 = time.perf_counter()
            say(msg("bulk.imported", seconds=t3 - t2))
            neo4j_server.start(settings, timeout=RESTART_TIMEOUT)
        t4 = time.perf_counter()
        after_start()
        return BulkReport(changes.node_count, changes.rel_count, t1 - t0, t2 - t1, t3 - t2,
                          t4 - t3, output)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_command(settings: Settings, home: Path, args: Sequence[str],
                   multiline: bool = True) -> tuple[list[str], dict[str, str]]:
    """The import tool's command line and environment for the files ``args`` into ``home``'s
    database. ``multiline``: values may hold line breaks (every enterprise's ``name_forms``
    does; ``benchmarks/bench_import_lines.py`` measures what it costs)."""
    java = shutil.which("java")
    if java is None:
        raise StoreUnavailable(msg("bulk.no_java"))
    conf = home / "conf"
    conf.mkdir(mode=0o700, parents=True, exist_ok=True)
    (conf / "neo4j.conf").touch(mode=0o600, exist_ok=True)
    cmd = [java, f"-Xmx{settings.neo4j_heap}", "-cp", _classpath(), ADMIN_MAIN,
           "database", "import", "full", DATABASE, "--overwrite-destination=true",
           f"--array-delimiter={ARRAY_DELIMITER}", f"--multiline-fields={str(multiline).lower()}",
           "--id-type=string", "--high-parallel-io=on", *args]  # files take every later word
    return cmd, {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf)}


def _run_import(settings: Settings, home: Path, args: Sequence[str]) -> str:
    cmd, env = import_command(settings, home, args)
    try:
        proc = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True,
                              timeout=IMPORT_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise StoreUnavailable(msg("bulk.timeout", seconds=IMPORT_TIMEOUT)) from e
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        lines = [ln for ln in output.strip().splitlines() if not ln.lstrip().startswith("at ")]
        tail = "\n".join(lines[-15:])
        raise StoreUnavailable(msg("bulk.failed", code=proc.returncode, tail=tail))
    return output


def _classpath() -> str:
    jar = neo4j_server.jar_path()
    return os.pathsep.join([str(jar), str(jar.parent / "lib" / "*")])


# ---------------------------------------------------------------------------------------------
# the CSV files


class NotBulkable(ValueError):
    """A change set the import tool cannot take as it is (the caller uses MERGE instead)."""


def write_files(folder: Path, schema: Schema, changes: Changes) -> list[str]:
    """One CSV file per label and relationship group; the import tool's arguments for them."""
    replaced = observation_labels(schema)
    args: list[str] = []
    for label, rows in changes.nodes.items():
        key = schema.label(label).key
        merged: dict[str, dict[str, Any]] = {}
        for props in rows:  # as MERGE … SET n += row would leave them
            k = props.get(key)
            if not isinstance(k, str):
                raise NotBulkable(f"{label} key {k!r} is not a string")
            if label in replaced or k not in merged:
                merged[k] = dict(props)
            else:
                merged[k].update(props)
        path = folder / f"nodes-{label}.csv"
        names = sorted({p for props in merged.values() for p in props} - {key})
        header = [f"{key}:ID({label})", *_typed(names, merged.values())]
        _write(path, header, ([k, *(_cell(props.get(n)) for n in names)]
                              for k, props in merged.items()))
        args.append(f"--nodes={label}={path}")
    for (rtype, slabel, elabel), rrows in changes.rels.items():
        rels: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rrows:
            rels.setdefault((row.start, row.end), {}).update(row.props)
        path = folder / f"rels-{rtype}-{slabel}-{elabel}.csv"
        names = sorted({p for props in rels.values() for p in props})
        header = [f":START_ID({slabel})", f":END_ID({elabel})", *_typed(names, rels.values())]
        _write(path, header, ([s, e, *(_cell(props.get(n)) for n in names)]
                              for (s, e), props in rels.items()))
        args.append(f"--relationships={rtype}={path}")
    return args


def _typed(names: Sequence[str], rows: Iterable[dict[str, Any]]) -> list[str]:
    kinds: dict[str, set[str]] = {n: set() for n in names}
    for props in rows:
        for n, v in props.items():
            if n in kinds and v is not None:
                kinds[n].add(_kind(v))
    out = []
    for n in names:
        if len(kinds[n]) > 1:
            raise NotBulkable(f"property {n!r} has values of types {sorted(kinds[n])}")
        (kind,) = kinds[n] or {"string"}
        out.append(f"{n}:{kind}")
    return out


def _kind(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        inner = {_TYPES.get(type(v)) for v in value}
        if len(inner) > 1 or None in inner:
            raise NotBulkable(f"a list of mixed values: {value!r}")
        return f"{inner.pop() if inner else 'string'}[]"
    kind = _TYPES.get(type(value))
    if kind is None:
        raise NotBulkable(f"a {type(value).__name__} value: {value!r}")
    return kind


def _cell(value: Any) -> str | None:
    if value is None:
        return None  # written empty and unquoted: no property
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ARRAY_DELIMITER.join(_cell(v) or "" for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str | None]]) -> None:
    """CSV as the import tool reads it: every given value quoted (an empty string stays a
    property), an absent one left empty and unquoted (no property)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(_quote(h) for h in header) + "\n")
        for row in rows:
            f.write(",".join("" if v is None else _quote(v) for v in row) + "\n")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'

