"""What the chain map and the explorer draw: chain links with their strength, a link's panel,
search, neighbourhoods and 以商引商 paths — as plain data (node and edge records, positions are
added by :mod:`tupu.api.graphview`).

Nothing here returns an enterprise figure except :func:`link_panel` for analysts; the one place
where the viewer's redaction is applied to enterprise rows is :func:`_enterprise_rows`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.http_errors import NotFound
from tupu.api.queries import attraction, overview
from tupu.api.queries.enterprises import LABEL_ZH, node_name
from tupu.api.serialize import Record, native
from tupu.errors import UsageError
from tupu.messages import msg
from tupu.graph.analyses import frames
from tupu.graph.analyses.candidates import TIE_TYPES
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.gaps import PANORAMA_COLUMNS
from tupu.graph.analyses.strength import Locality, link_members, locality
from tupu.graph.stores.model import Node, NodeRef, Relationship
from tupu.graph.stores.store import GraphStore
from tupu.ontology.vocab import REG_STATUS_ZH, Label, Rel, is_dead

EXPLORE_LABELS = (Label.Enterprise, Label.Park, Label.Town, Label.University, Label.Fund,
                  Label.Project, Label.ChainLink, Label.Chain, Label.SubSector)
EXPLORE_TYPES = (Rel.SUPPLIES, Rel.COOPERATES_WITH, Rel.SUBSIDIARY_OF, Rel.INVESTED_IN, Rel.OWNS,
                 Rel.LOCATED_IN, Rel.IN_TOWN, Rel.IN_SUBSECTOR, Rel.COVERS, Rel.HAS_LINK,
                 Rel.FEEDS, Rel.POSITIONED_FOR, Rel.STRONG_IN, Rel.FOCUSES_ON, Rel.PART_OF)
REL_ZH = {Rel.SUPPLIES: "供应", Rel.COOPERATES_WITH: "合作", Rel.SUBSIDIARY_OF: "子公司",
          Rel.INVESTED_IN: "投资", Rel.OWNS: "承担", Rel.LOCATED_IN: "位于", Rel.IN_TOWN: "属于区镇",
          Rel.IN_SUBSECTOR: "细分领域", Rel.COVERS: "涵盖", Rel.HAS_LINK: "环节",
          Rel.FEEDS: "供给下游", Rel.POSITIONED_FOR: "定位", Rel.STRONG_IN: "优势学科",
          Rel.FOCUSES_ON: "关注", Rel.PART_OF: "上级分类"}
KIND_ZH = {**LABEL_ZH, Label.Chain: "产业链", "Group": "企业汇总"}
PANEL_ENTERPRISES = 30
PANEL_CANDIDATES = 5
SEARCH_LIMIT = 20
# Drop these words before matching a search, so that 太仓XX文化有限公司 finds XX文化 and back.
_PREFIXES = re.compile(r"^(江苏省)?(苏州市)?(太仓市|太仓)")
_SUFFIXES = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司)$")
_SPACE = re.compile(r"[\s()（）·]+")


# -- the chain map ------------------------------------------------------------------------------
def chain_map(store: GraphStore, cfg: AnalysisConfig, role: Role, scope: str,
              chain: str | None) -> dict[str, Any]:
    """Every link of ``chain`` (all chains when None) with its strength in ``scope``, the FEEDS
    between them, and the chains' names in order."""
    rows = attraction.gaps(store, cfg, role, scope, chain, every_link=True)
    shown = {r["link"] for r in rows}
    feeds = [(str(a), str(b)) for a, b in frames.feeds(store).itertuples(index=False)
             if a in shown and b in shown]
    chains = [(c["id"], str(c["name"])) for c in overview.chains(store)
              if chain is None or c["id"] == chain]
    return {"scope": scope, "chain": chain, "links": rows, "feeds": feeds, "chains": chains}


def link_panel(store: GraphStore, cfg: AnalysisConfig, role: Role, link: str,
               scope: str = "city") -> dict[str, Any]:
    """A link's side panel: its strength in ``scope``, the gap reasons, its local enterprises
    (ranked), the top candidates with their explanation and the parks positioned for it."""
    info = attraction.link_info(store, link)
    where = attraction.scope_of(store, scope)
    gap, row = attraction.link_row(store, cfg, role, scope, str(info["link"]))
    strength = {k: row[k] for k in PANORAMA_COLUMNS if k in row}
    members = link_members(store, [link])[link]
    here = locality(store)
    local = sorted(members & here.in_scope(where))
    found = attraction.candidates(store, cfg, role, link, PANEL_CANDIDATES)
    return {
        **info, "scope": scope, "strength": strength,
        "reasons": gap["reasons"].split("；") if gap and gap.get("reasons") else [],
        "priority": gap["priority"] if gap else None,
        "enterprises": _enterprise_rows(store, role, local, here)[:PANEL_ENTERPRISES],
        "enterprise_count": len(local),
        "candidates": found["candidates"],
        "parks": _positioned_parks(store, link),
    }


def _enterprise_rows(store: GraphStore, role: Role, keys: Sequence[str],
                     here: Locality) -> list[Record]:
    """Enterprises ranked: by annual revenue for analysts (with their figures); for viewers, who
    see no figures, above-scale ones first, then by name. Dead ones are left out."""
    town_names = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("Town")}
    rows = []
    for n in store.get_nodes("Enterprise", keys):
        if is_dead(n.props.get("reg_status")):
            continue
        props = dict(n.props) if role >= Role.analyst else disclosure.enterprise_props(role, n.props)
        row: Record = {"id": n.key, "name": props.get("name", n.key),
                       "short_name": props.get("short_name"),
                       "above_scale": props.get("above_scale") is True,
                       "town": town_names.get(here.town.get(n.key) or "")}
        if role >= Role.analyst:
            row |= {"annual_revenue": props.get("annual_revenue"),
                    "employees": props.get("employees")}
        rows.append(native(row))
    if role >= Role.analyst:
        rows.sort(key=lambda r: (-(r["annual_revenue"] or 0.0), r["name"], r["id"]))
    else:
        rows.sort(key=lambda r: (not r["above_scale"], r["name"], r["id"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def _positioned_parks(store: GraphStore, link: str) -> list[Record]:
    keys = [r.start.key for r in store.adjacent("POSITIONED_FOR", "ChainLink", [link], "in")]
    in_town = {r.start.key: r.end.key for r in store.adjacent("IN_TOWN", "Park", keys)}
    towns = {n.key: str(n.props.get("name", n.key))
             for n in store.get_nodes("Town", set(in_town.values()))}
    out = [{"id": p.key, "name": p.props.get("name", p.key),
            "vacant_area": native(p.props.get("vacant_area")),
            "town": towns.get(in_town.get(p.key, ""))} for p in store.get_nodes("Park", keys)]
    return sorted(out, key=lambda r: (-(r["vacant_area"] or 0.0), r["id"]))


# -- the explorer: search -----------------------------------------------------------------------
def normalise(text: str) -> str:
    """A name as search compares it: no spaces or brackets, no 太仓 prefix, no 有限公司 suffix."""
    plain = _SPACE.sub("", text).lower()
    core = _SUFFIXES.sub("", _PREFIXES.sub("", plain))
    return core or plain


def search(store: GraphStore, query: str, limit: int = SEARCH_LIMIT) -> list[Record]:
    """Nodes whose name, short name or key contains ``query`` (see :func:`normalise`); exact
    matches first, then names starting with it, local enterprises before outside ones."""
    raw = _SPACE.sub("", query).lower()
    if not raw:
        return []
    q = normalise(query)
    here = locality(store)
    found: list[tuple[tuple[int, int, int, str], Record]] = []
    for label in EXPLORE_LABELS:
        for n in store.node_values(label, _search_props(label)):
            names = [str(n.props.get(p) or "") for p in ("name", "short_name")]
            texts = [normalise(t) for t in names if t]
            key = n.key.lower()
            if not (any(q in t for t in texts) or raw in key
                    or any(raw in _SPACE.sub("", t).lower() for t in names if t)):
                continue
            exact = any(q == t for t in texts) or raw == key
            starts = any(t.startswith(q) for t in texts) or key.startswith(raw)
            local = label != Label.Enterprise or n.key in here.park
            display = node_name(n)
            rank = (0 if exact else 1 if starts else 2, 0 if local else 1, len(display), display)
            found.append((rank, {**node_record(n, here), "short_name": n.props.get("short_name")}))
    found.sort(key=lambda f: f[0])
    return [r for _, r in found[:limit]]


def _search_props(label: str) -> tuple[str, ...]:
    return ("name", "short_name", "reg_status") if label == Label.Enterprise else ("name",)


# -- the explorer: views ------------------------------------------------------------------------
@dataclass
class View:
    """Nodes and relationships being drawn, with the aggregates that stand for too many."""

    nodes: dict[str, Node] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], Relationship] = field(default_factory=dict)
    groups: dict[str, Record] = field(default_factory=dict)  # aggregate id → its record
    # (expanded node, aggregate id) → the enterprises that expansion put in the aggregate
    group_edges: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # node → the node it was expanded from
    place_names: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.nodes) + len(self.groups)


def parse_ref(text: str) -> NodeRef:
    """``Label:key`` as a reference to an explorable node; :class:`NotFound` otherwise."""
    label, sep, key = text.partition(":")
    if not sep or not key or label not in EXPLORE_LABELS:
        raise UsageError(msg("web.graph.bad_node", text=text))
    return NodeRef(label, key)


def check_types(types: Iterable[str] | None) -> tuple[str, ...]:
    """The relationship types asked for (all explorable ones when None); unknown ones refused."""
    if types is None:
        return tuple(EXPLORE_TYPES)
    wanted = tuple(t for t in types if t)
    bad = [t for t in wanted if t not in EXPLORE_TYPES]
    if bad:
        raise UsageError(msg("web.graph.bad_types", types="、".join(bad)))
    return wanted


def seed(store: GraphStore, view: View, ref: NodeRef) -> Node:
    node = store.get_node(ref.label, ref.key)
    if node is None:
        raise NotFound(msg("web.graph.no_node", label=KIND_ZH.get(ref.label, ref.label),
                           key=ref.key))
    view.nodes.setdefault(str(ref), node)
    return node


def expand(store: GraphStore, view: View, ref: NodeRef, types: Sequence[str], limit: int,
           here: Locality) -> list[str]:
    """Add the neighbours of ``ref`` through ``types`` to ``view``; past ``limit`` new nodes,
    enterprises are drawn as aggregates (by park, else town; outside ones together). Returns the
    ids added."""
    centre = seed(store, view, ref)
    if not types:
        return []
    sub = store.neighbourhood(centre.ref, 1, types)
    me = str(centre.ref)
    fresh = [n for n in sub.nodes if (node_id := str(n.ref)) not in view.nodes and node_id != me
             and not (n.label == Label.Enterprise and is_dead(n.props.get("reg_status")))]
    added: list[str] = []
    if len(fresh) > limit:
        firms = [n for n in fresh if n.label == Label.Enterprise]
        fresh = [n for n in fresh if n.label != Label.Enterprise][:limit]
        added += _aggregate(store, view, str(centre.ref), firms, here)
    for n in fresh:
        node_id = str(n.ref)
        view.nodes[node_id] = n
        view.origin.setdefault(node_id, me)
        added.append(node_id)
    for r in sub.relationships:
        a, b = str(r.start), str(r.end)
        if me in (a, b) and a in view.nodes and b in view.nodes:
            view.rels[(a, r.type, b)] = r
    return added


def _aggregate(store: GraphStore, view: View, centre: str, firms: Sequence[Node],
               here: Locality) -> list[str]:
    """Enterprises drawn as one node per park (else town; outside ones together), shared by
    every expansion of the view (its members are the union of theirs), joined to ``centre`` by
    an edge counting the enterprises this expansion put in it."""
    if not view.place_names:
        view.place_names = {(kind, n.key): str(n.props.get("name", n.key))
                            for kind, label in (("park", "Park"), ("town", "Town"))
                            for n in store.find_nodes(label)}
    mine: dict[str, set[str]] = {}
    for n in firms:
        park, town = here.park.get(n.key), here.town.get(n.key)
        kind, key = ("park", park) if park else ("town", town) if town else ("outside", "")
        gid = f"Group:{kind}:{key}"
        if gid not in view.groups:
            view.groups[gid] = {
                "id": gid, "kind": "Group", "label_zh": KIND_ZH["Group"],
                "name": view.place_names.get((kind, key or ""), "外地"), "members": set(),
                "place": kind, "town": key if kind == "town" else here.town.get(n.key),
                "park": key if kind == "park" else None, "local": kind != "outside",
                "links": [], "chains": []}
            view.origin[gid] = centre
        view.groups[gid]["members"].add(n.key)
        mine.setdefault(gid, set()).add(n.key)
    for gid, keys in mine.items():
        view.group_edges.setdefault((centre, gid), set()).update(keys)
    return sorted(mine)


def build_view(store: GraphStore, seeds: Sequence[str], expanded: Sequence[str],
               types: Sequence[str], limit: int, expand_limit: int,
               here: Locality | None = None) -> View:
    """The view a URL describes: its seed nodes, and the neighbours of each expanded node, in
    order, up to ``limit`` nodes in all (each expansion past ``expand_limit`` aggregated)."""
    view = View()
    here = here or locality(store)
    for s in seeds:
        seed(store, view, parse_ref(s))
    for e in expanded:
        room = max(0, min(expand_limit, limit - view.size))
        expand(store, view, parse_ref(e), types, room, here)
    return view


def ties_view(store: GraphStore, enterprise: str) -> tuple[View, dict[str, int], set[tuple[str, str, str]]]:
    """An enterprise's 以商引商 paths to local enterprises: its direct ties to local ones and
    its ties through one non-local partner. Returns the view, each node's column (0 the
    enterprise, 1 an intermediary, 2 a local partner) and the relationships on a path."""
    ref = NodeRef(Label.Enterprise, enterprise)
    view = View()
    seed(store, view, ref)
    here = locality(store)
    local = here.local
    sub = store.neighbourhood(ref, 2, tuple(TIE_TYPES))
    nodes = {str(n.ref): n for n in sub.nodes}
    me = str(ref)
    near: dict[str, list[Relationship]] = {}
    for r in sub.relationships:
        a, b = str(r.start), str(r.end)
        near.setdefault(a, []).append(r)
        near.setdefault(b, []).append(r)

    def other(r: Relationship, side: str) -> str:
        return str(r.end) if str(r.start) == side else str(r.start)

    def is_local(node_id: str) -> bool:
        n = nodes[node_id]
        return n.label == Label.Enterprise and n.key in local and not is_dead(
            n.props.get("reg_status"))

    column = {me: 0}
    on_path: set[tuple[str, str, str]] = set()
    for r in near.get(me, []):
        mid = other(r, me)
        if mid == me or nodes[mid].label != Label.Enterprise:
            continue
        if is_local(mid):
            column[mid] = 2
            on_path.add((str(r.start), r.type, str(r.end)))
            continue
        reach = [r2 for r2 in near.get(mid, []) if other(r2, mid) != me and is_local(other(r2, mid))]
        if reach:
            column.setdefault(mid, 1)
            on_path.add((str(r.start), r.type, str(r.end)))
            for r2 in reach:
                column.setdefault(other(r2, mid), 2)
                on_path.add((str(r2.start), r2.type, str(r2.end)))
    for node_id in column:
        view.nodes[node_id] = nodes[node_id]
    for r in sub.relationships:
        key = (str(r.start), r.type, str(r.end))
        if key in on_path:
            view.rels[key] = r
    return view, column, on_path


# -- node and edge records ----------------------------------------------------------------------
def node_record(n: Node, here: Locality) -> Record:
    """What the explorer shows and filters on for a node (no enterprise figures)."""
    rec: Record = {"id": str(n.ref), "kind": n.label, "key": n.key, "name": node_name(n),
                   "label_zh": KIND_ZH.get(n.label, n.label)}
    if n.label == Label.Enterprise:
        status = n.props.get("reg_status")
        rec |= {"local": n.key in here.park,  # the local ones are the keys of ``here.park``
                "town": here.town.get(n.key),
                "park": here.park.get(n.key),
                "reg_status": status,
                "reg_status_zh": _reg_status_zh(status)}
    return rec


def _reg_status_zh(status: object) -> str | None:
    if status is None:
        return None
    return next((zh for code, zh in REG_STATUS_ZH.items() if code == status), str(status))


def view_records(store: GraphStore, view: View,
                 here: Locality | None = None) -> tuple[list[Record], list[Record]]:
    """The view's nodes and edges as records: nodes with their town, park, links and chains
    (for the filters); aggregates with their members and count — enterprises drawn as nodes of
    their own are not counted again in an aggregate, and an aggregate left empty is not drawn;
    edges with their type."""
    here = here or locality(store)
    firms = [n.key for n in view.nodes.values() if n.label == Label.Enterprise]
    codes: dict[str, set[str]] = {}
    for r in store.adjacent("IN_SUBSECTOR", "Enterprise", firms):
        codes.setdefault(r.start.key, set()).add(r.end.key)
    covering: dict[str, set[str]] = {}
    for r in store.adjacent("COVERS", "SubSector", set().union(*codes.values()) if codes else (),
                            "in"):
        covering.setdefault(r.end.key, set()).add(r.start.key)
    chain_of = {r.end.key: r.start.key for r in store.find_relationships("HAS_LINK")}
    in_town = {r.start.key: r.end.key for r in store.find_relationships("IN_TOWN")}
    nodes = []
    for node_id, n in view.nodes.items():
        rec = node_record(n, here)
        if n.label == Label.Enterprise:
            links = sorted({lk for c in codes.get(n.key, ()) for lk in covering.get(c, ())})
        elif n.label == Label.ChainLink:
            links = [n.key]
        else:
            links = []
        if n.label == Label.Park:
            rec |= {"park": n.key, "town": in_town.get(n.key)}
        elif n.label == Label.Town:
            rec["town"] = n.key
        chains = sorted({chain_of[lk] for lk in links if lk in chain_of})
        if n.label == Label.Chain:
            chains = [n.key]
        rec |= {"links": links, "chains": chains, "origin": view.origin.get(node_id)}
        nodes.append(rec)
    drawn = {n.key for n in view.nodes.values() if n.label == Label.Enterprise}
    for gid, g in view.groups.items():
        members = sorted(g["members"] - drawn)
        if members:
            nodes.append({**{k: v for k, v in g.items() if k != "members"},
                          "members": members, "count": len(members),
                          "origin": view.origin.get(gid)})
    edges = [{"id": f"{a}|{t}|{b}", "from": a, "to": b, "type": t,
              "type_zh": REL_ZH.get(Rel(t), t)} for (a, t, b) in view.rels]
    for (a, b), keys in view.group_edges.items():
        count = len(keys - drawn)
        if count:
            edges.append({"id": f"{a}|GROUP|{b}", "from": a, "to": b, "type": "GROUP",
                          "type_zh": msg("web.graph.group_edge", count=count)})
    return nodes, edges
