"""``tupu demo``: load the sample city and show what the map holds."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from tupu.api.commands.common import format_option, pass_app, progress_bar
from tupu.api.context import AppContext
from tupu.api.output import Format, render_rows, to_json
from tupu.graph.analyses.chain_links import STAGE_ZH, STAGES, chain_links
from tupu.graph.analyses.candidates import candidates
from tupu.graph.analyses.config import load_analysis_config
from tupu.graph.analyses.notice import dataset_notice
from tupu.graph.analyses.gaps import gaps
from tupu.loaders.pipeline import load


def sample_folder() -> Path:
    """The packaged sample city (``data/sample/``)."""
    return Path(str(resources.files("tupu.data").joinpath("sample")))


@click.command()
@click.option("--fresh", is_flag=True, help="Empty the store before loading the sample.")
@format_option
@pass_app
def demo(app: AppContext, fresh: bool, fmt: Format) -> None:
    """Load the fictional sample city and print counts and the chains with their links."""
    store = app.store
    if fresh:
        store.clear()
    with progress_bar("载入示例城市", enabled=fmt == "table") as progress:
        report = load([sample_folder()], store, progress=progress)
    nodes, rels = store.count_nodes(), store.count_relationships()
    links = chain_links(store)
    notice = dataset_notice(store)
    cfg = load_analysis_config(app.settings.analysis_config)
    top_gaps = gaps(store, config=cfg.gaps).head(5)
    first = str(top_gaps["link"].iloc[0]) if not top_gaps.empty else None
    top_candidates = (
        candidates(store, first, 5, cfg.candidates, cfg.gaps, cfg.matching) if first is not None else None
    )
    if fmt == "json":
        chains = [
            {
                "id": cid,
                "name": grp["chain_name"].iloc[0],
                "links": grp[["link_id", "link_name", "stage"]].to_dict("records"),
            }
            for cid, grp in links.groupby("chain_id", sort=True)
        ]
        click.echo(
            to_json(
                {
                    "store": store.name,
                    "notice": notice,
                    "load_seconds": round(report.seconds, 3),
                    "nodes": nodes,
                    "relationships": rels,
                    "chains": chains,
                    "top_gaps": top_gaps[["link", "link_name", "status", "broken", "priority",
                                          "reasons"]].to_dict("records"),
                    "top_candidates": {
                        "link": first,
                        "candidates": [] if top_candidates is None else top_candidates[
                            ["rank", "id", "name", "score", "explanation"]].to_dict("records"),
                    },
                }
            )
        )
        return
    if fmt == "csv":
        click.echo(render_rows(links.to_dict("records"), "csv"))
        return
    click.echo(f"【示例数据】{notice}\n")
    click.echo(f"存储: {store.name}    载入耗时: {report.seconds:.1f} 秒\n")
    click.echo("节点（按标签）")
    click.echo(render_rows([{"label": k, "count": v} for k, v in nodes.items()], "table"))
    click.echo("\n关系（按类型）")
    click.echo(render_rows([{"type": k, "count": v} for k, v in rels.items()], "table"))
    click.echo("\n产业链与环节")
    for _, grp in links.groupby("chain_id", sort=True):
        click.echo(f"\n■ {grp['chain_name'].iloc[0]}（{grp['chain_id'].iloc[0]}）")
        for stage in STAGES:
            names = grp[grp["stage"] == stage]["link_name"].tolist()
            if names:
                click.echo(f"  {STAGE_ZH[stage]}: " + " → ".join(names))
    click.echo("\n重点缺口（前5）")
    for g in top_gaps.itertuples(index=False):
        mark = "【断链】" if g.broken else ""
        click.echo(f"  {g.priority:>5g}  {g.chain_name}·{g.link_name}{mark}：{g.reasons}")
    if top_candidates is not None and first is not None:
        click.echo(f"\n「{top_gaps['link_name'].iloc[0]}」招引候选（前5）")
        for c in top_candidates.itertuples(index=False):
            click.echo(f"  {c.rank}. {c.name}（{c.score:g}分）：{c.explanation}")
