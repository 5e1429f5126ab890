"""The map as a whole: the datasets' notice, counts, the chains and their links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tupu.api.http_errors import NotFound
from tupu.errors import UnknownName
from tupu.api.queries.names import named
from tupu.api.serialize import Record, native, records
from tupu.graph.analyses.chain_links import STAGE_ZH, chain_links
from tupu.graph.analyses.notice import dataset_notice
from tupu.graph.stores.store import GraphStore

FICTIONAL_NOTICE = "示例数据为虚构，不代表任何真实机构。"


@dataclass(frozen=True)
class Notice:
    """What the footer of every page says about the data."""

    text: str  # the datasets' own notices, joined; empty when there is none
    fictional: bool  # some loaded dataset is fictional


def notice(store: GraphStore) -> Notice:
    datasets = store.find_nodes("Dataset")
    return Notice(dataset_notice(store), any(d.props.get("fictional") is True for d in datasets))


def stats(store: GraphStore) -> dict[str, Any]:
    """Node counts by label, relationship counts by type, and the datasets' notice."""
    n = notice(store)
    return {
        "store": store.name, "notice": n.text, "fictional": n.fictional,
        "datasets": [{"id": d.key, "name": d.props.get("name"), "city": d.props.get("city")}
                     for d in store.find_nodes("Dataset")],
        "nodes": store.count_nodes(), "relationships": store.count_relationships(),
    }


def chains(store: GraphStore) -> list[Record]:
    """Every chain with its links in order (upstream to downstream)."""
    props = {c.key: c.props for c in store.find_nodes("Chain")}
    links = records(chain_links(store))
    out = []
    for key in sorted(props):
        p = props[key]
        mine = [{"id": r["link_id"], "name": r["link_name"], "stage": r["stage"],
                 "stage_zh": STAGE_ZH.get(str(r["stage"]), r["stage"]), "position": r["position"]}
                for r in links if r["chain_id"] == key]
        out.append({"id": key, "name": p.get("name", key), "name_en": p.get("name_en"),
                    "plan_format": p.get("plan_format") is True,
                    "description": native(p.get("description")), "links": mine})
    return out


def chain(store: GraphStore, chain_id: str) -> Record:
    """One chain (its id or Chinese name) with its links; :class:`NotFound` when there is none."""
    chain_id = named(store, "Chain", chain_id)
    for c in chains(store):
        if c["id"] == chain_id:
            return c
    raise NotFound(str(UnknownName("Chain", chain_id, (), ())))
