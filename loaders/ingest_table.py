"""From the raw rows of one export to typed records: header, kind, columns, units, cells.

Pure apart from the :class:`~tupu.loaders.delivery.Delivery` it reports problems to and the notes
it adds: :func:`read_table` takes rows as the thin readers stream them, so tests feed it lists.

1. The header is found below any title rows (:func:`tupu.loaders.tables.find_header`).
2. The kind is the one the delivery names, or is inferred from the headers (and a quarter named in
   a title, the sheet or the file name): project fields → ``projects`` or ``project_progress``;
   a park and nothing but the enterprise's identity → ``tenants``; quarterly figures with a
   quarter → ``observations``; otherwise ``enterprises``.
3. Every column is recognised, ignored (a note) or unknown (a problem); units come from the
   header, the column map, or a ``单位：…`` title row, and must agree.
4. Rows stream through: totals rows and footnotes are skipped with a note; each cell is typed
   (:func:`tupu.loaders.cells.parse_value`), credit codes are checked, and a row with a bad cell is
   reported and left out. Records hold the values by field name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from tupu.graph.stores.model import Value
from tupu.loaders.cells import EXCEL_1900, find_period, parse_period, parse_value
from tupu.loaders.crosswalk import industry_code
from tupu.loaders.delivery import Delivery
from tupu.loaders.headers import (
    KIND_LABELS,
    FieldDef,
    Ignored,
    Kind,
    MapEntry,
    Recognised,
    Recogniser,
    any_kind_known,
    kind_fields,
)
from tupu.loaders.ids import credit_code
from tupu.loaders.notes import add_note
from tupu.loaders.tables import (
    Cell,
    Column,
    Header,
    RawRow,
    cell_text,
    column_letter,
    data_rows,
    find_header,
)
from tupu.loaders.units import Unit, UnitMismatch, conversion, preamble_unit
from tupu.ontology.schema import Schema
from tupu.ontology.values import CellError

__all__ = ["FileOptions", "Record", "Table", "read_table"]

_SPLIT_CODES = re.compile(r"[;；,，、\s]+")
_METRICS = {"revenue", "employees", "talent_introduced", "above_scale"}
_PROGRESS = {"investment_to_date", "progress", "planned_progress"}
_IDENTITY = {"id", "name"}


@dataclass(frozen=True)
class FileOptions:
    """What a delivery says about one file (all optional)."""

    kind: Kind | None = None
    period: str | None = None
    park: str | None = None
    column_map: Mapping[str, MapEntry] | None = None


@dataclass(frozen=True)
class Record:
    """One data row: typed values by field, and where each field's column is."""

    row: int
    values: dict[str, Value]
    texts: dict[str, str]


@dataclass
class Table:
    """A recognised table: its kind, its columns by field, and its records (a stream)."""

    source: str
    kind: Kind
    header: Header
    columns: dict[str, str]  # field → column name as shown
    period: str | None
    park: str | None
    records: Iterator[Record]
    fields: dict[str, FieldDef] = field(default_factory=dict)

    def column(self, name: str) -> str:
        """The column name of a field as people see it (its Chinese label when absent)."""
        if name in self.columns:
            return self.columns[name]
        f = self.fields.get(name)
        return f.label if f else name


@dataclass(frozen=True)
class _Col:
    index: int
    name: str
    field: FieldDef
    unit: Unit | None


def _recognised_by_kind(header: Header, schema: Schema) -> dict[Kind, set[str]]:
    found: dict[Kind, set[str]] = {}
    for kind in KIND_LABELS:
        rec = Recogniser(kind_fields(kind, schema))
        found[kind] = {
            m.field.name for c in header.columns
            if isinstance(m := rec.match(c), Recognised)
        }
    return found


def infer_kind(header: Header, schema: Schema, has_period: bool) -> Kind | None:
    """What a file holds, judged from its header (see the module docstring)."""
    found = _recognised_by_kind(header, schema)
    if found["projects"] & _IDENTITY:
        return "project_progress" if found["project_progress"] & _PROGRESS else "projects"
    if not found["enterprises"] & _IDENTITY:
        return None
    described = found["enterprises"] - _IDENTITY - {"park"}
    if "park" in found["tenants"] and not described:
        return "tenants"
    quarterly = "period" in found["observations"] or has_period
    if quarterly and found["observations"] & _METRICS:
        return "observations"
    return "enterprises"


def _kind_recogniser(kind: Kind, schema: Schema, column_map: Mapping[str, MapEntry] | None
                     ) -> Recogniser:
    """The recogniser of a kind. Files that only refer to enterprises (quarterly reports, tenant
    lists) often describe them too; those columns are ignored rather than unknown."""
    fields = kind_fields(kind, schema)
    if kind in ("observations", "tenants"):
        extra = {n: MapEntry(None) for f in kind_fields("enterprises", schema).values()
                 for n in f.aliases if n not in {a for g in fields.values() for a in g.aliases}}
        return Recogniser(fields, {**extra, **(column_map or {})})
    return Recogniser(fields, column_map)


def _required(kind: Kind, fields: set[str], period: str | None, park: str | None
              ) -> list[tuple[str, str]]:
    """(field, message) for every column the kind needs and the header lacks."""
    missing: list[tuple[str, str]] = []
    if kind in ("enterprises", "projects") and "name" not in fields:
        what = "企业名称" if kind == "enterprises" else "项目名称"
        missing.append(("name", f"缺少“{what}”列；请加上该列（每行填写全称）"))
    if kind in ("observations", "tenants") and not fields & {"enterprise_id", "enterprise_name"}:
        missing.append(("enterprise_id", "缺少“统一社会信用代码”或“企业名称”列，无法知道是哪家企业；"
                                         "请至少加上其中一列"))
    if kind == "project_progress" and not fields & {"project_id", "project_name"}:
        missing.append(("project_id", "缺少“项目编号”或“项目名称”列；请至少加上其中一列"))
    if kind in ("observations", "project_progress") and "period" not in fields and not period:
        missing.append(("period", "无法确定报告期：表中没有“报告期”列，标题、工作表名和文件名中也没有"
                                  "季度（如 2025年一季度）；请加上“报告期”列，或在清单中写 period: 2025Q1"))
    if kind == "tenants" and "park" not in fields and not park:
        missing.append(("park", "缺少“园区名称”列；请加上该列，或在清单中写 park: 园区名称"))
    return missing


def read_table(
    d: Delivery,
    rows: Iterable[RawRow],
    source: str,
    schema: Schema,
    options: FileOptions = FileOptions(),
    hints: Iterable[str] = (),
    epoch: dt.datetime = EXCEL_1900,
) -> Table | None:
    """Recognise the table in ``rows`` (problems go to ``d``); None when it cannot be read at all.

    ``hints`` are texts that may name the quarter (sheet name, file name); ``epoch`` is day 0 of
    the workbook's date system. The records of the result are a stream: iterate them once.
    """
    finder = (_kind_recogniser(options.kind, schema, options.column_map) if options.kind
              else any_kind_known(schema, options.column_map))
    header, rest = find_header(rows, finder.known)
    if header is None:
        d.problem(source, None, None, None,
                  "在前30行中找不到可识别的表头（如“企业名称”“统一社会信用代码”“项目名称”）；请确认"
                  "这是企业名录、季度监测、园区入驻企业、重点项目或项目进度表，表头未被改名；如果"
                  "表头显示为乱码，说明文件编码有误，请另存为“CSV UTF-8”或XLSX")
        return None

    period = options.period
    if period is not None and parse_period(period) is None:
        d.problem(source, None, "period", period, "清单中的 period 应写成 2025Q1 这样的季度")
        period = None
    period = parse_period(period) if period else None
    found_period = find_period(" ".join([*header.preamble, *hints]))
    kind = options.kind or infer_kind(header, schema, found_period is not None)
    if kind is None:
        d.problem(source, header.row, None, None,
                  "无法判断文件内容（表头中既没有企业名称/统一社会信用代码，也没有项目名称）；请在清单"
                  "manifest.yaml 中用 kind 指明：enterprises、observations、tenants、projects 或 "
                  "project_progress")
        return None
    if options.kind is None:
        add_note("note", source, header.row, None, None,
                 f"按表头判断，本文件为“{KIND_LABELS[kind]}”（{kind}）")
    if period is None and kind in ("observations", "project_progress") and found_period:
        period = found_period
        add_note("note", source, None, None, period, f"报告期取自标题、工作表名或文件名：{period}")

    recogniser = _kind_recogniser(kind, schema, options.column_map)
    columns, ok = _resolve_columns(d, source, header, recogniser)
    by_field = {c.field.name: c.name for c in columns}
    for fname, message in _required(kind, set(by_field), period, options.park):
        d.problem(source, header.row, recogniser.fields[fname].label, None, message)
        ok = False
    records = _typed_rows(d, source, header, columns, rest, epoch)
    if not ok:
        records = _drain(records)
    return Table(source, kind, header, by_field, period, options.park, records,
                 dict(recogniser.fields))


def _resolve_columns(
    d: Delivery, source: str, header: Header, recogniser: Recogniser
) -> tuple[list[_Col], bool]:
    default_money = preamble_unit(header.preamble)
    columns: list[_Col] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    ok = True
    fields_hint = "、".join(f"{f.name}（{f.label}）" for f in recogniser.fields.values())
    for col in header.columns:
        if not col.candidates:
            continue
        found = recogniser.match(col)
        if found is None:
            d.problem(source, header.row, col.name, col.name,
                      f"无法识别的列“{col.name}”；请在清单的 columns 中写明它对应哪个字段（如 "
                      f"{col.name}: annual_revenue），不需要的列写 {col.name}: ignore。可用字段："
                      f"{fields_hint}")
            ok = False
            continue
        if isinstance(found, Ignored):
            ignored.append(col.name)
            continue
        fdef = found.field
        if fdef.name in seen:
            d.problem(source, header.row, col.name, col.name,
                      f"“{col.name}”与“{seen[fdef.name]}”两列都对应{fdef.label}；请删去一列，或在清单"
                      "的 columns 中把其中一列写为 ignore")
            ok = False
            continue
        seen[fdef.name] = col.name
        good, unit = _column_unit(d, source, header, col, found, default_money)
        if not good:
            ok = False
            continue
        columns.append(_Col(col.index, col.name, fdef, unit))
    if ignored:
        add_note("note", source, header.row, None, None,
                 f"以下列不载入图谱，已忽略：{'、'.join(ignored)}")
    return columns, ok


def _column_unit(
    d: Delivery, source: str, header: Header, col: Column, found: Recognised,
    default_money: Unit | None,
) -> tuple[bool, Unit | None]:
    """(True, the unit of a column), or (False, None) after reporting a problem."""
    fdef = found.field
    if found.foreign:
        d.problem(source, header.row, col.name, col.name,
                  f"{fdef.label}以“{found.foreign}”计，不能换算为人民币{fdef.prop.unit or ''}；"
                  "请换算为人民币后提交")
        return False, None
    unit = found.unit
    declared = found.declared
    if declared is not None and unit is not None and (
            declared.dimension != unit.dimension or declared.factor != unit.factor):
        d.problem(source, header.row, col.name, col.name,
                  f"表头写明单位为“{unit.word}”，但清单的列映射规定该列以“{declared.word}”计，两者"
                  "不一致；请核对数据的实际单位，改正表头或列映射中的 unit")
        return False, None
    unit = unit or found.declared
    if unit is None and fdef.prop.unit == "万元":
        unit = default_money
    try:
        conversion(unit, fdef.prop.unit, fdef.label)
    except UnitMismatch as e:
        d.problem(source, header.row, col.name, col.name, str(e))
        return False, None
    return True, unit


def _cell_value(f: _Col, cell: Cell, epoch: dt.datetime) -> Value | None:
    """The typed value of one cell of a recognised column; CellError when it is wrong."""
    fdef = f.field
    if fdef.credit_code:
        text = cell_text(cell)
        if not text or text in ("-", "—", "/"):
            return None
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            raise CellError("统一社会信用代码被存成了数字（Excel只保留15位有效数字，末几位已丢失）；"
                            "请把该列设为“文本”格式，从营业执照重新录入")
        code, why = credit_code(text)
        if why:
            raise CellError(why)
        return code
    if fdef.name == "industry_code":
        return industry_code(cell) if cell_text(cell) else None
    if fdef.name == "subsector_codes":
        if isinstance(cell, int) and not isinstance(cell, bool):
            return f"{cell:04d}"
        text = cell_text(cell)
        codes = [c for c in _SPLIT_CODES.split(text) if c]
        bad = [c for c in codes if not (c.isascii() and c.isdigit() and 2 <= len(c) <= 4)]
        if bad:
            raise CellError(f"文化产业类别代码“{bad[0]}”应为文化及相关产业分类（2018）的数字代码，"
                            "如 0241；多个代码用分号隔开，主营在前")
        return ";".join(codes) or None
    return parse_value(cell, fdef.prop, f.unit, epoch)


def _typed_rows(
    d: Delivery, source: str, header: Header, columns: list[_Col], rest: Iterable[RawRow],
    epoch: dt.datetime,
) -> Iterator[Record]:
    named = {c.index for c in header.columns if c.candidates}
    blank_reported: set[int] = set()

    def skipped(row: int, reason: str, first: str) -> None:
        add_note("note", source, row, None, first, f"{reason}，未载入")

    for row, cells in data_rows(rest, skipped):
        values: dict[str, Value] = {}
        texts: dict[str, str] = {}
        bad = False
        for f in columns:
            cell = cells[f.index] if f.index < len(cells) else None
            text = cell_text(cell)
            if text:
                texts[f.field.name] = text
            try:
                value = _cell_value(f, cell, epoch)
            except CellError as e:
                d.problem(source, row, f.name, text, str(e))
                bad = True
                continue
            if value is not None:
                values[f.field.name] = value
        for j in range(len(cells)):
            if j not in named and j not in blank_reported and cell_text(cells[j]):
                blank_reported.add(j)
                d.problem(source, row, f"{column_letter(j)}列", cell_text(cells[j]),
                          f"{column_letter(j)}列没有表头，却有数据；请补上表头，或删除该列")
        if not bad:
            yield Record(row, values, texts)


def _drain(records: Iterator[Record]) -> Iterator[Record]:
    """No records for a table whose header has problems; its cells are still checked now, so
    every problem of the file is reported at once."""
    for _ in records:
        pass
    return iter(())

