"""FROZEN COPY (commit d324ff5, graph/analyses/gaps.py and periods.revenue_summary) of the gaps
of every chain as computed before issue 10.2's plain-Python panorama: the panorama's frames and
merges, ``revenue_summary``'s groupby, per-link revenue sums over numpy arrays. The same-run
"before" of ``bench_queries.py --gaps-before`` (answers checked equal, dtypes included). Not used
by tupu itself. Copied unchanged but for imports and the per-version cache (not applied: the
benchmarks time the computation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tupu.graph.analyses import frames
from tupu.graph.analyses.config import GapConfig, default_analysis_config
from tupu.graph.analyses.gaps import GAP_COLUMNS, PANORAMA_COLUMNS, link_flanks
from tupu.graph.analyses.periods import parse_period, shift
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.strength import strength_facts, strength_table
from tupu.graph.stores.queries import ChainStructure
from tupu.graph.stores.store import GraphStore


def gaps(store: GraphStore, scope: Scope | None = None,
         config: GapConfig | None = None) -> pd.DataFrame:
    """The gaps of every chain in ``scope`` (city by default), as d324ff5 computed them."""
    return _every_gap(store, scope or Scope("city"), config or default_analysis_config().gaps)


def _panorama(store: GraphStore, structure: ChainStructure, scope: Scope, chain: None,
              cfg: GapConfig) -> pd.DataFrame:
    return _every_chain(store, structure, scope, cfg)


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



def revenue_summary(obs: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Per enterprise: revenue over the four quarters ending at ``period`` (``ttm``), the year to
    date (``ytd``) and the same quarters a year before (``ytd_prev``).

    ``period`` defaults to the latest period observed. ``obs`` is
    :func:`tupu.graph.analyses.frames.enterprise_observations`.
    """
    cols = ["enterprise", "ttm", "ytd", "ytd_prev"]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    latest = period or str(obs["period"].max())
    year, q = parse_period(latest)
    ttm_periods = {shift(latest, -i) for i in range(4)}
    ytd_periods = {f"{year}Q{i}" for i in range(1, q + 1)}
    prev_periods = {f"{year - 1}Q{i}" for i in range(1, q + 1)}
    rev = obs.assign(revenue=obs["revenue"].fillna(0.0).astype(float))

    def total(periods: set[str]) -> pd.Series:
        return rev[rev["period"].isin(periods)].groupby("enterprise")["revenue"].sum()

    out = pd.DataFrame({"ttm": total(ttm_periods), "ytd": total(ytd_periods),
                        "ytd_prev": total(prev_periods)}).fillna(0.0)
    return out.rename_axis("enterprise").reset_index()[cols]
