"""Render command results as a table or CSV (people) or JSON (machines).

CSV is opened in Excel by the office: it is the CSV of ``--save FILE.csv``, one writer
(:func:`tupu.graph.exports.office.to_people_csv`): UTF-8 with a BOM, Chinese headers from the
catalogue (``col.<key>``), lists joined with "；", every text cell through
:func:`tupu.inert.inert` (no formulas). JSON keeps ids, English keys and values exact.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from tupu.messages import msg

if TYPE_CHECKING:  # pandas and openpyxl are imported by the commands that write CSV, not by --help
    import pandas as pd

Format = Literal["table", "json", "csv"]
FORMATS: tuple[str, ...] = ("table", "json", "csv")


def candidate_headers() -> dict[str, str]:
    """Headers of the candidates' tables for people that differ from the catalogue's ``col.*``:
    ``park`` there is the park term's points, not a park's id."""
    return {"park": msg("col.park_term")}


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


def people_csv(df: pd.DataFrame, columns: Sequence[str] | None = None,
               headers: Mapping[str, str] | None = None) -> str:
    """The people's CSV of ``df`` (module doc) for standard output: ``click.echo`` ends the last
    line."""
    from tupu.graph.exports.office import to_people_csv

    return to_people_csv(df, columns, headers).removesuffix("\r\n")


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as the people's CSV (module doc), ``columns`` (English keys) in that order."""
    import pandas as pd

    cols = list(columns or (rows[0].keys() if rows else []))
    return people_csv(pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols))


def render_rows(
    rows: Sequence[Mapping[str, Any]], fmt: Format, columns: Sequence[str] | None = None
) -> str:
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        return to_csv(rows, columns)
    return table(rows, columns)
