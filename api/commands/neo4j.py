"""``tupu neo4j start|stop|status``: the bundled Neo4j server (``neo4j-server/``).

The server runs in the background, detached from the command; its files are under
``<data dir>/neo4j`` (``server.log``, ``server.json``, Neo4j's ``data/`` and ``logs/``), its Bolt
port is ``TUPU_NEO4J_BOLT_PORT`` on 127.0.0.1 and the ``neo4j`` user's password is
``TUPU_NEO4J_PASSWORD``. Failures are raised as :class:`~tupu.errors.StoreUnavailable` (exit 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import click

from tupu.api.output import table, to_json
from tupu.graph.stores import neo4j_server
from tupu.settings import Settings, load_settings

Fmt = Literal["table", "json"]

_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people; json for machines.",
)


def _settings(ctx: click.Context) -> Settings:
    """The settings of the ``tupu`` group (its context object), else read afresh."""
    obj = ctx.find_root().obj
    for candidate in (obj, getattr(obj, "settings", None)):
        if isinstance(candidate, Settings):
            return candidate
    return load_settings()


def _echo(data: Mapping[str, Any], fmt: Fmt) -> None:
    if fmt == "json":
        click.echo(to_json(dict(data)))
        return
    rows = [{"field": k, "value": "" if v is None else str(v)} for k, v in data.items()]
    click.echo(table(rows, ["field", "value"]))


@click.group()
def neo4j() -> None:
    """The bundled Neo4j Community server (Java 17 and Maven; Bolt on 127.0.0.1)."""


@neo4j.command()
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=neo4j_server.START_TIMEOUT,
    show_default=True,
    help="Seconds to wait for Bolt to answer, from the launch (a Maven build does not count).",
)
@_format_option
@click.pass_context
def start(ctx: click.Context, timeout: float, fmt: Fmt) -> None:
    """Start it in the background (building it with Maven first if needed)."""
    if neo4j_server.needs_build():
        click.echo(
            "building the Neo4j server with Maven (the first build downloads Neo4j from Maven "
            "Central, about 170 MB, into ~/.m2) ...",
            err=True,
        )
    info = neo4j_server.start(
        _settings(ctx), timeout=timeout, progress=lambda line: click.echo(line, err=True)
    )
    data = {"state": "already running" if info.already_running else "started", **info.to_dict()}
    _echo(data, fmt)


@neo4j.command()
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=neo4j_server.STOP_TIMEOUT,
    show_default=True,
    help="Seconds to wait after SIGTERM before SIGKILL.",
)
@_format_option
@click.pass_context
def stop(ctx: click.Context, timeout: float, fmt: Fmt) -> None:
    """Stop it (a clean shutdown; killed if it does not stop in time)."""
    _echo(neo4j_server.stop(_settings(ctx), timeout=timeout).to_dict(), fmt)


@neo4j.command()
@_format_option
@click.pass_context
def status(ctx: click.Context, fmt: Fmt) -> None:
    """Whether it runs, its pid, Bolt address and Neo4j version."""
    _echo(neo4j_server.status(_settings(ctx)).to_dict(), fmt)
