"""matplotlib with Chinese labels: pick an installed CJK font, say so in Chinese when there is none.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: every label would be drawn as
empty boxes ("tofu"). :func:`use_cjk_font` looks through the fonts matplotlib knows
(``matplotlib.font_manager.fontManager``, which scans the system's font folders) for the first of
:data:`CJK_FONTS` and makes it matplotlib's sans-serif font. Nothing is downloaded: on Debian or
Ubuntu ``apt-get install fonts-noto-cjk`` provides Noto Sans CJK SC (``make test`` installs it);
Windows and macOS ship Microsoft YaHei, SimHei or PingFang SC.

::

    import tupu.charts
    tupu.charts.use_cjk_font()        # once, before drawing; returns the font's name
    m.gaps(all=True).groupby("chain_name")["revenue"].sum().plot.barh(title="各产业链营收")

:data:`STATUS_COLOURS` are the colours tupu's pages give link statuses and target statuses, so that
notebook charts read as the pages do.
"""

from __future__ import annotations

from collections.abc import Iterable

from tupu.errors import MissingFont
from tupu.messages import msg

CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",      # Debian/Ubuntu fonts-noto-cjk
    "Noto Sans SC",
    "Source Han Sans SC",    # the same design under Adobe's name
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",     # fonts-wqy-zenhei
    "WenQuanYi Micro Hei",   # fonts-wqy-microhei
    "SimHei",                # Windows
    "Microsoft YaHei",       # Windows
    "PingFang SC",           # macOS
    "Source Han Sans",
    "Noto Sans CJK JP",      # the same collection file, other regional defaults: still Chinese glyphs
    "Noto Sans CJK TC",
)
"""The fonts tried, in order: simplified-Chinese sans-serif designs first."""

STATUS_COLOURS: dict[str, str] = {
    # chain-link status (gaps)
    "优势": "#2e7d32", "一般": "#90a4ae", "薄弱": "#f9a825", "缺失": "#c62828",
    # target status (targets, bulletin)
    "已完成": "#2e7d32", "按进度": "#1565c0", "滞后": "#c62828", "无数据": "#9e9e9e",
}
"""Colours by status word, as on the pages (graph/exports/charts.py, api/static)."""


def installed_fonts() -> set[str]:
    """The family names of the fonts matplotlib can use on this machine."""
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


def cjk_font(candidates: Iterable[str] = CJK_FONTS) -> str | None:
    """The first of ``candidates`` installed on this machine, or None."""
    have = installed_fonts()
    return next((name for name in candidates if name in have), None)


def use_cjk_font(candidates: Iterable[str] = CJK_FONTS) -> str:
    """Make the first installed CJK font of ``candidates`` matplotlib's sans-serif font (and keep
    the minus sign drawable); returns its name. Raises :class:`tupu.errors.MissingFont`, which
    says in Chinese what to install, when none is installed."""
    import matplotlib

    wanted = tuple(candidates)
    name = cjk_font(wanted)
    if name is None:
        raise MissingFont(msg("charts.no_cjk_font", fonts="、".join(wanted)))
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [name, *[f for f in rc["font.sans-serif"] if f != name]]
    rc["axes.unicode_minus"] = False  # CJK fonts often lack U+2212; draw "-" instead
    return name
