"""Jinja filters that write figures and codes the way Chinese readers expect."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from tupu.graph.analyses.chain_links import STAGE_ZH
from tupu.graph.analyses.gaps import STATUS_ZH
from tupu.graph.analyses.monitoring import PROJECT_STATUS_ZH, TARGET_STATUS_ZH
from tupu.graph.analyses.wording import area_text, money_text

DASH = "—"


def num(value: Any, digits: int = 2) -> str:
    """A number with thousands separators and at most ``digits`` decimals; — for none."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
        return "0" if text in ("", "-0") else text
    return str(value)


def pct(value: Any, digits: int = 1) -> str:
    """A share (0.123) as a percentage (12.3%)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return DASH
    return f"{value * 100:.{digits}f}%"


def money(value: Any) -> str:
    return money_text(float(value)) if isinstance(value, (int, float)) else DASH


def area(value: Any) -> str:
    return area_text(float(value)) if isinstance(value, (int, float)) else DASH


def yesno(value: Any) -> str:
    return DASH if value is None else ("是" if value else "否")


def install(env: Environment) -> None:
    env.filters.update(num=num, pct=pct, money=money, area=area, yesno=yesno)
    env.globals.update(STATUS_ZH=STATUS_ZH, STAGE_ZH=STAGE_ZH, PROJECT_STATUS_ZH=PROJECT_STATUS_ZH,
                       TARGET_STATUS_ZH=TARGET_STATUS_ZH)
