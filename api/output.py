"""Render command results as a table (people), JSON or CSV (machines).

CSV output is opened in Excel as often as it is read by programs, so its cells pass
:func:`tupu.inert.inert` (no formulas); JSON keeps values exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from tupu.inert import inert

Format = Literal["table", "json", "csv"]
FORMATS: tuple[str, ...] = ("table", "json", "csv")


def _default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A plain-text table with aligned columns (CJK-aware)."""
    if not rows:
        return "(none)"
    cols = list(columns or rows[0].keys())
    cells = [[_default(r.get(c, "")) if r.get(c) is not None else "" for c in cols] for r in rows]
    widths = [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    buf = io.StringIO()
    cols = list(columns or (rows[0].keys() if rows else []))
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: "" if r.get(c) is None else _default(inert(r[c])) for c in cols})
    return buf.getvalue().rstrip("\n")


def render_rows(
    rows: Sequence[Mapping[str, Any]], fmt: Format, columns: Sequence[str] | None = None
) -> str:
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        return to_csv(rows, columns)
    return table(rows, columns)
