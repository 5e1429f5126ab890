"""Enterprise names reduced to what identifies them, for entity resolution.

A name's *core* is what is left when the parts that vary between files are taken away::

    江苏太仓朔野游戏科技有限公司    → 朔野游戏科技
    朔野游戏科技（太仓）有限公司    → 朔野游戏科技
    朔野游戏科技集团股份有限公司    → 朔野游戏科技

- Unicode NFKC (full-width brackets, letters and digits become half-width), no white space,
  Latin letters upper case; 【】〔〕[] count as brackets;
- legal forms cut from the end (:data:`LEGAL_FORMS`; a 分公司 keeps its 分, so a branch never
  matches its parent);
- regions cut from the start and bracketed regions removed: the provinces of China and the cities
  and provinces the data itself names (a :class:`Gazetteer`), never leaving fewer than two
  characters. The regions cut are kept: they place the enterprise when its row does not say where.

Nothing here knows a particular city: the gazetteer is built from the rows being resolved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

PROVINCES: tuple[str, ...] = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
    "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门",
)
MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆"})
"""Provincial-level cities: a city and a province at once."""

REGION_SUFFIXES: tuple[str, ...] = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市",
    "县", "区",
)
LEGAL_FORMS: tuple[str, ...] = (
    "股份有限公司", "有限责任公司", "(有限合伙)", "(普通合伙)", "有限合伙", "普通合伙", "有限公司",
    "股份公司", "(集团)", "集团", "公司",
)
MIN_CORE = 2
"""Fewest characters a cut may leave."""

_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
_GROUP = re.compile(r"\(([^()]*)\)")
_DROP = str.maketrans("", "", "·•・.,-_'\"")


def plain(text: str) -> str:
    """NFKC, no white space, no dots or dashes, brackets as ``()``, Latin upper case."""
    s = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(s.split()).translate(_DROP).upper()


@lru_cache(maxsize=4096)
def region_key(text: str) -> str:
    """A city or province as compared: ``太仓市`` and ``太仓`` → ``太仓``; ``江苏省`` → ``江苏``."""
    s = plain(text)
    for suffix in REGION_SUFFIXES:
        if s.endswith(suffix) and len(s) - len(suffix) >= MIN_CORE:
            return s[: -len(suffix)]
    return s


@dataclass(frozen=True)
class Place:
    """Where an enterprise is, as far as known (empty: unknown)."""

    cities: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()

    def __or__(self, other: Place) -> Place:
        return Place(self.cities | other.cities, self.provinces | other.provinces)

    def fits(self, other: Place) -> bool:
        """Nothing known of the two contradicts the other."""
        return (not self.cities or not other.cities or bool(self.cities & other.cities)) and (
            not self.provinces or not other.provinces or bool(self.provinces & other.provinces)
        )

    @property
    def definite(self) -> bool:
        """At most one city and one province."""
        return len(self.cities) <= 1 and len(self.provinces) <= 1


@dataclass
class Gazetteer:
    """Written forms of regions → (``city`` or ``province``, key)."""

    forms: dict[str, tuple[str, str]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def of(cls, cities: Iterable[str], provinces: Iterable[str]) -> Gazetteer:
        g = cls()
        for name in (*PROVINCES, *provinces):
            key = region_key(name)
            if len(key) >= MIN_CORE:
                for form in (key, plain(name), key + "省", key + "市"):
                    g._add(form, "province", key)
        for name in cities:
            key = region_key(name)
            if len(key) >= MIN_CORE:
                for form in (key, plain(name), key + "市"):
                    g._add(form, "city", key)
        return g

    def _add(self, form: str, kind: str, key: str) -> None:
        self.forms.setdefault(form, (kind, key))
        self.longest = max(self.longest, len(form))

    def place(self, form: str) -> Place | None:
        hit = self.forms.get(form)
        if hit is None:
            return None
        kind, key = hit
        if kind == "city":
            return Place(cities=frozenset({key}))
        both = frozenset({key}) if key in MUNICIPALITIES else frozenset()
        return Place(cities=both, provinces=frozenset({key}))

    def leading(self, s: str) -> str | None:
        """The longest region ``s`` starts with, leaving at least :data:`MIN_CORE` characters."""
        for n in range(min(self.longest, len(s) - MIN_CORE), 1, -1):
            if s[:n] in self.forms:
                return s[:n]
        return None

    def trailing(self, s: str) -> str | None:
        """The longest region ``s`` ends with, leaving at least :data:`MIN_CORE` characters."""
        for n in range(min(self.longest, len(s) - MIN_CORE), 1, -1):
            if s[-n:] in self.forms:
                return s[-n:]
        return None


def _cut_legal_form(s: str) -> str:
    for form in LEGAL_FORMS:
        if s.endswith(form) and len(s) - len(form) >= MIN_CORE:
            if form == "公司" and s.endswith("分公司"):
                return s
            return s[: -len(form)]
    return s


def _cut_brackets(s: str, gazetteer: Gazetteer, places: list[Place]) -> str:
    """``s`` without bracketed regions (noted in ``places``), 集团, 股份 or nothing."""

    def cut(m: re.Match[str]) -> str:
        inner = m.group(1)
        where = gazetteer.place(inner)
        if where is not None:
            places.append(where)
            return ""
        return "" if inner in ("", "集团", "股份") else m.group(0)

    out = _GROUP.sub(cut, s)
    return out if len(out) >= MIN_CORE else s


def name_core(name: str, gazetteer: Gazetteer, short: bool = False) -> tuple[str, Place]:
    """The core of ``name`` (see the module docstring) and the place its regions name.

    ``short``: the name is a 简称, which may also end with a region (``朔野太仓``).
    """
    s = plain(name)
    places: list[Place] = []
    while True:
        before = s
        s = _cut_legal_form(_cut_brackets(s, gazetteer, places))
        lead = gazetteer.leading(s)
        if lead is not None:
            s = s[len(lead):]
            places.append(gazetteer.place(lead) or Place())
        trail = gazetteer.trailing(s) if short else None
        if trail is not None:
            s = s[: -len(trail)]
            places.append(gazetteer.place(trail) or Place())
        if s == before:
            place = Place()
            for where in places:
                place = place | where
            return s, place
