"""The quarterly bulletin's renderings: Markdown, one self-contained HTML page, an XLSX workbook.

:func:`to_markdown`, :func:`to_html` (no external asset) and :func:`to_xlsx` (one sheet per
section) render a :class:`~tupu.graph.analyses.bulletin.Bulletin`; every rendering carries the
dataset's notice (e.g. that it is fictional). Every text cell of the workbook passes
:func:`tupu.inert.inert`: names come from outside and may start with ``=``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tupu.graph.analyses.bulletin import Bulletin, Section
from tupu.graph.analyses.monitoring import period_zh
from tupu.graph.exports.charts import bars_svg
from tupu.graph.exports.office import DECIMAL, INTEGER, PERCENT, number_format
from tupu.inert import inert

# -- -----------------------------------------------------------------------------
NUMBERS = "一二三四五六七八九十"


def cell(v: object) -> str:
    """A value as the bulletin shows it: — for none, 是/否, numbers with at most two decimals."""
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        text = f"{v:,.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _heading(i: int, s: Section) -> str:
    return f"{NUMBERS[i] if i < len(NUMBERS) else i + 1}、{s.title}"


def _footer(b: Bulletin) -> str:
    if b.notice:
        return f"数据说明：{b.notice}"
    return ""


def to_markdown(b: Bulletin) -> str:
    """The bulletin as Markdown (GitHub tables)."""
    out = [f"# {b.title}", "", f"报告期：{period_zh(b.period)}（{b.period}）", ""]
    if b.fictional:
        out += [f"> 【示例数据】{b.notice}", ""]
    out += ["## 概况", "", *(f"- {line}" for line in b.summary), ""]
    for i, s in enumerate(b.sections):
        out += [f"## {_heading(i, s)}", ""]
        if s.note:
            out += [s.note, ""]
        out += [_md_table(s.display()), ""]
    footer = _footer(b)
    if footer:
        out += ["---", "", footer, ""]
    return "\n".join(out)


def _md_table(df: pd.DataFrame) -> str:
    if df.empty:
        return "（本期无）"

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(str(c)) for c in df.columns) + " |",
             "|" + "|".join("---" for _ in df.columns) + "|"]
    lines += ["| " + " | ".join(esc(cell(v)) for v in row) + " |"
              for row in df.itertuples(index=False)]
    return "\n".join(lines)


_CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",
sans-serif;margin:0;background:#f6f7f9;color:#222;line-height:1.6}
main{max-width:1200px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:24px;text-align:center;margin:8px 0 4px}
.meta{text-align:center;color:#666;margin:0 0 16px}
.demo{border:1px solid #e0b84c;background:#fff8e1;padding:8px 12px;margin:12px 0}
h2{font-size:18px;border-left:4px solid #b71c1c;padding-left:8px;margin-top:28px}
.note{color:#555;font-size:14px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}
th,td{border:1px solid #d0d4da;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}
td.num{text-align:right;white-space:nowrap}
td.ok{color:#1b5e20;font-weight:bold}
td.bad{color:#b71c1c;font-weight:bold}
footer{margin-top:32px;padding-top:12px;border-top:1px solid #ccc;color:#666;font-size:13px}
"""


def to_html(b: Bulletin) -> str:
    """The bulletin as one self-contained HTML page (inline CSS, no external asset), zh-CN."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(b.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>{e(b.title)}</h1>",
        f'<p class="meta">报告期：{e(period_zh(b.period))}（{e(b.period)}）</p>',
    ]
    if b.fictional:
        parts.append(f'<p class="demo">【示例数据】{e(b.notice)}</p>')
    parts += ["<section>", "<h2>概况</h2>", "<ul>",
              *(f"<li>{e(line)}</li>" for line in b.summary), "</ul>", "</section>"]
    for i, s in enumerate(b.sections):
        parts += ["<section>", f"<h2>{e(_heading(i, s))}</h2>"]
        if s.note:
            parts.append(f'<p class="note">{e(s.note)}</p>')
        chart = chart_svg(s)
        if chart:
            parts.append(f'<figure class="chart">{chart}</figure>')
        parts += [_html_table(s.display()), "</section>"]
    footer = _footer(b)
    if footer:
        parts.append(f"<footer>{e(footer)}</footer>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def chart_svg(s: Section) -> str:
    """An inline SVG chart for the sections that have one (targets: completion against the value
    expected by now; gaps: priority), or "" — no script, no external asset."""
    if s.key == "kpis":
        rows = [(str(r["name"]), float(r["actual"]) / float(r["annual"]),
                 (float(r["expected"]) / float(r["annual"])) if _num(r["expected"]) else None,
                 str(r["status"]))
                for _, r in s.frame.iterrows()
                if _num(r.get("actual")) is not None and _num(r.get("annual"))]
        return bars_svg(rows, "全年目标完成比例（竖线：本期应完成）")
    if s.key == "gaps" and not s.frame.empty:
        rows = [(f"{r['chain_name']}·{r['link_name']}", float(r["priority"]), None, "滞后")
                for _, r in s.frame.iterrows()]
        top = max(v for _, v, _, _ in rows) or 1.0
        return bars_svg([(n, v / top, None, st) for n, v, _, st in rows], "招引优先级",
                             scale=top)
    return ""


def _num(v: object) -> float | None:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (int, float)) or pd.isna(v):
        return None
    return float(v)


def _html_table(df: pd.DataFrame) -> str:
    if df.empty:
        return '<p class="note">（本期无）</p>'
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        tds = []
        for v in row:
            v = v.item() if isinstance(v, np.generic) else v
            cls = ("num" if isinstance(v, (int, float)) and not isinstance(v, bool)
                   else {"已完成": "ok", "滞后": "bad"}.get(str(v), ""))
            attr = f' class="{cls}"' if cls else ""
            tds.append(f"<td{attr}>{e(cell(v))}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>" + "\n".join(body)
            + "</tbody></table>")


def to_xlsx(b: Bulletin, path: Path) -> Path:
    """Write the bulletin as an Excel workbook: a cover sheet (title, period, notice, overview),
    then one sheet per section with Chinese headers."""
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = "通报说明"
    cover.append([inert(b.title)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["报告期", f"{period_zh(b.period)}（{b.period}）"])
    cover.append(["依据", inert(b.plan_title)])
    cover.append(["数据说明", inert(b.notice or "—")])
    cover.append([])
    cover.append(["概况"])
    for line in b.summary:
        cover.append(["", inert(line)])
    cover.append([])
    cover.append(["各表"])
    for i, s in enumerate(b.sections):
        cover.append(["", inert(_heading(i, s))])
    cover.column_dimensions["A"].width = 12
    cover.column_dimensions["B"].width = 100
    for i, s in enumerate(b.sections):
        ws = wb.create_sheet(_sheet_name(i, s))
        df = s.display()
        ws.append([inert(str(c)) for c in df.columns])
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in df.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in row])
        ws.freeze_panes = "A2"
        _formats(ws, [c for c, _ in s.headers])
        if df.empty:
            ws.append(["（本期无）"])
        if s.note:
            ws.append([])
            ws.append([inert(s.note)])
        _widths(ws, df.columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _formats(ws: Worksheet, columns: Sequence[str]) -> None:
    """Number formats by column (万元 with two decimals, counts with separators, other numbers
    with two decimals); percentages stay numbers of percent as their headers say."""
    for j, column in enumerate(columns, start=1):
        fmt = number_format(column)
        fmt = None if fmt == PERCENT else fmt
        for c in ws[get_column_letter(j)][1:]:
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                c.number_format = fmt or (DECIMAL if isinstance(c.value, float) else INTEGER)


def _sheet_name(i: int, s: Section) -> str:
    name = f"{i + 1}.{s.title}"
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]


def _xlsx_value(v: object) -> object:
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, str):
        return inert(v)
    if isinstance(v, float):  # a whole number (15 个) is shown as one, not as 15.00
        return int(v) if v.is_integer() else round(v, 2)
    if isinstance(v, (int, dt.date)):
        return v
    return inert(str(v))


def _widths(ws: Worksheet, columns: Sequence[object]) -> None:
    for j, name in enumerate(columns, start=1):
        letter = get_column_letter(j)
        longest = max([len(str(name))] + [len(str(c.value or "")) for c in ws[letter][1:50]])
        ws.column_dimensions[letter].width = min(60, 4 + 2 * longest)
        if longest > 28:
            for c in ws[letter][1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
