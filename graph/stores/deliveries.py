"""A fact's provenance, read back from its ``Delivery``.

A load writes one ``Delivery`` node (key ``id``: its UTC start time and a hash of its sources)
holding the names of the files its facts came from (``files``, a JSON list) and its time
(``loaded_at``). Each node and relationship it writes keeps only references to it:

- ``prov_delivery``: the delivery's id;
- ``prov_file``: the index of the fact's file in the delivery's ``files``;
- ``prov_row``: the fact's row in that file.

Facts written before the ``Delivery`` record carry the file name and time themselves
(``prov_source``, ``prov_loaded_at``); so does a fact read from a Turtle or JSON-LD export that
gives its own provenance, written with ``prov_file`` = :data:`OWN` (-1: "the fact names its file").
:class:`Provenance` reads both forms: :meth:`Provenance.expand` gives the four properties
``prov_delivery``, ``prov_source``, ``prov_row`` and ``prov_loaded_at`` whatever the form. Stores
are never migrated, and a write only adds or overwrites properties, so a fact of the former form
that a later delivery updates keeps its former strings beside the references: a ``prov_file`` of 0
or more says the references are the latest, and its delivery's file and time win.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tupu.graph.stores.store import DELIVERY, GraphStore

DELIVERY_PROP, FILE, SOURCE, ROW, LOADED_AT = (
    "prov_delivery", "prov_file", "prov_source", "prov_row", "prov_loaded_at")
EXPANDED = (DELIVERY_PROP, SOURCE, ROW, LOADED_AT)
"""The provenance a fact reads as (and exports write), in this order."""
OWN = -1
"""``prov_file`` of a fact that names its file and time itself (``prov_source``, ``prov_loaded_at``)."""


def _references(props: Mapping[str, Any]) -> bool:
    """Whether the fact's file and time are its delivery's (its latest write was by reference)."""
    index = props.get(FILE)
    return isinstance(index, int) and index >= 0


def files_of(record: Mapping[str, Any] | None) -> list[str]:
    """The ``files`` of a ``Delivery`` node's properties (empty when it has none)."""
    raw = record.get("files") if record is not None else None
    if not raw:
        return []
    names = json.loads(str(raw))
    return [str(n) for n in names] if isinstance(names, list) else []


def expand(props: Mapping[str, Any], record: Mapping[str, Any] | None) -> dict[str, Any]:
    """``props`` with its provenance in the four-property form: a reference ``prov_file`` replaced
    by the file name it indexes in ``record`` (the properties of the fact's ``Delivery`` node, or
    None), with ``record``'s ``loaded_at``; a fact that names its file and time keeps them."""
    out = {k: v for k, v in props.items() if k != FILE}
    if not _references(props) or record is None:
        return out  # the former form, a fact that names its own, or an unknown delivery
    files = files_of(record)
    index = int(props[FILE])
    if index < len(files):
        out[SOURCE] = files[index]
    if record.get("loaded_at"):
        out[LOADED_AT] = record["loaded_at"]
    return out


def load_time_key(props: Mapping[str, Any]) -> str:
    """When a fact was loaded, as ``YYYYMMDDTHHMMSS`` text that sorts in time order, in either
    form: from the start of ``prov_delivery`` (whose id begins with its compact UTC time) for a
    fact written by reference, else from ``prov_loaded_at`` (ISO 8601) when it has one; empty
    when the fact has neither."""
    loaded = props.get(LOADED_AT)
    delivery = props.get(DELIVERY_PROP)
    if loaded and not (_references(props) and delivery):
        return "".join(c for c in str(loaded).split("+")[0] if c.isalnum())
    return str(delivery).split("Z", 1)[0] if delivery else ""


class Provenance:
    """Expands facts' provenance against a store's ``Delivery`` nodes, reading each once."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._records: dict[str, Mapping[str, Any] | None] = {}

    def record(self, delivery: str) -> Mapping[str, Any] | None:
        """The properties of the ``Delivery`` node ``delivery`` (None when there is none)."""
        if delivery not in self._records:
            node = self.store.get_node(DELIVERY, delivery)
            self._records[delivery] = node.props if node is not None else None
        return self._records[delivery]

    def expand(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """``props`` with the four-property provenance (see :func:`expand`)."""
        delivery = props.get(DELIVERY_PROP)
        if not _references(props) or not delivery:
            return expand(props, None)
        return expand(props, self.record(str(delivery)))
