"""A period named in a column header: ``2025年1-3月营业收入``, ``2024年营业收入``, ``2025年二季度利润总额``.

Statistics exports often carry the period in the header instead of a period column or the title,
and sometimes two periods side by side (``2024年营业收入`` and ``2025年1-3月营业收入``), or as the
top row of a two-row header (``2025年1-6月`` over ``营业收入``). Such a column is that period's
figure, not the enterprise's annual revenue.

A header period is a span of months of one year:

- a quarter (``4-6月``, ``二季度``, ``Q2``): the figure is the quarter's;
- months from January to a quarter's end (``1-3月``, ``1-6月``, ``上半年``, ``1-9月``,
  ``前三季度``, ``1-12月``, and a bare year — ``2024年``, ``2024年度``, ``2024年全年`` — which is
  ``1-12月``): the figure is cumulative, year to date at that quarter's end (``1-3月`` is the
  first quarter's own figure).

Any other span (``2-7月``, ``5月``) names no quarter; the caller reports the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ColumnPeriod", "cumulative_in", "split_period"]


@dataclass(frozen=True, order=True)
class ColumnPeriod:
    """Months ``first``..``last`` of ``year`` named by a header."""

    year: int
    first: int
    last: int

    @property
    def quarter(self) -> str | None:
        """The quarter ``yyyyQn`` at whose end the span closes, or None when the span is neither
        a quarter nor a year to a quarter's end."""
        if not (1 <= self.first <= self.last <= 12) or self.last % 3:
            return None
        if self.first not in (1, self.last - 2):
            return None
        return f"{self.year}Q{self.last // 3}"

    @property
    def cumulative(self) -> bool:
        """True for a figure from January to the end of a quarter after the first."""
        return self.first == 1 and self.last > 3

    @property
    def text(self) -> str:
        """The span as people write it (``2025年1-6月``)."""
        if self.first == self.last:
            return f"{self.year}年{self.first}月"
        return f"{self.year}年{self.first}-{self.last}月"


_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DASH = r"(?:-|—|–|~|～|至|到)"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_SPAN = re.compile(
    _YEAR + r"(?:"
    r"年?(?:第)?(?P<q>[一二三四1-4])季度?"
    r"|年?q(?P<qq>[1-4])"
    r"|年(?P<m1>\d{1,2})月?" + _DASH + r"(?P<m2>\d{1,2})月(?:份)?(?:末)?"
    r"|年(?P<m>\d{1,2})月(?:份)?(?:末)?"
    r"|年(?P<half>上半年|前三季度|下半年)"
    r"|年(?:度|全年)?"
    r")"
)
_HALF = {"上半年": (1, 6), "前三季度": (1, 9), "下半年": (7, 12)}
_AFTER = re.compile(r"^(?:累计|本年累计|合计)?")


def split_period(text: str) -> tuple[ColumnPeriod, str] | None:
    """``(the period, the rest of the header)`` when a normalised header (see
    :func:`tupu.loaders.headers.normalise_header`) starts with a year and a span, else None.

    ``2025年1-3月营业收入`` → (2025 months 1-3, ``营业收入``); ``2024年营业收入`` → (2024 months
    1-12, ``营业收入``); ``营业收入`` → None.
    """
    m = _SPAN.match(text)
    if m is None:
        return None
    rest = _AFTER.sub("", text[m.end():], count=1)
    if not rest:
        return None
    year = int(m.group("year"))
    q = m.group("q") or m.group("qq")
    if q:
        n = _CN[q]
        return ColumnPeriod(year, 3 * n - 2, 3 * n), rest
    if m.group("m1"):
        return ColumnPeriod(year, int(m.group("m1")), int(m.group("m2"))), rest
    if m.group("m"):
        month = int(m.group("m"))
        return ColumnPeriod(year, month, month), rest
    if m.group("half"):
        first, last = _HALF[m.group("half")]
        return ColumnPeriod(year, first, last), rest
    return ColumnPeriod(year, 1, 12), rest


_IN_TEXT = re.compile(
    r"(?P<year>(?:19|20)\d{2})年(?:(?P<m1>\d{1,2})月?" + _DASH + r"(?P<m2>\d{1,2})月"
    r"|(?P<half>上半年|前三季度))"
)


def cumulative_in(text: str) -> ColumnPeriod | None:
    """The one year-to-date span beyond the first quarter that a title names (``2025年1-6月``,
    ``2025年上半年``, ``2025年1-9月``), or None when it names none or several."""
    t = "".join(text.split())
    found: set[ColumnPeriod] = set()
    for m in _IN_TEXT.finditer(t):
        if m.group("half"):
            first, last = _HALF[m.group("half")]
        else:
            first, last = int(m.group("m1")), int(m.group("m2"))
        span = ColumnPeriod(int(m.group("year")), first, last)
        if span.quarter is not None and span.cumulative:
            found.add(span)
    return found.pop() if len(found) == 1 else None
