"""The ontology as OWL in Turtle (``ontology/generated/tupu.ttl``), generated from schema.yaml.

One ``owl:Class`` per label, one ``owl:ObjectProperty`` per relationship type (domain and range
from its pairs) and one ``owl:DatatypeProperty`` per property name, each with ``rdfs:label`` in
Chinese and English. Regenerate with ``python -m tupu.ontology.generate``.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from tupu.errors import SchemaError
from tupu.ontology.schema import PropertyDef, Schema

XSD_TYPES = {
    "string": XSD.string,
    "integer": XSD.integer,
    "float": XSD.double,
    "boolean": XSD.boolean,
    "date": XSD.date,
    "period": XSD.string,
}


def _labels(g: Graph, node: URIRef, zh: str, en: str) -> None:
    g.add((node, RDFS.label, Literal(zh, lang="zh")))
    g.add((node, RDFS.label, Literal(en, lang="en")))


def _domain(g: Graph, prop: URIRef, predicate: URIRef, classes: list[URIRef]) -> None:
    if len(classes) == 1:
        g.add((prop, predicate, classes[0]))
        return
    union = BNode()
    members = BNode()
    items: list[Node] = list(classes)
    Collection(g, members, items)
    g.add((union, RDF.type, OWL.Class))
    g.add((union, OWL.unionOf, members))
    g.add((prop, predicate, union))


def build_owl(schema: Schema) -> Graph:
    """The OWL graph of ``schema``."""
    shared = schema.shared_properties
    ns = Namespace(schema.namespace)
    g = Graph()
    g.bind("tupu", ns)
    g.bind("owl", OWL)
    onto = URIRef(schema.namespace.rstrip("#/"))
    g.add((onto, RDF.type, OWL.Ontology))
    _labels(g, onto, "产业图谱本体", "tupu industry-map ontology")
    g.add((onto, OWL.versionInfo, Literal(str(schema.version))))

    uses: dict[str, list[tuple[str, PropertyDef]]] = defaultdict(list)
    for label in schema.labels.values():
        cls = ns[label.name]
        g.add((cls, RDF.type, OWL.Class))
        _labels(g, cls, label.label_zh, label.label_en)
        if label.description:
            g.add((cls, RDFS.comment, Literal(label.description, lang="en")))
        for p in label.properties.values():
            uses[p.name].append((label.name, p))
    for rel in schema.relationships.values():
        op = ns[rel.name]
        g.add((op, RDF.type, OWL.ObjectProperty))
        _labels(g, op, rel.label_zh, rel.label_en)
        _domain(g, op, RDFS.domain, [ns[s] for s in rel.start_labels])
        _domain(g, op, RDFS.range, [ns[e] for e in rel.end_labels])
        for p in rel.properties.values():
            uses[p.name].append((rel.name, p))
    for name, p in schema.provenance.items():
        uses[name].append(("", p))

    for name, owners in sorted(uses.items()):
        dp = ns[name]
        types = {p.type for _, p in owners}
        if len(types) != 1:
            raise SchemaError(f"property {name!r} has different types {sorted(types)}; rename one")
        wordings = {(p.label_zh, p.label_en) for _, p in owners}
        if len(wordings) > 1 and name not in shared:
            raise SchemaError(
                f"property {name!r} is worded differently by its owners; add it to "
                "shared_properties in schema.yaml"
            )
        zh, en = shared.get(name) or next(iter(wordings))
        g.add((dp, RDF.type, OWL.DatatypeProperty))
        _labels(g, dp, zh, en)
        g.add((dp, RDFS.range, XSD_TYPES[next(iter(types))]))
        classes = [ns[o] for o, _ in owners if o in schema.labels]
        if classes and len(classes) == len(owners):
            _domain(g, dp, RDFS.domain, sorted(set(classes)))
        units = {p.unit for _, p in owners if p.unit}
        if len(units) == 1:
            g.add((dp, ns["unit"], Literal(units.pop())))
    g.add((ns["unit"], RDF.type, OWL.AnnotationProperty))
    _labels(g, ns["unit"], "计量单位", "unit")
    return g
