"""Write the map out: GraphML (for Gephi, yEd, networkx) and the canonical CSV folder.

Every export carries the notice of the datasets loaded (e.g. that the sample city is fictional).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import networkx as nx
import yaml

from tupu.graph.analyses.notice import dataset_notice
from tupu.graph.stores.projection import project
from tupu.graph.stores.store import GraphStore
from tupu.ontology.values import format_value


def _graphml_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_graphml(store: GraphStore, path: Path) -> nx.MultiDiGraph:
    """Write the whole map as GraphML; returns the graph written."""
    g = project(store)
    for _, data in g.nodes(data=True):
        for k, v in data.items():
            data[k] = _graphml_value(v)
    for _, _, data in g.edges(data=True):
        for k, v in data.items():
            data[k] = _graphml_value(v)
    g.graph["notice"] = dataset_notice(store)
    g.graph["generator"] = "tupu"
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(g, path, encoding="utf-8")
    return g


def write_csv_folder(store: GraphStore, folder: Path) -> dict[str, int]:
    """Write the map as a canonical CSV folder that ``tupu load`` reads back; returns row counts."""
    schema = store.schema
    (folder / "nodes").mkdir(parents=True, exist_ok=True)
    (folder / "relationships").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for label in schema.map_labels:
        ldef = schema.label(label)
        nodes = store.find_nodes(label)
        if not nodes:
            continue
        cols = [p for p in ldef.properties if any(p in n.props for n in nodes)]
        with open(folder / "nodes" / f"{label}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for n in nodes:
                w.writerow([format_value(n.props[c]) if c in n.props else "" for c in cols])
        counts[label] = len(nodes)
    for rtype, rdef in schema.relationships.items():
        rels = store.find_relationships(rtype)
        if not rels:
            continue
        props = [p for p in rdef.properties if any(p in r.props for r in rels)]
        cols = ["start", "start_label", "end", "end_label", *props]
        with open(folder / "relationships" / f"{rtype}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rels:
                w.writerow(
                    [r.start.key, r.start.label, r.end.key, r.end.label]
                    + [format_value(r.props[p]) if p in r.props else "" for p in props]
                )
        counts[rtype] = len(rels)
    notice = dataset_notice(store)
    meta: dict[str, object] = {
        "name": f"tupu export {dt.date.today().isoformat()}",
        "notice": notice or None,
        "fictional": any(ds.props.get("fictional") for ds in store.find_nodes("Dataset")),
    }
    (folder / "EXPORT.yaml").write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return counts
