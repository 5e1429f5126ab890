"""Clusters, key projects, the plan's targets and the quarterly bulletin."""

from __future__ import annotations

from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.serialize import Record, records
from tupu.api.http_errors import NotFound
from tupu.errors import NoData
from tupu.graph.analyses.bulletin import Bulletin, build_bulletin
from tupu.graph.analyses.clusters import clusters as find_clusters, summary
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.monitoring import observed_periods, plan_targets
from tupu.graph.analyses.monitoring import check_period, require_data, off_track, projects as list_projects, \
    target_progress
from tupu.graph.stores.store import GraphStore


def clusters(store: GraphStore, cfg: AnalysisConfig, role: Role) -> dict[str, Any]:
    """The clusters and their count against the plan's 3–5."""
    df = find_clusters(store, cfg.clusters)
    rows = records(df)
    return {"summary": summary(df, cfg.clusters).to_dict(),
            "clusters": disclosure.clusters(store, cfg, role, rows)}


def projects(store: GraphStore, cfg: AnalysisConfig, period: str | None = None,
             only_off_track: bool = False, role: Role = Role.viewer) -> list[Record]:
    """Key projects with their latest progress up to ``period`` (or only the off-track ones);
    investment figures for analysts only."""
    if period is not None:
        check_period(period)
    if only_off_track:
        return disclosure.projects(role, records(off_track(store, period, config=cfg.monitoring)))
    return disclosure.projects(role, records(list_projects(store, period, cfg.monitoring)))


def targets(store: GraphStore, cfg: AnalysisConfig, year: int | None = None,
            period: str | None = None, role: Role = Role.viewer) -> dict[str, Any]:
    """The targets of the plan the data names, against the graph's actuals (for a viewer:
    investment and talent totals only where disclosure control lets them through)."""
    plan = plan_targets(store, None)
    df = target_progress(store, plan, year, period, cfg.monitoring, cfg.clusters)
    rows = disclosure.targets(store, role, records(df),
                              lambda: list_projects(store, None, cfg.monitoring))
    return {"plan": plan.title, "year": year or plan.year, "targets": rows}


def periods(store: GraphStore) -> list[str]:
    """The quarters observed (enterprise or project observations), latest first."""
    return observed_periods(store)[::-1]


def bulletin(store: GraphStore, cfg: AnalysisConfig, role: Role, period: str) -> Bulletin:
    """The bulletin of ``period``; without enterprise figures for a viewer."""
    check_period(period)
    try:
        require_data(store, period)
    except NoData as e:
        raise NotFound(str(e)) from e
    b = build_bulletin(store, period, plan_targets(store, None), cfg.monitoring, cfg.clusters,
                       cfg.gaps, cfg.candidates)
    return disclosure.bulletin(store, cfg, role, b)


def bulletin_json(b: Bulletin) -> dict[str, Any]:
    """The bulletin as JSON (the shape of ``tupu bulletin --format json``)."""
    return {
        "title": b.title, "period": b.period, "city": b.city, "plan": b.plan_title,
        "notice": b.notice, "fictional": b.fictional, "summary": list(b.summary),
        "sections": [{"key": s.key, "title": s.title, "note": s.note,
                      "headers": [{"column": c, "title": h} for c, h in s.headers],
                      "rows": records(s.frame)} for s in b.sections],
    }
