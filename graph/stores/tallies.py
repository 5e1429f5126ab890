"""Link member counts from sub-sector degrees and tallies (Neo4j; pure).

A link's members are the alive enterprises in any of the sub-sectors it covers. Neo4j's degree
store gives, per sub-sector, how many enterprises are in it, so a link's degree sum counts an
enterprise once per covered sub-sector it is in, and counts the dead ones too. The correction
needs only two kinds of enterprise, which the store tallies by their set of sub-sectors
(``SubSectorTally``, :mod:`tupu.graph.stores.cypher_tallies`): those in two sub-sectors or more,
and the dead ones. :func:`member_counts` turns degrees and tallies into counts.

Why tallies per set of sub-sectors rather than a mark on each such enterprise: a mark would still
be read once per marked enterprise, and their number grows with the pool; the sets of sub-sectors
that enterprises share are bounded by the taxonomy's combinations in use, so the read stays the
same size however many enterprises are loaded. The store keeps them in the transaction of every
write that can change an enterprise's set or status (:meth:`Neo4jStore.apply`: the enterprises it
writes, gives a sub-sector or folds leave their tallies before the write and enter them after),
and counts them all again when they are missing — a database written before tallies existed, a
bulk import, a cleared database (:meth:`Neo4jStore.keep_tallies`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tupu.graph.stores.queries import DEAD


@dataclass(frozen=True)
class Tally:
    """``count`` enterprises in exactly the sub-sectors ``codes``, dead or alive."""

    codes: tuple[str, ...]
    dead: bool
    count: int


def _encode(parts: Iterable[str]) -> str:
    return "".join(f"{len(p)}:{p}" for p in parts)


def _decode(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    at = 0
    while at < len(text):
        colon = text.index(":", at)
        size = int(text[at:colon])
        parts.append(text[colon + 1:colon + 1 + size])
        at = colon + 1 + size
    return tuple(parts)


def state_key(dead: Sequence[str] = DEAD) -> str:
    """The key of the tally that says the others were counted with these dead statuses."""
    return "#" + _encode(dead)


def parse(key: str, count: int) -> Tally:
    """The tally of a stored key (``d|`` or ``a|`` and the encoded codes)."""
    flag, bar, rest = key.partition("|")
    if not bar or flag not in ("a", "d"):
        raise ValueError(f"not a sub-sector tally key: {key!r}")
    return Tally(_decode(rest), flag == "d", count)


def member_counts(
    links: Iterable[str],
    covered: Mapping[str, tuple[frozenset[str], int]],
    tallies: Iterable[Tally],
) -> dict[str, int]:
    """Per link of ``links``: its alive members, from ``covered`` (link → its sub-sectors and the
    sum of their IN_SUBSECTOR degrees; a link missing there has none) and the ``tallies`` of the
    enterprises in several sub-sectors and of the dead ones (others are ignored)."""
    links_of: dict[str, list[str]] = {}
    for lk, (codes, _) in covered.items():
        for code in codes:
            links_of.setdefault(code, []).append(lk)
    less: Counter[str] = Counter()
    for t in tallies:
        for lk, k in Counter(lk for c in set(t.codes) for lk in links_of.get(c, ())).items():
            # counted k times in the degrees: once too many per extra sub-sector; a dead one at all
            less[lk] += t.count * (k if t.dead else k - 1)
    return {lk: covered[lk][1] - less[lk] if lk in covered else 0 for lk in links}
