"""``tupu load PATH… [--dry-run]``: validate sources, then write them all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from tupu.api.commands.common import format_option, pass_app, progress_bar
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json
from tupu.loaders.pipeline import LoadReport, load as run_load


def report_rows(report: LoadReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"kind": "node", "name": k, "count": v} for k, v in report.nodes.items()
    ]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in report.relationships.items()]
    return rows


def print_report(report: LoadReport, fmt: Format) -> None:
    if fmt == "json":
        click.echo(
            to_json(
                {
                    "written": report.written,
                    "seconds": round(report.seconds, 3),
                    "sources": list(report.sources),
                    "nodes": report.nodes,
                    "relationships": report.relationships,
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


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@format_option
@pass_app
def load(app: AppContext, paths: tuple[Path, ...], dry_run: bool, fmt: Format) -> None:
    """Load data folders or canonical CSV files into the map.

    Every row is validated first; any problem is reported with file, row and column, and nothing
    is written (exit code 1).
    """
    with progress_bar("载入", enabled=fmt == "table") as progress:
        report = run_load(list(paths), app.store, dry_run=dry_run, progress=progress)
    print_report(report, fmt)
