"""Networks drawn in the browser, built with pyvis (vis-network), with local assets only.

pyvis builds every network (nodes, edges, options); the pages draw it with the vis-network script
that ships inside the pyvis package, served by the app under ``/static/vendor/vis-network/``
(:data:`VIS_DIR`). pyvis' own HTML template is not used: it loads Bootstrap from a CDN whatever
``cdn_resources`` says, and intranets have no internet. :func:`standalone_html` gives a notebook
one self-contained file (vis-network inlined, as ``cdn_resources="in_line"`` would).

Every node comes with its position (computed on the server, :mod:`tupu.api.graphlayout`) and
physics is off, so a browser draws a view of thousands of nodes once, in well under a second,
and it never moves by itself.

- :func:`chain_map`: chain links in stage columns, sized by local enterprises, coloured by
  status, 断链 outlined, FEEDS arrows; the whole city as one band per chain.
- :func:`explorer`: any nodes and relationships (an explorer view, a 以商引商 view).
- :func:`network`: an enterprise's one-hop neighbourhood (its profile page).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyvis
from pyvis.network import Network

from tupu.api import graphlayout
from tupu.api.queries.enterprises import LABEL_ZH
from tupu.api.serialize import Record
from tupu.graph.analyses.chain_links import STAGE_ZH, STAGES
from tupu.graph.analyses.gaps import STATUS_ZH
from tupu.graph.analyses.wording import money_text
from tupu.messages import msg

VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
VIS_URL = "/static/vendor/vis-network"  # + "/vis-network.min.js", "/vis-network.css"

COLOURS = {"Enterprise": "#1565c0", "University": "#6a1b9a", "Park": "#2e7d32",
           "Town": "#7cb342", "SubSector": "#90a4ae", "Fund": "#ef6c00", "Project": "#ad1457",
           "ChainLink": "#00838f", "Chain": "#4e342e", "Group": "#78909c"}
CITY_BANDS_PER_ROW = 2  # chains side by side in the whole city's map
MAX_LINK_SIZE = 38.0
OUTSIDE_COLOUR = "#90caf9"  # enterprises outside the city
STATUS_COLOURS = {"strong": "#2e7d32", "ok": "#1565c0", "weak": "#ef6c00", "missing": "#c62828"}
BROKEN_BORDER = "#212121"  # 断链: a dashed dark ring, whatever the status colour
HIGHLIGHT = "#d81b60"  # 以商引商 paths
REL_ZH = {"SUPPLIES": "供应", "COOPERATES_WITH": "合作", "SUBSIDIARY_OF": "子公司",
          "LOCATED_IN": "位于", "IN_SUBSECTOR": "细分领域", "INVESTED_IN": "投资", "OWNS": "承担"}
FONT = {"size": 15, "face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif",
        "strokeWidth": 3, "strokeColor": "#ffffff"}


class _NodeIds(list[Any]):
    """pyvis keeps its node ids in a list and looks every edge's ends up in it: with this
    set beside the list, building a 2,000-node network takes linear instead of quadratic time."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._seen.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._seen


def new_network() -> Network:
    """A directed pyvis network for the app's pages (vis-network served locally)."""
    net = Network(directed=True, cdn_resources="local")
    net.node_ids = _NodeIds()
    return net


COMPANY_SUFFIX = ("股份有限公司", "有限责任公司", "有限公司")


def short_name(name: str) -> str:
    """An enterprise's name for a label: without 有限公司 (its tooltip gives it whole)."""
    for suffix in COMPANY_SUFFIX:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _label(name: str, width: int = 10) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def base_options() -> dict[str, Any]:
    """What every drawn network shares: no physics (positions come from the server), straight
    edges, hover tooltips, readable labels."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "multiselect": False, "hideEdgesOnDrag": True},
        "nodes": {"font": FONT, "borderWidth": 1},
        "edges": {"smooth": False, "color": {"color": "#9aa5b1", "highlight": "#37474f",
                                             "hover": "#37474f"},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "font": {"size": 13, "align": "middle", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}},
    }


def _data(net: Network, options: dict[str, Any]) -> dict[str, Any]:
    nodes, edges, _, _, _, _ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": options}


def num(value: Any, digits: int = 0) -> str:
    """A count or a ratio as a tooltip writes it; — for none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.{digits}f}"


def pct(value: Any) -> str:
    return "—" if isinstance(value, bool) or not isinstance(value, (int, float)) \
        else f"{value * 100:.1f}%"


def money(value: Any) -> str:
    return money_text(float(value)) if isinstance(value, (int, float)) else "—"


# -- the chain map ------------------------------------------------------------------------------
def link_title(r: Mapping[str, Any]) -> str:
    """A link's figures as the tooltip says them (one per line)."""
    lines = [f"{r['chain_name']} · {r['link_name']}（{STAGE_ZH.get(str(r['stage']), r['stage'])}）",
             f"状态：{STATUS_ZH.get(str(r['status']), r['status'])}"
             + ("　断链" if r.get("broken") else ""),
             f"本地企业：{num(r['local_enterprises'])} 家（规上 {num(r['above_scale'])} 家）",
             "近四季营收：" + (money(r["revenue"]) if r.get("revenue") is not None
                          else "不显示（不足3家企业）"),
             f"同比增长：{pct(r.get('growth'))}",
             f"区位商 LQ：{num(r.get('lq'), 3)}",
             f"外地企业：{num(r['outside_enterprises'])} 家"]
    return "\n".join(lines)


def link_size(local: Any) -> float:
    """A link's dot size by its local enterprises (area grows with the count, up to a cap so
    that a dot and its label fit between two rows)."""
    n = local if isinstance(local, int) else 0
    return round(min(MAX_LINK_SIZE, 12 + 3.5 * math.sqrt(n)), 1)


def chain_map(data: Mapping[str, Any]) -> dict[str, Any]:
    """The chain map of :func:`tupu.api.queries.graphs.chain_map` as vis-network data."""
    rows: Sequence[Record] = data["links"]
    by_chain = [(cid, [r for r in rows if r["chain"] == cid]) for cid, _ in data["chains"]]
    by_chain = [(cid, rs) for cid, rs in by_chain if rs]
    names = dict(data["chains"])
    city = len(by_chain) > 1
    positions, titles = graphlayout.chain_bands(by_chain, CITY_BANDS_PER_ROW if city else 1)
    font = {**FONT, "size": 22 if city else 16}
    wrap = 8 if city else 9
    net = new_network()
    if not city:  # column headings above the chain
        for stage_no, stage in enumerate(STAGES):
            net.add_node(f"Stage:{stage}", label=STAGE_ZH[stage], shape="text", physics=False,
                         x=stage_no * graphlayout.COLUMN_GAP, y=-graphlayout.ROW_GAP * 0.8,
                         font={**FONT, "size": 20, "color": "#555"})
    else:  # each chain's name above its band
        for cid, _ in by_chain:
            x, y = titles[cid]
            net.add_node(f"Chain:{cid}", label=f"{names[cid]}（上游 → 中游 → 下游）",
                         shape="text", physics=False, x=x, y=y, title=str(names[cid]),
                         font={**FONT, "size": 28, "color": "#4e342e"})
    for r in rows:
        x, y = positions[r["link"]]
        colour = STATUS_COLOURS.get(str(r["status"]), "#78909c")
        broken = bool(r.get("broken"))
        net.add_node(
            f"ChainLink:{r['link']}", label=_wrap(str(r["link_name"]), wrap), title=link_title(r),
            font=font,
            shape="dot", size=link_size(r["local_enterprises"]), x=x, y=y, physics=False,
            color={"background": colour, "border": BROKEN_BORDER if broken else colour,
                   "highlight": {"background": colour, "border": "#000"},
                   "hover": {"background": colour, "border": "#000"}},
            borderWidth=5 if broken else 1, borderWidthSelected=6 if broken else 3,
            shapeProperties={"borderDashes": [7, 5]} if broken else {},
            status=r["status"], broken=broken, link=r["link"], chain=r["chain"],
        )
    for up, down in data["feeds"]:
        net.add_edge(f"ChainLink:{up}", f"ChainLink:{down}", title="供给下游（FEEDS）",
                     arrows="to", width=1.5)
    options = base_options()
    options["interaction"]["dragNodes"] = False
    if city:  # drawn at a readable size in a tall canvas the page scrolls past
        options["interaction"].update({"zoomView": False, "dragView": False})
    return {**_data(net, options), "city": city,
            "extent": graphlayout.extent([(n["x"], n["y"]) for n in net.nodes])}


def _wrap(text: str, width: int) -> str:
    """A label over lines of ``width`` characters (Chinese has no spaces to break at)."""
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


# -- the explorer -------------------------------------------------------------------------------
def node_title(rec: Mapping[str, Any], towns: Mapping[str, str], parks: Mapping[str, str],
               links: Mapping[str, str]) -> str:
    """A node's tooltip: what it is and where (no figures)."""
    if rec["kind"] == "Group":
        return msg("web.graph.group_title", name=rec["name"], count=rec["count"])
    lines = [f"{rec['label_zh']}：{rec['name']}"]
    if rec["kind"] == "Enterprise":
        lines.append("本地企业" if rec.get("local") else "外地企业")
        if rec.get("reg_status_zh"):
            lines.append(f"登记状态：{rec['reg_status_zh']}")
    if rec.get("town") and rec["kind"] != "Town":
        lines.append(f"区镇：{towns.get(rec['town'], rec['town'])}")
    if rec.get("park") and rec["kind"] != "Park":
        lines.append(f"园区：{parks.get(rec['park'], rec['park'])}")
    shown = [links.get(lk, lk) for lk in rec.get("links", [])][:6]
    if shown and rec["kind"] != "ChainLink":
        lines.append("产业链环节：" + "、".join(shown))
    return "\n".join(lines)


def kind_styles() -> dict[str, dict[str, Any]]:
    """How each kind of explorer node looks, as vis-network ``groups`` options: a node names
    its kind (``group``) instead of carrying its own colour, shape and size, which keeps a
    2,000-node answer small and quick for vis-network to take in."""
    styles: dict[str, dict[str, Any]] = {}
    for kind, colour in {**COLOURS, "Outside": OUTSIDE_COLOUR}.items():
        styles[kind] = {"color": {"background": colour, "border": colour},
                        "shape": "square" if kind == "Group" else "dot",
                        "size": {"Enterprise": 14, "Outside": 14, "Group": 20}.get(kind, 18),
                        "borderWidth": 1}
    return styles


def group_label(name: str, count: int) -> str:
    """An aggregate's label: its place and how many enterprises it stands for."""
    return msg("web.graph.group_label", name=_label(name, 8), count=count)


MAX_GROUP_SIZE = 48.0  # an aggregate of thousands must not cover its neighbours


def group_size(count: int) -> float:
    """An aggregate's square grows with its count, up to :data:`MAX_GROUP_SIZE`."""
    return round(min(MAX_GROUP_SIZE, 14 + 3 * math.sqrt(count)), 1)


def explorer_node(rec: Mapping[str, Any], pos: tuple[float, float], title: str,
                  highlight: bool = False) -> dict[str, Any]:
    """pyvis ``add_node`` options of one explorer node (its look comes from its ``group``,
    :func:`kind_styles`)."""
    kind = rec["kind"]
    style = "Outside" if kind == "Enterprise" and not rec.get("local") else kind
    if style not in COLOURS and style != "Outside":
        style = "Group"
    label = _label(short_name(str(rec["name"])) if kind == "Enterprise" else str(rec["name"]), 12)
    opts: dict[str, Any] = {
        "label": label, "title": title, "x": round(pos[0], 1), "y": round(pos[1], 1),
        "physics": False, "group": style,
    }
    if kind == "Group":
        opts |= {"label": group_label(str(rec["name"]), int(rec["count"])),
                 "size": group_size(int(rec["count"]))}
    if highlight:
        colour = kind_styles()[style]["color"]["background"]
        opts |= {"color": {"background": colour, "border": HIGHLIGHT}, "borderWidth": 4}
    keep = ("kind", "key", "name", "label_zh", "local", "town", "park", "links", "chains",
            "reg_status", "origin", "count", "members")
    opts.update({k: rec[k] for k in keep if k in rec})
    return opts


def explorer(nodes: Sequence[Record], edges: Sequence[Record],
             positions: Mapping[str, tuple[float, float]], names: Mapping[str, Mapping[str, str]],
             highlight_nodes: Collection[str] = (),
             highlight_edges: Collection[str] = ()) -> dict[str, Any]:
    """Explorer nodes and edges (records of :func:`tupu.api.queries.graphs.view_records`) at
    ``positions`` as vis-network data; ``names`` maps towns, parks and links to their names for
    the tooltips; highlighted nodes and edges (以商引商 paths) stand out."""
    net = new_network()
    for rec in nodes:
        title = node_title(rec, names["towns"], names["parks"], names["links"])
        net.add_node(rec["id"], **explorer_node(rec, positions[rec["id"]], title,
                                                rec["id"] in highlight_nodes))
    for e in edges:
        lit = e["id"] in highlight_edges
        net.add_edge(e["from"], e["to"], id=e["id"], rel=e["type"], rel_zh=e["type_zh"],
                     **({"color": HIGHLIGHT, "width": 4} if lit else {}))
    options = base_options()
    options["groups"] = kind_styles()
    # the browser merges aggregates that several expansions return, and words them the same way
    texts = {"group_label": msg("web.graph.group_label", name="{name}", count="{count}"),
             "group_title": msg("web.graph.group_title", name="{name}", count="{count}")}
    return {**_data(net, options), "texts": texts}


def layout_view(nodes: Sequence[Record], edges: Sequence[Record]) -> dict[str, tuple[float, float]]:
    """Server-side positions of an explorer view (igraph Fruchterman–Reingold)."""
    ids = [n["id"] for n in nodes]
    found = graphlayout.force_layout(ids, [(e["from"], e["to"]) for e in edges])
    return {str(k): v for k, v in found.items()}


def layout_rings(nodes: Sequence[str], centre: tuple[float, float],
                 taken: int = 0) -> dict[str, tuple[float, float]]:
    """Positions of nodes expanded from a node at ``centre``: rings around it."""
    spots = graphlayout.rings(centre, len(nodes), taken)
    return {n: spots[i] for i, n in enumerate(nodes)}


def layout_columns(columns: Mapping[str, int]) -> dict[str, tuple[float, float]]:
    """Positions of a 以商引商 view: the candidate, intermediaries, local partners."""
    groups: list[list[str]] = [[], [], []]
    for node_id, col in sorted(columns.items()):
        groups[col].append(node_id)
    found = graphlayout.columns(groups, gap=graphlayout.COLUMN_GAP * 1.2)
    return {str(k): v for k, v in found.items()}


# -- an enterprise's neighbourhood (its profile page) -------------------------------------------
def network(neighbourhood: dict[str, Any], centre: str) -> dict[str, Any]:
    """The vis-network data of a neighbourhood (as :func:`tupu.api.queries.enterprises.
    neighbourhood` gives it): the centre in the middle, its neighbours on rings around it."""
    net = Network(height="520px", width="100%", directed=True, cdn_resources="local")
    others = [n for n in neighbourhood["nodes"] if n["id"] != centre]
    spots = graphlayout.rings((0.0, 0.0), len(others))
    places = {n["id"]: spots[i] for i, n in enumerate(others)} | {centre: (0.0, 0.0)}
    for n in neighbourhood["nodes"]:
        is_centre = n["id"] == centre
        x, y = places[n["id"]]
        net.add_node(
            n["id"], label=_label(str(n["name"]), 16 if is_centre else 10),
            title=f"{LABEL_ZH.get(n['label'], n['label'])}：{n['name']}",
            color=COLOURS.get(n["label"], "#78909c"), shape="dot", size=26 if is_centre else 14,
            x=round(x, 1), y=round(y, 1), physics=False,
        )
    for r in neighbourhood["relationships"]:
        net.add_edge(r["start"], r["end"], title=REL_ZH.get(r["type"], r["type"]),
                     label=REL_ZH.get(r["type"], r["type"]))
    return _data(net, base_options())


# -- a notebook's standalone file ---------------------------------------------------------------
def standalone_html(data: Mapping[str, Any], title: str) -> str:
    """One self-contained HTML file drawing ``data`` (as the functions above give it), with
    pyvis' vis-network inlined — what pyvis' ``cdn_resources="in_line"`` does, without pyvis'
    template, which would still fetch Bootstrap from a CDN — so that it opens offline."""
    script = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    payload = json.dumps({"nodes": data["nodes"], "edges": data["edges"],
                          "options": data["options"]}, ensure_ascii=False)
    payload = payload.replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{css}\nhtml,body,#g{{height:100%;margin:0}}"
        ".vis-tooltip{white-space:pre-line}</style>"
        f"<script>{script}</script></head><body><div id=\"g\"></div><script>"
        f"var d={payload};new vis.Network(document.getElementById('g'),"
        "{nodes:new vis.DataSet(d.nodes),edges:new vis.DataSet(d.edges)},d.options);"
        "</script></body></html>\n"
    )
