"""``tupu provenance LABEL KEY`` / ``tupu provenance TYPE START END``: where a fact came from."""

from __future__ import annotations

import click

from tupu.api.commands.common import format_option, pass_app
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json
from tupu.errors import InputError, UsageError
from tupu.graph.analyses.names import resolve
from tupu.graph.analyses.provenance import Origin, node_origin, relationship_origins

NAMED = ("Enterprise", "Park", "Town", "Chain", "ChainLink", "University", "Fund", "Project")

USAGE = "give LABEL KEY (a node) or TYPE START END (a relationship), e.g. Enterprise 9132…"


def _origins(app: AppContext, args: tuple[str, ...]) -> list[Origin]:
    schema = app.store.schema
    if len(args) == 2 and args[0] in schema.labels:
        origin = node_origin(app.store, *args)
        if origin is None and args[0] in NAMED:  # a Chinese full or short name
            origin = node_origin(app.store, args[0], resolve(app.store, args[0], args[1]))
        if origin is None:
            raise InputError(f"the map has no {args[0]} with key {args[1]!r}")
        return [origin]
    if len(args) == 3 and args[0] in schema.relationships:
        origins = relationship_origins(app.store, *args)
        if not origins:
            raise InputError(f"the map has no {args[0]} relationship from {args[1]!r} to {args[2]!r}")
        return origins
    known = f"labels: {', '.join(schema.labels)}; types: {', '.join(schema.relationships)}"
    raise UsageError(f"tupu provenance: {USAGE} ({known})")


@click.command()
@click.argument("args", nargs=-1, required=True)
@format_option
@pass_app
def provenance(app: AppContext, args: tuple[str, ...], fmt: Format) -> None:
    """Where a node (LABEL KEY) or a relationship (TYPE START END) came from: its delivery, file,
    row and load time. A key merged into another enterprise is found through its aliases."""
    origins = [o.as_dict() for o in _origins(app, args)]
    if fmt == "json":
        click.echo(to_json(origins if len(origins) > 1 else origins[0]))
        return
    if fmt == "csv":
        click.echo(render_rows(origins, fmt))
        return
    rows = [{"field": k, "value": v} for o in origins for k, v in o.items() if v is not None]
    click.echo(render_rows(rows, fmt))
