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
    # dashboard charts, profiles, impact, pairing and provenance pages (h-pages)
    "web.chart.targets": "工作目标完成进度",
    "web.chart.targets_axis": "完成值占目标（%）",
    "web.chart.targets_goal": "目标线 100%",
    "web.chart.revenue_by_chain": "各产业链本地企业季度营收",
    "web.chart.revenue_axis": "营业收入",
    "web.chart.period_axis": "报告期",
    "web.chart.towns": "区镇比较",
    "web.chart.towns_count_axis": "企业（家）",
    "web.chart.towns_revenue_axis": "近四季度营收",
    "web.chart.towns_enterprises": "本地企业",
    "web.chart.towns_above_scale": "规上企业",
    "web.chart.towns_revenue": "近四季度营收",
    "web.chart.projects": "重点项目推进状态",
    "web.chart.projects_unit": "个",
    "web.chart.suppressed": "不予显示（汇总企业过少，按统计保密规则隐去）",
    "web.chart.no_data": "无数据",
    "web.chart.actual": "完成值",
    "web.chart.goal": "目标",
    "web.chart.share": "占目标",
    "web.chart.count_unit": "家",
    "web.chart.load_failed": "图表数据读取失败，请刷新页面重试",
    "web.chart.empty": "暂无可绘制的数据",
    "web.not_found.town": "图谱中没有区镇“{key}”",
    "web.not_found.university": "图谱中没有高校“{key}”",
    "web.not_found.fund": "图谱中没有基金或金融机构“{key}”",
    "web.not_found.node": "图谱中没有{label}“{key}”",
    "web.not_found.relationship": "图谱中没有从“{start}”到“{end}”的{type}关系",
    "web.bad_label": "“{label}”不是图谱中的节点类型；可用：{known}",
    "web.bad_type": "“{type}”不是图谱中的关系类型；可用：{known}",
    "web.impact_not_local": "“{name}”不是本地企业：只有本地企业才谈得上离开的影响",

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
