"""Small YAML files from outside (``manifest.yaml``, ``dataset.yaml``, column maps), read safely.

A delivery's YAML is written by a data supplier, so it is hostile until read: the reader

- reads at most :data:`MAX_YAML_BYTES` bytes (a manifest is a few kilobytes);
- refuses anchors and aliases (``&a`` / ``*a``): no "billion laughs", no shared sub-trees;
- refuses explicit tags (``!!python/object``, ``!!binary``, ``!custom`` …): a manifest is plain
  mappings, lists and scalars;
- refuses nesting deeper than :data:`MAX_YAML_DEPTH` levels;
- builds only plain Python values (PyYAML's safe constructor).

Every refusal is an :class:`~tupu.errors.InputError` with one Chinese line naming the file and
what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tupu.errors import InputError
from tupu.messages import msg

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "parse_yaml", "read_yaml"]

MAX_YAML_BYTES = 1 << 20
"""The largest YAML file read (1 MiB)."""
MAX_YAML_DEPTH = 20
"""The deepest nesting of mappings and lists accepted."""


class _Refused(yaml.YAMLError):
    """A construct the reader refuses; ``key`` names its message."""

    def __init__(self, key: str, line: int, **fields: Any) -> None:
        super().__init__(key)
        self.key = key
        self.line = line
        self.fields = fields


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, anchors or explicit tags, and with a depth limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("load.yaml_alias", line)
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            raise _Refused("load.yaml_tag", line, tag=tag)
        nested = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        if nested:
            self._depth += 1
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused("load.yaml_deep", line, limit=MAX_YAML_DEPTH)
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1


def parse_yaml(text: str, name: str) -> Any:
    """The plain value of YAML ``text`` (``name`` is how messages call the file)."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except _Refused as e:
        raise InputError(msg(e.key, file=name, line=e.line, **e.fields)) from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise InputError(msg("load.yaml_syntax", file=name, line=line, column=column)) from e
    except (yaml.YAMLError, RecursionError) as e:
        raise InputError(msg("load.yaml_syntax", file=name, line=0, column=0)) from e
    finally:
        loader.dispose()


def read_yaml(path: Path, name: str) -> Any:
    """The plain value of the YAML file ``path`` (UTF-8, a BOM allowed), at most
    :data:`MAX_YAML_BYTES` bytes; ``name`` is how messages call the file (not a server path)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_YAML_BYTES + 1)
    except OSError as e:
        raise InputError(msg("load.yaml_unreadable", file=name, reason=e.strerror or e)) from e
    if len(data) > MAX_YAML_BYTES:
        raise InputError(msg("load.yaml_too_big", file=name, limit=MAX_YAML_BYTES // 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(msg("load.yaml_not_utf8", file=name, byte=e.start)) from e
    if "\0" in text:
        raise InputError(msg("load.yaml_not_utf8", file=name, byte=text.index("\0")))
    return parse_yaml(text, name)
