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

Each term's contribution is a column; ``score`` is their sum; ``explanation`` states every
non-zero term with its points in Chinese, so the sentence adds up to the score. ``best_park`` (and
``best_park_id``) is the park :func:`tupu.graph.analyses.matching.parks_for` ranks first for the
candidate — the one best-park rule of ``tupu candidates``, ``tupu parks`` and the pages. The park
term asks for the space a branch or project of the candidate would need (:func:`space_need`), not
its whole group's headcount. Dead enterprises (:func:`tupu.ontology.vocab.is_dead`) are never
ranked. The facts are read once per link (:func:`link_facts`, through the named graph queries
around the link, so a large outside pool stays fast); scoring a candidate (:func:`score_candidate`)
is pure. Every candidate is ranked on the facts its score rests on; only those shown are read
whole and explained.

The top N are found where the graph lives. A *plain* member of the pool — no direct tie, no
partner, no fund invested in it, no university cooperating with it — scores the link's constant
terms (fit, focus funds, strong universities) plus what its own properties give: scale, brand and
park, which is :class:`~tupu.graph.stores.queries.PropertyScore` built from this configuration
(:func:`property_score`; ``score_terms`` takes its scale and space rule from that same object).
The non-plain members are few and known from the ties and pool links read from the local side;
the store ranks the plain ones by their property score (:meth:`GraphQueries.pool_top`) and
returns those within :data:`ROUNDING_MARGIN` of the N-th best. Every member returned and every
non-plain member is then scored by ``score_terms`` and the top N taken as before (score, then
key). That is exact: a plain member's score is its property score plus a constant, moved at most
0.005 by each of the two roundings to hundredths (the scale term's, the sum's), so a plain member
left out scores below each of N plain members returned and cannot be among the top N.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Set as AbstractSet
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import pandas as pd

from tupu.errors import UnknownName
from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.config import (
    CandidateConfig, GapConfig, MatchingConfig, default_analysis_config,
)
from tupu.graph.analyses.scope import Scope
from tupu.graph.analyses.strength import Locality, link_strength, locality
from tupu.graph.stores.queries import (
    BRAND_FLAGS, POOL_PROPS, CandidateTies, LinkContext, PropertyScore, names_of, number,
    space_need as _space_need,
)
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.wording import area_text, money_text

TIE_TYPES = {"SUPPLIES": ("供应", "采购"), "COOPERATES_WITH": ("合作", "合作"),
             "SUBSIDIARY_OF": ("股权", "股权")}
TERMS = ["scale", "brand", "ties", "indirect", "fit", "park", "funds", "universities"]
COLUMNS = ["rank", "id", "name", "province", "city", "annual_revenue", "employees", "listed",
           "unicorn", "top30", *TERMS, "score", "local_partners", "best_park_id", "best_park",
           "explanation"]
ROUNDING_MARGIN = 0.025
"""How far below the N-th best property score the store's ranking still returns plain members:
two roundings to hundredths (0.01) on either side (0.02), and room for the store's arithmetic
differing from Python's in the last bits."""


@dataclass
class LinkFacts:
    """What the score of any candidate of one link depends on."""

    pool: list[str]  # the members to rank: the store's top plain members and the non-plain
    profiles: dict[str, Mapping[str, Any]]
    local_names: dict[str, str]
    rule: PropertyScore  # the scale and park-space rule of the score (and the store's ranking)
    direct: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    partners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    reach: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    fit: float = 0.0
    fit_text: str = ""
    parks: list[tuple[float, str, str]] = field(default_factory=list)  # (vacant, key, name)
    focus_funds: set[str] = field(default_factory=set)
    invested: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    fund_names: dict[str, str] = field(default_factory=dict)
    universities: set[str] = field(default_factory=set)  # local and strong in the link
    coop_unis: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uni_names: dict[str, str] = field(default_factory=dict)


def _names(store: GraphStore, label: str, keys: set[str], short: bool = False) -> dict[str, str]:
    return {
        n.key: str((n.props.get("short_name") if short else None) or n.props.get("name", n.key))
        for n in store.get_nodes(label, keys)
    }


def _read_ties(f: LinkFacts, ties: CandidateTies) -> None:
    """Direct ties (the first type of TIE_TYPES, outgoing before incoming, names the tie) and
    the partners through which a candidate reaches local enterprises."""
    order = {t: i for i, t in enumerate(TIE_TYPES)}
    for cand, local, rtype, outgoing in sorted(
        ties.direct, key=lambda t: (order[t[2]], not t[3], t[0], t[1])
    ):
        out_word, in_word = TIE_TYPES[rtype]
        f.direct[cand].setdefault(local, out_word if outgoing else in_word)
    for cand, partner, local in ties.indirect:
        f.partners[cand].add(partner)
        f.reach[partner].add(local)


def _read_fit(store: GraphStore, f: LinkFacts, ctx: LinkContext, cfg: CandidateConfig,
              gcfg: GapConfig, where: Locality) -> None:
    ups, downs = list(ctx.ups), list(ctx.downs)
    near = link_strength(store, sorted(set(ups) | set(downs)), Scope("city"), gcfg, where)
    status = dict(zip(near["link"], near["status"], strict=True))
    names = names_of(ctx.names, "ChainLink")
    present = set(gcfg.present_statuses)
    up_ok = sorted(u for u in ups if status.get(u) in present)
    down_ok = sorted(d for d in downs if status.get(d) in present)
    f.fit = (cfg.fit.upstream * len(up_ok) / len(ups) if ups else 0.0) + (
        cfg.fit.downstream * len(down_ok) / len(downs) if downs else 0.0)
    parts = []
    if up_ok:
        parts.append("本地上游" + "、".join(f"「{names[u]}」" for u in up_ok) + "配套")
    if down_ok:
        parts.append("本地下游" + "、".join(f"「{names[d]}」" for d in down_ok) + "需求")
    f.fit_text = "；".join(parts)


def property_score(cfg: CandidateConfig, parks: list[tuple[float, str, str]]) -> PropertyScore:
    """What a plain member scores on its own properties under ``cfg`` (see the module doc), for a
    link with these ``parks`` (most vacant first)."""
    return PropertyScore(
        scale_weight=cfg.scale.weight, full_at_revenue=cfg.scale.full_at_revenue,
        brand_weights=tuple(float(getattr(cfg, flag)) for flag in BRAND_FLAGS),
        park_weight=cfg.park.weight, roomiest=parks[0][0] if parks else None,
        space_per_employee=cfg.park.space_per_employee, min_space=cfg.park.min_space,
        branch_employees=cfg.park.branch_employees,
    )


def link_facts(store: GraphStore, link: str, cfg: CandidateConfig, gcfg: GapConfig,
               limit: int | None = None) -> LinkFacts:
    """Read everything the top ``limit`` candidates of ``link`` (None: all) are ranked on, through
    the named graph queries around the link (:mod:`tupu.graph.stores.queries`): the ties of the
    pool read from the local side, the link's neighbours, parks, funds and universities, and the
    members that can reach the top (see the module doc) with only the properties a score rests on
    (:func:`with_profiles` adds the rest for the candidates shown)."""
    queries = store.queries()
    ctx = queries.link_context(link)
    if ctx is None:
        raise UnknownName("ChainLink", link, (), ())
    parks = sorted(
        ((float(vacant or 0.0), key, str(key if name is None else name))
         for key, name, vacant in ctx.parks),
        key=lambda p: (-p[0], p[1]),
    )
    f = LinkFacts(pool=[], profiles={}, local_names={}, rule=property_score(cfg, parks),
                  parks=parks)
    _read_ties(f, queries.candidate_ties(link))
    f.focus_funds = set(ctx.focus_funds)
    around = queries.pool_links(link)
    for enterprise, fund in around.invested:
        f.invested[enterprise].add(fund)
    f.fund_names = {**names_of(ctx.names, "Fund"), **names_of(around.names, "Fund")}
    f.universities = set(ctx.strong_universities)
    for enterprise, university in around.universities:
        f.coop_unis[enterprise].add(university)
    f.uni_names = {**names_of(ctx.names, "University"), **names_of(around.names, "University")}
    tied = set(f.direct) | set(f.partners) | set(f.invested) | set(f.coop_unis)
    members = queries.pool_top(link, limit, f.rule, ROUNDING_MARGIN, tied)
    f.profiles = {m.key: dict(m.props) for m in members}
    f.profiles.update(
        (n.key, {p: n.props[p] for p in POOL_PROPS if p in n.props})
        for n in store.get_nodes("Enterprise", tied))
    f.pool = sorted(f.profiles)
    if f.pool:
        _read_fit(store, f, ctx, cfg, gcfg, locality(store))
    return f


def with_profiles(store: GraphStore, f: LinkFacts, keys: list[str]) -> LinkFacts:
    """``f`` with the whole profiles of the candidates ``keys`` and the short names of the local
    enterprises they are tied to, directly or through a partner (what their rows and explanations
    show)."""
    shown = {local for key in keys for local in f.direct.get(key, {})}
    shown |= {local for key in keys for partner in f.partners.get(key, ())
              for local in f.reach.get(partner, ())}  # the 以商引商 clause names them too
    profiles = dict(f.profiles)
    profiles.update((n.key, n.props) for n in store.get_nodes("Enterprise", keys))
    return replace(f, profiles=profiles,
                   local_names=_names(store, "Enterprise", shown, short=True))


def space_need(employees: Any, cfg: CandidateConfig) -> float:
    """The vacant space (㎡) an enterprise's branch or project would need: the people it would
    bring (its headcount, at most ``park.branch_employees``: a national group lands a branch, not
    its whole staff) times ``park.space_per_employee``, and at least ``park.min_space``. The one
    rule of the candidates' park term and of the parks ranking."""
    return _space_need(employees, cfg.park.space_per_employee, cfg.park.min_space,
                       cfg.park.branch_employees)


def _pts(x: float) -> str:
    return f"（+{x:g}分）"


_NONE: frozenset[str] = frozenset()
_NO_TIES: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class Terms:
    """A candidate's score terms with the facts each rests on: what ranking needs (no wording).
    The sets may be the link's own (shared): read them, never change them."""

    key: str
    scale: float
    brand: float
    ties_with: Mapping[str, str]  # local enterprise -> kind of tie
    ties: float
    via: AbstractSet[str]  # non-local partners
    reached: AbstractSet[str]  # local enterprises reached through them
    indirect: float
    fit: float
    need: float
    roomiest: tuple[float, str, str] | None  # the park with the most space, when it is enough
    park: float
    invested: AbstractSet[str]
    funds_set: AbstractSet[str]
    funds: float
    unis: AbstractSet[str]
    universities: float
    score: float  # the terms' sum, rounded

    def as_dict(self) -> dict[str, float]:
        """The terms by name, in :data:`TERMS`' order."""
        return {term: getattr(self, term) for term in TERMS}


_BRANDS = tuple(zip(BRAND_FLAGS, ("上市公司", "独角兽企业", "全国文化企业30强"), strict=True))
"""The brand flags, each weighted by the configuration's field of the same name, and their words."""


def score_terms(key: str, f: LinkFacts, cfg: CandidateConfig) -> Terms:
    """One candidate's score terms (pure; the rule of the module doc). Ranking calls this for
    every member of the pool; :func:`score_candidate` words it for the candidates shown."""
    p = f.profiles.get(key, {})
    scale = round(f.rule.scale(p.get("annual_revenue")), 2)
    brand = 0.0
    for flag, _ in _BRANDS:
        if p.get(flag) is True:
            brand += getattr(cfg, flag)
    ties_with = f.direct.get(key, _NO_TIES)
    ties = min(cfg.ties.direct_cap, cfg.ties.direct * len(ties_with))
    via = f.partners.get(key, _NONE)
    reached: AbstractSet[str] = _NONE
    if via:
        reached = set().union(*(f.reach.get(x, ()) for x in via)) - set(ties_with)
    indirect = min(cfg.ties.indirect_cap, cfg.ties.indirect * len(reached))
    fit = round(f.fit, 2)
    need = f.rule.space_need(p.get("employees"))
    roomiest = f.parks[0] if f.parks and f.parks[0][0] >= need else None  # parks: largest first
    park = cfg.park.weight if roomiest is not None else 0.0
    inv = f.invested.get(key, _NONE)
    funds_set = f.focus_funds | inv if inv else f.focus_funds
    funds = min(cfg.fund_cap, cfg.fund * len(funds_set))
    coop = f.coop_unis.get(key, _NONE)
    unis = f.universities | coop if coop else f.universities
    universities = min(cfg.university_cap, cfg.university * len(unis))
    # positional, in the fields' order (called for every member of the pool)
    return Terms(key, scale, brand, ties_with, ties, via, reached, indirect, fit, need, roomiest,
                 park, inv, funds_set, funds, unis, universities,
                 round(scale + brand + ties + indirect + fit + park + funds + universities, 2))


def score_candidate(key: str, f: LinkFacts, cfg: CandidateConfig) -> dict[str, Any]:
    """One candidate's terms, score, partners and explanation: every non-zero term is stated with
    its points, so the sentence adds up to the score."""
    p = f.profiles.get(key, {})
    t = score_terms(key, f, cfg)
    reasons: list[tuple[float, str]] = []
    if t.scale:
        reasons.append((t.scale, f"营业收入{money_text(number(p.get('annual_revenue')))}"))
    reasons.extend((getattr(cfg, flag), word) for flag, word in _BRANDS if p.get(flag) is True)
    if t.ties_with:
        kinds = "/".join(sorted(set(t.ties_with.values())))
        names = "、".join(f.local_names.get(e, e) for e in sorted(t.ties_with))
        capped = "，已达上限" if cfg.ties.direct * len(t.ties_with) > cfg.ties.direct_cap else ""
        reasons.append((t.ties, f"与本地{len(t.ties_with)}家企业存在{kinds}关系（{names}）"
                                f"，每家{cfg.ties.direct:g}分{capped}"))
    if t.reached:
        names = "、".join(f.local_names.get(e, e) for e in sorted(t.reached)[:5])
        more = f"等{len(t.reached)}家" if len(t.reached) > 5 else ""
        reasons.append((t.indirect, f"经{len(t.via)}家合作伙伴间接关联本地企业{names}{more}"
                                    f"（以商引商），每家{cfg.ties.indirect:g}分"))
    if t.fit:
        reasons.append((t.fit, f.fit_text))
    if t.roomiest is not None:
        vacant, _, park_name = t.roomiest
        reasons.append((t.park, f"{park_name}定位于本环节，空置{area_text(vacant)}，"
                                f"满足约{area_text(t.need)}需求"))
    if t.funds_set:
        inv = t.invested
        done = f"已获{'、'.join(sorted(f.fund_names[x] for x in inv))}投资；" if inv else ""
        focus = sorted(f.fund_names.get(x, x) for x in f.focus_funds - inv)
        named = f"关注本环节的{'、'.join(focus)}" if focus else ""
        cap = f"，每家{cfg.fund:g}分，上限{cfg.fund_cap:g}分" if cfg.fund * len(t.funds_set) > \
            cfg.fund_cap else ""
        reasons.append((t.funds, f"{done}可对接基金或银行{len(t.funds_set)}家"
                                 f"{named and '：' + named}{cap}"))
    if t.unis:
        coops = f.coop_unis.get(key, set())
        coop = sorted(f.uni_names[u] for u in coops)
        strong = sorted(f.uni_names[u] for u in f.universities - coops)
        parts = ([f"已与{'、'.join(coop)}合作"] if coop else []) + (
            [f"本地{'、'.join(strong)}在本环节领域有优势"] if strong else [])
        cap = f"，每所{cfg.university:g}分，上限{cfg.university_cap:g}分" if \
            cfg.university * len(t.unis) > cfg.university_cap else ""
        reasons.append((t.universities, "可对接高校：" + "；".join(parts) + cap))

    said = [f"{text}{_pts(points)}" for points, text in sorted(reasons, key=lambda r: -r[0])
            if points]
    return {
        "id": key, "name": p.get("name", key), "province": p.get("province"),
        "city": p.get("city"), "annual_revenue": p.get("annual_revenue"),
        "employees": p.get("employees"), "listed": p.get("listed") is True,
        "unicorn": p.get("unicorn") is True, "top30": p.get("top30") is True, **t.as_dict(),
        "score": t.score,
        "local_partners": "、".join(f.local_names.get(e, e) for e in sorted(t.ties_with)),
        "explanation": "；".join(said),
    }


def candidates(
    store: GraphStore,
    link: str,
    limit: int | None = 20,
    config: CandidateConfig | None = None,
    gap_config: GapConfig | None = None,
    matching_config: MatchingConfig | None = None,
) -> pd.DataFrame:
    """Outside enterprises in ``link`` ranked by their attraction score (see module doc; kept
    per version of the store's data: :mod:`tupu.graph.analyses.cache`)."""
    cfg = config or default_analysis_config().candidates
    gcfg = gap_config or default_analysis_config().gaps
    return memo(store, "candidates", (link, limit, cfg, gcfg, matching_config),
                lambda: _candidates(store, link, limit, cfg, gcfg, matching_config))


def _candidates(store: GraphStore, link: str, limit: int | None, cfg: CandidateConfig,
                gcfg: GapConfig, matching_config: MatchingConfig | None) -> pd.DataFrame:
    """The ranking, its reads in one read transaction (:meth:`GraphStore.read_together`)."""
    return store.read_together(
        lambda: _ranked(store, link, limit, cfg, gcfg, matching_config))


def _ranked(store: GraphStore, link: str, limit: int | None, cfg: CandidateConfig,
            gcfg: GapConfig, matching_config: MatchingConfig | None) -> pd.DataFrame:
    facts = link_facts(store, link, cfg, gcfg, limit)
    if not facts.pool:
        return pd.DataFrame(columns=COLUMNS)
    # rank every candidate on the scoring facts, then score the ones shown with their profiles
    scored = ((-score_terms(key, facts, cfg).score, key) for key in facts.pool)
    ranked = sorted(scored) if limit is None else heapq.nsmallest(limit, scored)
    shown = [key for _, key in ranked]
    facts = with_profiles(store, facts, shown)
    df = pd.DataFrame([score_candidate(key, facts, cfg) for key in shown])
    df.insert(0, "rank", range(1, len(df) + 1))
    from tupu.graph.analyses.matching import best_parks  # matching builds on this module

    df = df.copy()
    best = best_parks(store, list(df["id"]), matching_config, cfg)
    df["best_park_id"] = [best[k][0] for k in df["id"]]
    df["best_park"] = [best[k][1] for k in df["id"]]
    return df[COLUMNS]
