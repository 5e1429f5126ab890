"""The dashboard: chart specifications for the home, targets and bulletin pages.

Each function returns ``{"period": …, "charts": {id: spec}}`` (specs: :mod:`tupu.api.charts`).
What a viewer may see of the revenue is decided where every viewer figure is, in
:mod:`tupu.api.disclosure` (chains and towns are cells of its revenue table; a suppressed cell is
None, drawn as a gap marked 保密); the bulletin arrives already redacted
(:func:`tupu.api.queries.monitoring.bulletin`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tupu.api import charts, disclosure
from tupu.api.auth import Role
from tupu.api.queries import monitoring
from tupu.api.serialize import Record, records
from tupu.graph.analyses import dashboard as agg
from tupu.graph.analyses.bulletin import Bulletin
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.monitoring import TARGET_STATUS_ZH, check_period, plan_targets, projects
from tupu.graph.stores.store import GraphStore

STATUS_KEY = {zh: key for key, zh in TARGET_STATUS_ZH.items()}
TOTAL_ROW = "合计"


def _town_links(root: str, rows: list[Record]) -> list[str | None]:
    return [f"{root}/towns/{r['town']}" if r.get("town") else None for r in rows]


def _target_rows(store: GraphStore, targets: list[Record]) -> list[Record]:
    df = pd.DataFrame(targets)
    if df.empty:
        return []
    df["status"] = df["status"].map(lambda s: STATUS_KEY.get(s, s))
    return records(agg.target_chart_rows(df, plan_targets(store, None)))


def home(store: GraphStore, cfg: AnalysisConfig, role: Role, period: str | None = None,
         root: str = "") -> dict[str, Any]:
    """The four charts of the home page, up to ``period`` (default: the latest quarter)."""
    if period is not None:
        check_period(period)
    else:
        found = monitoring.periods(store)
        period = found[0] if found else None
    targets = monitoring.targets(store, cfg, None, period)["targets"]
    chains = disclosure.chain_revenue(store, cfg, role,
                                      records(agg.revenue_by_chain(store, period)))
    towns = disclosure.towns_compared(store, cfg, role, period,
                                      records(agg.towns_compared(store, period)))
    status = records(agg.projects_by_status(projects(store, period, cfg.monitoring)))
    return {"period": period, "charts": {
        "targets": charts.targets(_target_rows(store, targets)),
        "revenue_by_chain": charts.revenue_by_chain(chains),
        "towns": charts.towns(towns, _town_links(root, towns)),
        "projects": charts.projects(status),
    }}


def targets_page(store: GraphStore, targets: list[Record]) -> dict[str, Any]:
    """The targets page's chart, from the rows it shows (no enterprise figure in them)."""
    return {"charts": {"targets": charts.targets(_target_rows(store, targets))}}


def bulletin_page(store: GraphStore, cfg: AnalysisConfig, role: Role, b: Bulletin,
                  root: str = "") -> dict[str, Any]:
    """The bulletin's charts: its targets, projects and towns sections (as ``b`` was redacted for
    the reader), and revenue by chain up to its quarter."""
    kpis = records(b.section("kpis").frame)
    status = [r for r in records(b.section("projects").frame) if r["status"] != TOTAL_ROW]
    towns = [{**r, "revenue_ttm": None if r["revenue_ttm"] is None
              else round(float(r["revenue_ttm"]) * 1e4, 2)}  # the section is in 亿元
             for r in records(b.section("towns").frame)]
    chains = disclosure.chain_revenue(store, cfg, role,
                                      records(agg.revenue_by_chain(store, b.period)))
    return {"period": b.period, "charts": {
        "targets": charts.targets(_target_rows(store, kpis)),
        "revenue_by_chain": charts.revenue_by_chain(chains),
        "towns": charts.towns(towns, _town_links(root, towns)),
        "projects": charts.projects([{"status_zh": r["status"], "projects": r["projects"]}
                                     for r in status]),
    }}
