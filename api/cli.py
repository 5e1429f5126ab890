"""The ``tupu`` command line (contract in DESIGN.md).

Exit codes: 0 ok, 1 bad input, 2 usage, 3 store unavailable. Domain errors are turned into exit
codes here and nowhere else.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from tupu import __version__
from tupu.api.context import AppContext
from tupu.errors import TupuError
from tupu.messages import msg
from tupu.settings import load_settings


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


GLOBAL_OPTIONS = ("--store", "--data-dir")


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
    from tupu.api.commands import lists
    cli.add_command(lists.chains)
    cli.add_command(lists.links)
    cli.add_command(lists.towns)
    from tupu.api.commands import handbook
    cli.add_command(handbook.handbook)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn domain errors into a message on stderr and an exit code."""
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)  # failures reach us as exceptions
    try:
        cli.main(args=argv, prog_name="tupu", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
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
    except TupuError as e:
        click.echo(f"tupu: {e}", err=True)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
