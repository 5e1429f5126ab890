"""The notices of the datasets loaded (e.g. that the sample city is fictional), for every output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tupu.graph.stores.store import GraphStore

FICTIONAL_NOTICE = "本数据集为虚构示例数据。"


def dataset_note(props: Mapping[str, Any]) -> str | None:
    """The notice of one Dataset node: its ``notice``, or the fictional-data notice if fictional."""
    text = props.get("notice")
    if text:
        return str(text)
    return FICTIONAL_NOTICE if props.get("fictional") else None


def dataset_notice(store: GraphStore) -> str:
    """The notices of the datasets in the store, joined; empty when there are none."""
    notes = []
    for ds in store.find_nodes("Dataset"):
        text = dataset_note(ds.props)
        if text:
            notes.append(f"{ds.props.get('name', ds.key)}: {text}")
    return " | ".join(notes)
