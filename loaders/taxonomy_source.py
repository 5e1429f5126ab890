"""The built-in taxonomy as rows: ``SubSector`` nodes joined by ``PART_OF``."""

from __future__ import annotations

from tupu.graph.stores.model import RelRow
from tupu.loaders.delivery import Delivery
from tupu.ontology.taxonomy import load_taxonomy


def read_taxonomy_source(d: Delivery, name: str) -> None:
    """Add the taxonomy ``name`` (e.g. ``culture-2018``) to the delivery."""
    taxonomy = load_taxonomy(name)
    source = f"taxonomy:{name}"
    for row, entry in enumerate(taxonomy.entries, start=2):
        props = {
            "code": entry.code,
            "name": entry.name,
            "level": entry.level,
            "domain": entry.domain,
            **d.provenance(source, row),
        }
        if entry.industry_codes:
            props["industry_codes"] = ";".join(
                c.code + ("*" if c.partial else "") for c in entry.industry_codes
            )
        if ("SubSector", entry.code) in d.node_origin:
            continue  # included twice: the first wins, identical anyway
        d.node_origin[("SubSector", entry.code)] = (source, row)
        d.changes.add_node("SubSector", props)
        if entry.parent:
            d.changes.add_rel(
                "PART_OF", "SubSector", "SubSector",
                RelRow(entry.code, entry.parent, d.provenance(source, row)),
            )
    d.sources.append(source)
