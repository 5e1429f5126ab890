"""Shared fixtures: the store under test (both stores), settings in a temporary data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tupu.errors import StoreUnavailable
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"


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
