"""``tupu stats``: node counts by label and relationship counts by type."""

from __future__ import annotations

import click

from tupu.api.commands.common import format_option, pass_app
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json


@click.command()
@format_option
@pass_app
def stats(app: AppContext, fmt: Format) -> None:
    """Count the map's nodes by label and relationships by type."""
    store = app.store
    nodes, rels = store.count_nodes(), store.count_relationships()
    if fmt == "json":
        click.echo(to_json({"store": store.name, "nodes": nodes, "relationships": rels}))
        return
    rows = [{"kind": "node", "name": k, "count": v} for k, v in nodes.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in rels.items()]
    click.echo(render_rows(rows, fmt))
