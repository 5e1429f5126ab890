"""How strong each chain link is locally: counts, location quotient and status.

Shared by the panorama (every link) and the attraction score (a link's neighbours). Reads only
the relationships it needs (``GraphStore.adjacent``), so it stays fast with a large outside pool.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tupu.graph.analyses.config import GapConfig
from tupu.graph.analyses.scope import Scope
from tupu.graph.stores.store import GraphStore
from tupu.ontology.vocab import DEAD_STATUSES

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


def dead_enterprises(store: GraphStore) -> set[str]:
    """Enterprises whose registration status is dead or dying (停业, 清算, 注销, 吊销:
    ``tupu.ontology.vocab.DEAD_STATUSES``): never members of a link, never candidates."""
    return {n.key for status in sorted(DEAD_STATUSES)
            for n in store.find_nodes("Enterprise", {"reg_status": str(status)})}


def link_members(store: GraphStore, links: Collection[str]) -> dict[str, set[str]]:
    """The living enterprises (local or not) in each link: those in a sub-sector the link covers,
    dead or dying ones left out (:func:`dead_enterprises`)."""
    covers: dict[str, set[str]] = {}
    for r in store.adjacent("COVERS", "ChainLink", links, "out"):
        covers.setdefault(r.end.key, set()).add(r.start.key)
    members: dict[str, set[str]] = {lk: set() for lk in links}
    for r in store.adjacent("IN_SUBSECTOR", "SubSector", list(covers), "in"):
        for lk in covers[r.end.key]:
            members[lk].add(r.start.key)
    dead = dead_enterprises(store)
    if dead:
        for lk in members:
            members[lk] -= dead
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


@dataclass(frozen=True)
class StrengthFacts:
    """What :func:`link_strength` reads from the store, with the per-link counts derived from it,
    kept so that it can be evaluated many times cheaply (e.g. once per enterprise that might
    leave, :mod:`tupu.graph.analyses.impact`)."""

    members: dict[str, set[str]]
    local: set[str]
    in_scope: set[str]
    above: set[str]
    enterprise_total: int
    local_members: dict[str, set[str]]  # members in scope, per link
    outside_count: dict[str, int]  # members in the outside pool, per link


def strength_facts(
    store: GraphStore, links: Collection[str], scope: Scope, where: Locality | None = None
) -> StrengthFacts:
    """Read the facts :func:`strength_rows` needs for ``links`` in ``scope``."""
    where = where or locality(store)
    in_scope = where.in_scope(scope)
    above = {
        n.key for n in store.get_nodes("Enterprise", in_scope) if n.props.get("above_scale") is True
    }
    members = link_members(store, links)
    return StrengthFacts(
        members=members, local=where.local, in_scope=in_scope, above=above,
        enterprise_total=store.count_nodes().get("Enterprise", 0),
        local_members={lk: m & in_scope for lk, m in members.items()},
        outside_count={lk: len(m - where.local) for lk, m in members.items()},
    )


def strength_rows(
    facts: StrengthFacts, cfg: GapConfig, exclude: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The rows of :func:`link_strength` from facts already read, as if the ``exclude``
    enterprises were gone: they count neither as local nor as outside enterprises."""
    gone = set(exclude)
    in_scope = facts.in_scope - gone
    outside_total = facts.enterprise_total - len(facts.local | gone)
    gone_outside = gone - facts.local
    rows = []
    for lk in sorted(facts.members):
        local = facts.local_members[lk]
        if gone and not gone.isdisjoint(local):
            local = local - gone
        n_out = facts.outside_count[lk] - len(gone_outside & facts.members[lk])
        share_local = len(local) / len(in_scope) if in_scope else 0.0
        share_out = n_out / outside_total if outside_total > 0 else 0.0
        lq = round(share_local / share_out, 3) if share_out else None
        rows.append({
            "link": lk, "local_enterprises": len(local), "above_scale": len(local & facts.above),
            "outside_enterprises": n_out, "lq": lq, "status": status_of(len(local), lq, cfg),
        })
    return rows


def strength_table(
    facts: StrengthFacts, cfg: GapConfig, exclude: Collection[str] = ()
) -> pd.DataFrame:
    """:func:`strength_rows` as the DataFrame :func:`link_strength` returns."""
    return pd.DataFrame(strength_rows(facts, cfg, exclude), columns=STRENGTH_COLUMNS)


def link_strength(
    store: GraphStore, links: Collection[str], scope: Scope, cfg: GapConfig,
    where: Locality | None = None, exclude: Collection[str] = (),
) -> pd.DataFrame:
    """Per link: local enterprises in ``scope``, above-scale ones, outside ones, LQ and status.

    LQ = (share of the scope's local enterprises in the link) / (share of the outside pool in it).
    With ``exclude`` (enterprise keys), the answer is as if those enterprises had left: they count
    neither as local nor as outside enterprises (anchor impact).
    """
    return strength_table(strength_facts(store, links, scope, where), cfg, exclude)
