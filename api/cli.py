"""The ``tupu`` command line (contract in DESIGN.md).

Exit codes: 0 ok, 1 bad input, 2 usage, 3 store unavailable. Domain errors are turned into exit
codes here and nowhere else, and nothing else reaches the user: a store failure is one Chinese line
(exit 3), a full disk too (exit 3: nothing could be kept), any other file-system error one line
naming the file (exit 1), and an error tupu did not foresee one line saying so (exit 1) — its
traceback only with ``TUPU_DEBUG=1``.
"""

from __future__ import annotations

import errno
import importlib
import logging
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import click

from tupu import __version__
from tupu.errors import StoreError, TupuError
from tupu.messages import msg


@dataclass(frozen=True)
class LazyCommand:
    """A subcommand imported only when it runs or its own help is asked for."""

    module: str
    attr: str
    help: str  # the first paragraph of the command's help (tests check it against the command)


# Every subcommand: `tupu --help` lists them from here without importing any (pandas, networkx,
# rdflib, the Neo4j driver, FastAPI and openpyxl are imported by the commands that need them).
COMMANDS: dict[str, LazyCommand] = {
    "anchors": LazyCommand("tupu.api.commands.matching", "anchors",
        "Local enterprises ranked by what their leaving would break (anchor impact)."),
    "bulletin": LazyCommand("tupu.api.commands.monitoring", "bulletin",
        "The quarterly bulletin (季度通报) for PERIOD, e.g. 2025Q2 (Markdown unless --out)."),
    "candidates": LazyCommand("tupu.api.commands.analyses", "candidates",
        "Outside enterprises to attract for LINK (a chain link's id or Chinese name, or "
        "CHAIN/LINK), with an explained score."),
    "chains": LazyCommand("tupu.api.commands.lists", "chains",
        "Every industry chain: its id, Chinese name and number of links."),
    "clusters": LazyCommand("tupu.api.commands.matching", "clusters",
        "特色产业集群: communities of local enterprises, counted against the plan's 3–5."),
    "demo": LazyCommand("tupu.api.commands.demo", "demo",
        "Load the fictional sample city and print counts and the chains with their links."),
    "export": LazyCommand("tupu.api.commands.export", "export",
        "Export the map: ttl or jsonld (RDF under the ontology's URIs; `tupu load` reads "
        "it back), graphml (one file) or csv (a canonical folder that `tupu load` reads)."),
    "gaps": LazyCommand("tupu.api.commands.analyses", "gaps",
        "Chain links that are missing or weak locally, ranked by priority with reasons."),
    "handbook": LazyCommand("tupu.api.commands.handbook", "handbook",
        "招商手册 of SUBJECT, a chain or a park (id or Chinese name): what the city has along"
        " the chain (aggregates only), the gaps it wants filled, parks, universities and "
        "funds."),
    "impact": LazyCommand("tupu.api.commands.matching", "impact",
        "What breaks in the chains if the local ENTERPRISE (id, Chinese full or short "
        "name) leaves."),
    "links": LazyCommand("tupu.api.commands.lists", "links",
        "Every chain link (of one chain with --chain): id, Chinese name, chain and stage."),
    "load": LazyCommand("tupu.api.commands.load", "load",
        "Load data folders, canonical CSV files, RDF files, XLSX/CSV exports with Chinese"
        " headers or a delivery manifest.yaml into the map."),
    "neo4j": LazyCommand("tupu.api.commands.neo4j", "neo4j",
        "The bundled Neo4j Community server (Java 17 and Maven; Bolt on 127.0.0.1)."),
    "pairs": LazyCommand("tupu.api.commands.matching", "pairs",
        "产学研结对 (universities) or 融资对接 (funds): new pairs ranked with reasons (existing "
        "ones with --existing)."),
    "parks": LazyCommand("tupu.api.commands.matching", "parks",
        "Without ENTERPRISE: every park with its id, town, space and positioning. With "
        "ENTERPRISE (id, Chinese full or short name; local or an outside candidate): the "
        "best parks for it."),
    "projects": LazyCommand("tupu.api.commands.monitoring", "projects",
        "Key projects (重点项目) with their latest progress, town, owner and off-track flag."),
    "provenance": LazyCommand("tupu.api.commands.provenance", "provenance",
        "Where a node (LABEL KEY) or a relationship (TYPE START END) came from: its "
        "delivery, file, row and load time. A key merged into another enterprise is found"
        " through its aliases."),
    "serve": LazyCommand("tupu.api.commands.serve", "serve",
        "Serve the zh-CN pages under / and the JSON API under /api/v1 (docs at /docs), "
        "offline."),
    "stats": LazyCommand("tupu.api.commands.stats", "stats",
        "Count the map's nodes by label and relationships by type; list deliveries that "
        "are still loading (interrupted: their facts are only partly in the counts)."),
    "targets": LazyCommand("tupu.api.commands.monitoring", "targets",
        "The plan's targets (工作目标) against what the graph shows."),
    "towns": LazyCommand("tupu.api.commands.lists", "towns",
        "Every town (区镇): id, Chinese name, its parks and local enterprises."),
}


class LazyGroup(click.Group):
    """A group whose subcommands in :data:`COMMANDS` are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        entry = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(entry.module), entry.attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry.module}.{entry.attr} is not a click command")
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Like click's, but the short help of a command not imported yet comes from COMMANDS."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                rows.append((name, loaded.get_short_help_str(limit)))
            else:
                stub = click.Command(name, help=COMMANDS[name].help)  # the same shortening
                rows.append((name, stub.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    type=click.Choice(["memory", "neo4j"]),
    default=None,
    help="Store to use (default: TUPU_STORE, else memory).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the memory store's snapshot (default: TUPU_DATA_DIR).",
)
@click.version_option(__version__, prog_name="tupu")
@click.pass_context
def cli(ctx: click.Context, store: str | None, data_dir: Path | None) -> None:
    """tupu 产业图谱: a citywide industry map as a knowledge graph."""
    from tupu.api.context import AppContext  # the stores: not needed for --help
    from tupu.settings import load_settings

    settings = load_settings(store=store, data_dir=data_dir)
    app = AppContext(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


GLOBAL_OPTIONS = ("--store", "--data-dir")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn domain errors into a message on stderr and an exit code."""
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)  # failures reach us as exceptions
    try:
        cli.main(args=argv, prog_name="tupu", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo(f"tupu: {msg('failure.interrupted')}", err=True)
        return 1
    except click.NoSuchOption as e:
        e.show()
        if e.option_name in GLOBAL_OPTIONS and e.ctx is not None:
            click.echo(msg("cli.option_after_command", option=e.option_name,
                           command=e.ctx.info_name or ""), err=True)
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except StoreError as e:
        click.echo(f"tupu: {msg('failure.store', detail=_one_line(str(e)))}", err=True)
        if _debugging():
            click.echo(str(e), err=True)  # the store's whole message (e.g. a server's log lines)
        return e.exit_code
    except TupuError as e:
        click.echo(f"tupu: {e}", err=True)
        return e.exit_code
    except OSError as e:
        _debug()
        click.echo(f"tupu: {os_error_line(e)}", err=True)
        return 3 if e.errno in _DISK_FULL else 1
    except Exception as e:  # noqa: BLE001 - the edge: no traceback reaches the user
        _debug()
        click.echo(f"tupu: {msg('failure.internal', kind=type(e).__name__)}", err=True)
        return 1
    return 0


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def os_error_line(e: OSError) -> str:
    """One Chinese line for a file-system error: a full disk, or the file and the reason."""
    path = str(e.filename) if e.filename is not None else ""
    if e.errno in _DISK_FULL:
        return msg("failure.disk_full", path=path or "数据文件")
    return msg("failure.os", path=path or "文件", reason=e.strerror or type(e).__name__)


def _debugging() -> bool:
    from tupu.settings import get_settings

    try:
        return get_settings().debug
    except Exception:  # noqa: BLE001 - unusable settings: no details either
        return False


def _debug() -> None:
    """Print the traceback being handled when ``TUPU_DEBUG`` is set (for developers)."""
    if _debugging():
        traceback.print_exc(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
