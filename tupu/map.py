"""The Python entry point: ``m = tupu.open()`` and one method per analysis.

:class:`IndustryMap` is what a notebook or a script holds. Its methods are named as the CLI
commands and return pandas DataFrames whose columns are documented in ``docs/python.md``; every
argument that names an enterprise, park, town, chain, link, university or fund takes its id, its
Chinese full name or its short name (:mod:`tupu.graph.analyses.names`). The weights and
thresholds are those of the settings (``graph/analysis.yaml``, or ``TUPU_ANALYSIS_CONFIG``).

This module sits above every layer (it may import anything); ``import tupu`` stays light because
``tupu.open`` imports it only when called.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from tupu.errors import UsageError
from tupu.messages import msg
from tupu.settings import Settings, get_settings, load_settings

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

    from tupu.graph.analyses.bulletin import Bulletin
    from tupu.graph.analyses.config import AnalysisConfig
    from tupu.graph.analyses.scope import Scope
    from tupu.graph.stores.store import GraphStore


def open_map(store: Literal["memory", "neo4j"] | None = None,
             data_dir: str | Path | None = None, settings: Settings | None = None) -> IndustryMap:
    """The map of the settings' store (``TUPU_STORE``, ``TUPU_DATA_DIR``, ``TUPU_NEO4J_*``), or
    of ``store`` / ``data_dir`` when given. Close it with :meth:`IndustryMap.close` (or use it in a
    ``with`` block); Neo4j connections are released then."""
    from tupu.graph.stores.open import open_store

    if settings is None:
        settings = (load_settings(store=store, data_dir=data_dir)
                    if store is not None or data_dir is not None else get_settings())
    return IndustryMap(open_store(settings), settings)


class IndustryMap:
    """The industry map of one store, with one method per analysis (see the module doc)."""

    def __init__(self, store: GraphStore, settings: Settings | None = None) -> None:
        from tupu.graph.analyses.config import load_analysis_config

        self.store = store
        self.settings = settings or get_settings()
        self.config: AnalysisConfig = load_analysis_config(self.settings.analysis_config)
        self._rdf: Graph | None = None  # to_rdf()'s graph, built once, dropped by load()

    def __repr__(self) -> str:
        return f"<IndustryMap store={self.store.name}>"

    def close(self) -> None:
        """Release the store (Neo4j connections, files)."""
        self.store.close()

    def __enter__(self) -> IndustryMap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- names and lists --------------------------------------------------------------------
    def resolve(self, label: str, text: str) -> str:
        """The id of the ``label`` node (``Enterprise``, ``Park``, ``Town``, ``Chain``,
        ``ChainLink``, ``University``, ``Fund``, ``Project``) that ``text`` names: an id, a
        Chinese full or short name. Raises ``UnknownName`` (with "did you mean") or
        ``AmbiguousName`` (with the matches)."""
        from tupu.graph.analyses.names import resolve

        return resolve(self.store, label, text)

    def notice(self) -> str:
        """The loaded datasets' notice (e.g. that the data is fictional); "" when none."""
        from tupu.graph.analyses.notice import dataset_notice

        return dataset_notice(self.store)

    def stats(self) -> pd.DataFrame:
        """Counts: ``kind`` (node / relationship), ``name`` (label or type), ``count``."""
        rows = [{"kind": "node", "name": k, "count": v}
                for k, v in self.store.count_nodes().items()]
        rows += [{"kind": "relationship", "name": k, "count": v}
                 for k, v in self.store.count_relationships().items()]
        return pd.DataFrame(rows, columns=["kind", "name", "count"])

    def chains(self) -> pd.DataFrame:
        """Every chain: ``chain`` (id), ``name``, ``plan_format``, ``links``."""
        from tupu.graph.analyses.lists import chains

        return chains(self.store)

    def links(self, chain: str | None = None) -> pd.DataFrame:
        """Every chain link (of ``chain``): ``link`` (id), ``name``, ``chain``, ``chain_name``,
        ``stage``, ``stage_zh``, ``position``."""
        from tupu.graph.analyses.lists import links

        return links(self.store, chain)

    def towns(self) -> pd.DataFrame:
        """Every town: ``town`` (id), ``name``, ``kind``, ``parks``, ``local_enterprises``."""
        from tupu.graph.analyses.lists import towns

        return towns(self.store)

    def enterprises(self, local: bool | None = None) -> pd.DataFrame:
        """Every enterprise (``local=True``: those located in the city; ``False``: the outside
        pool): ``id``, ``name``, ``short_name``, ``province``, ``city``, ``annual_revenue``
        (万元), ``employees``, ``listed``, ``unicorn``, ``top30``, ``above_scale``, ``founded``,
        ``reg_status``, ``park``, ``park_name``, ``town``, ``town_name``, ``local``."""
        from tupu.graph.analyses.frames import enterprises, nodes_frame

        df = enterprises(self.store)
        status = nodes_frame(self.store, "Enterprise", ["reg_status"]).set_index("key")
        df.insert(df.columns.get_loc("founded") + 1, "reg_status",
                  df["id"].map(status["reg_status"]))
        names = self._place_names()
        df.insert(df.columns.get_loc("park") + 1, "park_name", df["park"].map(names))
        df.insert(df.columns.get_loc("town") + 1, "town_name", df["town"].map(names))
        if local is not None:
            df = df[df["local"] == local].reset_index(drop=True)
        return df

    def enterprise_links(self, local: bool | None = None) -> pd.DataFrame:
        """Which chain links each enterprise is in (through its sub-sectors; one enterprise may
        be in several): ``enterprise``, ``name``, ``local``, ``link``, ``link_name``, ``chain``,
        ``chain_name``, ``stage``; ``local`` as in :meth:`enterprises`."""
        from tupu.graph.analyses.frames import enterprise_links

        ent = self.enterprises(local)[["id", "name", "local"]].rename(columns={"id": "enterprise"})
        links = self.links()[["link", "name", "chain", "chain_name", "stage"]].rename(
            columns={"name": "link_name"})
        df = enterprise_links(self.store).merge(ent, on="enterprise").merge(links, on="link")
        cols = ["enterprise", "name", "local", "link", "link_name", "chain", "chain_name", "stage"]
        return df[cols].sort_values(["chain", "link", "enterprise"]).reset_index(drop=True)

    # -- the analyses -----------------------------------------------------------------------
    def gaps(self, chain: str | None = None, scope: str | Scope = "city",
             all: bool = False, limit: int | None = None) -> pd.DataFrame:  # noqa: A002
        """Chain links missing or weak locally, ranked by ``priority`` with ``reasons``
        (``all=True``: every link, the panorama). Columns: ``chain``, ``chain_name``, ``link``,
        ``link_name``, ``stage``, ``position``, ``local_enterprises``, ``above_scale``,
        ``revenue``, ``growth``, ``outside_enterprises``, ``lq``, ``status``, ``broken``,
        ``upstream_present``, ``downstream_present`` (and for gaps ``downstream_demand``,
        ``core_domain``, ``plan_format``, ``priority``, ``reasons``). ``scope``: ``city``,
        ``town:浏河镇`` or ``park:<name or id>``."""
        from tupu.graph.analyses.gaps import gaps, panorama
        from tupu.graph.analyses.names import resolve_optional

        where = self._scope(scope)
        chain_id = resolve_optional(self.store, "Chain", chain)
        cfg = self.config.gaps
        df = panorama(self.store, where, chain_id, cfg) if all else gaps(
            self.store, where, chain_id, cfg)
        return df.head(limit) if limit is not None else df

    def candidates(self, link: str, limit: int | None = 20) -> pd.DataFrame:
        """靶向招引: outside enterprises for ``link`` ranked by ``score``, the sum of the term
        columns ``scale``, ``brand``, ``ties``, ``indirect``, ``fit``, ``park``, ``funds``,
        ``universities``; ``explanation`` states every non-zero term with its points;
        ``best_park`` is the park of :meth:`parks` ranked first for the enterprise.
        ``limit=None`` (or 0, as on the CLI): every candidate."""
        from tupu.graph.analyses.candidates import candidates
        from tupu.graph.analyses.names import resolve

        key = resolve(self.store, "ChainLink", link)
        top = limit if limit is not None and limit > 0 else None
        return candidates(self.store, key, top, self.config.candidates, self.config.gaps,
                          self.config.matching)

    def parks(self, enterprise: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """Without an enterprise: every park (``park``, ``name``, ``town``, ``town_name``,
        ``level``, ``floor_area``, ``vacant_area``, ``positioning``, ``positioned_links``,
        ``local_enterprises``). With one: the parks ranked for it (``rank``, ``park``,
        ``park_name``, …, ``score``, ``reasons``)."""
        if enterprise is None:
            from tupu.graph.analyses.lists import parks

            return parks(self.store)
        from tupu.graph.analyses.matching import parks_for
        from tupu.graph.analyses.names import resolve

        key = resolve(self.store, "Enterprise", enterprise)
        df = parks_for(self.store, key, self.config.matching, self.config.candidates)
        return df.head(limit) if limit is not None else df

    def pairs(self, kind: Literal["universities", "funds"] = "universities",
              limit: int | None = 50, which: Literal["new", "existing", "all"] = "new",
              chain: str | None = None, link: str | None = None,
              enterprise: str | None = None, university: str | None = None,
              fund: str | None = None) -> pd.DataFrame:
        """产学研结对 (``universities``) or 融资对接 (``funds``) pairs ranked by ``score``, each
        with ``reasons``. ``which="new"`` (default) gives pairs that do not work together yet,
        ``"existing"`` those that do, ``"all"`` both (``existing`` marks them). Filters: the
        enterprises of a ``chain`` or ``link``, one ``enterprise``, ``university`` or ``fund``
        (ids or names)."""
        from tupu.graph.analyses.matching import fund_pairs, pair_scope, university_pairs
        from tupu.graph.analyses.names import resolve_optional

        st = self.store
        scope = pair_scope(st, resolve_optional(st, "Chain", chain),
                           resolve_optional(st, "ChainLink", link),
                           resolve_optional(st, "Enterprise", enterprise))
        if kind == "universities":
            uni = resolve_optional(st, "University", university)
            return university_pairs(st, self.config.matching, limit, which, scope,
                                    None if uni is None else {uni})
        if kind == "funds":
            fid = resolve_optional(st, "Fund", fund)
            return fund_pairs(st, self.config.matching, limit, which, scope,
                              None if fid is None else {fid})
        raise UsageError(msg("python.unknown_pairs", kind=kind))

    def clusters(self) -> pd.DataFrame:
        """特色产业集群 (community detection): one row per cluster (``cluster``, ``label``,
        ``size``, ``above_scale``, ``revenue``, ``significant``, ``links``, …). The count against
        the plan's 3–5 is in ``df.attrs["summary"]`` (a dict)."""
        from tupu.graph.analyses.clusters import clusters, summary

        df = clusters(self.store, self.config.clusters)
        df.attrs["summary"] = summary(df, self.config.clusters).to_dict()
        return df

    def cluster_members(self) -> pd.DataFrame:
        """The local enterprises of every cluster of :meth:`clusters`: ``cluster``, ``label``,
        ``enterprise``, ``name``, ``town_name``, ``park_name``, ``annual_revenue``."""
        from tupu.graph.analyses.clusters import clusters

        cl = clusters(self.store, self.config.clusters)
        rows = [{"cluster": int(number), "label": label, "enterprise": key}
                for number, label, members in zip(cl["cluster"], cl["label"], cl["members"],
                                                  strict=True)
                for key in str(members).split(";") if key]
        df = pd.DataFrame(rows, columns=["cluster", "label", "enterprise"])
        ent = self.enterprises(local=True)[["id", "name", "town_name", "park_name",
                                            "annual_revenue"]]
        df = df.merge(ent, left_on="enterprise", right_on="id", how="left").drop(columns="id")
        return df.sort_values(["cluster", "enterprise"]).reset_index(drop=True)

    def cluster_graph(self) -> nx.Graph:
        """The weighted, undirected graph of local enterprises that :meth:`clusters` finds its
        communities in (nodes: enterprise ids; edge ``weight`` from supply, cooperation and
        co-location, ``ties``: the supply and cooperation relationships between the two), for
        networkx algorithms such as ``nx.community.modularity``."""
        from tupu.graph.analyses.clusters import cluster_graph

        return cluster_graph(self.store, self.config.clusters)

    def impact(self, enterprise: str) -> pd.DataFrame:
        """What changes in the chains if the local ``enterprise`` leaves: one row per link it is
        in (``link``, ``link_name``, ``local_before``, ``local_after``, ``status_before``,
        ``status_after``, ``broken_after``, ``change``, …). ``df.attrs`` holds ``score``,
        ``explanation``, ``newly_broken`` and ``orphans`` (the enterprises losing their only
        local supplier or customer, a DataFrame)."""
        from tupu.graph.analyses.impact import anchor_impact
        from tupu.graph.analyses.names import resolve

        key = resolve(self.store, "Enterprise", enterprise)
        result = anchor_impact(self.store, key, self.config.impact, self.config.gaps)
        df = result.links.copy()
        df.attrs.update({"enterprise": result.enterprise, "name": result.name,
                         "score": result.score, "terms": dict(result.terms),
                         "explanation": result.explanation,
                         "newly_broken": list(result.newly_broken), "orphans": result.orphans})
        return df

    def anchors(self, top: int | None = 20) -> pd.DataFrame:
        """Local enterprises ranked by what their leaving would break (``score``,
        ``explanation``)."""
        from tupu.graph.analyses.impact import anchors

        return anchors(self.store, top, self.config.impact, self.config.gaps)

    def projects(self, period: str | None = None, off_track: bool = False) -> pd.DataFrame:
        """Key projects (重点项目) with their latest progress up to ``period`` (``yyyyQn``),
        responsible town and off-track (脱幅) flag and ``reason``; ``off_track=True`` keeps only
        the off-track ones."""
        from tupu.graph.analyses import monitoring

        cfg = self.config.monitoring
        if off_track:
            return monitoring.off_track(self.store, period, config=cfg)
        return monitoring.projects(self.store, period, cfg)

    def targets(self, year: int | None = None, period: str | None = None,
                targets: str | None = None) -> pd.DataFrame:
        """The plan's 工作目标: ``target``, ``name``, ``wording``, ``unit``, ``annual`` (the
        target), ``actual`` (to date), ``expected`` (at this point of the year), ``gap``,
        ``status`` (met / on_track / behind / no_data), ``period``, ``note``."""
        from tupu.graph.analyses.monitoring import plan_targets, target_progress

        plan = plan_targets(self.store, targets)
        return target_progress(self.store, plan, year, period, self.config.monitoring,
                               self.config.clusters)

    def bulletin(self, period: str, targets: str | None = None) -> dict[str, pd.DataFrame]:
        """The quarterly bulletin (季度通报) of ``period`` as its sections, keyed by section id
        (``targets``, ``new``, …), each a DataFrame with Chinese headers; the whole
        :class:`Bulletin` (title, summary) is :meth:`bulletin_report`."""
        b = self.bulletin_report(period, targets)
        return {s.key: s.display() for s in b.sections}

    def bulletin_report(self, period: str, targets: str | None = None) -> Bulletin:
        """The bulletin of ``period`` as an object (``title``, ``summary``, ``sections``);
        :meth:`save_bulletin` writes it out."""
        from tupu.graph.analyses.bulletin import build_bulletin
        from tupu.graph.analyses.monitoring import plan_targets, require_data

        require_data(self.store, period)
        return build_bulletin(self.store, period, plan_targets(self.store, targets),
                              self.config.monitoring, self.config.clusters, self.config.gaps,
                              self.config.candidates)

    def save_bulletin(self, period: str, path: str | Path, targets: str | None = None) -> Path:
        """Write the bulletin of ``period`` to ``path``: ``.md`` (Markdown), ``.html`` (one
        printable page with its charts) or ``.xlsx`` (a sheet per section, number formats),
        as ``tupu bulletin PERIOD --out PATH`` does; returns the path."""
        from tupu.graph.exports.bulletin import to_html, to_markdown, to_xlsx

        out = Path(path)
        kind = out.suffix.lower()
        if kind not in (".md", ".html", ".xlsx"):
            raise UsageError(msg("python.bulletin_kind", path=out))
        b = self.bulletin_report(period, targets)
        out.parent.mkdir(parents=True, exist_ok=True)
        if kind == ".xlsx":
            return to_xlsx(b, out)
        out.write_text(to_html(b) if kind == ".html" else to_markdown(b), encoding="utf-8")
        return out

    def save_handbook(self, subject: str, path: str | Path) -> Path:
        """Write the 招商手册 of ``subject`` — a chain or a park (id, Chinese full or short name)
        — to ``path`` (``.html``: one printable zh-CN page, aggregates only), as ``tupu handbook
        SUBJECT --out PATH`` does; returns the path."""
        from tupu.graph.exports.handbook import handbook_of, to_html

        out = Path(path)
        if out.suffix.lower() not in (".html", ".htm"):
            raise UsageError(msg("handbook.out_kind", path=out))
        book = handbook_of(self.store, subject, self.config.gaps)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_html(book), encoding="utf-8")
        return out

    def save_table(self, df: pd.DataFrame, path: str | Path, title: str = "") -> Path:
        """Write ``df`` (any method's result) for people, as ``--save`` does: ``.csv`` in UTF-8
        with a BOM, or ``.xlsx`` with ``title`` and the dataset's notice above a frozen header
        row and number formats; Chinese headers, lists joined with "；", text cells inert.
        Returns the path."""
        from tupu.graph.exports.office import to_people_csv, write_xlsx

        out = Path(path)
        kind = out.suffix.lower()
        if kind not in (".csv", ".xlsx"):
            raise UsageError(msg("python.table_kind", path=out))
        out.parent.mkdir(parents=True, exist_ok=True)
        if kind == ".xlsx":
            return write_xlsx(df, out, title or out.stem, self.notice())
        out.write_text(to_people_csv(df), encoding="utf-8")
        return out

    def provenance(self, label: str, key: str) -> pd.DataFrame:
        """Where a node came from: ``fact``, ``delivery``, ``file``, ``row``, ``loaded_at``, …
        (``key`` may be a name)."""
        from tupu.graph.analyses.provenance import node_origin

        resolved = self.resolve(label, key) if label in _NAMED else key
        origin = node_origin(self.store, label, resolved)
        rows = [origin.as_dict()] if origin is not None else []
        return pd.DataFrame(rows, columns=_ORIGIN_COLUMNS)

    def load(self, *paths: str | Path) -> pd.DataFrame:
        """Validate and load data folders or files (as ``tupu load``) into this map, all or
        nothing; returns the counts written: ``kind`` (node / relationship), ``name``,
        ``count``. Problems raise ``ValidationFailed`` naming file, row and column."""
        from tupu.loaders.pipeline import load

        load([Path(p) for p in paths], self.store)
        self._rdf = None
        return self.stats()

    # -- graph and Cypher -------------------------------------------------------------------
    def to_networkx(self, labels: Iterable[str] | None = None,
                    types: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """The map (only ``labels`` and relationship ``types`` when given) as a networkx
        MultiDiGraph: nodes ``"Label:key"`` with a ``label`` attribute and their properties,
        edges keyed by type."""
        from tupu.graph.stores.projection import project

        return project(self.store, labels, types)

    def cypher(self, query: str, **params: Any) -> pd.DataFrame:
        """Run a read-only Cypher ``query`` with ``$params`` on Neo4j; one column per returned
        name. A query that writes is refused (read transaction); the memory store has no Cypher
        (use :meth:`to_networkx`)."""
        from tupu.graph.stores.neo4j_store import Neo4jStore

        if not isinstance(self.store, Neo4jStore):
            raise UsageError(msg("python.cypher_memory"))
        columns, rows = self.store.read_query(query, params)
        return pd.DataFrame(rows, columns=columns)

    def to_rdf(self) -> Graph:
        """The whole map as an rdflib ``Graph`` with the ontology's URIs (the graph ``tupu export
        ttl`` writes): nodes ``<…/id/Label/key>`` of type ``tupu:Label``, each property
        ``tupu:property``, relationships ``start tupu:TYPE end`` (with their properties on a
        reified ``rdf:Statement``). Built once per map (again after :meth:`load`)."""
        from tupu.graph.exports.rdf import build_graph

        if self._rdf is None:
            self._rdf = build_graph(self.store)
        return self._rdf

    def sparql(self, query: str, **bindings: Any) -> pd.DataFrame:
        """Run a SPARQL ``SELECT`` over :meth:`to_rdf` on any store; one column per selected
        variable, values as Python values (``None`` where unbound). The prefixes ``tupu:``
        (the ontology), ``rdf:``, ``rdfs:`` and ``xsd:`` are predefined; ``bindings`` fix
        variables to values (``link="film-shooting"`` binds ``?link``), never spliced into the
        text. The query reads this map only: ``SERVICE``, ``FROM`` and ``FROM NAMED`` are
        refused."""
        from pyparsing import ParseException
        from rdflib import RDF, RDFS, XSD, Literal, Namespace
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.query import ResultRow
        from rdflib.term import IdentifiedNode, Identifier

        namespaces = {"tupu": Namespace(self.store.schema.namespace), "rdf": RDF,
                      "rdfs": RDFS, "xsd": XSD}
        try:
            prepared = prepareQuery(query, initNs=namespaces)
        except ParseException as e:
            raise UsageError(msg("python.sparql_bad", detail=str(e))) from e
        if prepared.algebra.name != "SelectQuery":
            raise UsageError(msg("python.sparql_not_select", kind=prepared.algebra.name))
        remote = _remote_parts(prepared.algebra)
        if remote:
            raise UsageError(msg("python.sparql_remote", detail="、".join(sorted(remote))))
        init: dict[str, Identifier] = {
            k: v if isinstance(v, Identifier) else Literal(v) for k, v in bindings.items()}
        result = self.to_rdf().query(prepared, initBindings=init)
        columns = [str(v) for v in result.vars or []]

        def python(term: object) -> object:
            if isinstance(term, (Literal, IdentifiedNode)):
                return term.toPython()
            return None if term is None else str(term)

        rows = [[python(t) for t in row] for row in result if isinstance(row, ResultRow)]
        return pd.DataFrame(rows, columns=columns)

    # -- helpers -----------------------------------------------------------------------------
    def _place_names(self) -> dict[str, str]:
        """Town and park ids to their names."""
        from tupu.graph.analyses.frames import nodes_frame

        out: dict[str, str] = {}
        for label in ("Town", "Park"):
            df = nodes_frame(self.store, label, ["name"])
            out.update(zip(df["key"], df["name"], strict=True))
        return out

    def _scope(self, scope: str | Scope) -> Scope:
        from tupu.graph.analyses.scope import Scope, parse_scope

        return scope if isinstance(scope, Scope) else parse_scope(scope, self.store)


def _remote_parts(algebra: object) -> set[str]:
    """The parts of a SPARQL algebra that would read outside the map (SERVICE, FROM)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()
    stack = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.add("SERVICE")
            elif node.name == "DatasetClause":
                found.add("FROM NAMED" if "named" in node else "FROM")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return found


_NAMED = ("Enterprise", "Park", "Town", "Chain", "ChainLink", "University", "Fund", "Project")
_ORIGIN_COLUMNS = ["fact", "delivery", "file", "row", "loaded_at", "delivery_status",
                   "delivery_sources", "asked_as", "aliases"]
