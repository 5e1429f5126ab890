"""Charts that need no plotting library: inline SVG, for the bulletin's HTML, the handbook and
the notebooks (``IPython.display.SVG``). No script, no external reference; the viewer's CJK font
draws the labels."""

from __future__ import annotations

import html
from collections.abc import Sequence

STATUS_COLOURS = {"已完成": "#2e7d32", "按进度": "#1565c0", "滞后": "#c62828", "无数据": "#9e9e9e"}


def bars_svg(rows: Sequence[tuple[str, float, float | None, str]], title: str,
                  scale: float | None = None, standalone: bool = False) -> str:
    """Horizontal bars as inline SVG (no script, no external reference): one row per
    ``(name, share, expected share or None, status)``; a share of 1 reaches the dashed line
    (the whole target), bars stop at 150%; with ``scale`` the shares are of ``scale`` and the
    labels show ``share * scale``. Colours by status (已完成, 按进度, 滞后, 无数据).
    ``standalone`` adds the SVG namespace, needed for an SVG file or a notebook image (inline
    in HTML it is implied)."""
    if not rows:
        return ""
    e = html.escape
    left, width, bar, gap = 230, 420, 16, 8
    height = 30 + len(rows) * (bar + gap)
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [f'<svg{ns} role="img" width="{left + width + 70}" '
           f'height="{height}" viewBox="0 0 {left + width + 70} {height}" '
           f'aria-label="{e(title)}" font-size="12">',
           f'<text x="0" y="14" font-weight="bold">{e(title)}</text>']
    for i, (name, share, expected, status) in enumerate(rows):
        y = 26 + i * (bar + gap)
        w = max(0.0, min(1.5, share)) / 1.5 * width
        colour = STATUS_COLOURS.get(status, "#1565c0")
        label = f"{share * scale:g}" if scale is not None else f"{share * 100:.0f}%"
        out += [f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{e(name[:18])}</text>',
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}"/>',
                f'<text x="{left + w + 4:.1f}" y="{y + 12}">{e(label)}</text>']
        if expected is not None:
            x = left + min(1.5, expected) / 1.5 * width
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 2}" y2="{y + bar + 2}" '
                       'stroke="#000" stroke-width="2"/>')
    if scale is None:
        x = left + width / 1.5
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="22" y2="{height}" stroke="#666" '
                   'stroke-dasharray="4 3"/>')
    out.append("</svg>")
    return "".join(out)
