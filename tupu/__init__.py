"""tupu (产业图谱): a citywide industry-map knowledge graph.

Subpackages live in the repository's top-level folders and are installed under this root:
``tupu.ontology`` (ontology/), ``tupu.loaders`` (loaders/), ``tupu.graph`` (graph/) and
``tupu.api`` (api/).

For analysts::

    import tupu
    m = tupu.open()            # the store of the settings; or tupu.open(store="neo4j")
    m.gaps()                   # one method per analysis, each a pandas DataFrame

``import tupu`` stays light: the map and its analyses are imported when :func:`open` is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tupu.map import IndustryMap

__version__ = "0.1.0"
__all__ = ["__version__", "configured_store", "open", "sample_data"]


def sample_data() -> Path:
    """The folder of the fictional sample city shipped with tupu (``m.load(tupu.sample_data())``)."""
    from importlib import resources

    return Path(str(resources.files("tupu.data").joinpath("sample")))


def configured_store() -> Literal["memory", "neo4j"]:
    """The store the settings name (``TUPU_STORE``): what :func:`open` opens without arguments.
    Lets a notebook decide whether to run its Neo4j part before connecting."""
    from tupu.settings import get_settings

    return get_settings().store


def open(store: Literal["memory", "neo4j"] | None = None,  # noqa: A001 - tupu.open() is the API
         data_dir: str | Path | None = None) -> IndustryMap:
    """The industry map of the settings' store, or of ``store`` and ``data_dir`` when given
    (see :class:`tupu.map.IndustryMap` and docs/python.md)."""
    from tupu.map import open_map

    return open_map(store=store, data_dir=data_dir)
