"""``tupu load PATH… [--dry-run] [--report FILE.xlsx]``: validate sources, then write them all or
nothing."""

from __future__ import annotations

from collections.abc import Sequence
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

NOTES_SHOWN = 20
"""Notes and review items printed in table format; the report file has them all."""


def report_rows(report: LoadReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"kind": "node", "name": k, "count": v} for k, v in report.nodes.items()
    ]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in report.relationships.items()]
    return rows


def _note_dicts(notes: Sequence[Note], kind: str) -> list[dict[str, object]]:
    return [
        {"file": n.file, "row": n.row, "column": n.column, "value": n.value, "message": n.message}
        for n in notes if n.kind == kind
    ]


def _echo_notes(notes: Sequence[Note], err: bool = False) -> None:
    for kind, title in (("review", "待复核"), ("note", "说明")):
        items = [n for n in notes if n.kind == kind]
        if not items:
            continue
        click.echo(f"\n{title}（{len(items)}）：", err=err)
        for n in items[:NOTES_SHOWN]:
            click.echo(f"  - {n}", err=err)
        if len(items) > NOTES_SHOWN:
            click.echo(f"  … 另有 {len(items) - NOTES_SHOWN} 条，见 --report 生成的报告", err=err)


def print_report(report: LoadReport, fmt: Format, notes: Sequence[Note] = ()) -> None:
    if fmt == "json":
        click.echo(
            to_json(
                {
                    "written": report.written,
                    "seconds": round(report.seconds, 3),
                    "sources": list(report.sources),
                    "nodes": report.nodes,
                    "relationships": report.relationships,
                    "review": _note_dicts(notes, "review"),
                    "notes": _note_dicts(notes, "note"),
                }
            )
        )
        return
    click.echo(render_rows(report_rows(report), fmt))
    if fmt == "table":
        verb = "loaded" if report.written else "checked (dry run, nothing written)"
        click.echo(
            f"\n{verb}: {sum(report.nodes.values())} nodes, "
            f"{sum(report.relationships.values())} relationships from {len(report.sources)} "
            f"sources in {report.seconds:.1f} s"
        )
        _echo_notes(notes)


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
@format_option
@pass_app
def load(
    app: AppContext, paths: tuple[Path, ...], dry_run: bool, report_path: Path | None,
    review_out: Path | None, fmt: Format,
) -> None:
    """Load data folders, canonical CSV files, RDF files, XLSX/CSV exports with Chinese headers
    or a delivery manifest.yaml into the map.

    Every row is validated first; any problem is reported with file, row and column, and nothing
    is written (exit code 1).
    """
    if report_path is not None and report_path.suffix.lower() != ".xlsx":
        raise UsageError(f"--report {report_path}: give a .xlsx file")
    with collect_notes() as notes:
        try:
            with progress_bar("载入", enabled=fmt == "table") as progress:
                report = run_load(list(paths), app.store, dry_run=dry_run, progress=progress)
        except InputError as e:
            problems = (e.problems if isinstance(e, ValidationFailed)
                        else (Problem("", None, None, None, str(e)),))
            if report_path is not None:
                write_report(report_path, problems, notes)
                click.echo(f"问题报告已写入 {report_path}（{len(problems)} 个问题）", err=True)
            _echo_notes(notes, err=True)
            raise
    if report_path is not None:
        write_report(report_path, (), notes)
    if review_out is not None:
        write_review_csv(review_out, report.review)
        click.echo(f"待复核清单已写入 {review_out}（{len(report.review)} 条）", err=True)
    print_report(report, fmt, notes)
