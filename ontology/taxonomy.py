"""Industry taxonomies (``SubSector`` nodes) and their crosswalk to GB/T 4754-2017.

A taxonomy is a three-level tree of codes — category (大类), group (中类) and class (小类) —
where each class lists the GB/T 4754-2017 industry classes it is made of. The built-in one is the
national standard 文化及相关产业分类（2018） (National Bureau of Statistics, 国统字〔2018〕43号),
shipped as ``ontology/data/culture-taxonomy-2018.csv`` with the columns::

    code,name,level,parent,domain,industry_codes

``industry_codes`` is a ``;``-separated list of 4-digit GB/T 4754-2017 class codes; a trailing
``*`` marks a code the taxonomy includes only in part (the standard's own notation).

Codes are ASCII digits — 2 for a category, 3 for a group, 4 for a class — and each begins with its
parent's code, the layout of the NBS's derived classifications. Every group and class shares the
``domain`` of its category (for the culture standard: ``core`` = 文化核心领域, ``related`` =
文化相关领域).

The reader is pure: :func:`read_taxonomy` works on rows (mappings of column name to cell), so it can
be fed from a file, a test or any other source, and checks the whole structure before anything is
returned. Nothing here knows about culture: another industry is another data file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from tupu.errors import InputError, Problem, ValidationFailed
from tupu.messages import msg

__all__ = [
    "COLUMNS",
    "Domain",
    "IndustryCode",
    "Level",
    "Taxonomy",
    "TaxonomyEntry",
    "load_taxonomy",
    "read_taxonomy",
]

Level = Literal["category", "group", "class"]
Domain = Literal["core", "related"]

#: The columns of a taxonomy file, in order.
COLUMNS: tuple[str, ...] = ("code", "name", "level", "parent", "domain", "industry_codes")

_LEVELS: Mapping[str, Level] = {"category": "category", "group": "group", "class": "class"}
_DOMAINS: Mapping[str, Domain] = {"core": "core", "related": "related"}
_CODE_DIGITS: Mapping[Level, int] = {"category": 2, "group": 3, "class": 4}
_PARENT_LEVEL: Mapping[Level, Level] = {"group": "category", "class": "group"}
_INDUSTRY_CODE = re.compile(r"^(\d{4})(\*?)$")

#: Built-in taxonomies: name -> file inside the ``tupu.ontology`` package.
_BUILTIN: Mapping[str, str] = {"culture-2018": "data/culture-taxonomy-2018.csv"}


@dataclass(frozen=True)
class IndustryCode:
    """A GB/T 4754-2017 class code as a taxonomy class lists it.

    ``partial`` is true when only part of the industry class belongs to the taxonomy class
    (written ``7251*`` in the file).
    """

    code: str
    partial: bool

    def __str__(self) -> str:
        return f"{self.code}*" if self.partial else self.code


@dataclass(frozen=True)
class TaxonomyEntry:
    """One node of a taxonomy: a category (大类), group (中类) or class (小类)."""

    code: str
    name: str
    level: Level
    parent: str | None  # None for a category
    domain: Domain
    industry_codes: tuple[IndustryCode, ...]  # empty except on classes


class Taxonomy:
    """A validated taxonomy with look-ups by code and by GB/T 4754-2017 industry code.

    Build one with :func:`read_taxonomy` or :func:`load_taxonomy`; instances are not meant to be
    changed after construction.
    """

    def __init__(self, entries: Iterable[TaxonomyEntry], source: str) -> None:
        self._entries = tuple(entries)
        self._source = source
        self._by_code = {e.code: e for e in self._entries}
        children: dict[str, list[TaxonomyEntry]] = {e.code: [] for e in self._entries}
        by_industry: dict[str, list[tuple[TaxonomyEntry, bool]]] = {}
        for entry in self._entries:
            if entry.parent is not None:
                children[entry.parent].append(entry)
            for ic in entry.industry_codes:
                by_industry.setdefault(ic.code, []).append((entry, ic.partial))
        self._children = {code: tuple(kids) for code, kids in children.items()}
        self._by_industry = {code: tuple(hits) for code, hits in by_industry.items()}

    @property
    def entries(self) -> tuple[TaxonomyEntry, ...]:
        """All entries in file order."""
        return self._entries

    @property
    def source(self) -> str:
        """Where the taxonomy was read from (for provenance and messages)."""
        return self._source

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[TaxonomyEntry]:
        return iter(self._entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> TaxonomyEntry | None:
        """The entry with this code, or None when there is none."""
        return self._by_code.get(code)

    def children(self, code: str) -> tuple[TaxonomyEntry, ...]:
        """The direct children of ``code`` in file order (empty for a class).

        Raises KeyError when the code is not in the taxonomy.
        """
        return self._children[self._require(code).code]

    def ancestors(self, code: str) -> tuple[TaxonomyEntry, ...]:
        """The parent, grandparent, ... of ``code``, nearest first (empty for a category).

        Raises KeyError when the code is not in the taxonomy.
        """
        found: list[TaxonomyEntry] = []
        parent = self._require(code).parent
        while parent is not None:
            entry = self._by_code[parent]
            found.append(entry)
            parent = entry.parent
        return tuple(found)

    def categories(self) -> tuple[TaxonomyEntry, ...]:
        """The categories (大类) in file order."""
        return tuple(e for e in self._entries if e.level == "category")

    def classes(self) -> tuple[TaxonomyEntry, ...]:
        """The classes (小类) in file order."""
        return tuple(e for e in self._entries if e.level == "class")

    def by_industry_code(self, code: str) -> list[tuple[TaxonomyEntry, bool]]:
        """The classes that a GB/T 4754-2017 class code maps to, with its ``partial`` flag.

        This is the crosswalk from an enterprise's registered industry code to sub-sectors. The
        list is empty when the code is outside the taxonomy; ``partial`` True means only some
        activities of that industry class belong to the taxonomy class, so the match needs a
        second look (for example at the business scope).
        """
        return list(self._by_industry.get(code.strip(), ()))

    def _require(self, code: str) -> TaxonomyEntry:
        entry = self._by_code.get(code)
        if entry is None:
            raise KeyError(f"no taxonomy entry with code {code!r} in {self._source}")
        return entry


def read_taxonomy(rows: Iterable[Mapping[str, str]], source: str) -> Taxonomy:
    """Validate taxonomy rows and build a :class:`Taxonomy`.

    ``rows`` are mappings of column name to cell text, one per data record, as
    :class:`csv.DictReader` yields them; row numbers in problems count the header as row 1.
    ``source`` names the file in problems. All problems are collected and raised together as
    :class:`~tupu.errors.ValidationFailed`; nothing is returned unless the whole table is sound.
    """
    raw_rows = list(rows)
    if not raw_rows:
        raise ValidationFailed(
            [Problem(source, None, None, None, msg("taxonomy.no_rows"))]
        )
    header = _check_header(_clean(raw_rows[0]), source)
    if header:
        raise ValidationFailed(header)
    records = [{column: _clean(row).get(column, "") for column in COLUMNS} for row in raw_rows]

    problems: list[Problem] = []
    levels: dict[str, Level] = {}
    first_row: dict[str, int] = {}
    for number, (raw, record) in enumerate(zip(raw_rows, records), start=2):
        if None in raw:  # csv.DictReader puts surplus cells under the key None
            problems.append(
                Problem(source, number, None, None, msg("taxonomy.extra_cells"))
            )
        code, level = record["code"], _LEVELS.get(record["level"])
        if code and level is not None and code not in first_row:
            first_row[code] = number
            levels[code] = level

    entries: list[TaxonomyEntry] = []
    for number, record in enumerate(records, start=2):
        entry = _check_row(record, number, source, levels, first_row, problems)
        if entry is not None:
            entries.append(entry)
    if not problems:
        _check_domains(entries, first_row, source, problems)
    if problems:
        raise ValidationFailed(problems)
    return Taxonomy(entries, source)


def load_taxonomy(name: str = "culture-2018") -> Taxonomy:
    """Read a built-in taxonomy shipped in the ``tupu.ontology`` package.

    ``culture-2018`` is 文化及相关产业分类（2018）. Raises InputError for an unknown name and
    ValidationFailed when the packaged file is broken. The result is cached; it is immutable.
    """
    return _load_builtin(name)


@lru_cache(maxsize=None)
def _load_builtin(name: str) -> Taxonomy:
    path = _BUILTIN.get(name)
    if path is None:
        known = ", ".join(sorted(_BUILTIN))
        raise InputError(msg("taxonomy.unknown", name=name, known=known))
    resource = resources.files("tupu.ontology").joinpath(path)
    text = resource.read_text(encoding="utf-8-sig")
    return read_taxonomy(csv.DictReader(io.StringIO(text, newline="")), str(resource))


def _level_zh(level: str) -> str:
    """A level as the problems name it (``小类（class）``)."""
    return msg(f"taxonomy.level_{level}")


def _clean(row: Mapping[str, object]) -> dict[str, str]:
    """Trim cells; a missing cell (short row) becomes "" and surplus cells are dropped."""
    return {
        key: value.strip() if isinstance(value, str) else ""
        for key, value in row.items()
        if key is not None
    }


def _check_header(first: Mapping[str, str], source: str) -> list[Problem]:
    expected = ",".join(COLUMNS)
    problems = [
        Problem(source, 1, column, None, msg("taxonomy.missing_column", column=column,
                                              expected=expected))
        for column in COLUMNS
        if column not in first
    ]
    problems += [
        Problem(source, 1, column, None, msg("taxonomy.unknown_column", column=column,
                                              expected=expected))
        for column in first
        if column not in COLUMNS
    ]
    return problems


def _check_row(
    record: Mapping[str, str],
    number: int,
    source: str,
    levels: Mapping[str, Level],
    first_row: Mapping[str, int],
    problems: list[Problem],
) -> TaxonomyEntry | None:
    """Check one row against the others; return its entry, or None after adding problems."""
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(Problem(source, number, column, record.get(column, ""), message))

    code, name, parent_code = record["code"], record["name"], record["parent"]
    level = _LEVELS.get(record["level"])
    domain = _DOMAINS.get(record["domain"])

    if level is None:
        problem("level", msg("taxonomy.level"))
    if domain is None:
        problem("domain", msg("taxonomy.domain"))
    if not name:
        problem("name", msg("taxonomy.name_empty"))
    if not code.isdigit() or not code.isascii():
        problem("code", msg("taxonomy.code_digits"))
    elif level is not None and len(code) != _CODE_DIGITS[level]:
        digits = _CODE_DIGITS[level]
        problem("code", msg("taxonomy.code_length", level=_level_zh(level), digits=digits))
    elif first_row.get(code, number) != number:
        problem("code", msg("taxonomy.code_duplicate", row=first_row[code]))

    parent: str | None = None
    if level == "category":
        if parent_code:
            problem("parent", msg("taxonomy.category_parent"))
    elif level is not None:
        expected = _PARENT_LEVEL[level]
        if not parent_code:
            problem("parent", msg("taxonomy.parent_missing", level=_level_zh(level),
                                  expected=_level_zh(expected)))
        elif parent_code not in levels:
            problem("parent", msg("taxonomy.parent_unknown"))
        elif levels[parent_code] != expected:
            problem("parent", msg("taxonomy.parent_level", level=_level_zh(level),
                                  expected=_level_zh(expected),
                                  actual=_level_zh(levels[parent_code])))
        elif not code.startswith(parent_code):
            problem("parent", msg("taxonomy.parent_prefix", code=code))
        else:
            parent = parent_code

    industry_codes = _check_industry_codes(record["industry_codes"], level, problem)

    if len(problems) > before or level is None or domain is None:
        return None
    return TaxonomyEntry(code, name, level, parent, domain, industry_codes)


def _check_industry_codes(
    cell: str, level: Level | None, problem: Callable[[str, str], None]
) -> tuple[IndustryCode, ...]:
    if not cell:
        return ()
    if level != "class":
        problem("industry_codes", msg("taxonomy.codes_only_classes"))
        return ()
    found: list[IndustryCode] = []
    seen: set[str] = set()
    for item in (part.strip() for part in cell.split(";")):
        match = _INDUSTRY_CODE.match(item)
        if match is None:
            problem("industry_codes", msg("taxonomy.industry_code_bad", item=item))
            continue
        if match.group(1) in seen:
            problem("industry_codes", msg("taxonomy.industry_code_twice",
                                          code=match.group(1)))
            continue
        seen.add(match.group(1))
        found.append(IndustryCode(match.group(1), partial=match.group(2) == "*"))
    return tuple(found)


def _check_domains(
    entries: Iterable[TaxonomyEntry],
    first_row: Mapping[str, int],
    source: str,
    problems: list[Problem],
) -> None:
    """Every group and class must share the domain of its category."""
    by_code = {e.code: e for e in entries}
    for entry in by_code.values():
        category = entry
        while category.parent is not None:
            category = by_code[category.parent]
        if entry.domain != category.domain:
            problems.append(
                Problem(source, first_row[entry.code], "domain", entry.domain,
                        msg("taxonomy.domain_mismatch", category=category.code,
                            domain=category.domain))
            )
