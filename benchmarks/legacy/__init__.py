"""The analyses' read path before the named graph queries (commit aadb660), kept callable as
the same-run baseline of ``bench_queries.py``: the same scoring over the generic ``GraphStore``
reads (``find_relationships``, ``adjacent``, ``get_nodes``). Not used by tupu itself.

Copied unchanged but for imports; dead enterprises were not filtered then, so compare answers on
data without dead enterprises (the sample city and the generated pools have none).
"""
