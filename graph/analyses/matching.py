"""Landing and matching: best parks for an enterprise, 产学研结对 and 融资对接.

Weights live in the ``matching`` section of ``graph/analysis.yaml``; every score is the sum of
its term columns, and ``reasons`` states each term's contribution in Chinese.

- :func:`parks_for`: parks for a local enterprise or an outside candidate — positioned for one of
  its chain links, vacant space fitting its size (the candidates' rule: ``candidates.park``),
  enterprises it is already tied to in the park, and enterprises of its upstream and downstream
  links there (上下游配套).
- :func:`university_pairs`: local enterprises × universities strong in the enterprise's
  sub-sector, its 中类 or its 大类 (PART_OF); local universities first; existing cooperation
  marked.
- :func:`fund_pairs`: funds × local enterprises and funds × key projects whose sub-sectors (a
  project's: its owners') the fund focuses on, directly or through a 中类/大类 parent; scored by
  stage and ticket size against the target's need; existing investment marked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from tupu.errors import UnknownName
from tupu.graph.analyses.regstatus import named, status_code
from tupu.graph.analyses.candidates import TIE_TYPES, space_need
from tupu.graph.analyses.wording import area_text, money_text
from tupu.graph.analyses.config import (
    CandidateConfig,
    FundMatchConfig,
    MatchingConfig,
    StageRules,
    TaxonomyMatch,
    UniversityMatchConfig,
    default_analysis_config,
)
from tupu.graph.analyses.periods import parse_period
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import link_members, locality
from tupu.ontology.vocab import is_dead

LEVEL_ZH = {"exact": "同一细分领域", "group": "所属中类", "category": "所属大类"}
STAGE_ZH = {"seed": "种子期", "early": "初创期", "growth": "成长期", "mature": "成熟期",
            "project": "项目"}

PARK_TERMS = ["positioned", "space", "partners", "chain"]
PARK_COLUMNS = ["rank", "park", "park_name", "town", "level", "vacant_area", "need",
                "positioned_links", "partner_names", "chain_enterprises", *PARK_TERMS, "score",
                "current", "reasons"]
UNIVERSITY_TERMS = ["match", "local_term", "breadth_term", "scale_term", "open_term",
                    "existing_term"]
UNIVERSITY_COLUMNS = ["rank", "enterprise", "enterprise_name", "reg_status", "park", "town",
                      "university",
                      "university_name", "local", "existing", "matched_code", "matched_name",
                      "match_level", *UNIVERSITY_TERMS, "score", "reasons"]
FUND_TERMS = ["match", "stage_term", "size_term", "existing_term"]
Which = Literal["new", "existing", "all"]
FUND_COLUMNS = ["rank", "fund", "fund_name", "fund_kind", "target_kind", "target", "target_name",
                "reg_status", "park", "town", "stage", "need_min", "need_max", "ticket_min", "ticket_max",
                "matched_code", "matched_name", "match_level", *FUND_TERMS, "score", "fit",
                "existing", "reasons"]


# -- shared: the taxonomy ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """How a university's or fund's sub-sector meets a target's: the matched code, its level
    relative to the target's own sub-sector (exact, group = 中类, category = 大类), the points."""

    code: str
    level: str
    points: float


class Taxonomy:
    """Sub-sector names, levels and parents (PART_OF), read once."""

    def __init__(self, store: GraphStore) -> None:
        nodes = store.find_nodes("SubSector")
        self.name = {n.key: str(n.props.get("name", n.key)) for n in nodes}
        self.level = {n.key: str(n.props.get("level", "")) for n in nodes}
        self.parent = {r.start.key: r.end.key for r in store.find_relationships("PART_OF")}

    def lineage(self, code: str) -> list[tuple[str, str]]:
        """``code`` itself (``exact``) and its ancestors, each with its level (group, category)."""
        out = [(code, "exact")]
        seen = {code}
        up = self.parent.get(code)
        while up is not None and up not in seen:
            out.append((up, self.level.get(up, "category")))
            seen.add(up)
            up = self.parent.get(up)
        return out

    def label(self, code: str) -> str:
        return f"{code} {self.name.get(code, '')}".strip()


def best_matches(codes: Iterable[str], by_code: Mapping[str, Collection[str]], tax: Taxonomy,
                 weights: TaxonomyMatch) -> dict[str, Match]:
    """For each party (university, fund) in ``by_code`` (code → parties) reachable from the
    target's ``codes`` or their ancestors: its best match (most points; then smallest code)."""
    points = {"exact": weights.exact, "group": weights.group, "category": weights.category}
    best: dict[str, Match] = {}
    for code in sorted(set(codes)):
        for anc, level in tax.lineage(code):
            for party in by_code.get(anc, ()):
                m = Match(anc, level, points.get(level, weights.category))
                cur = best.get(party)
                if cur is None or (m.points, _neg(m.code)) > (cur.points, _neg(cur.code)):
                    best[party] = m
    return best


def _neg(code: str) -> tuple[int, ...]:
    """Order key that prefers the smaller code when compared with ``>``."""
    return tuple(-ord(c) for c in code)


def _ranked(rows: list[dict[str, Any]], columns: list[str], sort: list[str],
            ascending: list[bool], limit: int | None) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=columns)
    df = pd.DataFrame(rows).sort_values(sort, ascending=ascending).reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    if limit is not None:
        df = df.head(limit)
    return df[columns].reset_index(drop=True)


def _enterprise_codes(store: GraphStore, keys: Collection[str]) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for r in store.adjacent("IN_SUBSECTOR", "Enterprise", keys, "out"):
        codes.setdefault(r.start.key, []).append(r.end.key)
    return {k: sorted(v) for k, v in codes.items()}


def _display(props: Mapping[str, Any], key: str) -> str:
    return named(props.get("short_name") or props.get("name") or key, props.get("reg_status"))


# -- parks ---------------------------------------------------------------------------------------




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
        # the chain skeleton (named query, small): links by sub-sector, names, FEEDS
        structure = store.queries().chain_structure()
        self.link_name = {k: str(k if n is None else n) for k, n, _, _ in structure.links}
        self.links_of_code: dict[str, set[str]] = {}
        for link, code, _ in structure.covers:
            self.links_of_code.setdefault(code, set()).add(link)
        self.feeds = structure.feeds
        self._positioned: dict[str, tuple[str, ...]] = {}

    def links_of(self, codes: Collection[str]) -> list[str]:
        """The links covering any of ``codes``, sorted."""
        return sorted(set().union(*(self.links_of_code.get(c, set()) for c in codes)))

    def near(self, links: Collection[str]) -> list[str]:
        """The links feeding or fed by any of ``links``, sorted."""
        wanted = set(links)
        return sorted({up for up, down in self.feeds if down in wanted}
                      | {down for up, down in self.feeds if up in wanted})

    def positioned(self, links: Collection[str]) -> dict[str, list[str]]:
        """Park -> the links of ``links`` it is positioned for (named query, once per link)."""
        out: dict[str, list[str]] = {}
        for link in sorted(set(links)):
            if link not in self._positioned:
                context = self._store.queries().link_context(link)
                self._positioned[link] = () if context is None else tuple(
                    park for park, _, _ in context.parks)
            for park in self._positioned[link]:
                out.setdefault(park, []).append(link)
        return out

    def chain_counts(self, links: Collection[str], leaving_out: str) -> Counter[str]:
        """Per park: the enterprises located in it that are in any of ``links`` (but
        ``leaving_out``). Read from the located side only (``local_members``: a few hundred
        enterprises), never over the links' whole membership, which holds the outside pool;
        read once per context, for every link of the skeleton."""
        missing = sorted(set(links) - set(self._members))
        if missing:  # every link of the skeleton at once: one read of the located side
            missing = sorted(set(missing) | set(self.link_name))
            for lk in missing:
                self._members[lk] = set()
            for member in self._store.queries().local_members(missing):
                for lk in member.links:
                    self._members[lk].add(member.key)
        member_sets = [self._members[x] for x in sorted(set(links))]
        return Counter(park for key, park in self.where.park.items()
                       if park is not None and key != leaving_out
                       and any(key in m for m in member_sets))


def best_parks(store: GraphStore, keys: Collection[str], config: MatchingConfig | None = None,
               candidate_config: CandidateConfig | None = None
               ) -> dict[str, tuple[str | None, str | None]]:
    """The park :func:`parks_for` ranks first for each enterprise of ``keys``: (id, name), or
    (None, None) without parks. The one best-park rule of candidates, parks and the pages."""
    context = ParkContext(store)
    facts = _enterprise_facts(store, keys)
    out: dict[str, tuple[str | None, str | None]] = {}
    for key in keys:
        rows = _park_rows(store, key, config, candidate_config, context, facts[key])
        best = min(rows, key=_park_order, default=None)  # parks_for's first row, no frame
        out[key] = (None, None) if best is None else (str(best["park"]), str(best["park_name"]))
    return out


def _park_order(row: Mapping[str, Any]) -> tuple[float, float, str]:
    """parks_for's order: score, then vacant area, descending; then the park's id."""
    return (-float(row["score"]), -float(row["vacant_area"]), str(row["park"]))


def parks_for(store: GraphStore, enterprise_id: str, config: MatchingConfig | None = None,
              candidate_config: CandidateConfig | None = None,
              context: ParkContext | None = None) -> pd.DataFrame:
    """Every park ranked for ``enterprise_id`` (local or outside), best first (module doc)."""
    rows = _park_rows(store, enterprise_id, config, candidate_config, context)
    return _ranked(rows, PARK_COLUMNS, ["score", "vacant_area", "park"], [False, False, True],
                   None)


@dataclass(frozen=True)
class _EnterpriseFacts:
    """What an enterprise's park ranking reads of it: its properties (None: no such enterprise),
    sub-sectors, tied enterprises and their display names."""

    props: Mapping[str, Any] | None
    codes: list[str]
    partners: set[str]
    partner_names: dict[str, str]


def _enterprise_facts(store: GraphStore, keys: Collection[str]) -> dict[str, _EnterpriseFacts]:
    """The facts of every enterprise of ``keys``, in a few reads for all of them (one per
    relationship type and direction, not per enterprise)."""
    wanted = sorted(set(keys))
    props = {n.key: n.props for n in store.get_nodes("Enterprise", wanted)}
    codes = _enterprise_codes(store, wanted)
    partners: dict[str, set[str]] = {k: set() for k in wanted}
    for rtype in TIE_TYPES:
        for r in store.adjacent(rtype, "Enterprise", wanted, "out"):
            if r.end.label == "Enterprise":
                partners[r.start.key].add(r.end.key)
        for r in store.adjacent(rtype, "Enterprise", wanted, "in"):
            partners[r.end.key].add(r.start.key)
    for key, tied in partners.items():
        tied.discard(key)
    named = {n.key: _display(n.props, n.key)
             for n in store.get_nodes("Enterprise", set().union(*partners.values()))}
    return {k: _EnterpriseFacts(props.get(k), codes.get(k, []), partners[k],
                                {p: named[p] for p in partners[k] if p in named})
            for k in wanted}


def _park_rows(store: GraphStore, enterprise_id: str, config: MatchingConfig | None,
               candidate_config: CandidateConfig | None, context: ParkContext | None,
               known: _EnterpriseFacts | None = None) -> list[dict[str, Any]]:
    """One row per park for ``enterprise_id``: its terms, score and reasons (unordered);
    ``known``: its facts, read already with others' (:func:`best_parks`)."""
    cfg = (config or default_analysis_config().matching).parks
    ccfg = candidate_config or default_analysis_config().candidates
    facts = known or _enterprise_facts(store, [enterprise_id])[enterprise_id]
    if facts.props is None:
        raise UnknownName("Enterprise", enterprise_id, (), ())
    ctx = context or ParkContext(store)
    where = ctx.where
    links = ctx.links_of(facts.codes)
    link_names = {x: ctx.link_name[x] for x in links}
    positioned = ctx.positioned(links)
    need = space_need(facts.props.get("employees"), ccfg)
    partners, partner_names = facts.partners, facts.partner_names

    near = ctx.near(links)
    chain_counts = ctx.chain_counts(near, enterprise_id)

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
        n_chain = chain_counts.get(park.key, 0)
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
    return rows


# -- universities --------------------------------------------------------------------------------


def pair_scope(store: GraphStore, chain: str | None = None, link: str | None = None,
               enterprise: str | None = None) -> set[str] | None:
    """The enterprises a pairs list is restricted to: those in ``link``, in any link of
    ``chain``, or ``enterprise`` alone (ids; None: no restriction)."""
    keys: set[str] | None = None
    if chain is not None or link is not None:
        links = {link} if link is not None else {
            r.end.key for r in store.adjacent("HAS_LINK", "Chain", [str(chain)], "out")}
        if chain is not None and link is not None:
            links &= {r.end.key for r in store.adjacent("HAS_LINK", "Chain", [chain], "out")}
        keys = set().union(*link_members(store, sorted(links)).values()) if links else set()
    if enterprise is not None:
        keys = {enterprise} if keys is None else keys & {enterprise}
    return keys


def _keep(existing: bool, which: Which) -> bool:
    return which == "all" or (which == "existing") == existing


def _scale(revenue: Any, weight: float, full_at: float) -> float:
    """``weight`` times revenue on a log scale, full at ``full_at`` (万元): a continuous term."""
    value = float(revenue or 0.0)
    if value <= 0:
        return 0.0
    return round(weight * min(1.0, math.log10(1 + value) / math.log10(1 + full_at)), 2)


def university_pairs(store: GraphStore, config: MatchingConfig | None = None,
                     limit: int | None = None, which: Which = "new",
                     enterprises: Collection[str] | None = None,
                     universities: Collection[str] | None = None) -> pd.DataFrame:
    """产学研结对: local enterprise × university pairs, local universities first (module doc).

    ``which``: ``new`` pairs (no cooperation yet; the default), ``existing`` ones or ``all``.
    ``enterprises`` / ``universities`` restrict the pairs (ids; see :func:`pair_scope`). Besides
    the taxonomy match and the local campus, continuous terms separate the pairs: ``breadth``
    (the share of the enterprise's sub-sectors the university is strong in), ``scale`` (the
    enterprise's revenue, log scale) and ``open`` (it already works with another university).
    """
    cfg: UniversityMatchConfig = (config or default_analysis_config().matching).universities
    tax = Taxonomy(store)
    where = locality(store)
    local = sorted(where.local if enterprises is None else where.local & set(enterprises))
    profiles = {n.key: n.props for n in store.get_nodes("Enterprise", local)}
    local = [k for k in local if not is_dead(profiles.get(k, {}).get("reg_status"))]
    unis = {n.key: n.props for n in store.find_nodes("University")}
    strong: dict[str, set[str]] = {}
    strong_of: dict[str, set[str]] = {}
    for r in store.find_relationships("STRONG_IN"):
        if universities is None or r.start.key in universities:
            strong.setdefault(r.end.key, set()).add(r.start.key)
            strong_of.setdefault(r.start.key, set()).add(r.end.key)
    existing: dict[tuple[str, str], Mapping[str, Any]] = {}
    for r in store.adjacent("COOPERATES_WITH", "Enterprise", local, "out"):
        if r.end.label == "University":
            existing[(r.start.key, r.end.key)] = r.props
    cooperating: dict[str, set[str]] = {}
    for ent, uni in existing:
        cooperating.setdefault(ent, set()).add(uni)
    codes = _enterprise_codes(store, local)
    rows = []
    for ent in local:
        own = codes.get(ent, [])
        for uni, m in sorted(best_matches(own, strong, tax, cfg.match).items()):
            coop = existing.get((ent, uni))
            if not _keep(coop is not None, which):
                continue
            u = unis.get(uni, {})
            is_local = u.get("local") is True
            reasons = [f"高校优势领域「{tax.label(m.code)}」为企业{LEVEL_ZH[m.level]}（+{m.points:g}）"]
            local_term = cfg.local if is_local else 0.0
            if is_local:
                reasons.append(f"本地高校（+{local_term:g}）")
            covered = [c for c in own if any(a in strong_of.get(uni, set())
                                             for a, _ in tax.lineage(c))]
            breadth = round(cfg.breadth * len(covered) / len(own), 2) if own else 0.0
            if breadth:
                reasons.append(f"覆盖企业{len(own)}个细分领域中的{len(covered)}个（+{breadth:g}）")
            p = profiles.get(ent, {})
            scale = _scale(p.get("annual_revenue"), cfg.scale, cfg.full_at_revenue)
            if scale:
                reasons.append(f"企业营业收入{money_text(float(p['annual_revenue']))}，"
                               f"有合作研发的体量（+{scale:g}）")
            others = cooperating.get(ent, set()) - {uni}
            open_term = cfg.open if others else 0.0
            if others:
                names = "、".join(sorted(str(unis.get(o, {}).get("name", o)) for o in others))
                reasons.append(f"已与{names}开展产学研合作（+{open_term:g}）")
            existing_term = cfg.existing if coop is not None else 0.0
            if coop is not None:
                kind = coop.get("kind") or "合作"
                since = coop.get("since")
                when = f"，{since.year}年起" if isinstance(since, dt.date) else ""
                reasons.append(f"已有合作（{kind}{when}）（+{existing_term:g}）")
            terms = [m.points, local_term, breadth, scale, open_term, existing_term]
            rows.append({
                "enterprise": ent, "enterprise_name": named(p.get("name", ent),
                                                            p.get("reg_status")),
                "reg_status": status_code(p.get("reg_status")),
                "park": where.park.get(ent), "town": where.town.get(ent),
                "university": uni, "university_name": u.get("name", uni), "local": is_local,
                "existing": coop is not None, "matched_code": m.code,
                "matched_name": tax.name.get(m.code), "match_level": m.level, "match": m.points,
                "local_term": local_term, "breadth_term": breadth, "scale_term": scale,
                "open_term": open_term, "existing_term": existing_term,
                "score": round(sum(terms), 2), "reasons": "；".join(reasons),
                "_reasons": len(reasons),
            })
    return _ranked(rows, UNIVERSITY_COLUMNS,
                   ["local", "score", "_reasons", "enterprise", "university"],
                   [False, False, False, True, True], limit)


# -- funds ---------------------------------------------------------------------------------------


def reference_date(store: GraphStore) -> dt.date:
    """The end of the latest quarter observed (ages are counted to it), else today."""
    periods = [str(n.props["period"]) for n in store.find_nodes("EnterpriseObservation")
               if n.props.get("period")]
    if not periods:
        return dt.date.today()
    year, q = parse_period(max(periods))
    return dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(days=1)


def enterprise_stage(props: Mapping[str, Any], on: dt.date, rules: StageRules) -> str:
    """seed, early, growth or mature, from age and annual revenue (listed: mature)."""
    revenue = float(props.get("annual_revenue") or 0.0)
    founded = props.get("founded")
    age = (on - founded).days / 365.25 if isinstance(founded, dt.date) else None
    if props.get("listed") is True or revenue > rules.growth_max_revenue:
        return "mature"
    if age is not None and age < rules.seed_max_age and revenue <= rules.seed_max_revenue:
        return "seed"
    if revenue <= rules.early_max_revenue:
        return "early"
    return "growth"


@dataclass(frozen=True)
class _Target:
    kind: str  # enterprise | project
    key: str
    name: str
    codes: list[str]
    stage: str
    need: tuple[float, float] | None
    park: str | None
    town: str | None
    reg_status: str | None = None  # an enterprise's (RegStatus code)


def _targets(store: GraphStore, cfg: FundMatchConfig) -> list[_Target]:
    where = locality(store)
    local = sorted(where.local)
    profiles = {n.key: n.props for n in store.get_nodes("Enterprise", local)}
    codes = _enterprise_codes(store, local)
    on = reference_date(store)
    out = []
    for key in local:
        p = profiles.get(key, {})
        revenue = p.get("annual_revenue")
        need = (float(revenue) * cfg.enterprise_need[0], float(revenue) * cfg.enterprise_need[1]) \
            if revenue else None
        out.append(_Target("enterprise", key, named(p.get("name", key), p.get("reg_status")),
                           codes.get(key, []), enterprise_stage(p, on, cfg.stages), need,
                           where.park.get(key), where.town.get(key),
                           status_code(p.get("reg_status"))))
    projects = store.find_nodes("Project")
    owners: dict[str, list[str]] = {}
    for r in store.adjacent("OWNS", "Project", [n.key for n in projects], "in"):
        owners.setdefault(r.end.key, []).append(r.start.key)
    owner_codes = _enterprise_codes(store, {o for os in owners.values() for o in os})
    pwhere = locality(store, "Project")
    for n in projects:
        total = n.props.get("total_investment")
        need = (float(total) * cfg.project_need[0], float(total) * cfg.project_need[1]) \
            if total else None
        pcodes = sorted({c for o in owners.get(n.key, []) for c in owner_codes.get(o, [])})
        out.append(_Target("project", n.key, str(n.props.get("name", n.key)), pcodes, "project",
                           need, pwhere.park.get(n.key), pwhere.town.get(n.key)))
    return out


def fund_pairs(store: GraphStore, config: MatchingConfig | None = None,
               limit: int | None = None, which: Which = "new",
               enterprises: Collection[str] | None = None,
               funds_only: Collection[str] | None = None) -> pd.DataFrame:
    """融资对接: fund × local enterprise and fund × key project pairs, best first (module doc).

    ``which``: ``new`` pairs (not invested yet; the default), ``existing`` ones or ``all``.
    ``enterprises`` restricts the targets (enterprises, and projects they own); ``funds_only``
    the funds. The size term is continuous: its weight times the share of the target's need
    range that the fund's ticket range covers."""
    cfg: FundMatchConfig = (config or default_analysis_config().matching).funds
    tax = Taxonomy(store)
    funds = {n.key: n.props for n in store.find_nodes("Fund")}
    focus: dict[str, set[str]] = {}
    for r in store.find_relationships("FOCUSES_ON"):
        focus.setdefault(r.end.key, set()).add(r.start.key)
    invested: dict[tuple[str, str], Mapping[str, Any]] = {
        (r.start.key, r.end.key): r.props for r in store.find_relationships("INVESTED_IN")
    }
    if funds_only is not None:
        focus = {code: {f for f in fs if f in funds_only} for code, fs in focus.items()}
    owners: dict[str, set[str]] = {}
    if enterprises is not None:
        for r in store.find_relationships("OWNS", "Enterprise", "Project"):
            owners.setdefault(r.end.key, set()).add(r.start.key)
    rows = []
    for t in _targets(store, cfg):
        if enterprises is not None and not (
                t.key in enterprises if t.kind == "enterprise"
                else owners.get(t.key, set()) & set(enterprises)):
            continue
        for fund, m in sorted(best_matches(t.codes, focus, tax, cfg.match).items()):
            if not _keep((fund, t.key) in invested, which):
                continue
            f = funds.get(fund, {})
            stages = {s.strip() for s in str(f.get("stages") or "").split(";") if s.strip()}
            reasons = [f"基金关注「{tax.label(m.code)}」，为{_what(t)}{LEVEL_ZH[m.level]}（+{m.points:g}）"]
            stage_ok = t.stage in stages
            stage_term = cfg.stage if stage_ok else 0.0
            reasons.append(f"{'投资阶段覆盖' if stage_ok else '投资阶段不含'}{STAGE_ZH[t.stage]}"
                           f"（+{stage_term:g}）")
            tmin, tmax = _float(f.get("ticket_min")), _float(f.get("ticket_max"))
            size_ok, size_text = _ticket_fit(tmin, tmax, t.need)
            size_term = round(cfg.size * _cover(tmin, tmax, t.need), 2) if size_ok else 0.0
            reasons.append(f"{size_text}（+{size_term:g}）")
            inv = invested.get((fund, t.key))
            existing_term = cfg.existing if inv is not None else 0.0
            if inv is not None:
                amount = _float(inv.get("amount"))
                reasons.append("已投资" + (f"{money_text(amount)}" if amount else "")
                               + f"（+{existing_term:g}）")
            rows.append({
                "fund": fund, "fund_name": f.get("name", fund), "fund_kind": f.get("kind"),
                "target_kind": t.kind, "target": t.key, "target_name": t.name,
                "reg_status": t.reg_status, "park": t.park,
                "town": t.town, "stage": t.stage,
                "need_min": round(t.need[0], 2) if t.need else None,
                "need_max": round(t.need[1], 2) if t.need else None,
                "ticket_min": tmin, "ticket_max": tmax, "matched_code": m.code,
                "matched_name": tax.name.get(m.code), "match_level": m.level, "match": m.points,
                "stage_term": stage_term, "size_term": size_term, "existing_term": existing_term,
                "score": round(m.points + stage_term + size_term + existing_term, 2),
                "fit": stage_ok and size_ok, "existing": inv is not None,
                "reasons": "；".join(reasons), "_reasons": len(reasons),
            })
    return _ranked(rows, FUND_COLUMNS, ["score", "_reasons", "fund", "target_kind", "target"],
                   [False, False, True, True, True], limit)


def _cover(tmin: float | None, tmax: float | None, need: tuple[float, float] | None) -> float:
    """The share (0..1) of the need range that the ticket range covers: a continuous fit."""
    if need is None:
        return 0.0
    lo, hi = need
    if hi <= lo:
        return 1.0
    a = max(lo, tmin if tmin is not None else lo)
    b = min(hi, tmax if tmax is not None else hi)
    return max(0.0, min(1.0, (b - a) / (hi - lo)))


def _what(t: _Target) -> str:
    return "项目承担企业" if t.kind == "project" else "企业"


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _ticket_fit(tmin: float | None, tmax: float | None,
                need: tuple[float, float] | None) -> tuple[bool, str]:
    """Whether a fund's ticket range meets a need range (they overlap), and why, in Chinese."""
    ticket = f"单笔{money_text(tmin or 0)}–{money_text(tmax) if tmax is not None else '不限'}"
    if need is None:
        return False, f"{ticket}；对象规模未知"
    want = f"需求约{money_text(need[0])}–{money_text(need[1])}"
    ok = (tmin is None or tmin <= need[1]) and (tmax is None or tmax >= need[0])
    return ok, f"{ticket}{'匹配' if ok else '不匹配'}{want}"
