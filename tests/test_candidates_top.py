"""The top N of ``tupu candidates`` found in the store (``pool_top``) is the top N of ranking every
member of the pool: on both stores, on a pool crafted with near-ties at the roundings to
hundredths (:mod:`tests.rankpool`), for every N around the pool's size and for no limit."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.rankpool import LINK, MEMBERS, PLAIN, RULE, rank_city
from tupu.graph.analyses import candidates as cand
from tupu.graph.analyses.config import default_analysis_config
from tupu.graph.stores.store import GraphStore

CFG = default_analysis_config()


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same columns and rows (a column of mixed values is ``object`` in the whole pool's
    frame, where a missing value is None rather than NaN)."""
    def rows(df: pd.DataFrame) -> list[list[object]]:
        return df.astype(object).where(df.notna(), None).values.tolist()

    return list(a.columns) == list(b.columns) and rows(a) == rows(b)


def ranked(store: GraphStore, limit: int | None) -> pd.DataFrame:
    return cand._candidates(store, LINK, limit, CFG.candidates, CFG.gaps, None)


def every_member_ranked(store: GraphStore) -> pd.DataFrame:
    """The ranking of the whole pool, each member scored by ``score_terms``: the facts of the
    link with every member, sorted by score, then key — the rule the top N must equal."""
    facts = cand.link_facts(store, LINK, CFG.candidates, CFG.gaps, None)
    scores = sorted((-cand.score_terms(k, facts, CFG.candidates).score, k) for k in facts.pool)
    return pd.DataFrame({"id": [k for _, k in scores], "score": [-s for s, _ in scores]})


def test_the_rule_of_the_store_is_the_configured_score(store: GraphStore) -> None:
    store.apply(rank_city())
    facts = cand.link_facts(store, LINK, CFG.candidates, CFG.gaps, None)
    assert facts.rule == RULE  # the defaults of graph/analysis.yaml and the park of the city
    assert sorted(facts.pool) == sorted(MEMBERS)
    # a plain member scores its property score plus the link's constant terms, each rounded to
    # hundredths once more: within 0.01 of each other
    constant = {round(cand.score_terms(k, facts, CFG.candidates).score - RULE.of(MEMBERS[k]), 2)
                for k in PLAIN}
    assert len(constant) in (1, 2) and max(constant) - min(constant) <= 0.01
    for key in PLAIN:
        score = cand.score_terms(key, facts, CFG.candidates).score
        assert abs(score - RULE.of(MEMBERS[key]) - min(constant)) <= 0.0101


def test_the_top_n_is_the_top_of_every_member_ranked(store: GraphStore) -> None:
    store.apply(rank_city())
    full = ranked(store, None)
    expected = every_member_ranked(store)
    assert list(full["id"]) == list(expected["id"])
    assert list(full["score"]) == list(expected["score"])
    assert len(full) == len(MEMBERS)
    for n in range(1, len(MEMBERS) + 3):
        top = ranked(store, n)
        assert same(top, full.head(n)), n


def test_without_the_margin_the_store_would_leave_winners_out(
        store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The crafted near-ties need the margin: rounded scores tie, and the tie goes to a smaller
    key with a lower unrounded score that a cut at the n-th best would not return."""
    store.apply(rank_city())
    full = ranked(store, None)
    monkeypatch.setattr(cand, "ROUNDING_MARGIN", 0.0)
    wrong = [n for n in range(1, len(MEMBERS)) if not same(ranked(store, n), full.head(n))]
    assert wrong
