"""Read a Turtle or JSON-LD file into a :class:`~tupu.loaders.delivery.Delivery`.

The file follows the mapping of :mod:`tupu.graph.exports.rdf` (what ``tupu export ttl|jsonld``
writes). Like the canonical reader, this validates every triple against the ontology and adds rows
and problems; nothing is written here. A node is a subject typed with one ``tupu:<Label>`` and
carrying its key property; any IRI (or blank node) may name it, but an IRI of the form
``<data_namespace><Label>/<key>`` must agree with the node's label and key. A relationship is a
direct triple ``start tupu:<TYPE> end``; its ends are nodes of the file or node IRIs of nodes
already in the store. Its properties come from an ``rdf:Statement`` that reifies that triple.
``rdfs:label`` and ``rdfs:comment`` (the dataset notice) are allowed anywhere and ignored.

Provenance (``prov_*``) is kept as the file gives it; what is missing is filled in from this load
(source = the file, loaded at = now, no row).

Problems name the file and, as the column, the property or relationship type (``rdf:type`` for a
class). RDF has no rows, and rdflib does not keep the order of triples, so the row is None (the line
for a syntax error) and the message names the node's IRI instead. Where the delivery needs a row
number (relationship ends checked against the store, where a node was first given) 0 stands in.

Nothing is fetched while a file is parsed (files from outside are hostile): a JSON-LD file is read
as JSON first, and every ``@context`` in it must be inline, or name tupu's own context
(:func:`~tupu.graph.stores.jsonld.context_iri`), which is replaced by the bundled copy; any other
reference (``http:``, ``file:``, a relative path, an ``@import``) is refused before rdflib sees
the document. Turtle has no way to fetch. Files over ``max_rdf_bytes`` are refused unread (rdflib
parses a file whole), and literals with control characters are refused.
"""

from __future__ import annotations

import copy
import json
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node as RdfNode

from tupu.graph.stores.model import NodeRef, Props, RelRow, Value
from tupu.graph.stores.iris import parse_node_iri
from tupu.graph.stores.jsonld import context_iri, jsonld_context
from tupu.loaders.delivery import Delivery, Reference
from tupu.loaders.guard import control_char
from tupu.loaders.uscc import looks_like_uscc, uscc_problem
from tupu.ontology.owl import XSD_TYPES
from tupu.ontology.schema import LabelDef, PropertyDef, RelTypeDef, Schema
from tupu.ontology.values import CellError, parse_cell
from tupu.messages import msg
from tupu.settings import Limits, current_limits

PARSER_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}
RDF_TYPE, RDF_STATEMENT = RDF.type, RDF.Statement
STATEMENT_PARTS = (RDF.subject, RDF.predicate, RDF.object)
ALLOWED = frozenset((RDF_TYPE, RDFS.label, RDFS.comment))
"""Predicates outside the ontology that any subject may have (statements also their parts)."""
NO_ROW: int | None = None
EXAMPLES = {
    "string": '"text"',
    "period": '"2025Q2"',
    "integer": "120",
    "float": '"5200.5"^^xsd:double',
    "boolean": "true",
    "date": '"2016-03-02"^^xsd:date',
}

Triple = tuple[RdfNode, RdfNode, RdfNode]


# -- literals --------------------------------------------------------------------------------
def literal_value(term: RdfNode, prop: PropertyDef) -> Value | None:
    """The value of ``term`` for ``prop`` (None for an empty string); raises :class:`CellError`."""
    xsd = f"xsd:{str(XSD_TYPES[prop.type]).rsplit('#', 1)[-1]}"
    example = EXAMPLES[prop.type]
    if not isinstance(term, Literal):
        raise CellError(msg("rdf.literal_not_node", prop=prop.name, example=example))
    if prop.type in ("string", "period"):
        ok = term.datatype == XSD.string or (term.datatype is None and term.language is None)
    else:
        ok = term.datatype == XSD_TYPES[prop.type]
    if not ok:
        raise CellError(msg("rdf.literal_type", prop=prop.name, xsd=xsd, example=example))
    if term.ill_typed:
        raise CellError(msg("rdf.literal_invalid", prop=prop.name, value=str(term), xsd=xsd,
                            example=example))
    char = control_char(str(term))
    if char is not None:
        raise CellError(msg("file.rdf_control_char", prop=prop.name, char=char))
    if prop.type == "boolean":
        return bool(term.value)
    return parse_cell(str(term), prop)


# -- the graph reader ------------------------------------------------------------------------
PropertyObjects = list[tuple[RdfNode, RdfNode]]


@dataclass
class _Reader:
    d: Delivery
    source: str
    schema: Schema
    po: dict[RdfNode, PropertyObjects]  # subject → its (predicate, object) pairs
    triples: set[Triple]
    refs: dict[RdfNode, NodeRef] = field(default_factory=dict)
    reported: set[RdfNode] = field(default_factory=set)  # subjects already refused
    rel_props: dict[Triple, Props] = field(default_factory=dict)
    refused: set[Triple] = field(default_factory=set)  # relationships whose statement was refused
    names: dict[RdfNode, str] = field(default_factory=dict)  # how problems name statements

    @classmethod
    def of(cls, d: Delivery, g: Graph, source: str, schema: Schema) -> _Reader:
        po: dict[RdfNode, PropertyObjects] = {}
        triples: set[Triple] = set()
        for s, p, o in g:
            po.setdefault(s, []).append((p, o))
            triples.add((s, p, o))
        return cls(d, source, schema, dict(sorted(po.items(), key=lambda kv: str(kv[0]))), triples)

    def local(self, iri: RdfNode) -> str | None:
        """The name of a ``tupu:`` term, or None for any other term."""
        ns = self.schema.namespace
        if isinstance(iri, URIRef) and iri.startswith(ns):
            return str(iri)[len(ns):]
        return None

    def problem(self, subject: RdfNode, column: str | None, value: str | None, message: str) -> None:
        who = self.names.get(subject) or subject.n3()
        self.d.problem(self.source, None, column, value, f"{who}: {message}")

    def prop_value(self, subject: RdfNode, term: RdfNode, prop: PropertyDef) -> Value | None:
        try:
            return literal_value(term, prop)
        except CellError as e:
            self.problem(subject, prop.name, term.n3(), str(e))
            self.reported.add(subject)
            return None

    def provenance(self, props: Props) -> None:
        props.setdefault("prov_source", self.source)
        props.setdefault("prov_loaded_at", self.d.loaded_at)

    def properties(self, subject: RdfNode, owner: LabelDef | RelTypeDef) -> Props | None:
        """The typed ``tupu:`` properties of ``subject``; None (after problems) if any is bad."""
        props: Props = {}
        ok = True
        for p, o in self.po[subject]:
            name = self.local(p)
            if name is None or name in self.schema.relationships:
                continue  # other predicates and relationships are checked on their own
            prop = owner.properties.get(name) or self.schema.provenance.get(name)
            if prop is None:
                self.problem(subject, name, None,
                             msg("rdf.no_property", owner=owner.name, name=name,
                                 known="、".join(owner.properties) or "-"))
                ok = False
                continue
            value = self.prop_value(subject, o, prop)
            if value is None:
                ok = ok and subject not in self.reported
            elif name in props:
                self.problem(subject, name, o.n3(), msg("rdf.two_values", name=name))
                ok = False
            else:
                props[name] = value
        if not ok:
            self.reported.add(subject)
        return props if ok else None

    # -- nodes --
    def label_of(self, subject: RdfNode) -> LabelDef | None:
        labels: list[LabelDef] = []
        for p, t in self.po[subject]:
            if p != RDF_TYPE:
                continue
            name = self.local(t)
            if name is not None and name in self.schema.map_labels:
                labels.append(self.schema.labels[name])
            elif name is not None:
                self.problem(subject, "rdf:type", t.n3(),
                             msg("rdf.unknown_class", name=name,
                                 known="、".join(self.schema.map_labels)))
                self.reported.add(subject)
            elif t != RDF_STATEMENT:
                self.problem(subject, "rdf:type", t.n3(), msg("rdf.not_a_class"))
                self.reported.add(subject)
        if len(labels) > 1:
            self.problem(subject, "rdf:type", None,
                         msg("rdf.many_classes", count=len(labels),
                             names="、".join(lbl.name for lbl in labels)))
            self.reported.add(subject)
            return None
        return labels[0] if labels else None

    def read_node(self, subject: RdfNode, ldef: LabelDef) -> None:
        props = self.properties(subject, ldef)
        if props is None:
            return
        for name in ldef.required:
            if name not in props:
                key = "rdf.missing_key" if name == ldef.key else "rdf.missing_required"
                self.problem(subject, name, None, msg(key, name=name, label=ldef.name))
                self.reported.add(subject)
        if subject in self.reported:
            return
        key = str(props[ldef.key])
        why = self.key_problem(subject, ldef, key)
        if why is not None:
            self.problem(subject, ldef.key, key, why)
            self.reported.add(subject)
            return
        self.d.node_origin[(ldef.name, key)] = (self.source, NO_ROW)
        self.provenance(props)
        self.d.changes.add_node(ldef.name, props)
        self.refs[subject] = NodeRef(ldef.name, key)

    def key_problem(self, subject: RdfNode, ldef: LabelDef, key: str) -> str | None:
        if ldef.name == "Enterprise" and looks_like_uscc(key):
            why = uscc_problem(key)
            if why:
                return why
        named = parse_node_iri(self.schema, str(subject)) if isinstance(subject, URIRef) else None
        if named is not None and named != NodeRef(ldef.name, key):
            return msg("rdf.iri_key_mismatch", named_label=named.label, named_key=named.key,
                       label=ldef.name, key=key)
        seen = self.d.node_origin.get((ldef.name, key))
        if seen is not None:
            return msg("rdf.duplicate_key", label=ldef.name, where=seen[0])
        return None

    def read_subjects(self) -> None:
        for subject, pairs in self.po.items():
            statement = (RDF_TYPE, RDF_STATEMENT) in pairs
            for p in dict.fromkeys(p for p, _ in pairs):
                if p not in ALLOWED and self.local(p) is None and not (
                    statement and p in STATEMENT_PARTS
                ):
                    self.problem(subject, p.n3(), None, msg("rdf.foreign_predicate"))
            ldef = self.label_of(subject)
            if statement:
                if ldef is not None:
                    self.problem(subject, "rdf:type", None, msg("rdf.statement_and_node"))
                else:
                    self.read_statement(subject)
            elif ldef is not None:
                self.read_node(subject, ldef)
            elif subject not in self.reported and any(
                (name := self.local(p)) is not None and name not in self.schema.relationships
                for p, _ in pairs
            ):
                self.problem(subject, "rdf:type", None, msg("rdf.no_class"))
                self.reported.add(subject)

    # -- statements --
    def read_statement(self, st: RdfNode) -> None:
        parts = [[o for p, o in self.po[st] if p == part] for part in STATEMENT_PARTS]
        if any(len(values) != 1 for values in parts):
            self.problem(st, "rdf:Statement", None, msg("rdf.statement_parts"))
            return
        triple: Triple = (parts[0][0], parts[1][0], parts[2][0])
        self.names[st] = msg("rdf.statement_name", s=triple[0].n3(), p=triple[1].n3(),
                             o=triple[2].n3())
        rtype = self.local(triple[1])
        if rtype is None or rtype not in self.schema.relationships:
            self.problem(st, "rdf:predicate", triple[1].n3(),
                         msg("rdf.not_rel_type", known="、".join(self.schema.relationships)))
            return
        if triple not in self.triples:
            self.problem(st, rtype, None, msg("rdf.statement_without_triple"))
            return
        if triple in self.rel_props or triple in self.refused:
            self.problem(st, rtype, None, msg("rdf.second_statement"))
            return
        props = self.properties(st, self.schema.relationships[rtype])
        if props is None:
            self.refused.add(triple)
        else:
            self.rel_props[triple] = props

    # -- relationships --
    def end(self, term: RdfNode, rtype: str, side: str) -> NodeRef | None:
        if term in self.refs:
            return self.refs[term]
        if term in self.reported:
            return None  # the node was refused; already reported
        named = parse_node_iri(self.schema, str(term)) if isinstance(term, URIRef) else None
        if named is not None and named.label in self.schema.labels:
            return named
        self.problem(term, rtype, None,
                     msg("rdf.dangling_end", rtype=rtype, side=msg(f"rdf.side_{side}"),
                         ns=self.schema.data_namespace))
        self.reported.add(term)
        return None

    def read_relationships(self) -> None:
        for s, pairs in self.po.items():
            for p, o in pairs:
                rtype = self.local(p)
                if rtype is not None and rtype in self.schema.relationships:
                    self.read_relationship(s, p, o, self.schema.relationships[rtype])

    def read_relationship(self, s: RdfNode, p: RdfNode, o: RdfNode, rdef: RelTypeDef) -> None:
        if not isinstance(o, URIRef | BNode):
            self.problem(s, rdef.name, o.n3(), msg("rdf.rel_to_literal", rtype=rdef.name))
            return
        start, end = self.end(s, rdef.name, "start"), self.end(o, rdef.name, "end")
        if start is None or end is None or (s, p, o) in self.refused:
            return
        if not rdef.allows(start.label, end.label):
            self.problem(s, rdef.name, o.n3(),
                         msg("rdf.rel_not_allowed", rtype=rdef.name, start=start.label,
                             end=end.label, pairs="、".join(f"{a}→{b}" for a, b in rdef.pairs)))
            return
        ident = (rdef.name, start.label, start.key, end.label, end.key)
        seen = self.d.rel_origin.get(ident)
        if seen is not None:
            self.problem(s, rdef.name, o.n3(),
                         msg("rdf.duplicate_rel", rtype=rdef.name, start=str(start), end=str(end),
                             where=seen[0]))
            return
        self.d.rel_origin[ident] = (self.source, NO_ROW)
        for ref, column in ((start, "start"), (end, "end")):
            self.d.references.append(
                Reference(ref.label, ref.key, self.source, NO_ROW, column, rdef.name)
            )
        props = dict(self.rel_props.get((s, p, o), {}))
        self.provenance(props)
        self.d.changes.add_rel(rdef.name, start.label, end.label, RelRow(start.key, end.key, props))


def read_rdf_graph(d: Delivery, g: Graph, source: str, schema: Schema) -> None:
    """Validate the triples of ``g`` and add its nodes and relationships to the delivery."""
    reader = _Reader.of(d, g, source, schema)
    reader.read_subjects()
    reader.read_relationships()


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal it parses; we report them ourselves."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(level)


MAX_JSON_DEPTH = 200
"""Nesting a JSON-LD document may have."""


class _Refused(ValueError):
    """A JSON-LD document refused before parsing (message in Chinese)."""


def inline_contexts(doc: Any, schema: Schema) -> Any:
    """``doc`` (parsed JSON) with every ``@context`` made inline: tupu's own context IRI is
    replaced by the bundled copy, any other reference refused (:class:`_Refused`)."""
    own_iri = context_iri(schema)
    own: dict[str, Any] | None = None

    def resolve(ctx: Any) -> Any:
        nonlocal own
        if isinstance(ctx, list):
            return [resolve(c) for c in ctx]
        if isinstance(ctx, str):
            if ctx.strip() != own_iri:
                raise _Refused(msg("file.jsonld_context", ref=ctx[:200], own=own_iri))
            own = own or jsonld_context(schema)
            return copy.deepcopy(own)
        if isinstance(ctx, dict) and "@import" in ctx:
            raise _Refused(msg("file.jsonld_import", ref=str(ctx["@import"])[:200]))
        return ctx  # an inline context (its term definitions are walked like the rest), or null

    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _Refused(msg("file.jsonld_too_deep", limit=MAX_JSON_DEPTH))
        if isinstance(item, dict):
            if "@context" in item:
                item["@context"] = resolve(item["@context"])
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return doc


def _jsonld_text(path: Path, schema: Schema) -> str:
    """The JSON-LD document of ``path`` with its contexts inline (see :func:`inline_contexts`)."""
    try:
        doc = json.loads(path.read_bytes())
    except json.JSONDecodeError as e:
        raise _Refused(msg("file.jsonld_not_json", line=e.lineno, column=e.colno, why=e.msg)) \
            from e
    except UnicodeDecodeError as e:
        raise _Refused(msg("file.jsonld_not_json", line=1, column=1, why="不是UTF-8文本")) from e
    except RecursionError as e:
        raise _Refused(msg("file.jsonld_too_deep", limit=MAX_JSON_DEPTH)) from e
    return json.dumps(inline_contexts(doc, schema), ensure_ascii=False)


def parse_rdf_file(
    d: Delivery, path: Path, source: str, schema: Schema, limits: Limits | None = None
) -> Graph | None:
    """The graph of a Turtle (``.ttl``) or JSON-LD (``.jsonld``, ``.json``) file, or None with a
    problem. Nothing is fetched (see the module doc); ``schema`` gives tupu's own JSON-LD
    context."""
    fmt = PARSER_FORMATS.get(path.suffix.lower(), "turtle")
    lim = limits or current_limits()
    try:
        size = path.stat().st_size
    except OSError as e:
        d.problem(source, None, None, None, msg("failure.cannot_read", path=source,
                                                reason=e.strerror or type(e).__name__))
        return None
    if size > lim.max_rdf_bytes:
        d.problem(source, None, None, None, msg(
            "file.too_big", size=round(size / (1 << 20)), limit=lim.max_rdf_bytes >> 20,
            setting="TUPU_LOAD_MAX_RDF_MB"))
        return None
    try:
        with _quiet_rdflib():
            if fmt == "json-ld":
                text = _jsonld_text(path, schema)
                return Graph().parse(data=text, format=fmt, publicID=path.resolve().as_uri())
            return Graph().parse(path, format=fmt)
    except _Refused as e:
        d.problem(source, None, None, None, str(e))
        return None
    except Exception as e:  # noqa: BLE001 - rdflib's parsers raise many kinds for malformed input
        line = getattr(e, "lines", None)  # Turtle: 0-based; JSON: lineno, 1-based
        row = line + 1 if isinstance(line, int) else getattr(e, "lineno", None)
        d.problem(source, row, None, None,
                  msg("rdf.unreadable", fmt=_FORMAT_NAMES[fmt], why=_why(e)))
        return None


_FORMAT_NAMES = {"turtle": "Turtle", "json-ld": "JSON-LD"}


def _why(e: Exception) -> str:
    """The useful line of a parser's message (rdflib's Turtle errors quote the whole input)."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    why = next((line for line in lines if line.startswith("Bad syntax")), lines[0] if lines else "")
    return why.removesuffix(" at ^ in:") or type(e).__name__


def read_rdf_file(d: Delivery, path: Path, source: str, schema: Schema) -> None:
    """Read one Turtle or JSON-LD file into the delivery."""
    g = parse_rdf_file(d, path, source, schema)
    if g is not None and len(g) == 0:
        d.problem(source, None, None, None, msg("rdf.no_triples"))
    elif g is not None:
        read_rdf_graph(d, g, source, schema)
    d.sources.append(source)
