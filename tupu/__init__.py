"""tupu (产业图谱): a citywide industry-map knowledge graph.

Subpackages live in the repository's top-level folders and are installed under this root:
``tupu.ontology`` (ontology/), ``tupu.loaders`` (loaders/), ``tupu.graph`` (graph/) and
``tupu.api`` (api/).
"""

__version__ = "0.1.0"
