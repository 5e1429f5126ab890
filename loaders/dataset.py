"""A data folder's ``dataset.yaml``: its name, notice, and the built-in sources it includes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tupu.errors import InputError
from tupu.messages import msg
from tupu.loaders.yamlfile import read_yaml

INCLUDE_KINDS = ("taxonomy", "chains")


@dataclass(frozen=True)
class DatasetInfo:
    """What ``dataset.yaml`` says about a data folder."""

    id: str
    name: str
    city: str | None
    fictional: bool
    notice: str | None
    includes: tuple[tuple[str, str], ...]  # (kind, name)
    targets: str | None

    def node_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"id": self.id, "name": self.name, "fictional": self.fictional}
        for k, v in (("city", self.city), ("notice", self.notice), ("targets", self.targets)):
            if v:
                props[k] = v
        return props


def parse_dataset(raw: Mapping[str, Any], default_id: str, source: str) -> DatasetInfo:
    """Check and read the parsed YAML of a ``dataset.yaml``."""
    if not isinstance(raw, Mapping) or not raw.get("name"):
        raise InputError(msg("load.dataset_name", where=source))
    includes: list[tuple[str, str]] = []
    for i, item in enumerate(raw.get("include") or [], start=1):
        if not isinstance(item, Mapping) or len(item) != 1:
            raise InputError(msg("load.dataset_include", where=source, i=i))
        ((kind, name),) = item.items()
        if kind not in INCLUDE_KINDS:
            raise InputError(msg("load.dataset_include_kind", where=source, i=i, kind=kind,
                                 kinds="、".join(INCLUDE_KINDS)))
        includes.append((str(kind), str(name)))
    return DatasetInfo(
        id=str(raw.get("id") or default_id),
        name=str(raw["name"]),
        city=raw.get("city"),
        fictional=bool(raw.get("fictional", False)),
        notice=raw.get("notice"),
        includes=tuple(includes),
        targets=raw.get("targets"),
    )


def read_dataset(folder: Path) -> DatasetInfo | None:
    """The folder's ``dataset.yaml``, or None when it has none."""
    path = folder / "dataset.yaml"
    if not path.exists():
        return None
    raw = read_yaml(path, f"{folder.name}/dataset.yaml")  # hostile until read (yamlfile.py)
    return parse_dataset(raw or {}, folder.name, str(path))


def builtin_chains_folder(name: str) -> Path:
    """The folder of the built-in chain templates ``name`` (``ontology/chains/<name>/``)."""
    folder = Path(str(resources.files("tupu.ontology").joinpath("chains", name)))
    if not folder.is_dir():
        raise InputError(msg("load.dataset_chains", name=name, folder=folder))
    return folder
