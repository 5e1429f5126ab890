"""The chains and their links, in order, as a DataFrame."""

from __future__ import annotations

import pandas as pd

from tupu.graph.stores.store import GraphStore

STAGES = ("upstream", "midstream", "downstream")
STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
COLUMNS = ["chain_id", "chain_name", "link_id", "link_name", "stage", "position"]


def chain_links(store: GraphStore) -> pd.DataFrame:
    """One row per chain link: its chain, name, stage and position, ordered by chain and stage."""
    chains = {c.key: c.props for c in store.find_nodes("Chain")}
    links = {n.key: n.props for n in store.find_nodes("ChainLink")}
    rows = []
    for rel in store.find_relationships("HAS_LINK"):
        link = links.get(rel.end.key, {})
        rows.append(
            {
                "chain_id": rel.start.key,
                "chain_name": chains.get(rel.start.key, {}).get("name", rel.start.key),
                "link_id": rel.end.key,
                "link_name": link.get("name", rel.end.key),
                "stage": link.get("stage", ""),
                "position": link.get("position", 0),
            }
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df.empty:
        return df
    df["stage_order"] = df["stage"].map({s: i for i, s in enumerate(STAGES)})
    df = df.sort_values(["chain_id", "stage_order", "position", "link_id"]).drop(columns="stage_order")
    return df.reset_index(drop=True)
