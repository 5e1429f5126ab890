"""The ontology, read from ``ontology/schema.yaml``: the one source of truth.

Everything that names a label, a relationship type or a property checks it here, so a typo fails
loudly instead of minting a new term. The generated files (OWL/Turtle, Neo4j constraints, SHACL
shapes) and the row validation all derive from :func:`load_schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from tupu.errors import SchemaError
from tupu.messages import msg

PropertyType = Literal["string", "integer", "float", "boolean", "date", "period"]
PROPERTY_TYPES: tuple[str, ...] = ("string", "integer", "float", "boolean", "date", "period")


@dataclass(frozen=True)
class PropertyDef:
    """One property of a label or relationship type."""

    name: str
    type: PropertyType
    required: bool
    label_zh: str
    label_en: str
    unit: str | None = None
    values: tuple[str, ...] | None = None
    description: str | None = None


@dataclass(frozen=True)
class LabelDef:
    """A node label, its key and its properties."""

    name: str
    key: str
    label_zh: str
    label_en: str
    properties: Mapping[str, PropertyDef]
    description: str | None = None
    bookkeeping: bool = False  # the stores' own records (Delivery, …), not facts of the map

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties.values() if p.required)


@dataclass(frozen=True)
class RelTypeDef:
    """A relationship type with the (start label, end label) pairs it may join."""

    name: str
    label_zh: str
    label_en: str
    pairs: tuple[tuple[str, str], ...]
    properties: Mapping[str, PropertyDef]
    description: str | None = None

    @property
    def start_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for s, _ in self.pairs))

    @property
    def end_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for _, e in self.pairs))

    def allows(self, start_label: str, end_label: str) -> bool:
        return (start_label, end_label) in self.pairs


@dataclass(frozen=True)
class Schema:
    """The whole ontology."""

    version: int
    namespace: str
    data_namespace: str
    labels: Mapping[str, LabelDef]
    relationships: Mapping[str, RelTypeDef]
    provenance: Mapping[str, PropertyDef]
    shared_properties: Mapping[str, tuple[str, str]]

    @property
    def map_labels(self) -> tuple[str, ...]:
        """The labels of the map's facts: every label but the bookkeeping ones (``Delivery``,
        Neo4j's ``SubSectorTally``), which loaders, counts, exports, projections and analyses leave out."""
        return tuple(name for name, ldef in self.labels.items() if not ldef.bookkeeping)

    def label(self, name: str) -> LabelDef:
        """The label called ``name``; a :class:`SchemaError` for an unknown one."""
        try:
            return self.labels[name]
        except KeyError:
            raise SchemaError(msg("schema.unknown_label", name=name,
                                  known="、".join(self.labels))) from None

    def rel(self, name: str) -> RelTypeDef:
        """The relationship type called ``name``; a :class:`SchemaError` for an unknown one."""
        try:
            return self.relationships[name]
        except KeyError:
            raise SchemaError(msg("schema.unknown_rel", name=name,
                                  known="、".join(self.relationships))) from None

    def check_property(self, owner: LabelDef | RelTypeDef, prop: str) -> PropertyDef:
        """The property ``prop`` of ``owner`` (or a provenance property), or a SchemaError."""
        if prop in owner.properties:
            return owner.properties[prop]
        if prop in self.provenance:
            return self.provenance[prop]
        raise SchemaError(msg("schema.unknown_property", owner=owner.name, prop=prop,
                              known="、".join(owner.properties)))


def _prop(name: str, raw: Mapping[str, Any], where: str) -> PropertyDef:
    ptype = raw.get("type")
    if ptype not in PROPERTY_TYPES:
        raise SchemaError(msg("schema.bad_type", where=where, name=name, type=ptype,
                              types="、".join(PROPERTY_TYPES)))
    values = raw.get("values")
    return PropertyDef(
        name=name,
        type=ptype,
        required=bool(raw.get("required", False)),
        label_zh=str(raw.get("label_zh", name)),
        label_en=str(raw.get("label_en", name)),
        unit=raw.get("unit"),
        values=tuple(str(v) for v in values) if values else None,
        description=raw.get("description"),
    )


def parse_schema(raw: Mapping[str, Any]) -> Schema:
    """Build a :class:`Schema` from the parsed YAML document, checking its consistency."""
    labels: dict[str, LabelDef] = {}
    for lname, ldef in raw["labels"].items():
        props = {p: _prop(p, d, lname) for p, d in (ldef.get("properties") or {}).items()}
        key = ldef["key"]
        if key not in props or not props[key].required:
            raise SchemaError(msg("schema.key_not_required", label=lname, key=key))
        labels[lname] = LabelDef(
            name=lname,
            key=key,
            label_zh=ldef["label_zh"],
            label_en=ldef["label_en"],
            properties=props,
            description=ldef.get("description"),
            bookkeeping=bool(ldef.get("bookkeeping", False)),
        )
    rels: dict[str, RelTypeDef] = {}
    for rname, rdef in raw["relationships"].items():
        pairs = tuple((str(s), str(e)) for s, e in rdef["pairs"])
        for s, e in pairs:
            if s not in labels or e not in labels:
                raise SchemaError(msg("schema.pair_unknown", rel=rname, start=s, end=e))
        props = {p: _prop(p, d, rname) for p, d in (rdef.get("properties") or {}).items()}
        rels[rname] = RelTypeDef(
            name=rname,
            label_zh=rdef["label_zh"],
            label_en=rdef["label_en"],
            pairs=pairs,
            properties=props,
            description=rdef.get("description"),
        )
    provenance = {p: _prop(p, d, "provenance") for p, d in raw["provenance"].items()}
    return Schema(
        version=int(raw["version"]),
        namespace=str(raw["namespace"]),
        data_namespace=str(raw["data_namespace"]),
        labels=labels,
        relationships=rels,
        provenance=provenance,
        shared_properties={
            name: (str(d["label_zh"]), str(d["label_en"]))
            for name, d in (raw.get("shared_properties") or {}).items()
        },
    )


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The packaged ontology (``ontology/schema.yaml``), parsed once."""
    text = resources.files("tupu.ontology").joinpath("schema.yaml").read_text(encoding="utf-8")
    return parse_schema(yaml.safe_load(text))
