"""``tupu gaps`` and ``tupu candidates``: the chain gaps and whom to attract for them."""

from __future__ import annotations

import click
import pandas as pd

from tupu.api.commands.common import format_option, pass_app
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows
from tupu.graph.analyses.candidates import candidates as rank_candidates
from tupu.graph.analyses.config import load_analysis_config
from tupu.graph.analyses.gaps import STATUS_ZH, gaps as find_gaps, panorama
from tupu.graph.analyses.names import resolve, resolve_optional
from tupu.graph.analyses.scope import parse_scope

GAP_TABLE = ["chain_name", "link", "link_name", "stage", "local_enterprises", "lq", "status",
             "broken", "priority", "reasons"]
PANORAMA_TABLE = ["chain_name", "link", "link_name", "stage", "local_enterprises", "above_scale",
                  "revenue", "growth", "outside_enterprises", "lq", "status", "broken"]
CANDIDATE_TABLE = ["rank", "id", "name", "city", "score", "ties", "park", "explanation"]


def frame_rows(df: pd.DataFrame) -> list[dict[str, object]]:
    """DataFrame rows as plain dicts (NaN → None) for the renderers."""
    return [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


def show(df: pd.DataFrame, fmt: Format, table_columns: list[str]) -> None:
    rows = frame_rows(df)
    click.echo(render_rows(rows, fmt, table_columns if fmt == "table" else list(df.columns)))


@click.command()
@click.option("--chain", default=None,
              help="Only this chain (id or Chinese name, e.g. esports-games or 电竞游戏).")
@click.option("--scope", "scope_text", default="city", show_default=True,
              help="city, town:<id or name> or park:<id or name>.")
@click.option("--all", "show_all", is_flag=True, help="Every link (the panorama), not only gaps.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@format_option
@pass_app
def gaps(app: AppContext, chain: str | None, scope_text: str, show_all: bool, limit: int | None,
         fmt: Format) -> None:
    """Chain links that are missing or weak locally, ranked by priority with reasons."""
    store = app.store
    scope = parse_scope(scope_text, store)
    chain = resolve_optional(store, "Chain", chain)
    cfg = load_analysis_config(app.settings.analysis_config).gaps
    if show_all:
        df = panorama(store, scope, chain, cfg)
        cols = PANORAMA_TABLE
    else:
        df = find_gaps(store, scope, chain, cfg)
        cols = GAP_TABLE
    if limit is not None:
        df = df.head(limit)
    if fmt == "table":
        df = df.assign(status=df["status"].map(STATUS_ZH))
    show(df, fmt, cols)


@click.command()
@click.argument("link")
@click.option("--limit", type=int, default=20, show_default=True, help="At most this many.")
@format_option
@pass_app
def candidates(app: AppContext, link: str, limit: int, fmt: Format) -> None:
    """Outside enterprises to attract for LINK (a chain link's id or Chinese name, or
    CHAIN/LINK), with an explained score."""
    cfg = load_analysis_config(app.settings.analysis_config)
    key = resolve(app.store, "ChainLink", link)
    df = rank_candidates(app.store, key, limit, cfg.candidates, cfg.gaps, cfg.matching)
    show(df, fmt, CANDIDATE_TABLE)
