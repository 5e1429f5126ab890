"""Monitoring the plan: key projects, their start rate, off-track (脱幅) projects, targets.

- :func:`projects`: every key project (重点项目) with its latest observation up to a period, the
  town responsible for it (区镇, through its park or directly), its owner and whether it is off
  track, with the reason in Chinese.
- :func:`off_track`: the off-track projects only (thresholds in ``graph/analysis.yaml``,
  ``monitoring``).
- :func:`start_rate`: 新增项目开工率, the share of a year's new projects that have started.
- :func:`target_progress`: every target of a plan (``ontology/targets/*.yaml``) against the actual
  the graph gives to date, the value expected at this point of the year, the gap, a status
  (met 已完成 / on_track 按进度 / behind 滞后 / no_data 无数据, the one rule of
  :mod:`tupu.graph.analyses.progress`) and a note on how the actual was computed and for which
  period.

"Up to a period" means the latest observation whose period is at most that quarter; without a
period, the latest quarter observed. Everything is read through :class:`GraphStore`, so both
stores give identical frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from tupu.errors import NoData, UsageError
from tupu.ontology.values import is_period
from tupu.messages import msg
from tupu.graph.analyses.regstatus import named
from tupu.graph.analyses import clusters as cluster_analysis
from tupu.graph.analyses import frames
from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.config import ClusterConfig, MonitoringConfig, default_analysis_config
from tupu.graph.analyses.periods import parse_period, revenue_summary, shift
from tupu.graph.analyses.plain import plain_words
from tupu.graph.analyses.progress import STATUS_ZH, Standing, judge, profile_of
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import locality
from tupu.ontology.targets import PlanTargets, Target, load_targets

PROJECT_STATUS_ZH = {
    "planned": "储备", "signed": "签约", "started": "开工在建", "completed": "竣工",
    "operating": "投运", "stalled": "停滞",
}
TARGET_STATUS_ZH = STATUS_ZH  # met 已完成, on_track 按进度, behind 滞后, no_data 无数据
LEVEL_ZH = {"provincial": "省级", "municipal": "苏州市级", "city": "市级"}
QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}

PROJECT_COLUMNS = [
    "project", "name", "level", "plan_year", "new_in_plan_year", "total_investment",
    "planned_start", "planned_completion", "period", "status", "investment_to_date", "progress",
    "planned_progress", "lag", "park", "park_name", "town", "town_name", "owner", "owner_name",
    "off_track", "reason",
]
OFF_TRACK_COLUMNS = [
    "project", "name", "level", "town", "town_name", "park_name", "owner_name", "status",
    "planned_start", "progress", "planned_progress", "lag", "reason",
]
TARGET_COLUMNS = [
    "target", "name", "measure", "wording", "unit", "scope", "annual", "actual", "expected",
    "gap", "status", "period", "note",
]


# -- periods --------------------------------------------------------------------------------
def plan_targets(store: GraphStore, name: str | None) -> PlanTargets:
    """The targets named, or those the loaded dataset names (Dataset.targets)."""
    if name is None:
        named = sorted({str(d.props["targets"]) for d in store.find_nodes("Dataset")
                        if d.props.get("targets")})
        if not named:
            raise UsageError(msg("analysis.no_plan_targets"))
        name = named[0]
    return load_targets(name)


def check_period(period: str) -> str:
    """``period`` if it is a quarter written ``yyyyQn``; :class:`UsageError` (a command's
    argument) with one Chinese line otherwise."""
    if not is_period(period):
        raise UsageError(msg("failure.bad_period", period=period[:40]))
    return period


def observed_periods(
    store: GraphStore, labels: tuple[str, ...] = ("ProjectObservation", "EnterpriseObservation"),
) -> list[str]:
    """Every quarter observed in observations of ``labels``, in order (kept per version of the
    store's data: :mod:`tupu.graph.analyses.cache`)."""
    return list(memo(store, "observed_periods", (labels,), lambda: tuple(sorted(
        {str(v) for label in labels for n in store.node_values(label, ["period"])
         if (v := n.props.get("period"))}))))


def require_data(store: GraphStore, period: str) -> str:
    """``period`` if some observation falls in it; :class:`tupu.errors.NoData` naming the
    quarters that have data otherwise (a bulletin of an empty quarter would be all zeros)."""
    check_period(period)
    have = observed_periods(store)
    if period in have:
        return period
    if not have:
        raise NoData(msg("period.no_data_at_all", period=period))
    raise NoData(msg("period.no_data", period=period, periods="、".join(have)), have)


def period_end(period: str) -> dt.date:
    """The last day of a quarter: ``2025Q2`` → 2025-06-30."""
    year, q = parse_period(period)
    nxt = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return nxt - dt.timedelta(days=1)


def period_zh(period: str) -> str:
    """``2025Q2`` → ``2025年第二季度``."""
    year, q = parse_period(period)
    return f"{year}年第{QUARTER_ZH[q]}季度"


def latest_period(
    store: GraphStore, up_to: str | None = None,
    labels: tuple[str, ...] = ("ProjectObservation", "EnterpriseObservation"),
) -> str | None:
    """The latest quarter observed (at most ``up_to``) in observations of ``labels``."""
    periods = [
        str(n.props["period"])
        for label in labels
        for n in store.find_nodes(label)
        if "period" in n.props and (up_to is None or str(n.props["period"]) <= up_to)
    ]
    return max(periods) if periods else None


def _config(config: MonitoringConfig | None) -> MonitoringConfig:
    return config or default_analysis_config().monitoring


# -- reading ----------------------------------------------------------------------------------
def project_observations(store: GraphStore) -> pd.DataFrame:
    """Every project observation: ``project``, ``period``, ``investment_to_date``, ``progress``,
    ``planned_progress``, ``status``; sorted by project and period."""
    cols = ["period", "investment_to_date", "progress", "planned_progress", "status"]
    owner = {
        r.end.key: r.start.key
        for r in store.find_relationships("HAS_OBSERVATION", "Project", "ProjectObservation")
    }
    rows = [
        {"project": owner[n.key], **{c: n.props.get(c) for c in cols}}
        for n in store.find_nodes("ProjectObservation")
        if n.key in owner
    ]
    df = pd.DataFrame(rows, columns=["project", *cols])
    return df.sort_values(["project", "period"]).reset_index(drop=True)


def _names(store: GraphStore, label: str) -> dict[str, str]:
    return {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes(label)}


# -- projects -------------------------------------------------------------------------------
def projects(
    store: GraphStore, period: str | None = None, config: MonitoringConfig | None = None
) -> pd.DataFrame:
    """Every key project with its latest observation up to ``period`` (see module doc).

    A project is listed when its plan year is at most the period's year or it was observed by
    then. ``status`` is the observation's; a project never observed keeps its own ``status``.
    ``lag`` is planned minus actual progress (percentage points). ``off_track`` and ``reason``
    follow the rules of ``monitoring`` in ``graph/analysis.yaml``. Kept per version of the
    store's data (:mod:`tupu.graph.analyses.cache`).
    """
    cfg = _config(config)
    return memo(store, "projects", (period, cfg), lambda: _projects(store, period, cfg))


def _projects(store: GraphStore, period: str | None, cfg: MonitoringConfig) -> pd.DataFrame:
    if period is not None:
        check_period(period)
    ref = period or latest_period(store, labels=("ProjectObservation",))
    every = project_observations(store)
    observed_ever = set(every["project"])
    obs = every[every["period"] <= ref] if ref is not None else every
    last = obs.groupby("project").tail(1).set_index("project")
    where = locality(store, "Project")
    parks, towns = _names(store, "Park"), _names(store, "Town")
    owners: dict[str, list[str]] = {}
    for r in store.find_relationships("OWNS", "Enterprise", "Project"):
        owners.setdefault(r.end.key, []).append(r.start.key)
    ent_names = {n.key: named(n.props.get("name", n.key), n.props.get("reg_status"))
                 for n in store.get_nodes("Enterprise", {k for v in owners.values() for k in v})}
    year = parse_period(ref)[0] if ref is not None else None
    rows = []
    for n in store.find_nodes("Project"):
        p = n.props
        seen = n.key in last.index
        plan_year = p.get("plan_year")
        if period is not None and not seen and plan_year is not None and year is not None \
                and int(plan_year) > year:
            continue
        o = last.loc[n.key] if seen else None
        status = o["status"] if o is not None else (
            None if n.key in observed_ever else p.get("status"))
        progress = _num(o["progress"]) if o is not None else None
        planned = _num(o["planned_progress"]) if o is not None else None
        lag = round(planned - progress, 2) if progress is not None and planned is not None else None
        park, town = where.park.get(n.key), where.town.get(n.key)
        own = sorted(owners.get(n.key, []))
        row = {
            "project": n.key, "name": p.get("name"), "level": p.get("level"),
            "plan_year": plan_year, "new_in_plan_year": p.get("new_in_plan_year") is True,
            "total_investment": _num(p.get("total_investment")),
            "planned_start": p.get("planned_start"),
            "planned_completion": p.get("planned_completion"),
            "period": o["period"] if o is not None else None, "status": status,
            "investment_to_date": _num(o["investment_to_date"]) if o is not None else None,
            "progress": progress, "planned_progress": planned, "lag": lag,
            "park": park, "park_name": parks.get(park) if park else None,
            "town": town, "town_name": towns.get(town) if town else None,
            "owner": ";".join(own) or None,
            "owner_name": "、".join(ent_names.get(k, k) for k in own) or None,
        }
        reasons = _off_track_reasons(row, ref, cfg)
        row["off_track"] = bool(reasons)
        row["reason"] = "；".join(reasons) or None
        rows.append(row)
    df = pd.DataFrame(rows, columns=PROJECT_COLUMNS)
    return df.sort_values("project").reset_index(drop=True)


def _num(v: object) -> float | None:
    """A number as float; None for anything else (missing, NaN)."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or pd.isna(v):
        return None
    return float(v)


def _off_track_reasons(row: dict[str, object], ref: str | None, cfg: MonitoringConfig) -> list[str]:
    """Why a project is off track (脱幅) at the end of ``ref``, in Chinese; empty when it is not."""
    reasons: list[str] = []
    status = row["status"]
    lag = row["lag"]
    if isinstance(lag, float) and lag > cfg.off_track_margin:
        reasons.append(
            f"实际形象进度{_pct(row['progress'])}，计划进度{_pct(row['planned_progress'])}，"
            f"落后{lag:g}个百分点（允许偏差{cfg.off_track_margin:g}个百分点）"
        )
    start = row["planned_start"]
    if ref is not None and isinstance(start, dt.date) and status in cfg.not_started_statuses:
        end = period_end(ref)
        if start <= end:
            reasons.append(
                f"计划{start.isoformat()}开工，截至{ref}末（{end.isoformat()}）仍未开工"
                f"（状态：{PROJECT_STATUS_ZH.get(str(status), status)}）"
            )
    if status in cfg.stalled_statuses:
        reasons.append(f"项目{PROJECT_STATUS_ZH.get(str(status), status)}")
    return reasons


def _pct(v: object) -> str:
    return f"{v:g}%" if isinstance(v, float) else "—"


def off_track(
    store: GraphStore, period: str | None = None, margin: float | None = None,
    config: MonitoringConfig | None = None,
) -> pd.DataFrame:
    """The off-track (脱幅) projects at ``period``: behind plan by more than ``margin``
    percentage points (default: ``monitoring.off_track_margin``), not started after their planned
    start, or stalled; each with its responsible town and a Chinese reason."""
    cfg = _config(config)
    if margin is not None:
        cfg = cfg.model_copy(update={"off_track_margin": float(margin)})
    df = projects(store, period, cfg)
    return df[df["off_track"]][OFF_TRACK_COLUMNS].reset_index(drop=True)


# -- start rate -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StartRate:
    """新增项目开工率 of a plan year, from each project's status up to ``period``."""

    year: int
    period: str | None
    new_projects: int
    started: int
    due: int  # new projects whose planned start is on or before the period's end
    due_started: int
    not_started: tuple[str, ...]  # ids of the new projects not started
    target: float = 100.0

    @property
    def rate(self) -> float | None:
        """Percent of the new projects due by the period (planned start on or before its end)
        that have started; None when none is due yet. Projects not yet due do not count."""
        return round(100.0 * self.due_started / self.due, 1) if self.due else None

    @property
    def rate_all(self) -> float | None:
        """Percent of all the year's new projects started (due or not); None without any."""
        return round(100.0 * self.started / self.new_projects, 1) if self.new_projects else None

    @property
    def met(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.target

    def describe(self) -> str:
        """One Chinese sentence: the rate, the counts and the target."""
        if not self.new_projects:
            return f"{self.year}年无新增重点项目，开工率无从计算。"
        when = f"截至{self.period}" if self.period else "按项目最新状态"
        if self.rate is None:
            return (f"{when}，{self.year}年新增重点项目{self.new_projects}个，均未到计划开工日期，"
                    f"开工率暂不计算；已提前开工{self.started}个。")
        return (
            f"{when}，{self.year}年新增重点项目{self.new_projects}个，其中计划开工日期已到的"
            f"{self.due}个中已开工{self.due_started}个，开工率{self.rate:g}%（目标"
            f"{self.target:g}%）；全部新增项目已开工{self.started}个。"
        )


def start_rate(
    store: GraphStore, year: int, period: str | None = None, target: float = 100.0,
    config: MonitoringConfig | None = None,
) -> StartRate:
    """The share of the projects new in plan year ``year`` that have started (status in
    ``monitoring.started_statuses``), by their status up to ``period`` (default: the latest quarter
    observed in or before ``year``)."""
    cfg = _config(config)
    ref = period or latest_period(store, f"{year}Q4", ("ProjectObservation",))
    df = projects(store, ref, cfg)
    new = df[(df["plan_year"] == year) & df["new_in_plan_year"]]
    started = new["status"].isin(cfg.started_statuses)
    end = period_end(ref) if ref is not None else None
    due = new["planned_start"].map(
        lambda d: end is None or (isinstance(d, dt.date) and d <= end)).astype(bool)
    return StartRate(
        year=year, period=ref, new_projects=len(new), started=int(started.sum()),
        due=int(due.sum()), due_started=int((due & started).sum()),
        not_started=tuple(new[~started]["project"]), target=target,
    )


# -- targets ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measured:
    """A target's actual and how it was computed, in Chinese."""

    actual: float
    note: str
    dated: bool = True  # computed from the data up to the period (else: from the graph as it is)


class _Facts:
    """What the graph says about one year up to one period, read once and shared by measures."""

    def __init__(self, store: GraphStore, plan: PlanTargets, year: int, period: str | None,
                 cfg: MonitoringConfig, clusters: ClusterConfig | None) -> None:
        self.store, self.plan, self.year, self.period, self.cfg = store, plan, year, period, cfg
        self.clusters = clusters

    @cached_property
    def new_projects(self) -> pd.DataFrame:
        df = projects(self.store, self.period, self.cfg)
        return df[(df["plan_year"] == self.year) & df["new_in_plan_year"]]

    @cached_property
    def new_parks(self) -> list[tuple[str, float]]:
        """Name and floor area (㎡) of the city-level parks established in the year."""
        end = period_end(self.period) if self.period else dt.date(self.year, 12, 31)
        return [
            (str(n.props.get("name", n.key)), _num(n.props.get("floor_area")) or 0.0)
            for n in self.store.find_nodes("Park", {"level": "city"})
            if isinstance(d := n.props.get("established"), dt.date)
            and d.year == self.year and d <= end
        ]

    @cached_property
    def obs(self) -> pd.DataFrame:
        """Local enterprises' observations up to the period."""
        df = frames.enterprise_observations(self.store, locality(self.store).local)
        return df[df["period"] <= self.period] if self.period else df.iloc[0:0]

    @cached_property
    def year_obs(self) -> pd.DataFrame:
        return self.obs[self.obs["period"].str.startswith(str(self.year))]

    @cached_property
    def new_above_scale(self) -> list[str]:
        """Local enterprises above scale in the year's latest observation, not at last year's end."""
        return new_above_scale(self.obs, self.year)

    @cached_property
    def annual_revenue(self) -> tuple[dict[str, float], str]:
        """Annual revenue (万元) per local enterprise, and how it was taken."""
        assert self.period is not None
        rev = revenue_summary(self.obs, self.period).set_index("enterprise")
        if parse_period(self.period)[1] == 4:
            return rev["ytd"].to_dict(), f"{self.year}年四个季度营业收入之和"
        first = shift(self.period, -3)
        return rev["ttm"].to_dict(), (
            f"{self.year}年未满四个季度，按最近四个季度（{first}–{self.period}）营业收入之和")


def new_above_scale(obs: pd.DataFrame, year: int) -> list[str]:
    """Enterprises above scale in their latest observation of ``year`` in ``obs`` but not in their
    last one of the year before (or not observed then)."""
    def last(y: int) -> pd.DataFrame:
        return obs[obs["period"].str.startswith(str(y))].groupby("enterprise").tail(1)

    now, before = last(year), last(year - 1)
    was = set(before[before["above_scale"].map(_true)]["enterprise"])
    return sorted(set(now[now["above_scale"].map(_true)]["enterprise"]) - was)


def _true(v: object) -> bool:
    return isinstance(v, (bool, np.bool_)) and bool(v)


def core_enterprises(store: GraphStore, enterprises: set[str]) -> set[str]:
    """Those of ``enterprises`` whose main sub-sector (IN_SUBSECTOR marked primary; when none is
    marked, any of theirs) lies in the core domain (文化核心领域, SubSector ``domain=core``)."""
    core = {n.key for n in store.find_nodes("SubSector", {"domain": "core"})}
    primary: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for r in store.adjacent("IN_SUBSECTOR", "Enterprise", enterprises, "out"):
        every.setdefault(r.start.key, set()).add(r.end.key)
        if r.props.get("primary") is True:
            primary.setdefault(r.start.key, set()).add(r.end.key)
    return {e for e, codes in every.items() if primary.get(e, codes) & core}


def _new_key_projects(f: _Facts, t: Target) -> Measured:
    n = len(f.new_projects)
    return Measured(n, f"{f.year}年列入且标为新增的重点项目{n}个")


def _new_key_project_investment(f: _Facts, t: Target) -> Measured:
    total = float(f.new_projects["total_investment"].fillna(0.0).sum())
    return Measured(round(total / 10000, 2), f"{f.year}年新增重点项目{len(f.new_projects)}个"
                    f"的总投资之和{total:,.2f}万元，折合亿元")


def _new_provincial_key_projects(f: _Facts, t: Target) -> Measured:
    n = int((f.new_projects["level"] == "provincial").sum())
    return Measured(n, f"{f.year}年新增重点项目中省级项目{n}个")


def _new_city_parks(f: _Facts, t: Target) -> Measured:
    names = "、".join(name for name, _ in f.new_parks) or "无"
    return Measured(len(f.new_parks),
                    f"{f.year}年设立的市级园区{len(f.new_parks)}个（{names}）")


def _new_park_floor_area(f: _Facts, t: Target) -> Measured:
    area = sum(a for _, a in f.new_parks)
    return Measured(round(area / 10000, 2), f"{f.year}年设立的市级园区{len(f.new_parks)}个"
                    f"的载体建筑面积之和{area:,.0f}平方米，折合万平方米")


def _new_above_scale(f: _Facts, t: Target) -> Measured | None:
    if f.year_obs.empty:
        return None
    n = len(f.new_above_scale)
    return Measured(n, f"{f.year - 1}年末非规上、{f.year}年最新一季为规上的本地企业{n}家")


def _new_above_scale_core(f: _Facts, t: Target) -> Measured | None:
    if f.year_obs.empty:
        return None
    n = len(core_enterprises(f.store, set(f.new_above_scale)))
    return Measured(n, f"{f.year}年新增规上企业{len(f.new_above_scale)}家中，"
                       f"主营细分领域属文化核心领域的{n}家")


def _backbone(f: _Facts, t: Target) -> Measured | None:
    th = t.threshold
    if f.year_obs.empty or th is None or th.unit not in ("亿元", "万元"):
        return None
    scale = 10000.0 if th.unit == "亿元" else 1.0
    revenue, how = f.annual_revenue
    values = [v / scale for v in revenue.values()]
    n = sum(1 for v in values if th.admits(v))
    note = f"本地企业{how}{th.comparison}{th.value:g}{th.unit}的{n}家"
    above = [o.threshold.value for o in f.plan.by_measure(t.measure)
             if o.threshold is not None and o.threshold.unit == th.unit
             and o.threshold.value > th.value]
    if above:
        top = min(above)
        tier = sum(1 for v in values if th.admits(v) and v <= top)
        note += f"（含更高档；按分档口径{th.value:g}–{top:g}{th.unit}档{tier}家）"
    return Measured(n, note)


def _talent(f: _Facts, t: Target) -> Measured | None:
    if f.year_obs.empty:
        return None
    n = int(f.year_obs["talent_introduced"].fillna(0).sum())
    return Measured(n, f"本地企业{f.year}Q1–{f.period}各季度引进人才之和{n}人")


def _start_rate(f: _Facts, t: Target) -> Measured | None:
    sr = start_rate(f.store, f.year, f.period, t.value or 100.0, f.cfg)
    if sr.rate is None:
        return None
    started = "、".join(PROJECT_STATUS_ZH.get(s, s) for s in f.cfg.started_statuses)
    return Measured(sr.rate, f"{f.year}年新增重点项目{sr.new_projects}个中计划开工日期已到的"
                             f"{sr.due}个，已开工{sr.due_started}个（状态为{started}）；"
                             f"未到期项目不计入（全部新增项目已开工{sr.started}个）")


def _clusters(f: _Facts, t: Target) -> Measured:
    cfg = f.clusters or default_analysis_config().clusters
    found = cluster_analysis.summary(cluster_analysis.clusters(f.store, cfg), cfg)
    return Measured(found.significant, (
        f"以供应、合作与同园区关系做社区发现，识别出{found.clusters}个集群，其中"
        f"{found.significant}个达到{found.significant_size}家企业以上的特色集群规模"
        "（按当前图谱关系，不分报告期）"), dated=False)


Measure = Callable[[_Facts, Target], "Measured | None"]
MEASURES: dict[str, Measure] = {
    "new_key_projects": _new_key_projects,
    "new_key_project_investment": _new_key_project_investment,
    "new_provincial_key_projects": _new_provincial_key_projects,
    "new_city_parks": _new_city_parks,
    "new_park_floor_area": _new_park_floor_area,
    "new_above_scale_enterprises": _new_above_scale,
    "new_above_scale_core_enterprises": _new_above_scale_core,
    "backbone_enterprises": _backbone,
    "talent_introduced": _talent,
    "new_project_start_rate": _start_rate,
    "industry_clusters": _clusters,
}


def target_progress(
    store: GraphStore, targets: PlanTargets, year: int | None = None, period: str | None = None,
    config: MonitoringConfig | None = None, clusters_config: ClusterConfig | None = None,
) -> pd.DataFrame:
    """Every target of ``targets`` for ``year`` (default: the plan's) against the graph's actual.

    ``period`` (default: the latest quarter observed in the year) bounds the data used. Targets
    whose scope is ``external`` get no actual; so do measures the graph cannot compute yet.
    ``gap`` is the actual minus the target figure (for a range, minus the nearer bound; 0 inside).
    Kept per version of the store's data (:mod:`tupu.graph.analyses.cache`).
    """
    cfg = _config(config)
    return memo(store, "target_progress", (targets, year, period, cfg, clusters_config),
                lambda: _target_progress(store, targets, year, period, cfg, clusters_config))


def _target_progress(
    store: GraphStore, targets: PlanTargets, year: int | None, period: str | None,
    cfg: MonitoringConfig, clusters_config: ClusterConfig | None,
) -> pd.DataFrame:
    year = year or (parse_period(period)[0] if period else targets.year)
    if period is not None:
        check_period(period)
        if parse_period(period)[0] != year:
            raise UsageError(msg("analysis.period_not_in_year", period=period, year=year))
    ref = period or latest_period(store, f"{year}Q4")
    if ref is not None and parse_period(ref)[0] != year:
        ref = None
    facts = _Facts(store, targets, year, ref, cfg, clusters_config)
    rows = []
    for t in targets.targets:
        if t.year != year:
            continue
        measured: Measured | None = None
        if t.scope == "external":
            why = f"该指标数据来自图谱之外：{(t.scope_note or '需外部统计数据').rstrip('。')}"
        elif t.measure not in MEASURES:
            why = f"图谱暂不计算该指标（{t.measure}）"
        else:
            measured = MEASURES[t.measure](facts, t)
            why = f"图谱中无{year}年的企业季度监测数据"
        if measured is None:
            rows.append(_target_row(t, None, None, standing(t, None, None, cfg), ref, why + "。"))
            continue
        when = f"（截至{ref}）" if ref else "（该年度尚无季度监测数据）"
        actual = float(measured.actual)
        quarter = parse_period(ref)[1] if ref is not None and measured.dated else None
        st = standing(t, actual, quarter, cfg)
        note = measured.note + (when if measured.dated else "") + f"。{st.note}。"
        if t.scope == "partial" and t.scope_note:
            note += f"口径说明：{t.scope_note}"
        rows.append(_target_row(t, actual, _gap(t, actual), st, ref, note))
    df = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    df["note"] = [plain_words(str(n), store.schema) for n in df["note"]]
    return df


def standing(t: Target, actual: float | None, quarter: int | None,
             config: MonitoringConfig | None = None) -> Standing:
    """Where target ``t`` stands with ``actual`` at the end of ``quarter`` of its year (None:
    the year is complete), by the one rule of :mod:`tupu.graph.analyses.progress`."""
    cfg = _config(config)
    profile = profile_of(t.id, t.measure, cfg.target_profiles, cfg.level_measures)
    return judge(t.operator, actual, t.value, t.min, t.max, quarter, profile, t.unit)


def _gap(t: Target, actual: float) -> float:
    if t.operator == "range":
        assert t.min is not None and t.max is not None
        g = actual - t.min if actual < t.min else (actual - t.max if actual > t.max else 0.0)
    else:
        assert t.value is not None
        g = actual - t.value
    return round(g, 2)


def _target_row(t: Target, actual: float | None, gap: float | None, st: Standing,
                period: str | None, note: str) -> dict[str, object]:
    annual = t.value if t.operator != "range" else t.min
    return {"target": t.id, "name": t.name, "measure": t.measure, "wording": t.wording,
            "unit": t.unit, "scope": t.scope, "annual": annual, "actual": actual,
            "expected": st.expected if actual is not None else None, "gap": gap,
            "status": st.status, "period": period, "note": note}
