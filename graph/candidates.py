"""Targeted attraction (靶向招引): outside enterprises for a chain link, ranked by an explained score.

The score of a candidate is the sum of these terms (weights in ``graph/analysis.yaml``):

- ``scale``: annual revenue on a log scale, full weight at ``full_at_revenue``;
- ``brand``: listed company, unicorn, national top-30 cultural enterprise;
- ``ties``: local enterprises it already supplies, buys from, cooperates with or is related to by
  ownership (SUPPLIES, COOPERATES_WITH, SUBSIDIARY_OF, either direction);
- ``indirect``: local enterprises reached through one non-local partner (以商引商 paths);
- ``fit``: the share of the link's upstream and downstream links that are present locally;
- ``park``: a park positioned for the link whose vacant space fits the candidate;
- ``funds``: funds and banks focusing on the link's sub-sectors or already invested in it;
- ``universities``: local universities strong in the link's sub-sectors, or cooperating with it.

Each term's contribution is a column; ``score`` is their sum; ``explanation`` states the top
reasons in Chinese.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd

from tupu.errors import UsageError
from tupu.graph.config import CandidateConfig, GapConfig, default_analysis_config
from tupu.graph.scope import Scope
from tupu.graph.store import GraphStore
from tupu.graph.strength import link_strength, locality

TIE_TYPES = {"SUPPLIES": ("供应", "采购"), "COOPERATES_WITH": ("合作", "合作"),
             "SUBSIDIARY_OF": ("股权", "股权")}
TERMS = ["scale", "brand", "ties", "indirect", "fit", "park", "funds", "universities"]
COLUMNS = ["rank", "id", "name", "province", "city", "annual_revenue", "employees", "listed",
           "unicorn", "top30", *TERMS, "score", "local_partners", "best_park", "explanation"]


def _wan_text(value: float) -> str:
    """万元 as people say it: 亿元 from 10,000 万元 up."""
    return f"{value / 10000:.1f}亿元" if value >= 10000 else f"{value:,.0f}万元"


def _area_text(m2: float) -> str:
    return f"{m2 / 10000:.1f}万㎡" if m2 >= 10000 else f"{m2:,.0f}㎡"


def candidates(
    store: GraphStore,
    link: str,
    limit: int | None = 20,
    config: CandidateConfig | None = None,
    gap_config: GapConfig | None = None,
) -> pd.DataFrame:
    """Outside enterprises in ``link`` ranked by their attraction score (see module doc)."""
    cfg = config or default_analysis_config().candidates
    gcfg = gap_config or default_analysis_config().gaps
    link_node = store.get_node("ChainLink", link)
    if link_node is None:
        raise UsageError(f"no chain link {link!r}; `tupu gaps --format json` lists the links")

    where = locality(store)
    local = where.local
    codes = sorted(r.end.key for r in store.adjacent("COVERS", "ChainLink", [link], "out"))
    members = {r.start.key for r in store.adjacent("IN_SUBSECTOR", "SubSector", codes, "in")
               if r.start.label == "Enterprise"}
    pool = sorted(members - local)
    if not pool:
        return pd.DataFrame(columns=COLUMNS)
    profiles = {n.key: n.props for n in store.get_nodes("Enterprise", pool)}
    local_names = {n.key: n.props.get("short_name") or n.props.get("name", n.key)
                   for n in store.get_nodes("Enterprise", local)}

    # -- ties: direct to local enterprises, and through one non-local partner ----------------
    direct: dict[str, dict[str, str]] = defaultdict(dict)  # candidate -> local -> relation
    partners: dict[str, set[str]] = defaultdict(set)  # candidate -> non-local partners
    for rtype, (out_word, in_word) in TIE_TYPES.items():
        for r in store.adjacent(rtype, "Enterprise", pool, "out"):
            if r.end.label == "Enterprise":
                _tie(direct, partners, local, r.start.key, r.end.key, out_word)
        for r in store.adjacent(rtype, "Enterprise", pool, "in"):
            _tie(direct, partners, local, r.end.key, r.start.key, in_word)
    via = sorted({p for ps in partners.values() for p in ps})
    reach: dict[str, set[str]] = defaultdict(set)  # partner -> local enterprises it is tied to
    for rtype in TIE_TYPES:
        for r in store.adjacent(rtype, "Enterprise", via, "out"):
            if r.end.key in local:
                reach[r.start.key].add(r.end.key)
        for r in store.adjacent(rtype, "Enterprise", via, "in"):
            if r.start.key in local:
                reach[r.end.key].add(r.start.key)

    # -- fit with the local chain ----------------------------------------------------------
    ups = [r.start.key for r in store.adjacent("FEEDS", "ChainLink", [link], "in")]
    downs = [r.end.key for r in store.adjacent("FEEDS", "ChainLink", [link], "out")]
    near = link_strength(store, sorted(set(ups) | set(downs)), Scope("city"), gcfg, where)
    status = dict(zip(near["link"], near["status"], strict=True))
    link_names = {n.key: n.props.get("name", n.key)
                  for n in store.get_nodes("ChainLink", set(ups) | set(downs))}
    present = set(gcfg.present_statuses)
    up_ok = sorted(u for u in ups if status.get(u) in present)
    down_ok = sorted(d for d in downs if status.get(d) in present)
    fit = (cfg.fit.upstream * len(up_ok) / len(ups) if ups else 0.0) + (
        cfg.fit.downstream * len(down_ok) / len(downs) if downs else 0.0)
    fit_text = "；".join(
        t for t in (
            ("本地上游" + "、".join(f"「{link_names[u]}」" for u in up_ok) + "配套") if up_ok else "",
            ("本地下游" + "、".join(f"「{link_names[d]}」" for d in down_ok) + "需求") if down_ok else "",
        ) if t
    )

    # -- parks positioned for the link -------------------------------------------------------
    park_keys = [r.start.key for r in store.adjacent("POSITIONED_FOR", "ChainLink", [link], "in")]
    parks = sorted(
        ((n.props.get("vacant_area") or 0.0, n.key, n.props.get("name", n.key))
         for n in store.get_nodes("Park", park_keys)),
        key=lambda p: (-p[0], p[1]),
    )

    # -- funds and universities --------------------------------------------------------------
    focus_funds = {r.start.key for r in store.adjacent("FOCUSES_ON", "SubSector", codes, "in")}
    invested: dict[str, set[str]] = defaultdict(set)
    for r in store.adjacent("INVESTED_IN", "Enterprise", pool, "in"):
        invested[r.end.key].add(r.start.key)
    fund_names = {n.key: n.props.get("name", n.key)
                  for n in store.get_nodes("Fund", focus_funds | {f for s in invested.values() for f in s})}
    local_unis = {n.key for n in store.find_nodes("University", {"local": True})}
    strong_unis = {r.start.key for r in store.adjacent("STRONG_IN", "SubSector", codes, "in")}
    coop_unis: dict[str, set[str]] = defaultdict(set)
    for r in store.adjacent("COOPERATES_WITH", "Enterprise", pool, "out"):
        if r.end.label == "University":
            coop_unis[r.start.key].add(r.end.key)
    uni_names = {n.key: n.props.get("name", n.key)
                 for n in store.get_nodes("University", strong_unis | {u for s in coop_unis.values() for u in s})}

    rows = []
    for key in pool:
        p = profiles.get(key, {})
        revenue = float(p.get("annual_revenue") or 0.0)
        reasons: list[tuple[float, str]] = []
        scale = round(cfg.scale.weight * min(1.0, math.log10(1 + revenue) / math.log10(1 + cfg.scale.full_at_revenue)), 2) if revenue > 0 else 0.0
        if scale:
            reasons.append((scale, f"营业收入{_wan_text(revenue)}"))
        brand = 0.0
        for flag, weight, word in (("listed", cfg.listed, "上市公司"), ("unicorn", cfg.unicorn, "独角兽企业"),
                                   ("top30", cfg.top30, "全国文化企业30强")):
            if p.get(flag) is True:
                brand += weight
                reasons.append((weight, word))
        ties_with = direct.get(key, {})
        ties = min(cfg.ties.direct_cap, cfg.ties.direct * len(ties_with))
        if ties_with:
            kinds = sorted(set(ties_with.values()))
            names = "、".join(local_names.get(e, e) for e in sorted(ties_with))
            reasons.append((ties, f"与本地{len(ties_with)}家企业存在{'/'.join(kinds)}关系（{names}）"))
        reached = set().union(*(reach.get(x, set()) for x in partners.get(key, set()))) - set(ties_with)
        indirect = min(cfg.ties.indirect_cap, cfg.ties.indirect * len(reached))
        if reached:
            reasons.append((indirect, f"经合作伙伴间接关联本地{len(reached)}家企业"))
        if fit:
            reasons.append((fit, fit_text))
        need = max(cfg.park.min_space, float(p.get("employees") or 0) * cfg.park.space_per_employee)
        fitting = [pk for pk in parks if pk[0] >= need]
        park = cfg.park.weight if fitting else 0.0
        best_park = fitting[0][2] if fitting else None
        if fitting:
            reasons.append((park, f"{fitting[0][2]}定位匹配，空置{_area_text(fitting[0][0])}"))
        funds_set = focus_funds | invested.get(key, set())
        funds = min(cfg.fund_cap, cfg.fund * len(funds_set))
        if funds_set:
            inv = invested.get(key, set())
            text = (f"已获{'、'.join(sorted(fund_names[f] for f in inv))}投资；" if inv else "") + f"{len(funds_set)}家基金或银行可对接"
            reasons.append((funds, text))
        unis = (strong_unis & local_unis) | coop_unis.get(key, set())
        universities = min(cfg.university_cap, cfg.university * len(unis))
        if unis:
            reasons.append((universities, "可对接高校：" + "、".join(sorted(uni_names[u] for u in unis))))
        terms = {"scale": scale, "brand": brand, "ties": ties, "indirect": indirect,
                 "fit": round(fit, 2), "park": park, "funds": funds, "universities": universities}
        top = [text for _, text in sorted(reasons, key=lambda t: -t[0])[:4]]
        rows.append({
            "id": key, "name": p.get("name", key), "province": p.get("province"),
            "city": p.get("city"), "annual_revenue": p.get("annual_revenue"),
            "employees": p.get("employees"), "listed": p.get("listed") is True,
            "unicorn": p.get("unicorn") is True, "top30": p.get("top30") is True, **terms,
            "score": round(sum(terms.values()), 2),
            "local_partners": "、".join(local_names.get(e, e) for e in sorted(ties_with)),
            "best_park": best_park, "explanation": "；".join(top),
        })
    df = pd.DataFrame(rows)
    df = df.sort_values(["score", "id"], ascending=[False, True]).reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    if limit is not None:
        df = df.head(limit)
    return df[COLUMNS]


def _tie(direct: dict[str, dict[str, str]], partners: dict[str, set[str]], local: set[str],
         candidate: str, other: str, word: str) -> None:
    if other in local:
        direct[candidate].setdefault(other, word)
    elif other != candidate:
        partners[candidate].add(other)
