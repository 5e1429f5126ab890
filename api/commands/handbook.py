"""``tupu handbook CHAIN|PARK --out FILE.html``: the 招商手册 of a chain or a park."""

from __future__ import annotations

from pathlib import Path

import click

from tupu.api.commands.common import pass_app
from tupu.api.context import AppContext
from tupu.errors import UsageError
from tupu.graph.analyses.config import load_analysis_config
from tupu.messages import msg


@click.command()
@click.argument("subject")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The booklet as one printable HTML page (FILE.html).")
@pass_app
def handbook(app: AppContext, subject: str, out: Path) -> None:
    """招商手册 of SUBJECT, a chain or a park (id or Chinese name): what the city has along the
    chain (aggregates only), the gaps it wants filled, parks, universities and funds."""
    from tupu.graph.exports.handbook import handbook_of, to_html

    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(msg("handbook.out_kind", path=out))
    cfg = load_analysis_config(app.settings.analysis_config)
    book = handbook_of(app.store, subject, cfg.gaps)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_html(book), encoding="utf-8")
    click.echo(msg("handbook.written", title=book.title, path=out))
