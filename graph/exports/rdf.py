"""The whole map as RDF under the ontology's URIs, written as Turtle or JSON-LD.

The mapping (:mod:`tupu.loaders.rdf_source` reads it back; ``ontology/generated/tupu-shacl.ttl``
validates it):

- A node is the IRI ``<data_namespace><Label>/<key>`` (the key percent-encoded, so it never holds a
  ``/``), typed ``tupu:<Label>``. Each property is ``tupu:<name>`` with a literal of the XSD type of
  its ontology type: integer ``xsd:integer``, float ``xsd:double``, boolean ``xsd:boolean``, date
  ``xsd:date``; string and period are plain literals, which RDF 1.1 defines as ``xsd:string``
  (rdflib's JSON-LD writer drops an explicit ``^^xsd:string``, so plain keeps the Turtle and
  JSON-LD exports the same graph).
- A relationship is the direct triple ``start tupu:<TYPE> end``. When it has properties (its own or
  provenance) it is also reified as an ``rdf:Statement`` (``rdf:subject``, ``rdf:predicate``,
  ``rdf:object``) carrying them as ``tupu:<name>`` literals. The statement is named, not blank:
  ``<data_namespace>statement/<TYPE>/<start Label>/<start key>/<end Label>/<end key>``, so SHACL
  results and diffs say which relationship they are about.
- The notice of each dataset (e.g. that the sample city is fictional) is an ``rdfs:comment`` on its
  ``tupu:Dataset`` node; Turtle files also carry it as a comment in their first lines.

Turtle is written with a serializer that keeps every ``xsd:double`` in full: rdflib's own writes
doubles in six-digit scientific notation and loses precision (RDFLib issues #1852, #2918). JSON-LD
uses a context with one term per class, property (coerced to its XSD type) and relationship type
(coerced to ``@id``), and a prefix per label for node IRIs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal as TypingLiteral

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node as RdfNode

from tupu.errors import UsageError
from tupu.graph.analyses.notice import dataset_note
from tupu.graph.stores.deliveries import Provenance
from tupu.graph.stores.iris import label_prefixes, node_iri, statement_iri
from tupu.graph.stores.jsonld import jsonld_context
from tupu.graph.stores.model import Node, Relationship
from tupu.graph.stores.store import GraphStore
from tupu.ontology.schema import LabelDef, PropertyDef, RelTypeDef, Schema

RdfFormat = TypingLiteral["ttl", "jsonld"]
RDF_FORMATS: tuple[str, ...] = ("ttl", "jsonld")

# -- values ----------------------------------------------------------------------------------
def to_literal(value: Any, prop: PropertyDef) -> Literal:
    """The literal of a property value (see the module docstring for the types)."""
    if prop.type in ("string", "period"):
        return Literal(str(value))
    if prop.type == "integer":
        return Literal(int(value))
    if prop.type == "float":
        return Literal(float(value))
    if prop.type == "boolean":
        return Literal(bool(value))
    return Literal(value, datatype=XSD.date)


# -- building the graph ----------------------------------------------------------------------
def new_graph(schema: Schema) -> Graph:
    """An empty graph with the export's prefixes bound."""
    g = Graph(bind_namespaces="core")
    g.bind("tupu", Namespace(schema.namespace))
    for prefix, ns in label_prefixes(schema).items():
        g.bind(prefix, Namespace(ns))
    return g


def _add_props(
    g: Graph, schema: Schema, subject: URIRef, owner: LabelDef | RelTypeDef, props: Mapping[str, Any]
) -> None:
    ns = Namespace(schema.namespace)
    for name, value in sorted(props.items()):
        prop = schema.check_property(owner, name)
        g.add((subject, ns[name], to_literal(value, prop)))


def add_node(g: Graph, schema: Schema, node: Node) -> None:
    iri = node_iri(schema, node.ref)
    g.add((iri, RDF.type, Namespace(schema.namespace)[node.label]))
    _add_props(g, schema, iri, schema.label(node.label), node.props)
    if node.label == "Dataset":
        comment = dataset_note(node.props)
        if comment:
            g.add((iri, RDFS.comment, Literal(comment)))


def add_relationship(g: Graph, schema: Schema, rel: Relationship) -> None:
    predicate = Namespace(schema.namespace)[rel.type]
    start, end = node_iri(schema, rel.start), node_iri(schema, rel.end)
    g.add((start, predicate, end))
    if not rel.props:
        return
    st = statement_iri(schema, rel)
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, start))
    g.add((st, RDF.predicate, predicate))
    g.add((st, RDF.object, end))
    _add_props(g, schema, st, schema.rel(rel.type), rel.props)


def build_graph(store: GraphStore) -> Graph:
    """Every node and relationship of ``store`` as an RDF graph."""
    schema = store.schema
    g = new_graph(schema)
    prov = Provenance(store)  # facts written as before the Delivery record, so files do not change
    for label in schema.map_labels:
        for node in store.find_nodes(label):
            add_node(g, schema, Node(node.label, node.key, prov.expand(node.props)))
    for rtype in schema.relationships:
        for rel in store.find_relationships(rtype):
            add_relationship(g, schema, Relationship(rel.type, rel.start, rel.end,
                                                     prov.expand(rel.props)))
    return g


# -- writing ---------------------------------------------------------------------------------
_PN_LOCAL = re.compile(r"^(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})*$")


class _MapTurtle(TurtleSerializer):
    """rdflib's Turtle writer, with two changes for the map.

    ``xsd:double`` keeps its full lexical form. Node IRIs get their label prefix directly: rdflib
    would otherwise file every IRI whose key is not an XML name (``%40`` in an observation id)
    under a namespace of its own, and its prefix lookup grows slower with each one.
    """

    def __init__(self, store: Graph, schema: Schema) -> None:
        super().__init__(store)
        self.data_namespace = schema.data_namespace
        self.label_prefixes = {ns: prefix for prefix, ns in label_prefixes(schema).items()}

    _pnames: dict[tuple[RdfNode, bool], str | None]

    def reset(self) -> None:
        super().reset()
        self._pnames = {}

    def get_pname(self, uri: RdfNode, gen_prefix: bool = True) -> str | None:
        key = (uri, gen_prefix)
        if key not in self._pnames:
            self._pnames[key] = self._pname(uri, gen_prefix)
        return self._pnames[key]

    def _pname(self, uri: RdfNode, gen_prefix: bool) -> str | None:
        if not isinstance(uri, URIRef) or not uri.startswith(self.data_namespace):
            return super().get_pname(uri, gen_prefix)
        namespace, _, local = str(uri).rpartition("/")
        prefix = self.label_prefixes.get(namespace + "/")
        if prefix is None or not _PN_LOCAL.match(local) or local.endswith("."):
            return None
        self.addNamespace(prefix, URIRef(namespace + "/"))
        return f"{prefix}:{local}"

    def label(self, node: RdfNode, position: int) -> str:
        if isinstance(node, Literal) and node.datatype == XSD.double:
            return node.n3(self.store.namespace_manager)
        return str(super().label(node, position))


def serialize(g: Graph, schema: Schema, fmt: RdfFormat, notice: str = "") -> str:
    """``g`` as Turtle (with ``notice`` as a leading comment) or compact JSON-LD."""
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=jsonld_context(schema))
    if fmt != "ttl":
        raise UsageError(f"unknown RDF format {fmt!r}; use one of {RDF_FORMATS}")
    buf = io.BytesIO()
    _MapTurtle(g, schema).serialize(buf, encoding="utf-8")
    header = "".join(f"# {line}\n" for line in notice.splitlines() if line.strip())
    return header + buf.getvalue().decode("utf-8")


def write_rdf(store: GraphStore, path: Path, fmt: RdfFormat) -> Graph:
    """Write the whole map to ``path`` as Turtle or JSON-LD; returns the graph written."""
    g = build_graph(store)
    notes = [
        f"{ds.props.get('name', ds.key)}: {text}"
        for ds in store.find_nodes("Dataset")
        if (text := dataset_note(ds.props))
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(serialize(g, store.schema, fmt, "\n".join(notes)), encoding="utf-8")
    return g
