"""The IRIs of the map's nodes and reified relationships under the data namespace.

The mapping of :mod:`tupu.graph.exports.rdf` (which writes it) and :mod:`tupu.loaders.rdf_source`
(which reads it back), kept in the stores layer so that both can use it.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from rdflib import URIRef

from tupu.graph.stores.model import NodeRef, Relationship
from tupu.ontology.schema import Schema

STATEMENT = "statement"


def node_iri(schema: Schema, ref: NodeRef) -> URIRef:
    """``<data_namespace><Label>/<percent-encoded key>``."""
    return URIRef(f"{schema.data_namespace}{ref.label}/{quote(ref.key, safe='')}")


def parse_node_iri(schema: Schema, iri: str) -> NodeRef | None:
    """The (label, key) a node IRI names; None when it is not of that form. The label is unchecked."""
    if not iri.startswith(schema.data_namespace):
        return None
    label, sep, key = iri[len(schema.data_namespace):].partition("/")
    if not sep or not label or not key or "/" in key:
        return None
    return NodeRef(label, unquote(key))


def statement_iri(schema: Schema, rel: Relationship) -> URIRef:
    """The IRI of the reified statement of ``rel``."""
    s, e = rel.start, rel.end
    return URIRef(
        f"{schema.data_namespace}{STATEMENT}/{rel.type}/{s.label}/{quote(s.key, safe='')}"
        f"/{e.label}/{quote(e.key, safe='')}"
    )


def label_prefixes(schema: Schema) -> dict[str, str]:
    """A prefix per label for node IRIs: ``enterprise:`` → ``<data_namespace>Enterprise/``."""
    return {label.lower(): f"{schema.data_namespace}{label}/" for label in schema.labels}
