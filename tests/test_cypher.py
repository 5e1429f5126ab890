"""The Cypher builders, checked as strings with no database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from tupu.errors import SchemaError
from tupu.graph.stores import cypher
from tupu.graph.stores.model import ChangeSet, NodeRef, RelRow
from tupu.graph.stores.neo4j_store import Neo4jStore, node_batch, rel_batch
from tupu.ontology.schema import load_schema

SCHEMA = load_schema()
NASTY = "x' OR 1=1 //`}) DETACH DELETE n"

EVERY_QUERY: list[Callable[[], str]] = [
    lambda: cypher.merge_nodes("Enterprise", ["name", "founded", "prov_row"]),
    lambda: cypher.merge_relationships("SUPPLIES", "Enterprise", "Enterprise", ["since"]),
    lambda: cypher.existing_keys("Park"),
    lambda: cypher.get_node("SubSector"),
    lambda: cypher.get_nodes("SubSector"),
    lambda: cypher.adjacent("LOCATED_IN", "Enterprise", "out"),
    lambda: cypher.adjacent("LOCATED_IN", "Town", "in"),
    lambda: cypher.find_nodes("Enterprise", ["name", "listed", "founded"]),
    lambda: cypher.find_relationships("LOCATED_IN"),
    lambda: cypher.find_relationships("LOCATED_IN", "Enterprise", "Town"),
    lambda: cypher.neighbourhood_start("Town"),
    lambda: cypher.neighbourhood_hop(None),
    lambda: cypher.neighbourhood_hop(["SUPPLIES", "IN_TOWN"]),
    lambda: cypher.nodes_by_element_id(),
    lambda: cypher.count_nodes(),
    lambda: cypher.count_relationships(),
    lambda: cypher.delete_relationships(),
    lambda: cypher.delete_nodes(),
    lambda: cypher.show_constraints(),
    *[(lambda q=q: q) for q in cypher.create_constraints()],
]


@pytest.mark.parametrize("build", EVERY_QUERY)
def test_only_ontology_names_appear_as_literals(build: Callable[[], str]) -> None:
    allowed = {*SCHEMA.labels, *SCHEMA.relationships, "UNIQUENESS", "NODE"}
    assert set(re.findall(r"'([^']*)'", build())) <= allowed


class FakeResult:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)

    def single(self, strict: bool = False) -> dict[str, Any] | None:
        return self.records[0] if self.records else None

    def consume(self) -> None:
        return None


class FakeSession:
    """Runs transaction functions against itself, recording every query and its parameters."""

    def __init__(self, log: list[tuple[str, dict[str, Any]]]) -> None:
        self.log = log

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, query: str, params: dict[str, Any] | None = None) -> FakeResult:
        self.log.append((query, dict(params or {})))
        if "AS created" in query:
            return FakeResult([{"created": len((params or {})["rows"])}])
        if "AS kept" in query:  # the sub-sector tallies are there
            return FakeResult([{"kept": True}])
        return FakeResult([])

    def execute_read(self, work: Callable[[Any], Any]) -> Any:
        return work(self)

    execute_write = execute_read


class FakeDriver:
    execute_query_bookmark_manager = None

    def __init__(self) -> None:
        self.log: list[tuple[str, dict[str, Any]]] = []

    def session(self, **config: Any) -> FakeSession:
        return FakeSession(self.log)

    def close(self) -> None:
        return None


def test_store_sends_values_only_as_parameters() -> None:
    driver = FakeDriver()
    traced: list[tuple[str, Mapping[str, Any]]] = []
    store = Neo4jStore(
        driver,  # type: ignore[arg-type]
        tracer=lambda q, p: traced.append((q, p)),
    )
    changes = ChangeSet()
    changes.add_node("Enterprise", {"id": NASTY, "name": NASTY, "founded": dt.date(2020, 1, 2)})
    changes.add_node("Town", {"id": "T1", "name": "城厢镇", "city": "太仓市"})
    changes.add_rel("LOCATED_IN", "Enterprise", "Town", RelRow(NASTY, "T1", {}))
    store.apply(changes)
    store.get_node("Enterprise", NASTY)
    store.find_nodes("Enterprise", {"name": NASTY})
    store.existing_keys("Enterprise", [NASTY])
    store.neighbourhood(NodeRef("Enterprise", NASTY), 2)
    store.clear()
    assert driver.log, "no query was run"
    assert traced == driver.log  # the tracer sees every query with its parameters
    for query, params in driver.log:
        assert NASTY not in query
    assert any(NASTY in repr(params) for _, params in driver.log)


def test_merge_nodes_is_an_unwind_merge_on_the_key() -> None:
    assert cypher.merge_nodes("Enterprise", ["name", "listed"]) == (
        "UNWIND $rows AS row MERGE (n:`Enterprise` {`id`: row[0]}) "
        "SET n.`name` = coalesce(row[1], n.`name`), n.`listed` = coalesce(row[2], n.`listed`)"
    )
    assert cypher.merge_nodes("SubSector") == (
        "UNWIND $rows AS row MERGE (n:`SubSector` {`code`: row[0]})"
    )
    with pytest.raises(ValueError):
        cypher.merge_nodes("Enterprise", ["id", "name"])


def test_merge_relationships_matches_both_ends_and_counts_rows() -> None:
    query = cypher.merge_relationships("LOCATED_IN", "Enterprise", "Town")
    assert query == (
        "UNWIND $rows AS row "
        "MATCH (a:`Enterprise` {`id`: row[0]}) MATCH (b:`Town` {`id`: row[1]}) "
        "MERGE (a)-[r:`LOCATED_IN`]->(b) RETURN count(*) AS created"
    )
    query = cypher.merge_relationships("SUPPLIES", "Enterprise", "Enterprise", ["product", "since"])
    assert "(b) SET r.`product` = coalesce(row[2], r.`product`), " in query
    assert "r.`since` = coalesce(row[3], r.`since`)" in query
    assert query.endswith(" RETURN count(*) AS created")


def test_rows_are_shaped_as_lists_in_the_order_of_the_names() -> None:
    names, rows = node_batch(
        "Enterprise",
        "id",
        [{"id": "E1", "name": "甲", "listed": True}, {"id": 2, "founded": dt.date(2020, 1, 2)}],
    )
    assert names == ["founded", "listed", "name"]
    assert rows == [["E1", None, True, "甲"], ["2", dt.date(2020, 1, 2), None, None]]
    names, rows = rel_batch(
        [RelRow("E1", "E2", {"since": dt.date(2021, 1, 1)}), RelRow("E2", "E1", {})]
    )
    assert names == ["since"]
    assert rows == [["E1", "E2", dt.date(2021, 1, 1)], ["E2", "E1", None]]


def test_values_travel_only_as_parameters() -> None:
    names, rows = node_batch("Enterprise", "id", [{"id": NASTY, "name": NASTY}])
    assert rows == [[NASTY, NASTY]]
    assert NASTY not in cypher.merge_nodes("Enterprise", names)
    query = cypher.find_nodes("Enterprise", ["name", "city"])
    assert "n.`name` = $p0 AND n.`city` = $p1" in query
    assert query.endswith("ORDER BY key")


def test_a_row_without_its_key_is_refused() -> None:
    from tupu.errors import StoreError

    with pytest.raises(StoreError, match="Town row 2 has no key 'id'"):
        node_batch("Town", "id", [{"id": "a"}, {"name": "b"}])


def test_find_nodes_without_filter_has_no_where() -> None:
    assert cypher.find_nodes("Park") == (
        "MATCH (n:`Park`) RETURN n.`id` AS key, properties(n) AS props ORDER BY key"
    )


def test_find_nodes_accepts_provenance_properties() -> None:
    assert "n.`prov_source` = $p0" in cypher.find_nodes("Park", ["prov_source"])


def test_find_relationships_orders_by_label_then_key() -> None:
    query = cypher.find_relationships("SUPPLIES", "Enterprise", "Enterprise")
    assert "MATCH (a:`Enterprise`)-[r:`SUPPLIES`]->(b:`Enterprise`)" in query
    assert "a.`id` AS start" in query
    assert query.endswith("ORDER BY start_label, start, end_label, end")
    # without end labels the key depends on the node's label
    query = cypher.find_relationships("COVERS")
    assert "MATCH (a)-[r:`COVERS`]->(b)" in query
    assert "CASE WHEN b:`SubSector` THEN b.`code` ELSE b.`id` END AS end" in query


def test_key_expression_covers_every_label() -> None:
    expr = cypher.key_expression("n")
    for ldef in SCHEMA.labels.values():
        if ldef.key != "id":
            assert f"n:`{ldef.name}`" in expr
            assert f"n.`{ldef.key}`" in expr


def test_adjacent_matches_the_given_side_by_key() -> None:
    out = cypher.adjacent("LOCATED_IN", "Enterprise", "out")
    assert out.startswith(
        "UNWIND $keys AS k MATCH (n:`Enterprise` {`id`: k})-[r:`LOCATED_IN`]->(m) "
    )
    assert "n.`id` AS start" in out
    into = cypher.adjacent("COVERS", "SubSector", "in")
    assert "MATCH (m)-[r:`COVERS`]->(n:`SubSector` {`code`: k})" in into
    assert "n.`code` AS end" in into
    with pytest.raises(ValueError):
        cypher.adjacent("COVERS", "SubSector", "both")


def test_neighbourhood_hop_types() -> None:
    assert "MATCH (n)-[r]-(m)" in cypher.neighbourhood_hop(None)
    assert "[r:`SUPPLIES`|`IN_TOWN`]" in cypher.neighbourhood_hop(["SUPPLIES", "IN_TOWN"])
    with pytest.raises(ValueError):
        cypher.neighbourhood_hop([])


@pytest.mark.parametrize(
    "build",
    [
        lambda: cypher.merge_nodes("Enterprize"),
        lambda: cypher.merge_nodes("Enterprise`) DETACH DELETE (n"),
        lambda: cypher.merge_nodes("Enterprise", ["name", "nmae"]),
        lambda: cypher.merge_nodes("Enterprise", ["name = 1 DETACH DELETE n //"]),
        lambda: cypher.merge_relationships("SUPPLIES", "Enterprise", "Enterprise", ["amount"]),
        lambda: cypher.merge_relationships("SUPPLY", "Enterprise", "Enterprise"),
        lambda: cypher.merge_relationships("SUPPLIES", "Enterprise", "Firm"),
        lambda: cypher.merge_relationships("SUPPLIES", "Firm", "Enterprise"),
        lambda: cypher.existing_keys("Firm"),
        lambda: cypher.get_node("Firm"),
        lambda: cypher.get_nodes("Firm"),
        lambda: cypher.adjacent("SUPPLY", "Enterprise", "out"),
        lambda: cypher.adjacent("SUPPLIES", "Firm", "in"),
        lambda: cypher.find_nodes("Firm"),
        lambda: cypher.find_nodes("Enterprise", ["nmae"]),
        lambda: cypher.find_nodes("Enterprise", ["name` = 1 OR n.`name"]),
        lambda: cypher.find_relationships("SUPPLY"),
        lambda: cypher.find_relationships("SUPPLIES", "Firm"),
        lambda: cypher.find_relationships("SUPPLIES", None, "Firm"),
        lambda: cypher.neighbourhood_start("Firm"),
        lambda: cypher.neighbourhood_hop(["SUPPLIES", "KNOWS"]),
        lambda: cypher.create_constraint("Firm"),
        lambda: cypher.key_expression("n", label="Firm"),
    ],
)
def test_unknown_names_raise_schema_error(build: Callable[[], str]) -> None:
    with pytest.raises(SchemaError):
        build()


def test_constraints_cover_every_label_key() -> None:
    queries = cypher.create_constraints()
    assert len(queries) == len(SCHEMA.labels)
    for ldef in SCHEMA.labels.values():
        expected = (
            f"CREATE CONSTRAINT `tupu_{ldef.name}_{ldef.key}_unique` IF NOT EXISTS "
            f"FOR (n:`{ldef.name}`) REQUIRE n.`{ldef.key}` IS UNIQUE"
        )
        assert expected in queries


def test_counts_name_every_label_and_type() -> None:
    nodes = cypher.count_nodes()
    for label in SCHEMA.map_labels:
        assert f"MATCH (n:`{label}`) RETURN '{label}' AS label, count(n) AS count" in nodes
    assert "`Delivery`" not in nodes  # the loads' bookkeeping is not counted
    rels = cypher.count_relationships()
    for rtype in SCHEMA.relationships:
        assert f"MATCH ()-[r:`{rtype}`]->() RETURN '{rtype}' AS type, count(r) AS count" in rels
    assert nodes.count(" UNION ALL ") == len(SCHEMA.map_labels) - 1


def test_clear_deletes_in_batches_of_a_parameter() -> None:
    assert "IN TRANSACTIONS OF $batch ROWS" in cypher.delete_relationships()
    assert "DETACH DELETE n" in cypher.delete_nodes()
    assert "IN TRANSACTIONS OF $batch ROWS" in cypher.delete_nodes()


def test_quote_doubles_backquotes() -> None:
    assert cypher.quote("a`b") == "`a``b`"
