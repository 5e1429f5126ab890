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

    # -- analyses, targets and outputs for the office ---------------------------------------------
    "names.unknown": "没有找到{what}「{text}」。",
    "names.did_you_mean": "您是否要找：{names}？",
    "names.valid": "可选的{what}：{names}。",
    "names.ambiguous": "「{text}」对应{count}个{what}，请写全称或标识：{names}。",
    "names.label.Enterprise": "企业",
    "names.label.Park": "园区",
    "names.label.Town": "区镇",
    "names.label.Chain": "产业链",
    "names.label.ChainLink": "产业链环节",
    "names.label.University": "高校",
    "names.label.Fund": "基金",
    "names.label.Project": "重点项目",
    "cli.option_after_command": "{option} 是全局选项，请写在命令名之前：tupu {option} … {command} …",
    "period.no_data": "{period}没有监测数据。有数据的季度：{periods}。",
    "period.no_data_at_all": "{period}没有监测数据：图谱中还没有任何季度监测数据，请先载入季报。",
    "scope.bad": "范围「{text}」：请写 city、town:<区镇名称或标识> 或 park:<园区名称或标识>。",
    "python.cypher_memory": "cypher() 需要 Neo4j 存储；当前为内存存储（memory）。"
                            "请用 tupu.open(store=\"neo4j\")，或改用 to_networkx() 与各分析方法。",
    "python.cypher_write": "cypher() 只读：该查询试图写入图谱（{detail}）。写入请用 tupu load。",
    "pairs.existing_apart": "以上为尚未合作的新结对；已有合作的结对另列：tupu pairs {kind} --existing。",
    "python.unknown_pairs": "pairs() 的种类为 universities（产学研）或 funds（融资），不是「{kind}」。",

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
