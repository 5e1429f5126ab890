"""FROZEN COPY (commit 1d4bc35^, graph/analyses/matching.py) of
``ParkContext.chain_counts`` as it was before it read the located side through ``local_members``:
it read every member of each link (``link_members``), the outside pool included. The same-run
"before" of ``bench_queries.py --chain-counts-before``; patched onto ``ParkContext`` for the
timed runs only (:func:`patched`). Not used by tupu itself. Copied unchanged but for imports.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Collection, Iterator

from tupu.graph.analyses import matching
from tupu.graph.analyses.strength import link_members


def chain_counts(self: matching.ParkContext, links: Collection[str],
                 leaving_out: str) -> Counter[str]:
    """Per park: the enterprises located in it that are in any of ``links`` (but
    ``leaving_out``). Counted from the located side (a few hundred enterprises), not over
    the links' members, which hold the whole outside pool; members read once per link."""
    missing = sorted(set(links) - set(self._members))
    if missing:
        self._members.update(link_members(self._store, missing))
    member_sets = [self._members.get(x, set()) for x in sorted(set(links))]
    return Counter(park for key, park in self.where.park.items()
                   if park is not None and key != leaving_out
                   and any(key in m for m in member_sets))


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """``ParkContext.chain_counts`` replaced by the copy above while the block runs."""
    current = matching.ParkContext.chain_counts
    setattr(matching.ParkContext, "chain_counts", chain_counts)
    try:
        yield
    finally:
        setattr(matching.ParkContext, "chain_counts", current)
