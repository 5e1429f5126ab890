"""The ``tupu`` command line (contract in DESIGN.md).

Exit codes: 0 ok, 1 bad input, 2 usage, 3 store unavailable. Domain errors are turned into exit
codes here and nowhere else, and nothing else reaches the user: a store failure is one Chinese line
(exit 3), a full disk too (exit 3: nothing could be kept), any other file-system error one line
naming the file (exit 1), and an error tupu did not foresee one line saying so (exit 1) — its
traceback only with ``TUPU_DEBUG=1``.
"""

from __future__ import annotations

import errno
import logging
import sys
import traceback
from pathlib import Path

import click

from tupu import __version__
from tupu.api.context import AppContext
from tupu.errors import StoreError, TupuError
from tupu.messages import msg
from tupu.settings import get_settings, load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    settings = load_settings(store=store, data_dir=data_dir)
    app = AppContext(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from tupu.api.commands import analyses, demo, export, load, neo4j, stats

    cli.add_command(demo.demo)
    cli.add_command(load.load)
    cli.add_command(stats.stats)
    cli.add_command(export.export)
    cli.add_command(analyses.gaps)
    cli.add_command(analyses.candidates)
    from tupu.api.commands import monitoring
    cli.add_command(monitoring.bulletin)
    cli.add_command(monitoring.projects)
    cli.add_command(monitoring.targets)
    from tupu.api.commands import matching
    cli.add_command(matching.clusters)
    cli.add_command(matching.impact)
    cli.add_command(matching.anchors)
    cli.add_command(matching.parks)
    cli.add_command(matching.pairs)
    cli.add_command(neo4j.neo4j)
    from tupu.api.commands import provenance
    cli.add_command(provenance.provenance)
    from tupu.api.commands import serve
    cli.add_command(serve.serve)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn domain errors into a message on stderr and an exit code."""
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)  # failures reach us as exceptions
    try:
        cli.main(args=argv, prog_name="tupu", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo(f"tupu: {msg('failure.interrupted')}", err=True)
        return 1
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
