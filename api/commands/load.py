"""``tupu load PATH… [--dry-run] [--report FILE.xlsx]``: validate sources, then write them all or
nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from tupu.api.commands.common import format_option, pass_app, progress_bar
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json
from tupu.errors import InputError, Problem, UsageError, ValidationFailed
from tupu.loaders.notes import Note, collect_notes
from tupu.loaders.pipeline import LoadReport, load as run_load
from tupu.loaders.report_xlsx import write_report
from tupu.loaders.review_csv import write_review_csv
from tupu.messages import msg

NOTES_SHOWN = 20
"""Notes and review items printed in table format; the report file has them all."""


def report_rows(report: LoadReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"kind": "node", "name": k, "count": v} for k, v in report.nodes.items()
    ]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in report.relationships.items()]
    return rows


SUMMARY_COLUMNS = ("name", "new", "updated", "merged", "unchanged", "refused")


def _summary_table(summary: Sequence[Mapping[str, object]]) -> str:
    """The summary per kind as a table with Chinese headings."""
    headings = {"name": msg("load.summary_kind"), "new": msg("load.summary_new"),
                "updated": msg("load.summary_updated"), "merged": msg("load.summary_merged"),
                "unchanged": msg("load.summary_unchanged"), "refused": msg("load.summary_refused")}
    rows = [{headings[c]: r.get(c) for c in SUMMARY_COLUMNS} for r in summary]
    return render_rows(rows, "table", [headings[c] for c in SUMMARY_COLUMNS])


def _note_dicts(notes: Sequence[Note], kind: str) -> list[dict[str, object]]:
    return [
        {"file": n.file, "row": n.row, "column": n.column, "value": n.value, "message": n.message}
        for n in notes if n.kind == kind
    ]


def _echo_notes(notes: Sequence[Note], err: bool = False) -> None:
    for kind, title in (("review", msg("load.review_title")), ("note", msg("load.notes_title"))):
        items = [n for n in notes if n.kind == kind]
        if not items:
            continue
        click.echo(f"\n{title}（{len(items)}）：", err=err)
        for n in items[:NOTES_SHOWN]:
            click.echo(f"  - {n}", err=err)
        if len(items) > NOTES_SHOWN:
            click.echo("  " + msg("load.notes_more", count=len(items) - NOTES_SHOWN), err=err)


def print_report(report: LoadReport, fmt: Format, notes: Sequence[Note] = ()) -> None:
    summary = [r.as_dict() for r in report.summary]
    if fmt == "json":
        click.echo(
            to_json(
                {
                    "written": report.written,
                    "seconds": round(report.seconds, 3),
                    "sources": list(report.sources),
                    "nodes": report.nodes,
                    "relationships": report.relationships,
                    "summary": summary,
                    "review": _note_dicts(notes, "review"),
                    "notes": _note_dicts(notes, "note"),
                }
            )
        )
        return
    click.echo(render_rows(report_rows(report), fmt))
    if fmt == "table":
        key = "load.summary_done" if report.written else "load.summary_dry_run"
        click.echo(f"\n{msg('load.summary_title')}：")
        click.echo(_summary_table(summary))
        click.echo("\n" + msg(key, nodes=sum(report.nodes.values()),
                              rels=sum(report.relationships.values()),
                              sources=len(report.sources), seconds=report.seconds))
        _echo_notes(notes)


def _problem_dicts(problems: Sequence[Problem]) -> list[dict[str, object]]:
    return [{"file": p.file, "row": p.row, "column": p.column, "value": p.value,
             "message": p.message} for p in problems]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every problem, review item and note to this .xlsx file (Chinese headers).",
)
@click.option(
    "--review-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the entity-resolution review list (matches left to a person) to this .csv file.",
)
@click.option("--strict", is_flag=True,
              help="Refuse export files with columns tupu does not know (default: ignore them).")
@click.option("--replace-period", is_flag=True,
              help="A period already in the map is replaced whole (default: the figures given "
                   "update it, the others stay).")
@format_option
@pass_app
def load(
    app: AppContext, paths: tuple[Path, ...], dry_run: bool, report_path: Path | None,
    review_out: Path | None, strict: bool, replace_period: bool, fmt: Format,
) -> None:
    """Load data folders, canonical CSV files, RDF files, XLSX/CSV exports with Chinese headers
    or a delivery manifest.yaml into the map.

    Every row is validated first; any problem is reported with file, row and column, and nothing
    is written (exit code 1).
    """
    if report_path is not None and report_path.suffix.lower() != ".xlsx":
        raise UsageError(msg("load.report_suffix", path=report_path))
    with collect_notes() as notes:
        try:
            with progress_bar("载入", enabled=fmt == "table") as progress:
                report = run_load(list(paths), app.store, dry_run=dry_run, progress=progress,
                                  strict=strict, replace_period=replace_period)
        except InputError as e:
            problems = (e.problems if isinstance(e, ValidationFailed)
                        else (Problem("", None, None, None, str(e)),))
            summary = e.summary if isinstance(e, ValidationFailed) else ()
            if report_path is not None:
                write_report(report_path, problems, notes)
                click.echo(msg("load.report_written", path=report_path, count=len(problems)),
                           err=True)
            if fmt == "json":
                click.echo(to_json({"written": False, "summary": [dict(r) for r in summary],
                                    "problems": _problem_dicts(problems),
                                    "review": _note_dicts(notes, "review"),
                                    "notes": _note_dicts(notes, "note")}))
            elif summary:
                click.echo(f"{msg('load.summary_title')}：", err=True)
                click.echo(_summary_table(summary), err=True)
            _echo_notes(notes, err=True)
            raise
    if report_path is not None:
        write_report(report_path, (), notes)
    if review_out is not None:
        write_review_csv(review_out, report.review)
        click.echo(msg("load.review_written", path=review_out, count=len(report.review)), err=True)
    print_report(report, fmt, notes)
