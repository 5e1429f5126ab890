"""Options and helpers every command shares."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from tupu.errors import UsageError
from tupu.messages import msg

from tupu.api.context import AppContext
from tupu.api.output import FORMATS

F = TypeVar("F", bound=Callable[..., Any])

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table or csv (UTF-8 with BOM, Chinese headers: as --save FILE.csv) for people; json for "
         "machines.",
)

pass_app = click.make_pass_decorator(AppContext)

SAVE_KEY = "tupu.save"


def _remember_save(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        if value.suffix.lower() not in (".csv", ".xlsx"):
            raise UsageError(msg("cli.save_kind", path=value))
        ctx.meta[SAVE_KEY] = value


save_option = click.option(
    "--save", type=click.Path(dir_okay=False, path_type=Path), default=None, expose_value=False,
    callback=_remember_save,
    help="Also write the table for people: FILE.csv (UTF-8 with BOM) or FILE.xlsx, Chinese "
         "headers.",
)


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr (shown on terminals only), fed by ``(what, done, total)`` calls."""
    show = enabled and sys.stderr.isatty()
    if not show:
        yield lambda what, done, total: None
        return
    state: dict[str, Any] = {"bar": None, "done": 0}
    with click.progressbar(
        length=1, label=label, file=sys.stderr, show_pos=True,
        item_show_func=lambda item: item,
    ) as bar:
        def update(what: str, done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - state["done"], what)
            state["done"] = done

        yield update
        bar.update(bar.length - state["done"], "完成")
