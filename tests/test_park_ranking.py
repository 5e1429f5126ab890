"""The park ranking's chain term counted from the located side equals its definition: per park,
the enterprises located there that are in a link feeding or fed by one of the enterprise's
links (dead ones and the enterprise itself left out) — read here the long way, through generic
reads and every member of those links."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE
from tupu.graph.analyses.matching import parks_for
from tupu.graph.analyses.strength import link_members, locality
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.pipeline import load


@pytest.fixture(scope="module")
def sample() -> MemoryStore:
    store = MemoryStore(None)
    load([SAMPLE], store)
    return store


def chain_enterprises_by_definition(store: MemoryStore, key: str) -> dict[str, int]:
    codes = [r.end.key for r in store.adjacent("IN_SUBSECTOR", "Enterprise", [key], "out")]
    links = {r.start.key for r in store.adjacent("COVERS", "SubSector", codes, "in")}
    near = ({r.start.key for r in store.adjacent("FEEDS", "ChainLink", links, "in")}
            | {r.end.key for r in store.adjacent("FEEDS", "ChainLink", links, "out")})
    firms = set().union(*link_members(store, sorted(near)).values()) - {key}
    where = locality(store)
    counts: dict[str, int] = {}
    for firm in firms:
        park = where.park.get(firm)
        if park is not None:
            counts[park] = counts.get(park, 0) + 1
    return counts


def test_chain_partners_per_park_are_counted_as_defined(sample: MemoryStore) -> None:
    keys = sample.queries().keys("Enterprise")
    checked = 0
    for key in keys[::25]:
        expected = chain_enterprises_by_definition(sample, key)
        df = parks_for(sample, key)
        got = {p: int(n) for p, n in zip(df["park"], df["chain_enterprises"], strict=True) if n}
        assert got == expected, key
        checked += bool(expected)
    assert checked >= 5  # the sample has enterprises with chain partners in parks
