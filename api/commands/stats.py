"""``tupu stats``: node counts by label and relationship counts by type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from tupu.api.commands.common import format_option, pass_app
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json


@click.command()
@format_option
@pass_app
def stats(app: AppContext, fmt: Format) -> None:
    """Count the map's nodes by label and relationships by type; list deliveries that are still
    loading (interrupted: their facts are only partly in the counts)."""
    store = app.store
    nodes, rels = store.count_nodes(), store.count_relationships()
    unfinished = [_unfinished(n.props) for n in store.unfinished_deliveries()]
    if fmt == "json":
        click.echo(to_json({"store": store.name, "nodes": nodes, "relationships": rels,
                            "unfinished_deliveries": unfinished}))
        return
    rows = [{"kind": "node", "name": k, "count": v} for k, v in nodes.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in rels.items()]
    click.echo(render_rows(rows, fmt))
    if unfinished and fmt == "table":
        click.echo(f"\n未完成的载入批次（{len(unfinished)}）：计数含其已写入的部分；"
                   "再次载入相同的来源文件即可完成：")
        click.echo(render_rows(unfinished, fmt))


def _unfinished(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"delivery": props.get("id"), "started_at": props.get("started_at"),
            "chunks_done": props.get("chunks_done"), "chunks": props.get("chunks"),
            "sources": props.get("sources")}
