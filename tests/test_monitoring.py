"""Monitoring the plan on the sample city with planted truths: off-track projects, the start rate,
targets met and missed, the quarterly bulletin in every rendering, the CLI, and both stores alike.

The truths are planted in a copy of ``data/sample`` (new projects with known progress); every
expected figure is counted by hand from the copy's CSV files, never from the code under test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.plant import add_rows, copy_sample, read_rows
from tupu.api.cli import main
from tupu.graph.analyses import bulletin as bl
from tupu.graph.exports import bulletin as render
from tupu.graph.analyses import monitoring as mon
from tupu.graph.analyses.clusters import clusters, summary
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load
from tupu.ontology.targets import load_targets

PERIOD = "2025Q2"
STARTED = {"started", "completed", "operating"}
LAG = "T2025-LAG"  # far behind plan: 5% done against 60% planned
NOSTART = "T2025-NOSTART"  # planned to start 2025-03-01, still only signed
EDGE = "T2025-EDGE"  # exactly 10 points behind: not off track at the default margin
LATER = "T2025-LATER"  # signed, planned start after the period: not off track
LAG_NAME = "监测测试滞后项目"
NOTICE_WORD = "虚构"


def _project(pid: str, name: str, level: str, investment: int, start: str, status: str
             ) -> dict[str, str]:
    return {"id": pid, "name": name, "level": level, "total_investment": str(investment),
            "plan_year": "2025", "new_in_plan_year": "true", "planned_start": start,
            "planned_completion": "2027-06-30", "status": status}


def _observation(pid: str, period: str, progress: float, planned: float, status: str
                 ) -> dict[str, str]:
    return {"id": f"{pid}@{period}", "period": period, "investment_to_date": "0",
            "progress": str(progress), "planned_progress": str(planned), "status": status}


@dataclass(frozen=True)
class Planted:
    """The copy of the sample and where its planted projects are."""

    folder: Path
    park: str  # LAG is located in this park ...
    park_town: str  # ... which lies in this town
    town: str  # the other planted projects are located in this town directly


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    """A copy of the sample with four planted 2025 projects (see the constants above)."""
    folder = copy_sample(tmp_path_factory.mktemp("planted"))
    nodes, rels = folder / "nodes", folder / "relationships"
    in_town = read_rows(rels / "IN_TOWN.csv")[0]
    park, park_town = in_town["start"], in_town["end"]
    town = read_rows(nodes / "Town.csv")[-1]["id"]
    owner = next(r["start"] for r in read_rows(rels / "LOCATED_IN.csv")
                 if r["start_label"] == "Enterprise")
    add_rows(nodes, "Project.csv", [
        _project(LAG, LAG_NAME, "provincial", 300000, "2025-01-10", "started"),
        _project(NOSTART, "监测测试未开工项目", "city", 250000, "2025-03-01", "signed"),
        _project(EDGE, "监测测试临界项目", "city", 1000, "2025-02-01", "started"),
        _project(LATER, "监测测试下半年开工项目", "city", 1000, "2025-09-01", "signed"),
    ])
    obs = [
        _observation(LAG, "2025Q1", 3, 30, "started"),
        _observation(LAG, "2025Q2", 5, 60, "started"),
        _observation(NOSTART, "2025Q1", 0, 0, "signed"),
        _observation(NOSTART, "2025Q2", 0, 0, "signed"),
        _observation(EDGE, "2025Q2", 40, 50, "started"),
        _observation(LATER, "2025Q2", 0, 0, "signed"),
    ]
    add_rows(nodes, "ProjectObservation.csv", obs)
    add_rows(rels, "HAS_OBSERVATION.csv", [
        {"start": o["id"].split("@")[0], "end": o["id"], "start_label": "Project",
         "end_label": "ProjectObservation"} for o in obs
    ])
    add_rows(rels, "LOCATED_IN.csv", [
        {"start": LAG, "end": park, "start_label": "Project", "end_label": "Park"},
        {"start": NOSTART, "end": town, "start_label": "Project", "end_label": "Town"},
        {"start": EDGE, "end": town, "start_label": "Project", "end_label": "Town"},
        {"start": LATER, "end": town, "start_label": "Project", "end_label": "Town"},
    ])
    add_rows(rels, "OWNS.csv", [{"start": owner, "end": p} for p in (LAG, NOSTART, EDGE, LATER)])
    return Planted(folder, park, park_town, town)


def _town_name(folder: Path, town: str) -> str:
    return next(r["name"] for r in read_rows(folder / "nodes" / "Town.csv") if r["id"] == town)


# -- hand counts from the copy's files --------------------------------------------------------
def _statuses(folder: Path, period: str) -> dict[str, str]:
    """Each project's status in its latest observation up to ``period`` (else its own)."""
    obs = {r["id"]: r for r in read_rows(folder / "nodes" / "ProjectObservation.csv")}
    latest: dict[str, dict[str, str]] = {}
    for r in read_rows(folder / "relationships" / "HAS_OBSERVATION.csv"):
        if r["start_label"] != "Project":
            continue
        o = obs[r["end"]]
        if o["period"] <= period and o["period"] > latest.get(r["start"], {}).get("period", ""):
            latest[r["start"]] = o
    return {p["id"]: latest[p["id"]]["status"] if p["id"] in latest else p["status"]
            for p in read_rows(folder / "nodes" / "Project.csv")}


def _new_projects(folder: Path, year: int) -> list[dict[str, str]]:
    return [p for p in read_rows(folder / "nodes" / "Project.csv")
            if p["plan_year"] == str(year) and p["new_in_plan_year"] == "true"]


def _load(store: GraphStore, folder: Path) -> GraphStore:
    load([folder], store)
    return store


# -- projects and off-track ------------------------------------------------------------------
def test_off_track_projects_are_flagged_with_reason_and_town(
    store: GraphStore, planted: Planted
) -> None:
    _load(store, planted.folder)
    df = mon.projects(store, PERIOD).set_index("project")
    lag = df.loc[LAG]
    assert lag["off_track"] and lag["lag"] == 55.0
    assert lag["town"] == planted.park_town and lag["park"] == planted.park
    assert lag["town_name"] == _town_name(planted.folder, planted.park_town)
    assert "落后55个百分点" in lag["reason"]

    nostart = df.loc[NOSTART]
    assert nostart["off_track"] and nostart["town"] == planted.town
    assert "计划2025-03-01开工" in nostart["reason"] and "仍未开工" in nostart["reason"]
    assert not df.loc[EDGE]["off_track"] and not df.loc[LATER]["off_track"]

    ot = mon.off_track(store, PERIOD)
    assert {LAG, NOSTART} <= set(ot["project"]) and not {EDGE, LATER} & set(ot["project"])
    assert ot["reason"].map(bool).all() and ot["town"].notna().all()
    # every stalled project of the copy is off track too
    stalled = {p for p, s in _statuses(planted.folder, PERIOD).items() if s == "stalled"}
    assert stalled <= set(ot["project"])
    # a tighter margin catches the project exactly 10 points behind
    assert EDGE in set(mon.off_track(store, PERIOD, margin=5)["project"])
    # a quarter earlier: judged on that quarter's observations; not yet observed, not judged
    early = mon.projects(store, "2025Q1").set_index("project")
    assert early.loc[LAG, "off_track"] and early.loc[LAG, "lag"] == 27.0
    assert early.loc[NOSTART, "off_track"]
    assert pd.isna(early.loc[EDGE, "status"]) and not early.loc[EDGE, "off_track"]


# -- start rate and targets ------------------------------------------------------------------
def test_start_rate_and_targets_against_hand_counts(store: GraphStore, planted: Planted) -> None:
    folder = planted.folder
    _load(store, folder)
    new = _new_projects(folder, 2025)
    status = _statuses(folder, PERIOD)
    started = [p for p in new if status[p["id"]] in STARTED]

    sr = mon.start_rate(store, 2025, PERIOD)
    assert (sr.new_projects, sr.started) == (len(new), len(started))
    assert sr.rate_all == round(100 * len(started) / len(new), 1)
    # 开工率 counts only the projects due by the period (planned start on or before its end)
    due = [p for p in new if p["planned_start"] and p["planned_start"] <= "2025-06-30"]
    due_started = [p for p in due if status[p["id"]] in STARTED]
    assert (sr.due, sr.due_started) == (len(due), len(due_started)) and len(due) < len(new)
    assert sr.rate == round(100 * len(due_started) / len(due), 1)
    assert sr.met is False and NOSTART in sr.not_started and LAG not in sr.not_started

    plan = load_targets("taicang-2025")
    tp = mon.target_progress(store, plan, 2025, PERIOD).set_index("target")
    assert list(tp.index) == [t.id for t in plan.targets]

    # met: the planted projects push the new projects' investment over 超50亿元
    investment = round(sum(float(p["total_investment"]) for p in new) / 10000, 2)
    assert tp.loc["new-key-project-investment", "actual"] == investment > 50
    assert tp.loc["new-key-project-investment", "status"] == "met"
    assert tp.loc["new-key-projects", "actual"] == len(new) > 10
    assert tp.loc["new-key-projects", "status"] == "met"
    assert tp.loc["new-project-start-rate", "actual"] == sr.rate
    assert tp.loc["new-project-start-rate", "status"] == "behind"  # a rate: due every quarter

    # missed: the sample sets up fewer than 6 city-level parks in 2025
    parks = [p for p in read_rows(folder / "nodes" / "Park.csv")
             if p["level"] == "city" and p["established"].startswith("2025")
             and p["established"] <= "2025-06-30"]
    assert tp.loc["new-city-parks", "actual"] == len(parks) < 6 / 2
    # behind: at Q2 half of the annual 6 is expected (pro rata)
    assert tp.loc["new-city-parks", "expected"] == 3
    assert tp.loc["new-city-parks", "status"] == "behind"
    assert tp.loc["new-city-parks", "gap"] == len(parks) - 6

    # new above-scale enterprises: above scale in 2025's latest quarter, not at the end of 2024
    obs = {r["id"]: r for r in read_rows(folder / "nodes" / "EnterpriseObservation.csv")}
    last: dict[tuple[str, int], dict[str, str]] = {}
    for r in read_rows(folder / "relationships" / "HAS_OBSERVATION.csv"):
        if r["start_label"] == "Enterprise" and obs[r["end"]]["period"] <= PERIOD:
            o = obs[r["end"]]
            key = (r["start"], int(o["period"][:4]))
            if o["period"] > last.get(key, {}).get("period", ""):
                last[key] = o
    became = {e for (e, y), o in last.items() if y == 2025 and o["above_scale"] == "true"
              and last.get((e, 2024), {}).get("above_scale") != "true"}
    assert tp.loc["new-above-scale-enterprises", "actual"] == len(became)

    found = summary(clusters(store))
    assert tp.loc["industry-clusters", "actual"] == found.significant
    assert tp.loc["industry-clusters", "status"] == ("met" if found.meets_plan else "behind")

    for tid in ("provincial-demo-parks", "revenue-contribution-growth"):
        assert tp.loc[tid, "status"] == "no_data" and pd.isna(tp.loc[tid, "actual"])
        assert "图谱之外" in tp.loc[tid, "note"]
    assert tp["note"].map(bool).all()
    dated = tp[(tp["status"] != "no_data") & (tp["measure"] != "industry_clusters")]
    assert dated["note"].str.contains(PERIOD).all()


# -- the bulletin ----------------------------------------------------------------------------
def test_bulletin_renders_kpis_off_track_and_notice(
    store: GraphStore, planted: Planted, tmp_path: Path
) -> None:
    _load(store, planted.folder)
    b = bl.build_bulletin(store, PERIOD, load_targets("taicang-2025"))
    assert b.title == "太仓市文化产业季度工作通报（2025年第二季度）"
    assert b.fictional and NOTICE_WORD in b.notice
    assert LAG in set(b.section("off_track").frame["project"])

    md = render.to_markdown(b)
    assert md.startswith(f"# {b.title}")
    assert "主要目标完成情况" in md and "新增重点文化产业项目" in md and "脱幅项目" in md
    assert LAG_NAME in md and NOTICE_WORD in md.split("---")[-1]

    page = render.to_html(b)
    assert '<html lang="zh-CN">' in page and f"<title>{b.title}</title>" in page
    assert "主要目标完成情况" in page and LAG_NAME in page
    assert "<footer>" in page and NOTICE_WORD in page.split("<footer>")[1]
    assert "://" not in page and "<script" not in page and "<link" not in page

    path = render.to_xlsx(b, tmp_path / "bulletin.xlsx")
    wb = openpyxl.load_workbook(path)
    first = wb[wb.sheetnames[0]]
    cover = " ".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    assert b.title in cover and NOTICE_WORD in cover
    assert len(wb.sheetnames) == 1 + len(b.sections)
    kpi = wb[next(n for n in wb.sheetnames if "主要目标" in n)]
    assert [c.value for c in kpi[1]][:4] == ["指标", "全年目标", "截至本期完成", "本期应完成"]
    off = wb[next(n for n in wb.sheetnames if "脱幅项目" in n)]
    assert [c.value for c in off[1]][0] == "项目名称"
    assert LAG_NAME in {row[0] for row in off.iter_rows(min_row=2, values_only=True)}


# -- the CLI ---------------------------------------------------------------------------------
@pytest.mark.usefixtures("settings")
def test_cli_bulletin_projects_targets(
    capsys: pytest.CaptureFixture[str], planted: Planted, tmp_path: Path
) -> None:
    assert main(["load", str(planted.folder)]) == 0
    out = tmp_path / "x.xlsx"
    assert main(["bulletin", PERIOD, "--out", str(out)]) == 0
    assert any("脱幅项目" in n for n in openpyxl.load_workbook(out).sheetnames)
    capsys.readouterr()
    assert main(["bulletin", PERIOD]) == 0
    assert "主要目标完成情况" in capsys.readouterr().out
    assert main(["projects", "--off-track", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {LAG, NOSTART} <= {r["project"] for r in rows}
    assert main(["targets", "--format", "json"]) == 0
    targets = {r["target"]: r for r in json.loads(capsys.readouterr().out)}
    assert targets["new-key-project-investment"]["status"] == "met"
    assert targets["new-city-parks"]["status"] == "behind"
    assert main(["bulletin", "2025Q5"]) == 2
    assert main(["bulletin", PERIOD, "--out", str(tmp_path / "x.pdf")]) == 2


# -- both stores alike -----------------------------------------------------------------------
@pytest.fixture
def both(neo4j_session_store: GraphStore, planted: Planted, tmp_path: Path
         ) -> Iterator[tuple[GraphStore, GraphStore]]:
    neo = neo4j_session_store
    neo.clear()
    _load(neo, planted.folder)
    yield _load(MemoryStore(tmp_path / "map.snapshot"), planted.folder), neo
    neo.clear()


@pytest.mark.neo4j
def test_monitoring_frames_identical_on_memory_and_neo4j(
    both: tuple[GraphStore, GraphStore]
) -> None:
    memory, neo = both
    plan = load_targets("taicang-2025")
    frames: dict[str, Callable[[GraphStore], pd.DataFrame]] = {
        "projects": lambda s: mon.projects(s),
        "projects 2025Q1": lambda s: mon.projects(s, "2025Q1"),
        "off_track": lambda s: mon.off_track(s, PERIOD),
        "targets": lambda s: mon.target_progress(s, plan, 2025),
    }
    for name, build in frames.items():
        pd.testing.assert_frame_equal(build(memory), build(neo), obj=name)
    assert mon.start_rate(memory, 2025) == mon.start_rate(neo, 2025)
    a, b = bl.build_bulletin(memory, PERIOD, plan), bl.build_bulletin(neo, PERIOD, plan)
    for x, y in zip(a.sections, b.sections, strict=True):
        pd.testing.assert_frame_equal(x.frame, y.frame, obj=x.key)
    assert render.to_markdown(a) == render.to_markdown(b)
