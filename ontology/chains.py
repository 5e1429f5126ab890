"""Industry-chain templates (产业链模板): chains, their links, FEEDS and COVERS.

A template is a folder in the canonical CSV format (``docs/canonical-format.md``)::

    ontology/chains/<name>/
      nodes/Chain.csv              id,name,name_en,plan_format,description
      nodes/ChainLink.csv          id,name,stage,position,description
      relationships/HAS_LINK.csv   start (chain id), end (link id)
      relationships/FEEDS.csv      start (upstream link id), end (downstream link id)
      relationships/COVERS.csv     start (link id), end (小类 code of the taxonomy)

:func:`parse_chain_template` is the pure parser (it takes CSV rows, header first);
:func:`read_chain_template` reads a folder; :func:`load_chain_template` reads a packaged template.
Reading refuses what cannot be built (unknown columns, missing keys, duplicate ids, relationships
whose ends do not exist); :func:`check_chain_template` then checks that the template is a sound
map of chains: every link in exactly one chain, at least :data:`MIN_LINKS` links per chain over all
three stages, FEEDS acyclic, within one chain and never running against the stages, every link
covering at least one known 小类 code. Every problem names file, row and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal, cast

from tupu.errors import Problem, ValidationFailed
from tupu.messages import msg
from tupu.ontology.schema import LabelDef, RelTypeDef, load_schema
from tupu.ontology.vocab import Label, Rel

Stage = Literal["upstream", "midstream", "downstream"]
STAGES: tuple[Stage, ...] = ("upstream", "midstream", "downstream")
STAGE_ZH: Mapping[str, str] = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}

#: The fewest links a chain may have.
MIN_LINKS = 8

CHAIN_FILE = "nodes/Chain.csv"
LINK_FILE = "nodes/ChainLink.csv"
HAS_LINK_FILE = "relationships/HAS_LINK.csv"
FEEDS_FILE = "relationships/FEEDS.csv"
COVERS_FILE = "relationships/COVERS.csv"
FILES: tuple[str, ...] = (CHAIN_FILE, LINK_FILE, HAS_LINK_FILE, FEEDS_FILE, COVERS_FILE)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TRUE = {"true", "1", "是", "yes"}
_FALSE = {"false", "0", "否", "no"}


@dataclass(frozen=True)
class Chain:
    """An industry chain (产业链)."""

    id: str
    name: str
    row: int  # line in nodes/Chain.csv (the header is line 1)
    name_en: str | None = None
    plan_format: bool | None = None
    description: str | None = None


@dataclass(frozen=True)
class ChainLink:
    """A link (环节) of a chain."""

    id: str
    name: str
    stage: Stage
    row: int
    position: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class Edge:
    """One relationship row: HAS_LINK (chain → link), FEEDS (link → link), COVERS (link → code)."""

    start: str
    end: str
    row: int


@dataclass(frozen=True)
class ChainTemplate:
    """A chain template as read, in file order. ``source`` prefixes file names in problems."""

    name: str
    source: str
    chains: tuple[Chain, ...]
    links: tuple[ChainLink, ...]
    has_link: tuple[Edge, ...]
    feeds: tuple[Edge, ...]
    covers: tuple[Edge, ...]

    def file(self, relative: str) -> str:
        """The name of one of the template's files as problems show it."""
        return f"{self.source}/{relative}"

    def chain(self, chain_id: str) -> Chain:
        for c in self.chains:
            if c.id == chain_id:
                return c
        raise KeyError(f"no chain {chain_id!r}; known: {', '.join(c.id for c in self.chains)}")

    def link(self, link_id: str) -> ChainLink:
        for k in self.links:
            if k.id == link_id:
                return k
        raise KeyError(f"no chain link {link_id!r}")

    def links_of(self, chain_id: str) -> tuple[ChainLink, ...]:
        """The links of a chain, ordered by position (links without one last, by id)."""
        ids = {e.end for e in self.has_link if e.start == chain_id}
        found = [k for k in self.links if k.id in ids]
        return tuple(sorted(found, key=lambda k: (k.position is None, k.position or 0, k.id)))

    def chain_of(self, link_id: str) -> str | None:
        """The chain a link belongs to (the first, should the template be unsound)."""
        return next((e.start for e in self.has_link if e.end == link_id), None)

    def codes_of(self, link_id: str) -> tuple[str, ...]:
        """The 小类 codes a link covers."""
        return tuple(e.end for e in self.covers if e.start == link_id)

    def downstream_of(self, link_id: str) -> tuple[str, ...]:
        return tuple(e.end for e in self.feeds if e.start == link_id)

    def upstream_of(self, link_id: str) -> tuple[str, ...]:
        return tuple(e.start for e in self.feeds if e.end == link_id)


# ---------------------------------------------------------------------------------------------
# reading


class _Rows:
    """The data rows of one CSV file as dicts, with their line numbers, after header checks."""

    def __init__(self, file: str, rows: Iterable[Sequence[str]], allowed: Sequence[str],
                 required: Sequence[str], problems: list[Problem]) -> None:
        self.file = file
        self.records: list[tuple[int, dict[str, str]]] = []
        self.readable = False  # the header could be used
        it = iter(rows)
        header = next(it, None)
        if header is None:
            problems.append(Problem(file, None, None, None,
                                    msg("chains.empty_file", header=",".join(allowed))))
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        ok = True
        for h in header:
            if h not in allowed:
                problems.append(Problem(file, 1, h, h,
                                        msg("chains.unknown_column", allowed="、".join(allowed))))
                ok = False
        for h in required:
            if h not in header:
                problems.append(Problem(file, 1, h, None, msg("chains.missing_column")))
                ok = False
        if len(set(header)) != len(header):
            problems.append(Problem(file, 1, None, ",".join(header), msg("chains.twice")))
            ok = False
        if not ok:
            return
        self.readable = True
        for line, cells in enumerate(it, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(file, line, None, ",".join(cells),
                                        msg("chains.cells", cells=len(cells),
                                            columns=len(header))))
                continue
            self.records.append((line, {h: c.strip() for h, c in zip(header, cells)}))


def _columns(owner: LabelDef | RelTypeDef) -> tuple[list[str], list[str]]:
    """Allowed and required columns of a node label or relationship type's file."""
    if isinstance(owner, LabelDef):
        return list(owner.properties), list(owner.required)
    return ["start", "end", *owner.properties], ["start", "end"]


def _cell(rec: Mapping[str, str], col: str) -> str | None:
    v = rec.get(col, "")
    return v if v else None


def parse_chain_template(
    tables: Mapping[str, Iterable[Sequence[str]] | None], name: str, source: str
) -> ChainTemplate:
    """Build a :class:`ChainTemplate` from CSV rows (header first) keyed by relative file name.

    ``tables`` maps each of :data:`FILES` to its rows, or to None when the file is missing.
    Raises :class:`~tupu.errors.ValidationFailed` listing every problem found.
    """
    schema = load_schema()
    problems: list[Problem] = []

    def rows(rel: str, owner: LabelDef | RelTypeDef) -> _Rows:
        file = f"{source}/{rel}"
        allowed, required = _columns(owner)
        raw = tables.get(rel)
        if raw is None:
            problems.append(Problem(file, None, None, None,
                                    msg("chains.file_missing", header=",".join(allowed))))
            return _Rows(file, [], allowed, required, [])
        return _Rows(file, raw, allowed, required, problems)

    chain_rows = rows(CHAIN_FILE, schema.label(Label.Chain))
    link_rows = rows(LINK_FILE, schema.label(Label.ChainLink))
    stage_values = schema.label(Label.ChainLink).properties["stage"].values or STAGES

    def required_cells(r: _Rows, rec: Mapping[str, str], line: int, cols: Sequence[str]) -> bool:
        ok = True
        for col in cols:
            if not _cell(rec, col):
                problems.append(Problem(r.file, line, col, None, msg("chains.required")))
                ok = False
        return ok

    def ids(r: _Rows) -> set[str] | None:
        """Every id the file gives (None when it could not be read); duplicates reported."""
        if not r.readable:
            return None
        first: dict[str, int] = {}
        for line, rec in r.records:
            key = _cell(rec, "id")
            if key is None:
                continue
            if key in first:
                problems.append(Problem(r.file, line, "id", key,
                                        msg("chains.duplicate_id", row=first[key])))
            first.setdefault(key, line)
        return set(first)

    chain_ids, link_ids = ids(chain_rows), ids(link_rows)
    chains: list[Chain] = []
    seen_chains: set[str] = set()
    for line, rec in chain_rows.records:
        if not required_cells(chain_rows, rec, line, ("id", "name")):
            continue
        plan_format: bool | None = None
        pf = _cell(rec, "plan_format")
        if pf is not None:
            if pf.lower() in _TRUE:
                plan_format = True
            elif pf.lower() in _FALSE:
                plan_format = False
            else:
                problems.append(Problem(chain_rows.file, line, "plan_format", pf,
                                        msg("chains.not_boolean")))
                continue
        if rec["id"] not in seen_chains:
            seen_chains.add(rec["id"])
            chains.append(Chain(rec["id"], rec["name"], line, _cell(rec, "name_en"),
                                plan_format, _cell(rec, "description")))

    links: list[ChainLink] = []
    seen_links: set[str] = set()
    for line, rec in link_rows.records:
        if not required_cells(link_rows, rec, line, ("id", "name", "stage")):
            continue
        stage = rec["stage"]
        if stage not in stage_values:
            problems.append(Problem(link_rows.file, line, "stage", stage,
                                    msg("chains.unknown_stage", stages="、".join(stage_values))))
            continue
        position: int | None = None
        pos = _cell(rec, "position")
        if pos is not None:
            try:
                position = int(pos)
            except ValueError:
                problems.append(Problem(link_rows.file, line, "position", pos,
                                        msg("chains.not_whole")))
                continue
        if rec["id"] not in seen_links:
            seen_links.add(rec["id"])
            links.append(ChainLink(rec["id"], rec["name"], cast(Stage, stage), line, position,
                                   _cell(rec, "description")))

    def edges(rel: str, rtype: Rel, starts: set[str] | None, ends: set[str] | None,
              start_what: str, end_what: str) -> tuple[Edge, ...]:
        """The rows of a relationship file; ends are checked against ``starts``/``ends``
        unless those are None (a node file that could not be read, or COVERS codes)."""
        r = rows(rel, schema.rel(rtype))
        out: list[Edge] = []
        seen: dict[tuple[str, str], int] = {}
        for line, rec in r.records:
            if not required_cells(r, rec, line, ("start", "end")):
                continue
            s, e = rec["start"], rec["end"]
            ok = True
            if starts is not None and s not in starts:
                problems.append(Problem(r.file, line, "start", s,
                                        msg("chains.no_such", what=start_what)))
                ok = False
            if ends is not None and e not in ends:
                problems.append(Problem(r.file, line, "end", e,
                                        msg("chains.no_such", what=end_what)))
                ok = False
            if (s, e) in seen:
                problems.append(Problem(r.file, line, "end", e,
                                        msg("chains.duplicate_row", row=seen[(s, e)])))
                ok = False
            else:
                seen[(s, e)] = line
            if ok:
                out.append(Edge(s, e, line))
        return tuple(out)

    has_link = edges(HAS_LINK_FILE, Rel.HAS_LINK, chain_ids, link_ids,
                     msg("chains.a_chain"), msg("chains.a_link"))
    feeds = edges(FEEDS_FILE, Rel.FEEDS, link_ids, link_ids, msg("chains.a_link"),
                  msg("chains.a_link"))
    covers = edges(COVERS_FILE, Rel.COVERS, link_ids, None, msg("chains.a_link"), "")
    if problems:
        raise ValidationFailed(problems)
    return ChainTemplate(name, source, tuple(chains), tuple(links), has_link, feeds, covers)


def read_chain_template(
    folder: Path | Traversable, name: str | None = None, source: str | None = None
) -> ChainTemplate:
    """Read a chain-template folder (any folder in the layout above)."""
    source = source or str(folder)
    tables: dict[str, list[list[str]] | None] = {}
    for rel in FILES:
        entry = folder
        for part in rel.split("/"):
            entry = entry.joinpath(part)
        if not entry.is_file():
            tables[rel] = None
            continue
        try:
            text = entry.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ValidationFailed([Problem(f"{source}/{rel}", None, None, None,
                                            msg("chains.not_utf8"))]) from e
        tables[rel] = list(csv.reader(io.StringIO(text, newline="")))
    return parse_chain_template(tables, name or folder.name, source)


def load_chain_template(name: str = "culture") -> ChainTemplate:
    """The packaged template ``ontology/chains/<name>/``."""
    source = f"ontology/chains/{name}"
    if not _NAME.match(name):
        raise ValidationFailed([Problem(source, None, None, name,
                                        msg("chains.bad_name"))])
    folder = resources.files("tupu.ontology").joinpath("chains").joinpath(name)
    if not folder.is_dir():
        raise ValidationFailed([Problem(source, None, None, name,
                                        msg("chains.no_template"))])
    return read_chain_template(folder, name, source)


# ---------------------------------------------------------------------------------------------
# checking


def _cycles(nodes: Iterable[str], edges: Sequence[Edge]) -> list[list[Edge]]:
    """One cycle (as its edges) per back edge met in a depth-first search."""
    out: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        out[e.start].append(e)
    colour: dict[str, int] = {}  # 1 on the stack, 2 done
    path: list[Edge] = []
    found: list[list[Edge]] = []

    def visit(n: str) -> None:
        colour[n] = 1
        for e in out[n]:
            c = colour.get(e.end, 0)
            if c == 0:
                path.append(e)
                visit(e.end)
                path.pop()
            elif c == 1:
                start = next((i for i, p in enumerate(path) if p.start == e.end), len(path))
                found.append([*path[start:], e])
        colour[n] = 2

    for n in nodes:
        if n not in colour:
            visit(n)
    return found


def check_chain_template(template: ChainTemplate, taxonomy_codes: set[str]) -> None:
    """Check that ``template`` is a sound map of chains; raise ValidationFailed otherwise.

    ``taxonomy_codes`` are the 小类 (class-level) codes of the taxonomy links may cover.
    """
    t = template
    problems: list[Problem] = []
    link_file, has_file = t.file(LINK_FILE), t.file(HAS_LINK_FILE)
    feeds_file, covers_file = t.file(FEEDS_FILE), t.file(COVERS_FILE)

    chain_of: dict[str, str] = {}
    for e in t.has_link:
        if e.end in chain_of:
            problems.append(Problem(has_file, e.row, "end", e.end,
                                    msg("chains.link_twice", chain=chain_of[e.end])))
        else:
            chain_of[e.end] = e.start
    for k in t.links:
        if k.id not in chain_of:
            problems.append(Problem(link_file, k.row, "id", k.id,
                                    msg("chains.link_orphan", file=HAS_LINK_FILE)))

    by_id = {k.id: k for k in t.links}
    for c in t.chains:
        members = [by_id[i] for i, ch in chain_of.items() if ch == c.id]
        chain_file = t.file(CHAIN_FILE)
        if len(members) < MIN_LINKS:
            problems.append(Problem(chain_file, c.row, "id", c.id,
                                    msg("chains.few_links", count=len(members), least=MIN_LINKS,
                                        links=LINK_FILE, has=HAS_LINK_FILE)))
        missing = [STAGE_ZH[s] for s in STAGES if all(k.stage != s for k in members)]
        if missing:
            problems.append(Problem(chain_file, c.row, "id", c.id,
                                    msg("chains.missing_stage", stages="、".join(missing))))
        positions: dict[int, str] = {}
        for k in sorted(members, key=lambda k: k.row):
            if k.position is None:
                continue
            if k.position in positions:
                problems.append(Problem(link_file, k.row, "position", str(k.position),
                                        msg("chains.same_position", other=positions[k.position],
                                            chain=c.id)))
            positions.setdefault(k.position, k.id)

    rank = {s: i for i, s in enumerate(STAGES)}
    fed: set[str] = set()
    for e in t.feeds:
        fed.update((e.start, e.end))
        cs, ce = chain_of.get(e.start), chain_of.get(e.end)
        if e.start == e.end:
            problems.append(Problem(feeds_file, e.row, "end", e.end,
                                    msg("chains.feeds_itself")))
        elif cs is not None and ce is not None and cs != ce:
            problems.append(Problem(feeds_file, e.row, "end", e.end,
                                    msg("chains.feeds_crosses", start=cs, end=ce)))
        elif rank[by_id[e.start].stage] > rank[by_id[e.end].stage]:
            problems.append(Problem(feeds_file, e.row, "start", e.start,
                                    msg("chains.feeds_backwards",
                                        start=STAGE_ZH[by_id[e.start].stage],
                                        end=STAGE_ZH[by_id[e.end].stage])))
    for cycle in _cycles((k.id for k in t.links), [e for e in t.feeds if e.start != e.end]):
        last = cycle[-1]
        route = " → ".join([cycle[0].start, *(e.end for e in cycle)])
        rows = ", ".join(str(e.row) for e in cycle)
        problems.append(Problem(feeds_file, last.row, "end", last.end,
                                msg("chains.cycle", route=route, rows=rows)))
    for k in t.links:
        if k.id not in fed and k.id in chain_of:
            problems.append(Problem(link_file, k.row, "id", k.id,
                                    msg("chains.not_joined", file=FEEDS_FILE)))

    covered: set[str] = set()
    for e in t.covers:
        covered.add(e.start)
        if e.end not in taxonomy_codes:
            problems.append(Problem(covers_file, e.row, "end", e.end,
                                    msg("chains.not_class")))
    for k in t.links:
        if k.id not in covered:
            problems.append(Problem(link_file, k.row, "id", k.id,
                                    msg("chains.covers_none", file=COVERS_FILE)))
    if problems:
        raise ValidationFailed(problems)
