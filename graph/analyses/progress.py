"""Where a target stands during the year, as a city reports it: 已完成 / 按进度 / 滞后 / 无数据.

One rule, used by ``tupu targets``, the bulletin and ``tupu clusters`` (so they never disagree):

- **expected** at the end of a quarter is the annual target times the share of the year the
  target's *profile* expects by then: ``pro_rata`` (a quarter each: 25%, 50%, 75%, 100%), ``level``
  (the whole target at every point: rates, counts of what exists such as clusters or backbone
  enterprises) or four shares given in ``graph/analysis.yaml`` (``monitoring.target_profiles``);
- an "at least" target (超 / 不少于 / 以上 …) is **met** (已完成) when the actual satisfies the
  annual target, **on track** (按进度) when it reaches the expected value, **behind** (滞后)
  otherwise;
- an "at most" target (不超过 / 低于 …) is behind once the actual breaks the bound, met at the
  year's last quarter, on track before;
- a **range** (3–5) is judged as a range: its lower bound is the figure to reach (expected is the
  lower bound times the share), reaching it completes the target, and an actual above the upper
  bound is still met with a note that it exceeds the range;
- without an actual: **no data** (无数据).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["met", "on_track", "behind", "no_data"]
STATUS_ZH: dict[str, str] = {"met": "已完成", "on_track": "按进度", "behind": "滞后",
                             "no_data": "无数据"}
Operator = Literal["gt", "ge", "lt", "le", "range"]


@dataclass(frozen=True)
class Standing:
    """Where one target stands at the end of a quarter."""

    status: Status
    expected: float | None  # the figure expected by then (None: no data or no figure)
    share: float  # the share of the year's target expected by then (0..1)
    note: str  # Chinese: how the status was reached

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]


def year_share(quarter: int | None, profile: str | Sequence[float]) -> float:
    """The share of the annual target expected by the end of ``quarter`` (None: the year is
    over, 1.0) under ``profile`` (``pro_rata``, ``level`` or four cumulative shares)."""
    if quarter is None:
        return 1.0
    if isinstance(profile, str):
        if profile == "level":
            return 1.0
        if profile == "pro_rata":
            return quarter / 4
        raise ValueError(f"unknown target profile {profile!r}")
    return float(profile[quarter - 1])


def profile_of(target_id: str, measure: str, profiles: Mapping[str, str | Sequence[float]],
               level_measures: Sequence[str]) -> str | Sequence[float]:
    """The profile configured for a target (by id), else ``level`` for the level measures, else
    ``pro_rata``."""
    if target_id in profiles:
        return profiles[target_id]
    return "level" if measure in level_measures else "pro_rata"


def judge(operator: Operator, actual: float | None, value: float | None = None,
          low: float | None = None, high: float | None = None, quarter: int | None = None,
          profile: str | Sequence[float] = "pro_rata", unit: str = "") -> Standing:
    """The standing of a target (see the module doc). ``quarter`` is the quarter of the data
    (1–4; None or 4: the year is complete)."""
    share = year_share(quarter, profile)
    last = quarter is None or quarter == 4
    if actual is None:
        return Standing("no_data", None, share, "无数据")
    if operator == "range":
        assert low is not None and high is not None
        expected = round(low * share, 2)
        if actual >= low:
            over = f"，超出区间上限{_n(high)}{unit}，可考虑整合提升" if actual > high else ""
            return Standing("met", low, share, f"已达到区间下限{_n(low)}{unit}{over}")
        return _progress(actual, expected, share, unit, strict=False)
    assert value is not None
    if operator in ("gt", "ge"):
        done = actual > value if operator == "gt" else actual >= value
        if done:
            return Standing("met", value, share, f"已完成全年目标{_n(value)}{unit}")
        expected = round(value * share, 2)
        if last:
            return Standing("behind", value, 1.0, f"未完成全年目标{_n(value)}{unit}")
        return _progress(actual, expected, share, unit, strict=False)
    ok = actual < value if operator == "lt" else actual <= value
    if not ok:
        return Standing("behind", value, share, f"已超出上限{_n(value)}{unit}")
    if last:
        return Standing("met", value, 1.0, f"全年未超出上限{_n(value)}{unit}")
    return Standing("on_track", value, share, f"尚未超出上限{_n(value)}{unit}")


def _progress(actual: float, expected: float, share: float, unit: str,
              strict: bool) -> Standing:
    pct = f"{share * 100:.0f}%"
    if actual >= expected:
        return Standing("on_track", expected, share,
                        f"达到进度要求（应完成全年的{pct}，即{_n(expected)}{unit}）")
    return Standing("behind", expected, share,
                    f"低于进度要求（应完成全年的{pct}，即{_n(expected)}{unit}）")


def _n(x: float) -> str:
    return f"{x:g}"
