"""How figures are written for Chinese readers."""

from __future__ import annotations


def money_text(wan: float) -> str:
    """An amount in 万元 as people say it: 亿元 from 10,000 万元 up. ``money_text(21000) == '2.1亿元'``"""
    return f"{wan / 10000:.1f}亿元" if wan >= 10000 else f"{wan:,.0f}万元"


def area_text(m2: float) -> str:
    """An area in ㎡: 万㎡ from 10,000 ㎡ up. ``area_text(21000) == '2.1万㎡'``"""
    return f"{m2 / 10000:.1f}万㎡" if m2 >= 10000 else f"{m2:,.0f}㎡"
