"""Statistical disclosure control: what a ``viewer`` (any role below ``analyst``) may see.

Every route, page, export and error that answers a viewer passes its rows through this module
(the rules and their reasons are in ``docs/security.md``). In short:

- **No figure of a named unit.** Enterprise figures (revenue, employees, capital, trade and
  investment amounts, anything derived from them one to one such as the candidates' scale term,
  a park's space need or the fit of an enterprise's size to a park) and project investment are
  dropped from rows that name an enterprise or a project, and clauses of explanations stating an
  amount are removed.
- **Aggregates over a fixed table of cells.** Enterprise revenue is published only as totals over
  the cells of one table: chain link × town, chain link × city, town (all links), city (all
  links), chain (any of its links) and the clusters — every cell a viewer can see on any route,
  built by :func:`revenue_plan`
  from the same data as the routes. Park scopes are not cells: parks nest in towns, so a park's
  total next to its town's would give the rest of the town by subtraction. Project investment is
  published only as the total over all key projects and over each plan year's new ones; talent
  introduced only as the city total.
- **Primary suppression.** A cell is sensitive when it holds fewer than ``TUPU_DISCLOSURE_MIN``
  (3) enterprises, or fails the p% rule (``TUPU_DISCLOSURE_P``, 10): the total less the two
  largest contributions is under p% of the largest (the second largest could estimate the largest
  to within p%).
- **Complementary suppression.** Published cells form a linear system over the units. Further
  cells are suppressed, greedily, until no unit's figure is determined by it, no unit's figure is
  determined once any single other unit adds its own (an insider), and no sensitive cell's total
  is determined (:func:`protect`, a rank test on the null space of the published cells).

Suppressed values are ``None`` (pages show “（保密）”). Results are cached by a digest of their
inputs, so a load never serves a stale pattern.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from tupu.api.auth import Role
from tupu.api.serialize import Record
from tupu.graph.analyses import frames
from tupu.graph.analyses.bulletin import Bulletin, Section
from tupu.graph.analyses.clusters import clusters as find_clusters
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.periods import revenue_summary
from tupu.graph.analyses.strength import link_members, locality
from tupu.graph.stores.store import GraphStore
from tupu.settings import get_settings

K = TypeVar("K", bound=Hashable)

# -- what never reaches a viewer ---------------------------------------------------------------
PUBLIC_ENTERPRISE_PROPS = (
    "id", "name", "short_name", "province", "city", "founded", "listed", "unicorn", "top30",
    "above_scale", "business_scope",
)
ENTERPRISE_FIGURES = frozenset({
    "annual_revenue", "employees", "registered_capital", "revenue", "revenue_ttm", "revenue_ytd",
    "revenue_ytd_prev", "growth", "talent_introduced", "annual_value", "amount",
})
PROJECT_FIGURES = ("total_investment", "investment_to_date")
CANDIDATE_FIGURES = ("annual_revenue", "employees", "scale", "score")
# parks for an enterprise: the space need is its employees times a factor, and whether a park's
# vacant space meets it (the ``space`` term, the score, the order) brackets its headcount
PARKS_FOR_FIGURES = ("need", "space", "score")
MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元|元)")
SPACE_CLAUSE = re.compile(r"空置[^；]*?(满足|不足)约[^；]*?需求（\+[\d.]+）")
SUPPRESSED_TARGET_MEASURES = {"new_key_project_investment": "investment",
                              "talent_introduced": "talent"}


@dataclass(frozen=True)
class Rules:
    """The sensitivity rule: fewest units in a cell, and the p% dominance rule."""

    min_count: int = 3
    p: float = 10.0

    @classmethod
    def configured(cls) -> Rules:
        s = get_settings()
        return cls(s.disclosure_min, s.disclosure_p)


def is_viewer(role: Role) -> bool:
    return bool(role < Role.analyst)


# -- the sensitivity rule and the protection of a table ----------------------------------------
def sensitive(values: Sequence[float], rules: Rules) -> bool:
    """A cell over these contributions must not be published (fewer than ``min_count``
    contributors, or the p% rule fails). An empty cell is not sensitive (it is zero)."""
    n = len(values)
    if n == 0:
        return False
    if n < rules.min_count:
        return True
    xs = sorted((abs(float(v)) for v in values), reverse=True)
    total = sum(xs)
    if total <= 0:
        return False
    return total - xs[0] - xs[1] < rules.p / 100 * xs[0]


@dataclass(frozen=True)
class Violation:
    """A unit whose value the published cells determine, alone or with an insider's own."""

    unit: str
    insider: str | None = None
    cell: Hashable | None = None  # a sensitive cell whose total is determined


def protect(cells: Mapping[K, Collection[str]], measures: Sequence[Mapping[str, float]],
            rules: Rules) -> frozenset[K]:
    """The cells that may be published: the sensitive ones (any measure) and enough others
    suppressed so that :func:`violations` finds nothing. Deterministic for the same input."""
    sets = {k: frozenset(v) for k, v in cells.items()}
    units = sorted(set().union(*sets.values())) if sets else []
    index = {u: i for i, u in enumerate(units)}
    distinct = sorted({s for s in sets.values() if s}, key=lambda s: (len(s), sorted(s)))
    primary = [s for s in distinct
               if any(sensitive([m.get(u, 0.0) for u in s], rules) for m in measures)]
    hidden: set[frozenset[str]] = set(primary)
    weight = {s: sum(abs(measures[0].get(u, 0.0)) for u in s) if measures else 0.0
              for s in distinct}
    while True:
        shown = [s for s in distinct if s not in hidden]
        found = violations(shown, primary, units, index)
        if not found:
            break
        for rows in found:  # for each violation, suppress the cheapest cell it rests on
            live = [s for s in rows if s not in hidden]
            if live:
                hidden.add(min(live, key=lambda s: (len(s), weight[s], sorted(s))))
    return frozenset(k for k, s in sets.items() if s not in hidden)


def _matrix(rows: Sequence[frozenset[str]], index: Mapping[str, int], n: int) -> np.ndarray:
    a = np.zeros((len(rows), n))
    for i, s in enumerate(rows):
        for u in s:
            a[i, index[u]] = 1.0
    return a


def violations(shown: Sequence[frozenset[str]], sensitive_cells: Sequence[frozenset[str]],
               units: Sequence[str], index: Mapping[str, int]) -> list[list[frozenset[str]]]:
    """For each violation, the published cells its derivation uses.

    With ``A`` the published cells' indicator rows and ``P = I - V_r^T V_r`` the projector on
    its null space, a combination ``v`` of units is determined iff ``P v = 0``: unit ``j`` alone
    iff row ``P_j`` is zero; unit ``j`` given unit ``i`` (an insider) iff ``P_j`` is parallel to
    ``P_i``; a cell's total iff ``P`` maps its indicator to zero.
    """
    n = len(units)
    if n == 0 or not shown:
        return []
    a = _matrix(shown, index, n)
    # the thin SVD through the eigenvectors of the small Gram matrix A A^T (m × m, m cells):
    # several times faster than LAPACK's SVD of A here, and exact enough for 0/1 rows
    eig, u_ = np.linalg.eigh(a @ a.T)
    keep = eig > max(a.shape) * np.finfo(float).eps * max(float(eig.max()), 1.0) * 1e3
    sr, ur = np.sqrt(eig[keep]), u_[:, keep]
    vr = (ur.T @ a) / sr[:, None]  # r × n, orthonormal rows spanning the published cells
    proj = np.eye(n) - vr.T @ vr  # symmetric: row i is the null-space part of unit i

    def used(target: np.ndarray) -> list[frozenset[str]]:
        y = ur @ ((vr @ target) / sr)  # the least-norm combination of published cells
        return [shown[int(i)] for i in np.flatnonzero(np.abs(y) > 1e-7)]

    eps = 1e-7
    diag = np.clip(np.diag(proj), 0.0, None)
    out = [used(np.eye(n)[i]) for i in np.flatnonzero(diag < eps)]
    if out:
        return out
    cos = np.abs(proj) / np.sqrt(np.outer(diag, diag))
    np.fill_diagonal(cos, 0.0)
    for i, j in zip(*np.nonzero(cos > 1 - 1e-9), strict=True):
        if i < j:  # e_j - λ e_i lies in the row space: an insider i learns j
            lam: float = float(proj[i, j]) / float(diag[i])
            out.append(used(np.eye(n)[j] - lam * np.eye(n)[i]))
    if out:
        return out
    for s in sensitive_cells:
        v = _matrix([s], index, n)[0]
        if np.linalg.norm(proj @ v) < eps:
            out.append(used(v))
    return out


# -- the revenue table every viewer route publishes from ---------------------------------------
CellKey = tuple[str, ...]


def link_cell(link: str, scope: str) -> CellKey:
    return ("link", link, scope)


def town_cell(town: str) -> CellKey:
    return ("town", town)


CITY: CellKey = ("city",)


def cluster_cell(members: Iterable[str]) -> CellKey:
    return ("cluster", ";".join(sorted(members)))


def chain_cell(chain: str) -> CellKey:
    """A chain's local enterprises: those in any of its links (the dashboard's revenue by
    chain, :func:`tupu.graph.analyses.dashboard.revenue_by_chain`)."""
    return ("chain", chain)


@dataclass(frozen=True)
class Plan:
    """The cells of one table, which of them are published, and their values."""

    cells: Mapping[CellKey, frozenset[str]]
    published: frozenset[CellKey]
    measures: Mapping[str, Mapping[str, float]]

    def total(self, key: CellKey, measure: str) -> float | None:
        """The cell's total of ``measure`` if it is published, else None."""
        if key not in self.published:
            return None
        values = self.measures[measure]
        return float(sum(values.get(u, 0.0) for u in self.cells[key]))

    def revenue(self, key: CellKey) -> float | None:
        found = self.total(key, "ttm")
        return None if found is None else round(found, 2)

    def growth(self, key: CellKey) -> float | None:
        """Year to date against the same quarters a year before, as a fraction."""
        ytd, prev = self.total(key, "ytd"), self.total(key, "ytd_prev")
        if ytd is None or not prev:
            return None
        return round(ytd / prev - 1, 4)


_cache: OrderedDict[str, Any] = OrderedDict()  # results by a digest of their whole input
_plans: OrderedDict[str, tuple[float, Plan]] = OrderedDict()  # plans by store state
_cache_lock = threading.Lock()
CACHE_SIZE = 16
PLAN_SECONDS = 60.0


def _cached(key_parts: Iterable[object], build: Callable[[], Any]) -> Any:
    digest = hashlib.sha256(repr(tuple(key_parts)).encode()).hexdigest()
    with _cache_lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return _cache[digest]
    value = build()
    with _cache_lock:
        _cache[digest] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def revenue_cells(store: GraphStore, cfg: AnalysisConfig,
                  with_clusters: bool = True) -> dict[CellKey, frozenset[str]]:
    """Every revenue cell a viewer can see: link × city, link × town, town, city, chains,
    clusters."""
    where = locality(store)
    local = where.local
    towns = sorted(n.key for n in store.find_nodes("Town"))
    links = [str(x) for x in frames.links(store)["link"]]
    members = link_members(store, links)
    by_town = {t: frozenset(e for e in local if where.town.get(e) == t) for t in towns}
    cells: dict[CellKey, frozenset[str]] = {CITY: frozenset(local)}
    for t in towns:
        cells[town_cell(t)] = by_town[t]
    for lk in links:
        mine = frozenset(members.get(lk, set()) & local)
        cells[link_cell(lk, "city")] = mine
        for t in towns:
            cells[link_cell(lk, f"town:{t}")] = mine & by_town[t]
    # s-browser: chains, as the dashboard sums them (every local enterprise in a covered
    # sub-sector of one of the chain's links)
    chain_of = dict(zip(frames.links(store)["link"].astype(str),
                        frames.links(store)["chain"].astype(str), strict=True))
    in_chain: dict[str, set[str]] = {}
    for e, lk in frames.enterprise_links(store).itertuples(index=False):
        if e in local and lk in chain_of:
            in_chain.setdefault(chain_of[lk], set()).add(str(e))
    for chain, firms in in_chain.items():
        cells[chain_cell(chain)] = frozenset(firms)
    if with_clusters:
        for m in cluster_members(store, cfg):
            cells[cluster_cell(m)] = frozenset(m)
    return cells


def cluster_members(store: GraphStore, cfg: AnalysisConfig) -> list[tuple[str, ...]]:
    """The clusters' member sets, cached by the store's counts (community detection is slow).
    A stale set is harmless: the clusters route shows a revenue only for a cluster whose members
    are a cell of the plan, so a changed cluster shows none until the cache catches up."""
    def build() -> list[tuple[str, ...]]:
        df = find_clusters(store, cfg.clusters)
        return [] if df.empty else [tuple(sorted(str(m).split(";"))) for m in df["members"]]

    counts = (store.name, sorted(store.count_nodes().items()),
              sorted(store.count_relationships().items()), cfg.clusters)
    found: list[tuple[str, ...]] = _cached(("clusters", counts), build)
    return found


def revenue_plan(store: GraphStore, cfg: AnalysisConfig, period: str | None = None,
                 rules: Rules | None = None) -> Plan:
    """The revenue table of ``period`` (default: the latest) with its published cells.

    Kept for :data:`PLAN_SECONDS` per store state (its counts) and dropped at once by
    :func:`forget` after a load through the app. Within that time a load from elsewhere (the
    CLI into the same Neo4j) can leave viewers a little behind, never ahead: the plan publishes
    its own values, which it protected.
    """
    rules = rules or Rules.configured()
    state = (id(store), store.name, sorted(store.count_nodes().items()),
             sorted(store.count_relationships().items()))
    key = hashlib.sha256(repr(("revenue-plan", state, period, rules, cfg.clusters))
                         .encode()).hexdigest()
    with _cache_lock:
        hit = _plans.get(key)
        if hit is not None and time.monotonic() - hit[0] < PLAN_SECONDS:
            return hit[1]
    plan = _revenue_plan(store, cfg, period, rules)
    with _cache_lock:
        _plans[key] = (time.monotonic(), plan)
        while len(_plans) > CACHE_SIZE:
            _plans.popitem(last=False)
    return plan


def forget() -> None:
    """Drop every cached plan (after a load)."""
    with _cache_lock:
        _plans.clear()
        _cache.clear()


def _revenue_plan(store: GraphStore, cfg: AnalysisConfig, period: str | None,
                  rules: Rules) -> Plan:
    cells = revenue_cells(store, cfg, with_clusters=True)
    obs = frames.enterprise_observations(store, cells[CITY])
    rev = revenue_summary(obs, period)
    measures = {m: {str(e): float(v) for e, v in zip(rev["enterprise"], rev[m], strict=True)}
                for m in ("ttm", "ytd", "ytd_prev")}
    # the quarter's own revenue (the dashboard's revenue by chain per quarter)
    quarter = period or (str(obs["period"].max()) if not obs.empty else "")
    seen = obs[(obs["period"] == quarter) & obs["revenue"].notna()]
    measures["quarter"] = {str(e): float(v) for e, v in
                           seen.groupby("enterprise")["revenue"].sum().items()}
    key = ("revenue", rules, sorted((k, sorted(v)) for k, v in cells.items()),
           sorted((m, sorted(v.items())) for m, v in measures.items()))
    published = _cached(key, lambda: protect(cells, list(measures.values()), rules))
    return Plan(cells, published, measures)


def investment_plan(projects: pd.DataFrame, rules: Rules | None = None) -> Plan:
    """Key projects' total investment: over all of them and over each plan year's new ones."""
    rules = rules or Rules.configured()
    values = {str(p): float(v) for p, v in
              zip(projects["project"], projects["total_investment"].fillna(0.0), strict=True)}
    cells: dict[CellKey, frozenset[str]] = {("all",): frozenset(values)}
    new = projects[projects["new_in_plan_year"].fillna(False).astype(bool)]
    for year, grp in new.groupby("plan_year"):
        cells[("new", str(int(year)))] = frozenset(str(p) for p in grp["project"])
    key = ("investment", rules, sorted((k, sorted(v)) for k, v in cells.items()),
           sorted(values.items()))
    published = _cached(key, lambda: protect(cells, [values], rules))
    return Plan(cells, published, {"total_investment": values})


# -- rows as a viewer sees them ----------------------------------------------------------------
def without_figures(text: str | None) -> str | None:
    """``text`` without its "；"-separated clauses that state an amount of money."""
    if text is None:
        return None
    return "；".join(c for c in text.split("；") if not MONEY.search(c))


def drop(rows: Iterable[Record], columns: Iterable[str]) -> list[Record]:
    gone = set(columns)
    return [{k: v for k, v in r.items() if k not in gone} for r in rows]


def panorama(store: GraphStore, cfg: AnalysisConfig, role: Role, scope: str,
             rows: list[Record]) -> list[Record]:
    """Panorama and gap rows: revenue and growth from the published cells of link × ``scope``;
    None for park scopes (not cells) and for suppressed cells."""
    if not is_viewer(role):
        return rows
    if scope != "city" and not scope.startswith("town:"):
        return [{**r, "revenue": None, "growth": None} for r in rows]
    plan = revenue_plan(store, cfg)
    return [{**r, "revenue": plan.revenue(link_cell(str(r["link"]), scope)),
             "growth": plan.growth(link_cell(str(r["link"]), scope))} for r in rows]


def clusters(store: GraphStore, cfg: AnalysisConfig, role: Role,
             rows: list[Record]) -> list[Record]:
    """Clusters: revenue only where the cluster is a published cell; no amounts in texts."""
    if not is_viewer(role):
        return rows
    plan = revenue_plan(store, cfg)
    return [{**r, "revenue": plan.revenue(cluster_cell(str(r["members"]).split(";"))),
             "description": without_figures(r.get("description"))} for r in rows]


def chain_revenue(store: GraphStore, cfg: AnalysisConfig, role: Role,
                  rows: list[Record]) -> list[Record]:
    """Revenue by chain per quarter (rows with ``chain``, ``period``, ``revenue``): for a
    viewer, each quarter's revenue from that quarter's table, where the chain's cell is
    published; None where it is suppressed."""
    if not is_viewer(role):
        return rows
    out = []
    for r in rows:
        found = revenue_plan(store, cfg, str(r["period"])).total(chain_cell(str(r["chain"])),
                                                                 "quarter")
        out.append({**r, "revenue": None if found is None else round(found, 2)})
    return out


def towns_compared(store: GraphStore, cfg: AnalysisConfig, role: Role, period: str | None,
                   rows: list[Record]) -> list[Record]:
    """Towns compared (rows with ``town`` and ``revenue_ttm``): for a viewer, each town's
    revenue of the four quarters up to ``period`` from that quarter's table."""
    if not is_viewer(role):
        return rows
    plan = revenue_plan(store, cfg, period)
    return [{**r, "revenue_ttm": plan.revenue(town_cell(str(r["town"])))} for r in rows]


def candidates(role: Role, rows: list[Record]) -> list[Record]:
    """Candidates: no revenue, employees, scale term or score (scale is revenue on a log
    scale, and the score minus the shown terms is the scale); no amounts in explanations."""
    if not is_viewer(role):
        return rows
    return [{**r, "explanation": without_figures(r.get("explanation"))}
            for r in drop(rows, CANDIDATE_FIGURES)]


def parks_for(role: Role, rows: list[Record]) -> list[Record]:
    """Parks for an enterprise without what brackets its headcount: no space need, no space
    term, and the parks re-ranked on the other terms alone (their order would tell which parks'
    vacant space meets the need)."""
    if not is_viewer(role):
        return rows
    out = []
    for r in drop(rows, PARKS_FOR_FIGURES):
        reasons = SPACE_CLAUSE.sub("", str(r.get("reasons") or ""))
        out.append({**r, "reasons": "；".join(c for c in reasons.split("；") if c)})
    others = [t for t in ("positioned", "partners", "chain")]
    out.sort(key=lambda r: (-sum(float(r.get(t) or 0) for t in others), str(r.get("park"))))
    return [{**r, "rank": i} for i, r in enumerate(out, start=1)]


def projects(role: Role, rows: list[Record]) -> list[Record]:
    """Key projects: no investment next to a project (and its owner's) name."""
    return rows if not is_viewer(role) else drop(rows, PROJECT_FIGURES)


def targets(store: GraphStore, role: Role, rows: list[Record],
            projects_frame: Callable[[], pd.DataFrame]) -> list[Record]:
    """Targets: the new projects' investment only where it is a published cell; talent only
    when each quarter's city total passes the rule; notes lose their amounts."""
    if not is_viewer(role):
        return rows
    out = []
    plan: Plan | None = None
    for r in rows:
        kind = SUPPRESSED_TARGET_MEASURES.get(str(r.get("measure")))
        if kind is None or r.get("actual") is None:
            out.append(r)
            continue
        if kind == "investment":
            plan = plan or investment_plan(projects_frame())
            year = str(r.get("period") or "")[:4]
            ok = plan.total(("new", year), "total_investment") is not None
        else:
            ok = talent_publishable(store, str(r.get("period") or ""))
        out.append(r if ok else {**r, "actual": None, "gap": None, "status": "no_data",
                                 "note": without_figures(str(r.get("note") or ""))
                                 if kind == "investment" else None})
    return out


def talent_publishable(store: GraphStore, period: str, rules: Rules | None = None) -> bool:
    """The year-to-date talent total of ``period`` is published only if every quarter's
    city total in it passes the rule (their differences would otherwise give one quarter)."""
    rules = rules or Rules.configured()
    if len(period) < 6:
        return False
    obs = frames.enterprise_observations(store, locality(store).local)
    year, q = period[:4], int(period[-1])
    for i in range(1, q + 1):
        sub = obs[(obs["period"] == f"{year}Q{i}") & obs["talent_introduced"].notna()]
        if sensitive([float(v) for v in sub["talent_introduced"]], rules):
            return False
    return True


def enterprise_props(role: Role, props: Mapping[str, Any]) -> dict[str, Any]:
    """An enterprise's properties a viewer may see (no figures, no provenance)."""
    if not is_viewer(role):
        return dict(props)
    return {k: props[k] for k in PUBLIC_ENTERPRISE_PROPS if k in props}


def relationship_props(role: Role, props: Mapping[str, Any]) -> dict[str, Any]:
    """A relationship's properties without amounts (SUPPLIES.annual_value, INVESTED_IN.amount)
    for a viewer; never provenance."""
    return {k: v for k, v in props.items()
            if not k.startswith("prov_") and (not is_viewer(role) or k not in ENTERPRISE_FIGURES)}


def bulletin(store: GraphStore, cfg: AnalysisConfig, role: Role, b: Bulletin) -> Bulletin:
    """The bulletin as a viewer may see it: sections listing enterprises or projects lose their
    figure columns; the towns' revenue and growth and the city total come from the period's
    revenue table; project investment only as the published total."""
    if not is_viewer(role):
        return b
    plan = revenue_plan(store, cfg, b.period)
    sections = tuple(_section(s, plan) for s in b.sections)
    city = plan.revenue(CITY)
    summary = tuple(_summary_line(line, city) for line in b.summary)
    return dataclasses.replace(b, sections=sections, summary=summary)


def _summary_line(line: str, city: float | None) -> str:
    if "营业收入合计" not in line:
        return line
    head = line.split("；")[0]
    if city is None:
        return head + "；营业收入合计不予公开（保密）。"
    return f"{head}；近四季度营业收入合计{city / 1e4:,.2f}亿元。"


def _section(s: Section, plan: Plan) -> Section:
    frame = s.frame
    if "enterprise" in frame.columns or "name" in frame.columns and s.key != "kpis":
        gone = [c for c in frame.columns if c in ENTERPRISE_FIGURES or c in PROJECT_FIGURES]
        headers = tuple((c, h) for c, h in s.headers if c not in gone)
        return dataclasses.replace(s, frame=frame.drop(columns=gone), headers=headers)
    if s.key == "towns":
        frame = frame.copy()
        keys = [town_cell(str(t)) for t in frame["town"]]
        rev = [plan.revenue(k) for k in keys]
        growth = [plan.growth(k) for k in keys]
        frame["revenue_ttm"] = [None if v is None else round(v / 1e4, 2) for v in rev]
        frame["growth"] = [None if g is None else round(100 * g, 1) for g in growth]
        frame["revenue_ttm"] = frame["revenue_ttm"].astype(object)
        frame["growth"] = frame["growth"].astype(object)
        return dataclasses.replace(s, frame=frame)
    if s.key == "projects":
        gone = [c for c in PROJECT_FIGURES if c in frame.columns]
        headers = tuple((c, h) for c, h in s.headers if c not in gone)
        return dataclasses.replace(s, frame=frame.drop(columns=gone), headers=headers)
    if s.key == "kpis":
        frame = frame.copy()
        hide = frame["measure"].isin(list(SUPPRESSED_TARGET_MEASURES)) \
            if "measure" in frame.columns else pd.Series(False, index=frame.index)
        for col in ("actual", "gap", "note"):
            if col in frame.columns:
                frame[col] = frame[col].astype(object).where(~hide, None)
        return dataclasses.replace(s, frame=frame)
    return s
