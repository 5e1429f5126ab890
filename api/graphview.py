"""An enterprise's neighbourhood drawn with pyvis (vis-network), with local assets only.

pyvis builds the network (nodes, edges, options); the page draws it with the vis-network script
that ships inside the pyvis package, served by the app under ``/static/vendor/vis-network/``
(:data:`VIS_DIR`). pyvis' own HTML template is not used: it loads Bootstrap from a CDN whatever
``cdn_resources`` says, and intranets have no internet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyvis
from pyvis.network import Network

from tupu.api.queries.enterprises import LABEL_ZH

VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
VIS_URL = "/static/vendor/vis-network"  # + "/vis-network.min.js", "/vis-network.css"

COLOURS = {"Enterprise": "#1565c0", "University": "#6a1b9a", "Park": "#2e7d32",
           "Town": "#7cb342", "SubSector": "#90a4ae", "Fund": "#ef6c00", "Project": "#ad1457"}
REL_ZH = {"SUPPLIES": "供应", "COOPERATES_WITH": "合作", "SUBSIDIARY_OF": "子公司",
          "LOCATED_IN": "位于", "IN_SUBSECTOR": "细分领域", "INVESTED_IN": "投资", "OWNS": "承担"}


def _label(name: str, width: int = 10) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def network(neighbourhood: dict[str, Any], centre: str) -> dict[str, Any]:
    """The vis-network data of a neighbourhood (as :func:`tupu.api.queries.enterprises.
    neighbourhood` gives it): ``nodes``, ``edges`` and ``options``, ready for ``vis.Network``."""
    net = Network(height="520px", width="100%", directed=True, cdn_resources="local")
    for n in neighbourhood["nodes"]:
        is_centre = n["id"] == centre
        net.add_node(
            n["id"], label=_label(str(n["name"]), 16 if is_centre else 10),
            title=f"{LABEL_ZH.get(n['label'], n['label'])}：{n['name']}",
            color=COLOURS.get(n["label"], "#78909c"), shape="dot", size=26 if is_centre else 14,
        )
    for r in neighbourhood["relationships"]:
        net.add_edge(r["start"], r["end"], title=REL_ZH.get(r["type"], r["type"]),
                     label=REL_ZH.get(r["type"], r["type"]))
    net.barnes_hut(gravity=-6000, spring_length=140)
    nodes, edges, _, _, _, options = net.get_network_data()
    opts: dict[str, Any] = json.loads(options)
    opts.setdefault("interaction", {}).update({"hover": True, "navigationButtons": False})
    opts["edges"] = {**opts.get("edges", {}), "font": {"size": 10, "align": "middle"},
                     "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}}
    opts["nodes"] = {"font": {"size": 12}}
    return {"nodes": nodes, "edges": edges, "options": opts}
