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
    # files from outside (loaders' readers; docs/security-files.md)
    "file.too_big": "文件有 {size} MB，超过 {limit} MB 的上限（{setting}）；请拆分后分批提交",
    "file.too_many_rows": "第{row}行：文件超过 {limit} 行的上限（TUPU_LOAD_MAX_ROWS）；请拆分为几个文件分批提交",
    "file.too_many_columns": "第{row}行有 {count} 列，超过 {limit} 列的上限（TUPU_LOAD_MAX_COLUMNS）；请删去多余的列",
    "file.too_many_cells": "第{row}行：文件的非空单元格超过 {limit} 个的上限（TUPU_LOAD_MAX_CELLS）；请拆分为几个文件分批提交",
    "file.field_too_long": "第{row}行{column}的单元格超过 {limit} 个字符的上限（TUPU_LOAD_MAX_FIELD_CHARS）；常见原因是引号不配对或文件已损坏，请检查该行",
    "file.line_too_long": "第{row}行超过 {limit} 个字符的上限（TUPU_LOAD_MAX_LINE_CHARS）；常见原因是引号不配对、缺少换行或文件已损坏，请检查该行",
    "file.bad_csv": "第{row}行无法按CSV读取（{why}）；请在Excel中打开后“另存为”→“CSV UTF-8（逗号分隔）”重新提交",
    "file.control_char": "第{row}行{column}的单元格含有不可见的控制字符（{char}）；请删去该字符（常见于从其他系统复制来的数据）后重新提交",
    "file.unpacked_too_big": "解压后超过 {limit} MB 的上限（TUPU_LOAD_MAX_UNPACKED_MB）；数据过多或是“压缩炸弹”，请拆分后分批提交",
    "file.unpack_ratio": "其中的“{member}”解压后是压缩大小的 {ratio} 倍，超过 {limit} 倍的上限（TUPU_LOAD_MAX_UNPACK_RATIO），像是“压缩炸弹”；请在Excel中重新保存后提交",
    "file.too_many_members": "压缩包中有 {count} 个文件，超过 {limit} 个的上限；正常的工作簿不会这样，请在Excel中重新保存后提交",
    "file.xml_dtd": "其中的“{member}”含有DTD或实体声明（<!DOCTYPE / <!ENTITY），正常的Excel工作簿不会有；出于安全原因拒绝读取，请在Excel中另存为新的工作簿后提交",
    "file.xml_not_utf8": "其中的“{member}”不是UTF-8编码的XML，正常的Excel工作簿不会这样；出于安全原因拒绝读取，请在Excel中另存为新的工作簿后提交",
    "file.jsonld_context": "JSON-LD 的 @context 引用了外部上下文“{ref}”；出于安全原因，载入时不下载任何上下文。请把上下文直接写在文件中（tupu export jsonld 导出的文件即是如此），或写 tupu 自带的上下文“{own}”",
    "file.jsonld_import": "JSON-LD 上下文中的 @import 引用了“{ref}”；出于安全原因，载入时不下载任何上下文，请把所引用的内容直接写进上下文",
    "file.jsonld_not_json": "不是有效的JSON（第{line}行第{column}列：{why}）；请修正语法，或用 tupu export jsonld 重新导出",
    "file.jsonld_too_deep": "JSON 嵌套超过 {limit} 层；请检查文件是否正确",
    "file.rdf_control_char": "{prop} 的值含有不可见的控制字符（{char}）；请删去该字符后重新提交",
    # failures at the edge (CLI and API): one line, in Chinese
    "failure.disk_full": "磁盘空间不足，无法写入“{path}”；请清理磁盘空间后重试（已有数据未被改动）",
    "failure.cannot_write": "无法写入“{path}”（{reason}）；请检查该位置是否存在、是否有写入权限",
    "failure.cannot_read": "无法读取“{path}”（{reason}）；请检查文件是否存在、是否有读取权限",
    "failure.store": "数据存储不可用：{detail}",
    "failure.store_api": "数据存储暂不可用，请稍后重试或联系系统管理员",
    "failure.internal": "tupu 内部错误（{kind}），操作未完成；请把出错前执行的命令告诉系统管理员（设置 TUPU_DEBUG=1 可显示详细信息）",
    "failure.disk_full_api": "服务器磁盘空间不足，操作未完成（已有数据未被改动）；请联系系统管理员",
    "failure.os": "无法访问“{path}”（{reason}）；请检查该位置是否存在、是否有读写权限",
    "failure.interrupted": "已中断",
    "failure.internal_api": "服务器内部错误，操作未完成；详细信息已记入服务器日志，请联系系统管理员",
    "failure.settings": "设置无法使用：{problems}",
    "failure.bad_period": "报告期“{period}”的写法不对；请写成 年份+Q+季度，如 2025Q2",
    "failure.bad_request": "请求参数有误：{detail}",

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
