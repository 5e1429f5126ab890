"""The ontology: one source of truth, closed vocabularies, generated files in step with it."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from tupu.errors import SchemaError
from tupu.ontology.generate import generated_dir, generated_files
from tupu.ontology.schema import load_schema, parse_schema
from tupu.ontology.vocab import Label, Rel


def test_vocabularies_match_the_schema() -> None:
    schema = load_schema()
    assert [m.value for m in Label] == list(schema.labels)
    assert [m.value for m in Rel] == list(schema.relationships)


def test_design_names_are_all_there() -> None:
    schema = load_schema()
    for label in ("Enterprise", "SubSector", "Chain", "ChainLink", "Park", "Town", "University",
                  "Fund", "Project"):
        assert label in schema.labels
    for rel in ("IN_SUBSECTOR", "PART_OF", "HAS_LINK", "FEEDS", "COVERS", "SUPPLIES",
                "COOPERATES_WITH", "LOCATED_IN", "IN_TOWN", "POSITIONED_FOR", "STRONG_IN",
                "INVESTED_IN", "FOCUSES_ON", "OWNS", "SUBSIDIARY_OF"):
        assert rel in schema.relationships
    assert schema.labels["SubSector"].key == "code"
    assert schema.rel("LOCATED_IN").allows("Project", "Town")
    assert not schema.rel("LOCATED_IN").allows("Park", "Town")


def test_unknown_names_fail_loudly() -> None:
    schema = load_schema()
    with pytest.raises(SchemaError):
        schema.label("Enterprize")
    with pytest.raises(SchemaError):
        schema.rel("SUPPLY")
    with pytest.raises(SchemaError):
        schema.check_property(schema.label("Park"), "vacancy")


def test_schema_refuses_a_key_that_is_not_required() -> None:
    raw = {
        "version": 1, "namespace": "x#", "data_namespace": "y/", "provenance": {},
        "labels": {"A": {"label_zh": "甲", "label_en": "A", "key": "id",
                         "properties": {"id": {"type": "string"}}}},
        "relationships": {},
    }
    with pytest.raises(SchemaError, match="键“id”必须是必填属性"):
        parse_schema(raw)


@pytest.mark.parametrize("name", sorted(generated_files(load_schema())))
def test_generated_turtle_is_in_step_with_the_schema(name: str) -> None:
    committed_text = (generated_dir() / name).read_text(encoding="utf-8")
    fresh_text = generated_files(load_schema())[name]
    if committed_text == fresh_text:
        return  # the usual case; the graphs are compared when the text differs (e.g. new rdflib)
    committed = Graph().parse(data=committed_text, format="turtle")
    fresh = Graph().parse(data=fresh_text, format="turtle")
    if not isomorphic(committed, fresh):
        _, only_committed, only_fresh = graph_diff(to_isomorphic(committed), to_isomorphic(fresh))
        pytest.fail(
            f"ontology/generated/{name} is stale; run `python -m tupu.ontology.generate`.\n"
            f"only in committed: {sorted(only_committed)[:10]}\nonly in schema: {sorted(only_fresh)[:10]}"
        )


def test_every_class_and_property_has_chinese_and_english_labels() -> None:
    schema = load_schema()
    g = Graph().parse(generated_dir() / "tupu.ttl", format="turtle")
    ns = schema.namespace
    terms = [*schema.labels, *schema.relationships]
    terms += {p for lbl in schema.labels.values() for p in lbl.properties}
    for term in terms:
        uri = URIRef(ns + term)
        langs = {lit.language for lit in g.objects(uri, RDFS.label) if isinstance(lit, Literal)}
        assert {"zh", "en"} <= langs, term
    assert (URIRef(ns + "Enterprise"), RDF.type, OWL.Class) in g
    assert (URIRef(ns + "SUPPLIES"), RDF.type, OWL.ObjectProperty) in g
    assert (URIRef(ns + "annual_revenue"), RDF.type, OWL.DatatypeProperty) in g
