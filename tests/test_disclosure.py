"""Statistical disclosure control for viewers: the rules on small tables, and an attacker who
fetches everything a viewer can and solves for single enterprises (on both stores).

The attacker knows which enterprises make up every cell (names, places and links are public) and
builds the linear system of every published total. It is independent of
:mod:`tupu.api.disclosure`: it walks the app's route table (so a new route is attacked without
changing this file, or fails here if it takes a parameter the attacker cannot fill), reads the
figures from the JSON answers, and tests the system with a full SVD (exact recovery) and with
linear programming (the interval each enterprise's figure is confined to, given the published
totals exactly and that no figure is negative: it must not be narrower than the p% rule's ±p%).
"""

from __future__ import annotations

import itertools
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.conftest import shared_sample
from tupu.api import disclosure
from tupu.api.app import create_app
from tupu.api.deps import get_store
from tupu.graph.analyses import frames
from tupu.graph.analyses.periods import revenue_summary
from tupu.graph.analyses.strength import link_members, locality
from tupu.graph.stores.store import GraphStore
from tupu.settings import load_settings

VIEWER = "viewer-token-0123456789"
TOKENS = {VIEWER: "viewer", "analyst-token-0123456789": "analyst"}
RULES = disclosure.Rules()
FIGURE_KEYS = {"annual_revenue", "employees", "registered_capital", "revenue_ytd",
               "revenue_ytd_prev", "annual_value", "amount", "need", "observations", "scale",
               "total_investment", "investment_to_date", "space"}


# -- the rules on small tables -----------------------------------------------------------------
def test_sensitivity_rule() -> None:
    assert disclosure.sensitive([5.0, 7.0], RULES)  # fewer than three
    assert not disclosure.sensitive([], RULES)
    assert disclosure.sensitive([1000.0, 40.0, 40.0], RULES)  # p%: 40 < 10% of 1000
    assert not disclosure.sensitive([100.0, 60.0, 50.0], RULES)


def null_space(cells: list[frozenset[str]], units: list[str]) -> np.ndarray:
    """A basis (columns, one row per unit) of the null space of the cells' incidence matrix
    (full SVD; independent of the module)."""
    if not cells:
        return np.eye(len(units))
    a = np.array([[1.0 if u in c else 0.0 for u in units] for c in cells])
    _, sv, vt = np.linalg.svd(a, full_matrices=True)
    r = int((sv > 1e-9 * max(a.shape) * sv[0]).sum())
    return vt[r:].T


def determined(null: np.ndarray, units: list[str]) -> set[str]:
    """Units whose value the totals fix: no direction of the null space moves them."""
    return {u for u, row in zip(units, null, strict=True) if np.linalg.norm(row) < 1e-7}


def unit_determined(cells: list[frozenset[str]], units: list[str]) -> set[str]:
    """Units whose value the totals of ``cells`` fix."""
    return determined(null_space(cells, units), units)


Confined = tuple[str, float, float, float]  # (unit, its value, the lowest, the highest it can be)


def confined(cells: list[frozenset[str]], values: dict[str, float], p: float) -> list[Confined]:
    """Units whose value the cells' exact totals and non-negativity pin to an interval narrower
    than ±``p``% of it (linear programs; HiGHS through scipy).

    Units in exactly the same cells enter the system only through their sum ``s``, so one pair
    of programs per such group serves all of them: a member can be as high as ``s`` can, and as
    low as 0 when the group has another member (else as low as ``s`` can). Every solution is a
    possible world: a group it already puts beyond the bounds needs no program of its own.
    """
    units = sorted(set().union(*cells)) if cells else []
    if not units:
        return []
    groups: dict[frozenset[int], list[str]] = {}
    for u in units:
        groups.setdefault(frozenset(i for i, c in enumerate(cells) if u in c), []).append(u)
    keys = list(groups)
    a = np.zeros((len(cells), len(keys)))
    for g, rows in enumerate(keys):
        a[sorted(rows), g] = 1.0
    x = np.array([sum(values.get(u, 0.0) for u in groups[k]) for k in keys])
    b = a @ x  # the attacker is given every published total exactly (rounding only widens)
    top = np.array([max(values.get(u, 0.0) for u in groups[k]) for k in keys])
    single = np.array([len(groups[k]) == 1 for k in keys])
    tol = 1e-6 * np.maximum(1.0, top)
    need_hi = top * (1 + p / 100) - tol  # each group must be able to reach this …
    need_lo = np.where(single, x * (1 - p / 100) + tol, np.inf)  # … and (alone) this
    reached_hi = x >= need_hi
    reached_lo = x <= need_lo
    bounds: dict[int, tuple[float, float]] = {}

    def extreme(g: int, sign: float) -> float:
        goal = np.zeros(len(keys))
        goal[g] = sign
        found = linprog(goal, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if found.status == 3:  # unbounded
            return float("inf")
        assert found.status == 0, found.message
        reached_hi[found.x >= need_hi] = True
        reached_lo[found.x <= need_lo] = True
        return sign * float(found.fun)

    for g in range(len(keys)):
        if top[g] <= 0:
            continue
        hi = float("inf") if reached_hi[g] else extreme(g, -1.0)
        lo = 0.0 if not single[g] or reached_lo[g] else extreme(g, 1.0)
        bounds[g] = (lo, hi)
    out: list[Confined] = []
    for g, (lo, hi) in bounds.items():
        for u in groups[keys[g]]:
            v = values.get(u, 0.0)
            if v > 0 and (hi < v * (1 + p / 100) - tol[g] or lo > v * (1 - p / 100) + tol[g]):
                out.append((u, v, lo, hi))
    return out


def test_the_interval_audit_finds_a_figure_pinned_without_being_determined() -> None:
    # {a, b} and {b, c} published: a is not determined (the rank test passes), but b ≤ 2 pins
    # a to [99, 101] around its 100 — far inside ±10%
    cells = [frozenset({"a", "b"}), frozenset({"b", "c"})]
    values = {"a": 100.0, "b": 1.0, "c": 1.0}
    assert not unit_determined(cells, ["a", "b", "c"])
    found = {u: (lo, hi) for u, _, lo, hi in confined(cells, values, RULES.p)}
    assert found["a"] == pytest.approx((99.0, 101.0))
    # and the module's protection of the same table publishes nothing that pins anyone
    table = {("ab",): {"a", "b"}, ("bc",): {"b", "c"}, ("abc",): {"a", "b", "c"}}
    shown = [frozenset(table[k]) for k in disclosure.protect(table, [values], RULES)]
    assert not confined(shown, values, RULES.p)


def test_primary_suppression_alone_leaks_by_subtraction_and_protect_stops_it() -> None:
    # two towns × two links (no enterprise in both links), with link totals over the city
    t1 = {"a1", "a2", "a3"}, {"b1"}  # town 1: link a has 3 enterprises, link b has 1
    t2 = {"a4", "a5", "a6"}, {"b2", "b3", "b4"}
    cells = {("a", "t1"): t1[0], ("b", "t1"): t1[1], ("a", "t2"): t2[0], ("b", "t2"): t2[1],
             ("a", "city"): t1[0] | t2[0], ("b", "city"): t1[1] | t2[1],
             ("t1",): t1[0] | t1[1], ("t2",): t2[0] | t2[1]}
    values = {u: 10.0 + i for i, u in enumerate(sorted(set().union(*cells.values())))}
    units = sorted(values)
    naive = [frozenset(v) for k, v in cells.items() if len(v) >= 3]
    assert "b1" in unit_determined(naive, units)  # b·city − b·t2: the defect
    published = disclosure.protect(cells, [values], RULES)
    assert ("b", "t1") not in published
    shown = [frozenset(cells[k]) for k in published]
    assert not unit_determined(shown, units)
    assert len(published) >= 3  # not everything is thrown away


def test_an_insider_cannot_learn_the_other_of_a_pair() -> None:
    # a link with two enterprises in town 1 and three in town 2: publishing the city total
    # and town 2 gives the pair's sum, and either of the pair then knows the other's figure
    cells = {("t1",): {"x", "y"}, ("t2",): {"p", "q", "r"}, ("city",): {"x", "y", "p", "q", "r"}}
    values = {"x": 5.0, "y": 6.0, "p": 7.0, "q": 8.0, "r": 9.0}
    published = disclosure.protect(cells, [values], RULES)
    assert ("t1",) not in published
    assert not ({("t2",), ("city",)} <= published)


# -- the attacker -----------------------------------------------------------------------------
def viewer_app(store: GraphStore, data_dir: Any, fresh: bool = True) -> FastAPI:
    """The real app over ``store``, knowing a viewer token (the store is shared, read-only);
    ``fresh``: no suppression pattern kept from before."""
    if fresh:
        disclosure.forget()
    app = create_app(load_settings(data_dir=data_dir, store="memory", api_tokens=TOKENS,
                                   env="development"))
    app.dependency_overrides[get_store] = lambda: store
    return app


class Knowledge:
    """What the attacker knows: every cell's members (public facts) and the parameter values."""

    def __init__(self, store: GraphStore) -> None:
        where = locality(store)
        self.local = sorted(where.local)
        self.town = where.town
        self.park = where.park
        self.links = [str(x) for x in frames.links(store)["link"]]
        self.members = {k: v & where.local for k, v in link_members(store, self.links).items()}
        self.towns = sorted(n.key for n in store.find_nodes("Town"))
        self.parks = sorted(n.key for n in store.find_nodes("Park"))
        self.chains = sorted(n.key for n in store.find_nodes("Chain"))
        chain_of = dict(zip(frames.links(store)["link"], frames.links(store)["chain"],
                            strict=True))
        self.chain_members: dict[str, set[str]] = {}  # the dashboard's revenue by chain
        for e, lk in frames.enterprise_links(store).itertuples(index=False):
            if e in where.local and lk in chain_of:
                self.chain_members.setdefault(str(chain_of[lk]), set()).add(str(e))
        self.universities = sorted(n.key for n in store.find_nodes("University"))[:6]
        self.funds = sorted(n.key for n in store.find_nodes("Fund"))[:6]
        self.scopes = (["city"] + [f"town:{t}" for t in self.towns]
                       + [f"park:{p}" for p in self.parks])
        tied = {r.start.key for r in store.find_relationships("SUPPLIES")}
        # profiles and candidate lists name enterprises and carry no totals: a sample of them
        self.sample_links = self.links[::9]
        self.enterprises = sorted(where.local & tied)[:12] + sorted(
            n.key for n in store.find_nodes("Enterprise") if n.key not in where.local)[:4]

    def in_scope(self, scope: str) -> set[str]:
        if scope == "city":
            return set(self.local)
        kind, _, key = scope.partition(":")
        places = self.town if kind == "town" else self.park
        return {e for e in self.local if places.get(e) == key}


PATH_VALUES = {"chain_id": "chains", "link": "links", "enterprise_id": "enterprises",
               "park_id": "parks", "period": "periods", "town_id": "towns",
               "university_id": "universities", "fund_id": "funds", "label": "labels",
               "key": "enterprises", "enterprise": "enterprises"}
QUERY_VALUES: dict[str, Any] = {"scope": "scopes", "chain": "chains", "all": [True, False],
                                "period": "periods", "off_track": [True, False],
                                "year": "years", "q": ["文化", "科技"], "top": [10, 1000]}
CROSSED = ("scope", "all")
SKIP_QUERY = {"limit", "format", "next",  # size, file format (same rows) and a redirect target
              # filters that select among the same rows, and the explorer's view state (the
              # explorer sends no enterprise figure: tests/test_graph_views.py)
              "university", "fund", "nodes", "expanded", "types", "node", "x", "y", "shown"}
SKIP_PATHS = {"/static/vendor/swagger-ui/{name}", "/api/v1/export/{kind}", "/logout",
              # a relationship's provenance: where it came from, its figures dropped for viewers
              "/api/v1/provenance/{rel_type}/{start}/{end}"}


def app_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every API route of the app with its full path (FastAPI ≥ 0.165 keeps included routers
    as ``_IncludedRouter`` entries whose routes it lists through ``effective_route_contexts``)."""
    found: list[tuple[str, APIRoute]] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, route))
        elif hasattr(route, "effective_route_contexts"):
            for ctx in route.effective_route_contexts():
                if isinstance(ctx.original_route, APIRoute):
                    found.append((ctx.path, ctx.original_route))
    assert found, "no routes found: the attacker cannot enumerate the app"
    return found


def requests_of(app: FastAPI, know: Knowledge, periods: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every GET a viewer can make: each route of the app with every parameter value."""
    values = {"chains": know.chains, "links": know.sample_links, "enterprises": know.enterprises,
              "parks": know.parks, "periods": periods, "scopes": know.scopes,
              "years": sorted({int(p[:4]) for p in periods}), "towns": know.towns,
              "universities": know.universities, "funds": know.funds, "labels": ["Enterprise"]}
    for full_path, route in app_routes(app):
        if "GET" not in route.methods or full_path in SKIP_PATHS:
            continue
        path_names = [p.name for p in route.dependant.path_params]
        query_names = [p.name for p in route.dependant.query_params
                       if p.alias not in SKIP_QUERY and p.name not in SKIP_QUERY]
        unknown = [n for n in path_names if n not in PATH_VALUES] + \
                  [n for n in query_names if n not in QUERY_VALUES and
                   next(p.alias for p in route.dependant.query_params if p.name == n)
                   not in QUERY_VALUES]
        assert not unknown, f"{route.path}: teach the attacker the parameters {unknown}"
        path_choices = [values[PATH_VALUES[n]] for n in path_names]
        aliases = [next(p.alias for p in route.dependant.query_params if p.name == n)
                   for n in query_names]
        def choices(a: str) -> list[Any]:
            v = QUERY_VALUES[a]
            return list(values[v]) if isinstance(v, str) else list(v)

        # The API in every scope (each scope is other cells) with the whole panorama, both
        # answers of ``all``, and every other parameter one value at a time. The pages render
        # the same query functions' rows: each is fetched with its defaults (for every path
        # parameter), so that none fails or shows what the API does not.
        variants: list[dict[str, Any]] = [{}]
        if full_path.startswith("/api/"):
            full = {"all": True} if "all" in aliases else {}
            if "scope" in aliases:
                default = next(p.field_info.default for p in route.dependant.query_params
                               if p.alias == "scope")
                variants += [{"scope": sc, **full} for sc in know.scopes
                             if full or sc != default]  # not the plain request again
            if "all" in aliases:
                variants += [{"all": True}, {"all": False}]
            for a in aliases:
                if a not in CROSSED:
                    variants += [{a: v, **(full if a == "chain" else {})} for v in choices(a)]
        for i, pv in enumerate(itertools.product(*path_choices)):
            path = full_path
            for n, v in zip(path_names, pv, strict=True):
                path = path.replace("{" + n + "}", str(v))
            for params in variants:
                # a park is no cell (parks nest in towns: each answer must show no total in
                # one) and every park takes the same path through the code: every park with
                # the first path value, one park with the others
                if i and str(params.get("scope", "")).startswith("park:") \
                        and params["scope"] != f"park:{know.parks[0]}":
                    continue
                # a chain (query or path) only selects rows of the all-chain answer: fetch it in
                # the city scope (in other scopes its rows are the cells the unfiltered one has)
                chained = "chain" in params or "chain_id" in path_names
                if chained and params.get("scope", "city") != "city":
                    continue
                yield path, params


def numbers(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.\d+(?=亿元)", text)]


def request_key(path: str, params: dict[str, Any]) -> Hashable:
    return path, tuple(sorted(params.items()))


class Attack:
    """The attacker at work: it fetches what a viewer can (:func:`requests_of`, through the
    real app), checks that no answer carries an enterprise's own figure, and collects the
    published revenue totals as cells (sets of enterprises) per system of variables: each
    period's four-quarter revenue, and each quarter's own revenue (``quarter yyyyQn``)."""

    def __init__(self, app: FastAPI, store: GraphStore) -> None:
        self.app, self.store = app, store
        self.know = Knowledge(store)
        self.viewer = TestClient(app, headers={"Authorization": f"Bearer {VIEWER}"})
        self.periods: list[str] = self.viewer.get("/api/v1/bulletin").json()
        self.latest = self.periods[0]
        self.published: dict[str, set[frozenset[str]]] = {p: set() for p in self.periods}
        self.fetched = 0
        self.took: Counter[str] = Counter()
        self.answers: dict[Hashable, tuple[int, Any]] = {}  # by :func:`request_key`

    def fetch(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        """One GET as the viewer; its status and its JSON answer (None when not JSON)."""
        kept = self.answers.get(request_key(path, params))
        if kept is not None:
            return kept
        started = time.perf_counter()
        r = self.viewer.get(path, params=params)
        self.took[path.split("/")[-1] if "{" not in path else path] += \
            time.perf_counter() - started
        self.fetched += 1
        assert r.status_code in (200, 303, 400, 404, 422), (path, params, r.status_code)
        if r.status_code != 200 or "json" not in r.headers.get("content-type", ""):
            self.answers[request_key(path, params)] = (r.status_code, None)
            return r.status_code, None
        data = r.json()
        bad = keys_with_figures(data)
        assert not bad, (path, params, bad)
        self.answers[request_key(path, params)] = (r.status_code, data)
        return r.status_code, data

    def run(self, wanted: Callable[[str], bool] = lambda path: True) -> None:
        """Every request of :func:`requests_of` whose path is ``wanted``: fetched and read."""
        for path, params in requests_of(self.app, self.know, self.periods):
            if wanted(path):
                self.read(params, self.fetch(path, params)[1])

    def read(self, params: dict[str, Any], data: Any) -> list[tuple[str, frozenset[str]]]:
        """The cells ``data`` (one answer, fetched with ``params``) publishes, added to the
        attacker's systems and returned as (system, cell)."""
        know, found = self.know, []
        rows = data if isinstance(data, list) else None
        if rows is not None and rows and isinstance(rows[0], dict) and "revenue" in rows[0]:
            scope = params.get("scope", "city")
            for row in rows:
                if row["revenue"] is not None:
                    assert not scope.startswith("park:"), "parks nest in towns: not cells"
                    found.append((self.latest, frozenset(know.members[row["link"]]
                                                         & know.in_scope(scope))))
        if isinstance(data, dict) and isinstance(data.get("strength"), dict):  # a link's panel
            scope = str(data["scope"])
            if data["strength"].get("revenue") is not None:
                assert not scope.startswith("park:"), "parks nest in towns: not cells"
                found.append((self.latest, frozenset(know.members[data["link"]]
                                                     & know.in_scope(scope))))
        if isinstance(data, dict) and "clusters" in data:
            for row in data["clusters"]:
                if row["revenue"] is not None:
                    found.append((self.latest, frozenset(str(row["members"]).split(";"))))
                assert not numbers(str(row.get("description"))), row["description"]
        if isinstance(data, dict) and "charts" in data:  # the dashboard (s-browser)
            charts = data["charts"]
            if "revenue_by_chain" in charts:  # each quarter's own revenue: its own variables
                spec = charts["revenue_by_chain"]
                for series in spec["series"]:
                    for p, v in zip(spec["categories"], series["data"], strict=True):
                        if v is not None:
                            found.append((f"quarter {p}",
                                          frozenset(know.chain_members[series["key"]])))
            if "towns" in charts and data.get("period"):
                spec = charts["towns"]
                for key, v in zip(spec.get("keys", []), spec["series"][2]["data"], strict=True):
                    if v is not None:
                        found.append((data["period"], frozenset(
                            e for e in know.local if know.town.get(e) == key)))
        if isinstance(data, dict) and "sections" in data:
            period = data["period"]
            for s in data["sections"]:
                if s["key"] == "towns":
                    for row in s["rows"]:
                        if row["revenue_ttm"] is not None:
                            found.append((period, frozenset(
                                e for e in know.local if know.town.get(e) == row["town"])))
            if any(numbers(line) for line in data["summary"]):
                found.append((period, frozenset(know.local)))
        for system, cell in found:
            self.published.setdefault(system, set()).add(cell)
        return found

    def findings(self) -> list[str]:
        """What the published totals give away, per system: figures they determine (rank
        test), figures an insider learns (one other enterprise's, knowing its own), and figures
        they confine to an interval narrower than the p% rule's ±p% (linear programs)."""
        units = self.know.local
        obs = frames.enterprise_observations(self.store, frozenset(units))
        out = []
        for system, cells in self.published.items():
            ordered = sorted(cells, key=sorted)
            null = null_space(ordered, units)
            found = determined(null, units)
            if found:  # and confined to a point: no linear programs needed
                out.append(f"{system}: a viewer solves for {sorted(found)[:5]}")
                continue
            insiders = insider_pairs(null, units)
            if insiders:
                out.append(f"{system}: an insider learns another enterprise: {insiders[:3]}")
            pinned = confined(ordered, truth_of(obs, system), RULES.p)
            if pinned:
                out.append(f"{system}: a viewer confines (enterprise, value, low, high) "
                           f"{pinned[:3]}")
        return out


MEMORY_ATTACK: list[Attack] = []
"""The attack on the memory store, once it ran: the Neo4j test (run after it, with the other
readers of the Neo4j sample city) compares with its answers instead of fetching them again."""


def test_a_viewer_cannot_solve_for_any_enterprise() -> None:
    """The attack on the memory store: every route, page and export family a viewer reaches
    (:func:`requests_of`), every system solved. (The Neo4j store is held to publishing the same
    answers: :func:`test_neo4j_publishes_to_a_viewer_what_memory_publishes`.)"""
    store = shared_sample()
    attack = Attack(viewer_app(store, tempfile.mkdtemp(prefix="tupu-attack-")), store)
    attack.run()
    MEMORY_ATTACK[:] = [attack]
    print("fetched", attack.fetched, "slowest", attack.took.most_common(5))
    assert attack.fetched > 100
    solving = time.perf_counter()
    found = attack.findings()
    print("solved", len(attack.published), "systems in", time.perf_counter() - solving)
    assert not found, found
    assert attack.published[attack.latest], "the viewer should still see some revenue totals"
    obs = frames.enterprise_observations(store, frozenset(attack.know.local))
    check_totals_are_the_truth(attack.viewer, attack.know, store, obs)


def test_the_attacker_catches_a_route_that_leaks(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Any) -> None:
    """A planted leak: the gaps route in a town scope serves a viewer the analysts' totals
    (suppressed link × town cells included). The attacker, on the gaps route alone, must solve
    for the enterprises alone in a link × town cell: by the cell itself, and by differencing."""
    real = disclosure.panorama

    def leaky(store: GraphStore, cfg: Any, role: Any, scope: str, rows: Any) -> Any:
        return rows if scope.startswith("town:") else real(store, cfg, role, scope, rows)

    monkeypatch.setattr(disclosure, "panorama", leaky)
    store = shared_sample()
    attack = Attack(viewer_app(store, tmp_path), store)
    attack.run(lambda path: path == "/api/v1/gaps")
    found = attack.findings()
    assert found and found[0].startswith(f"{attack.latest}: a viewer solves for"), found
    know = attack.know
    alone = {e for cell in attack.published[attack.latest] if len(cell) == 1 for e in cell}
    assert alone, "the leak publishes single-enterprise cells"
    solved = determined(null_space(sorted(attack.published[attack.latest], key=sorted),
                                   know.local), know.local)
    assert alone <= solved
    # without the leak the same fetches give nothing away
    monkeypatch.setattr(disclosure, "panorama", real)
    honest = Attack(viewer_app(store, tmp_path / "honest", fresh=False), store)
    honest.run(lambda path: path == "/api/v1/gaps")
    assert not honest.findings()
    assert honest.fetched == attack.fetched


@pytest.mark.neo4j
@pytest.mark.neo4j_sample
def test_neo4j_publishes_to_a_viewer_what_memory_publishes(neo4j_sample: GraphStore,
                                                           tmp_path: Any) -> None:
    """The same app over Neo4j answers a viewer exactly as over the memory store, so the attack
    on the memory store (:func:`test_a_viewer_cannot_solve_for_any_enterprise`) proves it for
    Neo4j too, without solving the same systems again.

    Everything above the store — the routes, the analyses, the disclosure control — is the same
    code on both stores; only the store's reads differ. So: every request of a route that
    publishes revenue totals (found by fetching each route once from the memory app; all their
    variants then on both stores) must give the same JSON answer, hence the same cells, and the
    same published cells; every other route is fetched once on Neo4j (first variant) and must
    answer as on memory (status) and carry no enterprise figure. The totals are checked against
    the Neo4j store's own figures. (Before, the attack ran whole on Neo4j: ~10× the time of the
    memory one for the same proof.)"""
    memory_store = shared_sample()
    on_memory = Attack(viewer_app(memory_store, tmp_path / "memory"), memory_store)
    if MEMORY_ATTACK:  # the same app over the same store answers the same: no need to ask again
        on_memory.answers = MEMORY_ATTACK[0].answers
    on_neo4j = Attack(viewer_app(neo4j_sample, tmp_path / "neo4j"), neo4j_sample)
    assert on_neo4j.periods == on_memory.periods
    firsts: dict[str, tuple[str, dict[str, Any]]] = {}
    variants: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path, params in requests_of(on_memory.app, on_memory.know, on_memory.periods):
        family = route_of(on_memory.app, path)
        firsts.setdefault(family, (path, params))
        variants.setdefault(family, []).append((path, params))
    bearing = []
    for family, (path, params) in firsts.items():
        status, data = on_memory.fetch(path, params)
        if on_memory.read(params, data) or keys_of(data) & REVENUE_KEYS:
            bearing.append(family)
        else:
            assert on_neo4j.fetch(path, params)[0] == status, (path, params)
    assert {"/api/v1/gaps", "/api/v1/dashboard", "/api/v1/bulletin/{period}"} <= set(bearing)
    compared = 0
    for family in bearing:
        for path, params in variants[family]:
            status, data = on_memory.fetch(path, params)
            on_memory.read(params, data)
            assert on_neo4j.fetch(path, params) == (status, data), (path, params)
            on_neo4j.read(params, data)
            compared += 1
    print("compared", compared, "answers of", bearing, "; fetched",
          on_neo4j.fetched, "from Neo4j; slowest", on_neo4j.took.most_common(5))
    assert on_neo4j.published == on_memory.published
    assert on_neo4j.published[on_neo4j.latest]
    obs = frames.enterprise_observations(neo4j_sample, frozenset(on_neo4j.know.local))
    check_totals_are_the_truth(on_neo4j.viewer, on_neo4j.know, neo4j_sample, obs)


def route_of(app: FastAPI, path: str) -> str:
    """The route template (``/api/v1/bulletin/{period}``) a concrete path matches."""
    for full_path, _ in app_routes(app):
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(full_path))
        if re.fullmatch(pattern, path):
            return full_path
    raise AssertionError(f"no route for {path}")


def truth_of(obs: Any, published_as: str) -> dict[str, float]:
    """Each enterprise's figure in the cells published as ``published_as``: a quarter's own
    revenue (``quarter yyyyQn``, the dashboard's revenue by chain) or the four quarters up to a
    period (``yyyyQn``: the panorama, clusters, towns and the bulletin)."""
    if published_as.startswith("quarter "):
        quarter = obs[obs["period"] == published_as.removeprefix("quarter ")]
        sums = quarter.assign(revenue=quarter["revenue"].fillna(0.0).astype(float)) \
            .groupby("enterprise")["revenue"].sum()
        return {str(e): float(v) for e, v in sums.items()}
    rev = revenue_summary(obs, published_as)
    return {str(e): float(v) for e, v in zip(rev["enterprise"], rev["ttm"], strict=True)}


def check_totals_are_the_truth(viewer: TestClient, know: Knowledge, store: GraphStore,
                               obs: Any) -> None:
    """The values the interval audit uses are the ones the viewer's totals add up: every
    published city panorama total equals the sum of its members' four-quarter revenue."""
    rev = revenue_summary(obs, None)
    truth = {str(e): float(v) for e, v in zip(rev["enterprise"], rev["ttm"], strict=True)}
    rows = viewer.get("/api/v1/gaps", params={"all": True}).json()
    shown = [r for r in rows if r["revenue"] is not None]
    assert shown
    for r in shown:
        total = sum(truth.get(e, 0.0) for e in know.members[r["link"]])
        assert r["revenue"] == pytest.approx(total, rel=1e-6, abs=0.01), r["link"]


def insider_pairs(null: np.ndarray, units: list[str]) -> list[tuple[str, str]]:
    """Pairs (i, j): knowing its own figure, enterprise i solves for j's (their rows of the
    null space are parallel)."""
    norms = np.linalg.norm(null, axis=1)
    unit = null / np.where(norms > 0, norms, 1)[:, None]
    cos = np.abs(unit @ unit.T)
    np.fill_diagonal(cos, 0)
    return [(units[i], units[j]) for i, j in zip(*np.nonzero(cos > 1 - 1e-9), strict=True)][:10]


REVENUE_KEYS = {"revenue", "revenue_ttm", "revenue_by_chain", "towns", "summary"}
"""Keys of the answers the attacker reads revenue totals from (a suppressed total is None)."""


def keys_of(value: Any) -> set[str]:
    """Every key of a JSON answer, at any depth."""
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value)) if value else set()
    return set()


def keys_with_figures(value: Any) -> set[str]:
    if isinstance(value, dict):
        return (set(value) & FIGURE_KEYS) | set().union(
            *(keys_with_figures(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_with_figures(v) for v in value)) if value else set()
    return set()
