"""tupu's own JSON-LD context, built from the ontology.

``tupu export jsonld`` writes it inline; the JSON-LD reader (:mod:`tupu.loaders.rdf_source`) uses
this bundled copy when a file names it by :data:`CONTEXT_IRI` instead of fetching anything.
"""

from __future__ import annotations

from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, XSD

from tupu.graph.stores.iris import label_prefixes
from tupu.ontology.owl import XSD_TYPES
from tupu.ontology.schema import LabelDef, RelTypeDef, Schema


def context_iri(schema: Schema) -> str:
    """The IRI that names tupu's own context: the ontology's namespace + ``context.jsonld``
    (``https://w3id.org/tupu/context.jsonld``). Never fetched: it stands for the bundled copy."""
    return schema.namespace.rstrip("#/").rsplit("/", 1)[0] + "/context.jsonld"


def jsonld_context(schema: Schema) -> dict[str, Any]:
    """The compact JSON-LD context: ontology terms first, then prefixes that do not clash."""
    ctx: dict[str, Any] = {}
    for label in schema.labels:
        ctx[label] = f"tupu:{label}"
    for rtype in schema.relationships:
        ctx[rtype] = {"@id": f"tupu:{rtype}", "@type": "@id"}
    owners: list[LabelDef | RelTypeDef] = [*schema.labels.values(), *schema.relationships.values()]
    props = [p for owner in owners for p in owner.properties.values()]
    for prop in [*props, *schema.provenance.values()]:
        if prop.type in ("string", "period"):
            ctx[prop.name] = f"tupu:{prop.name}"
        else:
            ctx[prop.name] = {"@id": f"tupu:{prop.name}", "@type": f"xsd:{_local(XSD_TYPES[prop.type])}"}
    fixed: dict[str, Any] = {
        "tupu": schema.namespace,
        "xsd": str(XSD),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "Statement": "rdf:Statement",
        "subject": {"@id": "rdf:subject", "@type": "@id"},
        "predicate": {"@id": "rdf:predicate", "@type": "@id"},
        "object": {"@id": "rdf:object", "@type": "@id"},
        **label_prefixes(schema),
    }
    for term, definition in fixed.items():
        ctx.setdefault(term, definition)
    return ctx



def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]
