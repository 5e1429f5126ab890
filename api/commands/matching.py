"""``tupu clusters``, ``tupu impact``, ``tupu anchors``, ``tupu parks`` and ``tupu pairs``:
特色产业集群, anchor impact, landing and matching."""

from __future__ import annotations

import click

from tupu.api.commands.analyses import frame_rows, show
from tupu.api.commands.common import format_option, pass_app, save_option
from tupu.api.context import AppContext
from tupu.api.output import Format, to_json
from tupu.graph.analyses.clusters import clusters as find_clusters, summary as cluster_summary
from tupu.graph.analyses.config import load_analysis_config
from tupu.graph.analyses.gaps import STATUS_ZH
from tupu.graph.analyses.impact import anchor_impact, anchors as rank_anchors
from tupu.graph.analyses.matching import fund_pairs, pair_scope, parks_for, university_pairs
from tupu.graph.analyses.names import resolve, resolve_optional
from tupu.graph.analyses.regstatus import named
from tupu.messages import msg

CLUSTER_TABLE = ["cluster", "label", "size", "above_scale", "revenue", "significant", "links",
                 "internal_ties", "leader"]
IMPACT_LINK_TABLE = ["chain_name", "link", "link_name", "local_before", "local_after",
                     "status_before", "status_after", "broken_after", "change"]
ORPHAN_TABLE = ["enterprise", "name", "park", "town", "loses_zh", "product", "annual_value"]
ANCHOR_TABLE = ["rank", "id", "name", "park", "annual_revenue", "links_down", "newly_broken",
                "lose_supplier", "lose_customer", "score", "explanation"]
PARK_TABLE = ["rank", "park", "park_name", "town", "vacant_area", "score", "current", "reasons"]
UNIVERSITY_TABLE = ["rank", "university", "university_name", "enterprise", "enterprise_name", "local", "existing", "score",
                    "reasons"]
FUND_TABLE = ["rank", "fund", "fund_name", "target_kind", "target", "target_name", "stage", "score", "fit",
              "existing", "reasons"]


def _limit(limit: int) -> int | None:
    return None if limit <= 0 else limit


@click.command()
@format_option
@save_option
@pass_app
def clusters(app: AppContext, fmt: Format) -> None:
    """特色产业集群: communities of local enterprises, counted against the plan's 3–5.

    json gives {"summary": …, "clusters": […]}; csv gives the clusters, the summary on stderr.
    """
    cfg = load_analysis_config(app.settings.analysis_config).clusters
    df = find_clusters(app.store, cfg)
    summ = cluster_summary(df, cfg)
    if fmt == "json":
        click.echo(to_json({"summary": summ.to_dict(), "clusters": frame_rows(df)}))
        return
    show(df, fmt, CLUSTER_TABLE)
    if fmt == "table":
        click.echo("")
        click.echo(summ.text)
    else:
        click.echo(summ.text, err=True)


@click.command()
@click.argument("enterprise")
@click.option("--show", "part", type=click.Choice(["links", "orphans"]), default="links",
              show_default=True, help="What csv lists (table and json show both).")
@format_option
@pass_app
def impact(app: AppContext, enterprise: str, part: str, fmt: Format) -> None:
    """What breaks in the chains if the local ENTERPRISE (id, Chinese full or short name) leaves."""
    cfg = load_analysis_config(app.settings.analysis_config)
    key = resolve(app.store, "Enterprise", enterprise)
    result = anchor_impact(app.store, key, cfg.impact, cfg.gaps)
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
        return
    links = result.links.assign(
        status_before=result.links["status_before"].map(STATUS_ZH),
        status_after=result.links["status_after"].map(STATUS_ZH),
    )
    if fmt == "csv":
        if part == "links":
            show(links, fmt, IMPACT_LINK_TABLE)
        else:
            show(result.orphans, fmt, ORPHAN_TABLE)
        return
    click.echo(f"{result.name}（{result.enterprise}）离开的影响：得分{result.score:g}")
    click.echo(result.explanation)
    click.echo("")
    click.echo("环节变化：")
    show(links, fmt, IMPACT_LINK_TABLE)
    click.echo("")
    click.echo("失去唯一本地供应商或客户的企业：")
    show(result.orphans, fmt, ORPHAN_TABLE)


@click.command()
@click.option("--top", type=int, default=20, show_default=True, help="At most this many (0: all).")
@format_option
@save_option
@pass_app
def anchors(app: AppContext, top: int, fmt: Format) -> None:
    """Local enterprises ranked by what their leaving would break (anchor impact)."""
    cfg = load_analysis_config(app.settings.analysis_config)
    df = rank_anchors(app.store, _limit(top), cfg.impact, cfg.gaps)
    show(df, fmt, ANCHOR_TABLE)


@click.command()
@click.argument("enterprise", required=False)
@click.option("--limit", type=int, default=0, help="At most this many parks (0: all).")
@format_option
@save_option
@pass_app
def parks(app: AppContext, enterprise: str | None, limit: int, fmt: Format) -> None:
    """Without ENTERPRISE: every park with its id, town, space and positioning. With ENTERPRISE
    (id, Chinese full or short name; local or an outside candidate): the best parks for it."""
    if enterprise is None:
        from tupu.api.commands.lists import PARK_LIST_TABLE
        from tupu.graph.analyses.lists import parks as list_parks

        show(list_parks(app.store), fmt, PARK_LIST_TABLE)
        return
    cfg = load_analysis_config(app.settings.analysis_config)
    key = resolve(app.store, "Enterprise", enterprise)
    df = parks_for(app.store, key, cfg.matching, cfg.candidates)
    n = _limit(limit)
    if fmt == "table":  # who the parks are for, with its status unless plain (注销 …)
        node = app.store.get_node("Enterprise", key)
        props = node.props if node is not None else {}
        click.echo(msg("parks.for_enterprise", key=key,
                       name=named(props.get("name", key), props.get("reg_status"))))
    show(df if n is None else df.head(n), fmt, PARK_TABLE)


@click.command()
@click.argument("kind", type=click.Choice(["universities", "funds"]))
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many (0: all).")
@click.option("--existing", "which", flag_value="existing",
              help="Only the pairs that already work together (listed apart from the new ones).")
@click.option("--all", "which", flag_value="all", help="New and existing pairs together.")
@click.option("--chain", default=None, help="Only enterprises of this chain (id or name).")
@click.option("--link", default=None, help="Only enterprises of this chain link (id or name).")
@click.option("--enterprise", default=None, help="Only this enterprise (id or name).")
@click.option("--university", default=None, help="Only this university (id or name).")
@click.option("--fund", default=None, help="Only this fund (id or name).")
@format_option
@save_option
@pass_app
def pairs(app: AppContext, kind: str, limit: int, which: str | None, chain: str | None,
          link: str | None, enterprise: str | None, university: str | None, fund: str | None,
          fmt: Format) -> None:
    """产学研结对 (universities) or 融资对接 (funds): new pairs ranked with reasons (existing
    ones with --existing)."""
    cfg = load_analysis_config(app.settings.analysis_config).matching
    store = app.store
    scope = pair_scope(store, resolve_optional(store, "Chain", chain),
                       resolve_optional(store, "ChainLink", link),
                       resolve_optional(store, "Enterprise", enterprise))
    chosen = which or "new"
    if kind == "universities":
        unis = None if university is None else {resolve(store, "University", university)}
        df = university_pairs(store, cfg, _limit(limit), chosen, scope, unis)  # type: ignore[arg-type]
        show(df, fmt, UNIVERSITY_TABLE)
    else:
        funds = None if fund is None else {resolve(store, "Fund", fund)}
        df = fund_pairs(store, cfg, _limit(limit), chosen, scope, funds)  # type: ignore[arg-type]
        show(df, fmt, FUND_TABLE)
    if fmt == "table" and chosen == "new":
        click.echo("")
        click.echo(msg("pairs.existing_apart", kind=kind))
