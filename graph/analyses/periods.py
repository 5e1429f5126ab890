"""Quarters (``yyyyQn``) and revenue over them."""

from __future__ import annotations

import pandas as pd


def parse_period(period: str) -> tuple[int, int]:
    """``"2025Q2"`` → ``(2025, 2)``."""
    return int(period[:4]), int(period[5])


def shift(period: str, quarters: int) -> str:
    """The quarter ``quarters`` after (negative: before) ``period``."""
    y, q = parse_period(period)
    n = y * 4 + (q - 1) + quarters
    return f"{n // 4}Q{n % 4 + 1}"


def revenue_summary(obs: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Per enterprise: revenue over the four quarters ending at ``period`` (``ttm``), the year to
    date (``ytd``) and the same quarters a year before (``ytd_prev``).

    ``period`` defaults to the latest period observed. ``obs`` is
    :func:`tupu.graph.analyses.frames.enterprise_observations`.
    """
    cols = ["enterprise", "ttm", "ytd", "ytd_prev"]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    latest = period or str(obs["period"].max())
    year, q = parse_period(latest)
    ttm_periods = {shift(latest, -i) for i in range(4)}
    ytd_periods = {f"{year}Q{i}" for i in range(1, q + 1)}
    prev_periods = {f"{year - 1}Q{i}" for i in range(1, q + 1)}
    rev = obs.assign(revenue=obs["revenue"].fillna(0.0).astype(float))

    def total(periods: set[str]) -> pd.Series:
        return rev[rev["period"].isin(periods)].groupby("enterprise")["revenue"].sum()

    out = pd.DataFrame({"ttm": total(ttm_periods), "ytd": total(ytd_periods),
                        "ytd_prev": total(prev_periods)}).fillna(0.0)
    return out.rename_axis("enterprise").reset_index()[cols]
