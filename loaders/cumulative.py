"""Year-to-date figures (``2025年1-6月营业收入``) turned into the quarter's own.

An observation holds the figures of one quarter (``revenue`` is the quarter's revenue; the
bulletin adds quarters up). A cumulative export gives January to the quarter's end instead. The
cumulative figure is kept as it was given (``revenue_ytd``, ``profit_ytd``), and the quarter's own
figure is the cumulative one less the year's earlier quarters: less the previous quarter's
cumulative figure when that is known, else less the sum of the earlier quarters' own figures when
all of them are known. When neither is, the quarter's own figure is left out and reported.
Figures at the period's end (employees, total assets) are the quarter's as they stand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tupu.graph.stores.model import Props, Value

__all__ = ["YTD", "Split", "split_cumulative"]

YTD: Mapping[str, str] = {"revenue": "revenue_ytd", "profit": "profit_ytd"}
"""The property that keeps a flow figure's year-to-date value."""
_FLOWS = frozenset({"revenue", "profit", "talent_introduced"})


@dataclass
class Split:
    """The figures to write for the quarter, and the flows whose own part is unknown."""

    props: Props
    unsplit: list[tuple[str, Value]] = field(default_factory=list)


def _minus(total: Value, part: float) -> Value:
    if isinstance(total, int) and not isinstance(total, bool) and float(part).is_integer():
        return total - int(part)
    return round(float(total) - part, 6)  # type: ignore[arg-type]


def _number(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def split_cumulative(period: str, own: Props, cumulative: Props,
                     earlier: Callable[[str], Props | None]) -> Split:
    """The props of the observation of ``period`` (``yyyyQn``) from the quarter's own figures
    (``own``) and the year-to-date ones (``cumulative``); ``earlier(quarter)`` gives the props of
    an earlier observation of the same owner, or None."""
    year, n = int(period[:4]), int(period[5])
    props: Props = dict(own)
    out = Split(props)
    for name, value in cumulative.items():
        if value is None:
            continue
        if name not in _FLOWS or n == 1:
            props.setdefault(name, value)
            continue
        ytd = YTD.get(name)
        if ytd:
            props[ytd] = value
        if name in own:
            continue
        part = _earlier_total(year, n, name, ytd, earlier)
        if part is None:
            out.unsplit.append((name, value))
        else:
            props[name] = _minus(value, part)
    return out


def _earlier_total(year: int, n: int, name: str, ytd: str | None,
                   earlier: Callable[[str], Props | None]) -> float | None:
    """The year's figure up to the quarter before ``n``, or None when it is not known."""
    previous = earlier(f"{year}Q{n - 1}")
    if previous is not None and ytd:
        found = _number(previous.get(ytd))
        if found is not None:
            return found
    total = 0.0
    for q in range(1, n):
        props = previous if q == n - 1 else earlier(f"{year}Q{q}")
        own = _number(props.get(name)) if props is not None else None
        if own is None:
            return None
        total += own
    return total
