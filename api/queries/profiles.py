"""Profiles of towns (区镇), universities (高校) and funds (基金与金融机构).

- a town: its parks, its local enterprises (how many, how many above scale), its chain links as
  present, weak or missing within the town (the panorama in scope ``town:<id>``), its projects;
- a university: the sub-sectors it is strong in, the enterprises it cooperates with, and the
  产学研 pairs suggested for it;
- a fund: the sub-sectors it focuses on, its investments, and the 融资 pairs suggested for it.

What a viewer may not see is removed where each piece is made: the panorama and the pairs by
their own queries, the investments' amounts in :func:`_investments`.
"""

from __future__ import annotations

from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.http_errors import NotFound
from tupu.api.queries import attraction, matching, monitoring, parks
from tupu.api.queries.enterprises import LABEL_ZH, node_name
from tupu.api.serialize import Record, native
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.strength import locality
from tupu.graph.stores.model import Node
from tupu.graph.stores.store import GraphStore
from tupu.messages import msg

PAIRS_SHOWN = 20
PRESENT = ("strong", "ok")
UNIVERSITY_PROPS = ("name", "city", "local", "disciplines")
FUND_PROPS = ("name", "kind", "city", "size", "stages", "ticket_min", "ticket_max")
FUND_KIND_ZH = {"guidance_fund": "政府引导基金", "fund": "产业投资基金",
                "bank": "银行信贷产品"}
STAGE_ZH = {"seed": "种子期", "early": "初创期", "growth": "成长期", "mature": "成熟期"}


def _node(store: GraphStore, label: str, key: str, message: str) -> Node:
    node = store.get_node(label, key)
    if node is None:
        raise NotFound(msg(message, key=key))
    return node


def _subsectors(store: GraphStore, rel_type: str, label: str, key: str) -> list[Record]:
    codes = [r.end.key for r in store.adjacent(rel_type, label, [key], "out")]
    return [{"code": n.key, "name": n.props.get("name"), "level": n.props.get("level")}
            for n in store.get_nodes("SubSector", codes)]


# -- towns ---------------------------------------------------------------------------------------


def towns(store: GraphStore) -> list[Record]:
    """Every town with its parks, local enterprises (and above-scale ones) and projects."""
    where = locality(store)
    above = {n.key for n in store.get_nodes("Enterprise", where.local)
             if n.props.get("above_scale") is True}
    in_town = [r.end.key for r in store.find_relationships("IN_TOWN")]
    projects = locality(store, "Project").town
    out = []
    for n in store.find_nodes("Town"):
        mine = [e for e, t in where.town.items() if t == n.key and e in where.local]
        out.append({"id": n.key, "name": n.props.get("name", n.key), "kind": n.props.get("kind"),
                    "parks": in_town.count(n.key), "local_enterprises": len(mine),
                    "above_scale": sum(1 for e in mine if e in above),
                    "projects": sum(1 for t in projects.values() if t == n.key)})
    return out


def town(store: GraphStore, cfg: AnalysisConfig, role: Role, town_id: str) -> dict[str, Any]:
    """A town's profile (see the module doc)."""
    node = _node(store, "Town", town_id, "web.not_found.town")
    summary = next(t for t in towns(store) if t["id"] == town_id)
    links = attraction.gaps(store, cfg, role, f"town:{town_id}", None, every_link=True)
    by_status = {s: [r for r in links if r["status"] == s]
                 for s in ("strong", "ok", "weak", "missing")}
    return {
        "id": town_id, "name": node.props.get("name", town_id), "kind": node.props.get("kind"),
        "city": node.props.get("city"),
        "parks": [p for p in parks.parks(store) if p["town"] == town_id],
        "local_enterprises": summary["local_enterprises"], "above_scale": summary["above_scale"],
        "links_count": {s: len(rows) for s, rows in by_status.items()},
        "broken": sum(1 for r in links if r["broken"]),
        "links_present": by_status["strong"] + by_status["ok"],
        "links_weak": by_status["weak"],
        "links_missing": by_status["missing"],
        "projects": [p for p in monitoring.projects(store, cfg) if p["town"] == town_id],
    }


# -- universities --------------------------------------------------------------------------------


def universities(store: GraphStore) -> list[Record]:
    """Every university with how many sub-sectors it is strong in and cooperations it has."""
    strong: dict[str, int] = {}
    for r in store.find_relationships("STRONG_IN"):
        strong[r.start.key] = strong.get(r.start.key, 0) + 1
    coop: dict[str, int] = {}
    for r in store.find_relationships("COOPERATES_WITH", "Enterprise", "University"):
        coop[r.end.key] = coop.get(r.end.key, 0) + 1
    return [{"id": n.key, **{k: native(n.props.get(k)) for k in UNIVERSITY_PROPS},
             "strong_in": strong.get(n.key, 0), "cooperations": coop.get(n.key, 0)}
            for n in sorted(store.find_nodes("University"),
                            key=lambda n: (n.props.get("local") is not True, n.key))]


def university(store: GraphStore, cfg: AnalysisConfig, role: Role,
               university_id: str) -> dict[str, Any]:
    """A university's profile (see the module doc)."""
    node = _node(store, "University", university_id, "web.not_found.university")
    where = locality(store)
    rels = store.adjacent("COOPERATES_WITH", "University", [university_id], "in")
    partners = {n.key: n for n in store.get_nodes("Enterprise", [r.start.key for r in rels])}
    cooperations = [{"enterprise": r.start.key,
                     "name": node_name(partners[r.start.key]) if r.start.key in partners
                     else r.start.key,
                     "local": r.start.key in where.local, "kind": r.props.get("kind"),
                     "since": native(r.props.get("since"))} for r in rels]
    pairs = matching.university_pairs(store, cfg, role, None, university=university_id)
    return {"id": university_id, **{k: native(node.props.get(k)) for k in UNIVERSITY_PROPS},
            "strong_in": _subsectors(store, "STRONG_IN", "University", university_id),
            "cooperations": cooperations, "pairs": pairs[:PAIRS_SHOWN],
            "pairs_total": len(pairs)}


# -- funds ---------------------------------------------------------------------------------------


def funds(store: GraphStore) -> list[Record]:
    """Every fund with its kind, size, tickets, and how many sub-sectors and investments."""
    focus: dict[str, int] = {}
    for r in store.find_relationships("FOCUSES_ON"):
        focus[r.start.key] = focus.get(r.start.key, 0) + 1
    invested: dict[str, int] = {}
    for r in store.find_relationships("INVESTED_IN"):
        invested[r.start.key] = invested.get(r.start.key, 0) + 1
    return [{"id": n.key, **{k: native(n.props.get(k)) for k in FUND_PROPS},
             "kind_zh": FUND_KIND_ZH.get(str(n.props.get("kind")), n.props.get("kind")),
             "focus": focus.get(n.key, 0), "investments": invested.get(n.key, 0)}
            for n in store.find_nodes("Fund")]


def _investments(store: GraphStore, role: Role, fund_id: str) -> list[Record]:
    """The fund's investments; their amounts for analysts only (an amount is a figure of the
    enterprise it went to)."""
    where = locality(store)
    out = []
    for r in store.adjacent("INVESTED_IN", "Fund", [fund_id], "out"):
        target = store.get_node(r.end.label, r.end.key)
        props = dict(r.props) if role >= Role.analyst else disclosure.relationship_props(role, r.props)
        out.append({"label": r.end.label, "label_zh": LABEL_ZH.get(r.end.label, r.end.label),
                    "id": r.end.key, "name": node_name(target) if target else r.end.key,
                    "local": r.end.key in where.local if r.end.label == "Enterprise" else None,
                    **native({k: v for k, v in props.items() if not k.startswith("prov_")})})
    return out


def fund(store: GraphStore, cfg: AnalysisConfig, role: Role, fund_id: str) -> dict[str, Any]:
    """A fund's profile (see the module doc)."""
    node = _node(store, "Fund", fund_id, "web.not_found.fund")
    stages = [s.strip() for s in str(node.props.get("stages") or "").split(";") if s.strip()]
    pairs = matching.fund_pairs(store, cfg, role, None, fund=fund_id)
    return {"id": fund_id, **{k: native(node.props.get(k)) for k in FUND_PROPS},
            "kind_zh": FUND_KIND_ZH.get(str(node.props.get("kind")), node.props.get("kind")),
            "stages_zh": [STAGE_ZH.get(s, s) for s in stages],
            "focus": _subsectors(store, "FOCUSES_ON", "Fund", fund_id),
            "investments": _investments(store, role, fund_id),
            "pairs": pairs[:PAIRS_SHOWN], "pairs_total": len(pairs)}
