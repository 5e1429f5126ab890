"""The dashboard's aggregates: revenue by chain per quarter, towns compared, projects by status,
and each plan target's progress.

Every frame here is an aggregate over local enterprises (or projects, or targets); each row says
how many enterprises it sums (``enterprises``, ``local_enterprises``) so that the API can apply
the disclosure rules to it. Figures are in 万元, as observed.

- :func:`revenue_by_chain`: per chain and quarter, the revenue of the local enterprises in any of
  the chain's links (an enterprise in two links of a chain counts once in it);
- :func:`towns_compared`: per town, local enterprises, above-scale ones, parks, key projects and
  the revenue of the four quarters up to a period;
- :func:`projects_by_status`: key projects per status with their investment;
- :func:`target_chart_rows`: each target's actual as a share of its goal (the goal of a range is
  its lower end).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tupu.graph.analyses import frames
from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.monitoring import PROJECT_STATUS_ZH
from tupu.graph.analyses.periods import revenue_summary
from tupu.graph.analyses.strength import locality
from tupu.graph.stores.store import GraphStore
from tupu.ontology.targets import PlanTargets

CHAIN_REVENUE_COLUMNS = ["chain", "chain_name", "period", "enterprises", "revenue"]
TOWN_COLUMNS = ["town", "town_name", "local_enterprises", "above_scale", "parks", "projects",
                "revenue_ttm"]
STATUS_COLUMNS = ["status", "status_zh", "projects", "total_investment", "investment_to_date"]
TARGET_CHART_COLUMNS = ["target", "name", "wording", "unit", "actual", "goal", "progress",
                        "status"]
STATUS_ORDER = ("planned", "signed", "started", "completed", "operating", "stalled")


def revenue_by_chain(store: GraphStore, until: str | None = None) -> pd.DataFrame:
    """Per chain and quarter (up to ``until``), the local enterprises observed and their revenue
    (kept per version of the store's data: :mod:`tupu.graph.analyses.cache`)."""
    return memo(store, "revenue_by_chain", (until,), lambda: _revenue_by_chain(store, until))


def _revenue_by_chain(store: GraphStore, until: str | None) -> pd.DataFrame:
    where = locality(store)
    obs = frames.enterprise_observations(store, where.local)
    if until is not None:
        obs = obs[obs["period"] <= until]
    members = frames.enterprise_links(store)
    members = members[members["enterprise"].isin(where.local)]
    chain_of = frames.links(store)[["link", "chain", "chain_name"]]
    pairs = members.merge(chain_of, on="link")[["chain", "chain_name", "enterprise"]]
    pairs = pairs.drop_duplicates()
    if obs.empty or pairs.empty:
        return pd.DataFrame(columns=CHAIN_REVENUE_COLUMNS)
    seen = obs[obs["revenue"].notna()].assign(revenue=lambda d: d["revenue"].astype(float))
    joined = pairs.merge(seen[["enterprise", "period", "revenue"]], on="enterprise")
    out = (joined.groupby(["chain", "chain_name", "period"])
           .agg(enterprises=("enterprise", "nunique"), revenue=("revenue", "sum"))
           .reset_index())
    out["revenue"] = out["revenue"].round(2)
    return out.sort_values(["chain", "period"]).reset_index(drop=True)[CHAIN_REVENUE_COLUMNS]


def towns_compared(store: GraphStore, period: str | None = None) -> pd.DataFrame:
    """Per town: local enterprises, above-scale ones (latest observation up to ``period``, else the
    profile), parks, key projects and the revenue of the four quarters up to ``period`` (kept
    per version of the store's data: :mod:`tupu.graph.analyses.cache`)."""
    return memo(store, "towns_compared", (period,), lambda: _towns_compared(store, period))


def _towns_compared(store: GraphStore, period: str | None) -> pd.DataFrame:
    where = locality(store)
    towns = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("Town")}
    obs = frames.enterprise_observations(store, where.local)
    if period is not None:
        obs = obs[obs["period"] <= period]
    ttm = revenue_summary(obs, period).set_index("enterprise")["ttm"] if not obs.empty \
        else pd.Series(dtype=float)
    last = obs.groupby("enterprise").tail(1).set_index("enterprise")["above_scale"] \
        if not obs.empty else pd.Series(dtype=object)
    profiles = {n.key: n.props for n in store.get_nodes("Enterprise", where.local)}
    parks = {r.start.key: r.end.key for r in store.find_relationships("IN_TOWN")}
    projects = locality(store, "Project").town
    rows = []
    for town, name in towns.items():
        ents = [e for e in where.local if where.town.get(e) == town]
        above = sum(1 for e in ents if _true(
            last[e] if e in last.index else profiles.get(e, {}).get("above_scale")))
        rows.append({
            "town": town, "town_name": name, "local_enterprises": len(ents), "above_scale": above,
            "parks": sum(1 for t in parks.values() if t == town),
            "projects": sum(1 for t in projects.values() if t == town),
            "revenue_ttm": round(float(sum(float(ttm.get(e, 0.0)) for e in ents)), 2),
        })
    df = pd.DataFrame(rows, columns=TOWN_COLUMNS)
    return df.sort_values(["local_enterprises", "town"], ascending=[False, True]) \
        .reset_index(drop=True)


def _true(v: object) -> bool:
    return isinstance(v, (bool, np.bool_)) and bool(v)


def projects_by_status(projects: pd.DataFrame) -> pd.DataFrame:
    """Key projects (:func:`tupu.graph.analyses.monitoring.projects`) per status, in the order
    of their progress; projects with no status reported are 未报送."""
    rows = []
    status = projects["status"].where(projects["status"].notna(), None)
    for key in (*STATUS_ORDER, None):
        sub = projects[status.isna()] if key is None else projects[status == key]
        if sub.empty:
            continue
        rows.append({
            "status": key, "status_zh": PROJECT_STATUS_ZH.get(key, key) if key else "未报送",
            "projects": len(sub),
            "total_investment": round(float(sub["total_investment"].fillna(0).sum()), 2),
            "investment_to_date": round(float(sub["investment_to_date"].fillna(0).sum()), 2),
        })
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def target_chart_rows(progress: pd.DataFrame, plan: PlanTargets) -> pd.DataFrame:
    """Each target of ``progress`` (:func:`tupu.graph.analyses.monitoring.target_progress`) with
    its goal and its actual as a percentage of the goal (None without an actual)."""
    goals = {t.id: (t.value if t.value is not None else t.min) for t in plan.targets}
    rows = []
    for r in progress.to_dict("records"):
        goal = goals.get(str(r["target"]))
        actual = r["actual"]
        has = actual is not None and not (isinstance(actual, float) and np.isnan(actual))
        share = round(100.0 * float(actual) / goal, 1) if has and goal else None
        rows.append({"target": r["target"], "name": r["name"], "wording": r["wording"],
                     "unit": r["unit"], "actual": float(actual) if has else None, "goal": goal,
                     "progress": share, "status": r["status"]})
    return pd.DataFrame(rows, columns=TARGET_CHART_COLUMNS)
