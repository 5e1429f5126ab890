"""SHACL shapes generated from schema.yaml (``ontology/generated/tupu-shacl.ttl``), and validation.

The shapes check an RDF export (see :mod:`tupu.graph.exports.rdf` for the mapping). For each label
``L`` (shape names are in ``<ontology>/shapes#``, prefix ``tupush:``):

- ``tupush:L``, a closed ``sh:NodeShape`` with ``sh:targetClass tupu:L``: a node may carry only
  the label's properties, provenance, relationship predicates, ``rdf:type``, ``rdfs:label`` and
  ``rdfs:comment`` (they are listed as ``sh:ignoredProperties``, SHACL's list of what a closed shape
  accepts besides its property shapes);
- ``tupush:L-<property>``, a ``sh:PropertyShape`` per property and provenance property, with the
  same ``sh:targetClass``: ``sh:datatype``, ``sh:maxCount 1``, ``sh:minCount 1`` when required,
  ``sh:in`` for enumerations, ``sh:pattern`` for periods;
- ``tupush:L-<TYPE>`` per relationship type ``L`` may start: its values must be of an allowed end
  class (``sh:class``, or ``sh:or`` of ``sh:class`` when several are allowed).

The property shapes carry their own target instead of hanging from the node shape by
``sh:property``: the two mean the same, but pyshacl evaluates a nested property shape once per
focus node and a targeted one once for all of them (on the sample city, 7 s instead of 25 s).

Per relationship type, ``tupush:<TYPE>-start`` (``sh:targetSubjectsOf tupu:<TYPE>``) requires an
allowed start class. For the reified statements (``rdf:Statement``), a closed shape and property
shapes check ``rdf:subject``/``rdf:predicate``/``rdf:object`` and the relationship properties and
provenance. Each property name has one type across the ontology (the OWL generator enforces it), so
a statement's properties are checked by name; the importer checks which type owns which property.

``sh:class`` needs the end node's type in the same graph, so the shapes validate whole exports; the
importer (:mod:`tupu.loaders.rdf_source`) also resolves ends that are only in the store.
:func:`validate` runs pyshacl and returns one :class:`Violation` per result, worded for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from tupu.ontology.owl import XSD_TYPES
from tupu.ontology.schema import PropertyDef, Schema, load_schema

PERIOD_PATTERN = "^[0-9]{4}Q[1-4]$"
IGNORED = (RDF.type, RDFS.label, RDFS.comment)
"""Predicates any node may carry besides its properties (the dataset notice is an rdfs:comment)."""


def shapes_namespace(schema: Schema) -> Namespace:
    """``<ontology>/shapes#``: where the shapes are named (kept apart from the ontology's terms)."""
    return Namespace(schema.namespace.rstrip("#/") + "/shapes#")


def _a(label: str) -> str:
    return f"{'an' if label[:1] in 'AEIOU' else 'a'} {label}"


def _any_of(labels: Sequence[str]) -> str:
    return " or ".join(_a(label) for label in labels)


class _Builder:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.ns = Namespace(schema.namespace)
        self.shs = shapes_namespace(schema)
        self.g = Graph()
        self.g.bind("sh", SH)
        self.g.bind("tupu", self.ns)
        self.g.bind("tupush", self.shs)

    def rdf_list(self, items: Sequence[Node]) -> BNode:
        head = BNode()
        Collection(self.g, head, list(items))
        return head

    def property_shape(self, owner: str, target: URIRef, prop: PropertyDef, required: bool) -> URIRef:
        ps = self.shs[f"{owner}-{prop.name}"]
        g = self.g
        g.add((ps, RDF.type, SH.PropertyShape))
        g.add((ps, SH.targetClass, target))
        g.add((ps, SH.path, self.ns[prop.name]))
        g.add((ps, SH.name, Literal(prop.name)))
        g.add((ps, SH.datatype, XSD_TYPES[prop.type]))
        g.add((ps, SH.maxCount, Literal(1)))
        if required:
            g.add((ps, SH.minCount, Literal(1)))
        if prop.values:
            g.add((ps, SH["in"], self.rdf_list([Literal(v) for v in prop.values])))
        if prop.type == "period":
            g.add((ps, SH.pattern, Literal(PERIOD_PATTERN)))
        return ps

    def class_constraint(self, shape: URIRef, labels: Sequence[str]) -> None:
        """``sh:class`` of one label, or ``sh:or`` of several."""
        if len(labels) == 1:
            self.g.add((shape, SH["class"], self.ns[labels[0]]))
            return
        options: list[Node] = []
        for label in labels:
            option = BNode()
            self.g.add((option, SH["class"], self.ns[label]))
            options.append(option)
        self.g.add((shape, SH["or"], self.rdf_list(options)))

    def closed_shape(self, name: str, target: URIRef, allowed: Sequence[URIRef]) -> None:
        """A node shape that refuses every predicate but ``allowed`` (and rdf:type, labels)."""
        shape = self.shs[name]
        self.g.add((shape, RDF.type, SH.NodeShape))
        self.g.add((shape, SH.targetClass, target))
        self.g.add((shape, SH.closed, Literal(True)))
        self.g.add((shape, SH.ignoredProperties, self.rdf_list([*IGNORED, *allowed])))

    def label_shapes(self) -> None:
        rel_predicates = [self.ns[r] for r in self.schema.relationships]
        for label in self.schema.labels.values():
            cls = self.ns[label.name]
            props = [*label.properties.values(), *self.schema.provenance.values()]
            self.closed_shape(label.name, cls, [*(self.ns[p.name] for p in props), *rel_predicates])
            for prop in props:
                self.property_shape(label.name, cls, prop, prop.required)
            for rel in self.schema.relationships.values():
                ends = [e for s, e in rel.pairs if s == label.name]
                if not ends:
                    continue
                ps = self.shs[f"{label.name}-{rel.name}"]
                self.g.add((ps, RDF.type, SH.PropertyShape))
                self.g.add((ps, SH.targetClass, cls))
                self.g.add((ps, SH.path, self.ns[rel.name]))
                self.g.add((ps, SH.nodeKind, SH.IRI))
                self.class_constraint(ps, ends)
                self.g.add((ps, SH.message, Literal(
                    f"{rel.name} from {_a(label.name)} must end at {_any_of(ends)}"
                )))

    def relationship_shapes(self) -> None:
        for rel in self.schema.relationships.values():
            shape = self.shs[f"{rel.name}-start"]
            starts = list(rel.start_labels)
            self.g.add((shape, RDF.type, SH.NodeShape))
            self.g.add((shape, SH.targetSubjectsOf, self.ns[rel.name]))
            self.class_constraint(shape, starts)
            self.g.add((shape, SH.message, Literal(
                f"{rel.name} must start at {_any_of(starts)}"
            )))

    def statement_shape(self) -> None:
        props: dict[str, PropertyDef] = {}
        for rel in self.schema.relationships.values():
            for p in rel.properties.values():
                if p.name in props and props[p.name].values != p.values:
                    p = replace(p, values=None)  # allowed values differ by type: checked on import
                props[p.name] = p
        props.update(self.schema.provenance)
        parts = (RDF.subject, RDF.predicate, RDF.object)
        self.closed_shape("Statement", RDF.Statement,
                          [*parts, *(self.ns[name] for name in props)])
        g = self.g
        for part in parts:
            ps = self.shs[f"Statement-{part.split('#')[-1]}"]
            g.add((ps, RDF.type, SH.PropertyShape))
            g.add((ps, SH.targetClass, RDF.Statement))
            g.add((ps, SH.path, part))
            g.add((ps, SH.nodeKind, SH.IRI))
            g.add((ps, SH.minCount, Literal(1)))
            g.add((ps, SH.maxCount, Literal(1)))
            if part == RDF.predicate:
                rels: list[Node] = [self.ns[r] for r in self.schema.relationships]
                g.add((ps, SH["in"], self.rdf_list(rels)))
        for prop in props.values():
            self.property_shape("Statement", RDF.Statement, prop, False)


def build_shapes(schema: Schema) -> Graph:
    """The SHACL shapes graph of ``schema``."""
    b = _Builder(schema)
    b.label_shapes()
    b.relationship_shapes()
    b.statement_shape()
    return b.g


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node it is about, the property (if any) and what is wrong."""

    focus: str
    path: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.focus if self.path is None else f"{self.focus} {self.path}"
        shown = "" if self.value is None else f" (value {self.value})"
        return f"{where}: {self.message}{shown}"


def _short(g: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef | Literal | BNode):
        return node.n3(g.namespace_manager)
    return str(node)


def _message(component: Node | None, path: str | None, datatype: str | None, fallback: str) -> str:
    name = path or "the node"
    if component == SH.MinCountConstraintComponent:
        return f"{name} is required; add it"
    if component == SH.MaxCountConstraintComponent:
        return f"{name} has more than one value; keep one"
    if component == SH.DatatypeConstraintComponent and datatype is not None:
        return f"{name} must be a literal of type {datatype}"
    if component == SH.InConstraintComponent:
        return f"{name} is not one of the allowed values"
    if component == SH.PatternConstraintComponent:
        return f"{name} must be a quarter written yyyyQn, e.g. 2025Q2"
    if component == SH.ClosedConstraintComponent:
        return f"{name} is not a property of this class in the ontology; remove or rename it"
    return fallback


def validate(data_graph: Graph, schema: Schema | None = None) -> list[Violation]:
    """Validate ``data_graph`` against the shapes of ``schema``; one violation per SHACL result."""
    from pyshacl import validate as shacl_validate  # imported here: a heavy import

    schema = schema or load_schema()
    shapes = build_shapes(schema)
    conforms, report, _ = shacl_validate(
        data_graph, shacl_graph=shapes, inference="none", advanced=False
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    names = Graph()
    for prefix, uri in data_graph.namespaces():
        names.bind(prefix, uri, override=False)
    names.bind("tupu", Namespace(schema.namespace), override=True, replace=True)
    out: list[Violation] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = _short(names, report.value(result, SH.resultPath))
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        datatype = shapes.value(shape, SH.datatype) if shape is not None else None
        out.append(Violation(
            focus=_short(names, report.value(result, SH.focusNode)) or "?",
            path=path,
            message=_message(
                report.value(result, SH.sourceConstraintComponent), path,
                _short(names, datatype), str(report.value(result, SH.resultMessage) or ""),
            ),
            value=_short(names, value),
        ))
    return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))
