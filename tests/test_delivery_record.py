"""One ``Delivery`` node per load, referenced by the facts it wrote (issue 10.3), on both stores.

Facts keep ``prov_delivery``, ``prov_file`` and ``prov_row``; expanded through the Delivery node
they read as the four provenance properties they carried before, facts of a store written before
the record still read, and counts and exports are what they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from rdflib.compare import isomorphic

from tests.minicity import E1, write_city
from tupu.graph.analyses.provenance import node_origin, relationship_origins
from tupu.graph.exports.files import write_csv_folder, write_graphml
from tupu.graph.exports.rdf import build_graph
from tupu.graph.stores.deliveries import EXPANDED, Provenance, expand, load_time_key
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.graph.stores.projection import project
from tupu.graph.stores.store import COMPLETE, GraphStore
from tupu.loaders.pipeline import load, read_sources

OBSERVATIONS = {
    "nodes/EnterpriseObservation.csv": (
        "id,period,revenue,employees\n"
        f"{E1}@2024Q1,2024Q1,1200,118\n"
        f"{E1}@2024Q2,2024Q2,1300,120\n"
    ),
    "relationships/HAS_OBSERVATION.csv": (
        "start,end,start_label,end_label\n"
        f"{E1},{E1}@2024Q1,Enterprise,EnterpriseObservation\n"
        f"{E1},{E1}@2024Q2,Enterprise,EnterpriseObservation\n"
    ),
}


def facts(store: GraphStore) -> list[dict[str, object]]:
    """The properties of every node and relationship of the map."""
    out = [dict(n.props) for label in store.schema.map_labels for n in store.find_nodes(label)]
    out += [dict(r.props) for rtype in store.schema.relationships
            for r in store.find_relationships(rtype)]
    return out


def old_form_copy(store: GraphStore) -> MemoryStore:
    """The map of ``store`` as a store written before the Delivery record holds it: every fact
    with the four provenance strings, no Delivery node."""
    prov = Provenance(store)
    changes = ChangeSet()
    for label in store.schema.map_labels:
        for n in store.find_nodes(label):
            changes.add_node(label, prov.expand(n.props))
    for rtype in store.schema.relationships:
        for r in store.find_relationships(rtype):
            changes.add_rel(rtype, r.start.label, r.end.label,
                            RelRow(r.start.key, r.end.key, prov.expand(r.props)))
    copy = MemoryStore(None)
    copy.apply(changes)
    return copy


def test_each_load_writes_one_delivery_that_its_facts_refer_to(
    store: GraphStore, tmp_path: Path
) -> None:
    first = load([write_city(tmp_path / "mini", OBSERVATIONS)], store)
    counts = store.count_nodes()
    (record,) = store.find_nodes("Delivery")
    assert record.key == first.delivery and record.props["status"] == COMPLETE
    files = json.loads(record.props["files"])
    assert files == sorted(files) and "mini/nodes/Enterprise.csv" in files
    assert record.props["loaded_at"] == record.props["started_at"]
    assert record.props["node_count"] == sum(first.nodes.values())
    for props in facts(store):
        assert props["prov_delivery"] == first.delivery, props
        assert "prov_source" not in props and "prov_loaded_at" not in props, props
        assert 0 <= int(props["prov_file"]) < len(files)  # type: ignore[call-overload]
    town = tmp_path / "Town.csv"
    town.write_text("id,name,city\nt9,九镇,迷你市\n", encoding="utf-8")
    second = load([town], store)
    assert {n.key for n in store.find_nodes("Delivery")} == {first.delivery, second.delivery}
    # Delivery nodes are bookkeeping: not counted, not projected
    assert store.count_nodes() == {**counts, "Town": counts["Town"] + 1}
    assert not any(data["label"] == "Delivery" for _, data in project(store).nodes(data=True))
    t9 = store.get_node("Town", "t9")
    assert t9 is not None and t9.props["prov_delivery"] == second.delivery
    assert Provenance(store).expand(t9.props)["prov_source"] == "Town.csv"


def test_expanded_provenance_is_what_the_facts_carried_before(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = write_city(tmp_path / "mini")
    before = read_sources([folder], store.schema)  # the rows as read: file, row, load time
    report = load([folder], store)
    (record,) = store.find_nodes("Delivery")
    prov = Provenance(store)
    for label in ("Enterprise", "Town", "Park"):
        key = store.schema.label(label).key
        for row in before.changes.nodes[label]:
            node = store.get_node(label, str(row[key]))
            assert node is not None
            full = prov.expand(node.props)
            assert (full["prov_source"], full["prov_row"]) == (row["prov_source"], row["prov_row"])
            assert full["prov_loaded_at"] == record.props["loaded_at"]
            assert full["prov_delivery"] == report.delivery and "prov_file" not in full
            assert set(EXPANDED) <= set(full)
    origin = node_origin(store, "Enterprise", E1)
    assert origin is not None
    assert (origin.source, origin.row, origin.loaded_at, origin.delivery_status) == (
        "mini/nodes/Enterprise.csv", 2, record.props["loaded_at"], COMPLETE)
    (rel,) = relationship_origins(store, "LOCATED_IN", E1, "p1")
    assert (rel.source, rel.row) == ("mini/relationships/LOCATED_IN.csv", 2)


def test_a_store_written_before_the_record_still_reads(tmp_path: Path) -> None:
    old = {"prov_source": "registry.csv", "prov_row": 7, "prov_delivery": "20240101T000000Z-aa",
           "prov_loaded_at": "2024-01-01T00:00:00+00:00"}
    store = MemoryStore(None)
    changes = ChangeSet()
    changes.add_node("Town", {"id": "t1", "name": "一镇", **old})
    store.apply(changes)  # no Delivery record, as every load wrote before
    (node,) = store.find_nodes("Town")
    assert Provenance(store).expand(node.props) == node.props
    origin = node_origin(store, "Town", "t1")
    assert origin is not None
    assert (origin.source, origin.row, origin.loaded_at, origin.delivery) == (
        "registry.csv", 7, "2024-01-01T00:00:00+00:00", "20240101T000000Z-aa")
    graph = write_graphml(store, tmp_path / "old.graphml")
    assert graph.nodes["Town:t1"]["prov_source"] == "registry.csv"
    # a reference wins over strings a former write left; -1: the fact names its own
    record = {"files": json.dumps(["a.csv", "b.csv"]), "loaded_at": "2025-01-01T00:00:00+00:00"}
    slim = {"prov_delivery": "d", "prov_file": 1, "prov_row": 3}
    assert expand(slim, record) == {"prov_delivery": "d", "prov_source": "b.csv",
                                    "prov_row": 3, "prov_loaded_at": record["loaded_at"]}
    assert expand(slim, None) == {"prov_delivery": "d", "prov_row": 3}
    assert expand({**old, **slim}, record) == expand(slim, record)
    own = {**old, "prov_file": -1}
    assert expand(own, record) == old
    # a fact of the former form that a later delivery updates reads as that delivery's
    later = tmp_path / "Town.csv"
    later.write_text("id,name,city\nt1,一镇新名,迷你市\n", encoding="utf-8")
    report = load([later], store)
    updated = node_origin(store, "Town", "t1")
    assert updated is not None
    (record_node,) = store.find_nodes("Delivery")
    assert (updated.delivery, updated.source, updated.row, updated.loaded_at) == (
        report.delivery, "Town.csv", 2, record_node.props["loaded_at"])
    # both forms sort in load-time order (entity resolution orders the map's records so)
    assert load_time_key(old) == "20240101T000000"
    assert load_time_key({"prov_delivery": "20250612T101500Z-3f2a"}) == "20250612T101500"


def test_counts_and_exports_are_those_of_the_former_form(
    store: GraphStore, tmp_path: Path
) -> None:
    load([write_city(tmp_path / "mini", OBSERVATIONS)], store)
    old = old_form_copy(store)
    assert store.count_nodes() == old.count_nodes()
    assert store.count_relationships() == old.count_relationships()
    new_ttl, old_ttl = build_graph(store), build_graph(old)
    assert len(new_ttl) == len(old_ttl) and isomorphic(new_ttl, old_ttl)
    assert not any("Delivery" in str(o) or "prov_file" in str(p)
                   for _, p, o in new_ttl)
    g_new = write_graphml(store, tmp_path / "new.graphml")
    g_old = write_graphml(old, tmp_path / "old.graphml")
    assert nx.utils.graphs_equal(g_new, g_old)
    assert sorted(g_new.nodes(data=True)) == sorted(g_old.nodes(data=True))
    assert write_csv_folder(store, tmp_path / "csv-new") == write_csv_folder(old, tmp_path / "csv-old")
    assert not (tmp_path / "csv-new" / "nodes" / "Delivery.csv").exists()
    for path in sorted((tmp_path / "csv-new").rglob("*.csv")):
        twin = tmp_path / "csv-old" / path.relative_to(tmp_path / "csv-new")
        assert path.read_bytes() == twin.read_bytes(), path


def test_a_merged_period_carries_the_new_delivery(store: GraphStore, tmp_path: Path) -> None:
    load([write_city(tmp_path / "mini", OBSERVATIONS)], store)
    update = tmp_path / "q2" / "EnterpriseObservation.csv"
    update.parent.mkdir()
    update.write_text(f"id,period,revenue\n{E1}@2024Q2,2024Q2,1350\n", encoding="utf-8")
    later = load([update], store)
    q2 = store.get_node("EnterpriseObservation", f"{E1}@2024Q2")
    assert q2 is not None and q2.props["revenue"] == 1350.0 and q2.props["employees"] == 120
    full = Provenance(store).expand(q2.props)
    assert (full["prov_delivery"], full["prov_source"], full["prov_row"]) == (
        later.delivery, "EnterpriseObservation.csv", 2)
