"""``tupu export ttl|jsonld|graphml|csv PATH``: write the map out."""

from __future__ import annotations

from pathlib import Path

import click

from tupu.api.commands.common import format_option, pass_app
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json
from tupu.graph.exports.files import write_csv_folder, write_graphml
from tupu.graph.exports.rdf import write_rdf


@click.command()
@click.argument("kind", type=click.Choice(["ttl", "jsonld", "graphml", "csv"]))
@click.argument("path", type=click.Path(path_type=Path))
@format_option
@pass_app
def export(app: AppContext, kind: str, path: Path, fmt: Format) -> None:
    """Export the map: ttl or jsonld (RDF under the ontology's URIs; `tupu load` reads it back),
    graphml (one file) or csv (a canonical folder that `tupu load` reads)."""
    if kind in ("ttl", "jsonld"):
        rdf = write_rdf(app.store, path, "ttl" if kind == "ttl" else "jsonld")
        result: dict[str, object] = {"kind": kind, "path": str(path), "triples": len(rdf)}
    elif kind == "graphml":
        g = write_graphml(app.store, path)
        result = {
            "kind": kind,
            "path": str(path),
            "nodes": g.number_of_nodes(),
            "relationships": g.number_of_edges(),
        }
    else:
        counts = write_csv_folder(app.store, path)
        result = {"kind": kind, "path": str(path), "files": len(counts), "rows": sum(counts.values())}
    if fmt == "json":
        click.echo(to_json(result))
    else:
        click.echo(render_rows([result], fmt))
