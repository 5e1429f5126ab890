"""Shared fixtures: the store under test (both stores), settings in a temporary data folder, and
the fictional sample city loaded once per run — in memory and in Neo4j — for the tests that only
read it.

Run time (README "Tests"): the sample city is what most reading tests look at, and loading it costs
seconds in memory and tens of seconds in Neo4j, so it is loaded once and shared read-only:

- :func:`shared_sample` / the ``sample_city`` fixture: one memory store for the whole run; any
  write into it fails the test that tries (load a city of your own to write).
- ``neo4j_sample``: the Neo4j database holding exactly the sample city. It is loaded the first time
  and again only when a test in between cleared or changed it (its node and relationship counts per
  label and type differ); a test using it that changes it fails at teardown. The tests that use it
  run together at the end of the run (:func:`pytest_collection_modifyitems`), so the sample goes
  into Neo4j once although every writing Neo4j test empties the database before and after itself.
- Hypothesis: the ``ci`` profile (loaded by default) runs a bounded number of derandomized
  examples with no per-example deadline (a loaded 2-core machine makes deadlines flaky); run more
  with ``pytest --hypothesis-profile=thorough``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tupu.errors import StoreUnavailable
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import DeliveryRecord, GraphStore, NodeMerge
from tupu.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"

_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
hypothesis_settings.register_profile(
    "ci", max_examples=20, deadline=None, derandomize=True, suppress_health_check=_QUIET)
hypothesis_settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=_QUIET)
hypothesis_settings.load_profile("ci")  # `pytest --hypothesis-profile=thorough` overrides it


# -- one Neo4j per pytest-xdist worker ------------------------------------------------------------
def worker_neo4j_port(ports: str, worker: str) -> int | None:
    """The Bolt port of this worker's own Neo4j: ``ports`` is ``TUPU_TEST_NEO4J_PORTS`` as
    scripts/test.sh exports it (one port per worker, in worker order), ``worker`` xdist's worker
    id (``gw0``, ``gw1``… or ``master`` without xdist). None when there is no such list."""
    listed = [int(p) for p in ports.split(",") if p.strip()]
    if not listed:
        return None
    index = int(worker[2:]) if worker.startswith("gw") else 0
    if index >= len(listed):
        raise pytest.UsageError(
            f"worker {worker} has no Neo4j of its own (TUPU_TEST_NEO4J_PORTS={ports}): "
            "run the suite through `make test`, which starts one per worker")
    return listed[index]


def pytest_configure(config: pytest.Config) -> None:
    """Point this worker (and every subprocess it starts) at its own Neo4j, so tests that clear
    and load the database never meet another worker's."""
    worker = getattr(config, "workerinput", {}).get("workerid", "master")
    port = worker_neo4j_port(os.environ.get("TUPU_TEST_NEO4J_PORTS", ""), worker)
    if port is not None:
        os.environ["TUPU_NEO4J_BOLT_PORT"] = str(port)
        os.environ["TUPU_NEO4J_URI"] = f"bolt://127.0.0.1:{port}"


# -- the sample city, shared ----------------------------------------------------------------------
class SharedSample(MemoryStore):
    """The sample city in memory, shared by every test that reads it: writing into it fails."""

    def __init__(self) -> None:
        super().__init__(None)
        self._frozen = False
        from tupu.loaders.pipeline import load

        load([SAMPLE], self)
        self._frozen = True

    def apply(self, changes: Any, merges: Sequence[NodeMerge] = (),
              delivery: DeliveryRecord | None = None) -> Any:
        if self._frozen:
            raise AssertionError("the shared sample city is read-only: load a store of your own "
                                 "(MemoryStore(None) + load) to write")
        return super().apply(changes, merges, delivery)

    def clear(self) -> None:
        raise AssertionError("the shared sample city is read-only: load a store of your own")


@cache
def shared_sample() -> MemoryStore:
    """The fictional sample city in a memory store, loaded once per run (read-only)."""
    return SharedSample()


@pytest.fixture(scope="session")
def sample_city() -> MemoryStore:
    """The sample city in memory (read-only; see :func:`shared_sample`)."""
    return shared_sample()


# -- settings and stores --------------------------------------------------------------------------
@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing the memory store at a fresh temporary data folder."""
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUPU_STORE", "memory")
    return load_settings()


@pytest.fixture(scope="session")
def neo4j_session_store() -> Iterator[GraphStore]:
    """One connection to the Neo4j the settings name, for the whole run.

    Skips when Neo4j cannot be reached, unless TUPU_REQUIRE_NEO4J=1 (CI), where it fails.
    """
    s = load_settings()
    try:
        from tupu.graph.stores.neo4j_store import Neo4jStore

        st = Neo4jStore.connect(s)
    except (StoreUnavailable, ImportError) as e:
        if s.require_neo4j:
            pytest.fail(f"Neo4j is required (TUPU_REQUIRE_NEO4J=1) but unavailable: {e}")
        pytest.skip(f"Neo4j not available at {s.neo4j_uri} ({e}); run `tupu neo4j start` first")
    yield st
    st.close()


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind: every test using it runs on both stores."""
    if request.param == "memory":
        yield MemoryStore(tmp_path / "map.snapshot")
        return
    st: GraphStore = request.getfixturevalue("neo4j_session_store")
    st.clear()
    yield st
    st.clear()


Counts = tuple[dict[str, int], dict[str, int]]
_neo4j_sample_counts: list[Counts] = []
"""The node and relationship counts Neo4j had right after the sample city was loaded into it."""


def _counts(store: GraphStore) -> Counts:
    return store.count_nodes(), store.count_relationships()


def neo4j_with_sample(neo4j: GraphStore) -> Counts:
    """Make ``neo4j`` hold exactly the sample city (load it unless it is there already); return
    its counts. For module fixtures; tests take the ``neo4j_sample`` fixture."""
    if _neo4j_sample_counts and _counts(neo4j) == _neo4j_sample_counts[0]:
        return _neo4j_sample_counts[0]
    from tupu.loaders.pipeline import load

    neo4j.clear()
    load([SAMPLE], neo4j)
    _neo4j_sample_counts[:] = [_counts(neo4j)]
    assert _neo4j_sample_counts[0] == _counts(shared_sample()), "the stores loaded the sample apart"
    return _neo4j_sample_counts[0]


@pytest.fixture
def neo4j_sample(neo4j_session_store: GraphStore) -> Iterator[GraphStore]:
    """Neo4j holding the sample city, shared read-only (see the module docstring)."""
    loaded = neo4j_with_sample(neo4j_session_store)
    yield neo4j_session_store
    assert _counts(neo4j_session_store) == loaded, (
        "this test changed the shared Neo4j sample city: write into the `store` fixture instead")


def _reads_neo4j_sample(item: pytest.Item) -> bool:
    return ("neo4j_sample" in getattr(item, "fixturenames", ())
            or item.get_closest_marker("neo4j_sample") is not None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests reading the Neo4j sample city last, together (in their order), so the sample
    is loaded into Neo4j once instead of once per module."""
    items.sort(key=_reads_neo4j_sample)
