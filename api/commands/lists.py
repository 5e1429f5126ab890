"""``tupu chains``, ``tupu links [--chain]`` and ``tupu towns``: what there is to pick from, with
ids beside the Chinese names (``tupu parks`` without an argument lists the parks)."""

from __future__ import annotations

import click

from tupu.api.commands.analyses import show
from tupu.api.commands.common import format_option, pass_app, save_option
from tupu.api.context import AppContext
from tupu.api.output import Format
from tupu.graph.analyses import lists

CHAIN_TABLE = ["chain", "name", "plan_format", "links"]
LINK_TABLE = ["link", "name", "chain_name", "stage_zh", "position"]
TOWN_TABLE = ["town", "name", "parks", "local_enterprises"]
PARK_LIST_TABLE = ["park", "name", "town_name", "level", "vacant_area", "positioned_links",
                   "local_enterprises"]


@click.command()
@format_option
@save_option
@pass_app
def chains(app: AppContext, fmt: Format) -> None:
    """Every industry chain: its id, Chinese name and number of links."""
    show(lists.chains(app.store), fmt, CHAIN_TABLE)


@click.command()
@click.option("--chain", default=None, help="Only the links of this chain (id or Chinese name).")
@format_option
@save_option
@pass_app
def links(app: AppContext, chain: str | None, fmt: Format) -> None:
    """Every chain link (of one chain with --chain): id, Chinese name, chain and stage."""
    show(lists.links(app.store, chain), fmt, LINK_TABLE)


@click.command()
@format_option
@save_option
@pass_app
def towns(app: AppContext, fmt: Format) -> None:
    """Every town (区镇): id, Chinese name, its parks and local enterprises."""
    show(lists.towns(app.store), fmt, TOWN_TABLE)
