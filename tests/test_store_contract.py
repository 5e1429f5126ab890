"""The GraphStore contract: every test using ``store`` runs on the memory store and on Neo4j.

A small hand-made map (towns, parks, enterprises, their locations and supplies) is written and
read back through every method of the interface; the last tests compare the two stores directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tupu.errors import SchemaError, StoreError
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, Node, NodeRef, Props, Relationship, RelRow
from tupu.graph.stores.store import GraphStore
from tupu.ontology.schema import load_schema

SCHEMA = load_schema()

TOWNS: list[Props] = [
    {"id": "T1", "name": "城厢镇", "kind": "town", "city": "太仓市"},
    {"id": "T2", "name": "沙溪镇", "kind": "town", "city": "太仓市"},
    {"id": "T3", "name": "港区", "kind": "zone", "city": "太仓市"},
]
PARKS: list[Props] = [
    {
        "id": "P1",
        "name": "天镜湖文创园",
        "level": "city",
        "floor_area": 120_000.5,
        "vacant_area": 8_000.0,
        "established": dt.date(2016, 5, 1),
    },
    {"id": "P2", "name": "沙溪古镇文旅区", "level": "town", "floor_area": 30_000.0},
]
ENTERPRISES: list[Props] = [
    {
        "id": "E1",
        "name": "太仓影视制作有限公司",
        "city": "苏州市",
        "founded": dt.date(2015, 3, 9),
        "registered_capital": 5_000.0,
        "annual_revenue": 12_345.67,
        "employees": 120,
        "listed": False,
        "above_scale": True,
    },
    {
        "id": "E2",
        "name": "娄东数字科技有限公司",
        "city": "苏州市",
        "founded": dt.date(2019, 11, 30),
        "registered_capital": 1_000.0,
        "employees": 35,
        "listed": False,
        "above_scale": False,
        "prov_source": "registry.csv",
        "prov_row": 3,
    },
    {
        "id": "E10",
        "name": "江南文化装备制造股份有限公司",
        "city": "苏州市",
        "founded": dt.date(2008, 1, 1),
        "annual_revenue": 88_000.0,
        "employees": 640,
        "listed": True,
        "above_scale": True,
    },
    {
        "id": "E3",
        "name": "上海电竞游戏有限公司",
        "province": "上海市",
        "city": "上海市",
        "listed": True,
        "unicorn": True,
        "top30": False,
    },
]
LOCATED_IN = [
    ("Park", RelRow("E1", "P1", {})),
    ("Park", RelRow("E2", "P1", {"prov_source": "locations.csv", "prov_row": 2})),
    ("Town", RelRow("E10", "T2", {})),
]
IN_TOWN = [RelRow("P1", "T1", {}), RelRow("P2", "T2", {})]
SUPPLIES = [
    RelRow(
        "E1", "E2", {"product": "后期制作", "annual_value": 350.5, "since": dt.date(2021, 7, 1)}
    ),
    RelRow("E10", "E1", {"product": "摄影器材", "annual_value": 1_200.0}),
    RelRow("E3", "E1", {"product": "游戏引擎授权"}),
]


def city() -> ChangeSet:
    """The small map, freshly built (the stores must not keep references into it)."""
    changes = ChangeSet()
    for label, nodes in (("Town", TOWNS), ("Park", PARKS), ("Enterprise", ENTERPRISES)):
        for props in nodes:
            changes.add_node(label, dict(props))
    groups = [(("LOCATED_IN", "Enterprise", end), rel) for end, rel in LOCATED_IN]
    groups += [(("IN_TOWN", "Park", "Town"), rel) for rel in IN_TOWN]
    groups += [(("SUPPLIES", "Enterprise", "Enterprise"), rel) for rel in SUPPLIES]
    for (rtype, start, end), rel in groups:
        changes.add_rel(rtype, start, end, RelRow(rel.start, rel.end, dict(rel.props)))
    return changes


def dump(store: GraphStore) -> dict[str, Any]:
    """Everything a store holds, through the interface only."""
    return {
        "nodes": store.count_nodes(),
        "relationships": store.count_relationships(),
        **{label: store.find_nodes(label) for label in (*SCHEMA.map_labels, "Delivery")},
        **{rtype: store.find_relationships(rtype) for rtype in SCHEMA.relationships},
    }


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    summary = store.apply(city())
    assert (summary.nodes, summary.relationships) == (9, 8)
    return store


# -- reading back --------------------------------------------------------------------------------
def test_counts(loaded: GraphStore) -> None:
    assert loaded.count_nodes() == {"Enterprise": 4, "Park": 2, "Town": 3}
    assert list(loaded.count_nodes()) == ["Enterprise", "Park", "Town"]
    assert loaded.count_relationships() == {"IN_TOWN": 2, "LOCATED_IN": 3, "SUPPLIES": 3}


def test_get_node_returns_the_properties_as_written(loaded: GraphStore) -> None:
    for label, rows in (("Town", TOWNS), ("Park", PARKS), ("Enterprise", ENTERPRISES)):
        for row in rows:
            node = loaded.get_node(label, str(row["id"]))
            assert node == Node(label, str(row["id"]), row)
    p1 = loaded.get_node("Park", "P1")
    assert p1 is not None
    assert type(p1.props["established"]) is dt.date
    assert type(p1.props["floor_area"]) is float
    e1 = loaded.get_node("Enterprise", "E1")
    assert e1 is not None
    assert type(e1.props["employees"]) is int
    assert type(e1.props["above_scale"]) is bool


def test_get_node_missing_or_unknown(loaded: GraphStore) -> None:
    assert loaded.get_node("Enterprise", "E99") is None
    assert loaded.get_node("Park", "E1") is None  # a key of another label
    with pytest.raises(SchemaError):
        loaded.get_node("Firm", "E1")


def test_find_nodes_orders_by_key(loaded: GraphStore) -> None:
    assert [n.key for n in loaded.find_nodes("Enterprise")] == ["E1", "E10", "E2", "E3"]
    assert [n.key for n in loaded.find_nodes("Town")] == ["T1", "T2", "T3"]
    assert loaded.find_nodes("Project") == []


@pytest.mark.parametrize(
    ("where", "keys"),
    [
        ({"listed": True}, ["E10", "E3"]),
        ({"listed": False, "above_scale": True}, ["E1"]),
        ({"city": "苏州市"}, ["E1", "E10", "E2"]),
        ({"founded": dt.date(2019, 11, 30)}, ["E2"]),
        ({"employees": 640}, ["E10"]),
        ({"annual_revenue": 12_345.67}, ["E1"]),
        ({"prov_source": "registry.csv"}, ["E2"]),
        ({"name": "x' OR 1=1 //"}, []),
        ({"unicorn": False}, []),
    ],
)
def test_find_nodes_with_filters(
    loaded: GraphStore, where: dict[str, Any], keys: list[str]
) -> None:
    found = loaded.find_nodes("Enterprise", where)
    assert [n.key for n in found] == keys
    for node in found:
        assert node.props == next(e for e in ENTERPRISES if e["id"] == node.key)


def test_find_nodes_unknown_names(loaded: GraphStore) -> None:
    with pytest.raises(SchemaError):
        loaded.find_nodes("Enterprise", {"nmae": "x"})
    with pytest.raises(SchemaError):
        loaded.find_nodes("Firm")


def test_find_relationships(loaded: GraphStore) -> None:
    e, p, t = "Enterprise", "Park", "Town"
    located = loaded.find_relationships("LOCATED_IN")
    assert [(r.start, r.end) for r in located] == [
        (NodeRef(e, "E1"), NodeRef(p, "P1")),
        (NodeRef(e, "E10"), NodeRef(t, "T2")),
        (NodeRef(e, "E2"), NodeRef(p, "P1")),
    ]
    assert located[2].props == {"prov_source": "locations.csv", "prov_row": 2}
    assert located[0].props == {}
    assert [r.end.key for r in loaded.find_relationships("LOCATED_IN", end_label=t)] == ["T2"]
    assert [r.start.key for r in loaded.find_relationships("LOCATED_IN", e, p)] == ["E1", "E2"]
    assert loaded.find_relationships("LOCATED_IN", start_label="Project") == []
    supplies = loaded.find_relationships("SUPPLIES", e, e)
    pairs = [(r.start.key, r.end.key) for r in supplies]
    assert pairs == [("E1", "E2"), ("E10", "E1"), ("E3", "E1")]
    assert supplies[0] == Relationship(
        "SUPPLIES",
        NodeRef(e, "E1"),
        NodeRef(e, "E2"),
        {"product": "后期制作", "annual_value": 350.5, "since": dt.date(2021, 7, 1)},
    )
    assert type(supplies[0].props["since"]) is dt.date
    assert loaded.find_relationships("OWNS") == []
    with pytest.raises(SchemaError):
        loaded.find_relationships("SUPPLY")


def refs(nodes: tuple[Node, ...]) -> list[str]:
    return [str(n.ref) for n in nodes]


def idents(rels: tuple[Relationship, ...]) -> list[str]:
    return [f"{r.start}-{r.type}->{r.end}" for r in rels]


def test_neighbourhood_depth_1(loaded: GraphStore) -> None:
    sub = loaded.neighbourhood(NodeRef("Park", "P1"))
    assert refs(sub.nodes) == ["Enterprise:E1", "Enterprise:E2", "Park:P1", "Town:T1"]
    assert idents(sub.relationships) == [
        "Enterprise:E1-LOCATED_IN->Park:P1",
        "Enterprise:E2-LOCATED_IN->Park:P1",
        "Park:P1-IN_TOWN->Town:T1",
    ]
    assert sub.nodes[2].props == PARKS[0]
    assert sub.relationships[1].props == {"prov_source": "locations.csv", "prov_row": 2}


def test_neighbourhood_depth_2(loaded: GraphStore) -> None:
    sub = loaded.neighbourhood(NodeRef("Park", "P1"), depth=2)
    assert refs(sub.nodes) == [
        "Enterprise:E1",
        "Enterprise:E10",
        "Enterprise:E2",
        "Enterprise:E3",
        "Park:P1",
        "Town:T1",
    ]
    # E1-SUPPLIES->E2 joins two nodes one hop away: it is crossed too
    assert idents(sub.relationships) == [
        "Enterprise:E1-LOCATED_IN->Park:P1",
        "Enterprise:E1-SUPPLIES->Enterprise:E2",
        "Enterprise:E10-SUPPLIES->Enterprise:E1",
        "Enterprise:E2-LOCATED_IN->Park:P1",
        "Enterprise:E3-SUPPLIES->Enterprise:E1",
        "Park:P1-IN_TOWN->Town:T1",
    ]
    enterprise = {n.key: n for n in sub.nodes if n.label == "Enterprise"}
    assert enterprise["E10"].props == ENTERPRISES[2]


def test_neighbourhood_by_type(loaded: GraphStore) -> None:
    sub = loaded.neighbourhood(NodeRef("Enterprise", "E1"), depth=3, rel_types=["SUPPLIES"])
    assert refs(sub.nodes) == ["Enterprise:E1", "Enterprise:E10", "Enterprise:E2", "Enterprise:E3"]
    assert len(sub.relationships) == 3
    only = loaded.neighbourhood(NodeRef("Enterprise", "E1"), depth=2, rel_types=[])
    assert refs(only.nodes) == ["Enterprise:E1"] and only.relationships == ()
    none = loaded.neighbourhood(NodeRef("Enterprise", "E1"), depth=0)
    assert refs(none.nodes) == ["Enterprise:E1"] and none.relationships == ()
    with pytest.raises(SchemaError):
        loaded.neighbourhood(NodeRef("Enterprise", "E1"), rel_types=["KNOWS"])


def test_neighbourhood_of_a_lonely_or_missing_node(loaded: GraphStore) -> None:
    lonely = loaded.neighbourhood(NodeRef("Town", "T3"), depth=2)
    assert refs(lonely.nodes) == ["Town:T3"] and lonely.relationships == ()
    assert loaded.neighbourhood(NodeRef("Town", "T9"), depth=2).nodes == ()


def test_existing_keys(loaded: GraphStore) -> None:
    assert loaded.existing_keys("Enterprise", ["E1", "E3", "E99", "P1"]) == {"E1", "E3"}
    assert loaded.existing_keys("Park", []) == set()
    assert loaded.existing_keys("Park", {"P2"}) == {"P2"}
    with pytest.raises(SchemaError):
        loaded.existing_keys("Firm", ["E1"])


def test_get_nodes(loaded: GraphStore) -> None:
    found = loaded.get_nodes("Enterprise", ["E3", "E99", "E1", "E3", "P1"])
    assert [n.key for n in found] == ["E1", "E3"]
    assert found[0] == Node("Enterprise", "E1", ENTERPRISES[0])
    assert loaded.get_nodes("Park", []) == []
    with pytest.raises(SchemaError):
        loaded.get_nodes("Firm", ["E1"])


def test_adjacent(loaded: GraphStore) -> None:
    out = loaded.adjacent("SUPPLIES", "Enterprise", ["E1", "E10", "E99"])
    assert [(r.start.key, r.end.key) for r in out] == [("E1", "E2"), ("E10", "E1")]
    assert out[0].props["since"] == dt.date(2021, 7, 1)
    into = loaded.adjacent("SUPPLIES", "Enterprise", ["E1"], direction="in")
    assert [(r.start.key, r.end.key) for r in into] == [("E10", "E1"), ("E3", "E1")]
    located = loaded.adjacent("LOCATED_IN", "Enterprise", ["E10", "E2"])
    assert [str(r.end) for r in located] == ["Town:T2", "Park:P1"]
    parks = loaded.adjacent("LOCATED_IN", "Park", ["P1", "P2"], direction="in")
    assert [str(r.start) for r in parks] == ["Enterprise:E1", "Enterprise:E2"]
    assert loaded.adjacent("LOCATED_IN", "Town", [], direction="in") == []
    with pytest.raises(ValueError):
        loaded.adjacent("SUPPLIES", "Enterprise", ["E1"], direction="both")
    with pytest.raises(SchemaError):
        loaded.adjacent("SUPPLY", "Enterprise", ["E1"])


# -- writing -----------------------------------------------------------------------------------
def test_applying_twice_changes_nothing(loaded: GraphStore) -> None:
    before = dump(loaded)
    loaded.apply(city())
    assert dump(loaded) == before


def test_applying_again_updates_given_properties_only(loaded: GraphStore) -> None:
    changes = ChangeSet()
    changes.add_node("Enterprise", {"id": "E1", "employees": 150, "listed": True})
    changes.add_node("Enterprise", {"id": "E4", "name": "新设企业"})
    changes.add_rel(
        "SUPPLIES", "Enterprise", "Enterprise", RelRow("E1", "E2", {"annual_value": 400.0})
    )
    changes.add_rel("SUPPLIES", "Enterprise", "Enterprise", RelRow("E4", "E1", {}))
    loaded.apply(changes)
    e1 = loaded.get_node("Enterprise", "E1")
    assert e1 is not None
    assert e1.props == {**ENTERPRISES[0], "employees": 150, "listed": True}
    assert loaded.count_nodes() == {"Enterprise": 5, "Park": 2, "Town": 3}
    assert loaded.count_relationships() == {"IN_TOWN": 2, "LOCATED_IN": 3, "SUPPLIES": 4}
    e1_e2 = loaded.find_relationships("SUPPLIES")[0]
    assert e1_e2.props == {
        "product": "后期制作",
        "annual_value": 400.0,
        "since": dt.date(2021, 7, 1),
    }


def test_a_relationship_to_a_missing_node_writes_nothing(loaded: GraphStore) -> None:
    before = dump(loaded)
    bad = ChangeSet()
    bad.add_node("Enterprise", {"id": "E1", "name": "改名了"})  # would update
    bad.add_node("Enterprise", {"id": "E5", "name": "新企业"})  # would create
    bad.add_rel("SUPPLIES", "Enterprise", "Enterprise", RelRow("E5", "E1", {}))
    bad.add_rel("SUPPLIES", "Enterprise", "Enterprise", RelRow("E1", "E2", {"annual_value": 1.0}))
    bad.add_rel("SUPPLIES", "Enterprise", "Enterprise", RelRow("E5", "E404", {}))
    with pytest.raises(StoreError, match="E404"):
        loaded.apply(bad)
    assert dump(loaded) == before


def test_a_failed_first_apply_leaves_the_store_empty(store: GraphStore) -> None:
    bad = ChangeSet()
    bad.add_node("Town", {"id": "T1", "name": "城厢镇", "city": "太仓市"})
    bad.add_rel("IN_TOWN", "Park", "Town", RelRow("P404", "T1", {}))
    with pytest.raises(StoreError, match="P404"):
        store.apply(bad)
    assert store.count_nodes() == {}
    assert store.get_node("Town", "T1") is None


def test_unknown_names_are_refused_before_writing(store: GraphStore) -> None:
    bad = ChangeSet()
    bad.add_node("Town", {"id": "T1", "name": "城厢镇", "city": "太仓市"})
    bad.add_node("Firm", {"id": "F1"})
    with pytest.raises(SchemaError):
        store.apply(bad)
    bad = ChangeSet()
    bad.add_node("Town", {"id": "T1", "name": "城厢镇", "city": "太仓市"})
    bad.add_rel("KNOWS", "Town", "Town", RelRow("T1", "T1", {}))
    with pytest.raises(SchemaError):
        store.apply(bad)
    assert store.count_nodes() == {}


def test_clear(loaded: GraphStore) -> None:
    loaded.clear()
    assert loaded.count_nodes() == {}
    assert loaded.count_relationships() == {}
    assert loaded.find_nodes("Enterprise") == []
    assert loaded.get_node("Enterprise", "E1") is None
    loaded.apply(city())  # usable again, constraints and all
    assert loaded.count_nodes() == {"Enterprise": 4, "Park": 2, "Town": 3}


# -- the two stores side by side -----------------------------------------------------------------
@pytest.fixture
def both(
    tmp_path: Path, neo4j_session_store: GraphStore
) -> Iterator[tuple[GraphStore, GraphStore]]:
    neo4j_session_store.clear()
    yield MemoryStore(tmp_path / "map.snapshot"), neo4j_session_store
    neo4j_session_store.clear()


@pytest.mark.neo4j
def test_memory_and_neo4j_answer_identically(both: tuple[GraphStore, GraphStore]) -> None:
    memory, neo4j = both
    for st in (memory, neo4j):
        st.apply(city())
        update = ChangeSet()
        update.add_node(
            "Enterprise", {"id": "E2", "employees": 40, "founded": dt.date(2019, 12, 1)}
        )
        st.apply(update)
    assert neo4j.count_nodes() == memory.count_nodes()
    assert neo4j.count_relationships() == memory.count_relationships()
    for label in (*SCHEMA.map_labels, "Delivery"):  # Neo4j's tallies are its own
        assert neo4j.find_nodes(label) == memory.find_nodes(label), label
    for rtype in SCHEMA.relationships:
        assert neo4j.find_relationships(rtype) == memory.find_relationships(rtype), rtype
    for ref in (
        NodeRef("Park", "P1"),
        NodeRef("Enterprise", "E1"),
        NodeRef("Town", "T2"),
        NodeRef("Town", "T3"),
    ):
        for depth in (1, 2, 3):
            assert neo4j.neighbourhood(ref, depth) == memory.neighbourhood(ref, depth), (ref, depth)
    keys = ["E1", "E2", "E3", "E9", "E10"]
    assert neo4j.existing_keys("Enterprise", keys) == memory.existing_keys("Enterprise", keys)
    assert neo4j.get_nodes("Enterprise", keys) == memory.get_nodes("Enterprise", keys)
    for rtype in ("SUPPLIES", "LOCATED_IN"):
        for direction in ("out", "in"):
            assert neo4j.adjacent(rtype, "Enterprise", keys, direction) == memory.adjacent(
                rtype, "Enterprise", keys, direction
            ), (rtype, direction)


@pytest.mark.neo4j
def test_neo4j_has_a_uniqueness_constraint_per_label_key(neo4j_session_store: GraphStore) -> None:
    from tupu.graph.stores.neo4j_store import Neo4jStore

    assert isinstance(neo4j_session_store, Neo4jStore)
    found = [(labels, props) for _, labels, props in neo4j_session_store.uniqueness_constraints()]
    for ldef in SCHEMA.labels.values():
        assert found.count(((ldef.name,), (ldef.key,))) == 1, ldef.name
