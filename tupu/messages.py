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
    # where a problem or note is: "file, 第N行, “column”列: message (值：value)"
    "load.where_row": "第{row}行",
    "load.where_column": "“{column}”列",
    "load.where_value": "（值：{value}）",
    "load.refused": "发现 {count} 个问题，未写入任何数据。",
    "load.refused_more": "… 另有 {count} 个问题，见 --report 生成的报告",
    # export files: the table, its kind and its columns
    "load.no_header": "在前30行中找不到可识别的表头（如“企业名称”“统一社会信用代码”“项目名称”）；"
                      "请确认这是企业名录、季度监测、园区入驻企业、重点项目或项目进度表，表头未被改名；"
                      "如果表头显示为乱码，说明文件编码有误，请另存为“CSV UTF-8”或XLSX",
    "load.kind_unknown": "无法判断文件内容（表头中既没有企业名称/统一社会信用代码，也没有项目名称）；"
                         "请在清单 manifest.yaml 中用 kind 指明：enterprises、observations、tenants、"
                         "projects 或 project_progress",
    "load.kind_inferred": "按各列内容判断，本文件为“{kind}”",
    "load.kind_with_figures": "（同时记录报告期指标）",
    "load.period_from_title": "报告期取自标题、工作表名或文件名：{period}",
    "load.above_scale_from_title": "标题表明本表为规模以上企业名单，各企业记为规上企业",
    "load.manifest_period": "清单中的 period 应写成 2025Q1 这样的季度",
    "load.unknown_column": "未识别的列“{column}”，已忽略（不载入）。{hint}",
    "load.unknown_column_strict": "无法识别的列“{column}”（--strict 模式下不忽略未识别的列）。{hint}",
    "load.unknown_column_guess": "如果它是“{label}”，请在清单的 columns 中写 {column}: {field}；"
                                 "不需要的列可写 {column}: ignore",
    "load.unknown_column_no_guess": "如需载入，请在清单的 columns 中写明它对应的字段"
                                    "（见 docs/sources.md）；不需要的列可写 {column}: ignore",
    "load.ignored_columns": "以下列不载入图谱，已忽略：{columns}",
    "load.duplicate_column": "“{column}”与“{other}”两列都对应{label}；请删去一列，或在清单的 columns "
                             "中把其中一列写为 ignore",
    "load.foreign_figure": "{label}以“{currency}”计，不能换算为人民币{unit}；请换算为人民币后提交",
    "load.unit_conflict": "表头写明单位为“{unit}”，但清单的列映射规定该列以“{declared}”计，两者不一致；"
                          "请核对数据的实际单位，改正表头或列映射中的 unit",
    "load.missing_name_column": "缺少“{what}”列；请加上该列（每行填写全称）",
    "load.missing_enterprise_column": "缺少“统一社会信用代码”或“企业名称”列，无法知道是哪家企业；"
                                      "请至少加上其中一列",
    "load.missing_project_column": "缺少“项目编号”或“项目名称”列；请至少加上其中一列",
    "load.missing_period": "无法确定报告期：表中没有“报告期”列，标题、工作表名和文件名中也没有季度"
                           "（如 2025年一季度）；请加上“报告期”列，或在清单中写 period: 2025Q1",
    "load.missing_park_column": "缺少“园区名称”列；请加上该列，或在清单中写 park: 园区名称",
    "load.headless_column": "{letter}列没有表头，却有数据；请补上表头，或删除该列",
    "load.headless_column_ignored": "{letter}列没有表头，已忽略该列的数据",
    "load.row_skipped": "{reason}，未载入",
    # cells
    "load.credit_code_number": "统一社会信用代码被存成了数字（Excel只保留15位有效数字，末几位已丢失）；"
                               "请把该列设为“文本”格式，从营业执照重新录入",
    "load.subsector_code": "文化产业类别代码“{value}”应为文化及相关产业分类（2018）的数字代码，如 0241；"
                           "多个代码用分号隔开，主营在前",
    "load.capital_unreadable": "{column}“{value}”不是可识别的金额；请写成 5000万人民币、100万美元、"
                               "1.2亿元 或 以表头单位计的数字",
    "load.capital_converted": "{count}家企业的资本以外币登记（{currencies}），已按{date}汇率（{source}）"
                              "折算为万元，原币金额与币种另存",
    "load.capital_no_rate": "{count}家企业的资本以{currencies}登记，汇率表中没有该币种，仅保存原币金额"
                            "与币种；请在汇率表中补充",
    "load.industry_code_unknown": "行业代码“{value}”不是GB/T 4754-2017中存在的代码（{why}）；请核对"
                                  "国民经济行业分类代码",
    "load.industry_code_no_division": "不存在{division}大类",
    "load.industry_code_wrong_section": "{division}大类属于{right}门类，不是{given}门类",
    "load.industry_code_no_class": "{division}大类下没有这个小类",
    "load.industry_name_unknown": "{name}：所属行业“{value}”不是GB/T 4754-2017中的行业名称，未归入文化产业"
                                  "细分领域；请复核，或补填“行业代码”或“文化产业类别代码”",
    "load.industry_name_several": "{name}：所属行业“{value}”对应多个文化产业细分领域（{classes}），"
                                  "经营范围未能确定；请人工复核，或补填“文化产业类别代码”",
    "load.industry_name_outside": "{name}：所属行业“{value}”不属于文化及相关产业分类（2018）的范围，"
                                  "未归入任何文化产业细分领域",
    # names, aliases and periods
    "load.name_kept": "{code}：图谱中的登记名称“{kept}”保留，本文件的名称“{given}”记为别名",
    "load.name_renamed": "{code}：本文件的名称“{given}”取代“{kept}”（本文件将后者列为曾用名），"
                         "旧名称记为别名",
    "load.period_merged": "{count}条已有报告期数据按本次提供的指标更新，未提供的指标保留原值",
    "load.period_replaced": "{count}条已有报告期数据按 --replace-period 整体替换",
    # the summary of a load
    "load.summary_title": "载入结果",
    "load.summary_kind": "类别",
    "load.summary_new": "新增",
    "load.summary_updated": "更新",
    "load.summary_merged": "合并",
    "load.summary_unchanged": "未变",
    "load.summary_refused": "拒收",
    "load.summary_done": "已载入：{nodes}个节点、{rels}条关系，来自{sources}个来源，用时{seconds:.1f}秒",
    "load.summary_dry_run": "已检查（试运行，未写入）：{nodes}个节点、{rels}条关系，来自{sources}个来源，"
                            "用时{seconds:.1f}秒",
    "load.relationships": "关系",
    "load.review_title": "待复核",
    "load.notes_title": "说明",
    "load.notes_more": "… 另有 {count} 条，见 --report 生成的报告",
    "load.report_written": "问题报告已写入 {path}（{count} 个问题）",
    "load.review_written": "待复核清单已写入 {path}（{count} 条）",
    "load.report_suffix": "--report {path}：请给出 .xlsx 文件",
    # canonical files (docs/canonical-format.md)
    "load.canonical_unknown_property": "{label}没有属性“{column}”{hint}；请改名或删去该列"
                                       "（可用属性：{known}）",
    "load.canonical_provenance_hint": "（来源信息由载入程序填写）",
    "load.canonical_missing_column": "缺少{label}的必填列“{column}”；请在表头中加上",
    "load.canonical_required": "{column}为必填项；请填写",
    "load.canonical_extra_cells": "该行的单元格多于表头；含逗号的单元格请加引号",
    "load.canonical_duplicate_key": "{label}的标识重复：已在{origin}给出；每个标识只保留一行",
    "load.canonical_end_label": "请写明{side}节点的类型：{allowed}之一",
    "load.canonical_end_label_wrong": "该关系的{side}节点应为{allowed}之一",
    "load.canonical_rel_property": "{rel}没有属性“{column}”；请改名或删去该列（可用列：start、end、"
                                   "start_label、end_label、{known}）",
    "load.canonical_rel_missing": "缺少必填列“{column}”；请加上",
    "load.canonical_rel_end": "{column}为必填项：节点的标识",
    "load.canonical_rel_pair": "{rel}不能连接{start}与{end}；可用：{pairs}",
    "load.canonical_rel_duplicate": "{rel}关系{start}→{end}重复：已在{origin}给出；只保留一行",
    "load.canonical_file_name": "文件名“{name}”不是本体中的节点类型或关系类型；请命名为 <Label>.csv 或"
                                " <TYPE>.csv（节点类型：{labels}）",
    "load.canonical_not_utf8": "不是UTF-8文本（第{byte}字节）；请另存为UTF-8编码的CSV（Excel：CSV UTF-8）",
    "load.canonical_origin": "{file}第{row}行",
    "load.reference_subsector": "“{code}”不是文化及相关产业分类（2018）中的代码；请按"
                                "ontology/data/culture-taxonomy-2018.csv 填写",
    "load.reference_missing": "{rel}：本次载入的数据和图谱中都没有标识为“{key}”的{label}；"
                              "请补上该节点，或改正标识",
    "load.cell_integer": "{prop}应为整数（单位：{unit}），不带千位分隔符和单位",
    "load.cell_float": "{prop}应为数字（单位：{unit}），不带千位分隔符和单位文字",
    "load.cell_finite": "{prop}应为有限的数字",
    "load.cell_boolean": "{prop}应为 true 或 false（也可写 1/0、是/否）",
    "load.cell_date": "{prop}应为日期，写成 yyyy-mm-dd",
    "load.cell_period": "{prop}应为季度，写成 yyyyQn，如 2025Q2",
    "load.cell_values": "{prop}应为以下之一：{values}",
    "load.uscc_length": "统一社会信用代码应为18位，这里是{length}位",
    "load.uscc_character": "统一社会信用代码中不使用字符“{char}”（不用 I、O、S、V、Z）",
    "load.uscc_check": "统一社会信用代码校验位错误：按GB 32100-2015，末位应为“{expected}”而不是“{given}”，"
                       "代码很可能抄错了；请从营业执照上重新抄录",
    "load.origin": "{file} 第{row}行",
    "load.name_several": "名称“{name}”对应多个{what}（{keys}）；请写全称或改填代码/编号",
    "load.enterprise_key_missing": "统一社会信用代码为{key}的企业不在本次载入的数据中，也不在图谱中；"
                                   "请先载入企业名录（或把该企业补进企业名录），或核对代码",
    "load.taxonomy_missing": "图谱中还没有文化及相关产业分类；请先载入分类（如 tupu load data/sample，"
                             "或在清单中写 include: - taxonomy: culture-2018）",
    "load.subsector_missing": "“{code}”不是文化及相关产业分类（2018）中的代码；请按"
                              "ontology/data/culture-taxonomy-2018.csv 填写4位小类代码",
    "load.project_key_missing": "项目编号为{key}的项目不在本次载入的数据中，也不在图谱中；"
                                "请先载入重点项目清单，或核对项目编号",
    "load.node_key_missing": "标识为{key}的{what}不在本次载入的数据中，也不在图谱中；请核对",
    "load.place_known": "（现有：{listed}）",
    "load.place_none": "（图谱中还没有，请先载入区镇和园区）",
    "load.place_missing": "“{name}”不是图谱中的{what}{hint}；请填写全称",
    "load.enterprise_name_missing": "名称为“{name}”的企业不在本次载入的数据中，也不在图谱中（也不是"
                                    "已知企业的曾用名或别名）；请核对名称（须与企业名录一致），"
                                    "或补填统一社会信用代码",
    "load.node_name_missing": "名称为“{name}”的{what}不在本次载入的数据中，也不在图谱中；请核对名称，"
                              "或补填编号",
    "load.period_duplicate": "同一{what}在{period}的数据重复，已在 {origin} 给出；每个报告期只保留一行",
    "load.rel_not_allowed": "{rel} 不能连接 {start} 与 {end}；请核对该列",
    "load.rel_duplicate": "重复：{start} 与 {end} 的 {rel} 关系已在 {origin} 给出；请删去重复的行",
    "load.row_duplicate": "{what}重复：与 {origin} 是同一{what}（代码或名称相同）；每个{what}只保留一行",
    "load.owner_empty": "{what}都为空，无法知道是哪一个；请至少填写一项",
    "load.period_empty": "报告期为空；请填写，如 2025Q1 或 2025年一季度",
    "load.enterprise_name_empty": "企业名称为空；请填写企业全称（与营业执照一致）",
    "load.park_empty": "园区名称为空；请填写该企业入驻的园区",
    "load.project_name_empty": "项目名称为空；请填写项目全称",
    "load.generated_ids": "{count}个{what}没有{code}，已按名称生成标识（gen-开头）；"
                          "补上代码后重新载入会生成另一个节点，请尽量提供代码",
    "load.old_xls": "旧版 .xls 格式不能直接读取；请在Excel中打开后“另存为”→“Excel 工作簿 (*.xlsx)”",
    "load.file_missing": "文件不存在；请核对清单中的文件名（path）",
    "load.encoding_found": "识别出文件编码为{encoding}，已按该编码读取",
    "load.file_unreadable": "无法读取文件（{why}）；请检查文件是否被占用",
    # manifest.yaml and dataset.yaml
    "load.manifest_item": "{source}：files 第{i}项",
    "load.manifest_outside": "{where}：“{path}”在本次报送的文件夹之外",
    "load.manifest_columns": "{where}：columns 应把表头对应到字段（或 ignore）",
    "load.manifest_field": "{where}：列“{header}”：“{name}”不是{kind}的字段（可用字段：{known}；"
                           "或 ignore）",
    "load.manifest_unit": "{where}：列“{header}”：无法识别的单位“{unit}”（如 元、千元、万元、亿元、人、%）",
    "load.manifest_yaml": "{path}：无法按UTF-8 YAML读取：{why}",
    "load.manifest_path": "{where}：至少要写 path:",
    "load.manifest_keys": "{where}：无法识别的键 {keys}；可用：{known}",
    "load.manifest_kind": "{where}：无法识别的 kind“{kind}”（unknown kind）；可用：{kinds}",
    "load.manifest_columns_kind": "{where}：写了 columns: 的文件也必须写明 kind:",
    "load.manifest_mapping": "{where}：清单应为至少含 files: 的映射",
    "load.manifest_canonical": "{source}：canonical 第{i}项应为路径",
    "load.manifest_canonical_item": "{source}：canonical 第{i}项",
    "load.manifest_files_list": "{where}：files: 应为列表",
    "load.manifest_no_files": "{where}：没有列出任何文件；请在 files: 下列出",
    "load.dataset_name": "{where}：至少要写 name:；见 docs/canonical-format.md",
    "load.dataset_include": "{where}：include 第{i}项应为一个“种类: 名称”",
    "load.dataset_include_kind": "{where}：include 第{i}项：无法识别的种类“{kind}”；可用：{kinds}",
    "load.dataset_yaml": "{path}：无法按YAML读取：{why}",
    "load.dataset_chains": "没有名为“{name}”的内置产业链模板（查找位置：{folder}）",
    "load.no_such_path": "{path}：文件或文件夹不存在",
    "load.unsupported_path": "{path}：tupu 可载入数据文件夹、规范格式的 <Label>.csv / <TYPE>.csv、"
                             ".ttl / .jsonld、带中文表头的 .xlsx / .csv 导出文件或 manifest.yaml；"
                             "见 docs/sources.md",
    "load.folder_empty": "{folder}：没有 nodes/*.csv 或 relationships/*.csv；见 docs/canonical-format.md",

    # -- the stores (Neo4j connection, the data folder)
    "store.neo4j_bad_scheme": "无法使用 Neo4j 地址 {uri}：协议须为 {schemes} 之一；请设置 TUPU_NEO4J_URI，例如 bolt://127.0.0.1:7687",
    "store.neo4j_bad_uri": "无法使用 Neo4j 地址 {uri}（{detail}）；请把 TUPU_NEO4J_URI 设为 bolt://主机:端口 或 neo4j://主机:端口",
    "store.neo4j_auth": "{uri} 的 Neo4j 拒绝了用户 {user}（{detail}）；请检查 TUPU_NEO4J_USER 和 TUPU_NEO4J_PASSWORD",
    "store.neo4j_unreachable": "连不上 {uri} 的 Neo4j（{detail}）；请运行 `tupu neo4j start`，或把 TUPU_NEO4J_URI 设为可用的 Neo4j",
    "store.neo4j_database": "{uri} 的 Neo4j 无法使用数据库 {database}（{detail}）；请检查 TUPU_NEO4J_URI 和 TUPU_NEO4J_DATABASE",
    "store.neo4j_failed": "{uri} 的 Neo4j 执行失败：{detail}",
    "store.data_dir": "无法打开数据目录 {path}：{reason}；请检查 TUPU_DATA_DIR 与其权限",

    # -- the CLI (tupu …) --------------------------------------------------------------------------

    "cli.no_relationship": "图谱中没有从「{start}」到「{end}」的 {type} 关系",
    "cli.provenance_usage": "用法：tupu provenance {usage}（节点标签：{labels}；关系类型：{types}）",
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
    "api.suppressed_note": "为防止推算单个企业数据，企业过少、由少数企业主导或可由其他汇总数推算的格子不予显示；园区范围的营收仅对分析角色显示。",
    # graph views (chain map, explorer: api/queries/graphs.py)
    "web.graph.bad_node": "不是图谱中的节点：{text}（应写作“标签:键”，例如 Enterprise:统一社会信用代码）",
    "web.graph.bad_types": "不是可展开的关系类型：{types}",
    "web.graph.no_node": "图谱中没有该节点：{label} {key}",

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
    # files from outside (loaders' readers; docs/security.md)
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
    "analysis.no_plan_targets": "载入的数据未指明规划目标；请用 --targets 指定，例如 taicang-2025",
    "analysis.period_not_in_year": "报告期 {period} 不在 {year} 年内；请选该年的季度",
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
    "handbook.title": "{city}{subject}招商手册",
    "handbook.lead": "{city}正在打造“全市一张产业图谱”。本手册介绍{subject}在本市的产业基础、希望补齐的环节、可落地的园区，以及可合作的高校与基金，欢迎有意向的企业来{city}发展。",
    "handbook.links": "一、产业链基础",
    "handbook.chart": "各环节本地企业数",
    "handbook.gaps": "二、希望补齐的环节",
    "handbook.parks": "三、可落地的园区",
    "handbook.universities": "四、可合作的高校",
    "handbook.funds": "五、可对接的基金与金融机构",
    "handbook.none": "（暂无）",
    "handbook.footer": "本手册只含汇总信息与公开信息，不含任何企业的经营数据。",
    "handbook.col.chain_name": "产业链",
    "handbook.col.link_name": "环节",
    "handbook.col.stage_zh": "环节位置",
    "handbook.col.local_enterprises": "本地企业数",
    "handbook.col.status_zh": "现状",
    "handbook.col.broken": "断链",
    "handbook.col.reasons": "说明",
    "handbook.park.name": "园区",
    "handbook.park.town_name": "所在区镇",
    "handbook.park.level": "级别",
    "handbook.park.floor_area": "载体面积（㎡）",
    "handbook.park.vacant_area": "可用空间（㎡）",
    "handbook.park.positioning": "定位",
    "handbook.park.links": "对应环节",
    "handbook.uni.name": "高校",
    "handbook.uni.city": "所在城市",
    "handbook.uni.local": "本地",
    "handbook.uni.fields": "优势领域",
    "handbook.uni.disciplines": "优势学科",
    "handbook.fund.name": "名称",
    "handbook.fund.kind": "类型",
    "handbook.fund.stages": "投资阶段",
    "handbook.fund.ticket": "单笔规模",
    "handbook.fund.fields": "关注领域",
    "handbook.fund_kind.guidance_fund": "政府引导基金",
    "handbook.fund_kind.fund": "股权投资基金",
    "handbook.fund_kind.bank": "银行",
    "handbook.written": "已写出 {title}：{path}",
    "handbook.not_found": "没有找到产业链或园区「{text}」。{hint}",
    "handbook.out_kind": "--out {path}：招商手册写为 .html 文件。",
    "pairs.existing_apart": "以上为尚未合作的新结对；已有合作的结对另列：tupu pairs {kind} --existing。",
    "python.unknown_pairs": "pairs() 的种类为 universities（产学研）或 funds（融资），不是「{kind}」。",

    # -- s-perfload: the first load through Neo4j's import tool (graph/stores/neo4j_bulk.py) -----
    "bulk.files_written": "Neo4j 批量导入：导入文件已写出（{seconds:.1f} 秒），正在停止数据库服务",
    "bulk.imported": "Neo4j 批量导入：导入工具已结束（{seconds:.1f} 秒），正在重新启动数据库服务",
    "bulk.no_java": "Neo4j 批量导入需要 Java 17：PATH 中找不到 java；请安装 Java 17（如 Debian 的 openjdk-17-jre-headless）后重试，或把 TUPU_NEO4J_BULK_ROWS 设为 0 改用逐批写入",
    "bulk.timeout": "Neo4j 批量导入超过 {seconds:.0f} 秒仍未完成，已中止，数据库服务已重新启动。请在机器空闲时重试，或把 TUPU_NEO4J_BULK_ROWS 设为 0 改用逐批写入",
    "bulk.failed": "Neo4j 批量导入失败（退出码 {code}），数据库服务已重新启动。导入工具的最后输出：\n{tail}\n可把 TUPU_NEO4J_BULK_ROWS 设为 0 改用逐批写入",
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
