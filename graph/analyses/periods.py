"""Quarters (``yyyyQn``) and revenue over them."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

import pandas as pd

from tupu.graph.analyses.sums import sorted_group_sum


def parse_period(period: str) -> tuple[int, int]:
    """``"2025Q2"`` → ``(2025, 2)``."""
    return int(period[:4]), int(period[5])


def shift(period: str, quarters: int) -> str:
    """The quarter ``quarters`` after (negative: before) ``period``."""
    y, q = parse_period(period)
    n = y * 4 + (q - 1) + quarters
    return f"{n // 4}Q{n % 4 + 1}"


Totals = tuple[float, float, float]
"""An enterprise's revenue over the last four quarters, the year to date and the same quarters a
year before (``ttm``, ``ytd``, ``ytd_prev``)."""


def revenue_totals(rows: Iterable[tuple[str, Any, Any]], period: str | None = None
                   ) -> dict[str, Totals]:
    """Per enterprise with an observation in one of those quarters: its :data:`Totals` at
    ``period`` (default: the latest period of ``rows``), from (enterprise, period, revenue) rows;
    a missing or NaN revenue counts as 0.

    Summed once per enterprise and figure in the order of :func:`revenue_summary`'s frames
    (sorted by enterprise and period; :func:`tupu.graph.analyses.sums.sorted_group_sum`), so
    both give the same floats.
    """
    dated = [r for r in rows if isinstance(r[1], str)]  # undated (None, NaN) counts nowhere
    if not dated:
        return {}
    latest = period or str(max(p for _, p, _ in dated))
    year, q = parse_period(latest)
    ttm = {shift(latest, -i) for i in range(4)}
    ytd = {f"{year}Q{i}" for i in range(1, q + 1)}
    prev = {f"{year - 1}Q{i}" for i in range(1, q + 1)}
    figures_of = {p: tuple(i for i, s in enumerate((ttm, ytd, prev)) if p in s)
                  for p in ttm | ytd | prev}
    found: dict[str, tuple[list[float], list[float], list[float]]] = {}
    for enterprise, p, revenue in sorted(dated, key=itemgetter(0, 1)):
        figures = figures_of.get(p)
        if figures is None:
            continue
        value = 0.0 if revenue is None or revenue != revenue else float(revenue)
        parts = found.get(enterprise)
        if parts is None:
            parts = found[enterprise] = ([], [], [])
        for i in figures:
            parts[i].append(value)
    return {e: (sorted_group_sum(a), sorted_group_sum(b), sorted_group_sum(c))
            for e, (a, b, c) in found.items()}


def revenue_summary(obs: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Per enterprise: revenue over the four quarters ending at ``period`` (``ttm``), the year to
    date (``ytd``) and the same quarters a year before (``ytd_prev``) — :func:`revenue_totals`
    as a frame sorted by enterprise.

    ``period`` defaults to the latest period observed. ``obs`` is
    :func:`tupu.graph.analyses.frames.enterprise_observations`.
    """
    cols = ["enterprise", "ttm", "ytd", "ytd_prev"]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    totals = revenue_totals(zip(obs["enterprise"], obs["period"], obs["revenue"], strict=True),
                            period)
    keys = sorted(totals)
    return pd.DataFrame({
        "enterprise": pd.Series(keys, dtype=obs["enterprise"].dtype),
        **{c: pd.Series([totals[k][i] for k in keys], dtype=float)
           for i, c in enumerate(cols[1:])},
    })
