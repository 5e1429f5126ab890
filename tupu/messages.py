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
    "api.unauthorized": "缺少或无效的访问令牌：请登录，或以 Authorization: Bearer <令牌> 访问",
    "api.forbidden_analyst": "需要“分析”或“管理”角色：企业明细数据与导出仅对分析人员开放",
    "api.forbidden_admin": "需要“管理”角色：只有管理员可以载入数据",
    "api.forbidden": "无权访问",
    "api.login_bad_token": "令牌无效，请重新输入。",
    "api.login_open_access": "未配置令牌，无需登录。",
    "api.internal_error": "服务器内部错误，已记录；请稍后重试或联系管理员。",
    "api.tokens_missing": "TUPU_API_TOKENS 为空：TUPU_ENV=production 时须为浏览、分析、管理角色设置访问令牌",
    "api.tokens_short": "TUPU_API_TOKENS 中有 {count} 个令牌短于 {minimum} 个字符：TUPU_ENV=production 时请使用足够长的随机令牌",
    "api.settings_invalid": "设置 {name} 无法使用：{why}",
    "api.settings_invalid_value": "值不合要求",
    "api.settings_tokens_invalid": "应为 JSON 对象，键为令牌，值为 viewer、analyst 或 admin 之一（令牌内容不予显示）",
    "api.settings_dev_password": "TUPU_NEO4J_PASSWORD 仍是开发用默认密码：TUPU_ENV=production 时请设置真实密码",
    "api.suppressed": "（保密）",
    "api.suppressed_note": "为防止推算单个企业数据，企业过少、由少数企业主导或可由其他汇总数推算的格子不予显示；园区范围的营收仅对分析角色显示。",

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
