"""How strong each chain link is locally: counts, location quotient and status.

Shared by the panorama (every link) and the attraction score (a link's neighbours). Reads only
the relationships it needs (``GraphStore.adjacent``), so it stays fast with a large outside pool.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from tupu.graph.config import GapConfig
from tupu.graph.scope import Scope
from tupu.graph.store import GraphStore

STRENGTH_COLUMNS = ["link", "local_enterprises", "above_scale", "outside_enterprises", "lq", "status"]


@dataclass(frozen=True)
class Locality:
    """Where every local node is: its ``park`` (or None) and ``town`` (or None) by key."""

    park: dict[str, str | None]
    town: dict[str, str | None]

    @property
    def local(self) -> set[str]:
        return set(self.park)

    def in_scope(self, scope: Scope) -> set[str]:
        if scope.kind == "city":
            return self.local
        places = self.town if scope.kind == "town" else self.park
        return {k for k, place in places.items() if place == scope.id}


def locality(store: GraphStore, label: str = "Enterprise") -> Locality:
    """Where the local ``label`` nodes are: located in a park (which lies in a town) or a town.

    A park, being more precise, wins over a bare town; among several, the smallest key.
    """
    in_town = {r.start.key: r.end.key for r in store.find_relationships("IN_TOWN")}
    parks: dict[str, list[str]] = {}
    towns: dict[str, list[str]] = {}
    for r in store.find_relationships("LOCATED_IN", start_label=label):
        (parks if r.end.label == "Park" else towns).setdefault(r.start.key, []).append(r.end.key)
    park: dict[str, str | None] = {}
    town: dict[str, str | None] = {}
    for key in sorted(set(parks) | set(towns)):
        p = min(parks[key]) if key in parks else None
        park[key] = p
        town[key] = in_town.get(p) if p is not None else min(towns[key])
    return Locality(park, town)


def link_members(store: GraphStore, links: Collection[str]) -> dict[str, set[str]]:
    """The enterprises (local or not) in each link: those in a sub-sector the link covers."""
    covers: dict[str, set[str]] = {}
    for r in store.adjacent("COVERS", "ChainLink", links, "out"):
        covers.setdefault(r.end.key, set()).add(r.start.key)
    members: dict[str, set[str]] = {lk: set() for lk in links}
    for r in store.adjacent("IN_SUBSECTOR", "SubSector", list(covers), "in"):
        for lk in covers[r.end.key]:
            members[lk].add(r.start.key)
    return members


def status_of(count: int, lq: float | None, cfg: GapConfig) -> str:
    """The status of a link with ``count`` local enterprises and location quotient ``lq``.

    ``lq`` is None when the outside pool has no enterprise in the link (the quotient is undefined);
    the status then rests on the count alone.
    """
    if count == 0:
        return "missing"
    if count < cfg.weak_below or (lq is not None and lq < cfg.weak_lq):
        return "weak"
    if count >= cfg.strong_min and (lq is None or lq >= cfg.strong_lq):
        return "strong"
    return "ok"


def link_strength(
    store: GraphStore, links: Collection[str], scope: Scope, cfg: GapConfig,
    where: Locality | None = None,
) -> pd.DataFrame:
    """Per link: local enterprises in ``scope``, above-scale ones, outside ones, LQ and status.

    LQ = (share of the scope's local enterprises in the link) / (share of the outside pool in it).
    """
    where = where or locality(store)
    local_all = where.local
    in_scope = where.in_scope(scope)
    outside_total = store.count_nodes().get("Enterprise", 0) - len(local_all)
    members = link_members(store, links)
    above = {
        n.key for n in store.get_nodes("Enterprise", in_scope) if n.props.get("above_scale") is True
    }
    rows = []
    for lk in sorted(links):
        m = members[lk]
        local = m & in_scope
        n_out = len(m - local_all)
        share_local = len(local) / len(in_scope) if in_scope else 0.0
        share_out = n_out / outside_total if outside_total > 0 else 0.0
        lq = round(share_local / share_out, 3) if share_out else None
        rows.append({
            "link": lk, "local_enterprises": len(local), "above_scale": len(local & above),
            "outside_enterprises": n_out, "lq": lq, "status": status_of(len(local), lq, cfg),
        })
    return pd.DataFrame(rows, columns=STRENGTH_COLUMNS)
