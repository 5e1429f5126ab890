"""What a ``viewer`` may not see: figures of named enterprises.

Enterprise-level figures (revenue, employees, registered capital, trade and investment amounts, and
anything derived from them one to one, such as the candidates' scale term or a park's space need)
are statistical secrets. The functions here take the rows an analysis gives (as
:func:`tupu.api.serialize.records`) and return them as a viewer may see them:

- figure columns dropped, and the clauses of explanations that state a figure removed;
- aggregates over fewer than :data:`MIN_GROUP` enterprises (a link, a town, a cluster) suppressed
  (None), since they would give away the figures of the one or two enterprises in them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from tupu.api.serialize import Record
from tupu.graph.analyses.bulletin import Bulletin, Section

MIN_GROUP = 3
"""Aggregates over fewer enterprises than this (but more than none) are not shown to viewers."""

PUBLIC_ENTERPRISE_PROPS = (
    "id", "name", "short_name", "province", "city", "founded", "listed", "unicorn", "top30",
    "above_scale", "business_scope",
)
ENTERPRISE_FIGURES = frozenset({
    "annual_revenue", "employees", "registered_capital", "revenue", "revenue_ttm", "revenue_ytd",
    "revenue_ytd_prev", "growth", "talent_introduced", "annual_value", "amount",
})
CANDIDATE_FIGURES = ("annual_revenue", "employees", "scale", "score")
PARKS_FOR_FIGURES = ("need",)
MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元)")
SPACE_NEED = re.compile(r"，(满足|不足)约[^（；]*?需求")


def without_figures(text: str | None) -> str | None:
    """``text`` without its "；"-separated clauses that state an amount of money."""
    if text is None:
        return None
    return "；".join(c for c in text.split("；") if not MONEY.search(c))


def drop(rows: Iterable[Record], columns: Iterable[str]) -> list[Record]:
    gone = set(columns)
    return [{k: v for k, v in r.items() if k not in gone} for r in rows]


def suppress_small_groups(rows: Iterable[Record], count: str, figures: Iterable[str],
                          texts: Iterable[str] = ()) -> list[Record]:
    """Rows whose ``count`` is 1 or 2 get None for ``figures`` and their ``texts`` columns lose
    the clauses stating money."""
    figs, txts = tuple(figures), tuple(texts)
    out = []
    for r in rows:
        n = r.get(count)
        if isinstance(n, int) and 0 < n < MIN_GROUP:
            r = {**r, **{f: None for f in figs if f in r},
                 **{t: without_figures(r[t]) for t in txts if t in r}}
        out.append(r)
    return out


def panorama(rows: Iterable[Record]) -> list[Record]:
    """Panorama and gap rows: a link's revenue and growth only over three or more enterprises."""
    return suppress_small_groups(rows, "local_enterprises", ("revenue", "growth"))


def candidates(rows: Iterable[Record]) -> list[Record]:
    """Candidates: no revenue, employees, scale term or score (scale is revenue on a log
    scale, and the score minus the shown terms is the scale); no revenue in explanations."""
    return [{**r, "explanation": without_figures(r.get("explanation"))}
            for r in drop(rows, CANDIDATE_FIGURES)]


def parks_for(rows: Iterable[Record]) -> list[Record]:
    """Parks for an enterprise: no space need (it is the enterprise's employees times a factor)."""
    return [{**r, "reasons": SPACE_NEED.sub(r"，\1其空间需求", str(r.get("reasons") or ""))}
            for r in drop(rows, PARKS_FOR_FIGURES)]


def clusters(rows: Iterable[Record]) -> list[Record]:
    return suppress_small_groups(rows, "size", ("revenue",), ("description",))


def enterprise_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """An enterprise's properties a viewer may see (no figures, no provenance)."""
    return {k: props[k] for k in PUBLIC_ENTERPRISE_PROPS if k in props}


def relationship_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """A relationship's properties without amounts (SUPPLIES.annual_value, INVESTED_IN.amount)."""
    return {k: v for k, v in props.items()
            if k not in ENTERPRISE_FIGURES and not k.startswith("prov_")}


def bulletin(b: Bulletin) -> Bulletin:
    """The bulletin as a viewer may see it: sections listing enterprises lose their figure
    columns; towns with fewer than :data:`MIN_GROUP` enterprises lose their revenue and growth."""
    return dataclasses.replace(b, sections=tuple(_section(s) for s in b.sections))


def _section(s: Section) -> Section:
    frame = s.frame
    if "enterprise" in frame.columns:
        gone = [c for c in frame.columns if c in ENTERPRISE_FIGURES]
        headers = tuple((c, h) for c, h in s.headers if c not in ENTERPRISE_FIGURES)
        return dataclasses.replace(s, frame=frame.drop(columns=gone), headers=headers)
    if "local_enterprises" in frame.columns:
        small = frame["local_enterprises"].between(1, MIN_GROUP - 1)
        frame = frame.copy()
        for col in ("revenue_ttm", "growth"):
            if col in frame.columns:
                frame[col] = frame[col].astype(object).where(~small, None)
        return dataclasses.replace(s, frame=frame)
    return s

