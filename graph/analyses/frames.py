"""The store's facts as pandas DataFrames, the common ground of every analysis.

Built on the :class:`GraphStore` reads only, so each analysis gives the same answer on every store.
Column order is fixed and rows are sorted, so frames compare equal across stores.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pandas as pd

from tupu.graph.analyses.cache import memo
from tupu.graph.stores.queries import OBSERVATION_PROPS, ChainStructure
from tupu.graph.stores.store import GraphStore


def nodes_frame(store: GraphStore, label: str, columns: Sequence[str]) -> pd.DataFrame:
    """One row per node of ``label``: its key as ``key`` and the given properties."""
    rows = [{"key": n.key, **{c: n.props.get(c) for c in columns}} for n in store.find_nodes(label)]
    return pd.DataFrame(rows, columns=["key", *columns])


def rels_frame(
    store: GraphStore,
    rel_type: str,
    start_label: str | None = None,
    end_label: str | None = None,
    columns: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per relationship: ``start``, ``end`` (keys), ``start_label``, ``end_label``, props."""
    rows = [
        {
            "start": r.start.key,
            "end": r.end.key,
            "start_label": r.start.label,
            "end_label": r.end.label,
            **{c: r.props.get(c) for c in columns},
        }
        for r in store.find_relationships(rel_type, start_label, end_label)
    ]
    return pd.DataFrame(rows, columns=["start", "end", "start_label", "end_label", *columns])


ENTERPRISE_COLUMNS = (
    "name", "short_name", "province", "city", "annual_revenue", "employees",
    "listed", "unicorn", "top30", "above_scale", "founded",
)


def enterprises(store: GraphStore) -> pd.DataFrame:
    """Every enterprise with its profile, and where it is located (``town``, ``park``, ``local``).

    An enterprise is local when it is located in a town of the city, directly or through a park.
    """
    df = nodes_frame(store, "Enterprise", ENTERPRISE_COLUMNS).rename(columns={"key": "id"})
    for flag in ("listed", "unicorn", "top30", "above_scale"):
        df[flag] = df[flag].map(lambda v: v is True).astype(bool)
    loc = located(store, "Enterprise")
    df = df.merge(loc, how="left", left_on="id", right_on="subject").drop(columns="subject")
    df["local"] = df["town"].notna()
    return df.sort_values("id").reset_index(drop=True)


def located(store: GraphStore, label: str) -> pd.DataFrame:
    """``subject``, ``park`` and ``town`` of every ``label`` node located in a park or a town."""
    rel = rels_frame(store, "LOCATED_IN", start_label=label)
    in_town = rels_frame(store, "IN_TOWN").set_index("start")["end"].to_dict()
    rows = []
    for r in rel.itertuples(index=False):
        if r.end_label == "Park":
            rows.append({"subject": r.start, "park": r.end, "town": in_town.get(r.end)})
        else:
            rows.append({"subject": r.start, "park": None, "town": r.end})
    df = pd.DataFrame(rows, columns=["subject", "park", "town"])
    # one location per subject: a park (more precise) wins over a bare town
    df = df.sort_values(["subject", "park"], na_position="last")
    return df.drop_duplicates("subject").reset_index(drop=True)


def enterprise_links(store: GraphStore) -> pd.DataFrame:
    """``enterprise``, ``link``: every chain link an enterprise's sub-sectors fall into."""
    ins = rels_frame(store, "IN_SUBSECTOR")[["start", "end"]].rename(
        columns={"start": "enterprise", "end": "code"}
    )
    covers = rels_frame(store, "COVERS")[["start", "end"]].rename(
        columns={"start": "link", "end": "code"}
    )
    df = ins.merge(covers, on="code")[["enterprise", "link"]].drop_duplicates()
    return df.sort_values(["link", "enterprise"]).reset_index(drop=True)


def links(store: GraphStore) -> pd.DataFrame:
    """Every chain link: ``link``, ``name``, ``stage``, ``position``, ``chain``, ``chain_name``."""
    return links_of(store.queries().chain_structure())


def links_of(structure: ChainStructure) -> pd.DataFrame:
    """:func:`links` from the chain skeleton already read."""
    nodes = pd.DataFrame(
        [{"link": k, "name": name, "stage": stage, "position": pos}
         for k, name, stage, pos in structure.links],
        columns=["link", "name", "stage", "position"],
    )
    has = pd.DataFrame(list(structure.has_link), columns=["chain", "link"])
    chains = pd.DataFrame(list(structure.chains), columns=["chain", "chain_name", "plan_format"])
    df = nodes.merge(has, on="link", how="left").merge(chains, on="chain", how="left")
    df["plan_format"] = df["plan_format"].map(lambda v: v is True).astype(bool)
    return df.sort_values(["chain", "link"]).reset_index(drop=True)


def feeds(store: GraphStore) -> pd.DataFrame:
    """``up``, ``down``: the FEEDS relationships between chain links."""
    return feeds_of(store.queries().chain_structure())


def feeds_of(structure: ChainStructure) -> pd.DataFrame:
    """:func:`feeds` from the chain skeleton already read."""
    df = pd.DataFrame(list(structure.feeds), columns=["up", "down"])
    return df.sort_values(["up", "down"]).reset_index(drop=True)


def enterprise_observations(
    store: GraphStore, enterprises: Collection[str] | None = None
) -> pd.DataFrame:
    """Quarterly observations (of ``enterprises``, or all): ``enterprise``, ``period``, ``revenue``…

    Kept per version of the store's data (:mod:`tupu.graph.analyses.cache`)."""
    wanted = None if enterprises is None else frozenset(enterprises)
    return memo(store, "enterprise_observations", (wanted,),
                lambda: _enterprise_observations(store, wanted))


def _enterprise_observations(store: GraphStore, enterprises: frozenset[str] | None
                             ) -> pd.DataFrame:
    rows = [
        {"enterprise": owner, **dict(zip(OBSERVATION_PROPS, values, strict=True))}
        for owner, _, values in store.queries().enterprise_observations(
            None if enterprises is None else list(enterprises))
    ]
    df = pd.DataFrame(rows, columns=["enterprise", *OBSERVATION_PROPS])
    return df.sort_values(["enterprise", "period"]).reset_index(drop=True)
