"""Analyses kept per version of the store's data (graph/analyses/cache.py): served again while the
data is unchanged, computed afresh after any write — by this store object or by another process
that replaced the snapshot — and never changed through a copy a caller was handed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import SAMPLE
from tupu.graph.analyses import bulletin as bulletin_module
from tupu.graph.analyses import cache
from tupu.graph.analyses import clusters as clusters_module
from tupu.graph.analyses import monitoring as monitoring_module
from tupu.graph.analyses import candidates as candidates_module
from tupu.graph.analyses import gaps as gaps_module
from tupu.graph.analyses.bulletin import build_bulletin
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.config import default_analysis_config
from tupu.graph.analyses.gaps import gaps
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.clusters import clusters
from tupu.graph.analyses.monitoring import observed_periods, plan_targets, target_progress
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.loaders.pipeline import load


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample city loaded once into a snapshot file (copied by each test that writes)."""
    path = tmp_path_factory.mktemp("cache") / "graph.snapshot"
    load([SAMPLE], MemoryStore(path))
    return path


@pytest.fixture
def store(sample_snapshot: Path, tmp_path: Path) -> Iterator[MemoryStore]:
    path = tmp_path / "graph.snapshot"
    path.write_bytes(sample_snapshot.read_bytes())
    s = MemoryStore(path)
    yield s
    cache.forget(s)


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name`` (the computation behind a kept analysis)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def new_quarter(key: str) -> ChangeSet:
    """An observation of enterprise ``key`` in a quarter the sample has no data for."""
    changes = ChangeSet()
    changes.add_node("EnterpriseObservation", {
        "id": f"{key}@2025Q4", "period": "2025Q4", "revenue": 123.45, "employees": 10,
        "talent_introduced": 0, "above_scale": False,
    })
    changes.add_rel("HAS_OBSERVATION", "Enterprise", "EnterpriseObservation",
                    RelRow(key, f"{key}@2025Q4", {}))
    return changes


def local_enterprise(store: MemoryStore) -> str:
    members = store.queries().local_members([])
    return next(m.key for m in members if m.alive)


def test_clusters_are_computed_once_per_version_of_the_data(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting(monkeypatch, clusters_module, "_clusters")
    first = clusters(store)
    again = clusters(store)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, again)
    assert not first.empty

    # a write changes the version: the next call computes, and answers as a fresh computation
    a, b = sorted(local_enterprise_pairs(store))[0]
    changes = ChangeSet()
    changes.add_rel("SUPPLIES", "Enterprise", "Enterprise", RelRow(a, b, {"product": "测试"}))
    store.apply(changes)
    after = clusters(store)
    assert len(calls) == 2
    with cache.disabled():
        fresh = clusters(store)
    assert len(calls) == 3
    pd.testing.assert_frame_equal(after, fresh)


def local_enterprise_pairs(store: MemoryStore) -> list[tuple[str, str]]:
    """Two located enterprises not yet tied by SUPPLIES."""
    keys = sorted(m.key for m in store.queries().local_members([]) if m.alive)
    tied = {(a, b) for a, b, _ in store.queries().local_ties(["SUPPLIES"])}
    return [(keys[0], k) for k in keys[1:] if (keys[0], k) not in tied][:1]


def test_a_snapshot_replaced_by_another_process_is_noticed(store: MemoryStore) -> None:
    assert store.path is not None
    before = observed_periods(store)
    assert "2025Q4" not in before
    writer = MemoryStore(store.path)  # another process: its own object over the same file
    writer.apply(new_quarter(local_enterprise(writer)))
    assert observed_periods(store) == [*before, "2025Q4"]
    cache.forget(writer)


def test_a_changed_copy_does_not_change_the_kept_answer(store: MemoryStore) -> None:
    plan = plan_targets(store, None)
    progress = target_progress(store, plan)
    kept = progress.copy()
    progress.loc[:, "status"] = "changed by a caller"
    pd.testing.assert_frame_equal(target_progress(store, plan), kept)

    period = observed_periods(store)[-1]
    b = build_bulletin(store, period, plan)
    shown = [s.frame.copy() for s in b.sections]
    for s in b.sections:
        if not s.frame.empty:
            s.frame.iloc[:, 0] = None
    again = build_bulletin(store, period, plan)
    for s, frame in zip(again.sections, shown, strict=True):
        pd.testing.assert_frame_equal(s.frame, frame)


def test_arguments_are_part_of_the_key(store: MemoryStore,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch, monitoring_module, "_target_progress")
    plan = plan_targets(store, None)
    periods = observed_periods(store)
    answers = {p: target_progress(store, plan, None, p) for p in periods if p.startswith("2025")}
    assert len(calls) == len(answers) >= 2
    for p, df in answers.items():
        assert set(df["period"].dropna()) <= {p}
        pd.testing.assert_frame_equal(target_progress(store, plan, None, p), df)
    assert len(calls) == len(answers)


def test_gaps_and_candidates_are_computed_once_per_version_of_the_data(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    gap_calls = counting(monkeypatch, gaps_module, "_every_gap")
    candidate_calls = counting(monkeypatch, candidates_module, "_candidates")
    link = "esports-games.publishing"
    first_gaps, first_candidates = gaps(store), candidates(store, link, 20)
    pd.testing.assert_frame_equal(gaps(store), first_gaps)
    pd.testing.assert_frame_equal(candidates(store, link, 20), first_candidates)
    assert len(gap_calls) == len(candidate_calls) == 1
    assert not first_gaps.empty and not first_candidates.empty
    candidates(store, link, 5)  # another limit is another answer
    assert len(candidate_calls) == 2

    # the best candidate moves into the city: it leaves the pool, and the gaps move with it
    best = str(first_candidates.iloc[0]["id"])
    town = store.find_nodes("Town")[0].key
    changes = ChangeSet()
    changes.add_rel("LOCATED_IN", "Enterprise", "Town", RelRow(best, town, {}))
    store.apply(changes)
    after = candidates(store, link, 20)
    assert len(candidate_calls) == 3
    assert best not in set(after["id"])
    with cache.disabled():
        pd.testing.assert_frame_equal(after, candidates(store, link, 20))
        pd.testing.assert_frame_equal(gaps(store), gaps(store))
    pd.testing.assert_frame_equal(gaps(store), gaps_module._every_gap(
        store, Scope("city"), default_analysis_config().gaps))


class Unversioned(MemoryStore):
    """A store that cannot name its data's version (as Neo4j today)."""

    def data_version(self) -> None:  # type: ignore[override]
        return None


def test_a_store_without_a_version_computes_every_time(
    sample_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting(monkeypatch, bulletin_module, "_build_bulletin")
    s = Unversioned(sample_snapshot)
    plan = plan_targets(s, None)
    period = observed_periods(s)[-1]
    build_bulletin(s, period, plan)
    build_bulletin(s, period, plan)
    assert len(calls) == 2


def test_the_panorama_gaps_and_candidates_are_kept_per_scope_until_a_write(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link's panel, the gaps and each chain's panorama read one computation per scope (every
    chain's rows, then the chain's); candidates one per link and length; a write computes
    afresh, as without the cache."""
    from tupu.graph.analyses import candidates as candidates_module
    from tupu.graph.analyses import gaps as gaps_module
    from tupu.graph.analyses.candidates import candidates
    from tupu.graph.analyses.gaps import gaps, panorama
    from tupu.graph.analyses.scope import Scope

    every_chain = counting(monkeypatch, gaps_module, "_every_chain")
    every_gap = counting(monkeypatch, gaps_module, "_every_gap")
    ranked = counting(monkeypatch, candidates_module, "_candidates")
    town = Scope("town", sorted(n.key for n in store.find_nodes("Town"))[0])
    whole, ranked_gaps = panorama(store, town), gaps(store, town)
    chains = sorted(set(whole["chain"]))
    assert len(chains) >= 2 and not ranked_gaps.empty
    for chain in chains:
        pd.testing.assert_frame_equal(panorama(store, town, chain), whole[
            whole["chain"] == chain].reset_index(drop=True))
        pd.testing.assert_frame_equal(gaps(store, town, chain), ranked_gaps[
            ranked_gaps["chain"] == chain].reset_index(drop=True))
    assert len(every_chain) == len(every_gap) == 1
    panorama(store)  # another scope: its own computation
    assert len(every_chain) == 2

    link = str(ranked_gaps["link"].iloc[0])
    pd.testing.assert_frame_equal(candidates(store, link), candidates(store, link))
    assert len(ranked) == 1
    assert len(candidates(store, link, 3)) <= 3 and len(ranked) == 2

    store.apply(new_quarter(local_enterprise(store)))
    after, after_candidates = gaps(store, town), candidates(store, link)
    assert len(every_gap) == 2 and len(ranked) == 3
    with cache.disabled():
        pd.testing.assert_frame_equal(after, gaps(store, town))
        pd.testing.assert_frame_equal(after_candidates, candidates(store, link))
    assert len(every_gap) == 3 and len(ranked) == 4


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_the_pages_answer_as_without_the_cache(store: MemoryStore, tmp_path: Path,
                                                role: str) -> None:
    """The web's monitoring pages read the kept analyses: same answers as computing afresh."""
    from fastapi.testclient import TestClient

    from tests.webapp import app_on, bearer, web_settings

    web = TestClient(app_on(web_settings(tmp_path / "web"), store), headers=bearer(role))
    period = observed_periods(store)[-1]
    town = sorted(n.key for n in store.find_nodes("Town"))[0]
    link = "esports-games.publishing"
    urls = ["/clusters", "/targets", f"/bulletin/{period}", "/api/v1/dashboard",
            "/gaps", f"/gaps?scope=town:{town}", "/chains/esports-games",
            f"/candidates/{link}", f"/candidates/{link}?limit=5", "/api/v1/gaps",
            f"/api/v1/gaps?scope=town:{town}", "/api/v1/chains/esports-games/links",
            f"/api/v1/graph/links/{link}?scope=town:{town}", f"/api/v1/candidates/{link}"]
    with cache.disabled():
        fresh = [web.get(u) for u in urls]
    first = [web.get(u) for u in urls]
    kept = [web.get(u) for u in urls]
    for u, f, a, b in zip(urls, fresh, first, kept, strict=True):
        assert f.status_code == a.status_code == b.status_code == 200, u
        assert f.text == a.text == b.text, u


def test_one_role_s_pages_do_not_change_what_the_other_role_is_shown(
    store: MemoryStore, tmp_path: Path
) -> None:
    """The roles share the kept analyses: the viewer's disclosure rules, run on them first,
    leave the analyst's pages as computed afresh, and the other way round."""
    from fastapi.testclient import TestClient

    from tests.webapp import app_on, bearer, web_settings

    app = app_on(web_settings(tmp_path / "web"), store)
    viewer = TestClient(app, headers=bearer("viewer"))
    analyst = TestClient(app, headers=bearer("analyst"))
    link = "esports-games.publishing"
    urls = ["/gaps", "/chains/esports-games", f"/candidates/{link}", "/api/v1/gaps",
            f"/api/v1/candidates/{link}"]
    with cache.disabled():
        fresh = {(who, u): c.get(u).text for who, c in (("v", viewer), ("a", analyst))
                 for u in urls}
    for u in urls:
        assert viewer.get(u).text == fresh[("v", u)], u
        assert analyst.get(u).text == fresh[("a", u)], u
        assert viewer.get(u).text == fresh[("v", u)], u
    assert fresh[("v", f"/api/v1/candidates/{link}")] != fresh[("a", f"/api/v1/candidates/{link}")]


@pytest.mark.neo4j
def test_neo4j_names_its_data_version_and_a_write_changes_it(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neo4j's version is the database's last committed transaction: unchanged by reads,
    changed by a write from any client, so kept answers are served only while they hold."""
    from tests.minicity import E1, write_city

    neo = request.getfixturevalue("neo4j_session_store")
    neo.clear()
    try:
        load([write_city(request.getfixturevalue("tmp_path") / "mini")], neo)
        calls = counting(monkeypatch, clusters_module, "_clusters")
        version = neo.data_version()
        assert version is not None
        first = clusters(neo)
        pd.testing.assert_frame_equal(clusters(neo), first)
        assert neo.data_version() == version and len(calls) == 1

        changes = ChangeSet()
        changes.add_node("Enterprise", {"id": E1, "employees": 121})
        neo.apply(changes)
        assert neo.data_version() != version
        clusters(neo)
        assert len(calls) == 2
    finally:
        cache.forget(neo)
        neo.clear()
