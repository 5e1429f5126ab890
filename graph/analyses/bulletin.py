"""The quarterly bulletin (季度通报) of the plan's 定期情况通报制度.

:func:`build_bulletin` gathers, for one quarter, the sections a bulletin reports: the targets
against their actuals, the enterprises new in the map, those that became above scale this year
and those that grew fastest, the key projects by status, the off-track projects and the towns
compared. Each section is a DataFrame with Chinese headers for display. Its renderings are in
:mod:`tupu.graph.exports.bulletin`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tupu.graph.analyses import frames
from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.config import (
    CandidateConfig, ClusterConfig, GapConfig, MonitoringConfig, default_analysis_config,
)
from tupu.graph.analyses.gaps import STATUS_ZH, gaps
from tupu.graph.analyses.notice import dataset_notice
from tupu.graph.analyses.monitoring import (
    LEVEL_ZH, PROJECT_STATUS_ZH, QUARTER_ZH, TARGET_STATUS_ZH, StartRate, check_period,
    core_enterprises, new_above_scale, off_track, period_end, period_zh,
    projects, start_rate, target_progress,
)
from tupu.graph.analyses.periods import parse_period, revenue_summary
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import locality
from tupu.ontology.targets import PlanTargets

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    """One section of the bulletin: a title, its rows and the Chinese header of each column."""

    key: str
    title: str
    frame: pd.DataFrame
    headers: Headers  # (column, Chinese header), in display order
    note: str = ""

    def display(self) -> pd.DataFrame:
        """The rows with Chinese headers, columns in display order."""
        return self.frame[[c for c, _ in self.headers]].rename(columns=dict(self.headers))


@dataclass(frozen=True)
class Bulletin:
    """A quarter's bulletin."""

    period: str
    title: str
    city: str | None
    plan_title: str
    notice: str  # the datasets' notice; empty when there is none
    fictional: bool
    start: StartRate
    summary: tuple[str, ...]  # the overview, one Chinese sentence a line
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; known: {', '.join(s.key for s in self.sections)}")


KPI_HEADERS: Headers = (
    ("name", "指标"), ("wording", "全年目标"), ("actual", "截至本期完成"),
    ("expected", "本期应完成"), ("unit", "单位"), ("gap", "与全年目标差距"),
    ("status", "完成情况"), ("note", "计算说明"),
)
NEW_HEADERS: Headers = (
    ("name", "企业名称"), ("town_name", "所在区镇"), ("founded", "成立日期"),
    ("first_period", "首次监测期"), ("revenue_ttm", "近四季度营收（万元）"), ("above_scale", "规上"),
)
ABOVE_HEADERS: Headers = (
    ("name", "企业名称"), ("town_name", "所在区镇"), ("since", "成为规上的季度"),
    ("core", "核心领域"), ("revenue_ttm", "近四季度营收（万元）"),
)
GROWTH_HEADERS: Headers = (
    ("name", "企业名称"), ("town_name", "所在区镇"), ("revenue_ytd", "本年累计营收（万元）"),
    ("revenue_ytd_prev", "上年同期营收（万元）"), ("growth", "同比增长（%）"),
)
STATUS_HEADERS: Headers = (
    ("status", "项目状态"), ("projects", "项目数"), ("new_projects", "其中本年新增"),
    ("total_investment", "总投资（亿元）"), ("investment_to_date", "累计完成投资（亿元）"),
)
OFF_TRACK_HEADERS: Headers = (
    ("name", "项目名称"), ("level", "级别"), ("town_name", "责任区镇"), ("park_name", "所在园区"),
    ("owner_name", "承担企业"), ("status", "状态"), ("progress", "实际进度（%）"),
    ("planned_progress", "计划进度（%）"), ("reason", "脱幅原因"),
)
TOWN_HEADERS: Headers = (
    ("town_name", "区镇"), ("local_enterprises", "本地企业"), ("above_scale", "规上企业"),
    ("revenue_ttm", "近四季度营收（亿元）"), ("growth", "营收同比增长（%）"),
    ("projects", "重点项目"), ("off_track", "脱幅项目"),
)
GAP_HEADERS: Headers = (
    ("chain_name", "产业链"), ("link_name", "环节"), ("status", "现状"), ("broken", "断链"),
    ("local_enterprises", "本地企业"), ("priority", "招引优先级"), ("reasons", "缺口原因"),
    ("candidates", "建议招引企业（前三）"),
)
STATUS_ORDER = ("planned", "signed", "started", "completed", "operating", "stalled")


class _Quarter:
    """The enterprise facts of one quarter, read once."""

    def __init__(self, store: GraphStore, period: str) -> None:
        self.period = period
        self.year = parse_period(period)[0]
        where = locality(store)
        self.town = where.town
        self.towns = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("Town")}
        self.ents = {n.key: n.props for n in store.find_nodes("Enterprise") if n.key in where.local}
        obs = frames.enterprise_observations(store, where.local)
        self.obs = obs[obs["period"] <= period]
        rev = revenue_summary(self.obs, period)
        self.rev = rev.set_index("enterprise") if not rev.empty else rev
        last = self.obs.groupby("enterprise").tail(1).set_index("enterprise")["above_scale"]
        self.above = {e for e in self.ents
                      if _true(last[e] if e in last.index else self.ents[e].get("above_scale"))}

    def name(self, e: str) -> str:
        return str(self.ents[e].get("name", e))

    def town_name(self, e: str) -> str | None:
        t = self.town.get(e)
        return self.towns.get(t, t) if t else None

    def revenue(self, e: str, column: str = "ttm") -> float:
        return float(self.rev[column].get(e, 0.0)) if not self.rev.empty else 0.0


def _true(v: object) -> bool:
    return isinstance(v, (bool, np.bool_)) and bool(v)


def _new_enterprises(q: _Quarter, top: int) -> Section:
    first = q.obs.groupby("enterprise")["period"].min().to_dict()
    end = period_end(q.period)
    rows = []
    for e, props in q.ents.items():
        founded = props.get("founded")
        f = first.get(e)
        new_obs = f is not None and parse_period(f)[0] == q.year
        new_founded = isinstance(founded, dt.date) and founded.year == q.year and founded <= end
        if new_obs or new_founded:
            rows.append({"enterprise": e, "name": q.name(e), "town_name": q.town_name(e),
                         "founded": founded, "first_period": f, "revenue_ttm": q.revenue(e),
                         "above_scale": e in q.above})
    df = _frame(rows, NEW_HEADERS, "revenue_ttm", top)
    note = (f"{q.year}年成立或首次纳入季度监测的本地企业共{len(rows)}家"
            + (f"，按近四季度营收列前{top}家。" if len(rows) > top else "。"))
    return Section("new_enterprises", "新入图企业", df, NEW_HEADERS, note)


def _new_above_scale(q: _Quarter, store: GraphStore) -> Section:
    ids = new_above_scale(q.obs, q.year)
    core = core_enterprises(store, set(ids))
    year_obs = q.obs[q.obs["period"].str.startswith(str(q.year))]
    since = (year_obs[year_obs["above_scale"].map(_true)]
             .groupby("enterprise")["period"].min().to_dict())
    rows = [{"enterprise": e, "name": q.name(e), "town_name": q.town_name(e),
             "since": since.get(e), "core": e in core, "revenue_ttm": q.revenue(e)} for e in ids]
    df = _frame(rows, ABOVE_HEADERS, "revenue_ttm", None)
    note = (f"{q.year - 1}年末非规上、截至{q.period}为规上的本地企业共{len(ids)}家，"
            f"其中核心领域{len(core)}家。")
    return Section("new_above_scale", "本年新增规上企业", df, ABOVE_HEADERS, note)


def _fastest(q: _Quarter, cfg: MonitoringConfig) -> Section:
    rows = []
    if not q.rev.empty:
        for e, r in q.rev.iterrows():
            prev = float(r["ytd_prev"])
            if e in q.ents and prev >= cfg.growth_min_base:
                rows.append({"enterprise": e, "name": q.name(str(e)),
                             "town_name": q.town_name(str(e)), "revenue_ytd": float(r["ytd"]),
                             "revenue_ytd_prev": prev,
                             "growth": round(100 * (float(r["ytd"]) / prev - 1), 1)})
    df = _frame(rows, GROWTH_HEADERS, "growth", cfg.bulletin_top)
    note = (f"本年累计营收与上年同期相比；上年同期营收不足{cfg.growth_min_base:g}万元的企业不参与排名，"
            f"列前{cfg.bulletin_top}家。")
    return Section("fastest_growing", "营收增长最快企业", df, GROWTH_HEADERS, note)


def _frame(rows: list[dict[str, object]], headers: Headers, by: str, top: int | None
           ) -> pd.DataFrame:
    cols = ["enterprise", *(c for c, _ in headers)]
    df = pd.DataFrame(rows, columns=cols)
    if not df.empty:
        df = df.sort_values([by, "enterprise"], ascending=[False, True])
    return (df.head(top) if top is not None else df).reset_index(drop=True)


def _project_status(pj: pd.DataFrame, year: int, sr: StartRate) -> Section:
    rows = []
    keys: list[str | None] = [*STATUS_ORDER, None]
    for status in keys:
        sub = pj[pj["status"].isna()] if status is None else pj[pj["status"] == status]
        if status is None and sub.empty:
            continue
        rows.append(_status_row(PROJECT_STATUS_ZH.get(status, "未报送") if status else "未报送",
                                sub, year))
    rows.append(_status_row("合计", pj, year))
    df = pd.DataFrame(rows, columns=[c for c, _ in STATUS_HEADERS])
    return Section("projects", "重点项目推进情况", df, STATUS_HEADERS, sr.describe())


def _status_row(label: str, sub: pd.DataFrame, year: int) -> dict[str, object]:
    new = sub[(sub["plan_year"] == year) & sub["new_in_plan_year"]]
    return {"status": label, "projects": len(sub), "new_projects": len(new),
            "total_investment": round(float(sub["total_investment"].fillna(0).sum()) / 1e4, 2),
            "investment_to_date": round(float(sub["investment_to_date"].fillna(0).sum()) / 1e4, 2)}


def _off_track(ot: pd.DataFrame, cfg: MonitoringConfig) -> Section:
    df = ot.assign(status=ot["status"].map(lambda s: PROJECT_STATUS_ZH.get(s, s)),
                   level=ot["level"].map(lambda v: LEVEL_ZH.get(v, v)))
    note = (f"脱幅项目{len(df)}个：实际形象进度落后计划进度超过{cfg.off_track_margin:g}个百分点、"
            "计划开工日期已过仍未开工、或项目停滞。")
    return Section("off_track", "脱幅项目", df, OFF_TRACK_HEADERS, note)


def _towns(q: _Quarter, pj: pd.DataFrame) -> Section:
    rows = []
    for t, tname in q.towns.items():
        ents = [e for e in q.ents if q.town.get(e) == t]
        ytd = sum(q.revenue(e, "ytd") for e in ents)
        prev = sum(q.revenue(e, "ytd_prev") for e in ents)
        mine = pj[pj["town"] == t]
        rows.append({"town": t, "town_name": tname, "local_enterprises": len(ents),
                     "above_scale": sum(1 for e in ents if e in q.above),
                     "revenue_ttm": round(sum(q.revenue(e) for e in ents) / 1e4, 2),
                     "growth": round(100 * (ytd / prev - 1), 1) if prev else None,
                     "projects": len(mine), "off_track": int(mine["off_track"].sum())})
    df = pd.DataFrame(rows, columns=["town", *(c for c, _ in TOWN_HEADERS)])
    df = df.sort_values(["revenue_ttm", "town"], ascending=[False, True]).reset_index(drop=True)
    note = "营收同比增长为本年累计与上年同期之比；重点项目含各年度列入、截至本期在库的项目。"
    return Section("towns", "区镇比较", df, TOWN_HEADERS, note)


def _kpis(tp: pd.DataFrame, plan: PlanTargets) -> Section:
    df = tp.assign(status=tp["status"].map(lambda s: TARGET_STATUS_ZH.get(s, s)))
    note = f"对照《{plan.title}》（{plan.status}）的工作目标；年度未满时为截至本期的进度。"
    return Section("kpis", "主要目标完成情况", df, KPI_HEADERS, note)


def build_bulletin(
    store: GraphStore, period: str, targets: PlanTargets, config: MonitoringConfig | None = None,
    clusters_config: ClusterConfig | None = None, gaps_config: GapConfig | None = None,
    candidates_config: CandidateConfig | None = None,
) -> Bulletin:
    """The bulletin of quarter ``period`` (``yyyyQn``) against ``targets``.

    Kept per version of the store's data (:mod:`tupu.graph.analyses.cache`); each call gets its
    own copy of the sections' frames."""
    cfg = config or default_analysis_config().monitoring
    check_period(period)
    return memo(store, "bulletin",
                (period, targets, cfg, clusters_config, gaps_config, candidates_config),
                lambda: _build_bulletin(store, period, targets, cfg, clusters_config,
                                        gaps_config, candidates_config),
                copy=_copy)


def _copy(b: Bulletin) -> Bulletin:
    return replace(b, sections=tuple(replace(s, frame=s.frame.copy()) for s in b.sections))


def _build_bulletin(
    store: GraphStore, period: str, targets: PlanTargets, cfg: MonitoringConfig,
    clusters_config: ClusterConfig | None, gaps_config: GapConfig | None,
    candidates_config: CandidateConfig | None,
) -> Bulletin:
    year, quarter = parse_period(period)
    datasets = store.find_nodes("Dataset")
    city = next((str(d.props["city"]) for d in datasets if d.props.get("city")), targets.city)
    tp = target_progress(store, targets, year, period, cfg, clusters_config)
    sr = start_rate(store, year, period, _start_target(targets), cfg)
    pj = projects(store, period, cfg)
    ot = off_track(store, period, config=cfg)
    q = _Quarter(store, period)
    sections = (
        _kpis(tp, targets),
        _new_enterprises(q, cfg.bulletin_top),
        _new_above_scale(q, store),
        _fastest(q, cfg),
        _project_status(pj, year, sr),
        _off_track(ot, cfg),
        _towns(q, pj),
        _gaps(store, cfg, gaps_config, candidates_config),
    )
    counts = tp["status"].value_counts().to_dict()
    ttm = sum(q.revenue(e) for e in q.ents)
    summary = (
        f"依据《{targets.title}》，通报截至{period_zh(period)}末的监测情况。",
        f"{len(tp)}项目标中，已完成{counts.get('met', 0)}项、按进度{counts.get('on_track', 0)}项、"
        f"滞后{counts.get('behind', 0)}项、暂无图谱数据{counts.get('no_data', 0)}项。",
        sr.describe(),
        f"在库重点项目{len(pj)}个，脱幅项目{len(ot)}个"
        + (f"（{'、'.join(ot['name'].astype(str))}）。" if len(ot) else "。"),
        f"本地监测企业{len(q.ents)}家，其中规上{len(q.above)}家；近四季度营业收入合计"
        f"{ttm / 1e4:,.2f}亿元。",
    )
    title = cfg.bulletin_title.format(city=city or "", year=year, quarter=QUARTER_ZH[quarter])
    return Bulletin(
        period=period, title=title, city=city, plan_title=targets.title,
        notice=dataset_notice(store), fictional=any(d.props.get("fictional") is True
                                                    for d in datasets),
        start=sr, summary=summary, sections=sections,
    )


def _gaps(store: GraphStore, cfg: MonitoringConfig, gcfg: GapConfig | None,
          ccfg: CandidateConfig | None) -> Section:
    """缺口与招引: the gaps of highest priority and the first candidates for each."""
    found = gaps(store, None, None, gcfg).head(cfg.bulletin_gaps)
    rows = []
    for r in found.itertuples(index=False):
        top = candidates(store, str(r.link), 3, ccfg, gcfg)
        rows.append({"chain_name": r.chain_name, "link_name": r.link_name,
                     "status": STATUS_ZH.get(str(r.status), r.status), "broken": bool(r.broken),
                     "local_enterprises": int(r.local_enterprises), "priority": r.priority,
                     "reasons": r.reasons, "candidates": "；".join(top["name"].astype(str))})
    df = pd.DataFrame(rows, columns=[c for c, _ in GAP_HEADERS])
    note = ("按当前图谱计算（不分报告期）：缺失或薄弱的环节按招引优先级排序，建议招引企业为该环节"
            "得分最高的外地企业，得分构成见招引候选清单。")
    return Section("gaps", "缺口与招引", df, GAP_HEADERS, note)


def _start_target(targets: PlanTargets) -> float:
    found = [t.value for t in targets.by_measure("new_project_start_rate") if t.value is not None]
    return found[0] if found else 100.0
