"""Anchor impact (what breaks if a local enterprise leaves), 产学研 and 融资 pairs.

What a viewer may not see is removed in :func:`_viewer_rows`, the one place for this module:

- impact: the annual value of the supply ties an enterprise's leaving would cut (a figure of the
  two enterprises); anchors: their annual revenue;
- fund pairs: the target's financing need (its revenue times a factor), the stage (a revenue band)
  and the ticket-size fit (whether that need meets the fund's ticket), the score that sums them,
  and the clauses of the reasons that state them or an invested amount.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.queries.enterprises import require_enterprise
from tupu.api.serialize import Record, records
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.impact import anchor_impact, anchors as rank_anchors
from tupu.graph.analyses.matching import fund_pairs as rank_fund_pairs
from tupu.graph.analyses.matching import university_pairs as rank_university_pairs
from tupu.graph.analyses.strength import locality
from tupu.graph.stores.store import GraphStore
from tupu.errors import UsageError
from tupu.messages import msg

ORPHAN_FIGURES = ("annual_value",)
ANCHOR_FIGURES = ("annual_revenue",)
FUND_PAIR_FIGURES = ("need_min", "need_max", "stage", "stage_term", "size_term", "score", "fit")
FUND_PAIR_CLAUSES = ("投资阶段",)  # reasons clauses on the stage, which is a revenue band


def _viewer_rows(kind: str, rows: Iterable[Record]) -> list[Record]:
    """``rows`` of ``kind`` (orphans, anchors, fund_pairs) as a viewer may see them."""
    if kind == "orphans":
        return disclosure.drop(rows, ORPHAN_FIGURES)
    if kind == "anchors":
        return disclosure.drop(rows, ANCHOR_FIGURES)
    out = []
    for r in disclosure.drop(rows, FUND_PAIR_FIGURES):
        text = disclosure.without_figures(r.get("reasons")) or ""
        kept = [c for c in text.split("；") if c and not c.startswith(FUND_PAIR_CLAUSES)]
        out.append({**r, "reasons": "；".join(kept)})
    return out


def impact(store: GraphStore, cfg: AnalysisConfig, role: Role,
           enterprise_id: str) -> dict[str, Any]:
    """What breaks in the chains if the local enterprise leaves: changed links, newly broken
    links, enterprises losing their only local supplier or customer, an explained score."""
    node = require_enterprise(store, enterprise_id)
    if enterprise_id not in locality(store).local:
        raise UsageError(msg("web.impact_not_local", name=node.props.get("name", enterprise_id)))
    result = anchor_impact(store, enterprise_id, cfg.impact, cfg.gaps)
    orphans = records(result.orphans)
    return {
        "enterprise": result.enterprise, "name": result.name, "reg_status": result.reg_status,
        "score": result.score,
        "terms": result.terms, "explanation": result.explanation,
        "newly_broken": list(result.newly_broken), "links": records(result.links),
        "orphans": orphans if role >= Role.analyst else _viewer_rows("orphans", orphans),
    }


def anchors(store: GraphStore, cfg: AnalysisConfig, role: Role,
            top: int | None = 20) -> list[Record]:
    """Local enterprises ranked by what their leaving would break."""
    rows = records(rank_anchors(store, top, cfg.impact, cfg.gaps))
    return rows if role >= Role.analyst else _viewer_rows("anchors", rows)


def university_pairs(store: GraphStore, cfg: AnalysisConfig, role: Role, limit: int | None = 50,
                     university: str | None = None) -> list[Record]:
    """产学研结对 pairs, best first (of one university when ``university`` is given). No
    enterprise figure enters them, so every role sees the same."""
    df = rank_university_pairs(store, cfg.matching, None if university else limit)
    if university is not None:
        df = df[df["university"] == university]
        df = df if limit is None else df.head(limit)
    return records(df)


def fund_pairs(store: GraphStore, cfg: AnalysisConfig, role: Role, limit: int | None = 50,
               fund: str | None = None) -> list[Record]:
    """融资对接 pairs, best first (of one fund when ``fund`` is given)."""
    df = rank_fund_pairs(store, cfg.matching, None if fund else limit)
    if fund is not None:
        df = df[df["fund"] == fund]
        df = df if limit is None else df.head(limit)
    rows = records(df)
    return rows if role >= Role.analyst else _viewer_rows("fund_pairs", rows)
