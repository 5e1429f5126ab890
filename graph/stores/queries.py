"""Named graph queries: what the analyses need from the map, asked of the store that holds it.

Each query answers exactly what a piece of scoring needs — per-link member counts, the local
enterprises with the links they are in, a link's candidate pool with its ties to local
enterprises, … — and no query returns a whole label of a large kind (enterprises, observations).
Two implementations answer every query identically (``tests/test_graph_queries.py``):

- :class:`tupu.graph.stores.queries_neo4j.Neo4jQueries` (Neo4j): aggregation in the database,
  starting from the small side (the chain skeleton, the located enterprises, one link), counting
  members through relationship degrees, parameters only;
- :class:`tupu.graph.stores.queries_memory.MemoryQueries`: over the memory store's indexes (nodes
  by label, registration status and name; members by sub-sector) and networkx adjacency.

Registration status: an enterprise whose ``reg_status`` is dead or dying
(:data:`tupu.ontology.vocab.DEAD_STATUSES`) is never a link member, never in a candidate pool, and
not counted among the enterprises of the map (:meth:`GraphQueries.alive_enterprise_count`).

Answers are plain frozen records with sorted tuples, so two stores' answers compare with ``==``.

A link's candidate pool is read ranked (:meth:`GraphQueries.pool_top`): the store orders the
pool by :class:`PropertyScore` — the part of a candidate's attraction score that rests on its own
properties (:mod:`tupu.graph.analyses.candidates` derives it from its configuration and scores the
members it gets back with its own rule) — and returns the best few, not the pool.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tupu.ontology.vocab import DEAD_STATUSES

DEAD = tuple(sorted(DEAD_STATUSES))
"""The dead or dying registration statuses, as a query parameter."""

TIE_TYPES = ("SUPPLIES", "COOPERATES_WITH", "SUBSIDIARY_OF")
"""Relationship types that tie two enterprises (either direction), in the order of precedence."""

POOL_PROPS = ("annual_revenue", "employees", "listed", "unicorn", "top30")
"""The properties of a pool member its score rests on."""

BRAND_FLAGS = ("listed", "unicorn", "top30")
"""The brand flags among POOL_PROPS: a flag counts when its value is ``true`` (a boolean)."""

OBSERVATION_PROPS = ("period", "revenue", "employees", "talent_introduced", "above_scale")
"""The properties of an enterprise observation the analyses read."""


@dataclass(frozen=True)
class ChainStructure:
    """The chain skeleton: every chain, link, HAS_LINK, FEEDS and COVERS (all small)."""

    links: tuple[tuple[str, Any, Any, Any], ...]  # (key, name, stage, position) by key
    chains: tuple[tuple[str, Any, Any], ...]  # (key, name, plan_format) by key
    has_link: tuple[tuple[str, str], ...]  # (chain, link), sorted
    feeds: tuple[tuple[str, str], ...]  # (up, down), sorted
    covers: tuple[tuple[str, str, Any], ...]  # (link, code, the sub-sector's domain), sorted


@dataclass(frozen=True)
class Placements:
    """Where the located nodes of one label are: every LOCATED_IN of that label, and the town of
    every park that lies in one."""

    located: tuple[tuple[str, str, str], ...]  # (subject, "Park" or "Town", place), sorted
    park_town: tuple[tuple[str, str], ...]  # (park, town), sorted


@dataclass(frozen=True)
class LocalMember:
    """A located enterprise: whether it is above scale, whether it is alive, and the links (of
    those asked about) it is a member of (none when it is dead)."""

    key: str
    above_scale: bool
    alive: bool
    links: tuple[str, ...]


@dataclass(frozen=True)
class PoolMember:
    """An alive outside enterprise of a link with the properties its score rests on."""

    key: str
    props: tuple[tuple[str, Any], ...]  # (name, value) of POOL_PROPS it has, in that order


def number(value: Any) -> float:
    """A scoring property's value as a number: an integer or float as it is, anything else
    (absent, a boolean, text, NaN) as 0 — the one reading of ``annual_revenue`` and
    ``employees`` in scores, matched by the Cypher of :func:`cypher_queries.pool_top`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return float(value)
    return 0.0


def space_need(employees: Any, per_employee: float, min_space: float,
               branch_employees: float) -> float:
    """The vacant space (㎡) an enterprise's branch or project would need: its headcount
    (:func:`number`), at most ``branch_employees``, times ``per_employee``, and at least
    ``min_space``."""
    people = min(number(employees), branch_employees)
    return max(min_space, people * per_employee)


@dataclass(frozen=True)
class PropertyScore:
    """What a pool member scores on its own properties, the order of :meth:`GraphQueries.pool_top`:

    - scale: ``scale_weight × min(1, log10(1 + revenue) / log10(1 + full_at_revenue))`` for a
      positive revenue (unrounded), else 0;
    - brand: the weight of each of the BRAND_FLAGS the member has (``true``);
    - park: ``park_weight`` when ``roomiest`` (the most vacant space of a park positioned for the
      link; None: no park) is at least :meth:`space_need` of its ``employees``, else 0.

    The weights are the configuration's; the rule of the final score stays in
    :mod:`tupu.graph.analyses.candidates`, which uses :meth:`scale` and :meth:`space_need` itself.
    """

    scale_weight: float
    full_at_revenue: float
    brand_weights: tuple[float, ...]  # of BRAND_FLAGS, in that order
    park_weight: float
    roomiest: float | None
    space_per_employee: float
    min_space: float
    branch_employees: float

    def scale(self, revenue: Any) -> float:
        """The scale term, unrounded."""
        r = number(revenue)
        if r <= 0:
            return 0.0
        return self.scale_weight * min(1.0, math.log10(1 + r) / math.log10(1 + self.full_at_revenue))

    def space_need(self, employees: Any) -> float:
        """The vacant space (㎡) a branch of the member would need (:func:`space_need`)."""
        return space_need(employees, self.space_per_employee, self.min_space,
                          self.branch_employees)

    def of(self, props: Mapping[str, Any]) -> float:
        """The member's property score (the sum of the three terms, unrounded)."""
        return self.scores((props,))[0]

    def scores(self, members: Iterable[Mapping[str, Any]]) -> list[float]:
        """:meth:`of` each of ``members``. A pool is tens of thousands: the arithmetic of
        :meth:`scale` and :meth:`space_need` is written out here, operation for operation (a
        test holds the two equal), with the weights bound once."""
        weight, full = self.scale_weight, math.log10(1 + self.full_at_revenue)
        brands = tuple(zip(BRAND_FLAGS, self.brand_weights, strict=True))
        room, park = self.roomiest, self.park_weight
        per, least, most = self.space_per_employee, self.min_space, self.branch_employees
        log10 = math.log10
        out = []
        for p in members:
            r = p.get("annual_revenue")
            r = float(r) if type(r) is float or type(r) is int else number(r)
            score = weight * min(1.0, log10(1 + r) / full) if r > 0 else 0.0
            for flag, w in brands:
                if p.get(flag) is True:
                    score += w
            if room is not None:
                e = p.get("employees")
                e = float(e) if type(e) is int or (type(e) is float and e == e) else number(e)
                if room >= max(least, min(e, most) * per):
                    score += park
            out.append(score)
        return out

    def params(self) -> dict[str, Any]:
        """The weights as the Cypher's parameters."""
        return {
            "scale_weight": self.scale_weight, "full_at_revenue": self.full_at_revenue,
            "brand_weights": list(self.brand_weights), "park_weight": self.park_weight,
            "roomiest": self.roomiest, "space_per_employee": self.space_per_employee,
            "min_space": self.min_space, "branch_employees": self.branch_employees,
        }


@dataclass(frozen=True)
class CandidateTies:
    """The ties of a link's pool to local enterprises.

    ``direct``: (candidate, local, type, outgoing) for every TIE_TYPES relationship between a pool
    member and a located enterprise (``outgoing``: from the candidate). ``indirect``:
    (candidate, partner, local) where the partner, an enterprise that is not located and not the
    candidate, ties the two (candidate – partner – local, each step a TIE_TYPES relationship
    either way): the paths from a candidate to local partners.
    """

    direct: tuple[tuple[str, str, str, bool], ...]
    indirect: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class LinkContext:
    """Around one link: its neighbours, the parks positioned for it, funds and universities."""

    codes: tuple[str, ...]  # sub-sectors it covers
    ups: tuple[str, ...]  # links feeding it
    downs: tuple[str, ...]  # links it feeds
    parks: tuple[tuple[str, Any, Any], ...]  # (park, name, vacant_area) positioned for it
    focus_funds: tuple[str, ...]  # funds focusing on its sub-sectors
    strong_universities: tuple[str, ...]  # local universities strong in its sub-sectors
    names: tuple[tuple[str, str, Any], ...]  # (label, key, name) of those links, funds, unis


@dataclass(frozen=True)
class PoolLinks:
    """Funds invested in and universities cooperating with members of a link's pool."""

    invested: tuple[tuple[str, str], ...]  # (enterprise, fund)
    universities: tuple[tuple[str, str], ...]  # (enterprise, university)
    names: tuple[tuple[str, str, Any], ...]  # (label, key, name) of those funds and universities


class GraphQueries(ABC):
    """The named graph queries (see the module docstring)."""

    @abstractmethod
    def chain_structure(self) -> ChainStructure:
        """The chain skeleton."""

    @abstractmethod
    def placements(self, label: str = "Enterprise") -> Placements:
        """Where the ``label`` nodes located in a park or a town are."""

    @abstractmethod
    def local_members(self, links: Collection[str]) -> tuple[LocalMember, ...]:
        """Every enterprise located in a park or a town, by key, with the ``links`` it is in."""

    @abstractmethod
    def link_member_counts(self, links: Collection[str]) -> dict[str, int]:
        """Per link: how many alive enterprises (local or not) are in a sub-sector it covers."""

    @abstractmethod
    def link_members(self, links: Collection[str]) -> dict[str, frozenset[str]]:
        """Per link: the alive enterprises (local or not) in a sub-sector it covers."""

    @abstractmethod
    def alive_enterprise_count(self) -> int:
        """How many enterprises are not dead."""

    @abstractmethod
    def enterprise_observations(
        self, enterprises: Collection[str] | None
    ) -> tuple[tuple[str, str, tuple[Any, ...]], ...]:
        """(enterprise, observation key, values of OBSERVATION_PROPS) of the enterprises' (None:
        every enterprise's) observations, sorted."""

    @abstractmethod
    def local_ties(self, rel_types: Collection[str]) -> tuple[tuple[str, str, str], ...]:
        """(start, end, type) of every relationship of ``rel_types`` between two located
        enterprises, sorted."""

    @abstractmethod
    def pool_top(self, link: str, n: int | None, score: PropertyScore, margin: float = 0.0,
                 exclude: Collection[str] = ()) -> tuple[PoolMember, ...]:
        """``link``'s pool — the alive, non-located enterprises in a sub-sector it covers — less
        ``exclude``, best first by ``score`` (:class:`PropertyScore`): the members whose score is
        at least the ``n``-th best's less ``margin`` (so ties and near-ties of the ``n``-th come
        along; every member when the pool has at most ``n``, or ``n`` is None; none when ``n``
        is 0 or less); by key. The store computes the scores and returns only those members."""

    @abstractmethod
    def candidate_ties(self, link: str) -> CandidateTies:
        """The ties of ``link``'s pool to located enterprises (see :class:`CandidateTies`)."""

    @abstractmethod
    def link_context(self, link: str) -> LinkContext | None:
        """What surrounds ``link`` (None: there is no such link)."""

    @abstractmethod
    def pool_links(self, link: str) -> PoolLinks:
        """Funds and universities tied to members of ``link``'s pool."""


def names_of(rows: Collection[tuple[str, str, Any]], label: str) -> Mapping[str, str]:
    """Key → shown name of the ``label`` nodes among (label, key, name) rows (the key when the
    node has no name)."""
    return {k: str(k if n is None else n) for lbl, k, n in rows if lbl == label}
