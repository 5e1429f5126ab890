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
    # column headers of tables, CSV and XLSX for people (graph/exports/office.py)
    "col.rank": "排名",
    "col.id": "标识",
    "col.name": "名称",
    "col.chain": "产业链标识",
    "col.chain_name": "产业链",
    "col.link": "环节标识",
    "col.link_name": "环节",
    "col.stage": "环节位置",
    "col.stage_zh": "环节位置",
    "col.position": "顺序",
    "col.local_enterprises": "本地企业数",
    "col.above_scale": "规上企业数",
    "col.revenue": "近四季度营收（万元）",
    "col.growth": "营收同比增长",
    "col.outside_enterprises": "外地企业数",
    "col.lq": "区位商",
    "col.status": "状态",
    "col.broken": "断链",
    "col.priority": "优先级",
    "col.reasons": "理由",
    "col.province": "省份",
    "col.city": "城市",
    "col.annual_revenue": "年营业收入（万元）",
    "col.employees": "从业人数",
    "col.listed": "上市公司",
    "col.unicorn": "独角兽",
    "col.top30": "文化企业30强",
    "col.scale": "规模得分",
    "col.brand": "品牌得分",
    "col.ties": "关联得分",
    "col.indirect": "间接关联得分",
    "col.fit": "配套得分",
    "col.park": "园区标识",
    "col.park_term": "园区得分",
    "col.funds": "基金得分",
    "col.universities": "高校得分",
    "col.score": "总分",
    "col.local_partners": "本地关联企业",
    "col.best_park": "最佳落地园区",
    "col.best_park_id": "最佳园区标识",
    "col.explanation": "评分说明",
    "col.plan_format": "方案重点业态",
    "col.links": "环节",
    "col.town": "区镇标识",
    "col.town_name": "区镇",
    "col.kind": "类别",
    "col.parks": "园区",
    "col.level": "级别",
    "col.floor_area": "建筑面积（㎡）",
    "col.vacant_area": "空置面积（㎡）",
    "col.positioning": "定位",
    "col.positioned_links": "定位环节",
    "col.park_name": "园区名称",
    "col.current": "当前所在",
    "col.need": "所需面积（㎡）",
    "col.university": "高校标识",
    "col.university_name": "高校",
    "col.enterprise": "企业标识",
    "col.enterprise_name": "企业",
    "col.local": "本地",
    "col.existing": "已有合作",
    "col.fund": "基金标识",
    "col.fund_name": "基金",
    "col.target_kind": "对象类型",
    "col.target": "目标标识",
    "col.target_name": "对象",
    "col.cluster": "集群",
    "col.label": "名称",
    "col.size": "企业数",
    "col.significant": "达到特色集群规模",
    "col.internal_ties": "内部关联数",
    "col.leader": "龙头企业",
    "col.local_before": "离开前本地企业",
    "col.local_after": "离开后本地企业",
    "col.status_before": "离开前状态",
    "col.status_after": "离开后状态",
    "col.broken_after": "离开后断链",
    "col.change": "变化",
    "col.loses_zh": "影响",
    "col.product": "产品",
    "col.annual_value": "年交易额（万元）",
    "col.links_down": "状态下降环节",
    "col.newly_broken": "新增断链",
    "col.lose_supplier": "失去唯一供应商的企业",
    "col.lose_customer": "失去唯一客户的企业",
    "col.project": "项目标识",
    "col.progress": "形象进度",
    "col.planned_progress": "计划进度",
    "col.off_track": "脱幅",
    "col.reason": "原因",
    "col.owner_name": "承担企业",
    "col.wording": "目标",
    "col.actual": "截至本期完成",
    "col.expected": "本期应完成",
    "col.unit": "单位",
    "col.note": "说明",
    "col.annual": "全年目标",
    "col.count": "数量",
    "col.total_investment": "总投资（万元）",
    "col.investment_to_date": "累计完成投资（万元）",
    "col.period": "报告期",
    "col.gap": "与全年目标差距",
    "col.stage_term": "阶段得分",
    "col.size_term": "额度得分",
    "col.existing_term": "已有合作得分",
    "col.match": "领域匹配得分",
    "col.local_term": "本地得分",
    "col.breadth_term": "覆盖得分",
    "col.scale_term": "规模得分",
    "col.open_term": "合作基础得分",
    "col.partners": "园内关联得分",
    "col.positioned": "定位得分",
    "col.space": "空间得分",
    "col.chain_enterprises": "园内上下游企业",
    "col.partner_names": "园内关联企业",
    "col.measure": "指标",
    "col.planned_start": "计划开工",
    "col.lag": "落后进度",
    "cli.saved": "已写出 {path}（{rows}行）。",
    "cli.save_kind": "--save {path}：请给出 .csv 或 .xlsx 文件。",
    "title.gaps": "产业链缺口",
    "title.candidates": "招引候选企业",
    "title.parks": "园区",
    "title.pairs": "结对建议",
    "title.clusters": "特色产业集群",
    "title.anchors": "锚点企业",
    "title.projects": "重点项目",
    "title.targets": "工作目标完成情况",
    "title.chains": "产业链",
    "title.links": "产业链环节",
    "title.towns": "区镇",
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
