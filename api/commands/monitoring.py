"""``tupu bulletin``, ``tupu projects`` and ``tupu targets``: monitoring the plan."""

from __future__ import annotations

from pathlib import Path

import click

from tupu.api.commands.analyses import for_people, frame_rows, show
from tupu.api.commands.common import format_option, pass_app, save_option
from tupu.api.context import AppContext
from tupu.api.output import Format, people_csv, to_json
from tupu.api.params import period_param
from tupu.errors import UsageError
from tupu.graph.analyses.bulletin import Bulletin, build_bulletin
from tupu.graph.exports.bulletin import to_html, to_markdown, to_xlsx
from tupu.graph.analyses.config import load_analysis_config
from tupu.graph.analyses.monitoring import plan_targets
from tupu.graph.analyses.monitoring import (
    PROJECT_STATUS_ZH, TARGET_STATUS_ZH, check_period, off_track, projects as list_projects,
    require_data,
    target_progress,
)

PROJECT_TABLE = ["project", "name", "town_name", "owner_name", "status", "progress",
                 "planned_progress", "off_track", "reason"]
OFF_TRACK_TABLE = ["project", "name", "town_name", "owner_name", "status", "progress",
                   "planned_progress", "reason"]
TARGET_TABLE = ["target", "name", "wording", "annual", "actual", "expected", "unit", "status",
                "note"]
OUT_KINDS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
             ".xlsx": "xlsx"}

targets_option = click.option(
    "--targets", "targets_name", default=None,
    help="Plan targets file (ontology/targets/<name>.yaml); default: the one the dataset names.",
)


@click.command()
@click.argument("period")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the bulletin to PATH.md, PATH.html or PATH.xlsx.")
@targets_option
@format_option
@pass_app
def bulletin(app: AppContext, period: str, out: Path | None, targets_name: str | None,
             fmt: Format) -> None:
    """The quarterly bulletin (季度通报) for PERIOD, e.g. 2025Q2 (Markdown unless --out)."""
    check_period(period)
    kind = None
    if out is not None:
        kind = OUT_KINDS.get(out.suffix.lower())
        if kind is None:
            raise UsageError(f"--out {out}: give a .md, .html or .xlsx file")
    store = app.store
    require_data(store, period)
    cfg = load_analysis_config(app.settings.analysis_config)
    b = build_bulletin(store, period, plan_targets(store, targets_name), cfg.monitoring,
                       cfg.clusters, cfg.gaps, cfg.candidates)
    if out is None:
        click.echo(_render(b, fmt))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        to_xlsx(b, out)
    else:
        out.write_text(to_html(b) if kind == "html" else to_markdown(b), encoding="utf-8")
    click.echo(f"已写出 {b.title}: {out}")


def _render(b: Bulletin, fmt: Format) -> str:
    if fmt == "json":
        return to_json({
            "title": b.title, "period": b.period, "city": b.city, "plan": b.plan_title,
            "notice": b.notice, "fictional": b.fictional, "summary": list(b.summary),
            "sections": [{"key": s.key, "title": s.title, "note": s.note,
                          "rows": frame_rows(s.frame)} for s in b.sections],
        })
    if fmt == "csv":  # for people: one block per section, "# title" above its Chinese headers
        blocks = [f"# {s.title}\r\n" + people_csv(s.display()).removeprefix("\ufeff")
                  for s in b.sections]
        return "\ufeff" + "\r\n\r\n".join(blocks)
    return to_markdown(b)


@click.command()
@click.option("--period", default=None, help="Quarter yyyyQn (default: the latest observed).")
@click.option("--off-track", "only_off_track", is_flag=True,
              help="Only off-track (脱幅) projects.")
@click.option("--margin", type=float, default=None,
              help="Percentage points behind plan that make a project off track "
                   "(default: monitoring.off_track_margin).")
@format_option
@save_option
@pass_app
def projects(app: AppContext, period: str | None, only_off_track: bool, margin: float | None,
             fmt: Format) -> None:
    """Key projects (重点项目) with their latest progress, town, owner and off-track flag."""
    period = period_param(period)
    cfg = load_analysis_config(app.settings.analysis_config).monitoring
    if margin is not None:
        cfg = cfg.model_copy(update={"off_track_margin": margin})
    if only_off_track:
        df = off_track(app.store, period, config=cfg)
        cols = OFF_TRACK_TABLE
    else:
        df = list_projects(app.store, period, cfg)
        cols = PROJECT_TABLE
    if for_people(fmt):
        df = df.assign(status=df["status"].map(lambda s: PROJECT_STATUS_ZH.get(s, s)))
    show(df, fmt, cols)


@click.command()
@click.option("--year", type=int, default=None, help="Year of the targets (default: the plan's).")
@click.option("--period", default=None, help="Use data up to this quarter (yyyyQn).")
@targets_option
@format_option
@save_option
@pass_app
def targets(app: AppContext, year: int | None, period: str | None, targets_name: str | None,
            fmt: Format) -> None:
    """The plan's targets (工作目标) against what the graph shows."""
    period = period_param(period)
    store = app.store
    plan = plan_targets(store, targets_name)
    cfg = load_analysis_config(app.settings.analysis_config)
    df = target_progress(store, plan, year, period, cfg.monitoring, cfg.clusters)
    if for_people(fmt):
        df = df.assign(status=df["status"].map(lambda s: TARGET_STATUS_ZH.get(s, s)))
    show(df, fmt, TARGET_TABLE)
