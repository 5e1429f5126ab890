"""A delivery's identity, stamped on every fact it writes (``prov_delivery``).

A delivery (one load) is named by its UTC start time and its sources' fingerprint:
``20250612T101500Z-3f2a9c1b0d7e``. The fingerprint is the SHA-256 of the names and contents of
every file given (a folder: every file in it), whatever order they were given in.

A store that writes a large delivery in chunks records it as a ``Delivery`` node, ``loading`` until
its last chunk. Loading the same sources again (the same fingerprint) while such a delivery is
unfinished takes over its id and start time, so what the interrupted load wrote and what the new
one writes are one delivery, and the store marks it complete at the end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

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


def stamp(d: Delivery, ident: str, loaded_at: str) -> None:
    """Set ``prov_delivery`` on every row that has none (an RDF file may give its own), and move
    rows stamped with this load's time to ``loaded_at``."""
    before = d.loaded_at

    def one(props: Props) -> Props:
        props.setdefault("prov_delivery", ident)
        if props.get("prov_loaded_at") == before:
            props["prov_loaded_at"] = loaded_at
        return props

    def rel(row: RelRow) -> RelRow:
        one(row.props)
        return row

    for label in list(d.changes.nodes):
        d.changes.rewrite_nodes(label, one)
    for group in list(d.changes.rels):
        d.changes.rewrite_rels(group, rel)
    d.loaded_at = loaded_at


def begin_delivery(d: Delivery, paths: Sequence[Path], store: GraphStore) -> DeliveryRecord:
    """Name the delivery (taking over an unfinished one of the same sources) and stamp its rows."""
    fp = fingerprint(paths)
    unfinished = [n for n in store.unfinished_deliveries() if n.props.get("fingerprint") == fp]
    if unfinished:
        last = max(unfinished, key=lambda n: (str(n.props.get("started_at", "")), n.key))
        ident, started = last.key, str(last.props.get("started_at") or d.loaded_at)
    else:
        ident, started = delivery_id(fp, d.loaded_at), d.loaded_at
    stamp(d, ident, started)
    return DeliveryRecord(ident, fp, tuple(d.sources), started)
