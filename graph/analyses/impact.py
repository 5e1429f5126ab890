"""Anchor impact: what happens to the chains if one local enterprise leaves the city.

- links: every chain link whose local count, status or broken flag changes, before and after
  (:func:`tupu.graph.analyses.strength.link_strength` with the enterprise excluded: it counts neither as a
  local nor as an outside enterprise; city scope);
- newly broken links (断链, as :func:`tupu.graph.analyses.gaps.link_flanks` defines them);
- orphans: local enterprises whose only local supplier, or only local customer, it is (SUPPLIES).

The score (weights in the ``impact`` section of ``graph/analysis.yaml``) adds a term per status
level a link falls, per newly broken link and per orphan; :func:`anchors` ranks every local
enterprise by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tupu.errors import UnknownName, UsageError
from tupu.messages import msg
from tupu.graph.analyses.regstatus import named, status_code
from tupu.graph.analyses import frames
from tupu.graph.analyses.config import GapConfig, ImpactConfig, default_analysis_config
from tupu.graph.analyses.gaps import STATUS_ZH, Flank, link_flanks
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import (
    Locality,
    StrengthFacts,
    link_strength,
    locality,
    strength_facts,
    strength_rows,
)

STATUS_LEVEL = {"missing": 0, "weak": 1, "ok": 2, "strong": 3}
LINK_COLUMNS = [
    "chain", "chain_name", "link", "link_name", "local_before", "local_after", "lq_before",
    "lq_after", "status_before", "status_after", "broken_before", "broken_after", "change",
]
ORPHAN_COLUMNS = ["enterprise", "name", "reg_status", "park", "town", "loses", "loses_zh",
                  "product", "annual_value"]
LOSES_ZH = {"supplier": "失去唯一本地供应商", "customer": "失去唯一本地客户"}
TERMS = ["status", "broken", "orphans"]
ANCHOR_COLUMNS = [
    "rank", "id", "name", "reg_status", "park", "town", "annual_revenue", "links_down",
    "newly_broken",
    "lose_supplier", "lose_customer", *TERMS, "score", "explanation",
]


@dataclass(frozen=True)
class AnchorImpact:
    """What changes if ``enterprise`` leaves (see the module doc)."""

    enterprise: str
    name: str
    links: pd.DataFrame
    newly_broken: tuple[str, ...]
    orphans: pd.DataFrame
    terms: dict[str, float]
    score: float
    explanation: str
    reg_status: str | None = None  # the enterprise's (RegStatus code); ``name`` shows it

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise, "name": self.name, "reg_status": self.reg_status,
            "score": self.score,
            "terms": self.terms, "explanation": self.explanation,
            "newly_broken": list(self.newly_broken),
            "links": _records(self.links), "orphans": _records(self.orphans),
        }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


@dataclass(frozen=True)
class _Context:
    """Everything read once from the store, for one enterprise or for all of them."""

    where: Locality
    facts: StrengthFacts
    gaps: GapConfig
    link_ids: list[str]
    link_info: dict[str, dict[str, Any]]
    feeds: list[tuple[str, str]]
    before: dict[str, dict[str, Any]]
    before_flanks: dict[str, Flank]
    suppliers: dict[str, set[str]]  # local enterprise -> its local suppliers
    customers: dict[str, set[str]]  # local enterprise -> its local customers
    ties: dict[tuple[str, str], Mapping[str, Any]]  # (supplier, customer) -> SUPPLIES props
    profiles: dict[str, Mapping[str, Any]]


@dataclass
class _Outcome:
    links: list[dict[str, Any]] = field(default_factory=list)
    newly_broken: list[str] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)
    links_down: int = 0
    terms: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    explanation: str = ""


def _by_link(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r["link"]): r for r in rows}


def _context(store: GraphStore, gcfg: GapConfig) -> _Context:
    where = locality(store)
    lk = frames.links(store)
    link_ids = [str(x) for x in lk["link"]]
    facts = strength_facts(store, link_ids, Scope("city"), where)
    before = _by_link(strength_rows(facts, gcfg))
    fd = frames.feeds(store)
    feeds = list(zip(fd["up"], fd["down"], strict=True))
    local = where.local
    suppliers: dict[str, set[str]] = {}
    customers: dict[str, set[str]] = {}
    ties: dict[tuple[str, str], Mapping[str, Any]] = {}
    for r in store.find_relationships("SUPPLIES"):
        s, c = r.start.key, r.end.key
        if s in local and c in local and s != c:
            suppliers.setdefault(c, set()).add(s)
            customers.setdefault(s, set()).add(c)
            ties[(s, c)] = r.props
    return _Context(
        where=where, facts=facts, gaps=gcfg, link_ids=link_ids,
        link_info={str(r["link"]): r for r in lk.to_dict("records")}, feeds=feeds,
        before=before,
        before_flanks=link_flanks({k: str(r["status"]) for k, r in before.items()}, feeds, gcfg),
        suppliers=suppliers, customers=customers, ties=ties,
        profiles={n.key: n.props for n in store.get_nodes("Enterprise", local)},
    )


def anchor_impact(store: GraphStore, enterprise_id: str, config: ImpactConfig | None = None,
                  gap_config: GapConfig | None = None) -> AnchorImpact:
    """What changes if the local enterprise ``enterprise_id`` leaves (see the module doc)."""
    cfg = config or default_analysis_config().impact
    gcfg = gap_config or default_analysis_config().gaps
    ctx = _context(store, gcfg)
    if enterprise_id not in ctx.where.local:
        if store.get_node("Enterprise", enterprise_id) is None:
            raise UnknownName("Enterprise", enterprise_id, (), ())
        raise UsageError(
            msg("web.impact_not_local", name=enterprise_id)
        )
    after = link_strength(store, ctx.link_ids, Scope("city"), gcfg, ctx.where,
                          exclude=[enterprise_id])
    out = _evaluate(ctx, enterprise_id, _by_link(after.to_dict("records")), cfg)
    return AnchorImpact(
        enterprise=enterprise_id, name=_name(ctx, enterprise_id),
        links=pd.DataFrame(out.links, columns=LINK_COLUMNS),
        newly_broken=tuple(out.newly_broken),
        orphans=pd.DataFrame(out.orphans, columns=ORPHAN_COLUMNS),
        terms=out.terms, score=out.score, explanation=out.explanation,
        reg_status=_status(ctx, enterprise_id),
    )


def anchors(store: GraphStore, top: int | None = 20, config: ImpactConfig | None = None,
            gap_config: GapConfig | None = None) -> pd.DataFrame:
    """Every local enterprise ranked by its anchor impact score (ties: revenue, then id)."""
    cfg = config or default_analysis_config().impact
    gcfg = gap_config or default_analysis_config().gaps
    ctx = _context(store, gcfg)
    rows = []
    for key in sorted(ctx.where.local):
        out = _evaluate(ctx, key, _by_link(strength_rows(ctx.facts, gcfg, [key])), cfg)
        revenue = ctx.profiles.get(key, {}).get("annual_revenue")
        rows.append({
            "id": key, "name": _name(ctx, key), "reg_status": _status(ctx, key),
            "park": ctx.where.park.get(key),
            "town": ctx.where.town.get(key), "annual_revenue": revenue,
            "links_down": out.links_down, "newly_broken": len(out.newly_broken),
            "lose_supplier": sum(1 for o in out.orphans if o["loses"] == "supplier"),
            "lose_customer": sum(1 for o in out.orphans if o["loses"] == "customer"),
            **out.terms, "score": out.score, "explanation": out.explanation,
            "_revenue": float(revenue or 0.0),
        })
    if not rows:
        return pd.DataFrame(columns=ANCHOR_COLUMNS)
    df = pd.DataFrame(rows).sort_values(["score", "_revenue", "id"], ascending=[False, False, True])
    df = df.reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    if top is not None:
        df = df.head(top)
    return df[ANCHOR_COLUMNS].reset_index(drop=True)


def _name(ctx: _Context, key: str) -> str:
    """The enterprise's name as shown: with its status unless it is plain (regstatus)."""
    props = ctx.profiles.get(key, {})
    return named(props.get("name", key), props.get("reg_status"))


def _status(ctx: _Context, key: str) -> str | None:
    return status_code(ctx.profiles.get(key, {}).get("reg_status"))


def _evaluate(ctx: _Context, key: str, after: dict[str, dict[str, Any]],
              cfg: ImpactConfig) -> _Outcome:
    """Compare the chains with ``key`` (``ctx.before``) and without it (``after``)."""
    out = _Outcome()
    after_flanks = link_flanks({k: str(r["status"]) for k, r in after.items()}, ctx.feeds, ctx.gaps)
    status_texts: list[str] = []
    for lk in sorted(ctx.before):
        b, a = ctx.before[lk], after[lk]
        sb, sa = str(b["status"]), str(a["status"])
        bb, ba = ctx.before_flanks[lk].broken, after_flanks[lk].broken
        nb, na = int(b["local_enterprises"]), int(a["local_enterprises"])
        if nb == na and sb == sa and bb == ba:
            continue
        info = ctx.link_info.get(lk, {})
        name = str(info.get("name", lk))
        change: list[str] = []
        if nb != na:
            change.append(f"本地企业{nb}→{na}家")
        if sb != sa:
            drop = STATUS_LEVEL[sb] - STATUS_LEVEL[sa]
            change.append(f"状态由{STATUS_ZH[sb]}{'降为' if drop > 0 else '升为'}{STATUS_ZH[sa]}")
            if drop > 0:
                out.links_down += 1
                out.terms["status"] = out.terms.get("status", 0.0) + cfg.per_status_level * drop
                status_texts.append(f"「{name}」由{STATUS_ZH[sb]}降为{STATUS_ZH[sa]}")
        if ba and not bb:
            change.append("成为断链")
            out.newly_broken.append(lk)
        elif bb and not ba:
            change.append("不再构成断链（上游或下游已不足）")
        out.links.append({
            "chain": info.get("chain"), "chain_name": info.get("chain_name"),
            "link": lk, "link_name": name, "local_before": nb, "local_after": na,
            "lq_before": b["lq"], "lq_after": a["lq"], "status_before": sb, "status_after": sa,
            "broken_before": bb, "broken_after": ba, "change": "；".join(change),
        })

    for c in sorted(ctx.customers.get(key, set())):
        if ctx.suppliers.get(c) == {key}:
            out.orphans.append(_orphan(ctx, c, "supplier", ctx.ties[(key, c)]))
    for s in sorted(ctx.suppliers.get(key, set())):
        if ctx.customers.get(s) == {key}:
            out.orphans.append(_orphan(ctx, s, "customer", ctx.ties[(s, key)]))

    out.terms = {
        "status": out.terms.get("status", 0.0),
        "broken": cfg.newly_broken * len(out.newly_broken),
        "orphans": cfg.per_orphan * len(out.orphans),
    }
    out.score = round(sum(out.terms.values()), 2)
    reasons: list[str] = []
    if status_texts:
        reasons.append("、".join(status_texts) + f"（+{out.terms['status']:g}）")
    if out.newly_broken:
        names = "、".join(f"「{ctx.link_info.get(x, {}).get('name', x)}」" for x in out.newly_broken)
        reasons.append(f"{names}成为断链（+{out.terms['broken']:g}）")
    if out.orphans:
        n_sup = sum(1 for o in out.orphans if o["loses"] == "supplier")
        n_cus = len(out.orphans) - n_sup
        parts = [t for t in (f"{n_sup}家本地企业失去唯一本地供应商" if n_sup else "",
                             f"{n_cus}家失去唯一本地客户" if n_cus else "") if t]
        reasons.append("、".join(parts) + f"（+{out.terms['orphans']:g}）")
    out.explanation = "；".join(reasons) or "离开后各环节状态不变，也无企业失去唯一本地供应商或客户"
    return out


def _orphan(ctx: _Context, key: str, loses: str, tie: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "enterprise": key, "name": _name(ctx, key), "reg_status": _status(ctx, key),
        "park": ctx.where.park.get(key),
        "town": ctx.where.town.get(key), "loses": loses, "loses_zh": LOSES_ZH[loses],
        "product": tie.get("product"), "annual_value": tie.get("annual_value"),
    }
