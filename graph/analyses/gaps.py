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
from typing import Any, NamedTuple

import pandas as pd

from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.chain_links import STAGE_ZH
from tupu.graph.analyses.config import GapConfig, default_analysis_config
from tupu.graph.analyses.periods import revenue_totals
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.strength import StrengthFacts, strength_facts, strength_rows
from tupu.graph.analyses.sums import column_sums
from tupu.graph.stores.queries import OBSERVATION_PROPS, ChainStructure
from tupu.graph.stores.store import GraphStore

STATUS_ZH = {"missing": "缺失", "weak": "薄弱", "ok": "一般", "strong": "优势"}


NEIGHBOURS = ("upstream_present", "downstream_present")
"""The columns listing neighbouring links (their keys in JSON)."""


def for_people(df: pd.DataFrame, store: GraphStore) -> pd.DataFrame:
    """Gaps or panorama rows as people read them: status and stage in Chinese, the neighbouring
    links by name (JSON keeps the codes and keys). The one wording of the command line's tables
    and the web's workbooks."""
    out = df.assign(status=df["status"].map(STATUS_ZH), stage=df["stage"].map(STAGE_ZH))
    listed = [c for c in NEIGHBOURS if c in out.columns]
    if listed:
        names = {key: str(name or key) for key, name, _, _ in
                 store.queries().chain_structure().links}
        for c in listed:
            out[c] = [[names.get(k, k) for k in keys] if isinstance(keys, (list, tuple)) else keys
                      for keys in out[c]]
    return out

PANORAMA_COLUMNS = [
    "chain", "chain_name", "link", "link_name", "stage", "position",
    "local_enterprises", "above_scale", "revenue", "growth", "outside_enterprises", "lq",
    "status", "broken", "upstream_present", "downstream_present",
]
GAP_COLUMNS = [*PANORAMA_COLUMNS, "downstream_demand", "core_domain", "plan_format",
               "priority", "reasons"]


class LinkRow(NamedTuple):
    """One link of the panorama in one chain (the fields of :data:`PANORAMA_COLUMNS`; the present
    neighbours as tuples, so that the kept rows cannot change)."""

    chain: str | None
    chain_name: Any
    link: str
    link_name: Any
    stage: Any
    position: Any
    local_enterprises: int
    above_scale: int
    revenue: float
    growth: float | None
    outside_enterprises: int
    lq: float | None
    status: str
    broken: bool
    upstream_present: tuple[str, ...]
    downstream_present: tuple[str, ...]


def panorama(store: GraphStore, scope: Scope | None = None, chain: str | None = None,
             config: GapConfig | None = None) -> pd.DataFrame:
    """One row per chain link: its local strength in ``scope`` and its status (see module doc)."""
    cfg = config or default_analysis_config().gaps
    where = scope or Scope("city")
    return _panorama(store, store.queries().chain_structure(), where, chain, cfg)


def _panorama(store: GraphStore, structure: ChainStructure, scope: Scope, chain: str | None,
              cfg: GapConfig) -> pd.DataFrame:
    """The panorama of every chain in ``scope``, then ``chain``'s rows."""
    df = panorama_frame(_panorama_rows(store, structure, scope, cfg))
    if chain is not None:
        df = df[df["chain"] == chain].reset_index(drop=True)
    return df


def _panorama_rows(store: GraphStore, structure: ChainStructure, scope: Scope,
                   cfg: GapConfig) -> tuple[LinkRow, ...]:
    """The rows of every chain in ``scope``, kept per version of the store's data
    (:mod:`tupu.graph.analyses.cache`: a link's panel, the gaps and the panorama of each chain
    read the same ones)."""
    return memo(store, "panorama", (scope, cfg),
                lambda: _every_chain(store, structure, scope, cfg))


def panorama_frame(rows: Iterable[LinkRow]) -> pd.DataFrame:
    """The panorama's rows as the frame :func:`panorama` returns (present neighbours as lists)."""
    return pd.DataFrame(
        [(*r[:-2], list(r.upstream_present), list(r.downstream_present)) for r in rows],
        columns=PANORAMA_COLUMNS,
    )


def _every_chain(store: GraphStore, structure: ChainStructure, scope: Scope,
                 cfg: GapConfig) -> tuple[LinkRow, ...]:
    """Every chain's links in ``scope``, ordered by chain, position and link: plain Python over
    the named queries' answers (the members read once for every link, each enterprise's revenue
    summed once)."""
    facts = strength_facts(store, [k for k, *_ in structure.links], scope)
    strength = {r["link"]: r for r in strength_rows(facts, cfg)}
    money = _link_revenue(store, facts)
    flanks = link_flanks({lk: str(r["status"]) for lk, r in strength.items()}, structure.feeds, cfg)
    chain_names = {key: name for key, name, _ in structure.chains}
    chains_of: dict[str, list[str | None]] = {}
    for chain, link in structure.has_link:
        chains_of.setdefault(link, []).append(chain)
    rows = []
    for link, name, stage, position in structure.links:
        s, (revenue, growth), f = strength[link], money[link], flanks[link]
        for in_chain in chains_of.get(link) or [None]:  # a link of no chain: one row, no chain
            rows.append(LinkRow(
                in_chain, None if in_chain is None else chain_names.get(in_chain), link, name,
                stage, position, s["local_enterprises"], s["above_scale"], revenue, growth,
                s["outside_enterprises"], s["lq"], s["status"], f.broken,
                tuple(f.upstream_present), tuple(f.downstream_present),
            ))
    rows.sort(key=lambda r: (r.chain is None, r.chain or "", r.position is None,
                             0 if r.position is None else r.position, r.link))
    return tuple(rows)


def _link_revenue(store: GraphStore, facts: StrengthFacts
                  ) -> dict[str, tuple[float, float | None]]:
    """Per link: its members' revenue over the last four quarters (rounded to 0.01) and its
    growth (year to date against the same quarters a year before, rounded to 0.0001; None when
    those had no revenue). Each enterprise's figures are summed once, then each link's in key
    order, as the frames summed them (:mod:`tupu.graph.analyses.sums`)."""
    period, revenue = OBSERVATION_PROPS.index("period"), OBSERVATION_PROPS.index("revenue")
    enterprises = sorted(facts.in_scope)
    observed = store.queries().enterprise_observations(enterprises)
    totals = revenue_totals((e, values[period], values[revenue]) for e, _, values in observed)
    none = (0.0, 0.0, 0.0)
    row_of = {e: i for i, e in enumerate(enterprises)}
    sums = column_sums([totals.get(e, none) for e in enterprises],
                       [[row_of[e] for e in sorted(facts.local_members[link])]
                        for link in facts.links], 3)
    return {link: (round(ttm, 2), round(ytd / prev - 1, 4) if prev else None)
            for link, (ttm, ytd, prev) in zip(facts.links, sums, strict=True)}


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
    links = _panorama_rows(store, structure, scope, cfg)
    w = cfg.priority
    # the rows as the panorama frame gives them (its columns' dtypes: e.g. NaN in a float column)
    pan = panorama_frame(links)
    shown = [LinkRow(*values) for values in zip(*(pan[c].tolist() for c in PANORAMA_COLUMNS))]
    names = {r.link: r.link_name for r in shown}
    local = {r.link: r.local_enterprises for r in shown}
    downs: dict[str, list[str]] = {}
    for up, down in structure.feeds:  # sorted
        downs.setdefault(up, []).append(down)
    core_links = {link for link, _, domain in structure.covers if domain == "core"}
    plan_chains = {key for key, _, plan_format in structure.chains if plan_format is True}
    rows = []
    for r in shown:
        if r.status not in ("missing", "weak"):
            continue
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
        rows.append((*r, demand, core, plan, score, "；".join(reasons)))  # GAP_COLUMNS
    rows.sort(key=lambda row: (-row[-2], not isinstance(row[0], str),
                               row[0] if isinstance(row[0], str) else "", row[2]))
    return pd.DataFrame(rows, columns=GAP_COLUMNS)

