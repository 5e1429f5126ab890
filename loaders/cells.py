"""Read one cell of a real-world export as a typed property value, or say in Chinese what is wrong.

The canonical reader (:func:`tupu.ontology.values.parse_cell`) accepts exactly one spelling per
type. Exports are looser, and this module accepts what clerks and systems commonly write:

- numbers with thousands separators and a unit word (``1,234.5``, ``1.2亿``, ``85%``), converted
  to the ontology's unit (money in 万元) with the header's unit as the default;
- dates as ``2025-03-01``, ``2025/3/1``, ``2025.03.01``, ``2025年3月1日``, ``20250301``, an Excel
  date cell or an Excel serial number (``45717``);
- booleans as 是/否, √/×, Y/N, 1/0, true/false, 规上/规下;
- quarters as ``2025Q1``, ``2025-Q1``, ``2025年一季度``, ``2025年第1季度``, ``2025年1-3月``;
- enumerations by their Chinese words (项目状态 ``在建`` → ``started``);
- ``-``, ``—``, ``/`` and empty cells as unknown (never as zero).

Converted money is rounded to 6 decimals of 万元 (one 分), so 0.1 千元 steps do not leave binary
fractions behind. Errors are :class:`~tupu.ontology.values.CellError` with a Chinese message that
says what to write instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping

from tupu.graph.stores.model import Value
from tupu.loaders.tables import Cell, cell_text
from tupu.loaders.units import Unit, UnitMismatch, conversion, split_quantity
from tupu.ontology.schema import PropertyDef
from tupu.ontology.values import CellError

__all__ = [
    "EXCEL_1900",
    "VALUE_WORDS",
    "find_period",
    "parse_date",
    "parse_period",
    "parse_value",
]

EXCEL_1900 = dt.datetime(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01; the phantom 1900-02-29 is skipped
by starting at 12-30, which is right for every date after 1900-03-01)."""

_EMPTY = frozenset({"", "-", "--", "—", "——", "－", "/", "／", "\\", "n/a", "na", "null", "none",
                    "无数据", "不详", "暂无"})
_TRUE = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "t", "1", "对", "规上", "规模以上"})
_FALSE = frozenset({"否", "×", "✗", "✘", "n", "no", "false", "f", "0", "不是", "规下", "规模以下"})
_EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"})
_COUNT_WORDS = ("人", "名", "个", "家", "项", "年")

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTH_ONLY = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*月?$")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD_PATTERNS = (
    re.compile(r"(\d{4})\s*[-_ ]?\s*[Qq]\s*([1-4])(?!\d)"),
    re.compile(r"(\d{4})\s*年\s*(?:第\s*)?([一二三四1-4])\s*季(?:度)?"),
    re.compile(r"(\d{4})\s*年\s*[Qq]\s*([1-4])(?!\d)"),
)
_MONTH_RANGE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*[-—~～至到]\s*(\d{1,2})\s*月")

VALUE_WORDS: Mapping[str, Mapping[str, str]] = {
    "status": {
        "储备": "planned", "谋划": "planned", "计划": "planned", "前期": "planned",
        "签约": "signed", "已签约": "signed",
        "开工": "started", "在建": "started", "开工在建": "started", "已开工": "started",
        "新开工": "started", "续建": "started",
        "竣工": "completed", "已竣工": "completed", "完工": "completed", "建成": "completed",
        "投运": "operating", "投产": "operating", "运营": "operating", "已投运": "operating",
        "投入运营": "operating", "竣工投运": "operating", "已投产": "operating",
        "停滞": "stalled", "停工": "stalled", "暂停": "stalled", "停建": "stalled",
    },
    "reg_status": {
        "存续": "active", "在营": "active", "开业": "active", "在册": "active", "正常": "active",
        "登记成立": "active", "设立": "active", "新设": "active", "新设立": "active",
        "确立": "active", "存续(在营、开业、在册)": "active", "设立登记": "active",
        "新设登记": "active", "开业登记": "active",
        "在业": "operating", "营业": "operating", "在业(存续)": "operating",
        "迁入": "moved_in", "已迁入": "moved_in", "迁入登记": "moved_in",
        "迁出": "moved_out", "已迁出": "moved_out", "迁出登记": "moved_out",
        "停业": "suspended", "歇业": "suspended", "停业整顿": "suspended",
        "清算": "liquidating", "清算中": "liquidating", "解散": "liquidating",
        "注销": "deregistered", "已注销": "deregistered", "注销登记": "deregistered",
        "撤销": "deregistered", "简易注销": "deregistered", "吊销,已注销": "deregistered",
        "吊销": "revoked", "已吊销": "revoked", "吊销,未注销": "revoked",
        "责令关闭": "revoked", "吊销营业执照": "revoked",
    },
    "level": {
        "省级": "provincial", "省重点": "provincial", "省级重点": "provincial",
        "苏州市级": "municipal", "地市级": "municipal", "设区市级": "municipal",
        "市级": "city", "县级": "city", "县市级": "city", "本级": "city",
    },
}
"""Chinese words for enumeration values, by property name (checked against the property's
allowed values, so a word for another property's value is never accepted)."""


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _label(prop: PropertyDef) -> str:
    return prop.label_zh or prop.name


def parse_period(text: str) -> str | None:
    """The quarter ``yyyyQn`` a cell names exactly, or None when it names none."""
    t = _squeeze(text)
    for pattern in _PERIOD_PATTERNS:
        m = pattern.fullmatch(t)
        if m:
            return f"{m.group(1)}Q{_CN_DIGITS[m.group(2)]}"
    m = _MONTH_RANGE.fullmatch(t)
    if m:
        return _quarter_of_months(m.group(1), int(m.group(2)), int(m.group(3)))
    return None


def find_period(text: str) -> str | None:
    """The one quarter mentioned anywhere in ``text`` (a title, a sheet or file name), or None
    when there is none or more than one."""
    t = _squeeze(text)
    found: set[str] = set()
    for pattern in _PERIOD_PATTERNS:
        found.update(f"{m.group(1)}Q{_CN_DIGITS[m.group(2)]}" for m in pattern.finditer(t))
    for m in _MONTH_RANGE.finditer(t):
        q = _quarter_of_months(m.group(1), int(m.group(2)), int(m.group(3)))
        if q:
            found.add(q)
    return found.pop() if len(found) == 1 else None


def _quarter_of_months(year: str, first: int, last: int) -> str | None:
    if first in (1, 4, 7, 10) and last == first + 2:
        return f"{year}Q{(first + 2) // 3}"
    return None


def _date_from_serial(serial: float, epoch: dt.datetime) -> dt.date:
    if not 1 <= serial < 2958466:
        raise ValueError(serial)
    return (epoch + dt.timedelta(days=int(serial))).date()


def parse_date(cell: Cell, what: str, epoch: dt.datetime = EXCEL_1900) -> dt.date:
    """A date in any of the accepted forms; CellError naming ``what`` otherwise."""
    hint = (f"{what}应为日期，如 2025-03-01、2025年3月1日、2025.03.01 或 20250301；"
            "请改正后重新提交")
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    try:
        if isinstance(cell, bool):
            raise ValueError(cell)
        if isinstance(cell, (int, float)):
            if isinstance(cell, int) and 19000101 <= cell <= 29991231:
                return _compact(str(cell))
            if float(cell).is_integer():
                return _date_from_serial(float(cell), epoch)
            raise ValueError(cell)
        text = _squeeze(cell_text(cell))
        spaced = " ".join(unicodedata.normalize("NFKC", cell_text(cell)).split())
        m = _DATE.match(spaced) or _DATE.match(text)  # 2019/3/5 12:00:00 keeps its space
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if _COMPACT_DATE.match(text):
            return _compact(text)
        if _SERIAL.match(text):
            return _date_from_serial(float(text), epoch)
        if _MONTH_ONLY.match(text):
            raise CellError(f"{what}只写到了月份；请写完整日期，如 2025年3月1日")
    except ValueError as e:
        if isinstance(e, CellError):
            raise
        raise CellError(f"{what}不是有效的日期；{hint}") from None
    raise CellError(hint)


def _compact(text: str) -> dt.date:
    m = _COMPACT_DATE.match(text)
    if m is None:
        raise ValueError(text)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _number(cell: Cell, prop: PropertyDef, unit: Unit | None) -> float:
    """A number in the property's unit: the cell's own unit word wins over the header's."""
    what = _label(prop)
    target = unit.word if unit else (prop.unit or "")
    hint = f"{what}应为数字（单位：{target or '无'}），如 1234.5；请去掉其他文字"
    if isinstance(cell, bool):
        raise CellError(hint)
    if isinstance(cell, (int, float)):
        number, cell_unit = float(cell), None
    else:
        try:
            parsed = split_quantity(cell_text(cell))
        except UnitMismatch as e:
            raise CellError(f"{what}：{e}") from None
        if parsed is None:
            raise CellError(hint)
        number, cell_unit = parsed
    try:
        factor = conversion(cell_unit or unit, prop.unit, what)
    except UnitMismatch as e:
        raise CellError(str(e)) from None
    value = number * factor
    if not math.isfinite(value):
        raise CellError(hint)
    return round(value, 6) if factor != 1.0 else value


def _integer(cell: Cell, prop: PropertyDef, unit: Unit | None) -> int:
    what = _label(prop)
    hint = f"{what}应为整数，如 120；请去掉小数和其他文字"
    if isinstance(cell, bool):
        raise CellError(hint)
    if isinstance(cell, (int, float)):
        value = float(cell) * (unit.factor if unit else 1.0)
    else:
        text = _squeeze(cell_text(cell)).replace(",", "")
        for word in _COUNT_WORDS:
            if text.endswith(word):
                text = text[: -len(word)]
                break
        try:
            value = float(text) * (unit.factor if unit else 1.0)
        except ValueError:
            raise CellError(hint) from None
    if not math.isfinite(value) or not float(round(value, 6)).is_integer():
        raise CellError(hint)
    return int(round(value))


def _boolean(cell: Cell, prop: PropertyDef) -> bool:
    if isinstance(cell, bool):
        return cell
    text = _squeeze(cell_text(cell)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{_label(prop)}应填“是”或“否”（也可写 √/×、Y/N、1/0）")


_REG_ORDER = ("吊销", "注销", "撤销", "清算", "解散", "停业", "歇业", "迁出", "迁入", "在业", "存续",
              "在营", "开业", "在册", "正常")
_BRACKETED = re.compile(r"\(.*?\)")


def _reg_status(t: str, words: Mapping[str, str]) -> str | None:
    """A registration status as platforms write it: ``存续（在营、开业、在册）``, ``吊销，未注销``,
    ``注销企业``: the words without brackets, else the first decisive word it holds (the gravest
    first, so ``吊销，已注销`` … is taken by its exact spelling above, and ``吊销`` wins over
    ``存续`` in a text that holds both)."""
    t = t.replace("，", ",")
    plain = _BRACKETED.sub("", t)
    for cand in (t, plain, plain.rstrip("企业公司")):
        if cand in words:
            return words[cand]
    for word in _REG_ORDER:
        if word in plain:
            return words.get(word)
    return None


def _enumerated(text: str, prop: PropertyDef) -> str:
    assert prop.values is not None
    words = VALUE_WORDS.get(prop.name, {})
    t = _squeeze(text)
    value = t if t in prop.values else words.get(t)
    if value is None and prop.name == "reg_status":
        value = _reg_status(t, words)
    if value is None or value not in prop.values:
        shown = [w for w, v in words.items() if v in prop.values]
        options = "、".join(shown) if shown else "、".join(prop.values)
        raise CellError(f"{_label(prop)}“{text}”无法识别；请填写以下之一：{options}")
    return value


def parse_value(
    cell: Cell, prop: PropertyDef, unit: Unit | None = None, epoch: dt.datetime = EXCEL_1900
) -> Value | None:
    """The value of ``cell`` for ``prop``, or None for an empty (unknown) cell.

    ``unit`` is the unit the header or title row gives for the column; ``epoch`` is day 0 of the
    workbook's date system. Raises :class:`CellError` with a Chinese message.
    """
    text = cell_text(cell)
    if text.lower() in _EMPTY:
        return None
    if text in _EXCEL_ERRORS:
        raise CellError(f"单元格是Excel错误值 {text}（公式出错）；请填写{_label(prop)}的实际值")
    if prop.type == "string":
        if isinstance(cell, (dt.date, dt.time, dt.timedelta)):
            raise CellError(f"{_label(prop)}应为文字，这里是日期或时间；请把单元格设为文本格式后重填")
        return _enumerated(text, prop) if prop.values else text
    if prop.type == "float":
        return _number(cell, prop, unit)
    if prop.type == "integer":
        return _integer(cell, prop, unit)
    if prop.type == "boolean":
        return _boolean(cell, prop)
    if prop.type == "date":
        return parse_date(cell, _label(prop), epoch)
    period = parse_period(text)
    if period is None:
        raise CellError(
            f"{_label(prop)}“{text}”无法识别为季度；请写成 2025Q1 或 2025年一季度"
        )
    return period
