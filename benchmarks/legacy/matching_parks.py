"""FROZEN COPY (commit 442f8e5, graph/analyses/matching.py) of the park ranking before it counted
chain partners from the located side and read the chain skeleton through named queries: the
same-run baseline of ``bench_snapshot.py --analyses`` (``candidates`` ranks the best park of
each candidate it shows). Not used by tupu itself. Copied unchanged but for imports.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from tupu.errors import UnknownName
from tupu.graph.analyses.candidates import TIE_TYPES, space_need
from tupu.graph.analyses.config import CandidateConfig, MatchingConfig, default_analysis_config
from tupu.graph.analyses.matching import PARK_COLUMNS, _display, _enterprise_codes, _ranked
from tupu.graph.analyses.strength import link_members, locality
from tupu.graph.analyses.wording import area_text
from tupu.graph.stores.store import GraphStore


class ParkContext:
    """What ranking parks needs beyond one enterprise, read once and shared by several rankings
    (a candidates list ranks the parks of each candidate it shows)."""

    def __init__(self, store: GraphStore) -> None:
        self.where = locality(store)
        self.parks = store.find_nodes("Park")
        self.town_names = {n.key: str(n.props.get("name", n.key))
                           for n in store.find_nodes("Town")}
        self.in_town = {r.start.key: r.end.key for r in store.find_relationships("IN_TOWN")}
        self._members: dict[str, set[str]] = {}
        self._store = store

    def members(self, links: Collection[str]) -> set[str]:
        """The enterprises in any of ``links`` (read once per link)."""
        missing = sorted(set(links) - set(self._members))
        if missing:
            self._members.update(link_members(self._store, missing))
        return set().union(*(self._members.get(x, set()) for x in links)) if links else set()


def best_parks(store: GraphStore, keys: Collection[str], config: MatchingConfig | None = None,
               candidate_config: CandidateConfig | None = None
               ) -> dict[str, tuple[str | None, str | None]]:
    """The park :func:`parks_for` ranks first for each enterprise of ``keys``: (id, name), or
    (None, None) without parks. The one best-park rule of candidates, parks and the pages."""
    context = ParkContext(store)
    out: dict[str, tuple[str | None, str | None]] = {}
    for key in keys:
        df = parks_for(store, key, config, candidate_config, context)
        out[key] = (None, None) if df.empty else (str(df["park"].iloc[0]),
                                                  str(df["park_name"].iloc[0]))
    return out


def parks_for(store: GraphStore, enterprise_id: str, config: MatchingConfig | None = None,
              candidate_config: CandidateConfig | None = None,
              context: ParkContext | None = None) -> pd.DataFrame:
    """Every park ranked for ``enterprise_id`` (local or outside), best first (module doc)."""
    cfg = (config or default_analysis_config().matching).parks
    ccfg = candidate_config or default_analysis_config().candidates
    ent = store.get_node("Enterprise", enterprise_id)
    if ent is None:
        raise UnknownName("Enterprise", enterprise_id, (), ())
    ctx = context or ParkContext(store)
    where = ctx.where
    codes = _enterprise_codes(store, [enterprise_id]).get(enterprise_id, [])
    links = sorted({r.start.key for r in store.adjacent("COVERS", "SubSector", codes, "in")})
    link_names = {n.key: str(n.props.get("name", n.key))
                  for n in store.get_nodes("ChainLink", links)}
    positioned: dict[str, list[str]] = {}
    for r in store.adjacent("POSITIONED_FOR", "ChainLink", links, "in"):
        positioned.setdefault(r.start.key, []).append(r.end.key)
    need = space_need(ent.props.get("employees"), ccfg)

    partners: set[str] = set()
    for rtype in TIE_TYPES:
        for r in store.adjacent(rtype, "Enterprise", [enterprise_id], "out"):
            if r.end.label == "Enterprise":
                partners.add(r.end.key)
        for r in store.adjacent(rtype, "Enterprise", [enterprise_id], "in"):
            partners.add(r.start.key)
    partners.discard(enterprise_id)
    partner_names = {n.key: _display(n.props, n.key) for n in store.get_nodes("Enterprise", partners)}

    near = sorted({r.start.key for r in store.adjacent("FEEDS", "ChainLink", links, "in")}
                  | {r.end.key for r in store.adjacent("FEEDS", "ChainLink", links, "out")})
    chain_firms = ctx.members(near)
    chain_firms.discard(enterprise_id)

    town_names, in_town = ctx.town_names, ctx.in_town
    current = where.park.get(enterprise_id)
    rows = []
    for park in ctx.parks:
        p = park.props
        vacant = float(p.get("vacant_area") or 0.0)
        reasons: list[str] = []
        pos_links = sorted(positioned.get(park.key, []))
        pos = cfg.positioned if pos_links else 0.0
        if pos_links:
            reasons.append("定位于" + "、".join(f"「{link_names[x]}」" for x in pos_links)
                           + f"（+{pos:g}）")
        space = cfg.space if vacant >= need else 0.0
        if space:
            reasons.append(f"空置{area_text(vacant)}，满足约{area_text(need)}需求（+{space:g}）")
        else:
            reasons.append(f"空置{area_text(vacant)}，不足约{area_text(need)}需求（+0）")
        here = sorted(k for k in partners if where.park.get(k) == park.key)
        part = min(cfg.partner_cap, cfg.partner * len(here))
        if here:
            reasons.append("园内已有关联企业：" + "、".join(partner_names.get(k, k) for k in here)
                           + f"（+{part:g}）")
        n_chain = sum(1 for k in chain_firms if where.park.get(k) == park.key)
        chain = min(cfg.chain_cap, cfg.chain * n_chain)
        if n_chain:
            reasons.append(f"园内上下游配套企业{n_chain}家（+{chain:g}）")
        terms = {"positioned": pos, "space": space, "partners": part, "chain": chain}
        rows.append({
            "park": park.key, "park_name": p.get("name", park.key),
            "town": town_names.get(in_town.get(park.key, ""), in_town.get(park.key)),
            "level": p.get("level"), "vacant_area": vacant, "need": need,
            "positioned_links": ";".join(pos_links), "partner_names": "、".join(
                partner_names.get(k, k) for k in here), "chain_enterprises": n_chain,
            **terms, "score": round(sum(terms.values()), 2), "current": park.key == current,
            "reasons": "；".join(reasons),
        })
    return _ranked(rows, PARK_COLUMNS, ["score", "vacant_area", "park"], [False, False, True],
                   None)
