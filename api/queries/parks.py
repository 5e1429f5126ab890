"""Parks (园区): the list, one park's profile, and the best parks for an enterprise."""

from __future__ import annotations

from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.http_errors import NotFound
from tupu.errors import UnknownName
from tupu.api.queries.names import named
from tupu.api.queries.enterprises import node_name, require_enterprise
from tupu.api.serialize import Record, native, records
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.matching import parks_for as rank_parks
from tupu.graph.analyses.regstatus import named as shown_name, status_code
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import locality

PARK_PROPS = ("name", "level", "floor_area", "vacant_area", "positioning", "established", "operator")
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "苏州市级", "city": "市级",
            "town": "镇级"}


def _towns(store: GraphStore) -> tuple[dict[str, str], dict[str, str]]:
    """Park → town id, and town id → name."""
    in_town = {r.start.key: r.end.key for r in store.find_relationships("IN_TOWN")}
    names = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("Town")}
    return in_town, names


def parks(store: GraphStore) -> list[Record]:
    """Every park with its town, space, positioning and how many local enterprises it holds."""
    in_town, town_names = _towns(store)
    where = locality(store)
    counts: dict[str, int] = {}
    for park in where.park.values():
        if park is not None:
            counts[park] = counts.get(park, 0) + 1
    positioned: dict[str, list[str]] = {}
    for r in store.find_relationships("POSITIONED_FOR"):
        positioned.setdefault(r.start.key, []).append(r.end.key)
    out = []
    for n in store.find_nodes("Park"):
        town = in_town.get(n.key)
        out.append({"id": n.key, **{k: native(n.props.get(k)) for k in PARK_PROPS},
                    "level_zh": LEVEL_ZH.get(str(n.props.get("level")), n.props.get("level")),
                    "town": town, "town_name": town_names.get(town or ""),
                    "enterprises": counts.get(n.key, 0),
                    "positioned_links": sorted(positioned.get(n.key, []))})
    return out


def park(store: GraphStore, role: Role, park_id: str) -> dict[str, Any]:
    """One park: its properties, the links it is positioned for, its enterprises and projects.

    Enterprise figures (revenue, employees) of the enterprises listed for analysts only.
    """
    park_id = named(store, "Park", park_id)
    node = store.get_node("Park", park_id)
    if node is None:
        raise NotFound(str(UnknownName("Park", park_id, (), ())))
    in_town, town_names = _towns(store)
    town = in_town.get(park_id)
    links = {n.key: n.props for n in store.get_nodes(
        "ChainLink", [r.end.key for r in store.adjacent("POSITIONED_FOR", "Park", [park_id])])}
    where = locality(store)
    members = sorted(k for k, p in where.park.items() if p == park_id)
    enterprises = []
    for e in store.get_nodes("Enterprise", members):
        props = disclosure.enterprise_props(role, e.props)
        row = {"id": e.key, "name": shown_name(props.get("name", e.key), e.props.get("reg_status")),
               "reg_status": status_code(e.props.get("reg_status")),
               "short_name": props.get("short_name"),
               "above_scale": props.get("above_scale") is True}
        if role >= Role.analyst:
            row |= {"annual_revenue": props.get("annual_revenue"),
                    "employees": props.get("employees")}
        enterprises.append(native(row))
    pwhere = locality(store, "Project")
    projects = [{"id": p.key, "name": p.props.get("name", p.key), "status": p.props.get("status")}
                for p in store.get_nodes("Project", [k for k, v in pwhere.park.items()
                                                     if v == park_id])]
    return {
        "id": park_id, **{k: native(node.props.get(k)) for k in PARK_PROPS},
        "level_zh": LEVEL_ZH.get(str(node.props.get("level")), node.props.get("level")),
        "town": town, "town_name": town_names.get(town or ""),
        "positioned_links": [{"link": k, "link_name": p.get("name", k), "stage": p.get("stage")}
                             for k, p in sorted(links.items())],
        "enterprise_count": len(enterprises),
        "above_scale_count": sum(1 for e in enterprises if e["above_scale"]),
        "enterprises": enterprises, "projects": projects,
    }


def parks_for(store: GraphStore, cfg: AnalysisConfig, role: Role,
              enterprise_id: str) -> dict[str, Any]:
    """The parks ranked for an enterprise (local or outside), with reasons."""
    node = require_enterprise(store, enterprise_id)
    enterprise_id = node.key
    rows = records(rank_parks(store, enterprise_id, cfg.matching, cfg.candidates))
    return {"enterprise": enterprise_id, "name": node_name(node),
            "reg_status": status_code(node.props.get("reg_status")),
            "parks": disclosure.parks_for(role, rows)}
