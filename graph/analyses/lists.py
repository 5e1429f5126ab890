"""The lists a user picks from: chains, chain links, towns (区镇) and parks, with their ids.

What ``tupu chains``, ``tupu links [--chain]``, ``tupu towns`` and ``tupu parks`` (no argument)
print, and ``IndustryMap.chains()`` … return. Every list shows the id beside the Chinese name, so
that neither has to be looked up in a CSV file.
"""

from __future__ import annotations

import pandas as pd

from tupu.graph.analyses import frames
from tupu.graph.analyses.chain_links import STAGE_ZH
from tupu.graph.analyses.names import resolve
from tupu.graph.analyses.strength import locality
from tupu.graph.stores.store import GraphStore

CHAIN_COLUMNS = ["chain", "name", "plan_format", "links"]
LINK_COLUMNS = ["link", "name", "chain", "chain_name", "stage", "stage_zh", "position"]
TOWN_COLUMNS = ["town", "name", "kind", "parks", "local_enterprises"]
PARK_COLUMNS = ["park", "name", "town", "town_name", "level", "floor_area", "vacant_area",
                "positioning", "positioned_links", "local_enterprises"]


def chains(store: GraphStore) -> pd.DataFrame:
    """Every chain: ``chain`` (id), ``name``, ``plan_format`` (a format the plan names), ``links``
    (how many links it has)."""
    lk = frames.links(store)
    count = lk.groupby("chain")["link"].count().to_dict()
    rows = [{"chain": n.key, "name": n.props.get("name", n.key),
             "plan_format": n.props.get("plan_format") is True, "links": int(count.get(n.key, 0))}
            for n in store.find_nodes("Chain")]
    return pd.DataFrame(rows, columns=CHAIN_COLUMNS)


def links(store: GraphStore, chain: str | None = None) -> pd.DataFrame:
    """Every chain link (of ``chain``, an id or a Chinese name, when given), in chain order:
    ``link`` (id), ``name``, ``chain``, ``chain_name``, ``stage``, ``stage_zh``, ``position``."""
    lk = frames.links(store)
    if chain is not None:
        lk = lk[lk["chain"] == resolve(store, "Chain", chain)]
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    lk = lk.assign(stage_zh=lk["stage"].map(STAGE_ZH), _o=lk["stage"].map(order))
    lk = lk.sort_values(["chain", "_o", "position", "link"]).drop(columns="_o")
    return lk[LINK_COLUMNS].reset_index(drop=True)


def towns(store: GraphStore) -> pd.DataFrame:
    """Every town: ``town`` (id), ``name``, ``kind`` (town / street …), ``parks`` (their names)
    and ``local_enterprises`` located in it (directly or through a park)."""
    where = locality(store)
    per_town: dict[str, int] = {}
    for t in where.town.values():
        if t is not None:
            per_town[t] = per_town.get(t, 0) + 1
    parks_in: dict[str, list[str]] = {}
    park_names = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("Park")}
    for r in store.find_relationships("IN_TOWN"):
        parks_in.setdefault(r.end.key, []).append(park_names.get(r.start.key, r.start.key))
    rows = [{"town": n.key, "name": n.props.get("name", n.key), "kind": n.props.get("kind"),
             "parks": "；".join(sorted(parks_in.get(n.key, []))),
             "local_enterprises": per_town.get(n.key, 0)}
            for n in store.find_nodes("Town")]
    return pd.DataFrame(rows, columns=TOWN_COLUMNS)


def parks(store: GraphStore) -> pd.DataFrame:
    """Every park: ``park`` (id), ``name``, its ``town`` and ``town_name``, ``level``,
    ``floor_area`` and ``vacant_area`` (㎡), ``positioning`` (its own words),
    ``positioned_links`` (names of the chain links it is positioned for) and
    ``local_enterprises`` in it."""
    where = locality(store)
    per_park: dict[str, int] = {}
    for at in where.park.values():
        if at is not None:
            per_park[at] = per_park.get(at, 0) + 1
    town_names = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("Town")}
    in_town = {r.start.key: r.end.key for r in store.find_relationships("IN_TOWN")}
    link_names = {n.key: str(n.props.get("name", n.key)) for n in store.find_nodes("ChainLink")}
    positioned: dict[str, list[str]] = {}
    for r in store.find_relationships("POSITIONED_FOR"):
        positioned.setdefault(r.start.key, []).append(link_names.get(r.end.key, r.end.key))
    rows = []
    for n in store.find_nodes("Park"):
        p = n.props
        town = in_town.get(n.key)
        rows.append({
            "park": n.key, "name": p.get("name", n.key), "town": town,
            "town_name": town_names.get(town) if town else None, "level": p.get("level"),
            "floor_area": p.get("floor_area"), "vacant_area": p.get("vacant_area"),
            "positioning": p.get("positioning"),
            "positioned_links": "；".join(sorted(positioned.get(n.key, []))),
            "local_enterprises": per_park.get(n.key, 0),
        })
    return pd.DataFrame(rows, columns=PARK_COLUMNS)
