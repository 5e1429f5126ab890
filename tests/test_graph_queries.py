"""The named graph queries: planted answers on a mini city, and the same answer on both stores.

The mini city plants what the queries must get right: an enterprise in two sub-sectors of one
link (counted once), dead enterprises (never members, never candidates, not counted), a located
enterprise (never a candidate), direct ties both ways and of two types, a path through a partner
that is not located, a fund invested in a candidate, a university cooperating with one. Every
query is asked of the memory store and of Neo4j, on the mini city and on the sample city, and the
answers must be equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import shared_sample
from tests.rankpool import LINK as RANKED, MEMBERS, PLAIN, RULE, rank_city
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.graph.stores.queries import GraphQueries, LocalMember, PoolMember, PropertyScore
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
        out[f"pool_top {lk}"] = q.pool_top(lk, None, RULE)
        out[f"pool_top {lk} 1"] = q.pool_top(lk, 1, RULE, 0.5, ["Y"])
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
    pool = q.pool_top("L1", None, RULE)
    assert [m.key for m in pool] == ["X", "Y"]  # not A, B (located), Z (dead)
    assert pool[0].props == (("annual_revenue", 50_000.0), ("employees", 300), ("listed", True))
    assert [m.key for m in q.pool_top("L2", None, RULE)] == ["W", "X", "Y"]
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
    # the values of OBSERVATION_PROPS in that order; a property the observation lacks is None
    assert q.enterprise_observations(["B", "A"]) == (
        ("A", "A@2025Q1", ("2025Q1", 100.0, 10, None, None)),
        ("A", "A@2025Q2", ("2025Q2", 120.5, 10, None, None)),
        ("B", "B@2025Q2", ("2025Q2", None, None, 2, False)),
    )


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
    assert [m.key for m in q.pool_top("L1", None, RULE)] == ["N", "Y"]


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


def ranked_answers(q: GraphQueries) -> dict[str, tuple[PoolMember, ...]]:
    """``pool_top`` of the crafted pool (:mod:`tests.rankpool`): every n around its size, margins
    none, the candidates' and wide, members left out, another rule."""
    out = {}
    wide = PropertyScore(1.0, 10.0, (0.5, 0.0, 2.0), 3.0, None, 1.0, 0.0, 1.0)
    for n in (None, -1, 0, 1, 2, 3, 4, 5, 8, 13, 21, 30, len(MEMBERS) - 1, len(MEMBERS), 1000):
        for margin in (0.0, 0.025, 1.0):
            out[f"{n} {margin}"] = q.pool_top(RANKED, n, RULE, margin)
        out[f"{n} less"] = q.pool_top(RANKED, n, RULE, 0.0, ["k150", "b19", "nobody"])
        out[f"{n} wide"] = q.pool_top(RANKED, n, wide, 0.01)
    out["other link"] = q.pool_top("RU", 3, RULE)
    out["no link"] = q.pool_top("nowhere", 3, RULE)
    return out


def test_the_ranked_pool_on_the_memory_store() -> None:
    q = _memory_with(rank_city()).queries()

    def keys(*args: Any) -> list[str]:
        return [m.key for m in q.pool_top(RANKED, *args)]

    assert keys(None, RULE) == sorted(MEMBERS)  # not dead, not located; m10 (twice) once
    # the park's 1,500 ㎡: 150 people fit, 151 do not, "100" people are none (need 1,000 ㎡)
    assert RULE.of(MEMBERS["k150"]) == RULE.of(MEMBERS["k-text"]) > RULE.of(MEMBERS["k151"]) + 9
    # k150 and k-text tie above the listed b19 (17.0247…) and the rest
    assert keys(1, RULE) == ["k-text", "k150"]
    assert keys(3, RULE) == ["b19", "k-text", "k150"]
    assert keys(3, RULE, 0.0, ["k150"]) == ["b11", "b19", "k-text"]
    # the margin takes what may catch up: b03 is 0.0104 below b11
    assert keys(4, RULE, 0.0) == ["b11", "b19", "k-text", "k150"]
    assert keys(4, RULE, 0.025) == ["b03", "b11", "b19", "k-text", "k150"]
    # text, booleans and numbers that are not scored: 0 for size and brand, the park for v-none
    assert RULE.of(MEMBERS["v-text"]) == RULE.of(MEMBERS["v-bool"]) == 0.0
    assert RULE.of(MEMBERS["v-none"]) == RULE.of(MEMBERS["v-neg"]) == 10.0
    assert RULE.of(MEMBERS["v-int"]) == RULE.scale(400)
    assert len(keys(len(MEMBERS), RULE)) == len(keys(10_000, RULE)) == len(MEMBERS)
    assert keys(0, RULE) == [] and keys(-1, RULE) == []
    # identical scores come together however many are asked for
    tied = [k for k in PLAIN if RULE.of(MEMBERS[k]) == RULE.of(MEMBERS["m13"])]
    assert tied == ["c03", "m13"]
    top = [m.key for m in sorted(q.pool_top(RANKED, None, RULE),
                                 key=lambda m: -RULE.of(dict(m.props)))]
    n = top.index("c03") + 1
    assert {"c03", "m13"} <= set(keys(n, RULE))


def test_the_pool_scores_are_the_terms_of_the_rule() -> None:
    """``PropertyScore.scores`` (the pool's loop) adds up exactly what ``scale`` and
    ``space_need`` (the candidates' score) say, for every kind of value."""
    odd: list[dict[str, Any]] = [
        {"annual_revenue": math.nan, "employees": math.nan}, {"annual_revenue": math.inf},
        {"annual_revenue": 10**30, "employees": 10**30}, {"employees": 0.5, "top30": True},
        {"annual_revenue": [1], "employees": b"1", "listed": "true", "unicorn": 1},
    ]
    for rule in (RULE, PropertyScore(3.0, 7.0, (1.0, 2.0, 4.0), 5.0, 150.0, 0.3, 100.0, 900.0)):
        for props in [*MEMBERS.values(), *odd]:
            expected = rule.scale(props.get("annual_revenue"))
            for flag, weight in zip(("listed", "unicorn", "top30"), rule.brand_weights):
                expected += weight if props.get(flag) is True else 0.0
            if rule.roomiest is not None and \
                    rule.roomiest >= rule.space_need(props.get("employees")):
                expected += rule.park_weight
            assert rule.of(props) == expected, props


@pytest.mark.neo4j
def test_both_stores_rank_the_pool_identically(neo4j_store: GraphStore) -> None:
    memory = _memory_with(rank_city())
    neo4j_store.clear()
    neo4j_store.apply(rank_city())
    expected, got = ranked_answers(memory.queries()), ranked_answers(neo4j_store.queries())
    for name in expected:
        assert got[name] == expected[name], name


def _tallies(store: GraphStore) -> tuple[bool, list[list[object]], list[list[object]]]:
    """Whether Neo4j keeps its sub-sector tallies, the kept ones and those counted afresh."""
    from tupu.graph.stores import cypher_tallies as ct
    from tupu.graph.stores.neo4j_store import Neo4jStore
    from tupu.graph.stores.queries import DEAD
    from tupu.graph.stores.tallies import state_key

    assert isinstance(store, Neo4jStore)

    def read(query: str, params: dict[str, object]) -> Any:
        return store.driver.execute_query(query, params, database_=store.database).records[0]

    kept = read(ct.read(store.schema), {"state": state_key()})
    counted = read(ct.counted(store.schema), {"dead": list(DEAD)})
    return kept["kept"], sorted(kept["rows"]), sorted(counted["rows"])


@pytest.mark.neo4j
def test_member_counts_follow_every_kind_of_write_on_both_stores(neo4j_store: GraphStore) -> None:
    from tupu.graph.stores import cypher_tallies as ct
    from tupu.graph.stores.neo4j_store import Neo4jStore
    from tupu.graph.stores.store import DeliveryRecord, NodeMerge

    assert isinstance(neo4j_store, Neo4jStore)
    neo4j, memory = neo4j_store, MemoryStore(None)
    links = [*LINKS, "L-none"]

    def both(changes: ChangeSet, merges: list[NodeMerge] | None = None,
             delivery: DeliveryRecord | None = None) -> None:
        for store in (memory, neo4j):
            store.apply(changes, merges or [], delivery)

    def same(kept: bool = True) -> None:
        counts = memory.queries().link_member_counts(links)
        assert neo4j.queries().link_member_counts(links) == counts
        assert counts == {lk: len(m) for lk, m in memory.queries().link_members(links).items()}
        held, rows, counted = _tallies(neo4j)
        assert held is kept
        if kept:
            assert rows == counted and rows  # what the writes kept is what a count finds

    neo4j.clear()
    assert _tallies(neo4j) == (True, [], [])  # a cleared database keeps (no) tallies
    both(mini_city())  # UNWIND … MERGE in one transaction
    same()
    # sub-sectors changing: Y gains S1, A gains S2 and S3; a new enterprise in three
    change = ChangeSet()
    change.add_node("Enterprise", {"id": "N", "name": "新企业"})
    for key, code in (("Y", "S1"), ("A", "S2"), ("A", "S3"), ("N", "S1"), ("N", "S2"),
                      ("N", "S0")):
        _rel(change, "IN_SUBSECTOR", ("Enterprise", key), ("SubSector", code))
    both(change)
    same()
    # statuses: X (two sub-sectors) and N dying, Z coming back to life, W unchanged
    change = ChangeSet()
    for key, status in (("X", "liquidating"), ("N", "revoked"), ("Z", "operating"),
                        ("W", "moved_in")):
        change.add_node("Enterprise", {"id": key, "reg_status": status})
    both(change)
    same()
    # a delivery in chunks of a few rows (each chunk its own transaction)
    change = ChangeSet()
    for i in range(6):
        change.add_node("Enterprise", {"id": f"K{i}", "name": f"分块{i}",
                                       **({"reg_status": "suspended"} if i % 3 == 0 else {})})
        for code in ("S0", "S1", "S2", "S3")[: i % 4 + 1]:
            _rel(change, "IN_SUBSECTOR", ("Enterprise", f"K{i}"), ("SubSector", code))
    record = DeliveryRecord("20250101T000000Z-tally", "f" * 64, ("k.csv",), "2025-01-01T00:00:00Z")
    rows_before = neo4j.tx_rows
    neo4j.tx_rows = 4
    try:
        both(change, delivery=record)
    finally:
        neo4j.tx_rows = rows_before
    same()
    # entity resolution folds: Y into X (their sub-sectors join), K3 (dead) into K1
    change = ChangeSet()
    change.add_node("Enterprise", {"id": "X", "reg_status": "operating"})
    both(change, [NodeMerge("Enterprise", "Y", "X"), NodeMerge("Enterprise", "K3", "K1")])
    same()
    # a database written before the tallies: answered without them, counted once on connect
    neo4j.driver.execute_query(ct.drop(neo4j.schema), database_=neo4j.database)
    same(kept=False)
    neo4j.keep_tallies()
    same()
    # a sub-sector folded into another changes enterprises the write does not name: the tallies
    # are dropped (answers stay right) until the next connect counts them again
    both(ChangeSet(), [NodeMerge("SubSector", "S3", "S2")])
    same(kept=False)
    neo4j.keep_tallies()
    same()
    # bookkeeping: not counted, not a label of the map
    assert "SubSectorTally" not in neo4j.count_nodes()
    assert "SubSectorTally" not in neo4j.schema.map_labels


@pytest.mark.neo4j
def test_an_analysis_reads_in_one_session_on_neo4j(
    neo4j_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tupu.graph.analyses import cache
    from tupu.graph.analyses.gaps import gaps
    from tupu.graph.stores.neo4j_store import Neo4jStore

    assert isinstance(neo4j_store, Neo4jStore)
    neo4j_store.clear()
    neo4j_store.apply(mini_city())
    opened: list[object] = []
    session = neo4j_store.driver.session

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(kwargs.get("database"))
        return session(*args, **kwargs)

    monkeypatch.setattr(neo4j_store.driver, "session", counting)
    with cache.disabled():
        found = gaps(neo4j_store)
    assert len(opened) == 1  # one session for the ~8 named queries of one gaps call
    pd.testing.assert_frame_equal(found, gaps(_memory_with(mini_city())))
    # reads outside an analysis still have their own session each
    opened.clear()
    q = neo4j_store.queries()
    q.chain_structure()
    q.link_member_counts(LINKS)
    assert len(opened) == 3


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
    ranked = cq.pool_top(True)
    for name in ("link", "dead", "exclude", "n", "margin", *RULE.params()):
        assert f"${name}" in ranked, name  # every value of the ranking travels as a parameter
    assert "20.0" not in ranked and "1500" not in ranked and "0.025" not in ranked
    assert "$n" not in cq.pool_top(False)
    with pytest.raises(SchemaError):
        cq.placements("NoSuchLabel")
    with pytest.raises(SchemaError):
        cq.local_ties(["NO_SUCH_TYPE"])


def test_tally_keys_and_counts() -> None:
    from tupu.graph.stores import cypher_tallies as ct
    from tupu.graph.stores.tallies import Tally, member_counts, parse, state_key

    # codes with the encoding's own characters come back whole
    assert parse("d|2:a|3:1:24:4444", 7) == Tally(("a|", "1:2", "4444"), True, 7)
    assert parse("a|", 1) == Tally((), False, 1)
    with pytest.raises(ValueError):
        parse("#1:x", 0)
    assert state_key(("b", "a")) == "#1:b1:a" and not state_key().startswith(("a|", "d|"))
    covered = {"L1": (frozenset({"S1", "S2"}), 10), "L2": (frozenset({"S2", "S3"}), 6)}
    tallies = [Tally(("S1", "S2"), False, 2),  # in L1 twice: 2 too many there
               Tally(("S1", "S2", "S3"), True, 1),  # dead: out of L1 (2) and L2 (2)
               Tally(("S3",), True, 3),  # dead in L2
               Tally(("S0", "S9"), False, 5)]  # no link's
    assert member_counts(["L1", "L2", "L9"], covered, tallies) == {"L1": 6, "L2": 1, "L9": 0}
    for text in (ct.leave(), ct.enter(), ct.rebuild(), ct.counted()):
        assert "$dead" in text and "revoked" not in text
    assert "$keys" in ct.leave() and "$state" in ct.read() and "$state" in ct.rebuild()
