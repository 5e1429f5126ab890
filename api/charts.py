"""Chart specifications: what ``api/static/charts.js`` draws with ECharts.

A spec is plain JSON — the chart's kind, its Chinese title and axis names (from the message
catalogue), categories and series — so the browser script holds no wording and no figure of its
own. The rows given here are already as the reader's role may see them (the callers redact
first); a value the disclosure rules hid is None, drawn as a gap and explained in the tooltip.

Kinds: ``progress`` (horizontal bars, one per target, against a 100 % line), ``line``, ``bar``
(grouped, one or two value axes) and ``pie``. Money is in 万元; the script writes it in 万元 or
亿元.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tupu.api.serialize import Record
from tupu.graph.analyses.monitoring import TARGET_STATUS_ZH
from tupu.messages import msg

Spec = dict[str, Any]


def suppressed_text() -> str:
    return msg("web.chart.suppressed")


def targets(rows: Iterable[Record]) -> Spec:
    """Each target's actual as a share of its goal (rows of ``target_chart_rows``)."""
    rows = list(rows)
    return {
        "id": "targets", "kind": "progress", "title": msg("web.chart.targets"),
        "axis": msg("web.chart.targets_axis"), "goal_label": msg("web.chart.targets_goal"),
        "no_data": msg("web.chart.no_data"), "empty": msg("web.chart.empty"),
        "labels": {"actual": msg("web.chart.actual"), "goal": msg("web.chart.goal"),
                   "share": msg("web.chart.share")},
        "categories": [str(r["name"]) for r in rows],
        "points": [{"value": r["progress"], "actual": r["actual"], "wording": r["wording"],
                    "unit": r["unit"], "status": r["status"],
                    "status_zh": TARGET_STATUS_ZH.get(str(r["status"]), r["status"])}
                   for r in rows],
    }


def revenue_by_chain(rows: Iterable[Record]) -> Spec:
    """One line per chain over the quarters (rows of ``revenue_by_chain``)."""
    rows = list(rows)
    periods = sorted({str(r["period"]) for r in rows})
    chains: dict[str, tuple[str, dict[str, Record]]] = {}
    for r in rows:
        chains.setdefault(str(r["chain"]), (str(r["chain_name"]), {}))[1][str(r["period"])] = r
    series = []
    for chain, (name, by_period) in sorted(chains.items()):
        cells = [by_period.get(p) for p in periods]
        series.append({
            "name": name, "key": chain,
            "data": [c["revenue"] if c is not None else None for c in cells],
            "suppressed": [c is not None and c["revenue"] is None for c in cells],
        })
    return {
        "id": "revenue_by_chain", "kind": "line", "title": msg("web.chart.revenue_by_chain"),
        "x_name": msg("web.chart.period_axis"), "axes": [{"name": msg("web.chart.revenue_axis"),
                                                           "money": True}],
        "categories": periods, "series": series, "suppressed_text": suppressed_text(),
        "empty": msg("web.chart.empty"),
    }


def towns(rows: Iterable[Record], links: Sequence[str | None] = ()) -> Spec:
    """Towns side by side: enterprises and above-scale ones (left axis), revenue (right axis).
    ``rows`` carry ``town_name``, ``local_enterprises``, ``above_scale`` and ``revenue_ttm`` in
    万元; ``links``: each town's page, in the same order."""
    rows = list(rows)
    revenue = [r.get("revenue_ttm") for r in rows]
    return {
        "id": "towns", "kind": "bar", "title": msg("web.chart.towns"),
        "axes": [{"name": msg("web.chart.towns_count_axis"), "money": False,
                  "unit": msg("web.chart.count_unit")},
                 {"name": msg("web.chart.towns_revenue_axis"), "money": True}],
        "categories": [str(r["town_name"]) for r in rows], "links": list(links),
        "keys": [str(r["town"]) for r in rows],
        "series": [
            {"name": msg("web.chart.towns_enterprises"), "axis": 0,
             "data": [r["local_enterprises"] for r in rows]},
            {"name": msg("web.chart.towns_above_scale"), "axis": 0,
             "data": [r["above_scale"] for r in rows]},
            {"name": msg("web.chart.towns_revenue"), "axis": 1, "data": revenue,
             "suppressed": [v is None and r["local_enterprises"] > 0
                            for v, r in zip(revenue, rows, strict=True)]},
        ],
        "suppressed_text": suppressed_text(), "empty": msg("web.chart.empty"),
    }


def projects(rows: Iterable[Record]) -> Spec:
    """Key projects per status (rows with ``status_zh`` and ``projects``)."""
    return {
        "id": "projects", "kind": "pie", "title": msg("web.chart.projects"),
        "unit": msg("web.chart.projects_unit"), "empty": msg("web.chart.empty"),
        "points": [{"name": str(r["status_zh"]), "value": r["projects"]} for r in rows
                   if r["projects"]],
    }
