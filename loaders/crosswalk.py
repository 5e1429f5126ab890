"""From an enterprise's GB/T 4754-2017 industry code to culture sub-sectors, via the crosswalk.

The taxonomy (:mod:`tupu.ontology.taxonomy`) lists for each culture class the industry classes it
is made of; some only in part (``6513*``). For a code included in full the answer is certain. For a
partial code the enterprise's business scope (经营范围) decides, by the keyword table
``ontology/data/partial-code-keywords.yaml``; when no keyword matches, the enterprise goes to the
review list (待复核) instead of being placed or refused. A code outside the taxonomy places the
enterprise nowhere and is also listed for review.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from tupu.errors import InputError
from tupu.loaders.tables import Cell, cell_text
from tupu.ontology.taxonomy import Taxonomy
from tupu.messages import msg
from tupu.ontology.values import CellError

__all__ = [
    "Crosswalked",
    "Industries",
    "industry_by_name",
    "load_industries",
    "PartialRule",
    "crosswalk",
    "industry_code",
    "load_partial_keywords",
    "parse_partial_keywords",
]

KEYWORDS_FILE = "data/partial-code-keywords.yaml"
INDUSTRY_FILE = "data/gbt-4754-2017.csv"
_CODE = re.compile(r"^([A-Ta-t]?)(\d{4})$")
_LEVELS = re.compile(r"[>＞»/|]+")
_NAME_PREFIX = re.compile(r"^[A-Ta-t]?\d{0,4}[\s:：、.-]*")


@dataclass(frozen=True)
class IndustryNode:
    """A node of GB/T 4754-2017: 门类 (section), 大类 (division), 中类 (group) or 小类 (class)."""

    code: str
    name: str
    level: str
    parent: str
    complete: bool = False  # a division whose classes are all listed


@dataclass(frozen=True)
class Industries:
    """GB/T 4754-2017 as tupu ships it (``ontology/data/gbt-4754-2017.csv``): every section,
    division, group and class."""

    nodes: Mapping[str, IndustryNode]
    by_name: Mapping[str, str]  # normalised name → code (the most specific level wins)
    classes: Mapping[str, tuple[str, ...]]  # any code → the 4-digit classes at or below it

    def classes_under(self, code: str) -> list[str]:
        """The listed 4-digit classes at or below ``code``."""
        return list(self.classes.get(code, ()))

    def section_of(self, division: str) -> str | None:
        node = self.nodes.get(division)
        return node.parent if node is not None else None


@lru_cache(maxsize=1)
def load_industries() -> Industries:
    """The packaged GB/T 4754-2017 table, read once."""
    resource = resources.files("tupu.ontology").joinpath(INDUSTRY_FILE)
    lines = [ln for ln in resource.read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    nodes: dict[str, IndustryNode] = {}
    for code, name, level, parent, complete in csv.reader(lines[1:]):  # after the header
        nodes[code] = IndustryNode(code, name, level, parent, complete == "true")
    order = {"section": 0, "division": 1, "group": 2, "class": 3}
    by_name: dict[str, str] = {}
    for node in sorted(nodes.values(), key=lambda n: order[n.level]):
        by_name[_norm(node.name)] = node.code
    classes: dict[str, list[str]] = {}
    for code in sorted(c for c, n in nodes.items() if n.level == "class"):
        at: IndustryNode | None = nodes[code]
        while at is not None:  # the class and each of its ancestors
            classes.setdefault(at.code, []).append(code)
            at = nodes.get(at.parent) if at.parent else None
    return Industries(nodes, by_name, {k: tuple(v) for k, v in classes.items()})


def industry_by_name(text: str, industries: Industries) -> str | None:
    """The GB/T 4754-2017 code a 所属行业 text names (``软件和信息技术服务业``,
    ``I65 软件和信息技术服务业``, ``R 文化、体育和娱乐业``), or None."""
    t = _norm(text)
    parts = [p for p in _LEVELS.split(t) if p]  # 门类>大类>中类>小类: the most specific first
    for part in [t, *reversed(parts)]:
        for candidate in (part, _NAME_PREFIX.sub("", part)):
            if candidate in industries.by_name:
                return industries.by_name[candidate]
    return None


def narrow_by_scope(code: str, scope: str | None, industries: Industries) -> str:
    """The one class under ``code`` (a section, division or group) whose name the business scope
    (经营范围) names — ``数字内容服务`` with ``动漫、游戏数字内容服务`` in the scope is 6572 — or
    ``code`` itself when the scope names none or several."""
    node = industries.nodes.get(code)
    if not scope or node is None or node.level == "class":
        return code
    text = _norm(scope)
    names = {c: _norm(industries.nodes[c].name) for c in industries.classes_under(code)}
    named = [c for c, name in names.items() if len(name) >= 4 and name in text]
    return named[0] if len(named) == 1 else code


@dataclass(frozen=True)
class PartialRule:
    """Keywords of the business scope that put a partial industry code into a culture class."""

    industry_code: str
    industry_name: str
    class_code: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Crosswalked:
    """The culture classes an industry code leads to, and a note for the review list if any."""

    codes: tuple[str, ...]
    review: str | None = None


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def parse_partial_keywords(raw: Any, source: str) -> dict[str, tuple[PartialRule, ...]]:
    """Check and read the parsed YAML of the keyword table."""
    if not isinstance(raw, Mapping):
        raise InputError(msg("keywords.not_a_map", source=source))
    rules: dict[str, tuple[PartialRule, ...]] = {}
    for code, entry in raw.items():
        code = str(code)
        if not re.fullmatch(r"\d{4}", code) or not isinstance(entry, Mapping):
            raise InputError(msg("keywords.bad_code", source=source, code=code))
        found: list[PartialRule] = []
        for item in entry.get("classes") or []:
            keywords = item.get("keywords") if isinstance(item, Mapping) else None
            if not isinstance(keywords, list) or not keywords or "class" not in item:
                raise InputError(msg("keywords.class_fields", source=source, code=code))
            found.append(PartialRule(code, str(entry.get("industry", "")), str(item["class"]),
                                     tuple(_norm(str(k)) for k in keywords)))
        if not found:
            raise InputError(msg("keywords.no_class", source=source, code=code))
        rules[code] = tuple(found)
    return rules


@lru_cache(maxsize=1)
def load_partial_keywords() -> dict[str, tuple[PartialRule, ...]]:
    """The packaged keyword table (``ontology/data/partial-code-keywords.yaml``), read once."""
    resource = resources.files("tupu.ontology").joinpath(KEYWORDS_FILE)
    return parse_partial_keywords(yaml.safe_load(resource.read_text(encoding="utf-8")),
                                  str(resource))


def industry_code(cell: Cell, industries: Industries | None = None) -> str:
    """A GB/T 4754-2017 class code as exports write it (``8710``, ``R8710``, a number that lost its
    leading zero) as four digits; CellError otherwise — also for a code that does not exist: a
    division (大类) the standard lacks, a section letter that is not the division's, or a class
    missing from a division whose classes ``industries`` lists completely."""
    if isinstance(cell, int) and not isinstance(cell, bool) and 0 < cell < 10000:
        code, letter = f"{cell:04d}", ""
    else:
        text = _norm(cell_text(cell)).upper()
        m = _CODE.match(text)
        if m is None:
            raise CellError(msg("load.industry_code_shape", value=cell_text(cell)))
        code, letter = m.group(2), m.group(1)
    table = industries or load_industries()
    division = table.nodes.get(code[:2])
    why = None
    if division is None or division.level != "division":
        why = msg("load.industry_code_no_division", division=code[:2])
    elif letter and letter != division.parent:
        why = msg("load.industry_code_wrong_section", division=code[:2], right=division.parent,
                  given=letter)
    elif division.complete and code not in table.nodes:
        why = msg("load.industry_code_no_class", division=code[:2])
    if why is not None:
        raise CellError(msg("load.industry_code_unknown", value=cell_text(cell), why=why))
    return code


def crosswalk(
    code: str,
    business_scope: str | None,
    taxonomy: Taxonomy,
    rules: Mapping[str, tuple[PartialRule, ...]],
) -> Crosswalked:
    """The culture classes of an enterprise with industry ``code`` and the given business scope."""
    hits = taxonomy.by_industry_code(code)
    if not hits:
        return Crosswalked((), msg("load.industry_code_outside", code=code))
    codes = [entry.code for entry, partial in hits if not partial]
    scope = _norm(business_scope or "")
    undecided: list[str] = []
    for entry, partial in hits:
        if not partial:
            continue
        keywords = [k for r in rules.get(code, ()) if r.class_code == entry.code
                    for k in r.keywords]
        if scope and any(k in scope for k in keywords):
            codes.append(entry.code)
        else:
            undecided.append(f"{entry.code} {entry.name}")
    review = None
    if undecided and not codes:
        industry = next((r.industry_name for r in rules.get(code, ())), "")
        named = f"{code}（{industry}）" if industry else code
        why = msg("load.scope_empty") if not scope else msg("load.scope_no_keyword")
        review = msg("load.industry_code_partial", code=named, classes="、".join(undecided),
                     why=why)
    return Crosswalked(tuple(codes), review)
