"""Panorama and gaps: every chain link's local strength in a scope, and the gaps ranked.

For each link and scope (city, town or park): the local enterprises whose sub-sectors the link
covers, how many are above scale (规上), their revenue over the last four quarters and its growth
(year to date against the same quarters a year before), the location quotient against the outside
pool, a status (missing / weak / ok / strong; thresholds in ``graph/analysis.yaml``) and whether
it is a broken link (断链: missing or weak, with a present link both upstream and downstream).
Gaps (missing and weak links) are ranked by a priority whose terms are stated as reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from tupu.graph.analyses import frames
from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.chain_links import STAGE_ZH
from tupu.graph.analyses.config import GapConfig, default_analysis_config
from tupu.graph.analyses.periods import revenue_summary
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.queries import ChainStructure
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import strength_facts, strength_table

STATUS_ZH = {"missing": "缺失", "weak": "薄弱", "ok": "一般", "strong": "优势"}


def for_people(df: pd.DataFrame) -> pd.DataFrame:
    """Gaps or panorama rows as people read them: status and stage in Chinese (JSON keeps the
    codes). The one wording of the command line's tables and the web's workbooks."""
    return df.assign(status=df["status"].map(STATUS_ZH), stage=df["stage"].map(STAGE_ZH))

PANORAMA_COLUMNS = [
    "chain", "chain_name", "link", "link_name", "stage", "position",
    "local_enterprises", "above_scale", "revenue", "growth", "outside_enterprises", "lq",
    "status", "broken", "upstream_present", "downstream_present",
]
GAP_COLUMNS = [*PANORAMA_COLUMNS, "downstream_demand", "core_domain", "plan_format",
               "priority", "reasons"]


def panorama(store: GraphStore, scope: Scope | None = None, chain: str | None = None,
             config: GapConfig | None = None) -> pd.DataFrame:
    """One row per chain link: its local strength in ``scope`` and its status (see module doc)."""
    cfg = config or default_analysis_config().gaps
    where = scope or Scope("city")
    return _panorama(store, store.queries().chain_structure(), where, chain, cfg)


def _panorama(store: GraphStore, structure: ChainStructure, scope: Scope, chain: str | None,
              cfg: GapConfig) -> pd.DataFrame:
    """The panorama of every chain in ``scope`` (kept per version of the store's data:
    :mod:`tupu.graph.analyses.cache` — a link's panel, the gaps and the panorama of each chain
    read the same one), then ``chain``'s rows."""
    df = memo(store, "panorama", (scope, cfg), lambda: _every_chain(store, structure, scope, cfg))
    if chain is not None:
        df = df[df["chain"] == chain]
    return df.reset_index(drop=True)


def _every_chain(store: GraphStore, structure: ChainStructure, scope: Scope,
                 cfg: GapConfig) -> pd.DataFrame:
    lk = frames.links_of(structure)
    facts = strength_facts(store, list(lk["link"]), scope)  # every link's members, read once
    df = lk[["chain", "chain_name", "link", "name", "stage", "position"]].rename(
        columns={"name": "link_name"}
    ).merge(strength_table(facts, cfg), on="link")

    rev = revenue_summary(frames.enterprise_observations(store, facts.in_scope))
    sums = {  # enterprise -> (ttm, ytd, ytd_prev)
        e: (a, b, c) for e, a, b, c in zip(rev["enterprise"], rev["ttm"].astype(float),
                                           rev["ytd"].astype(float),
                                           rev["ytd_prev"].astype(float), strict=True)
    }
    none = (0.0, 0.0, 0.0)
    revenue, growth = [], []
    for link in df["link"]:
        # summed as pandas sums a column (numpy's pairwise sum, in key order)
        ttm, ytd, prev_ = np.array([sums.get(e, none) for e in sorted(facts.local_members[link])],
                                   dtype=float).reshape(-1, 3).T
        prev = float(np.sum(prev_))
        revenue.append(round(float(np.sum(ttm)), 2))
        growth.append(round(float(np.sum(ytd)) / prev - 1, 4) if prev else None)
    df["revenue"], df["growth"] = revenue, growth

    status = df.set_index("link")["status"].to_dict()
    flanks = link_flanks(status, frames.feeds_of(structure), cfg)
    df["upstream_present"] = [flanks[x].upstream_present for x in df["link"]]
    df["downstream_present"] = [flanks[x].downstream_present for x in df["link"]]
    df["broken"] = [flanks[x].broken for x in df["link"]]
    return df[PANORAMA_COLUMNS].sort_values(["chain", "position", "link"]).reset_index(drop=True)


class Flank(NamedTuple):
    """A link's neighbours (FEEDS) whose status counts as present, and whether it is broken."""

    upstream_present: list[str]
    downstream_present: list[str]
    broken: bool


def link_flanks(status: Mapping[str, str], feeds: pd.DataFrame | Iterable[tuple[str, str]],
                cfg: GapConfig) -> dict[str, Flank]:
    """For every link of ``status`` (link → status): its present upstream and downstream links and
    whether it is a broken link (断链: missing or weak, with a present link on both sides).

    ``feeds`` is :func:`tupu.graph.analyses.frames.feeds` or its (up, down) pairs. Shared by the panorama
    and the anchor impact.
    """
    pairs = (zip(feeds["up"], feeds["down"], strict=True) if isinstance(feeds, pd.DataFrame)
             else feeds)
    ups: dict[str, list[str]] = {}
    downs: dict[str, list[str]] = {}
    for up, down in pairs:
        ups.setdefault(down, []).append(up)
        downs.setdefault(up, []).append(down)
    present = set(cfg.present_statuses)
    out: dict[str, Flank] = {}
    for link, st in status.items():
        up_ok = sorted(u for u in ups.get(link, []) if status.get(u) in present)
        down_ok = sorted(d for d in downs.get(link, []) if status.get(d) in present)
        out[link] = Flank(up_ok, down_ok, st in ("missing", "weak") and bool(up_ok) and bool(down_ok))
    return out


def gaps(store: GraphStore, scope: Scope | None = None, chain: str | None = None,
         config: GapConfig | None = None) -> pd.DataFrame:
    """The missing and weak links of :func:`panorama`, ranked by priority, with reasons (those
    of every chain kept per version of the store's data, then ``chain``'s)."""
    cfg = config or default_analysis_config().gaps
    where = scope or Scope("city")
    df = memo(store, "gaps", (where, cfg),
              lambda: store.read_together(lambda: _every_gap(store, where, cfg)))
    if chain is not None:
        df = df[df["chain"] == chain]
    return df.reset_index(drop=True)


def _every_gap(store: GraphStore, scope: Scope, cfg: GapConfig) -> pd.DataFrame:
    structure = store.queries().chain_structure()
    pan = _panorama(store, structure, scope, None, cfg)
    w = cfg.priority
    names = pan.set_index("link")["link_name"].to_dict()
    local = pan.set_index("link")["local_enterprises"].to_dict()
    downs = frames.feeds_of(structure).groupby("up")["down"].apply(list).to_dict()
    core_links = {link for link, _, domain in structure.covers if domain == "core"}
    plan_chains = {key for key, _, plan_format in structure.chains if plan_format is True}
    rows = []
    for r in pan[pan["status"].isin(["missing", "weak"])].itertuples(index=False):
        reasons: list[str] = []
        score = 0.0
        if r.broken:
            score += w.broken
            reasons.append(
                "断链：上游" + "、".join(f"「{names[u]}」" for u in r.upstream_present)
                + "与下游" + "、".join(f"「{names[d]}」" for d in r.downstream_present)
                + f"均有本地企业（+{w.broken:g}）"
            )
        if r.status == "missing":
            score += w.missing
            reasons.append(f"缺失：本地无企业（+{w.missing:g}）")
        else:
            score += w.weak
            if r.local_enterprises < cfg.weak_below:
                why = f"本地仅{r.local_enterprises}家企业"
            else:
                why = f"本地{r.local_enterprises}家企业，区位商{r.lq:g}低于{cfg.weak_lq:g}"
            reasons.append(f"薄弱：{why}（+{w.weak:g}）")
        demand = sum(local.get(d, 0) for d in downs.get(r.link, []))
        if demand:
            pts = min(w.downstream_cap, demand * w.downstream_per_enterprise)
            score += pts
            reasons.append(f"下游本地需求：{demand}家企业（+{pts:g}）")
        core = r.link in core_links
        if core:
            score += w.core_domain
            reasons.append(f"文化核心领域（+{w.core_domain:g}）")
        plan = r.chain in plan_chains
        if plan:
            score += w.plan_format
            reasons.append(f"方案重点业态「{r.chain_name}」（+{w.plan_format:g}）")
        rows.append({**r._asdict(), "downstream_demand": demand, "core_domain": core,
                     "plan_format": plan, "priority": score, "reasons": "；".join(reasons)})
    df = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return df.sort_values(["priority", "chain", "link"], ascending=[False, True, True]).reset_index(
        drop=True
    )

