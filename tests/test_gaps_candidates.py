"""Gaps and targeted attraction find truths planted in a copy of the sample city, on both stores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.minicity import uscc
from tests.plant import add_rows, copy_sample, edit_rows
from tupu.graph.analyses.candidates import TERMS, candidates
from tupu.graph.analyses.gaps import gaps, panorama
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import link_members, locality
from tupu.loaders.pipeline import load
from tests.conftest import shared_sample

UNCOVERED_CODE = "0110"  # 新闻业: covered by no chain link of the culture templates


@pytest.fixture(scope="module")
def sample_store() -> MemoryStore:
    return shared_sample()


def _covers(store: GraphStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in store.find_relationships("COVERS"):
        out.setdefault(r.start.key, set()).add(r.end.key)
    return out


def _link_to_empty(store: GraphStore) -> str:
    """A present link with present links on both sides, sharing no sub-sector with them."""
    pan = panorama(store)
    covers = _covers(store)
    assert UNCOVERED_CODE not in set().union(*covers.values())
    ok = pan[pan["status"].isin(["ok", "strong"])]
    for r in ok.itertuples(index=False):
        neighbours = set(r.upstream_present) | set(r.downstream_present)
        if r.upstream_present and r.downstream_present and not any(
            covers[r.link] & covers[n] for n in neighbours
        ):
            return str(r.link)
    raise AssertionError("the sample has no link to empty")


def test_an_emptied_link_is_missing_and_broken(
    store: GraphStore, sample_store: MemoryStore, tmp_path: Path
) -> None:
    link = _link_to_empty(sample_store)
    codes = _covers(sample_store)[link]
    members = link_members(sample_store, [link])[link] & locality(sample_store).local
    assert members

    folder = copy_sample(tmp_path)

    def move_out(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        out, seen = [], set()
        for row in rows:
            if row["start"] in members and row["end"] in codes:
                row = {**row, "end": UNCOVERED_CODE}
            if (row["start"], row["end"]) not in seen:
                seen.add((row["start"], row["end"]))
                out.append(row)
        return out

    edit_rows(folder / "relationships" / "IN_SUBSECTOR.csv", move_out)
    load([folder], store)
    pan = panorama(store).set_index("link")
    assert pan.loc[link, "local_enterprises"] == 0
    assert pan.loc[link, "status"] == "missing"
    assert bool(pan.loc[link, "broken"])
    found = gaps(store).set_index("link")
    assert "断链" in found.loc[link, "reasons"] and "本地无企业" in found.loc[link, "reasons"]


def test_gaps_are_ranked_with_reasons_that_sum_to_the_priority(sample_store: MemoryStore) -> None:
    found = gaps(sample_store)
    assert not found.empty
    assert list(found["priority"]) == sorted(found["priority"], reverse=True)
    assert set(found["status"]) <= {"missing", "weak"}
    for r in found.itertuples(index=False):
        points = [float(p) for p in pd.Series(r.reasons).str.findall(r"（\+([\d.]+)）")[0]]
        assert sum(points) == pytest.approx(r.priority)
    broken = found[found["broken"]]
    assert len(broken) >= 2 and broken["priority"].min() > found[~found["broken"]]["priority"].max()


def test_scope_narrows_the_local_enterprises(sample_store: MemoryStore) -> None:
    city = panorama(sample_store)
    town = sample_store.find_nodes("Town")[0].key
    in_town = panorama(sample_store, Scope("town", town))
    assert (in_town["local_enterprises"] <= city["local_enterprises"]).all()
    assert in_town["local_enterprises"].sum() < city["local_enterprises"].sum()


@pytest.fixture(scope="module")
def quiet_link(sample_store: MemoryStore) -> str:
    """The link whose best candidate scores lowest: the hardest place to stand out is elsewhere."""
    best = []
    for link in sorted(panorama(sample_store)["link"]):
        top = candidates(sample_store, link, 1)
        if not top.empty:
            best.append((float(top["score"].iloc[0]), link))
    return min(best)[1]


def test_a_well_tied_candidate_with_a_matching_park_ranks_first(
    store: GraphStore, sample_store: MemoryStore, quiet_link: str, tmp_path: Path
) -> None:
    link = quiet_link
    code = sorted(_covers(sample_store)[link])[0]
    local = sorted(locality(sample_store).local)[:3]
    partners = sample_store.get_nodes("Enterprise", local)
    town = sample_store.find_nodes("Town")[0].key
    planted = uscc(777, "440305")
    folder = copy_sample(tmp_path)
    add_rows(folder, "nodes/Enterprise.csv", [{
        "id": planted, "name": "深圳种植测试科技有限公司", "short_name": "种植测试",
        "province": "广东省", "city": "深圳市", "annual_revenue": "8000", "employees": "60",
    }])
    add_rows(folder, "nodes/Park.csv", [{
        "id": "planted-park", "name": "种植测试产业园", "floor_area": "60000",
        "vacant_area": "21000", "positioning": "测试定位",
    }])
    add_rows(folder, "relationships/IN_SUBSECTOR.csv", [{"start": planted, "end": code}])
    add_rows(folder, "relationships/IN_TOWN.csv", [{"start": "planted-park", "end": town}])
    add_rows(folder, "relationships/POSITIONED_FOR.csv", [{"start": "planted-park", "end": link}])
    add_rows(folder, "relationships/SUPPLIES.csv",
             [{"start": planted, "end": p.key} for p in partners])
    load([folder], store)

    ranked = candidates(store, link, 10)
    top = ranked.iloc[0]
    assert top["id"] == planted
    assert top["ties"] > 0 and top["park"] > 0
    assert top["best_park"] == "种植测试产业园"
    assert "与本地3家企业存在供应关系" in top["explanation"]
    for p in partners:
        assert (p.props.get("short_name") or p.props["name"]) in top["explanation"]
    assert "种植测试产业园定位于本环节，空置2.1万㎡" in top["explanation"]
    assert top["score"] == pytest.approx(sum(top[t] for t in TERMS))
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))


def test_candidates_are_outside_enterprises_of_the_link_only(sample_store: MemoryStore) -> None:
    link = str(gaps(sample_store)["link"].iloc[0])
    ranked = candidates(sample_store, link, None)
    local = locality(sample_store).local
    members = link_members(sample_store, [link])[link]
    assert not ranked.empty
    assert set(ranked["id"]) == members - local
    assert list(ranked["score"]) == sorted(ranked["score"], reverse=True)


def test_explanations_name_local_partners_never_by_their_code(sample_store: MemoryStore) -> None:
    """Every local enterprise a candidate's sentence mentions — tied directly or reached through
    a partner (以商引商) — is named by its short name, not by its credit code."""
    local = locality(sample_store).local
    indirect_seen = 0
    for link in sorted(_covers(sample_store))[::6]:
        df = candidates(sample_store, link, 10)
        indirect_seen += int((df["indirect"] > 0).sum())
        for text in df["explanation"]:
            assert not any(code in text for code in local), text
    assert indirect_seen > 0, "the sample should have 以商引商 paths to check"
