"""Load sources into a store: read everything, validate everything, then write all or nothing."""

from __future__ import annotations

import time
from functools import partial
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tupu.errors import InputError, ValidationFailed
from tupu.graph.stores.store import GraphStore
from tupu.loaders.canonical import read_canonical_file, read_canonical_folder
from tupu.loaders.dataset import DatasetInfo, builtin_chains_folder, read_dataset
from tupu.loaders.delivery import Delivery
from tupu.loaders.ingest import EXPORT_SUFFIXES, ExportFile, read_export
from tupu.loaders.ingest_session import IngestSession
from tupu.loaders.manifest import find_manifest, manifest_steps, read_manifest
from tupu.loaders.rdf_source import PARSER_FORMATS, read_rdf_file
from tupu.loaders.periods import count_replaced, merge_periods
from tupu.loaders.references import check_references
from tupu.loaders.resolve import ReviewItem, resolve_delivery
from tupu.loaders.spool import Spool
from tupu.loaders.stamp import begin_delivery
from tupu.loaders.summary import KindSummary, summarise
from tupu.loaders.taxonomy_source import read_taxonomy_source
from tupu.messages import msg
from tupu.ontology.schema import Schema
from tupu.settings import get_settings

Progress = Callable[[str, int, int], None]
"""Told (what is being done, steps done, steps in all)."""


@dataclass(frozen=True)
class LoadReport:
    """What a load read and wrote."""

    sources: tuple[str, ...]
    nodes: dict[str, int]
    relationships: dict[str, int]
    written: bool
    seconds: float
    review: tuple[ReviewItem, ...] = ()  # entity-resolution matches left to a person
    delivery: str = ""  # the load's id (prov_delivery of what it wrote)
    summary: tuple[KindSummary, ...] = ()  # new / updated / merged / unchanged / refused per kind


@dataclass(frozen=True)
class Step:
    """One source to read into a delivery."""

    name: str
    read: Callable[[Delivery], None]


def _folder_steps(folder: Path, schema: Schema) -> list[Step]:
    steps: list[Step] = []
    info = read_dataset(folder)
    if info is not None:
        for kind, name in info.includes:
            if kind == "taxonomy":
                steps.append(Step(f"taxonomy:{name}", partial(read_taxonomy_source, name=name)))
            else:
                steps.append(
                    Step(
                        f"chains:{name}",
                        partial(
                            read_canonical_folder,
                            folder=builtin_chains_folder(name),
                            prefix=f"chains:{name}/",
                            schema=schema,
                        ),
                    )
                )
    files = [p for sub in ("nodes", "relationships") for p in sorted((folder / sub).glob("*.csv"))]
    if not files:
        raise InputError(msg("load.folder_empty", folder=folder))
    for path in files:
        source = f"{folder.name}/{path.parent.name}/{path.name}"
        steps.append(Step(source, partial(read_canonical_file, path=path, source=source, schema=schema)))
    if info is not None:
        steps.append(Step(f"{folder.name}/dataset.yaml", partial(_add_dataset, info=info, folder=folder)))
    return steps


def _add_dataset(d: Delivery, info: DatasetInfo, folder: Path) -> None:
    source = f"{folder.name}/dataset.yaml"
    d.node_origin[("Dataset", info.id)] = (source, 1)
    d.changes.add_node("Dataset", {**info.node_props(), **d.provenance(source, 1)})
    d.targets = info.targets
    d.sources.append(source)


def _is_canonical_csv(path: Path, schema: Schema) -> bool:
    return path.stem in schema.map_labels or path.stem in schema.relationships


def plan_sources(
    paths: Sequence[Path], schema: Schema, store: GraphStore | None = None, strict: bool = False,
    confine: bool = False, spool: Spool | None = None,
) -> list[Step]:
    """The steps that read ``paths``: a data folder, a canonical ``<Label>.csv``/``<TYPE>.csv``, a
    Turtle/JSON-LD file (``.ttl``, ``.jsonld``, ``.json``) as ``tupu export ttl|jsonld`` writes,
    an export file with Chinese headers (``.xlsx``, or a ``.csv`` not named after a label or
    type), or a delivery ``manifest.yaml`` (or a folder holding one).

    Export files point at nodes by key or by name; a last step resolves those references against
    the delivery and ``store`` (see :mod:`tupu.loaders.ingest_session`).

    ``confine``: a manifest may name files in its own folder only (an upload); otherwise also in
    its sibling folders (:func:`tupu.loaders.manifest.parse_manifest`).
    """
    steps: list[Step] = []
    session = IngestSession(schema, store, strict=strict, spool=spool)
    exports = False
    for path in paths:
        suffix = path.suffix.lower()
        manifest = find_manifest(path) if path.is_dir() else (
            path if path.is_file() and suffix in (".yaml", ".yml") else None)
        if manifest is not None:
            steps += [Step(name, read) for name, read in
                      manifest_steps(read_manifest(manifest, schema, confine), schema, session)]
            exports = True
        elif path.is_dir():
            steps += _folder_steps(path, schema)
        elif path.is_file() and suffix == ".csv" and _is_canonical_csv(path, schema):
            steps.append(
                Step(path.name, partial(read_canonical_file, path=path, source=path.name, schema=schema))
            )
        elif path.is_file() and suffix in PARSER_FORMATS:
            steps.append(
                Step(path.name, partial(read_rdf_file, path=path, source=path.name, schema=schema))
            )
        elif path.is_file() and suffix in EXPORT_SUFFIXES:
            spec = ExportFile(path, path.name)
            steps.append(Step(path.name, partial(read_export, session=session, spec=spec, schema=schema)))
            exports = True
        elif not path.exists():
            raise InputError(msg("load.no_such_path", path=path))
        else:
            raise InputError(msg("load.unsupported_path", path=path))
    if exports:
        steps.append(Step("references", session.resolve))
    return steps


def read_sources(
    paths: Sequence[Path],
    schema: Schema,
    progress: Progress | None = None,
    store: GraphStore | None = None,
    strict: bool = False,
    confine: bool = False,
    spool: Spool | None = None,
) -> Delivery:
    """Read and validate every source into one delivery (nothing is written); ``store`` is
    where references by name of export files are also looked up; ``strict`` refuses unknown
    columns of export files instead of ignoring them; ``confine``: see :func:`plan_sources`;
    ``spool``: keep the delivery's rows and origins there instead of in memory."""
    steps = plan_sources(paths, schema, store, strict, confine, spool)
    d = Delivery() if spool is None else Delivery.spooled(spool)
    for i, step in enumerate(steps):
        if progress:
            progress(step.name, i, len(steps))
        step.read(d)
    return d


def load(
    paths: Sequence[Path],
    store: GraphStore,
    dry_run: bool = False,
    progress: Progress | None = None,
    strict: bool = False,
    replace_period: bool = False,
    confine: bool = False,
) -> LoadReport:
    """Validate ``paths`` completely, then write them to ``store`` in one all-or-nothing step.

    ``strict``: an unknown column of an export file is a problem (otherwise a note).
    ``replace_period``: an observation of a period already in the map replaces it whole (otherwise
    the figures it brings update the stored ones and the others stay).
    ``confine``: a manifest may name files in its own folder only (uploads).
    Raises :class:`ValidationFailed` (nothing written, its ``summary`` says what the rows were)
    when any row has a problem.

    A delivery of more than ``TUPU_LOAD_SPOOL_MB`` of input keeps its validated rows in a spool
    file (``loaders/spool.py``) until they are written; the file is deleted when the load ends.
    """
    settings = get_settings()
    limit = settings.load_spool_mb * 1_000_000
    if limit and input_bytes(paths, limit) <= limit:
        return _load(paths, store, dry_run, progress, strict, replace_period, confine, None)
    with Spool(settings.data_dir) as spool:
        return _load(paths, store, dry_run, progress, strict, replace_period, confine, spool)


def input_bytes(paths: Sequence[Path], enough: float) -> int:
    """The size of the files ``paths`` name (a folder: the files in it and below; a manifest:
    also the files of its folder), counted until it passes ``enough``."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
            if path.suffix.lower() in (".yaml", ".yml"):
                path = path.parent
        if path.is_dir():
            for f in path.rglob("*"):
                if total > enough:
                    return total
                if f.is_file():
                    total += f.stat().st_size
        if total > enough:
            break
    return total


def _load(
    paths: Sequence[Path],
    store: GraphStore,
    dry_run: bool,
    progress: Progress | None,
    strict: bool,
    replace_period: bool,
    confine: bool,
    spool: Spool | None,
) -> LoadReport:
    started = time.perf_counter()
    d = read_sources(paths, store.schema, progress, store, strict, confine, spool)
    resolved = resolve_delivery(d, store)  # one node per enterprise (loaders/resolve.py)
    check_references(d, store)
    if not replace_period:
        merge_periods(d, store)
    else:
        count_replaced(d, store)
    summary = summarise(d, store.schema, store, len(resolved.renamed))
    if d.problems:
        raise ValidationFailed(d.problems, [row.as_dict() for row in summary])
    record = begin_delivery(d, paths, store)  # the load's id on every row (loaders/stamp.py)
    if not dry_run:
        if progress:
            progress("writing", 1, 1)
        store.apply(d.changes, resolved.merges, record)
    return LoadReport(
        sources=tuple(d.sources),
        nodes={k: len(v) for k, v in sorted(d.changes.nodes.items())},
        relationships=_rel_counts(d),
        written=not dry_run,
        seconds=time.perf_counter() - started,
        review=resolved.review,
        delivery=record.id,
        summary=tuple(summary),
    )


def _rel_counts(d: Delivery) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (rtype, _, _), rows in d.changes.rels.items():
        counts[rtype] = counts.get(rtype, 0) + len(rows)
    return dict(sorted(counts.items()))
