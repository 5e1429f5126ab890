"""Enterprise profiles (企业画像): properties, place, sub-sectors, links, partners, neighbourhood."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.http_errors import NotFound
from tupu.errors import UnknownName
from tupu.api.queries.names import named
from tupu.api.serialize import Record, native, records
from tupu.graph.analyses.regstatus import named as shown_name
from tupu.graph.analyses import frames
from tupu.graph.stores.model import Node, NodeRef, Relationship, Subgraph
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import locality

NEIGHBOURHOOD_TYPES = ("SUPPLIES", "COOPERATES_WITH", "SUBSIDIARY_OF", "LOCATED_IN", "IN_SUBSECTOR",
                       "INVESTED_IN", "OWNS")
PARTNER_TYPES = ("SUPPLIES", "COOPERATES_WITH", "SUBSIDIARY_OF")
# (type, the enterprise is the start) -> what the other end is to it
RELATION_ZH = {
    ("SUPPLIES", True): "客户", ("SUPPLIES", False): "供应商",
    ("COOPERATES_WITH", True): "合作伙伴", ("COOPERATES_WITH", False): "合作伙伴",
    ("SUBSIDIARY_OF", True): "母公司", ("SUBSIDIARY_OF", False): "子公司",
    ("INVESTED_IN", False): "投资方", ("OWNS", True): "承担项目",
    ("LOCATED_IN", True): "所在地", ("IN_SUBSECTOR", True): "细分领域",
}
LABEL_ZH = {"Enterprise": "企业", "University": "高校", "Park": "园区", "Town": "区镇",
            "SubSector": "细分领域", "Fund": "基金", "Project": "项目", "ChainLink": "环节"}


def node_name(node: Node) -> str:
    if node.label == "SubSector":
        return f"{node.key} {node.props.get('name', '')}".strip()
    if node.label == "Enterprise":  # with its status unless plain (注销, 吊销 …)
        return shown_name(node.props.get("name", node.key), node.props.get("reg_status"))
    return str(node.props.get("name", node.key))


def require_enterprise(store: GraphStore, enterprise_id: str) -> Node:
    """The enterprise ``enterprise_id`` names (its id, Chinese full or short name)."""
    node = store.get_node("Enterprise", named(store, "Enterprise", enterprise_id))
    if node is None:
        raise NotFound(str(UnknownName("Enterprise", enterprise_id, (), ())))
    return node


def neighbourhood(sub: Subgraph, role: Role) -> dict[str, Any]:
    """Nodes (label, key, name) and relationships (type, ends; amounts only for analysts)."""
    def keep(props: Mapping[str, Any]) -> dict[str, Any]:
        return disclosure.relationship_props(role, props)
    return {
        "nodes": [{"id": str(n.ref), "label": n.label, "key": n.key, "name": node_name(n)}
                  for n in sub.nodes],
        "relationships": [{"type": r.type, "start": str(r.start), "end": str(r.end),
                           "props": native(keep(r.props))} for r in sub.relationships],
    }


def _partner(r: Relationship, me: NodeRef, nodes: dict[NodeRef, Node], local: set[str],
             role: Role) -> Record:
    outgoing = r.start == me
    other = nodes[r.end if outgoing else r.start]
    props = disclosure.relationship_props(role, r.props)
    return {
        "type": r.type, "relation": RELATION_ZH.get((r.type, outgoing), r.type),
        "label": other.label, "label_zh": LABEL_ZH.get(other.label, other.label),
        "id": other.key, "name": node_name(other),
        "local": other.key in local if other.label == "Enterprise" else None,
        "props": native({k: v for k, v in props.items() if not k.startswith("prov_")}),
    }


def enterprise(store: GraphStore, role: Role, enterprise_id: str) -> dict[str, Any]:
    """An enterprise's profile; enterprise figures and quarterly observations for analysts only."""
    node = require_enterprise(store, enterprise_id)
    enterprise_id = node.key
    where = locality(store)
    sub = store.neighbourhood(node.ref, 1, NEIGHBOURHOOD_TYPES)
    nodes = {n.ref: n for n in sub.nodes}
    rels = [r for r in sub.relationships if node.ref in (r.start, r.end)]
    park, town = where.park.get(enterprise_id), where.town.get(enterprise_id)
    places = {n.key: str(n.props.get("name", n.key)) for n in sub.nodes
              if n.label in ("Park", "Town")}
    if town is not None and town not in places:
        t = store.get_node("Town", town)
        places[town] = str(t.props.get("name", town)) if t else town
    codes = sorted(r.end.key for r in rels if r.type == "IN_SUBSECTOR")
    primary = {r.end.key for r in rels if r.type == "IN_SUBSECTOR" and r.props.get("primary") is True}
    links = frames.links(store)
    covers = {(r.start.key, r.end.key) for r in store.adjacent("COVERS", "SubSector", codes, "in")}
    mine = {link for link, _ in covers}
    profile = disclosure.enterprise_props(role, node.props)
    out: dict[str, Any] = {
        "id": enterprise_id,
        "profile": native({k: v for k, v in profile.items() if not k.startswith("prov_")}),
        "local": enterprise_id in where.local,
        "park": {"id": park, "name": places.get(park, park)} if park else None,
        "town": {"id": town, "name": places.get(town, town)} if town else None,
        "subsectors": [{"code": c, "name": nodes[NodeRef("SubSector", c)].props.get("name"),
                        "primary": c in primary} for c in codes],
        "links": [{"link": r["link"], "link_name": r["name"], "stage": r["stage"],
                   "chain": r["chain"], "chain_name": r["chain_name"]}
                  for r in records(links) if r["link"] in mine],
        "partners": [_partner(r, node.ref, nodes, where.local, role) for r in rels
                     if r.type in PARTNER_TYPES or r.type == "INVESTED_IN"],
        "projects": [{"id": r.end.key, "name": node_name(nodes[r.end]),
                      "status": nodes[r.end].props.get("status")}
                     for r in rels if r.type == "OWNS"],
        "neighbourhood": neighbourhood(sub, role),
    }
    if role >= Role.analyst:
        out["observations"] = records(frames.enterprise_observations(store, [enterprise_id]))
    return out


def search(store: GraphStore, query: str, limit: int = 50) -> list[Record]:
    """Enterprises whose name, short name or id contains ``query`` (local ones first)."""
    q = query.strip().lower()
    if not q:
        return []
    where = locality(store)
    found = []
    for n in store.find_nodes("Enterprise"):
        text = " ".join(str(n.props.get(k) or "") for k in ("name", "short_name")) + " " + n.key
        if q in text.lower():
            found.append({"id": n.key, "name": n.props.get("name", n.key),
                          "short_name": n.props.get("short_name"), "city": n.props.get("city"),
                          "local": n.key in where.local})
    found.sort(key=lambda r: (not r["local"], str(r["name"]), r["id"]))
    return found[:limit]
