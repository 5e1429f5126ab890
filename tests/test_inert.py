"""Cells for people's spreadsheets never become formulas."""

from __future__ import annotations

import datetime as dt

import pytest

from tupu.inert import inert


@pytest.mark.parametrize("text", ["=1+1", "+86 512", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_starts_are_quoted(text: str) -> None:
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["太仓某文化有限公司", "", "a=b", 3, -2.5, True,
                                   dt.date(2025, 1, 1), None])
def test_everything_else_is_unchanged(value: object) -> None:
    assert inert(value) == value
