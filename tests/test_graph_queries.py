"""The named graph queries: planted answers on a mini city, and the same answer on both stores.

The mini city plants what the queries must get right: an enterprise in two sub-sectors of one
link (counted once), dead enterprises (never members, never candidates, not counted), a located
enterprise (never a candidate), direct ties both ways and of two types, a path through a partner
that is not located, a fund invested in a candidate, a university cooperating with one. Every
query is asked of the memory store and of Neo4j, on the mini city and on the sample city, and the
answers must be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import shared_sample
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.graph.stores.queries import GraphQueries, LocalMember
from tupu.graph.stores.store import GraphStore


def _rel(c: ChangeSet, rtype: str, a: tuple[str, str], b: tuple[str, str], **props: object) -> None:
    c.add_rel(rtype, a[0], b[0], RelRow(a[1], b[1], dict(props)))


def mini_city() -> ChangeSet:
    c = ChangeSet()
    c.add_node("Chain", {"id": "C", "name": "链", "plan_format": True})
    for key, stage, pos in (("L0", "upstream", 1), ("L1", "midstream", 2), ("L2", "downstream", 3)):
        c.add_node("ChainLink", {"id": key, "name": f"环节{key}", "stage": stage, "position": pos})
        _rel(c, "HAS_LINK", ("Chain", "C"), ("ChainLink", key))
    _rel(c, "FEEDS", ("ChainLink", "L0"), ("ChainLink", "L1"))
    _rel(c, "FEEDS", ("ChainLink", "L1"), ("ChainLink", "L2"))
    for code, domain in (("S0", "related"), ("S1", "core"), ("S2", "core"), ("S3", "related")):
        c.add_node("SubSector", {"code": code, "name": f"领域{code}", "domain": domain})
    for link, code in (("L0", "S0"), ("L1", "S1"), ("L1", "S2"), ("L2", "S2"), ("L2", "S3")):
        _rel(c, "COVERS", ("ChainLink", link), ("SubSector", code))
    c.add_node("Town", {"id": "T1", "name": "一镇"})
    c.add_node("Park", {"id": "P1", "name": "一号园", "vacant_area": 5000.0})
    c.add_node("Park", {"id": "P2", "name": "二号园"})
    _rel(c, "IN_TOWN", ("Park", "P1"), ("Town", "T1"))
    _rel(c, "POSITIONED_FOR", ("Park", "P1"), ("ChainLink", "L1"))
    enterprises = {
        # local: A in P1, B in T1 (in S1 and S2: once in L1), D dead in P1, G in P2 (no town)
        "A": ({"above_scale": True, "annual_revenue": 900.0}, ["S1"], ("Park", "P1")),
        "B": ({"reg_status": "operating"}, ["S1", "S2"], ("Town", "T1")),
        "D": ({"reg_status": "revoked", "above_scale": True}, ["S1"], ("Park", "P1")),
        "G": ({"above_scale": False}, ["S0"], ("Park", "P2")),
        # outside: X in S1 and S2, Y in S2, Z dead in S1, W in S3, V in no sub-sector
        "X": ({"annual_revenue": 50_000.0, "employees": 300, "listed": True}, ["S1", "S2"], None),
        "Y": ({"employees": 20}, ["S2"], None),
        "Z": ({"reg_status": "deregistered", "annual_revenue": 1.0}, ["S1"], None),
        "W": ({"reg_status": "moved_in", "top30": True}, ["S3"], None),
        "V": ({}, [], None),
    }
    for key, (props, codes, place) in enterprises.items():
        c.add_node("Enterprise", {"id": key, "name": f"企业{key}", **props})
        for code in codes:
            _rel(c, "IN_SUBSECTOR", ("Enterprise", key), ("SubSector", code), primary=True)
        if place is not None:
            _rel(c, "LOCATED_IN", ("Enterprise", key), place)
    _rel(c, "SUPPLIES", ("Enterprise", "X"), ("Enterprise", "A"), product="授权")
    _rel(c, "COOPERATES_WITH", ("Enterprise", "A"), ("Enterprise", "X"))
    _rel(c, "SUPPLIES", ("Enterprise", "Z"), ("Enterprise", "A"))
    _rel(c, "SUPPLIES", ("Enterprise", "Y"), ("Enterprise", "V"))
    _rel(c, "SUBSIDIARY_OF", ("Enterprise", "V"), ("Enterprise", "B"))
    _rel(c, "SUPPLIES", ("Enterprise", "X"), ("Enterprise", "Y"))
    c.add_node("Fund", {"id": "F1", "name": "基金一"})
    c.add_node("Fund", {"id": "F2"})
    _rel(c, "FOCUSES_ON", ("Fund", "F1"), ("SubSector", "S1"))
    _rel(c, "INVESTED_IN", ("Fund", "F2"), ("Enterprise", "X"), amount=100.0)
    _rel(c, "INVESTED_IN", ("Fund", "F2"), ("Enterprise", "A"), amount=10.0)
    c.add_node("University", {"id": "U1", "name": "大学一", "local": True})
    c.add_node("University", {"id": "U2", "name": "大学二", "local": False})
    _rel(c, "STRONG_IN", ("University", "U1"), ("SubSector", "S2"))
    _rel(c, "STRONG_IN", ("University", "U2"), ("SubSector", "S1"))
    _rel(c, "COOPERATES_WITH", ("Enterprise", "Y"), ("University", "U2"))
    for period, revenue in (("2025Q1", 100.0), ("2025Q2", 120.5)):
        c.add_node("EnterpriseObservation", {"id": f"A@{period}", "period": period,
                                             "revenue": revenue, "employees": 10})
        _rel(c, "HAS_OBSERVATION", ("Enterprise", "A"), ("EnterpriseObservation", f"A@{period}"))
    c.add_node("EnterpriseObservation", {"id": "B@2025Q2", "period": "2025Q2",
                                         "talent_introduced": 2, "above_scale": False})
    _rel(c, "HAS_OBSERVATION", ("Enterprise", "B"), ("EnterpriseObservation", "B@2025Q2"))
    return c


LINKS = ["L0", "L1", "L2", "L9"]


def answers(q: GraphQueries) -> dict[str, object]:
    """Every named query's answer, for every link of the city (and one that does not exist)."""
    links = sorted({k for k, *_ in q.chain_structure().links} | {"L9"})
    out: dict[str, object] = {
        "chain_structure": q.chain_structure(),
        "placements": q.placements(),
        "placements_project": q.placements("Project"),
        "local_members": q.local_members(links),
        "link_member_counts": q.link_member_counts(links),
        "link_members": q.link_members(links),
        "alive_enterprise_count": q.alive_enterprise_count(),
        "observations_all": q.enterprise_observations(None),
        "observations_some": q.enterprise_observations(["A", "B", "nobody"]),
        "observations_none": q.enterprise_observations([]),
    }
    for lk in links:
        out[f"link_pool {lk}"] = q.link_pool(lk)
        out[f"candidate_ties {lk}"] = q.candidate_ties(lk)
        out[f"link_context {lk}"] = q.link_context(lk)
        out[f"pool_links {lk}"] = q.pool_links(lk)
    return out


def _memory_with(changes: ChangeSet | None) -> MemoryStore:
    if changes is None:
        return shared_sample()
    store = MemoryStore(None)
    store.apply(changes)
    return store


def test_planted_answers_on_the_memory_store() -> None:
    q = _memory_with(mini_city()).queries()
    # B is in both sub-sectors of L1 and counts once; D and Z are dead
    assert q.link_member_counts(LINKS) == {"L0": 1, "L1": 4, "L2": 4, "L9": 0}
    assert q.link_members(["L1"]) == {"L1": frozenset({"A", "B", "X", "Y"})}
    assert q.alive_enterprise_count() == 7
    assert q.local_members(LINKS) == (
        LocalMember("A", True, True, ("L1",)),
        LocalMember("B", False, True, ("L1", "L2")),
        LocalMember("D", True, False, ()),
        LocalMember("G", False, True, ("L0",)),
    )
    assert [m.key for m in q.link_pool("L1")] == ["X", "Y"]  # not A, B (located), Z (dead)
    assert q.link_pool("L1")[0].props == (("annual_revenue", 50_000.0), ("employees", 300),
                                          ("listed", True))
    assert [m.key for m in q.link_pool("L2")] == ["W", "X", "Y"]
    ties = q.candidate_ties("L0")
    assert ties.direct == ties.indirect == ()
    ties = q.candidate_ties("L2")
    assert ties.direct == (("X", "A", "COOPERATES_WITH", False), ("X", "A", "SUPPLIES", True))
    # Y reaches B through V and A through X (neither located); X reaches nobody through Y
    assert ties.indirect == (("Y", "V", "B"), ("Y", "X", "A"))
    ctx = q.link_context("L1")
    assert ctx is not None
    assert (ctx.codes, ctx.ups, ctx.downs) == (("S1", "S2"), ("L0",), ("L2",))
    assert ctx.parks == (("P1", "一号园", 5000.0),)
    assert (ctx.focus_funds, ctx.strong_universities) == (("F1",), ("U1",))  # U2 is not local
    assert q.link_context("L9") is None
    around = q.pool_links("L2")
    assert around.invested == (("X", "F2"),)  # A is located: not in the pool
    assert around.universities == (("Y", "U2"),)
    assert around.names == (("Fund", "F2", None), ("University", "U2", "大学二"))
    assert [(e, o) for e, o, _ in q.enterprise_observations(None)] == [
        ("A", "A@2025Q1"), ("A", "A@2025Q2"), ("B", "B@2025Q2")]


def test_the_memory_indexes_follow_writes() -> None:
    store = _memory_with(mini_city())
    q = store.queries()
    assert q.link_member_counts(["L1"]) == {"L1": 4}
    more = ChangeSet()
    more.add_node("Enterprise", {"id": "N", "name": "新企业"})
    more.add_node("Enterprise", {"id": "X", "reg_status": "liquidating"})
    _rel(more, "IN_SUBSECTOR", ("Enterprise", "N"), ("SubSector", "S1"))
    store.apply(more)
    assert q.link_member_counts(["L1"]) == {"L1": 4}  # N in, X (now dead) out
    assert q.link_members(["L1"]) == {"L1": frozenset({"A", "B", "N", "Y"})}
    assert q.alive_enterprise_count() == 7
    assert [m.key for m in q.link_pool("L1")] == ["N", "Y"]


@pytest.fixture(scope="module")
def neo4j_store(neo4j_session_store: GraphStore) -> Iterator[GraphStore]:
    neo4j_session_store.clear()
    yield neo4j_session_store
    neo4j_session_store.clear()


@pytest.mark.neo4j
@pytest.mark.parametrize("city", ["mini", pytest.param("sample", marks=pytest.mark.neo4j_sample)])
def test_both_stores_answer_every_query_identically(
    city: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    changes = mini_city() if city == "mini" else None
    memory = _memory_with(changes)
    if changes is None:
        neo4j_store: GraphStore = request.getfixturevalue("neo4j_sample")
    else:
        neo4j_store = request.getfixturevalue("neo4j_store")
        neo4j_store.clear()
        neo4j_store.apply(changes)
    expected, got = answers(memory.queries()), answers(neo4j_store.queries())
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name] == expected[name], name


def _in_writes(changes: ChangeSet) -> list[ChangeSet]:
    """``changes`` as several writes: the nodes, then the relationship groups in two halves, then
    a change of properties (X dies, Y gains a name)."""
    writes = [ChangeSet(), ChangeSet(), ChangeSet(), ChangeSet()]
    for label, rows in changes.nodes.items():
        for row in rows:
            writes[0].add_node(label, row)
    for i, group in enumerate(sorted(changes.rels)):
        for rel in changes.rels[group]:
            writes[1 + i % 2].add_rel(*group, rel)
    writes[3].add_node("Enterprise", {"id": "X", "reg_status": "liquidating"})
    writes[3].add_node("Enterprise", {"id": "Y", "name": "企业Y新名"})
    return writes


@pytest.mark.neo4j
def test_the_memory_store_read_from_snapshot_and_deltas_answers_as_neo4j(
    neo4j_store: GraphStore, tmp_path: Path
) -> None:
    """The memory store whose later writes are deltas (graph/stores/snapshot_delta.py) — opened
    from its files, caught up by a process holding it, and the writer itself — answers every
    query as Neo4j given the same writes."""
    writes = _in_writes(mini_city())
    path = tmp_path / "map.snapshot"
    writer = MemoryStore(path, compact_share=100.0)
    writer.apply(writes[0])
    follower = MemoryStore(path)
    follower.queries().link_members(list(LINKS))  # its indexes built before the deltas
    neo4j_store.clear()
    for write in writes:
        neo4j_store.apply(write)
    for write in writes[1:]:
        writer.apply(write)
    assert len(list(tmp_path.glob("map.snapshot.delta-*"))) == len(writes) - 1
    expected = answers(neo4j_store.queries())
    for memory in (MemoryStore(path), follower, writer):
        got = answers(memory.queries())
        for name in expected:
            assert got[name] == expected[name], name


def test_dead_enterprises_are_neither_members_nor_candidates() -> None:
    from tupu.graph.analyses.candidates import candidates
    from tupu.graph.analyses.gaps import panorama

    store = _memory_with(mini_city())
    pan = panorama(store).set_index("link")
    # L1: A and B are local and alive; D (revoked) is not counted; X and Y are outside, Z is dead
    assert pan.loc["L1", "local_enterprises"] == 2
    assert pan.loc["L1", "above_scale"] == 1
    assert pan.loc["L1", "outside_enterprises"] == 2
    found = candidates(store, "L1", None)
    assert list(found["id"]) == ["X", "Y"]
    assert found.iloc[0]["local_partners"] == "企业A"  # its direct tie; Z's tie does not count
    more = ChangeSet()
    more.add_node("Enterprise", {"id": "Y", "reg_status": "suspended"})
    store.apply(more)
    assert list(candidates(store, "L1", None)["id"]) == ["X"]


def test_query_texts_take_values_as_parameters_and_check_names() -> None:
    from tupu.errors import SchemaError
    from tupu.graph.stores import cypher_queries as cq

    text = cq.candidate_ties()
    assert "$link" in text and "$dead" in text
    assert "revoked" not in text  # the dead statuses travel as a parameter
    with pytest.raises(SchemaError):
        cq.placements("NoSuchLabel")
    with pytest.raises(SchemaError):
        cq.local_ties(["NO_SUCH_TYPE"])
