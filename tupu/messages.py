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

    # -- security and failures (limits, corrupted files, disclosure control) ----------------------
    # the memory store's snapshot (graph/stores/snapshot.py)
    "store.snapshot_unreadable": "无法读取图谱快照文件 {path}：{reason}。请检查文件权限与磁盘。",
    "store.snapshot_not_ours": (
        "{path} 不是 tupu 图谱快照文件（可能是旧版 pickle 快照或其他文件）；"
        "请将其移走，或用 TUPU_DATA_DIR 指定其他数据目录后重新导入数据（tupu load）。"
    ),
    "store.snapshot_version": (
        "图谱快照 {path} 的格式版本为 {version}，本版 tupu 只能读取版本 {supported}；"
        "请用写入它的 tupu 版本导出，再重新导入。"
    ),
    "store.snapshot_corrupt": (
        "图谱快照 {path} 已损坏（校验和不符或文件被截断），未读取任何数据；"
        "请从备份恢复该文件，或将其移走后重新导入数据（tupu load）。"
    ),

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
