"""招商手册: a printable booklet for outside enterprises about one chain or one park.

The plan asks the city to 发布招商手册. :func:`build_handbook` gathers, for a chain (or for the
chains a park is positioned for): what the city has along the chain — per link its stage, the
number of local enterprises and its status, aggregates only, never an enterprise's figure — the
gaps it wants filled (missing and weak links, with why), the parks with their space and
positioning, and the universities and funds to work with. :func:`to_html` renders it as one
self-contained zh-CN page (inline CSS with print rules, an inline SVG chart, no script, no
external asset).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from tupu.graph.analyses import lists
from tupu.graph.analyses.chain_links import STAGE_ZH
from tupu.graph.analyses.config import GapConfig
from tupu.graph.analyses.gaps import STATUS_ZH, gaps, panorama
from tupu.graph.analyses.notice import dataset_notice
from tupu.graph.exports.charts import bars_svg
from tupu.errors import InputError, UnknownName
from tupu.graph.analyses.names import resolve
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.matching import STAGE_ZH as STAGE_ZH_FUNDS
from tupu.graph.analyses.plain import VALUES_ZH
from tupu.messages import MESSAGES, msg


@dataclass(frozen=True)
class Handbook:
    """What a handbook says (all aggregates or public facts)."""

    title: str
    subject: str  # the chain's or the park's name
    city: str
    notice: str
    chains: pd.DataFrame  # chain, name
    links: pd.DataFrame  # chain_name, link_name, stage_zh, local_enterprises, status_zh
    gaps: pd.DataFrame  # chain_name, link_name, status_zh, broken, reasons
    parks: pd.DataFrame  # name, town_name, level, floor_area, vacant_area, positioning, links
    universities: pd.DataFrame  # name, city, local, disciplines, fields
    funds: pd.DataFrame  # name, kind, stages, ticket, fields


def handbook_of(store: GraphStore, subject: str, config: GapConfig | None = None) -> Handbook:
    """The handbook of ``subject``, a chain or else a park (id, Chinese full or short name); no
    match raises :class:`InputError` with the closest names and every chain and park."""
    try:
        return build_handbook(store, chain=resolve(store, "Chain", subject), config=config)
    except UnknownName as as_chain:
        try:
            return build_handbook(store, park=resolve(store, "Park", subject), config=config)
        except UnknownName as as_park:
            close = as_chain.suggestions + as_park.suggestions
            hint = (msg("names.did_you_mean", names="、".join(close)) if close else "") + \
                msg("names.valid", what=msg("names.label.Chain"), names="、".join(as_chain.valid)) + \
                msg("names.valid", what=msg("names.label.Park"), names="、".join(as_park.valid))
            raise InputError(msg("handbook.not_found", text=subject, hint=hint)) from as_park


def build_handbook(store: GraphStore, chain: str | None = None, park: str | None = None,
                   config: GapConfig | None = None) -> Handbook:
    """The handbook of ``chain`` (id) or of ``park`` (id: the chains it is positioned for)."""
    every = lists.links(store)
    parks = lists.parks(store)
    positioned: dict[str, set[str]] = {}
    for r in store.find_relationships("POSITIONED_FOR"):
        positioned.setdefault(r.start.key, set()).add(r.end.key)
    if park is not None:
        chain_ids = sorted(set(every[every["link"].isin(positioned.get(park, set()))]["chain"]))
        subject = str(parks.set_index("park").loc[park, "name"])
    else:
        assert chain is not None
        chain_ids = [chain]
        subject = str(store.get_node("Chain", chain).props.get("name", chain))  # type: ignore[union-attr]
    mine = every[every["chain"].isin(chain_ids)]
    link_ids = set(mine["link"])
    pan = panorama(store, None, None, config)
    pan = pan[pan["link"].isin(link_ids)]
    link_rows = pan.assign(stage_zh=pan["stage"].map(STAGE_ZH),
                           status_zh=pan["status"].map(STATUS_ZH))[
        ["chain_name", "link_name", "stage_zh", "local_enterprises", "status_zh"]]
    gp = gaps(store, None, None, config)
    gp = gp[gp["link"].isin(link_ids)].assign(status_zh=lambda d: d["status"].map(STATUS_ZH))
    gap_rows = gp[["chain_name", "link_name", "status_zh", "broken", "reasons"]]
    link_names = dict(zip(every["link"], every["name"], strict=True))
    park_ids = sorted(p for p, ls in positioned.items() if ls & link_ids)
    if park is not None and park not in park_ids:
        park_ids.append(park)
    chosen = parks[parks["park"].isin(park_ids)].copy()
    chosen["level"] = chosen["level"].map(lambda v: VALUES_ZH.get(str(v), v) if v else v)
    chosen["links"] = ["；".join(sorted(link_names[x] for x in positioned.get(p, set()) & link_ids))
                       for p in chosen["park"]]
    codes = sorted({r.end.key for r in store.adjacent("COVERS", "ChainLink", link_ids, "out")})
    sub_names = {n.key: str(n.props.get("name", n.key)) for n in store.get_nodes("SubSector", codes)}
    uni_fields: dict[str, set[str]] = {}
    for r in store.adjacent("STRONG_IN", "SubSector", codes, "in"):
        uni_fields.setdefault(r.start.key, set()).add(sub_names[r.end.key])
    unis = pd.DataFrame([
        {"name": n.props.get("name", n.key), "city": n.props.get("city"),
         "local": n.props.get("local") is True, "disciplines": n.props.get("disciplines"),
         "fields": "；".join(sorted(uni_fields[n.key]))}
        for n in store.get_nodes("University", uni_fields)
    ], columns=["name", "city", "local", "disciplines", "fields"])
    if not unis.empty:
        unis = unis.sort_values(["local", "name"], ascending=[False, True])
    fund_fields: dict[str, set[str]] = {}
    for r in store.adjacent("FOCUSES_ON", "SubSector", codes, "in"):
        fund_fields.setdefault(r.start.key, set()).add(sub_names[r.end.key])
    funds = pd.DataFrame([
        {"name": n.props.get("name", n.key), "kind": _kind(n.props.get("kind")),
         "stages": "、".join(STAGE_ZH_FUNDS.get(s.strip(), s.strip())
                            for s in str(n.props.get("stages") or "").split(";") if s.strip()),
         "ticket": _ticket(n.props),
         "fields": "；".join(sorted(fund_fields[n.key]))}
        for n in store.get_nodes("Fund", fund_fields)
    ], columns=["name", "kind", "stages", "ticket", "fields"])
    datasets = store.find_nodes("Dataset")
    city = next((str(d.props["city"]) for d in datasets if d.props.get("city")), "")
    chains = lists.chains(store)
    return Handbook(
        title=msg("handbook.title", city=city, subject=subject), subject=subject, city=city,
        notice=dataset_notice(store), chains=chains[chains["chain"].isin(chain_ids)],
        links=link_rows, gaps=gap_rows, parks=chosen, universities=unis, funds=funds,
    )


def _kind(kind: object) -> str:
    key = f"handbook.fund_kind.{kind}"
    return msg(key) if key in MESSAGES else str(kind or "")


def _ticket(props: object) -> str:
    p = props if isinstance(props, dict) else {}
    lo, hi = p.get("ticket_min"), p.get("ticket_max")
    if lo is None and hi is None:
        return ""
    return f"{lo or 0:g}–{hi:g}万元" if hi is not None else f"{lo:g}万元起"


_CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",
sans-serif;margin:0;color:#222;line-height:1.7;background:#fff}
main{max-width:980px;margin:0 auto;padding:32px}
h1{font-size:28px;border-bottom:3px solid #8b1a1a;padding-bottom:8px}
h2{font-size:20px;color:#8b1a1a;margin-top:32px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3ecec}
.demo{background:#fff3cd;padding:8px 12px;border-left:4px solid #e0a800}
.lead{font-size:16px}
footer{margin-top:32px;border-top:1px solid #ccc;color:#666;font-size:13px}
@page{size:A4;margin:18mm 15mm}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}
table,figure{break-inside:avoid}.demo{border:1px solid #e0a800}}
"""


def to_html(h: Handbook) -> str:
    """The handbook as one printable, self-contained zh-CN page."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(h.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             "<main>", f"<h1>{e(h.title)}</h1>"]
    if h.notice:
        parts.append(f'<p class="demo">{e(h.notice)}</p>')
    parts.append(f'<p class="lead">{e(msg("handbook.lead", city=h.city, subject=h.subject))}</p>')
    parts.append(f"<h2>{e(msg('handbook.links'))}</h2>")
    counts = h.links
    if not counts.empty:
        top = max(int(counts["local_enterprises"].max()), 1)
        rows = [(f"{r.chain_name}·{r.link_name}" if len(h.chains) > 1 else str(r.link_name),
                 int(r.local_enterprises) / top, None,
                 {"缺失": "滞后", "薄弱": "滞后"}.get(str(r.status_zh), "按进度"))
                for r in counts.itertuples(index=False)]
        parts.append('<figure>' + bars_svg(rows, msg("handbook.chart"), scale=top) + "</figure>")
    parts.append(_table(counts, ["chain_name", "link_name", "stage_zh", "local_enterprises",
                                 "status_zh"], "handbook.col"))
    parts.append(f"<h2>{e(msg('handbook.gaps'))}</h2>")
    parts.append(_table(h.gaps.assign(broken=h.gaps["broken"].map({True: "是", False: ""})),
                        ["chain_name", "link_name", "status_zh", "broken", "reasons"],
                        "handbook.col"))
    parts.append(f"<h2>{e(msg('handbook.parks'))}</h2>")
    parts.append(_table(h.parks, ["name", "town_name", "level", "floor_area", "vacant_area",
                                  "positioning", "links"], "handbook.park"))
    parts.append(f"<h2>{e(msg('handbook.universities'))}</h2>")
    parts.append(_table(h.universities.assign(
        local=h.universities["local"].map({True: "本地校区", False: ""})),
        ["name", "city", "local", "fields", "disciplines"], "handbook.uni"))
    parts.append(f"<h2>{e(msg('handbook.funds'))}</h2>")
    parts.append(_table(h.funds, ["name", "kind", "stages", "ticket", "fields"], "handbook.fund"))
    parts += [f"<footer>{e(msg('handbook.footer'))}</footer>", "</main>", "</body>", "</html>",
              ""]
    return "\n".join(parts)


def _table(df: pd.DataFrame, columns: list[str], prefix: str) -> str:
    e = html.escape
    if df.empty:
        return f"<p>{e(msg('handbook.none'))}</p>"
    head = "".join(f"<th>{e(msg(f'{prefix}.{c}'))}</th>" for c in columns)
    body = []
    for _, r in df.iterrows():
        cells = []
        for c in columns:
            v = r[c]
            text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else (
                f"{v:,.0f}" if isinstance(v, float) else str(v))
            cells.append(f"<td>{e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
