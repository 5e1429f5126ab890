"""Units written in headers, title rows and cells, and their conversion to the ontology's units.

The ontology keeps money in 万元, people in 人, shares in % and areas in ㎡ (``ontology/schema.yaml``).
Exports write money in 元, 千元, 万元 or 亿元 — in the header (``营业收入（亿元）``), in a title row
(``单位：千元``) or in the cell itself (``1.2亿``). This module reads those unit words and gives the
factor that turns a number into the ontology's unit. Pure functions; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Unit",
    "UnitMismatch",
    "conversion",
    "header_unit",
    "ontology_unit",
    "preamble_unit",
    "split_quantity",
    "unit_of",
]


@dataclass(frozen=True)
class Unit:
    """A unit word: what it measures and how many of the dimension's base unit one of it is.

    Base units: 万元 (money), 人 (persons), % (percent), ㎡ (area).
    """

    word: str
    dimension: str
    factor: float


def _units() -> dict[str, Unit]:
    table: dict[str, tuple[str, float]] = {
        "元": ("money", 1e-4), "人民币元": ("money", 1e-4), "元人民币": ("money", 1e-4),
        "千元": ("money", 0.1), "万元": ("money", 1.0), "万元人民币": ("money", 1.0),
        "人民币万元": ("money", 1.0), "万": ("money", 1.0), "十万元": ("money", 10.0),
        "百万元": ("money", 100.0), "千万元": ("money", 1000.0), "亿元": ("money", 1e4),
        "亿": ("money", 1e4), "亿元人民币": ("money", 1e4), "人民币亿元": ("money", 1e4),
        "人": ("persons", 1.0), "名": ("persons", 1.0), "万人": ("persons", 1e4),
        "%": ("percent", 1.0), "百分比": ("percent", 1.0), "百分点": ("percent", 1.0),
        "m2": ("area", 1.0), "平方米": ("area", 1.0), "平米": ("area", 1.0),
        "万平方米": ("area", 1e4), "万m2": ("area", 1e4),
    }
    return {word: Unit(word, dim, factor) for word, (dim, factor) in table.items()}


_UNITS: Mapping[str, Unit] = _units()
_PREAMBLE = re.compile(
    r"单位[:：]("
    + "|".join(re.escape(w) for w in sorted(_UNITS, key=len, reverse=True)
               if _UNITS[w].dimension == "money")
    + ")"
)
_ONTOLOGY: Mapping[str, str] = {"万元": "万元", "人": "人", "%": "%", "㎡": "m2"}
_FOREIGN = re.compile(r"美元|欧元|日元|港元|港币|英镑|外币")
_PAREN = re.compile(r"^(.+?)[(\[]([^()\[\]]+)[)\]]$")
_SEPARATED = re.compile(r"^(.+?)[/_\-|]([^/_\-|]+)$")
_QUANTITY = re.compile(r"^([+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))\s*([^\d\s]*)$")


class UnitMismatch(ValueError):
    """A unit that cannot be converted to the one expected (message in Chinese)."""


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def unit_of(word: str) -> Unit | None:
    """The unit a word names (``亿元``, ``千元``, ``%``, ``平方米`` …), or None."""
    w = _norm(word)
    if w.startswith("单位:"):
        w = w[3:]
    return _UNITS.get(w)


def ontology_unit(unit: str | None) -> Unit | None:
    """The :class:`Unit` of an ontology unit (``万元`` …), or None for a property without one."""
    if unit is None:
        return None
    return _UNITS.get(_ONTOLOGY.get(unit, unit))


def header_unit(text: str) -> tuple[str, Unit | None, str | None]:
    """Split a normalised header into (name, unit, foreign currency word).

    ``营业收入(亿元)`` → (``营业收入``, 亿元, None); ``注册资本(万美元)`` → (``注册资本``, None,
    ``万美元``); ``所属镇(区)`` → unchanged, no unit. A unit joined without brackets is taken only
    for money and percent (``营业收入万元``, ``营业收入_万元``), so ``负责人`` keeps its ``人``.
    """
    for pattern in (_PAREN, _SEPARATED):
        m = pattern.match(text)
        if m:
            inner = m.group(2)
            if inner.startswith("单位:"):
                inner = inner[3:]
            unit = _UNITS.get(inner)
            if unit is not None:
                return m.group(1), unit, None
            if _FOREIGN.search(inner):
                return m.group(1), None, inner
    for word in sorted(_UNITS, key=len, reverse=True):
        unit = _UNITS[word]
        if unit.dimension in ("money", "percent") and len(text) > len(word) and \
                text.endswith(word) and word not in ("万", "亿"):
            return text[: -len(word)], unit, None
    return text, None, None


def preamble_unit(lines: Iterable[str]) -> Unit | None:
    """The money unit a title row states (``单位：万元``, ``金额单位：千元``), or None."""
    for line in lines:
        for m in _PREAMBLE.finditer(_norm(line)):
            unit = _UNITS.get(m.group(1))
            if unit is not None and unit.dimension == "money":
                return unit
    return None


def conversion(unit: Unit | None, target: str | None, what: str) -> float:
    """The factor from ``unit`` to the ontology unit ``target`` (1 when either is unknown).

    ``what`` names the column in the message of :class:`UnitMismatch`.
    """
    goal = ontology_unit(target)
    if unit is None or goal is None:
        return 1.0
    if unit.dimension != goal.dimension:
        raise UnitMismatch(
            f"{what}的单位“{unit.word}”无法换算为{target}；请改为以{target}计的数字"
        )
    return unit.factor / goal.factor


def split_quantity(text: str) -> tuple[float, Unit | None] | None:
    """A number written with an optional unit word (``1.2亿``, ``3,000万元``, ``85%``).

    Returns (number, unit or None) or None when the text is not a number; raises UnitMismatch
    for an unknown word after the number (``30台``) or a foreign currency.
    """
    t = _norm(text)
    m = _QUANTITY.match(t)
    if m is None:
        return None
    number = float(m.group(1).replace(",", ""))
    word = m.group(2)
    if not word:
        return number, None
    unit = _UNITS.get(word)
    if unit is None:
        if _FOREIGN.search(word):
            raise UnitMismatch(f"金额以“{word}”计，不能换算为人民币；请按人民币填写")
        raise UnitMismatch(f"数字后的“{word}”不是可识别的单位；请只填写数字")
    return number, unit
