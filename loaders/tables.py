"""Find the table in a sheet of rows: its header below title rows, and its data rows.

Exports from registries, statistics bureaus and park operators are spreadsheets made for reading,
not for loading: a title row or two above the header (``2025年一季度规上文化企业主要指标``,
``单位：万元``), header cells merged over two rows (``主要指标`` over ``营业收入`` and
``从业人员``), a totals row (``合计``) and footnotes (``注：…``) at the bottom. This module is pure:
it works on ``(row number, cells)`` pairs as the thin readers (:mod:`tupu.loaders.csvtable`,
:mod:`tupu.loaders.xlsx`) stream them, and on a predicate that says whether a header text is known.

Header detection: among the first :data:`LOOK_AHEAD` rows, the header is the one with the most known
header texts (the first such row on a tie). A row just below (or just above) it joins the header
when it makes more columns known — the trace merged cells leave: the merged cell's text stands in
its first column only, so a column's name is the text above it, carried right across the merge,
followed by its own text (``主要指标`` / ``营业收入``). Rows above the header are kept as the
*preamble* (titles and unit lines).

Data rows: empty rows are skipped silently; totals and subtotal rows (first text ``合计``, ``总计``,
``小计`` …) and footnotes (a lone ``注：…``, ``填表人：…``) are skipped and reported to a callback,
never loaded.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from tupu.messages import msg

__all__ = [
    "LOOK_AHEAD",
    "Cell",
    "Column",
    "Header",
    "RawRow",
    "cell_text",
    "column_letter",
    "find_header",
    "data_rows",
    "skip_reason",
]

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
"""A cell as a reader gives it: text from CSV, typed values from XLSX, None when empty."""

RawRow = tuple[int, Sequence[Cell]]
"""A row number as a spreadsheet shows it (1-based) and the row's cells from column A on."""

LOOK_AHEAD = 30
"""Rows searched for the header."""

_TOTAL = re.compile(
    r"^(?:全市|全区|全镇|全县|全园|本页|本表|以上)?(?:合计|总计|小计|汇总|总合计)(?:$|[:(\[【\d])"
)
_PART = re.compile(r"^其中[:：]")
"""A breakdown row below a total (``其中：一镇``)."""
_NOTE_WORD = re.compile(r"^(?:注|备注|说明)[:：]?$")
_FOOTNOTE = re.compile(
    r"^(?:注|备注|说明|填表人|填报人|制表人|制表|审核人|审核|负责人|单位负责人|统计负责人|数据来源|资料来源|"
    r"联系电话|填报日期|报出日期|填表日期|导出时间|导出日期|查询时间|查询日期|生成时间|打印时间|"
    r"截止日期|数据截止|数据截至|更新时间|免责声明)\s*[:：0-9１-９、.．]"
)


def cell_text(cell: Cell) -> str:
    """A cell as trimmed text ('' for an empty cell); whole floats lose their ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


@dataclass(frozen=True)
class Column:
    """One column of a header.

    ``name`` is the header as people see it (``主要指标/营业收入`` for a two-row header);
    ``candidates`` are the texts to recognise the column by, best first; empty for a column with
    no header text.
    """

    index: int
    name: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class Header:
    """A table's header rows, its columns and the text of the rows above it."""

    rows: tuple[int, ...]
    columns: tuple[Column, ...]
    preamble: tuple[str, ...]

    @property
    def row(self) -> int:
        """The last header row: problems about a column name this row."""
        return self.rows[-1]


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _texts(cells: Sequence[Cell]) -> list[str]:
    return [cell_text(c) for c in cells]


def _score(texts: Sequence[str], known: Callable[[str], bool]) -> int:
    return sum(1 for t in texts if t and known(t))


def _header_like(cells: Sequence[Cell], texts: Sequence[str]) -> bool:
    """True when no cell of the row looks like data (a number, a date)."""
    if not any(texts):
        return False
    for cell, text in zip(cells, texts, strict=False):
        if not text:
            continue
        if not isinstance(cell, str) or _is_number(text):
            return False
    return True


def _two_row_columns(top: Sequence[str], bottom: Sequence[str]) -> list[Column]:
    width = max(len(top), len(bottom))
    columns: list[Column] = []
    carried = ""
    for j in range(width):
        t = top[j] if j < len(top) else ""
        b = bottom[j] if j < len(bottom) else ""
        if t:
            carried = t
        elif b:
            t = carried  # inside a horizontally merged cell of the top row
        if t and b and t != b:
            columns.append(Column(j, f"{t}/{b}", (b, t + b)))
        elif t or b:
            columns.append(Column(j, t or b, (t or b,)))
        else:
            columns.append(Column(j, "", ()))
    return columns


def _one_row_columns(texts: Sequence[str]) -> list[Column]:
    return [Column(j, t, (t,) if t else ()) for j, t in enumerate(texts)]


def _columns_score(columns: Iterable[Column], known: Callable[[str], bool]) -> int:
    return sum(1 for c in columns if any(known(t) for t in c.candidates))


def find_header(
    rows: Iterable[RawRow], known: Callable[[str], bool], look_ahead: int = LOOK_AHEAD
) -> tuple[Header | None, Iterator[RawRow]]:
    """The header of a table and an iterator over the rows below it.

    ``known`` says whether a header text is recognised. Returns ``(None, all rows)`` when none of
    the first ``look_ahead`` rows has a known text. Only ``look_ahead`` rows are held in memory.
    """
    it = iter(rows)
    buffer = list(itertools.islice(it, look_ahead))
    texts = [_texts(cells) for _, cells in buffer]
    scores = [_score(t, known) for t in texts]
    if not buffer or max(scores) == 0:
        return None, itertools.chain(buffer, it)
    best = scores.index(max(scores))
    block: tuple[int, ...] = (best,)
    columns = _one_row_columns(texts[best])
    if best + 1 < len(buffer) and _header_like(buffer[best + 1][1], texts[best + 1]):
        joined = _two_row_columns(texts[best], texts[best + 1])
        if _columns_score(joined, known) > scores[best]:
            block, columns = (best, best + 1), joined
    if len(block) == 1 and best > 0 and _header_like(buffer[best - 1][1], texts[best - 1]):
        joined = _two_row_columns(texts[best - 1], texts[best])
        if _columns_score(joined, known) > scores[best]:
            block, columns = (best - 1, best), joined
    preamble = tuple(" ".join(t for t in texts[i] if t) for i in range(block[0]) if any(texts[i]))
    header = Header(tuple(buffer[i][0] for i in block), tuple(columns), preamble)
    return header, itertools.chain(buffer[block[-1] + 1:], it)


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_STEM_ORDER = "甲乙丙丁戊己庚辛壬癸"
_STEMS = frozenset(_STEM_ORDER)
_CODE_LABELS = frozenset({"栏次", "列次", "栏号", "栏目代码"})


def _column_codes(texts: Sequence[str]) -> bool:
    """Whether a row is a statistics table's column-code row (栏次): ``甲 乙 丙 1 2 3 …``, the
    stems for the text columns and 1, 2, 3 … for the figures, nothing else."""
    squeezed = [_squeeze(t) for t in texts]
    values = [float(t.replace(",", "")) for t in squeezed if _is_number(t)]
    numbers = [int(v) for v in values if v.is_integer()]
    words = [t for t in squeezed if not _is_number(t)]
    if len(texts) < 3 or any(t not in _STEMS and t not in _CODE_LABELS for t in words):
        return False
    if len(numbers) + len(words) != len(texts):
        return False
    stems = [t for t in words if t in _STEMS]
    labelled = len(stems) < len(words)
    in_order = stems == [_STEM_ORDER[i] for i in range(len(stems))]  # 甲, 乙, 丙 …
    return (in_order and (labelled or len(stems) >= 2) and numbers == sorted(set(numbers))
            and all(1 <= n <= 999 for n in numbers))


def skip_reason(cells: Sequence[Cell]) -> str | None:
    """Why a data row is not loaded ('合计行' …), or None for an ordinary row."""
    texts = [t for t in _texts(cells) if t]
    if not texts:
        return None
    if _column_codes(texts):
        return msg("load.skip_column_codes")
    first = next((t for t in texts if not _is_number(t)), "")
    if first and (_TOTAL.match(_squeeze(first)) or _PART.match(_squeeze(first))):
        return "合计行"
    squeezed = [_squeeze(t) for t in texts]
    if len(texts) == 1 and _FOOTNOTE.match(squeezed[0]):
        return "表尾注释行"
    if all(_FOOTNOTE.match(t) for t in squeezed):  # 制表人：… 审核人：… 填报日期：…
        return "表尾注释行"
    if len(texts) == 2 and _NOTE_WORD.match(squeezed[0]) and not _is_number(texts[1]):
        return "表尾注释行"  # 注： | 1.本表为虚构 (the note's text in the next cell)
    return None


def data_rows(
    rows: Iterable[RawRow], skipped: Callable[[int, str, str], None]
) -> Iterator[RawRow]:
    """The data rows of ``rows``: empty rows dropped, totals rows and footnotes reported to
    ``skipped(row number, reason, first text)`` and dropped.

    A second table below the first (an empty row, then a lone title such as ``附表：分镇汇总``
    over its own header and rows) ends the data: its title is reported once and nothing after it
    is loaded."""
    blank_before = False
    for number, cells in rows:
        texts = [t for t in _texts(cells) if t]
        if not texts:
            blank_before = True
            continue
        reason = skip_reason(cells)
        if reason is not None:
            skipped(number, reason, texts[0])
            continue
        if blank_before and len(texts) == 1 and not _is_number(texts[0]):
            skipped(number, "另一张表的标题（本行及以下各行）", texts[0])
            return
        blank_before = False
        yield number, cells
