"""``tupu gaps`` and ``tupu candidates``: the chain gaps and whom to attract for them."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from tupu.api.commands.common import SAVE_KEY, format_option, pass_app, save_option
from tupu.graph.exports.office import people_frame, to_people_csv, write_xlsx
from tupu.messages import MESSAGES, msg
from tupu.api.context import AppContext
from tupu.api.output import Format, candidate_headers, people_csv, render_rows
from tupu.graph.analyses.candidates import candidates as rank_candidates
from tupu.graph.analyses.config import load_analysis_config
from tupu.graph.analyses.gaps import for_people as gaps_for_people, gaps as find_gaps, panorama
from tupu.graph.analyses.names import resolve, resolve_optional
from tupu.graph.analyses.notice import dataset_notice
from tupu.graph.analyses.scope import parse_scope
from tupu.graph.stores.store import GraphStore
from tupu.ontology.vocab import REG_STATUS_ZH, RegStatus

GAP_TABLE = ["chain_name", "link", "link_name", "stage", "local_enterprises", "lq", "status",
             "broken", "priority", "reasons"]
PANORAMA_TABLE = ["chain_name", "link", "link_name", "stage", "local_enterprises", "above_scale",
                  "revenue", "growth", "outside_enterprises", "lq", "status", "broken"]
CANDIDATE_TABLE = ["rank", "id", "name", "city", "score", "ties", "park", "explanation"]


def frame_rows(df: pd.DataFrame) -> list[dict[str, object]]:
    """DataFrame rows as plain dicts (NaN → None) for the renderers."""
    return [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


def show(df: pd.DataFrame, fmt: Format, table_columns: list[str],
         headers: dict[str, str] | None = None) -> None:
    """Print ``df`` for people or for machines. ``table``: ``table_columns`` with Chinese
    headers, lists joined with "；". ``csv``: the CSV that ``--save FILE.csv`` writes (one
    writer, :func:`tupu.graph.exports.office.to_people_csv`): UTF-8 with BOM, the id and
    ``table_columns`` under Chinese headers, lists joined, cells inert. ``json``: every column
    with its English key. With ``--save FILE`` the table is also written for people (CSV with BOM
    or XLSX with number formats)."""
    if fmt == "table":
        shown = people_frame(df, table_columns, headers)
        click.echo(render_rows(frame_rows(shown), fmt, list(shown.columns)))
    elif fmt == "csv":
        click.echo(people_csv(df, people_columns(df, table_columns), headers))
    else:
        click.echo(render_rows(frame_rows(df), fmt, list(df.columns)))
    ctx = click.get_current_context(silent=True)
    path = ctx.meta.get(SAVE_KEY) if ctx is not None else None
    if path is not None:
        name = ctx.info_name if ctx is not None else ""
        title = msg(f"title.{name}") if f"title.{name}" in MESSAGES else str(name)
        save(df, path, table_columns, title, headers)


def people_columns(df: pd.DataFrame, columns: list[str]) -> list[str]:
    """The columns of a CSV or workbook for people: the id first (when ``df`` has one), then
    the table's ``columns``."""
    cols = [c for c in ("id", *columns) if c in df.columns] if "id" not in columns else columns
    return list(dict.fromkeys(cols))


def for_people(fmt: Format) -> bool:
    """Whether the output is read by people (a table, CSV, or a ``--save`` file): statuses in
    Chinese then; JSON keeps the codes."""
    return fmt != "json" or app_saving()


def app_saving() -> bool:
    """Whether ``--save`` was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.meta.get(SAVE_KEY) is not None


def dataset_notice_of() -> str:
    """The loaded datasets' notice (e.g. that the data is fictional), for a saved workbook."""
    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(AppContext) if ctx is not None else None
    return dataset_notice(app.store) if app is not None else ""


def save(df: pd.DataFrame, path: Path, columns: list[str], title: str,
         headers: dict[str, str] | None = None) -> None:
    """Write ``df`` for people: ``.csv`` (UTF-8 with BOM) or ``.xlsx`` (module office)."""
    cols = people_columns(df, columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(df, path, title, dataset_notice_of(), cols, headers)
    else:
        path.write_text(to_people_csv(df, cols, headers), encoding="utf-8")
    click.echo(msg("cli.saved", path=path, rows=len(df)), err=True)


@click.command()
@click.option("--chain", default=None,
              help="Only this chain (id or Chinese name, e.g. esports-games or 电竞游戏).")
@click.option("--scope", "scope_text", default="city", show_default=True,
              help="city, town:<id or name> or park:<id or name>.")
@click.option("--all", "show_all", is_flag=True, help="Every link (the panorama), not only gaps.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@format_option
@save_option
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
    if for_people(fmt):
        df = gaps_for_people(df, store)
    show(df, fmt, cols)


@click.command()
@click.argument("link")
@click.option("--limit", type=int, default=20, show_default=True,
              help="At most this many (0: all).")
@format_option
@save_option
@pass_app
def candidates(app: AppContext, link: str, limit: int, fmt: Format) -> None:
    """Outside enterprises to attract for LINK (a chain link's id or Chinese name, or
    CHAIN/LINK), with an explained score."""
    cfg = load_analysis_config(app.settings.analysis_config)
    key = resolve(app.store, "ChainLink", link)
    df = rank_candidates(app.store, key, limit if limit > 0 else None, cfg.candidates, cfg.gaps,
                         cfg.matching)
    if for_people(fmt) and not df.empty:
        df = df.assign(name=with_status(app.store, df["id"], df["name"]))
    show(df, fmt, CANDIDATE_TABLE, candidate_headers())


def with_status(store: GraphStore, ids: pd.Series, names: pd.Series) -> list[str]:
    """Names followed by their registration status in Chinese (``甲公司（迁入）``) where known."""
    status = {n.key: n.props.get("reg_status") for n in store.get_nodes("Enterprise", list(ids))}
    out = []
    for key, name in zip(ids, names, strict=True):
        word = REG_STATUS_ZH.get(RegStatus(s)) if (s := status.get(key)) in set(RegStatus) else None
        out.append(f"{name}（{word}）" if word else str(name))
    return out
