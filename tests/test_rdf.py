"""RDF export and import on both stores: round trips checked by graph isomorphism, SHACL shapes,
and a broken file refused by both SHACL and the importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib import namespace
from rdflib.namespace import RDF, RDFS, SH

from tests.conftest import SAMPLE
from tests.minicity import E1, E2, E3, FILES, write_city
from tupu.graph.stores.deliveries import Provenance
from tupu.data import generate_sample
from tupu.api.cli import main
from tupu.errors import ValidationFailed
from tupu.graph.stores.model import NodeRef
from tupu.graph.exports.rdf import build_graph, serialize, write_rdf
from tupu.graph.stores.iris import node_iri
from tupu.graph.stores.store import GraphStore
from tupu.loaders.delivery import Delivery
from tupu.loaders.pipeline import load
from tupu.loaders.rdf_source import read_rdf_file, read_rdf_graph
from tupu.ontology.schema import load_schema
from tupu.ontology.shacl import build_shapes, validate

SCHEMA = load_schema()
T = Namespace(SCHEMA.namespace)

Content = tuple[dict[str, list[tuple[str, dict[str, Any]]]], dict[str, list[tuple[Any, ...]]]]


def content(store: GraphStore) -> Content:
    """Every node and relationship of the map with its properties, provenance expanded (a fact
    refers to its Delivery, or names its file and time itself as an export gives them)."""
    prov = Provenance(store)
    nodes = {lbl: [(n.key, prov.expand(n.props)) for n in store.find_nodes(lbl)]
             for lbl in SCHEMA.map_labels}
    rels = {
        rt: sorted((r.start, r.end, sorted(prov.expand(r.props).items()))
                   for r in store.find_relationships(rt))
        for rt in SCHEMA.relationships
    }
    return nodes, rels


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if isomorphic(a, b):
        return
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    pytest.fail(
        f"graphs differ ({len(a)} vs {len(b)} triples)\n"
        f"only in the first: {sorted(only_a)[:5]}\nonly in the second: {sorted(only_b)[:5]}"
    )


def mini(store: GraphStore, tmp_path: Path, **changes: str) -> None:
    load([write_city(tmp_path / "mini", {k.replace("__", "/") + ".csv": v
                                          for k, v in changes.items()})], store)


def cli(store: GraphStore, tmp_path: Path, *argv: str) -> int:
    """``tupu ARGV`` against the store under test (the memory store's snapshot is in tmp_path)."""
    return main(["--store", store.name, "--data-dir", str(tmp_path), *argv])


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_round_trip_through_an_empty_store(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    mini(store, tmp_path)
    path = tmp_path / f"map.{fmt}"
    written = write_rdf(store, path, "ttl" if fmt == "ttl" else "jsonld")
    first = Graph().parse(path)
    assert_isomorphic(written, first)
    before = content(store)
    store.clear()
    report = load([path], store)
    assert report.nodes["Enterprise"] == 3 and report.relationships["SUPPLIES"] == 1
    assert content(store) == before
    assert_isomorphic(first, build_graph(store))


def test_turtle_and_jsonld_exports_are_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    mini(store, tmp_path)
    write_rdf(store, tmp_path / "map.ttl", "ttl")
    write_rdf(store, tmp_path / "map.jsonld", "jsonld")
    assert_isomorphic(
        Graph().parse(tmp_path / "map.ttl"), Graph().parse(tmp_path / "map.jsonld")
    )


def test_mapping_uses_the_ontology_uris_and_types(store: GraphStore, tmp_path: Path) -> None:
    precise = FILES["nodes/Enterprise.csv"].replace("5200.5", "12345.678912345")
    mini(store, tmp_path, nodes__Enterprise=precise)
    path = tmp_path / "map.ttl"
    write_rdf(store, path, "ttl")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "测试用虚构数据" in text.splitlines()[0]
    g = Graph().parse(path)
    e1 = URIRef(f"{SCHEMA.data_namespace}Enterprise/{E1}")
    assert e1 == node_iri(SCHEMA, NodeRef("Enterprise", E1))
    assert (e1, RDF.type, T.Enterprise) in g
    assert g.value(e1, T.annual_revenue) == Literal("12345.678912345", datatype=namespace.XSD.double)
    assert g.value(e1, T.employees) == Literal(120)
    assert g.value(e1, T.listed) == Literal(False)
    assert g.value(e1, T.founded) == Literal("2016-03-02", datatype=namespace.XSD.date)
    assert g.value(e1, T.name) == Literal("迷你数字科技有限公司")
    park = URIRef(f"{SCHEMA.data_namespace}Park/p1")
    assert (e1, T.LOCATED_IN, park) in g
    e3 = URIRef(f"{SCHEMA.data_namespace}Enterprise/{E3}")
    (st,) = g.subjects(RDF.predicate, T.SUPPLIES)
    assert (st, RDF.type, RDF.Statement) in g
    assert g.value(st, RDF.subject) == e3 and g.value(st, RDF.object) == e1
    assert g.value(st, T.product) == Literal("游戏授权")
    assert g.value(st, T.since) == Literal("2023-01-01", datatype=namespace.XSD.date)
    assert g.value(st, T.prov_source) == Literal("mini/relationships/SUPPLIES.csv")
    (dataset,) = g.subjects(RDF.type, T.Dataset)
    assert "虚构" in str(g.value(dataset, RDFS.comment))
    odd = URIRef(f"{SCHEMA.data_namespace}Town/" + "%E4%B8%80%2F1")
    assert node_iri(SCHEMA, NodeRef("Town", "一/1")) == odd


def test_export_conforms_to_the_shapes(store: GraphStore, tmp_path: Path) -> None:
    mini(store, tmp_path)
    assert validate(build_graph(store)) == []


def _small_city(tmp_path: Path) -> Path:
    """A city made by the sample's generator, small: every file, label and type of the sample
    city (chains, parks, towns, funds, universities, projects, observations, targets…) with 60
    local and 100 outside enterprises instead of 600 and 3,200."""
    folder = tmp_path / "small-city"
    generate_sample.generate(folder, n_outside=100, n_local=60)
    return folder


@pytest.mark.parametrize("city", [
    "small",
    # the whole sample: ~250,000 triples; SHACL over them takes minutes (`pytest -m bench`)
    pytest.param("sample", marks=pytest.mark.bench),
])
def test_sample_city_export_conforms_and_loads_back(
    store: GraphStore, tmp_path: Path, city: str
) -> None:
    folder = SAMPLE if city == "sample" else _small_city(tmp_path)
    load([folder], store)
    if city == "small":  # it has what the whole sample has, in small
        assert set(store.count_nodes()) >= {p.stem for p in (SAMPLE / "nodes").glob("*.csv")}
        assert set(store.count_relationships()) >= {
            p.stem for p in (SAMPLE / "relationships").glob("*.csv")}
    path = tmp_path / "sample.ttl"
    written = write_rdf(store, path, "ttl")
    assert validate(written) == []
    before = store.count_nodes(), store.count_relationships()
    store.clear()
    load([path], store)
    assert (store.count_nodes(), store.count_relationships()) == before
    again = build_graph(store)
    # the export names every node and statement (no blank nodes), so isomorphism is set equality
    assert not any(isinstance(t, BNode) for triple in written for t in triple)
    only_before, only_after = set(written) - set(again), set(again) - set(written)
    assert not only_before and not only_after, (sorted(only_before)[:5], sorted(only_after)[:5])


def broken_export(store: GraphStore, tmp_path: Path) -> tuple[Path, Graph]:
    """The mini city's export with three faults: a Park without its name, an integer written as
    a string, and a LOCATED_IN that ends at a University."""
    mini(store, tmp_path)
    g = build_graph(store)
    park = node_iri(SCHEMA, NodeRef("Park", "p1"))
    e1 = node_iri(SCHEMA, NodeRef("Enterprise", E1))
    e2 = node_iri(SCHEMA, NodeRef("Enterprise", E2))
    uni = node_iri(SCHEMA, NodeRef("University", "u1"))
    g.remove((park, T.name, None))
    g.set((e1, T.employees, Literal("120")))
    g.add((uni, RDF.type, T.University))
    g.add((uni, T.id, Literal("u1")))
    g.add((uni, T.name, Literal("迷你大学")))
    g.add((e2, T.LOCATED_IN, uni))
    path = tmp_path / "broken.ttl"
    path.write_text(serialize(g, SCHEMA, "ttl"), encoding="utf-8")
    return path, g


def test_broken_file_fails_shacl_once_per_fault(store: GraphStore, tmp_path: Path) -> None:
    _, g = broken_export(store, tmp_path)
    violations = validate(g)
    found = sorted((v.focus, v.path) for v in violations)
    assert found == [
        (f"enterprise:{E1}", "tupu:employees"),
        (f"enterprise:{E2}", "tupu:LOCATED_IN"),
        ("park:p1", "tupu:name"),
    ], [str(v) for v in violations]
    text = {v.path: str(v) for v in violations}
    assert "required" in text["tupu:name"]
    assert "xsd:integer" in text["tupu:employees"] and '"120"' in text["tupu:employees"]
    assert "university:u1" in text["tupu:LOCATED_IN"] and "Park or a Town" in text["tupu:LOCATED_IN"]


def test_broken_file_is_refused_and_nothing_written(
    store: GraphStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = broken_export(store, tmp_path)
    before = content(store)
    with pytest.raises(ValidationFailed) as err:
        load([path], store)
    where = sorted((p.file, p.column) for p in err.value.problems)
    assert where == [("broken.ttl", "LOCATED_IN"), ("broken.ttl", "employees"),
                     ("broken.ttl", "name")], [str(p) for p in err.value.problems]
    capsys.readouterr()
    assert cli(store, tmp_path, "load", str(path)) == 1
    err_text = capsys.readouterr().err
    assert "broken.ttl" in err_text and "未写入任何数据" in err_text
    assert "LOCATED_IN不能连接Enterprise与University" in err_text
    assert content(store) == before


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_cli_export(store: GraphStore, tmp_path: Path, fmt: str,
                    capsys: pytest.CaptureFixture[str]) -> None:
    mini(store, tmp_path)
    path = tmp_path / "out" / f"map.{fmt}"
    assert cli(store, tmp_path, "export", fmt, str(path), "--format", "json") == 0
    assert '"triples"' in capsys.readouterr().out
    assert_isomorphic(Graph().parse(path), build_graph(store))


def test_hand_written_turtle_gets_provenance_and_may_point_into_the_store(
    store: GraphStore, tmp_path: Path
) -> None:
    mini(store, tmp_path)
    path = tmp_path / "more.ttl"
    path.write_text(
        f"@prefix tupu: <{SCHEMA.namespace}> .\n"
        f"@prefix town: <{SCHEMA.data_namespace}Town/> .\n"
        f"@prefix enterprise: <{SCHEMA.data_namespace}Enterprise/> .\n"
        'town:t3 a tupu:Town ; tupu:id "t3" ; tupu:name "三镇" ; tupu:city "迷你市" .\n'
        f"enterprise:{E3} tupu:LOCATED_IN town:t3 .\n",
        encoding="utf-8",
    )
    load([path], store)
    t3 = store.get_node("Town", "t3")
    assert t3 is not None
    full = Provenance(store).expand(t3.props)  # the file and time are on the Delivery node
    assert full["prov_source"] == "more.ttl"
    assert "prov_loaded_at" in full and "prov_row" not in full
    located = {(r.start.key, r.end.key) for r in store.find_relationships("LOCATED_IN")}
    assert (E3, "t3") in located
    path.write_text(
        f"@prefix tupu: <{SCHEMA.namespace}> .\n"
        f"<{SCHEMA.data_namespace}Enterprise/{E3}> tupu:LOCATED_IN <{SCHEMA.data_namespace}Town/t9> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as err:
        load([path], store)
    assert [(p.file, p.column, p.value) for p in err.value.problems] == [("more.ttl", "end", "t9")]


PREFIXES = (
    f"@prefix tupu: <{SCHEMA.namespace}> .\n"
    f"@prefix town: <{SCHEMA.data_namespace}Town/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
)
TOWN = 'town:t1 a tupu:Town ; tupu:id "t1" ; tupu:name "一镇" ; tupu:city "迷你市" .\n'
BAD_TRIPLES = {
    "unknown class": ('town:t2 a tupu:Village ; tupu:id "t2" .\n', "rdf:type"),
    "unknown property": ('town:t1 tupu:colour "red" .\n', "colour"),
    "ill-typed literal": ('town:t1 tupu:prov_row "12x"^^xsd:integer .\n', "prov_row"),
    "wrong datatype": ("town:t1 tupu:prov_row 1.5 .\n", "prov_row"),
    "not in the enumeration": ('town:t1 tupu:kind "village" .\n', "kind"),
    "missing key": ('town:t2 a tupu:Town ; tupu:name "二镇" ; tupu:city "迷你市" .\n', "id"),
    "IRI and key disagree": ('town:t2 a tupu:Town ; tupu:id "t3" ; tupu:name "x" ; tupu:city "y" .\n', "id"),
    "property of another type": (
        "town:t1 tupu:IN_TOWN town:t1 .\n"
        "[] a rdf:Statement ; rdf:subject town:t1 ; rdf:predicate tupu:IN_TOWN ; "
        'rdf:object town:t1 ; tupu:product "x" .\n', "product"),
    "statement without its triple": (
        "[] a rdf:Statement ; rdf:subject town:t1 ; rdf:predicate tupu:IN_TOWN ; "
        "rdf:object town:t1 .\n", "IN_TOWN"),
    "foreign predicate": ('town:t1 <http://example.org/x> "y" .\n', "<http://example.org/x>"),
    "relationship to a literal": ('town:t1 tupu:IN_TOWN "t2" .\n', "IN_TOWN"),
}


@pytest.mark.parametrize("case", list(BAD_TRIPLES))
def test_importer_names_file_and_column(case: str) -> None:
    extra, column = BAD_TRIPLES[case]
    d = Delivery()
    read_rdf_graph(d, Graph().parse(data=PREFIXES + TOWN + extra, format="turtle"), "x.ttl", SCHEMA)
    assert [(p.file, p.row, p.column) for p in d.problems] == [("x.ttl", None, column)], \
        [str(p) for p in d.problems]
    assert f"<{SCHEMA.data_namespace}Town/t" in d.problems[0].message  # names the node


def test_importer_reads_typed_values_and_refuses_bad_syntax(tmp_path: Path) -> None:
    d = Delivery()
    read_rdf_graph(d, Graph().parse(data=PREFIXES + TOWN, format="turtle"), "x.ttl", SCHEMA)
    assert d.problems == [] and d.changes.nodes["Town"][0]["name"] == "一镇"
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'town:t1 a tupu:Town ;\n tupu:name "unclosed .\n', encoding="utf-8")
    d = Delivery()
    read_rdf_file(d, bad, "bad.ttl", SCHEMA)
    assert [(p.file, p.row) for p in d.problems] == [("bad.ttl", 6)]
    assert "Turtle" in d.problems[0].message


def test_shapes_follow_the_schema() -> None:
    shapes = build_shapes(SCHEMA)
    shs = Namespace(SCHEMA.namespace.rstrip("#") + "/shapes#")
    for label in SCHEMA.labels:
        assert (shs[label], SH.targetClass, T[label]) in shapes
    assert shapes.value(shs["Park-name"], SH.minCount) == Literal(1)
    assert shapes.value(shs["Park-floor_area"], SH.minCount) is None
    assert shapes.value(shs["Park-floor_area"], SH.datatype) == namespace.XSD.double
    assert shapes.value(shs["Project-planned_start"], SH.datatype) == namespace.XSD.date
    assert shapes.value(shs["ChainLink-stage"], SH["in"]) is not None
    assert shapes.value(shs["Enterprise-LOCATED_IN"], SH["or"]) is not None
    assert shapes.value(shs["Park-IN_TOWN"], SH["class"]) == T.Town


def test_round_trip_keeps_dates_and_floats_exact(store: GraphStore, tmp_path: Path) -> None:
    precise = FILES["nodes/Enterprise.csv"].replace("5200.5", "0.30000000000000004")
    mini(store, tmp_path, nodes__Enterprise=precise)
    for fmt in ("ttl", "jsonld"):
        path = tmp_path / f"exact.{fmt}"
        write_rdf(store, path, "ttl" if fmt == "ttl" else "jsonld")
        d = Delivery()
        read_rdf_file(d, path, path.name, SCHEMA)
        e1 = next(r for r in d.changes.nodes["Enterprise"] if r["id"] == E1)
        assert e1["annual_revenue"] == 0.30000000000000004
        assert e1["founded"] == dt.date(2016, 3, 2)
