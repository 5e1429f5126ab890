"""A delivery's identity, stamped on every fact it writes (``prov_delivery``).

A delivery (one load) is named by its UTC start time and its sources' fingerprint:
``20250612T101500Z-3f2a9c1b0d7e``. The fingerprint is the SHA-256 of the names and contents of
every file given (a folder: every file in it), whatever order they were given in.

Every fact of the delivery refers to its ``Delivery`` node instead of repeating the file name and
time (:mod:`tupu.graph.stores.deliveries`): ``prov_delivery``, ``prov_file`` (the index of its file
in the delivery's ``files``) and ``prov_row``. A fact that names another delivery or its own load
time (read from a Turtle or JSON-LD export) keeps what it gives, with ``prov_file`` -1 (``OWN``).

A store that writes a large delivery in chunks keeps its ``Delivery`` node ``loading`` until
its last chunk. Loading the same sources again (the same fingerprint) while such a delivery is
unfinished takes over its id and start time, so what the interrupted load wrote and what the new
one writes are one delivery, and the store marks it complete at the end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from tupu.graph.stores.deliveries import DELIVERY_PROP, FILE, LOADED_AT, OWN, SOURCE
from tupu.graph.stores.model import Props, RelRow
from tupu.graph.stores.store import DeliveryRecord, GraphStore
from tupu.loaders.delivery import Delivery

_BLOCK = 1 << 20


def _files(path: Path) -> Iterator[tuple[str, Path]]:
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_file():
                yield f"{path.name}/{f.relative_to(path).as_posix()}", f
    elif path.is_file():
        yield path.name, path


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def fingerprint(paths: Sequence[Path]) -> str:
    """SHA-256 of the sorted (name, content hash) of every file under ``paths``."""
    entries = sorted({(name, _digest(f)) for p in paths for name, f in _files(p)})
    h = hashlib.sha256()
    for name, digest in entries:
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()


def delivery_id(fingerprint: str, loaded_at: str) -> str:
    """``<UTC time, compact>-<first 12 hex digits of the fingerprint>``."""
    compact = "".join(c for c in loaded_at.split("+")[0] if c.isalnum())
    return f"{compact}Z-{fingerprint[:12]}"


def stamp(d: Delivery, ident: str, loaded_at: str) -> tuple[str, ...]:
    """Set ``prov_delivery`` on every row that has none (an RDF file may give its own); on the
    rows of this delivery, replace ``prov_source`` by its index ``prov_file`` and drop this load's
    ``prov_loaded_at`` (the ``Delivery`` node holds both). The files, in index order."""
    before = d.loaded_at

    def mine(props: Props) -> bool:  # a fact of this delivery that names its file
        return (props.get(DELIVERY_PROP, ident) == ident
                and props.get(LOADED_AT, before) in (before, loaded_at) and SOURCE in props)

    # a first read for the files (the rows may be on disk: loaders/spool.py), then one rewrite;
    # sorted: a fact's index does not depend on the order the files were given in
    names = {str(p[SOURCE]) for rows in d.changes.nodes.values() for p in rows if mine(p)}
    names |= {str(r.props[SOURCE]) for rows in d.changes.rels.values() for r in rows
              if mine(r.props)}
    files = sorted(names)
    index = {name: i for i, name in enumerate(files)}

    def one(props: Props) -> Props:
        if mine(props):
            props.pop(LOADED_AT, None)
            props[FILE] = index[str(props.pop(SOURCE))]
        elif SOURCE in props or LOADED_AT in props:
            props[FILE] = OWN  # another delivery's or another time's fact, as an export gives it
        props.setdefault(DELIVERY_PROP, ident)
        return props

    def rel(row: RelRow) -> RelRow:
        one(row.props)
        return row

    for label in list(d.changes.nodes):
        d.changes.rewrite_nodes(label, one)
    for group in list(d.changes.rels):
        d.changes.rewrite_rels(group, rel)
    d.loaded_at = loaded_at
    return tuple(files)


def begin_delivery(d: Delivery, paths: Sequence[Path], store: GraphStore) -> DeliveryRecord:
    """Name the delivery (taking over an unfinished one of the same sources) and stamp its rows."""
    fp = fingerprint(paths)
    unfinished = [n for n in store.unfinished_deliveries() if n.props.get("fingerprint") == fp]
    if unfinished:
        last = max(unfinished, key=lambda n: (str(n.props.get("started_at", "")), n.key))
        ident, started = last.key, str(last.props.get("started_at") or d.loaded_at)
    else:
        ident, started = delivery_id(fp, d.loaded_at), d.loaded_at
    files = stamp(d, ident, started)
    return DeliveryRecord(ident, fp, tuple(d.sources), started, files, started)
