"""A delivery of several export files, described by a small ``manifest.yaml``.

::

    # manifest.yaml — paths are relative to this file
    name: 太仓市文化产业图谱 2025年二季度报送     # optional: with a name, a Dataset node is written,
    city: 太仓市                                 #   with the keys of dataset.yaml (id, city,
    fictional: false                             #   fictional, notice, targets)
    include:                                     # built-in sources, as in dataset.yaml
      - taxonomy: culture-2018
    canonical:                                   # canonical CSV files or folders loaded as well
      - ../base/nodes/Town.csv
    files:
      - path: 企业名录.xlsx
        kind: enterprises                        # or 企业名录; enterprises, observations, tenants,
        sheet: 名录                              #   projects, project_progress (Chinese names too)
      - path: 规上企业季报.csv
        kind: observations
        encoding: gbk                            # optional: checked against the bytes
        period: 2025Q2                           # observations / project_progress
        columns:                                 # optional column map, or a path to a YAML file
          营收: revenue                          #   holding the same mapping
          营业收入（本季）: {field: revenue, unit: 千元}
          填报人: ignore
      - path: 天镜湖入驻企业.xlsx
        kind: tenants
        park: 天镜湖文化科技产业园                # when the file has no 园区名称 column

A column map maps a header, as written (or without its unit), to a field of the file's kind —
:func:`tupu.loaders.headers.kind_fields` lists them — or to ``ignore``. A ``unit`` in the map is
the unit the data are in; a header that states another unit is a problem, not a guess.
``kind`` may be left out when the headers make it plain, except for a file with a column map.

Structural mistakes in the manifest raise :class:`~tupu.errors.InputError`; a file it lists that
is missing is a problem of the delivery.

A manifest comes from a data supplier and is read as hostile (:mod:`tupu.loaders.yamlfile`: at
most 1 MiB, no anchors or aliases, no tags, bounded nesting). Its paths are relative: an absolute
path is refused, and so is a path (or a symbolic link) that leads out of the reach of the
delivery. On the command line that reach is the manifest's folder and its sibling folders
(``../base/nodes/Town.csv``: a delivery beside the base data it completes); a caller loading an
uploaded delivery passes ``confine=True`` and the reach is the manifest's folder alone.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tupu.errors import InputError
from tupu.messages import msg
from tupu.loaders.canonical import read_canonical_file, read_canonical_folder
from tupu.loaders.dataset import DatasetInfo, builtin_chains_folder, parse_dataset
from tupu.loaders.delivery import Delivery
from tupu.loaders.headers import KINDS, Kind, MapEntry, kind_fields, kind_of_word, map_unit
from tupu.loaders.ingest import ExportFile, read_export
from tupu.loaders.ingest_session import IngestSession
from tupu.loaders.ingest_table import FileOptions
from tupu.loaders.taxonomy_source import read_taxonomy_source
from tupu.loaders.yamlfile import read_yaml
from tupu.ontology.schema import Schema

__all__ = [
    "MANIFEST_NAMES",
    "Manifest",
    "find_manifest",
    "manifest_steps",
    "parse_column_map",
    "parse_manifest",
    "read_manifest",
]

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")
_FILE_KEYS = frozenset({"path", "kind", "sheet", "encoding", "period", "park", "columns"})
_TOP_KEYS = frozenset({"id", "name", "city", "fictional", "notice", "include", "targets",
                       "canonical", "files"})

Reader = Callable[[Delivery], None]


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: the dataset it describes, its built-in, canonical and export sources."""

    folder: Path
    source: str
    dataset: DatasetInfo | None
    includes: tuple[tuple[str, str], ...]
    canonical: tuple[tuple[Path, str], ...]
    files: tuple[ExportFile, ...]


def find_manifest(folder: Path) -> Path | None:
    """The manifest of a delivery folder, or None when it has none."""
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _is_absolute(relative: str) -> bool:
    text = relative.replace("\\", "/")
    return text.startswith("/") or (len(text) > 1 and text[1] == ":") or Path(relative).is_absolute()


def _inside(folder: Path, relative: str, where: str, confine: bool) -> Path:
    """``folder / relative``, or an InputError when the path is absolute or leads (as written, or
    through a symbolic link) out of the manifest's reach: ``folder`` with ``confine``, otherwise
    ``folder`` and its sibling folders."""
    if not relative.strip():
        raise InputError(msg("load.manifest_path", where=where))
    if _is_absolute(relative) or "\0" in relative:
        raise InputError(msg("load.manifest_absolute", where=where, path=relative))
    path = folder / relative.replace("\\", "/")
    home = folder.resolve()
    reach = home if confine else home.parent
    written = Path(os.path.normpath(home / relative.replace("\\", "/")))
    too_far = "load.manifest_escapes" if confine else "load.manifest_too_far"
    if not written.is_relative_to(reach):
        raise InputError(msg(too_far, where=where, path=relative))
    if not path.resolve().is_relative_to(reach):
        raise InputError(msg("load.manifest_link", where=where, path=relative))
    return path


def _source(folder: Path, relative: str) -> str:
    """The name a file of the delivery goes by: ``<folder name>/<path>``, normalised."""
    return posixpath.normpath(posixpath.join(folder.name, relative.replace("\\", "/")))


def parse_column_map(raw: Any, kind: Kind, schema: Schema, where: str) -> dict[str, MapEntry]:
    """Check and read a column map (parsed YAML) for a file of ``kind``."""
    if not isinstance(raw, Mapping):
        raise InputError(msg("load.manifest_columns", where=where))
    fields = kind_fields(kind, schema)
    known = ", ".join(fields)
    out: dict[str, MapEntry] = {}
    for header, target in raw.items():
        unit_word: str | None = None
        if isinstance(target, Mapping):
            unit_word = None if target.get("unit") is None else str(target["unit"])
            target = target.get("field", target.get("property"))
        name = None if target is None else str(target).strip()
        if name in (None, "ignore", "忽略"):
            out[str(header)] = MapEntry(None)
            continue
        if name not in fields:
            raise InputError(msg("load.manifest_field", where=where, header=header, name=name,
                                 kind=kind, known=known))
        unit = None
        if unit_word is not None:
            unit = map_unit(unit_word)
            if unit is None:
                raise InputError(msg("load.manifest_unit", where=where, header=header,
                                     unit=unit_word))
        out[str(header)] = MapEntry(name, unit)
    return out


def _load_yaml(path: Path, folder: Path) -> Any:
    """A YAML file of the delivery in ``folder``, read as hostile (named by its delivery name)."""
    return read_yaml(path, _source(folder, os.path.relpath(path, folder)))


def _file_entry(
    item: Any, i: int, folder: Path, source: str, schema: Schema, confine: bool
) -> ExportFile:
    where = msg("load.manifest_item", source=source, i=i)
    if isinstance(item, str):
        item = {"path": item}
    if not isinstance(item, Mapping) or not item.get("path"):
        raise InputError(msg("load.manifest_path", where=where))
    unknown = sorted(set(map(str, item)) - _FILE_KEYS)
    if unknown:
        raise InputError(msg("load.manifest_keys", where=where, keys="、".join(unknown),
                             known="、".join(sorted(_FILE_KEYS))))
    kind: Kind | None = None
    if item.get("kind") is not None:
        kind = kind_of_word(str(item["kind"]))
        if kind is None:
            raise InputError(msg("load.manifest_kind", where=where, kind=item["kind"],
                                 kinds="、".join(KINDS)))
    column_map = None
    if item.get("columns") is not None:
        if kind is None:
            raise InputError(msg("load.manifest_columns_kind", where=where))
        raw_map = item["columns"]
        if isinstance(raw_map, str):
            raw_map = _load_yaml(_inside(folder, raw_map, where, confine), folder)
        column_map = parse_column_map(raw_map, kind, schema, where)
    relative = str(item["path"])
    text = {k: None if item.get(k) is None else str(item[k])
            for k in ("sheet", "encoding", "period", "park")}
    return ExportFile(
        path=_inside(folder, relative, where, confine),
        source=_source(folder, relative),
        options=FileOptions(kind, text["period"], text["park"], column_map),
        sheet=text["sheet"],
        encoding=text["encoding"],
    )


def parse_manifest(
    raw: Any, folder: Path, source: str, schema: Schema, confine: bool = False
) -> Manifest:
    """Check and read a parsed manifest whose files are relative to ``folder``; ``confine``
    refuses paths outside ``folder``."""
    if not isinstance(raw, Mapping):
        raise InputError(msg("load.manifest_mapping", where=source))
    unknown = sorted(set(map(str, raw)) - _TOP_KEYS)
    if unknown:
        raise InputError(msg("load.manifest_keys", where=source, keys="、".join(unknown),
                             known="、".join(sorted(_TOP_KEYS))))
    dataset = None
    if raw.get("name"):
        dataset = parse_dataset(raw, folder.name, source)
        includes = dataset.includes
    else:
        includes = parse_dataset({**raw, "name": "-"}, folder.name, source).includes
    canonical: list[tuple[Path, str]] = []
    for i, entry in enumerate(raw.get("canonical") or [], start=1):
        if not isinstance(entry, str):
            raise InputError(msg("load.manifest_canonical", source=source, i=i))
        where = msg("load.manifest_canonical_item", source=source, i=i)
        canonical.append((_inside(folder, entry, where, confine), _source(folder, entry)))
    files = raw.get("files") or []
    if not isinstance(files, list):
        raise InputError(msg("load.manifest_files_list", where=source))
    entries = tuple(_file_entry(item, i, folder, source, schema, confine)
                    for i, item in enumerate(files, start=1))
    if not entries and not canonical and not includes:
        raise InputError(msg("load.manifest_no_files", where=source))
    return Manifest(folder, source, dataset, includes, tuple(canonical), entries)


def read_manifest(path: Path, schema: Schema, confine: bool = False) -> Manifest:
    """Read and check the manifest at ``path`` (``confine``: see :func:`parse_manifest`)."""
    return parse_manifest(_load_yaml(path, path.parent) or {}, path.parent,
                          _source(path.parent, path.name), schema, confine)


def _add_dataset(d: Delivery, info: DatasetInfo, source: str) -> None:
    d.node_origin[("Dataset", info.id)] = (source, 1)
    d.changes.add_node("Dataset", {**info.node_props(), **d.provenance(source, 1)})
    d.targets = info.targets
    d.sources.append(source)


def _canonical_reader(path: Path, source: str, schema: Schema) -> Reader:
    if path.is_dir():
        return partial(read_canonical_folder, folder=path, prefix=f"{source}/", schema=schema)
    if path.is_file():
        return partial(read_canonical_file, path=path, source=source, schema=schema)

    def missing(d: Delivery) -> None:
        d.problem(source, None, None, None, msg("load.manifest_canonical_missing"))

    return missing


def manifest_steps(
    manifest: Manifest, schema: Schema, session: IngestSession
) -> list[tuple[str, Reader]]:
    """The (name, reader) steps of a manifest's delivery, in order: built-in includes, canonical
    sources, export files, then the Dataset node."""
    steps: list[tuple[str, Reader]] = []
    for kind, name in manifest.includes:
        if kind == "taxonomy":
            steps.append((f"taxonomy:{name}", partial(read_taxonomy_source, name=name)))
        else:
            steps.append((f"chains:{name}", partial(
                read_canonical_folder, folder=builtin_chains_folder(name),
                prefix=f"chains:{name}/", schema=schema)))
    for path, source in manifest.canonical:
        steps.append((source, _canonical_reader(path, source, schema)))
    for spec in manifest.files:
        steps.append((spec.source, partial(read_export, session=session, spec=spec,
                                           schema=schema)))
    if manifest.dataset is not None:
        steps.append((manifest.source, partial(_add_dataset, info=manifest.dataset,
                                               source=manifest.source)))
    return steps
