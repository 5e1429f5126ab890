"""A plan's targets (工作目标) as data: read, checked and evaluated.

The targets live in ``ontology/targets/<name>.yaml`` (e.g. ``taicang-2025``); the file's header
comment documents every field. :func:`read_targets` is the pure parser (tests and notebooks hand
it a mapping), :func:`load_targets` the thin reader of a packaged file.

>>> plan = load_targets("taicang-2025")
>>> plan.target("new-key-projects").evaluate(11)
'met'
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, cast

import yaml

from tupu.errors import Problem, ValidationFailed
from tupu.messages import msg

Operator = Literal["gt", "ge", "lt", "le", "range"]
Outcome = Literal["met", "not_met"]
Scope = Literal["graph", "partial", "external"]

OPERATORS: tuple[str, ...] = ("gt", "ge", "lt", "le", "range")
SCOPES: tuple[str, ...] = ("graph", "partial", "external")

#: The words plans use for a comparison and the operator each one means. ``以上``/``以下`` include
#: the figure itself, as in Chinese statistical usage; ``力争`` (strive for) and ``实现`` (achieve)
#: mean "at least".
COMPARISON_WORDS: Mapping[str, Operator] = {
    "超": "gt",
    "超过": "gt",
    "高于": "gt",
    "不少于": "ge",
    "不低于": "ge",
    "以上": "ge",
    "达到": "ge",
    "力争": "ge",
    "实现": "ge",
    "不超过": "le",
    "不高于": "le",
    "以下": "le",
    "以内": "le",
    "低于": "lt",
    "少于": "lt",
    "区间": "range",
}

#: Units a target may be given in (the plan's own units, not the ontology's).
UNITS: tuple[str, ...] = ("个", "项", "家", "人", "人次", "亿元", "万元", "万平方米", "平方米", "%")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MEASURE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Threshold:
    """A qualifying condition on what a target counts, e.g. 营收超5亿元."""

    property: str
    value: float
    unit: str
    comparison: str
    operator: Operator

    def admits(self, actual: float) -> bool:
        """Whether a counted item with ``actual`` passes the condition."""
        return _compare(self.operator, actual, self.value, None, None)


@dataclass(frozen=True)
class Target:
    """One target of a plan."""

    id: str
    name: str
    measure: str
    unit: str
    comparison: str | None  # the plan's word; None when the plan gives a bare figure
    operator: Operator
    year: int
    scope: Scope
    quote: str
    value: float | None = None  # every operator but range
    min: float | None = None  # range only
    max: float | None = None  # range only
    threshold: Threshold | None = None
    part_of: str | None = None
    scope_note: str | None = None

    def evaluate(self, actual: float) -> Outcome:
        """``met`` when ``actual`` satisfies the target, else ``not_met``.

        gt is strictly greater (超10: 10 is not met, 11 is), ge at least (不少于6: 6 is met),
        range inclusive at both ends (3-5: 3, 4 and 5 are met).
        """
        ok = _compare(self.operator, actual, self.value, self.min, self.max)
        return "met" if ok else "not_met"

    @property
    def wording(self) -> str:
        """The target as the plan states it, e.g. ``超10个`` or ``3-5个``."""
        if self.operator == "range":
            return f"{_fmt(self.min)}-{_fmt(self.max)}{self.unit}"
        word = self.comparison or ""
        number = f"{_fmt(self.value)}{self.unit}"
        if word in ("以上", "以下", "以内"):
            return f"{number}{word}"
        return f"{word}{number}"


@dataclass(frozen=True)
class PlanTargets:
    """A plan's metadata and its targets, in the order of the file."""

    id: str
    title: str
    issuer: str
    date: dt.date
    status: str
    year: int
    targets: tuple[Target, ...]
    city: str | None = None
    section: str | None = None
    source: str = ""

    def target(self, target_id: str) -> Target:
        """The target with ``target_id``; KeyError naming the known ids otherwise."""
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(msg("targets.no_target", id=target_id,
                           known="、".join(t.id for t in self.targets)))

    def by_measure(self, measure: str) -> tuple[Target, ...]:
        """Every target of ``measure`` (several when thresholds differ)."""
        return tuple(t for t in self.targets if t.measure == measure)


def _compare(
    op: Operator, actual: float, value: float | None, lo: float | None, hi: float | None
) -> bool:
    if op == "range":
        assert lo is not None and hi is not None
        return lo <= actual <= hi
    assert value is not None
    if op == "gt":
        return actual > value
    if op == "ge":
        return actual >= value
    if op == "lt":
        return actual < value
    return actual <= value


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else str(x)


class _Checker:
    """Collects problems while fields are read out of one mapping."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, path: str, value: object, message: str) -> None:
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.source, None, path, shown, message))

    def text(self, m: Mapping[str, Any], key: str, path: str, required: bool = True) -> str | None:
        v = m.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.problem(f"{path}.{key}", None, msg("targets.text_missing", key=key))
            return None
        if not isinstance(v, str):
            self.problem(f"{path}.{key}", v, msg("targets.text_type", key=key))
            return None
        return v.strip()

    def pattern(
        self, m: Mapping[str, Any], key: str, path: str, rx: re.Pattern[str], what: str
    ) -> str | None:
        v = self.text(m, key, path)
        if v is not None and not rx.match(v):
            self.problem(f"{path}.{key}", v, msg("targets.pattern", what=what, pattern=rx.pattern))
            return None
        return v

    def number(self, m: Mapping[str, Any], key: str, path: str) -> float | None:
        v = m.get(key)
        if v is None:
            self.problem(f"{path}.{key}", None, msg("targets.number_missing", key=key))
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.problem(f"{path}.{key}", v, msg("targets.number_type", key=key))
            return None
        return float(v)

    def integer(self, m: Mapping[str, Any], key: str, path: str) -> int | None:
        v = m.get(key)
        if isinstance(v, bool) or not isinstance(v, int):
            self.problem(f"{path}.{key}", v, msg("targets.integer", key=key))
            return None
        return v

    def choice(
        self, m: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]
    ) -> str | None:
        v = self.text(m, key, path)
        if v is not None and v not in allowed:
            self.problem(f"{path}.{key}", v, msg("targets.choice", allowed="、".join(allowed)))
            return None
        return v

    def comparison(
        self, m: Mapping[str, Any], path: str, op: str | None
    ) -> tuple[bool, str | None]:
        """The plan's comparison word (None allowed for a bare figure) and its consistency."""
        if m.get("comparison") is None:
            if op == "range":
                self.problem(f"{path}.comparison", None, msg("targets.range_word"))
                return False, None
            return True, None
        word = self.text(m, "comparison", path)
        if word is None:
            return False, None
        meant = COMPARISON_WORDS.get(word)
        if meant is None:
            self.problem(
                f"{path}.comparison",
                word,
                msg("targets.comparison_unknown", words="、".join(COMPARISON_WORDS)),
            )
            return False, None
        if op is not None and meant != op:
            self.problem(
                f"{path}.operator",
                op,
                msg("targets.comparison_operator", word=word, meant=meant),
            )
            return False, word
        return True, word

    def unknown_keys(self, m: Mapping[str, Any], path: str, known: tuple[str, ...]) -> None:
        for k in m:
            if k not in known:
                self.problem(f"{path}.{k}", k, msg("targets.unknown_field", known="、".join(known)))


_PLAN_FIELDS = ("id", "title", "issuer", "drafter", "date", "status", "city", "year", "section")
_TARGET_FIELDS = (
    "id", "name", "measure", "value", "min", "max", "unit", "comparison", "operator",
    "threshold", "part_of", "year", "scope", "scope_note", "quote",
)
_THRESHOLD_FIELDS = ("property", "value", "unit", "comparison", "operator")


def _read_threshold(c: _Checker, raw: object, path: str) -> Threshold | None:
    if not isinstance(raw, Mapping):
        c.problem(path, raw, msg("targets.threshold_mapping", fields="、".join(_THRESHOLD_FIELDS)))
        return None
    c.unknown_keys(raw, path, _THRESHOLD_FIELDS)
    prop = c.pattern(raw, "property", path, _MEASURE, msg("targets.what_property"))
    value = c.number(raw, "value", path)
    unit = c.choice(raw, "unit", path, UNITS)
    op = c.choice(raw, "operator", path, tuple(o for o in OPERATORS if o != "range"))
    ok, word = c.comparison(raw, path, op)
    if prop is None or value is None or unit is None or op is None or not ok or word is None:
        if ok and word is None and raw.get("comparison") is None:
            c.problem(f"{path}.comparison", None, msg("targets.threshold_word"))
        return None
    return Threshold(prop, value, unit, word, cast(Operator, op))


def _read_target(c: _Checker, raw: object, path: str, plan_year: int | None) -> Target | None:
    if not isinstance(raw, Mapping):
        c.problem(path, raw, msg("targets.target_mapping"))
        return None
    before = len(c.problems)
    c.unknown_keys(raw, path, _TARGET_FIELDS)
    tid = c.pattern(raw, "id", path, _ID, msg("targets.what_target_id"))
    name = c.text(raw, "name", path)
    measure = c.pattern(raw, "measure", path, _MEASURE, msg("targets.what_measure"))
    unit = c.choice(raw, "unit", path, UNITS)
    op = c.choice(raw, "operator", path, OPERATORS)
    _, word = c.comparison(raw, path, op)
    year = c.integer(raw, "year", path)
    if year is not None and plan_year is not None and year != plan_year:
        c.problem(f"{path}.year", year, msg("targets.year_differs", year=plan_year))
    scope = c.choice(raw, "scope", path, SCOPES)
    scope_note = c.text(raw, "scope_note", path, required=False)
    quote = c.text(raw, "quote", path)
    part_of = c.text(raw, "part_of", path, required=False)
    value = lo = hi = None
    if op == "range":
        if raw.get("value") is not None:
            c.problem(f"{path}.value", raw.get("value"), msg("targets.range_value"))
        lo = c.number(raw, "min", path)
        hi = c.number(raw, "max", path)
        if lo is not None and hi is not None and lo > hi:
            c.problem(f"{path}.min", lo, msg("targets.min_above_max", max=_fmt(hi)))
    elif op is not None:
        for k in ("min", "max"):
            if raw.get(k) is not None:
                c.problem(f"{path}.{k}", raw.get(k), msg("targets.only_range", key=k))
        value = c.number(raw, "value", path)
    threshold = None
    if raw.get("threshold") is not None:
        threshold = _read_threshold(c, raw["threshold"], f"{path}.threshold")
    if len(c.problems) > before:
        return None
    assert tid and name and measure and unit and op and year is not None and scope and quote
    return Target(
        id=tid,
        name=name,
        measure=measure,
        unit=unit,
        comparison=word,
        operator=cast(Operator, op),
        year=year,
        scope=cast(Scope, scope),
        quote=quote,
        value=value,
        min=lo,
        max=hi,
        threshold=threshold,
        part_of=part_of,
        scope_note=scope_note,
    )


def _read_date(c: _Checker, m: Mapping[str, Any], path: str) -> dt.date | None:
    v = m.get("date")
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    c.problem(f"{path}.date", v, msg("targets.date"))
    return None


def read_targets(data: Mapping[str, Any], source: str) -> PlanTargets:
    """Check a parsed targets document and build :class:`PlanTargets`.

    ``source`` names the file in problems. Every problem found is reported at once, each with
    ``column`` set to the field path (e.g. ``targets[3].value``), in a
    :class:`~tupu.errors.ValidationFailed`.
    """
    c = _Checker(source)
    if not isinstance(data, Mapping):
        c.problem("", None, msg("targets.not_mapping"))
        raise ValidationFailed(c.problems)
    c.unknown_keys(data, "", ("plan", "targets"))
    plan = data.get("plan")
    pid = title = issuer = status = None
    city = section = None
    date = None
    year = None
    if not isinstance(plan, Mapping):
        c.problem("plan", None, msg("targets.plan_missing"))
    else:
        c.unknown_keys(plan, "plan", _PLAN_FIELDS)
        pid = c.pattern(plan, "id", "plan", _ID, msg("targets.what_plan_id"))
        title = c.text(plan, "title", "plan")
        issuer = c.text(plan, "issuer", "plan")
        status = c.text(plan, "status", "plan")
        city = c.text(plan, "city", "plan", required=False)
        section = c.text(plan, "section", "plan", required=False)
        date = _read_date(c, plan, "plan")
        year = c.integer(plan, "year", "plan")
    raw_targets = data.get("targets")
    targets: list[tuple[int, Target]] = []
    if not isinstance(raw_targets, list) or not raw_targets:
        c.problem("targets", None, msg("targets.targets_missing"))
    else:
        seen: set[str] = set()
        for i, raw in enumerate(raw_targets):
            t = _read_target(c, raw, f"targets[{i}]", year)
            if t is None:
                continue
            if t.id in seen:
                c.problem(f"targets[{i}].id", t.id, msg("targets.duplicate_id"))
            seen.add(t.id)
            targets.append((i, t))
        for i, t in targets:
            if t.part_of is not None and t.part_of not in seen:
                c.problem(
                    f"targets[{i}].part_of",
                    t.part_of,
                    msg("targets.part_of_unknown"),
                )
    if c.problems:
        raise ValidationFailed(c.problems)
    assert pid and title and issuer and date and status and year is not None
    return PlanTargets(
        id=pid,
        title=title,
        issuer=issuer,
        date=date,
        status=status,
        year=year,
        targets=tuple(t for _, t in targets),
        city=city,
        section=section,
        source=source,
    )


@lru_cache(maxsize=8)
def load_targets(name: str) -> PlanTargets:
    """The packaged targets file ``ontology/targets/<name>.yaml``, read and checked (once per
    process: the files ship with tupu and the result is frozen)."""
    source = f"ontology/targets/{name}.yaml"
    if not _NAME.match(name):
        raise ValidationFailed(
            [Problem(source, None, None, name, msg("targets.bad_name"))]
        )
    folder = resources.files("tupu.ontology").joinpath("targets")
    entry = folder.joinpath(f"{name}.yaml")
    if not entry.is_file():
        known = sorted(
            p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
        )
        raise ValidationFailed(
            [
                Problem(
                    source, None, None, name,
                    msg("targets.no_file", known="、".join(known) or msg("targets.none")),
                )
            ]
        )
    try:
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ValidationFailed(
            [Problem(source, row, None, None, msg("targets.yaml", error=e))]
        ) from e
    return read_targets(data, source)
