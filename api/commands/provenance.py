"""``tupu provenance LABEL KEY`` / ``tupu provenance TYPE START END``: where a fact came from."""

from __future__ import annotations

import click

from tupu.api.commands.common import format_option, pass_app
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json
from tupu.errors import InputError, UnknownName, UsageError
from tupu.messages import msg
from tupu.graph.analyses.names import resolve
from tupu.graph.analyses.provenance import Origin, node_origin, relationship_origins

NAMED = ("Enterprise", "Park", "Town", "Chain", "ChainLink", "University", "Fund", "Project")

USAGE = "give LABEL KEY (a node) or TYPE START END (a relationship), e.g. Enterprise 9132…"


def _origins(app: AppContext, args: tuple[str, ...]) -> list[Origin]:
    schema = app.store.schema
    if len(args) == 2 and args[0] in schema.map_labels:
        origin = node_origin(app.store, *args)
        if origin is None and args[0] in NAMED:  # a Chinese full or short name
            origin = node_origin(app.store, args[0], resolve(app.store, args[0], args[1]))
        if origin is None:
            raise UnknownName(args[0], args[1], (), ())
        return [origin]
    if len(args) == 3 and args[0] in schema.relationships:
        origins = relationship_origins(app.store, *args)
        if not origins:
            raise InputError(msg("cli.no_relationship", type=args[0], start=args[1], end=args[2]))
        return origins
    raise UsageError(msg("cli.provenance_usage", usage=USAGE, labels="、".join(schema.map_labels),
                         types="、".join(schema.relationships)))


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
