"""The panorama and gaps frames of the sample city, pinned against a small reference.

The analysis reads the named graph queries and works in plain Python; the reference below reads
the store's generic reads (every node and relationship of a kind) and follows the definitions of
``graph/analyses/gaps.py``'s module docstring step by step with pandas, as the analysis did before
it was rewritten for speed. Their frames must be equal — columns, dtypes, order and values, to the
last bit of every float — for every scope (the city, each town, each park) and chain, on both
stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_sample
from tupu.graph.analyses import cache
from tupu.graph.analyses.config import GapConfig, default_analysis_config
from tupu.graph.analyses.gaps import GAP_COLUMNS, PANORAMA_COLUMNS, gaps, panorama
from tupu.graph.analyses.periods import parse_period, shift
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.strength import status_of  # the thresholds' rule, unchanged
from tupu.graph.stores.store import GraphStore
from tupu.ontology.vocab import is_dead


@dataclass(frozen=True)
class City:
    """What the reference reads, once per store, through the generic reads only."""

    links: dict[str, dict[str, Any]]  # link -> its properties
    chains: dict[str, dict[str, Any]]  # chain -> its properties
    has_link: list[tuple[str, str]]  # (chain, link)
    feeds: list[tuple[str, str]]  # (up, down)
    covers: dict[str, set[str]]  # link -> sub-sector codes
    core_codes: set[str]
    alive: set[str]
    above: set[str]  # enterprises whose above_scale is True
    codes_of: dict[str, set[str]]  # enterprise -> its sub-sectors
    place: dict[str, tuple[str | None, str | None]]  # located enterprise -> (park, town)
    observations: pd.DataFrame  # enterprise, period, revenue


def read_city(store: GraphStore) -> City:
    def pairs(rtype: str) -> list[tuple[str, str]]:
        return [(r.start.key, r.end.key) for r in store.find_relationships(rtype)]

    enterprises = store.find_nodes("Enterprise")
    covers: dict[str, set[str]] = {}
    for link, code in pairs("COVERS"):
        covers.setdefault(link, set()).add(code)
    codes_of: dict[str, set[str]] = {}
    for e, code in pairs("IN_SUBSECTOR"):
        codes_of.setdefault(e, set()).add(code)
    park_town = dict(pairs("IN_TOWN"))
    parks: dict[str, list[str]] = {}
    towns: dict[str, list[str]] = {}
    for r in store.find_relationships("LOCATED_IN", "Enterprise"):
        (parks if r.end.label == "Park" else towns).setdefault(r.start.key, []).append(r.end.key)
    place: dict[str, tuple[str | None, str | None]] = {}
    for e in set(parks) | set(towns):  # a park wins over a bare town; the smallest key
        park = min(parks[e]) if e in parks else None
        place[e] = (park, park_town.get(park) if park is not None else min(towns[e]))
    owner = {r.end.key: r.start.key
             for r in store.find_relationships("HAS_OBSERVATION", "Enterprise")}
    obs = pd.DataFrame(
        [{"enterprise": owner[n.key], "period": n.props.get("period"),
          "revenue": n.props.get("revenue")}
         for n in store.find_nodes("EnterpriseObservation") if n.key in owner],
        columns=["enterprise", "period", "revenue"],
    )
    return City(
        links={n.key: n.props for n in store.find_nodes("ChainLink")},
        chains={n.key: n.props for n in store.find_nodes("Chain")},
        has_link=pairs("HAS_LINK"), feeds=pairs("FEEDS"), covers=covers,
        core_codes={n.key for n in store.find_nodes("SubSector")
                    if n.props.get("domain") == "core"},
        alive={n.key for n in enterprises if not is_dead(n.props.get("reg_status"))},
        above={n.key for n in enterprises if n.props.get("above_scale") is True},
        codes_of=codes_of, place=place,
        observations=obs.sort_values(["enterprise", "period"]).reset_index(drop=True),
    )


def revenue_by_link(city: City, in_scope: set[str], members: dict[str, set[str]]
                    ) -> dict[str, tuple[float, float | None]]:
    """Four-quarter revenue and growth of each link: pandas' groupby sums per enterprise, then
    numpy's sum over the link's members in key order."""
    obs = city.observations[city.observations["enterprise"].isin(in_scope)]
    if obs.empty:
        return {link: (0.0, None) for link in members}
    latest = str(obs["period"].max())
    year, q = parse_period(latest)
    rev = obs.assign(revenue=obs["revenue"].fillna(0.0).astype(float))

    def total(periods: set[str]) -> pd.Series:
        return rev[rev["period"].isin(periods)].groupby("enterprise")["revenue"].sum()

    ttm = total({shift(latest, -i) for i in range(4)})
    ytd = total({f"{year}Q{i}" for i in range(1, q + 1)})
    prev = total({f"{year - 1}Q{i}" for i in range(1, q + 1)})
    out: dict[str, tuple[float, float | None]] = {}
    for link, keys in members.items():
        order = sorted(keys & in_scope)

        def summed(s: pd.Series) -> float:
            return float(np.sum(s.reindex(order, fill_value=0.0).to_numpy(dtype=float)))

        before = summed(prev)
        out[link] = (round(summed(ttm), 2), round(summed(ytd) / before - 1, 4) if before else None)
    return out


def reference_panorama(city: City, scope: Scope, cfg: GapConfig) -> pd.DataFrame:
    local = set(city.place) & city.alive
    if scope.kind == "city":
        in_scope = local
    else:
        at = 0 if scope.kind == "park" else 1
        in_scope = {e for e in local if city.place[e][at] == scope.id}
    members = {link: {e for e in city.alive
                      if city.codes_of.get(e, set()) & city.covers.get(link, set())}
               for link in city.links}
    outside_total = len(city.alive) - len(local)
    money = revenue_by_link(city, in_scope, members)
    strength = {}
    for link, m in members.items():
        n = len(m & in_scope)
        n_out = len(m) - len(m & local)
        share_local = n / len(in_scope) if in_scope else 0.0
        share_out = n_out / outside_total if outside_total > 0 else 0.0
        lq = round(share_local / share_out, 3) if share_out else None
        strength[link] = (n, len(m & in_scope & city.above), n_out, lq, status_of(n, lq, cfg))
    present = set(cfg.present_statuses)
    rows = []
    for chain, link in city.has_link:
        n, above, n_out, lq, status = strength[link]
        ups = sorted(u for u, d in city.feeds if d == link and strength[u][4] in present)
        downs = sorted(d for u, d in city.feeds if u == link and strength[d][4] in present)
        props = city.links[link]
        rows.append({
            "chain": chain, "chain_name": city.chains[chain].get("name"), "link": link,
            "link_name": props.get("name"), "stage": props.get("stage"),
            "position": props.get("position"), "local_enterprises": n, "above_scale": above,
            "revenue": money[link][0], "growth": money[link][1], "outside_enterprises": n_out,
            "lq": lq, "status": status, "broken": status in ("missing", "weak") and bool(ups)
            and bool(downs), "upstream_present": ups, "downstream_present": downs,
        })
    df = pd.DataFrame(rows, columns=PANORAMA_COLUMNS)
    return df.sort_values(["chain", "position", "link"]).reset_index(drop=True)


def reference_gaps(city: City, pan: pd.DataFrame, cfg: GapConfig) -> pd.DataFrame:
    w = cfg.priority
    local = dict(zip(pan["link"], pan["local_enterprises"], strict=True))
    rows = []
    for r in pan.to_dict("records"):
        if r["status"] not in ("missing", "weak"):
            continue
        demand = sum(local[d] for u, d in city.feeds if u == r["link"])
        core = bool(city.covers.get(r["link"], set()) & city.core_codes)
        plan = city.chains[r["chain"]].get("plan_format") is True
        score = 0.0
        for points, counts in ((w.broken, r["broken"]),
                               (w.missing if r["status"] == "missing" else w.weak, True),
                               (min(w.downstream_cap, demand * w.downstream_per_enterprise),
                                demand > 0),
                               (w.core_domain, core), (w.plan_format, plan)):
            if counts:
                score += points
        rows.append({**r, "downstream_demand": demand, "core_domain": core, "plan_format": plan,
                     "priority": score})
    df = pd.DataFrame(rows, columns=[c for c in GAP_COLUMNS if c != "reasons"])
    return df.sort_values(["priority", "chain", "link"], ascending=[False, True, True]
                          ).reset_index(drop=True)


REASON_KINDS = {"断链": "broken", "缺失": "missing", "薄弱": "weak", "下游本地需求": "demand",
                "文化核心领域": "core", "方案重点业态": "plan"}


def check_reasons(found: pd.DataFrame) -> None:
    """Each gap's reasons: one per term that counts, and their points sum to the priority."""
    for r in found.to_dict("records"):
        parts = r["reasons"].split("；")
        kinds = {REASON_KINDS[k] for part in parts for k in REASON_KINDS if part.startswith(k)}
        expected = {r["status"]} | {k for k, on in (
            ("broken", r["broken"]), ("demand", r["downstream_demand"] > 0),
            ("core", r["core_domain"]), ("plan", r["plan_format"])) if on}
        assert kinds == expected and len(parts) == len(expected), r["reasons"]
        points = [float(p) for p in re.findall(r"（\+([\d.]+)）", r["reasons"])]
        assert sum(points) == pytest.approx(r["priority"])


def scopes(store: GraphStore) -> list[Scope]:
    def keys(label: str) -> list[str]:
        return sorted(n.key for n in store.find_nodes(label))

    return [Scope("city")] + [Scope("town", k) for k in keys("Town")] + [
        Scope("park", k) for k in keys("Park")]


def check_store(store: GraphStore) -> None:
    cfg = default_analysis_config().gaps
    city = read_city(store)
    chains = sorted(city.chains)
    seen_gaps = 0
    for scope in scopes(store):
        expected = reference_panorama(city, scope, cfg)
        expected_gaps = reference_gaps(city, expected, cfg)
        with cache.disabled():  # computed, not a kept answer
            pan, found = panorama(store, scope, None, cfg), gaps(store, scope, None, cfg)
        pd.testing.assert_frame_equal(pan, expected, check_exact=True, obj=f"panorama {scope}")
        pd.testing.assert_frame_equal(found.drop(columns="reasons"), expected_gaps,
                                      check_exact=True, obj=f"gaps {scope}")
        assert list(found.columns) == GAP_COLUMNS
        check_reasons(found)
        seen_gaps += len(found)
        for chain in chains:
            pd.testing.assert_frame_equal(
                panorama(store, scope, chain, cfg),
                expected[expected["chain"] == chain].reset_index(drop=True), check_exact=True)
            pd.testing.assert_frame_equal(
                gaps(store, scope, chain, cfg).drop(columns="reasons"),
                expected_gaps[expected_gaps["chain"] == chain].reset_index(drop=True),
                check_exact=True)
    assert seen_gaps > 0


def test_the_sample_citys_frames_equal_the_reference_on_the_memory_store() -> None:
    store = shared_sample()
    # the sample exercises what the frames rest on: revenue and growth, an empty scope, gaps
    pan = panorama(store)
    assert pan["revenue"].gt(0).any() and pan["growth"].notna().any()
    assert pan["status"].isin(["missing", "weak"]).any() and pan["broken"].any()
    check_store(store)


@pytest.mark.neo4j
@pytest.mark.neo4j_sample
def test_the_sample_citys_frames_equal_the_reference_on_neo4j(neo4j_sample: GraphStore
                                                              ) -> None:
    check_store(neo4j_sample)


def test_link_revenue_on_the_mini_city_is_the_members_quarters_summed() -> None:
    """A (local, in L1) had 100 and 120.5 in 2025; B (local, in L1 and L2) has a 2025Q2 without
    revenue (counted 0); nothing a year before, so no growth."""
    from tests.test_graph_queries import mini_city
    from tupu.graph.stores.memory_store import MemoryStore

    store = MemoryStore(None)
    store.apply(mini_city())
    pan = panorama(store).set_index("link")
    assert pan.loc["L1", "revenue"] == 220.5 and pan.loc["L2", "revenue"] == 0.0
    assert pan["growth"].isna().all()
    in_town = panorama(store, Scope("town", "T1")).set_index("link")  # B, and A through P1
    assert in_town.loc["L1", "revenue"] == 220.5 and in_town.loc["L1", "local_enterprises"] == 2
    in_p2 = panorama(store, Scope("park", "P2")).set_index("link")  # G alone, no observations
    assert (in_p2["revenue"] == 0.0).all() and in_p2.loc["L0", "local_enterprises"] == 1
