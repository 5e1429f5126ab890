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
   A column whose header names its own period (``2025年1-3月营业收入``, ``2024年营业收入``, or
   ``2025年1-6月`` over ``营业收入`` in a two-row header) holds that period's figure
   (:mod:`tupu.loaders.column_periods`), whatever the kind; a file may hold several periods.
4. Rows stream through: totals rows and footnotes are skipped with a note; each cell is typed
   (:func:`tupu.loaders.cells.parse_value`), credit codes are checked, and a row with a bad cell is
   reported and left out. Records hold the values by field name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from tupu.graph.stores.model import Value
from tupu.loaders.cells import EXCEL_1900, find_period, parse_period, parse_value
from tupu.loaders.column_periods import ColumnPeriod, cumulative_in, split_period
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
    normalise_header,
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
from tupu.loaders.money import RateTable, load_rates, parse_capital
from tupu.loaders.units import Unit, UnitMismatch, conversion, header_unit, preamble_unit
from tupu.messages import msg
from tupu.ontology.schema import Schema
from tupu.ontology.values import CellError
from tupu.settings import load_settings

__all__ = ["FileOptions", "Record", "Table", "read_table"]

_SPLIT_CODES = re.compile(r"[;；,，、\s]+")
_METRICS = {"revenue", "employees", "talent_introduced", "above_scale", "profit", "total_assets"}
REGISTRY = frozenset({"industry_code", "subsector_codes", "industry_name", "town", "founded",
                      "registered_capital", "paid_in_capital", "business_scope", "reg_status",
                      "province", "city", "short_name", "former_names", "listed", "unicorn", "top30"})
"""Fields that describe an enterprise as a register does: a file with any of them creates or
updates enterprises, whatever else it holds."""
_CAPITAL = {"registered_capital": "registered_capital_in_currency",
            "paid_in_capital": "paid_in_capital_in_currency"}
_ABOVE_SCALE_TITLE = re.compile(r"规模以上|规上")
_PROGRESS = {"investment_to_date", "progress", "planned_progress"}
PERIOD_FIGURES = ("revenue", "employees", "talent_introduced", "profit", "total_assets")
"""Observation figures a column may bring for the period its header names."""
_IDENTITY = {"id", "name"}


@dataclass(frozen=True)
class FileOptions:
    """What a delivery says about one file (all optional)."""

    kind: Kind | None = None
    period: str | None = None
    park: str | None = None
    column_map: Mapping[str, MapEntry] | None = None
    strict: bool = False  # an unknown column is a problem instead of a note


@dataclass(frozen=True)
class Record:
    """One data row: typed values by field, and where each field's column is."""

    row: int
    values: dict[str, Value]
    texts: dict[str, str]
    periods: dict[ColumnPeriod, dict[str, Value]] = field(default_factory=dict)
    """Figures of columns whose header names a period, by that period."""


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
    observe: bool = False  # enterprises: each row also records the period's observation
    above_scale: bool = False  # the title says the list is of above-scale (规上) enterprises
    cumulative: bool = False  # the title's period runs from January (2025年1-6月): figures are
    # year to date

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
    foreign: str | None = None
    period: ColumnPeriod | None = None  # the period the header names


def _recognised_by_kind(header: Header, schema: Schema) -> dict[Kind, set[str]]:
    found: dict[Kind, set[str]] = {}
    for kind in KIND_LABELS:
        rec = Recogniser(kind_fields(kind, schema))
        found[kind] = {
            m.field.name for c in header.columns
            if isinstance(m := rec.match(c), Recognised)
        }
    return found


def infer_kind(header: Header, schema: Schema, has_period: bool,
               given: Kind | None = None, period_figures: bool = False
               ) -> tuple[Kind | None, bool]:
    """What a file holds, judged from its columns (see the module docstring), and whether its
    enterprise rows also bring the period's figures. ``given`` is the kind a manifest names:
    ``enterprises`` and ``observations`` are still judged by the columns; ``period_figures``:
    some column's header names its own period."""
    found = _recognised_by_kind(header, schema)
    quarterly = "period" in found["observations"] or has_period or period_figures
    figures = bool(found["observations"] & _METRICS) or period_figures
    registry = bool(found["enterprises"] & REGISTRY)
    if given is not None and given not in ("enterprises", "observations"):
        return given, False
    if given is None and found["projects"] & _IDENTITY:
        return ("project_progress" if found["project_progress"] & _PROGRESS else "projects"), False
    if given is None and not found["enterprises"] & _IDENTITY:
        return None, False
    described = found["enterprises"] - _IDENTITY - {"park"}
    if given is None and "park" in found["tenants"] and not described:
        return "tenants", False
    if registry or given == "enterprises" or not (quarterly and figures):
        if given == "observations" and not registry:
            return "observations", False
        return "enterprises", quarterly and figures
    return "observations", False


def _kind_recogniser(kind: Kind, schema: Schema, column_map: Mapping[str, MapEntry] | None,
                     observe: bool = False) -> Recogniser:
    """The recogniser of a kind. Files that only refer to enterprises (quarterly reports, tenant
    lists) often describe them too; those columns are ignored rather than unknown. With
    ``observe``, an enterprise file's figures are the period's: 营业收入 is the observation's
    revenue (only an explicitly annual header is the enterprise's annual revenue)."""
    fields = kind_fields(kind, schema)
    if kind == "enterprises" and observe:
        period_fields = kind_fields("observations", schema)
        annual = fields["annual_revenue"]
        fields["annual_revenue"] = replace(annual, aliases=tuple(
            a for a in annual.aliases if a not in period_fields["revenue"].aliases))
        for name in ("revenue", "talent_introduced", "profit", "total_assets", "period"):
            fields[name] = period_fields[name]
        return Recogniser(fields, column_map)
    if kind in ("observations", "tenants", "enterprises"):
        # columns of the other enterprise kind are known, not kept: an enterprise list without a
        # quarter has no period for 利润总额; a quarterly report does not describe enterprises
        other: Kind = "observations" if kind == "enterprises" else "enterprises"
        mine = {a for g in fields.values() for a in g.aliases}
        extra = {n: MapEntry(None) for f in kind_fields(other, schema).values()
                 for n in f.aliases if n not in mine}
        return Recogniser(fields, {**extra, **(column_map or {})})
    return Recogniser(fields, column_map)


_YEAR_TO_DATE = re.compile(r"本年累计|累计|年初至今|自年初")
_OTHER_CHANGE = re.compile(
    r"^(?:名称|地址|住所|经营场所|经营范围|法定代表人|负责人|注册资本|实收资本|股东|投资人|出资|章程|"
    r"经营期限|营业期限|企业类型|类型|董事|监事|经理|高管|联络员|财务负责人|其他事项|一般)?"
    r"(?:变更|变动|备案)(?:登记|事项)?$"
)
"""A change of a registry change list that is not one of status (名称变更, 地址变更, 变更登记 …)."""


class _PeriodColumns:
    """Recognises columns whose header names a period and an observation figure, and, in a file
    of one quarter, the figures its header marks as year to date (``营业收入（本年累计）``)."""

    def __init__(self, schema: Schema, column_map: Mapping[str, MapEntry] | None) -> None:
        fields = kind_fields("observations", schema)
        self.figures = Recogniser({k: fields[k] for k in PERIOD_FIGURES})
        self.mapped = {normalise_header(k) for k in (column_map or {})}

    def match(self, column: Column, period: str | None = None
              ) -> tuple[ColumnPeriod, Recognised] | None:
        """(the period, the figure) of a column, or None when its header names no period (or a
        column map says what the column is). ``period``: the file's quarter, if it has one."""
        texts = [normalise_header(t) for t in column.candidates]
        if any(t in self.mapped for t in texts):
            return None
        for t in reversed(texts):  # a two-row header: the joined text (period over figure) first
            name, unit, foreign = header_unit(t)
            split = split_period(name)
            if split is None and period is not None and _YEAR_TO_DATE.search(name):
                year, quarter = int(period[:4]), int(period[5])
                split = ColumnPeriod(year, 1, 3 * quarter), name
            if split is None:
                continue
            found = self.figures.match_text(split[1])
            if isinstance(found, Recognised):
                return split[0], Recognised(found.field, unit or found.unit, None, foreign)
        return None

    def any(self, header: Header) -> bool:
        """Whether some column brings a figure of a quarter its header names."""
        return any((m := self.match(c)) is not None and m[0].quarter is not None
                   for c in header.columns)


def _required(kind: Kind, fields: set[str], period: object, park: str | None
              ) -> list[tuple[str, str]]:
    """(field, message) for every column the kind needs and the header lacks."""
    missing: list[tuple[str, str]] = []
    if kind in ("enterprises", "projects") and "name" not in fields:
        what = "企业名称" if kind == "enterprises" else "项目名称"
        missing.append(("name", msg("load.missing_name_column", what=what)))
    if kind in ("observations", "tenants") and not fields & {"enterprise_id", "enterprise_name"}:
        missing.append(("enterprise_id", msg("load.missing_enterprise_column")))
    if kind == "project_progress" and not fields & {"project_id", "project_name"}:
        missing.append(("project_id", msg("load.missing_project_column")))
    if kind in ("observations", "project_progress") and "period" not in fields and not period:
        missing.append(("period", msg("load.missing_period")))
    if kind == "tenants" and "park" not in fields and not park:
        missing.append(("park", msg("load.missing_park_column")))
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
        d.problem(source, None, None, None, msg("load.no_header"))
        return None

    period = options.period
    if period is not None and parse_period(period) is None:
        d.problem(source, None, "period", period, msg("load.manifest_period"))
        period = None
    period = parse_period(period) if period else None
    found_period = find_period(" ".join([*header.preamble, *hints]))
    year_to_date = None
    if found_period is None and period is None:
        year_to_date = cumulative_in(" ".join([*header.preamble, *hints]))
        found_period = year_to_date.quarter if year_to_date is not None else None
    period_columns = _PeriodColumns(schema, options.column_map)
    by_header = period_columns.any(header)
    kind, observe = infer_kind(header, schema, bool(period or found_period), options.kind,
                               by_header)
    if observe and by_header:  # do the other columns bring a period's figures too?
        observe = infer_kind(header, schema, bool(period or found_period), options.kind)[1]
    if kind is None:
        d.problem(source, header.row, None, None, msg("load.kind_unknown"))
        return None
    if options.kind is None or observe or kind != options.kind:
        what = KIND_LABELS[kind] + (msg("load.kind_with_figures") if observe else "")
        add_note("note", source, header.row, None, None, msg("load.kind_inferred", kind=what))
    if period is None and (observe or kind in ("observations", "project_progress")) and found_period:
        period = found_period
        shown = period + (msg("load.period_column_cumulative") if year_to_date else "")
        add_note("note", source, None, None, period, msg("load.period_from_title", period=shown))

    recogniser = _kind_recogniser(kind, schema, options.column_map, observe)
    columns, ok = _resolve_columns(
        d, source, header, recogniser, options.strict,
        period_columns if kind in ("enterprises", "observations") else None, period)
    by_field = {c.field.name: c.name for c in columns if c.period is None}
    by_field.update({f"{c.field.name}@{c.period.text}": c.name for c in columns if c.period})
    has_period = period or any(c.period for c in columns)
    for fname, message in _required(kind, set(by_field), has_period, options.park):
        d.problem(source, header.row, recogniser.fields[fname].label, None, message)
        ok = False
    if observe and "period" not in by_field and period is None:
        observe = False
    above = (kind == "enterprises" and "above_scale" not in by_field
             and any(_ABOVE_SCALE_TITLE.search(t) for t in header.preamble))
    if above:
        add_note("note", source, None, None, None, msg("load.above_scale_from_title"))
    records = _typed_rows(d, source, header, columns, rest, epoch, options.strict)
    if not ok:
        records = _drain(records)
    cumulative = year_to_date is not None and period == found_period
    return Table(source, kind, header, by_field, period, options.park, records,
                 dict(recogniser.fields), observe, above, cumulative)


def _period_column(
    d: Delivery, source: str, header: Header, col: Column, period: ColumnPeriod,
    found: Recognised, strict: bool, default_money: Unit | None, seen: dict[str, str],
) -> tuple[bool, _Col | None]:
    """(ok, the column) of a column whose header names a period; (True, None) when the period is
    not one tupu keeps (a note, a problem with ``strict``)."""
    if period.quarter is None:
        text = msg("load.period_column_not_quarter", column=col.name, span=period.text)
        if strict:
            d.problem(source, header.row, col.name, col.name, text)
            return False, None
        add_note("note", source, header.row, col.name, col.name, text)
        return True, None
    fdef = found.field
    key = f"{fdef.name}@{period.quarter}@{period.cumulative}"
    if key in seen:
        d.problem(source, header.row, col.name, col.name,
                  msg("load.duplicate_column", column=col.name, other=seen[key], label=fdef.label))
        return False, None
    seen[key] = col.name
    good, unit = _column_unit(d, source, header, col, found, default_money)
    if not good:
        return False, None
    return True, _Col(col.index, col.name, fdef, unit, None, period)


def _resolve_columns(
    d: Delivery, source: str, header: Header, recogniser: Recogniser, strict: bool = False,
    period_columns: _PeriodColumns | None = None, period: str | None = None,
) -> tuple[list[_Col], bool]:
    default_money = preamble_unit(header.preamble)
    columns: list[_Col] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    periodic: list[str] = []
    ok = True
    for col in header.columns:
        if not col.candidates:
            continue
        in_period = period_columns.match(col, period) if period_columns else None
        if in_period is not None:
            good, pcol = _period_column(d, source, header, col, *in_period, strict,
                                        default_money, seen)
            ok = ok and good
            if pcol is not None and pcol.period is not None:
                columns.append(pcol)
                extra = msg("load.period_column_cumulative") if pcol.period.cumulative else ""
                periodic.append(f"{col.name} → {pcol.period.quarter}{extra}")
            continue
        found = recogniser.match(col)
        if found is None:
            guess = next((g for t in col.candidates if (g := recogniser.suggest(t))), None)
            hint = (msg("load.unknown_column_guess", column=col.name, field=guess.name,
                        label=guess.label) if guess else
                    msg("load.unknown_column_no_guess", column=col.name))
            if strict:
                d.problem(source, header.row, col.name, col.name,
                          msg("load.unknown_column_strict", column=col.name, hint=hint))
                ok = False
            else:
                add_note("note", source, header.row, col.name, col.name,
                         msg("load.unknown_column", column=col.name, hint=hint))
            continue
        if isinstance(found, Ignored):
            ignored.append(col.name)
            continue
        fdef = found.field
        if fdef.name in seen:
            d.problem(source, header.row, col.name, col.name,
                      msg("load.duplicate_column", column=col.name, other=seen[fdef.name],
                          label=fdef.label))
            ok = False
            continue
        seen[fdef.name] = col.name
        good, unit = _column_unit(d, source, header, col, found, default_money)
        if not good:
            ok = False
            continue
        columns.append(_Col(col.index, col.name, fdef, unit,
                            found.foreign if fdef.name in _CAPITAL else None))
    if ignored:
        add_note("note", source, header.row, None, None,
                 msg("load.ignored_columns", columns="、".join(ignored)))
    if periodic:
        add_note("note", source, header.row, None, None,
                 msg("load.period_columns", columns="；".join(periodic)))
    return columns, ok


def _column_unit(
    d: Delivery, source: str, header: Header, col: Column, found: Recognised,
    default_money: Unit | None,
) -> tuple[bool, Unit | None]:
    """(True, the unit of a column), or (False, None) after reporting a problem."""
    fdef = found.field
    if found.foreign and fdef.name in _CAPITAL:
        return True, None
    if found.foreign:
        d.problem(source, header.row, col.name, col.name,
                  msg("load.foreign_figure", label=fdef.label, currency=found.foreign,
                      unit=fdef.prop.unit or ""))
        return False, None
    unit = found.unit
    declared = found.declared
    if declared is not None and unit is not None and (
            declared.dimension != unit.dimension or declared.factor != unit.factor):
        d.problem(source, header.row, col.name, col.name,
                  msg("load.unit_conflict", unit=unit.word, declared=declared.word))
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


def _capital_values(f: _Col, cell: Cell, rates: RateTable) -> dict[str, Value]:
    """注册资本 / 实缴资本 as written (``5000万人民币``, ``100万美元``): the amount in 万元 and,
    for another currency, the amount as registered and its currency (by ``rates``)."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        text = repr(float(cell))
    else:
        text = cell_text(cell)
    capital = parse_capital(text, f.unit, f.foreign, rates, f.name)
    if capital is None:
        return {}
    values: dict[str, Value] = {}
    if capital.yuan is not None:
        values[f.field.name] = capital.yuan
    if capital.currency != "CNY":
        values[_CAPITAL[f.field.name]] = capital.amount
        values["capital_currency"] = capital.currency
    return values


def _cell_value(f: _Col, cell: Cell, epoch: dt.datetime) -> Value | None:
    """The typed value of one cell of a recognised column; CellError when it is wrong."""
    fdef = f.field
    if fdef.credit_code:
        text = cell_text(cell)
        if not text or text in ("-", "—", "/"):
            return None
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            raise CellError(msg("load.credit_code_number"))
        code, why = credit_code(text)
        if why:
            raise CellError(why)
        return code
    if fdef.name == "industry_code":
        return industry_code(cell) if cell_text(cell) else None
    if fdef.name == "industry_name":
        return cell_text(cell) or None
    if fdef.name == "reg_status" and _OTHER_CHANGE.match("".join(cell_text(cell).split())):
        return None  # the row's other columns still load; the status stays as it is
    if fdef.name == "subsector_codes":
        if isinstance(cell, int) and not isinstance(cell, bool):
            return f"{cell:04d}"
        text = cell_text(cell)
        codes = [c for c in _SPLIT_CODES.split(text) if c]
        bad = [c for c in codes if not (c.isascii() and c.isdigit() and 2 <= len(c) <= 4)]
        if bad:
            raise CellError(msg("load.subsector_code", value=bad[0]))
        return ";".join(codes) or None
    return parse_value(cell, fdef.prop, f.unit, epoch)


def _typed_rows(
    d: Delivery, source: str, header: Header, columns: list[_Col], rest: Iterable[RawRow],
    epoch: dt.datetime, strict: bool = False,
) -> Iterator[Record]:
    named = {c.index for c in header.columns if c.candidates}
    blank_reported: set[int] = set()
    other_changes = 0  # rows of a change list whose change is not one of status
    rates: RateTable | None = None  # read once per file, not per cell (settings, rate file)

    def skipped(row: int, reason: str, first: str) -> None:
        add_note("note", source, row, None, first, msg("load.row_skipped", reason=reason))

    for row, cells in data_rows(rest, skipped):
        values: dict[str, Value] = {}
        texts: dict[str, str] = {}
        periods: dict[ColumnPeriod, dict[str, Value]] = {}
        bad = False
        for f in columns:
            cell = cells[f.index] if f.index < len(cells) else None
            text = cell_text(cell)
            if text:
                at = f.field.name if f.period is None else f"{f.field.name}@{f.period.text}"
                texts[at] = text
            try:
                if f.field.name in _CAPITAL:
                    if rates is None:
                        rates = load_rates(load_settings().exchange_rates)
                    values.update(_capital_values(f, cell, rates))
                    continue
                value = _cell_value(f, cell, epoch)
            except CellError as e:
                d.problem(source, row, f.name, text, str(e))
                bad = True
                continue
            if value is None and text and f.field.name == "reg_status":
                other_changes += 1
            if value is not None and f.period is not None:
                periods.setdefault(f.period, {})[f.field.name] = value
            elif value is not None:
                values[f.field.name] = value
        for j in range(len(cells)):
            if j not in named and j not in blank_reported and cell_text(cells[j]):
                blank_reported.add(j)
                letter = column_letter(j)
                if strict:
                    d.problem(source, row, f"{letter}列", cell_text(cells[j]),
                              msg("load.headless_column", letter=letter))
                else:
                    add_note("note", source, row, f"{letter}列", cell_text(cells[j]),
                             msg("load.headless_column_ignored", letter=letter))
        if not bad:
            yield Record(row, values, texts, periods)
    if other_changes:
        add_note("note", source, None, None, None,
                 msg("load.other_changes", count=other_changes))


def _drain(records: Iterator[Record]) -> Iterator[Record]:
    """No records for a table whose header has problems; its cells are still checked now, so
    every problem of the file is reported at once."""
    for _ in records:
        pass
    return iter(())

