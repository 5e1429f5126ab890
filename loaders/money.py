"""Capital as business-information exports write it: ``5000万人民币``, ``100万美元``, ``1.2亿元``.

Registered and paid-in capital (注册资本, 实缴资本) come in many spellings, and in foreign
currencies for foreign-invested enterprises. :func:`parse_capital` reads one cell into a
:class:`Capital`: the amount in 万元 (yuan) for the ontology, and, for a foreign currency, the amount
as registered (in ten thousands of that currency) and its ISO 4217 code. Foreign amounts are
converted with the dated rate table ``loaders/exchange-rates.yaml`` (or the file
``TUPU_EXCHANGE_RATES`` names); a currency the table lacks keeps its amount and code and leaves
the yuan amount unknown — never a refusal.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tupu.errors import ConfigError
from tupu.loaders.units import Unit
from tupu.messages import msg
from tupu.ontology.values import CellError

__all__ = ["Capital", "RateTable", "currency_word", "load_rates", "parse_capital"]

RATES_FILE = "exchange-rates.yaml"

_CURRENCIES: Mapping[str, str] = {
    "人民币": "CNY", "元": "CNY", "rmb": "CNY", "cny": "CNY",
    "美元": "USD", "美金": "USD", "usd": "USD",
    "港元": "HKD", "港币": "HKD", "hkd": "HKD",
    "欧元": "EUR", "eur": "EUR",
    "英镑": "GBP", "gbp": "GBP",
    "日元": "JPY", "jpy": "JPY",
    "新台币": "TWD", "澳元": "AUD", "澳大利亚元": "AUD", "加元": "CAD", "加拿大元": "CAD",
    "新加坡元": "SGD", "韩元": "KRW", "瑞士法郎": "CHF", "澳门元": "MOP", "澳门币": "MOP",
}
_SCALE: Mapping[str, float] = {"": 1e-4, "千": 0.1, "万": 1.0, "十万": 10.0, "百万": 100.0,
                               "千万": 1000.0, "亿": 1e4}
_WORDS = "|".join(sorted(_CURRENCIES, key=len, reverse=True))
_CELL = re.compile(
    rf"^(?P<pre>{_WORDS})?(?P<num>[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))"
    rf"(?P<scale>十万|百万|千万|万|亿|千)?(?P<yuan>元)?(?P<cur>{_WORDS})?(?:元)?(?:整)?$",
    re.IGNORECASE,
)
_WORD = re.compile(rf"^(?P<scale>十万|百万|千万|万|亿|千)?(?:元)?(?P<cur>{_WORDS})(?:元)?$",
                   re.IGNORECASE)
_NOTE = re.compile(rf"^(?P<base>.+?)\((?P<word>(?:万|亿)?(?:{_WORDS}))\)$", re.IGNORECASE)
"""A unit or currency in brackets after the amount: ``500万(元)``, ``100万美元(USD)``."""
_ANY_WORD = re.compile(_WORDS, re.IGNORECASE)


@dataclass(frozen=True)
class Capital:
    """One capital amount: in 万元 (None when its currency has no rate), and as registered."""

    yuan: float | None
    currency: str  # ISO 4217
    amount: float  # in ten thousands of ``currency``


@dataclass(frozen=True)
class RateTable:
    """Yuan per unit of each currency, from the newest table of the rate file."""

    date: dt.date
    source: str
    rates: Mapping[str, float]


def currency_word(word: str) -> tuple[str, float] | None:
    """(ISO code, factor to ten thousands) of a unit word such as ``万美元``, or None."""
    m = _WORD.match(_squeeze(word))
    if m is None:
        return None
    return _CURRENCIES[m.group("cur").lower()], _SCALE[m.group("scale") or ""]


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_rates(raw: Any, source: str) -> RateTable:
    """The newest table of a parsed rate file (ConfigError naming ``source`` when malformed)."""
    tables = raw.get("tables") if isinstance(raw, Mapping) else None
    if not isinstance(tables, list) or not tables:
        raise ConfigError(msg("rates.no_tables", source=source))
    found: list[RateTable] = []
    for t in tables:
        if not isinstance(t, Mapping) or not isinstance(t.get("date"), dt.date) or \
                not isinstance(t.get("rates"), Mapping):
            raise ConfigError(msg("rates.table_fields", source=source))
        rates: dict[str, float] = {}
        for code, rate in t["rates"].items():
            if not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate <= 0:
                raise ConfigError(msg("rates.bad_rate", source=source, code=code))
            rates[str(code).upper()] = float(rate)
        found.append(RateTable(t["date"], str(t.get("source", "")), rates))
    return max(found, key=lambda r: r.date)


@lru_cache(maxsize=4)
def load_rates(path: Path | None = None) -> RateTable:
    """The rate table of ``path`` or, without one, the packaged ``loaders/exchange-rates.yaml``."""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(msg("rates.unreadable", path=path,
                                  reason=e.strerror or type(e).__name__)) from e
        return parse_rates(yaml.safe_load(text), str(path))
    resource = resources.files("tupu.loaders").joinpath(RATES_FILE)
    return parse_rates(yaml.safe_load(resource.read_text(encoding="utf-8")), str(resource))


def parse_capital(text: str, column_unit: Unit | None, column_currency: str | None,
                  rates: RateTable, what: str) -> Capital | None:
    """A capital cell: ``5000万人民币``, ``5000万元人民币``, ``100万美元``, ``1.2亿元``, ``3,000``
    (in the column's unit, 万元 when none), ``-`` (unknown: None).

    ``column_currency`` is a header's foreign currency word (``注册资本(万美元)``). Raises
    :class:`CellError` with a Chinese message for text that is no amount.
    """
    t = _squeeze(text)
    if t in ("", "-", "--", "—", "——", "/", "无", "不详", "暂无", "null", "none"):
        return None
    note = _NOTE.match(t)
    if note is not None:  # the bracketed word completes the amount unless it says it again
        base = note.group("base")
        t = base if _ANY_WORD.search(base) else base + note.group("word")
    m = _CELL.match(t)
    if m is None:
        raise CellError(msg("load.capital_unreadable", column=what, value=text))
    number = float(m.group("num").replace(",", ""))
    word = m.group("cur") or m.group("pre")
    code = _CURRENCIES[word.lower()] if word else None
    scale = m.group("scale")
    if code is None and column_currency is not None and (found := currency_word(column_currency)):
        code, factor = found
        return _capital(number * (_SCALE[scale] if scale else factor), code, rates)
    if code is not None and code != "CNY":
        return _capital(number * _SCALE[scale or ""], code, rates)
    if scale is not None:
        factor = _SCALE[scale]
    elif m.group("yuan") or code == "CNY":
        factor = _SCALE[""]
    else:
        factor = column_unit.factor if column_unit is not None else 1.0
    return _capital(number * factor, "CNY", rates)


def _capital(amount: float, code: str, rates: RateTable) -> Capital:
    amount = round(amount, 6)
    if code == "CNY":
        return Capital(amount, code, amount)
    rate = rates.rates.get(code)
    return Capital(round(amount * rate, 6) if rate is not None else None, code, amount)
