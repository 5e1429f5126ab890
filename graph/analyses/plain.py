"""Plain Chinese for people: the ontology's field names in a note replaced by their Chinese labels.

Target notes (``ontology/targets/*.yaml`` ``scope_note``) are written by developers and name
fields (``new_in_plan_year``, ``Park.level=provincial``, ``status 为 started``). What a leader
reads in a bulletin or a target table must not: :func:`plain_words` replaces every label,
relationship type and property name the schema knows with its ``label_zh``, ``true``/``false``
with 是/否, and known values with their Chinese (``provincial`` → 省级).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tupu.ontology.schema import Schema

_TOKEN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_]*)(?:\.([a-z][a-z0-9_]*))?"
                    r"(?:\s*=\s*([A-Za-z0-9_]+))?")
VALUES_ZH: dict[str, str] = {
    "true": "是", "false": "否", "provincial": "省级", "municipal": "苏州市级", "city": "市级",
    "town": "区镇级", "core": "文化核心领域", "related": "文化相关领域", "planned": "储备",
    "signed": "签约", "started": "开工在建", "completed": "竣工", "operating": "投运",
    "stalled": "停滞",
}


def words(schema: Schema) -> dict[str, str]:
    """Every label, relationship type and property name of ``schema`` → its Chinese label."""
    out: dict[str, str] = {}
    for ldef in schema.labels.values():
        for name, p in ldef.properties.items():
            out.setdefault(name, p.label_zh)
    for rdef in schema.relationships.values():
        out.setdefault(rdef.name, rdef.label_zh)
        for name, p in rdef.properties.items():
            out.setdefault(name, p.label_zh)
    for ldef in schema.labels.values():
        out[ldef.name] = ldef.label_zh
    return out


def plain_words(text: str, schema: Schema, values: Mapping[str, str] | None = None) -> str:
    """``text`` with field names in Chinese (module doc); other text is left as it is."""
    known = words(schema)
    vals = {**VALUES_ZH, **(values or {})}

    def one(m: re.Match[str]) -> str:
        head, prop, value = m.group(1), m.group(2), m.group(3)
        if head not in known and head not in vals:
            return m.group(0)
        if prop and head in schema.labels and prop in schema.label(head).properties:
            name: str | None = schema.label(head).properties[prop].label_zh
        else:
            name = known.get(prop) if prop else known.get(head, vals.get(head, head))
        if prop and name is None:
            return m.group(0)
        if value is None:
            return f"「{name}」" if head in known else str(name)
        return f"「{name}」为{vals.get(value, value)}"

    return _TOKEN.sub(one, text)
