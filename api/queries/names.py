"""Names, not ids, in URLs: ``/parks/海美`` and ``/candidates/电竞赛事运营`` work like their ids.

One helper over :func:`tupu.graph.analyses.names.resolve` that turns "no such name" (with its
"did you mean" and valid choices) and "several match" into :class:`NotFound` (404), whose Chinese
message the page or the JSON error shows.
"""

from __future__ import annotations

from tupu.api.http_errors import NotFound
from tupu.errors import AmbiguousName, UnknownName
from tupu.graph.analyses.names import resolve
from tupu.graph.stores.store import GraphStore


def named(store: GraphStore, label: str, text: str) -> str:
    """The id of the ``label`` node ``text`` names (id, Chinese full or short name)."""
    try:
        return resolve(store, label, text)
    except (UnknownName, AmbiguousName) as e:
        raise NotFound(str(e)) from e
