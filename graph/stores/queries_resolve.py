"""The named graph queries of entity resolution: the map's enterprises a delivery may match.

Entity resolution (:mod:`tupu.loaders.resolve`) needs only the part of the map that can match a
delivery; these queries find it through indexes instead of reading every enterprise:

======================== =========================================================================
query                    answers
======================== =========================================================================
``count``                how many enterprises there are (the count store)
``by_keys``              the enterprises with these keys (the key index)
``alias_owners``         the enterprises listing one of these texts among their ``aliases``
``uncoded``              the enterprises whose key does not match a pattern (not a credit code)
``regions``              every ``city`` and ``province`` value of the enterprises
``forms_complete``       whether every enterprise has its ``name_forms``
``named_like``           the enterprises whose ``name_forms`` holds one of these texts
======================== =========================================================================

Nodes come back with the properties asked for (those present), sorted by key. The memory store
answers from indexes built once per version of its graph
(:mod:`tupu.graph.stores.queries_resolve_memory`); Neo4j from its key constraint, text indexes on
``aliases`` and ``name_forms`` and range indexes on ``city`` and ``province``
(:mod:`tupu.graph.stores.cypher_resolve`). Contract tests compare both stores' answers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence

from tupu.graph.stores.model import Node

ENTERPRISE = "Enterprise"
ALIASES = "aliases"
ALIAS_SEPARATOR = ";"
NAME_FORMS = "name_forms"


def alias_list(text: object) -> list[str]:
    """The aliases of a stored ``aliases`` value (``;``-separated)."""
    return [a for a in str(text).split(ALIAS_SEPARATOR) if a] if text else []


class EnterpriseLookup(ABC):
    """The named graph queries of entity resolution (see the module docstring)."""

    @abstractmethod
    def count(self) -> int:
        """How many enterprises the map holds."""

    @abstractmethod
    def by_keys(self, keys: Collection[str], props: Sequence[str]) -> list[Node]:
        """The enterprises whose key is one of ``keys``."""

    @abstractmethod
    def alias_owners(self, texts: Collection[str], props: Sequence[str]) -> list[Node]:
        """The enterprises that list one of ``texts`` among their aliases (exactly, as one of the
        ``;``-separated parts of ``aliases``)."""

    @abstractmethod
    def uncoded(self, pattern: str, props: Sequence[str]) -> list[Node]:
        """The enterprises whose key does not match the regular expression ``pattern`` whole
        (a pattern both Python's ``re`` and Java's regular expressions read alike)."""

    @abstractmethod
    def regions(self) -> tuple[frozenset[str], frozenset[str]]:
        """Every ``city`` and every ``province`` value of the enterprises."""

    @abstractmethod
    def forms_complete(self) -> bool:
        """Whether every enterprise has ``name_forms`` (false for enterprises written before the
        property existed, or by a writer that does not set it)."""

    @abstractmethod
    def named_like(self, texts: Collection[str], props: Sequence[str]) -> list[Node]:
        """The enterprises whose ``name_forms`` contains one of ``texts`` (non-empty, without line
        breaks) as a substring."""
