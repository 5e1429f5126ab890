"""The one catalogue of what tupu says to people, in Chinese (zh-CN).

Every message a user reads — CLI output and errors, load problems, page and API problem texts,
workbook headers — is a key here, looked up with :func:`msg`. Code and logs for developers stay in
English. A key is ``area.what`` (``load.unknown_column``); its text is a :meth:`str.format`
template whose fields the caller passes by name::

    msg("load.unknown_column", column="电话")

The catalogue is a plain dict so that a test can check every key used in the code exists and every
template's fields are given. Sections follow the areas of the product; keep each key in its own
area's section.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # -- general --------------------------------------------------------------------------------
    "general.fictional_notice": "本数据集为虚构示例数据。",

    # -- loading data (loaders, tupu load, --report) ----------------------------------------------

    # -- the CLI (tupu …) --------------------------------------------------------------------------

    # -- the web UI and HTTP API ------------------------------------------------------------------
    # graph views (chain map, explorer: api/queries/graphs.py)
    "web.graph.bad_node": "不是图谱中的节点：{text}（应写作“标签:键”，例如 Enterprise:统一社会信用代码）",
    "web.graph.bad_types": "不是可展开的关系类型：{types}",
    "web.graph.no_node": "图谱中没有该节点：{label} {key}",

    # -- security and failures (limits, corrupted files, disclosure control) ----------------------

    # -- analyses, targets and outputs for the office ---------------------------------------------

}


class MissingMessage(KeyError):
    """A message key that the catalogue lacks (a bug in tupu, not in the user's input)."""


def msg(key: str, /, **fields: Any) -> str:
    """The Chinese text of ``key`` with ``fields`` filled in."""
    try:
        template = MESSAGES[key]
    except KeyError as e:
        raise MissingMessage(key) from e
    return template.format(**fields) if fields else template
