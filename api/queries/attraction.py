"""Panorama, gaps and targeted-attraction candidates."""

from __future__ import annotations

from typing import Any

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.http_errors import NotFound
from tupu.errors import UnknownName
from tupu.api.queries.names import named
from tupu.api.serialize import Record, records
from tupu.graph.analyses.candidates import candidates as rank_candidates
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.analyses.gaps import gaps as find_gaps, panorama
from tupu.graph.analyses.scope import Scope, parse_scope
from tupu.graph.stores.store import GraphStore


def scope_of(store: GraphStore, text: str) -> Scope:
    """``city``, ``town:<id or name>`` or ``park:<id or name>``; an unknown town or park is
    :class:`NotFound`."""
    scope = parse_scope(text)
    if scope.id is not None:
        label = "Town" if scope.kind == "town" else "Park"
        return Scope(scope.kind, named(store, label, scope.id))
    return scope


def check_chain(store: GraphStore, chain: str | None) -> str | None:
    """The id of the chain ``chain`` names (None passes through); :class:`NotFound` otherwise."""
    return None if chain is None else named(store, "Chain", chain)


def gaps(store: GraphStore, cfg: AnalysisConfig, role: Role, scope: str = "city",
         chain: str | None = None, every_link: bool = False,
         limit: int | None = None) -> list[Record]:
    """The gaps ranked by priority (``every_link``: the whole panorama) in a scope."""
    where = scope_of(store, scope)
    chain = check_chain(store, chain)
    if every_link:
        df = panorama(store, where, chain, cfg.gaps)
    else:
        df = find_gaps(store, where, chain, cfg.gaps)
    rows = records(df if limit is None else df.head(limit))
    return disclosure.panorama(store, cfg, role, scope, rows)


def link_row(store: GraphStore, cfg: AnalysisConfig, role: Role, scope: str,
             link: str) -> tuple[Record | None, Record]:
    """``link``'s row of :func:`gaps` in ``scope`` (None when it is no gap) and its row of the
    panorama there (the gap row when there is one): the rows :func:`gaps` gives, without
    turning every other link's into records."""
    where = scope_of(store, scope)
    found = find_gaps(store, where, None, cfg.gaps)
    gap = disclosure.panorama(store, cfg, role, scope, records(found[found["link"] == link]))
    if gap:
        return gap[0], gap[0]
    pan = panorama(store, where, None, cfg.gaps)
    return None, disclosure.panorama(store, cfg, role, scope,
                                     records(pan[pan["link"] == link]))[0]


def link_info(store: GraphStore, link: str) -> dict[str, Any]:
    """A chain link's id, name, stage and chain; :class:`NotFound` when there is none."""
    link = named(store, "ChainLink", link)
    node = store.get_node("ChainLink", link)
    if node is None:
        raise NotFound(str(UnknownName("ChainLink", link, (), ())))
    has = store.adjacent("HAS_LINK", "ChainLink", [link], "in")
    chain = store.get_node("Chain", has[0].start.key) if has else None
    return {"link": link, "link_name": node.props.get("name", link),
            "stage": node.props.get("stage"),
            "chain": chain.key if chain else None,
            "chain_name": chain.props.get("name", chain.key) if chain else None}


def candidates(store: GraphStore, cfg: AnalysisConfig, role: Role, link: str,
               limit: int | None = 20) -> dict[str, Any]:
    """The link and its candidates ranked by their explained score."""
    info = link_info(store, link)
    link = str(info["link"])
    rows = records(rank_candidates(store, link, limit, cfg.candidates, cfg.gaps, cfg.matching))
    return {**info, "candidates": disclosure.candidates(role, rows)}
