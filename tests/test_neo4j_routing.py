"""`neo4j://` (routing) URIs against the bundled server: what a cluster or Aura needs works here.

The bundled server advertises its own Bolt address, so a routing driver gets a routing table that
names it as writer and reader, sends writes and reads there, and the store behaves as over
``bolt://``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.minicity import write_city
from tupu.graph.stores.neo4j_store import Neo4jStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load
from tupu.settings import load_settings

pytestmark = pytest.mark.neo4j


@pytest.fixture
def routed(neo4j_session_store: GraphStore) -> Iterator[tuple[Neo4jStore, str]]:
    """A store connected through ``neo4j://`` to the Neo4j of the settings (cleared around)."""
    settings = load_settings()
    scheme, _, address = settings.neo4j_uri.partition("://")
    assert scheme in ("bolt", "neo4j"), f"the tests' Neo4j is {settings.neo4j_uri}"
    uri = f"neo4j://{address}"
    store = Neo4jStore.connect(load_settings(neo4j_uri=uri))
    neo4j_session_store.clear()
    try:
        yield store, address
    finally:
        neo4j_session_store.clear()
        store.close()


def test_the_routing_table_names_the_bundled_server(routed: tuple[Neo4jStore, str]) -> None:
    store, address = routed
    records, _, _ = store.driver.execute_query(
        "CALL dbms.routing.getRoutingTable({}, $db) YIELD servers RETURN servers",
        db=store.database, database_=store.database,
    )
    roles = {s["role"]: set(s["addresses"]) for s in records[0]["servers"]}
    assert roles.keys() >= {"WRITE", "READ", "ROUTE"}
    for role in ("WRITE", "READ", "ROUTE"):
        assert roles[role] == {address}, (role, roles[role])


def test_a_load_and_its_reads_go_through_routing(
    routed: tuple[Neo4jStore, str], neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    store, _ = routed
    load([write_city(tmp_path / "mini")], store)
    counts = store.count_nodes(), store.count_relationships()
    assert counts[0]["Enterprise"] == 3
    # the same database seen over bolt:// holds what was written over neo4j://
    assert (neo4j_session_store.count_nodes(), neo4j_session_store.count_relationships()) == counts
    assert [n.key for n in store.find_nodes("Park")] == ["p1"]
