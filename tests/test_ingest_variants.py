"""Variant fixtures: the sample city as XLSX and as GBK CSV exports loads to the same graph as the
canonical sample, on both stores; the committed variants are what ``data/make_variants.py`` writes.
"""

from __future__ import annotations

from typing import Any

import pytest

from tupu.graph.stores.deliveries import Provenance
from tupu.data import make_variants
from tests.conftest import REPO, SAMPLE
from tupu.graph.stores.store import GraphStore
from tupu.loaders.notes import collect_notes
from tupu.loaders.pipeline import load

VARIANTS = ("sample-xlsx", "sample-gbk")
BOOKKEEPING = frozenset({"Delivery"})
"""Labels that record a load itself (its time, its files) rather than the data: not compared."""

Content = tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str, str], dict[str, Any]]]


def test_the_committed_variants_are_what_the_script_writes() -> None:
    first = dict(make_variants.variants(SAMPLE))
    second = dict(make_variants.variants(SAMPLE))
    assert first == second, "two runs of data/make_variants.py differ"
    for name in VARIANTS:
        folder = REPO / "data" / name
        committed = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        assert sorted(committed) == sorted(first[name]), f"data/{name} has other files"
        drifted = [f for f, data in first[name].items() if committed[f] != data]
        assert not drifted, (f"data/{name} differs from what data/make_variants.py writes: "
                             f"{drifted}; run `python data/make_variants.py`")


def content(store: GraphStore) -> Content:
    """Every node and relationship with its properties, provenance left out."""
    def plain(props: Any) -> dict[str, Any]:
        return {k: v for k, v in props.items() if not k.startswith("prov_")}

    nodes = {(label, n.key): plain(n.props)
             for label in store.count_nodes() if label not in BOOKKEEPING
             for n in store.find_nodes(label)}
    rels = {(r.type, str(r.start), str(r.end)): plain(r.props)
            for rtype in store.count_relationships() for r in store.find_relationships(rtype)}
    return nodes, rels


def diff(expected: dict[Any, Any], got: dict[Any, Any], what: str) -> list[str]:
    lines = [f"{what} missing: {k}" for k in sorted(set(expected) - set(got), key=str)[:10]]
    lines += [f"{what} extra: {k}" for k in sorted(set(got) - set(expected), key=str)[:10]]
    lines += [f"{what} differs: {k}: {expected[k]} != {got[k]}"
              for k in sorted(set(expected) & set(got), key=str) if expected[k] != got[k]][:10]
    return lines


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_loads_to_the_same_graph_as_the_canonical_sample(
    store: GraphStore, variant: str
) -> None:
    load([SAMPLE], store)
    counts = (store.count_nodes(), store.count_relationships())
    nodes, rels = content(store)
    store.clear()
    with collect_notes() as notes:
        load([REPO / "data" / variant], store)
    assert (store.count_nodes(), store.count_relationships()) == counts
    got_nodes, got_rels = content(store)
    problems = diff(nodes, got_nodes, "node") + diff(rels, got_rels, "relationship")
    assert not problems, "\n".join(problems)
    assert not [n for n in notes if n.kind == "review"]
    assert sum("合计行" in n.message for n in notes) >= 6
    enterprise = next(iter(store.find_nodes("Enterprise")))
    assert Provenance(store).expand(enterprise.props)["prov_source"].startswith(f"{variant}/")
