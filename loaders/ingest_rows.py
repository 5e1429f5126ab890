"""Turn the records of a recognised export into canonical rows of a delivery, one kind at a time.

=====================  ==========================================================================
kind                   writes
=====================  ==========================================================================
``enterprises``        ``Enterprise`` (key: credit code, else an id generated from the name, see
                       :mod:`tupu.loaders.ids`); ``IN_SUBSECTOR`` from 文化产业类别代码 (first code
                       primary) or else from 行业代码 through the crosswalk (:mod:`.crosswalk`);
                       ``LOCATED_IN`` a ``Town`` (所属镇（区）) and/or a ``Park`` (所在园区), by name
``observations``       ``EnterpriseObservation`` ``<enterprise id>@<period>`` + ``HAS_OBSERVATION``
                       (an enterprise file too, for the figures of a period it brings: a period
                       in the title, or in a column header — one observation per period named)
``tenants``            ``LOCATED_IN`` enterprise → ``Park`` (园区名称, or the file's ``park``)
``projects``           ``Project`` (key: 项目编号, else generated from the name); ``OWNS`` from the
                       owner (承担单位); ``LOCATED_IN`` a ``Park`` or ``Town`` by name
``project_progress``   ``ProjectObservation`` ``<project id>@<period>`` + ``HAS_OBSERVATION``
=====================  ==========================================================================

Nodes of the file's own label are added at once; everything that points at another node (an
enterprise by credit code or name, a town by name …) is handed to the
:class:`~tupu.loaders.ingest_session.IngestSession` and resolved after the whole delivery is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from tupu.graph.stores.model import Props, Value
from tupu.loaders.column_periods import ColumnPeriod
from tupu.loaders.crosswalk import (
    Industries,
    PartialRule,
    crosswalk,
    industry_by_name,
    load_industries,
    load_partial_keywords,
    narrow_by_scope,
)
from tupu.loaders.enterprise_match import ALIAS_SEPARATOR
from tupu.loaders.money import load_rates
from tupu.loaders.delivery import Delivery
from tupu.loaders.headers import Kind
from tupu.loaders.ids import generated_id
from tupu.loaders.ingest_session import (
    IngestSession,
    PendingObservation,
    PendingRel,
    Target,
    origin_zh,
)
from tupu.loaders.ingest_table import Record, Table
from tupu.loaders.notes import add_note
from tupu.messages import msg
from tupu.ontology.schema import Schema
from tupu.settings import load_settings
from tupu.ontology.taxonomy import Taxonomy, load_taxonomy

__all__ = ["map_records"]


@dataclass
class _Context:
    d: Delivery
    session: IngestSession
    table: Table
    schema: Schema
    generated: int = 0
    foreign: dict[str, int] = field(default_factory=dict)  # currency → enterprises

    @cached_property
    def taxonomy(self) -> Taxonomy:
        return load_taxonomy()

    @cached_property
    def industries(self) -> Industries:
        return load_industries()

    @cached_property
    def rules(self) -> Mapping[str, tuple[PartialRule, ...]]:
        return load_partial_keywords()

    @property
    def source(self) -> str:
        return self.table.source

    def problem(self, rec: Record, fname: str, message: str) -> None:
        self.d.problem(self.source, rec.row, self.table.column(fname),
                       rec.texts.get(fname, ""), message)

    def target(self, rec: Record, labels: tuple[str, ...], fname: str, by_key: bool) -> Target:
        text = str(rec.values[fname])
        return Target(labels, text if by_key else None, None if by_key else text,
                      self.table.column(fname), rec.texts.get(fname, text))

    def props(self, label: str, rec: Record) -> Props:
        known = self.schema.label(label).properties
        return {k: v for k, v in rec.values.items() if k in known}

    def rel(self, rel_type: str, start: Target, end: Target, rec: Record,
            props: Props | None = None) -> None:
        self.session.add_rel(PendingRel(rel_type, start, end, props or {}, self.source, rec.row))

    def add_node(self, label: str, key: str, rec: Record, key_field: str, props: Props) -> bool:
        seen = self.d.node_origin.get((label, key))
        if seen is not None and label == "Enterprise" and seen[0] != self.source:
            # the same enterprise in another file of the delivery: entity resolution folds the
            # rows into one node (later files win per property, loaders/resolve.py)
            self.d.changes.add_node(label, {**props, **self.d.provenance(self.source, rec.row)})
            return True
        if seen is not None:
            what = "企业" if label == "Enterprise" else "项目"
            self.problem(rec, key_field,
                         msg("load.row_duplicate", what=what, origin=origin_zh(seen)))
            return False
        self.d.node_origin[(label, key)] = (self.source, rec.row)
        self.d.changes.add_node(label, {**props, **self.d.provenance(self.source, rec.row)})
        return True


def _owner(ctx: _Context, rec: Record, label: str, id_field: str, name_field: str
           ) -> Target | None:
    if id_field in rec.values:
        return ctx.target(rec, (label,), id_field, by_key=True)
    if name_field in rec.values:
        return ctx.target(rec, (label,), name_field, by_key=False)
    what = ("统一社会信用代码和企业名称" if label == "Enterprise" else "项目编号和项目名称")
    ctx.problem(rec, id_field, msg("load.owner_empty", what=what))
    return None


def _observations(ctx: _Context, rec: Record, owner: Target, figures: Props | None) -> None:
    """The observations of a row: ``figures`` (None: none) for the row's (or the file's) period,
    and those of the columns whose header names a period; one quarter makes one observation."""
    by_quarter: dict[str, tuple[Props, Props]] = {}
    if figures is not None:
        period = _period(ctx, rec)
        if period is None:
            return
        year_to_date = ctx.table.cumulative and "period" not in rec.values  # a title's 1-6月
        by_quarter[period] = ({}, dict(figures)) if year_to_date else (dict(figures), {})
    for span, values in sorted(rec.periods.items()):
        quarter = span.quarter
        if quarter is None or not values:
            continue
        own, cumulative = by_quarter.setdefault(quarter, ({}, {}))
        (cumulative if span.cumulative else own).update(values)
    for quarter, (own, cumulative) in sorted(by_quarter.items()):
        ctx.session.add_observation(PendingObservation(
            "EnterpriseObservation", owner, quarter, own, ctx.source, rec.row, cumulative))


def _latest_year_revenue(periods: Mapping[ColumnPeriod, Mapping[str, Value]]) -> Value | None:
    """The revenue of the latest whole year a row brings (``2024年营业收入``), or None."""
    years = [(p.year, v["revenue"]) for p, v in periods.items()
             if p.first == 1 and p.last == 12 and "revenue" in v]
    return max(years, key=lambda y: y[0])[1] if years else None


def _period(ctx: _Context, rec: Record) -> str | None:
    period = rec.values.get("period") or ctx.table.period
    if not period:
        ctx.problem(rec, "period", msg("load.period_empty"))
        return None
    return str(period)


def _keyed_node(ctx: _Context, rec: Record, label: str, no_name: str) -> Target | None:
    """Add the ``label`` node a row describes, keyed by its ``id`` or, without one, an id
    generated from its name; the node as a relationship end, or None after a problem."""
    name = rec.values.get("name")
    if not name:
        ctx.problem(rec, "name", no_name)
        return None
    given = rec.values.get("id")
    key = str(given) if given else generated_id(str(name))
    if not given:
        ctx.generated += 1
    props = ctx.props(label, rec)
    props["id"] = key
    if not ctx.add_node(label, key, rec, "id" if given else "name", props):
        return None
    return Target((label,), key, None, ctx.table.column("name"), str(name))


_NAME_SPLIT = re.compile(r"[;；、,，\n]+")


def _enterprise_props(ctx: _Context, rec: Record) -> None:
    """What a row says of an enterprise beyond its columns: former names (曾用名) become aliases,
    a list titled as above-scale marks its enterprises so, foreign capital is counted for a note."""
    former = rec.values.get("former_names")
    if former:
        names = [n.strip() for n in _NAME_SPLIT.split(str(former)) if n.strip()]
        names = [n for n in dict.fromkeys(names) if n != rec.values.get("name")]
        if names:
            rec.values["aliases"] = ALIAS_SEPARATOR.join(n.replace(ALIAS_SEPARATOR, "；")
                                                         for n in names)
    if ctx.table.above_scale and "above_scale" not in rec.values:
        rec.values["above_scale"] = True
    currency = rec.values.get("capital_currency")
    if currency:
        ctx.foreign[str(currency)] = ctx.foreign.get(str(currency), 0) + 1


def _industry(ctx: _Context, rec: Record, me: Target, name: str) -> None:
    """``IN_SUBSECTOR`` from 文化产业类别代码, else from 行业代码 or 所属行业 through the crosswalk."""
    codes = rec.values.get("subsector_codes")
    if codes:
        for i, code_text in enumerate(str(codes).split(";")):
            end = Target(("SubSector",), code_text, None, ctx.table.column("subsector_codes"),
                         code_text)
            ctx.rel("IN_SUBSECTOR", me, end, rec, {"primary": i == 0})
        return
    scope = str(rec.values.get("business_scope", "")) or None
    if "industry_code" in rec.values:
        industry = str(rec.values["industry_code"])
        found = crosswalk(industry, scope, ctx.taxonomy, ctx.rules)
        for class_code in found.codes:
            end = Target(("SubSector",), class_code, None, ctx.table.column("industry_code"),
                         industry)
            ctx.rel("IN_SUBSECTOR", me, end, rec, {"primary": True})
        if found.review:
            add_note("review", ctx.source, rec.row, ctx.table.column("industry_code"), industry,
                     f"{name}：{found.review}")
        return
    if "industry_name" not in rec.values:
        return
    text = str(rec.values["industry_name"])
    column = ctx.table.column("industry_name")
    node = industry_by_name(text, ctx.industries)
    if node is not None:
        node = narrow_by_scope(node, scope, ctx.industries)
    if node is None:
        add_note("review", ctx.source, rec.row, column, text,
                 msg("load.industry_name_unknown", name=name, value=text))
        return
    placed: set[str] = set()
    undecided: list[str] = []
    outside = 0  # classes under the name that are not culture at all
    for code in ctx.industries.classes_under(node):
        found = crosswalk(code, scope, ctx.taxonomy, ctx.rules)
        placed.update(found.codes)
        if found.review and ctx.taxonomy.by_industry_code(code):
            undecided.append(code)
        elif not found.codes:
            outside += 1
    if (placed or undecided) and outside:  # the name alone cannot say it is culture
        shown = sorted(placed) + [f"{c}*" for c in undecided]
        add_note("review", ctx.source, rec.row, column, text,
                 msg("load.industry_name_partly", name=name, value=text,
                     classes="、".join(shown[:12]) + ("等" if len(shown) > 12 else "")))
    elif len(placed) == 1 and not undecided:
        end = Target(("SubSector",), placed.pop(), None, column, text)
        ctx.rel("IN_SUBSECTOR", me, end, rec, {"primary": True})
    elif placed or undecided:
        shown = sorted(placed) + [f"{c}*" for c in undecided]
        add_note("review", ctx.source, rec.row, column, text,
                 msg("load.industry_name_several", name=name, value=text,
                     classes="、".join(shown[:12]) + ("等" if len(shown) > 12 else "")))
    else:
        add_note("review", ctx.source, rec.row, column, text,
                 msg("load.industry_name_outside", name=name, value=text))


def _enterprise(ctx: _Context, rec: Record) -> None:
    _enterprise_props(ctx, rec)
    if "annual_revenue" not in rec.values:  # the latest year's revenue is the annual revenue
        annual = _latest_year_revenue(rec.periods)
        if annual is not None:
            rec.values["annual_revenue"] = annual
    me = _keyed_node(ctx, rec, "Enterprise", msg("load.enterprise_name_empty"))
    if me is None:
        return
    name = str(rec.values["name"])
    _industry(ctx, rec, me, name)
    if "park" in rec.values:
        ctx.rel("LOCATED_IN", me, ctx.target(rec, ("Park",), "park", by_key=False), rec)
    _town(ctx, rec, me)
    figures: Props = {}
    if ctx.table.observe:
        figures = {k: v for k, v in ctx.props("EnterpriseObservation", rec).items()
                   if k not in ("id", "period")}
    _observations(ctx, rec, me, figures or None)


def _town(ctx: _Context, rec: Record, me: Target) -> None:
    """The enterprise's town: the town column's, or where its district and address say it is
    (platform exports give "江苏省苏州市太仓市" and "太仓市城厢镇某路1号";
    :meth:`IngestSession.place_in`)."""
    near = [f for f in ("region", "address") if rec.values.get(f) not in (None, "")]
    if "town" not in rec.values and (not near or "park" in rec.values):
        return  # nothing says where it is, or its park does
    given = (["town"] if "town" in rec.values else []) + near
    name = str(rec.values["town"]) if "town" in rec.values else None
    ctx.rel("LOCATED_IN", me, Target(
        ("Town",), None, name, "、".join(ctx.table.column(f) for f in given),
        "；".join(rec.texts.get(f, str(rec.values[f])) for f in given),
        near="；".join(str(rec.values[f]) for f in near)), rec)


def _observation(ctx: _Context, rec: Record) -> None:
    owner = _owner(ctx, rec, "Enterprise", "enterprise_id", "enterprise_name")
    if owner is None:
        return
    figures = {k: v for k, v in ctx.props("EnterpriseObservation", rec).items()
               if k not in ("id", "period")}
    _observations(ctx, rec, owner, figures if figures or not rec.periods else None)


def _tenant(ctx: _Context, rec: Record) -> None:
    owner = _owner(ctx, rec, "Enterprise", "enterprise_id", "enterprise_name")
    if owner is None:
        return
    if "park" in rec.values:
        park = ctx.target(rec, ("Park",), "park", by_key=False)
    elif ctx.table.park:
        park = Target(("Park",), None, ctx.table.park, "park", ctx.table.park)
    else:
        ctx.problem(rec, "park", msg("load.park_empty"))
        return
    ctx.rel("LOCATED_IN", owner, park, rec)


def _project(ctx: _Context, rec: Record) -> None:
    me = _keyed_node(ctx, rec, "Project", msg("load.project_name_empty"))
    if me is None:
        return
    if "owner_id" in rec.values or "owner_name" in rec.values:
        owner = _owner(ctx, rec, "Enterprise", "owner_id", "owner_name")
        if owner is not None:
            ctx.rel("OWNS", owner, me, rec)
    for fname, labels in (("park", ("Park",)), ("town", ("Town",)), ("place", ("Park", "Town"))):
        if fname in rec.values:
            ctx.rel("LOCATED_IN", me, ctx.target(rec, labels, fname, by_key=False), rec)


def _progress(ctx: _Context, rec: Record) -> None:
    owner = _owner(ctx, rec, "Project", "project_id", "project_name")
    period = _period(ctx, rec)
    if owner is None or period is None:
        return
    ctx.session.add_observation(PendingObservation(
        "ProjectObservation", owner, period, ctx.props("ProjectObservation", rec),
        ctx.source, rec.row))


_MAPPERS: Mapping[Kind, Callable[[_Context, Record], None]] = {
    "enterprises": _enterprise,
    "observations": _observation,
    "tenants": _tenant,
    "projects": _project,
    "project_progress": _progress,
}


def map_records(d: Delivery, session: IngestSession, table: Table, schema: Schema) -> int:
    """Add the records of ``table`` to the delivery (and pending facts to the session).

    Returns the number of records read.
    """
    ctx = _Context(d, session, table, schema)
    mapper = _MAPPERS[table.kind]
    count = 0
    for rec in table.records:
        mapper(ctx, rec)
        count += 1
    if ctx.foreign:
        rates = load_rates(load_settings().exchange_rates)
        known = sorted(c for c in ctx.foreign if c in rates.rates)
        unknown = sorted(c for c in ctx.foreign if c not in rates.rates)
        if known:
            add_note("note", table.source, None, None, None, msg(
                "load.capital_converted", count=sum(ctx.foreign[c] for c in known),
                currencies="、".join(known), date=rates.date.isoformat(), source=rates.source))
        if unknown:
            add_note("note", table.source, None, None, None, msg(
                "load.capital_no_rate", count=sum(ctx.foreign[c] for c in unknown),
                currencies="、".join(unknown)))
    if ctx.generated:
        what = "企业" if table.kind == "enterprises" else "项目"
        code = "统一社会信用代码" if table.kind == "enterprises" else "项目编号"
        add_note("note", table.source, None, None, None,
                 msg("load.generated_ids", count=ctx.generated, what=what, code=code))
    return count
