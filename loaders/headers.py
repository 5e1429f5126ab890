"""What each kind of export holds, and the Chinese headers that name its columns.

A *kind* is what a file of a delivery holds: ``enterprises`` (企业名录), ``observations`` (企业季度
监测), ``tenants`` (园区入驻企业), ``projects`` (重点项目) or ``project_progress`` (项目季度进度).
Each kind has *fields*: the ontology properties of the node it writes (``annual_revenue`` …) and a
few fields that lead to relationships (``industry_code`` → ``IN_SUBSECTOR``, ``town`` →
``LOCATED_IN`` …). Every field lists the headers that registry and statistics exports commonly use
for it; headers are compared after :func:`normalise_header`, which removes white space, turns
full-width brackets and letters into ASCII (NFKC) and drops a leading ``*`` (required-field marks of
report templates). A unit in the header (``营业收入（亿元）``) is split off and becomes the column's
unit; qualifiers such as ``本期`` are ignored.

Columns that exports often carry but the map does not keep (序号, 地址, 联系电话, 上年同期 …) are
*ignored* and reported as a note; any other header is *unknown*, a problem, until a column map
(:mod:`tupu.loaders.columnmap`) says what it is or that it is to be ignored.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tupu.loaders.tables import Column
from tupu.loaders.units import Unit, header_unit, unit_of
from tupu.ontology.schema import PropertyDef, PropertyType, Schema

__all__ = [
    "KINDS",
    "KIND_LABEL",
    "KIND_LABELS",
    "FieldDef",
    "Ignored",
    "Kind",
    "MapEntry",
    "Recognised",
    "Recogniser",
    "any_kind_known",
    "kind_fields",
    "kind_of_word",
    "map_unit",
    "normalise_header",
]

Kind = Literal["enterprises", "observations", "tenants", "projects", "project_progress"]
KINDS: tuple[Kind, ...] = ("enterprises", "observations", "tenants", "projects", "project_progress")
KIND_LABELS: Mapping[Kind, str] = {
    "enterprises": "企业名录",
    "observations": "企业季度监测",
    "tenants": "园区入驻企业",
    "projects": "重点项目",
    "project_progress": "项目季度进度",
}
_KIND_WORDS: Mapping[str, Kind] = {
    **{k: k for k in KINDS},
    **{v: k for k, v in KIND_LABELS.items()},
    "企业": "enterprises", "季度监测": "observations", "规上企业": "observations",
    "入驻企业": "tenants", "园区企业": "tenants", "项目": "projects", "项目进度": "project_progress",
}

#: The node label each kind writes.
KIND_LABEL: Mapping[Kind, str] = {
    "enterprises": "Enterprise",
    "observations": "EnterpriseObservation",
    "tenants": "Enterprise",
    "projects": "Project",
    "project_progress": "ProjectObservation",
}


def kind_of_word(word: str) -> Kind | None:
    """The kind a manifest names, in English or Chinese (``enterprises``, ``企业名录`` …)."""
    return _KIND_WORDS.get(word.strip())


_ENTERPRISE_ID = ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "统一社会信用代码证号",
                  "企业统一社会信用代码", "单位统一社会信用代码", "社会统一信用代码",
                  "统一社会信用代码/注册号", "统一社会信用代码或注册号", "法人单位统一社会信用代码")
_ENTERPRISE_NAME = ("企业名称", "单位名称", "单位详细名称", "法人单位详细名称", "法人单位名称",
                    "公司名称", "企业全称", "单位全称", "市场主体名称", "企业(单位)名称", "纳税人名称",
                    "企业名单", "名称")
_PARK = ("所在园区", "所属园区", "入驻园区", "园区名称", "园区", "载体名称", "所在载体")
_TOWN = ("所属镇(区)", "所在镇(区)", "所属区镇", "所在区镇", "所属镇区", "所在镇区", "镇(区)", "镇区",
         "区镇", "所在地区", "所属地区", "所属街道", "乡镇(街道)", "所属乡镇", "所在乡镇", "镇(街道)",
         "所属镇(街道)", "所在镇(街道)", "所属镇", "所在镇", "所在乡镇(街道)", "所属乡镇(街道)",
         "乡镇街道", "所在乡镇街道", "所属乡镇街道", "乡镇(街道、园区)", "所在乡镇(街道、园区)",
         "所属乡镇(街道、园区)", "所在镇(区、街道)", "所属镇(区、街道)", "所在街道(镇)",
         "所属街道(镇)", "街道(镇)", "街道(乡镇)")
# Where a business-information platform says an enterprise is: its district ("太仓市") and its
# address. Neither is stored; they place the enterprise in a town when the town column is missing,
# empty or gives only a region such as "江苏省苏州市太仓市" (loaders/ingest_session.py, place_in).
_REGION = ("所属区县", "所在区县", "区县", "所属区(县)", "所在区(县)",
           "所属区(县、市)", "县(市、区)", "所属地区代码名称", "行政区划", "所属行政区划")
_ADDRESS = ("注册地址", "住所", "地址", "通讯地址", "经营地址", "注册地", "详细地址", "办公地址",
            "生产经营地址", "企业地址", "最新年报地址", "通信地址", "经营场所", "住所(经营场所)")
_PERIOD = ("报告期", "统计期", "所属期", "期别", "季度", "报告期别", "统计期间", "统计季度", "报告季度")
_REVENUE = ("营业收入", "主营业务收入", "营业总收入", "营收")
_ANNUAL_REVENUE = ("年营业收入", "年度营业收入", "上年营业收入", "全年营业收入")
_PROFIT = ("利润总额", "利润", "利润总计")
_ASSETS = ("资产总计", "资产总额", "总资产")
_REG_STATUS = ("登记状态", "经营状态", "企业状态", "登记状况", "经营状况", "存续状态", "企业登记状态",
               "变动类型", "变更类型", "变动情况", "变更情况", "变动事项", "迁移类型", "变更事项",
               "登记类型")
_INDUSTRY_NAME = ("所属行业", "行业名称", "国民经济行业名称", "行业类别", "国标行业", "行业门类",
                  "行业大类", "行业中类", "行业小类", "国民经济行业", "所属国民经济行业", "行业",
                  "国民经济行业类别", "主要业务活动行业", "行业分类", "国标行业门类", "国标行业大类",
                  "国标行业中类", "国标行业小类")
_EMPLOYEES = ("从业人员期末人数", "期末从业人数", "从业人员", "从业人数", "从业人员数", "职工人数",
              "员工人数", "从业人员平均人数", "期末从业人员", "平均从业人数", "从业人员平均数",
              "年末从业人员", "年末从业人数")
_ABOVE = ("是否规上", "是否规上企业", "规上企业", "是否规模以上", "规模以上企业", "是否规模以上企业",
          "规上", "是否规上单位", "规模")
_PROJECT_ID = ("项目编号", "项目代码", "项目编码", "项目序号", "项目id")
_PROJECT_NAME = ("项目名称", "项目全称")
_STATUS = ("项目状态", "状态", "进展状态", "建设状态", "项目进展", "推进状态", "当前状态")

_ALIASES: Mapping[Kind, Mapping[str, tuple[str, ...]]] = {
    "enterprises": {
        "id": _ENTERPRISE_ID,
        "name": _ENTERPRISE_NAME,
        "short_name": ("企业简称", "简称", "单位简称", "公司简称"),
        "province": ("省份", "所在省份", "所属省份", "所在省", "省"),
        "city": ("城市", "所在城市", "所属城市", "所在市", "地市", "所在地市"),
        "founded": ("成立日期", "成立时间", "注册日期", "开业日期", "成立年月日", "设立日期", "登记日期"),
        "registered_capital": ("注册资本", "注册资金", "注册资本金", "注册资本(金)"),
        "paid_in_capital": ("实缴资本", "实缴资金", "实缴出资", "实收资本", "实缴资本(金)"),
        "reg_status": _REG_STATUS,
        "industry_name": _INDUSTRY_NAME,
        "former_names": ("曾用名", "曾用名称", "历史名称", "原名称", "原企业名称", "变更前名称"),
        "annual_revenue": _REVENUE + _ANNUAL_REVENUE,
        "employees": _EMPLOYEES,
        "listed": ("是否上市", "上市企业", "是否上市企业", "上市", "是否上市公司"),
        "unicorn": ("是否独角兽", "独角兽企业", "是否独角兽企业", "独角兽"),
        "top30": ("是否全国文化企业30强", "全国文化企业30强", "文化企业30强", "是否文化企业30强"),
        "above_scale": _ABOVE,
        "business_scope": ("经营范围", "经营范围(主营)", "许可经营项目", "一般经营项目",
                           "主要业务活动", "主要业务活动(或主要产品)"),
        "industry_code": ("行业代码", "国民经济行业代码", "行业类别代码", "国民经济行业分类代码",
                          "国标行业代码", "所属行业代码", "行业小类代码", "主要业务活动行业代码",
                          "国民经济行业类别代码", "行业分类代码"),
        "subsector_codes": ("文化产业类别代码", "文化及相关产业分类代码", "文化产业分类代码",
                            "文化产业类别", "细分领域代码", "文化产业细分领域代码"),
        "town": _TOWN,
        "park": _PARK,
        "region": _REGION,
        "address": _ADDRESS,
    },
    "observations": {
        "enterprise_id": _ENTERPRISE_ID,
        "enterprise_name": _ENTERPRISE_NAME,
        "period": _PERIOD,
        "revenue": _REVENUE + ("本期营业收入", "季度营业收入", "本季营业收入", "本季度营业收入"),
        "employees": _EMPLOYEES,
        "talent_introduced": ("引进人才", "引进人才数", "新引进人才", "本期引进人才", "引进人才人数",
                              "当季引进人才", "本季引进人才", "人才引进", "引进人才数量"),
        "profit": _PROFIT,
        "total_assets": _ASSETS,
        "above_scale": _ABOVE,
    },
    "tenants": {
        "park": _PARK,
        "enterprise_id": _ENTERPRISE_ID,
        "enterprise_name": _ENTERPRISE_NAME + ("入驻企业", "入驻企业名称", "企业"),
    },
    "projects": {
        "id": _PROJECT_ID,
        "name": _PROJECT_NAME,
        "level": ("项目级别", "级别", "项目层级", "项目类别"),
        "total_investment": ("总投资", "计划总投资", "项目总投资", "总投资额"),
        "plan_year": ("列入年度", "年度", "计划年度", "入库年度", "所属年度"),
        "new_in_plan_year": ("是否新增", "是否新增项目", "新增项目", "是否当年新增"),
        "planned_start": ("计划开工日期", "计划开工时间", "开工日期", "开工时间"),
        "planned_completion": ("计划竣工日期", "计划竣工时间", "竣工日期", "竣工时间",
                               "计划完工日期", "计划完工时间"),
        "status": _STATUS,
        "owner_id": ("承担单位统一社会信用代码", "建设单位统一社会信用代码",
                     "项目单位统一社会信用代码", "业主单位统一社会信用代码") + _ENTERPRISE_ID,
        "owner_name": ("承担单位", "建设单位", "项目单位", "业主单位", "承担企业", "实施主体",
                       "项目业主", "投资主体", "责任单位"),
        "park": _PARK,
        "town": _TOWN,
        "place": ("项目地点", "建设地点", "项目所在地", "项目选址", "落户地点", "所在地"),
    },
    "project_progress": {
        "project_id": _PROJECT_ID,
        "project_name": _PROJECT_NAME,
        "period": _PERIOD,
        "investment_to_date": ("累计完成投资", "累计完成投资额", "截至本期累计完成投资",
                               "累计投资", "累计完成", "累计已完成投资", "开工以来累计完成投资"),
        "progress": ("实际形象进度", "形象进度", "实际进度", "完成进度", "工程形象进度"),
        "planned_progress": ("计划形象进度", "计划进度", "序时进度"),
        "status": _STATUS,
    },
}

# Derived fields: (type, Chinese label, English label).
_DERIVED: Mapping[str, tuple[PropertyType, str, str]] = {
    "industry_code": ("string", "行业代码", "GB/T 4754-2017 industry code"),
    "subsector_codes": ("string", "文化产业类别代码", "culture sub-sector codes"),
    "town": ("string", "所属镇（区）", "town"),
    "park": ("string", "所在园区", "park"),
    "place": ("string", "项目地点", "park or town"),
    "period": ("period", "报告期", "period"),
    "enterprise_id": ("string", "统一社会信用代码", "enterprise credit code"),
    "enterprise_name": ("string", "企业名称", "enterprise name"),
    "owner_id": ("string", "承担单位统一社会信用代码", "owner credit code"),
    "owner_name": ("string", "承担单位", "owner name"),
    "project_id": ("string", "项目编号", "project id"),
    "project_name": ("string", "项目名称", "project name"),
    "industry_name": ("string", "所属行业", "GB/T 4754-2017 industry name"),
    "region": ("string", "所属地区", "region (province, city, district)"),
    "address": ("string", "地址", "address"),
    "former_names": ("string", "曾用名", "former names"),
}
_CREDIT_CODE_FIELDS = frozenset({"enterprise_id", "owner_id"})

_IGNORED_HEADERS = (
    "序号", "序", "编号", "行号", "no", "no.", "备注", "说明", "其他", "法定代表人", "法人代表", "法定代表人姓名", "法人", "负责人",
    "联系人", "联系电话", "电话", "更多电话", "手机", "手机号码", "固定电话", "传真", "邮箱", "电子邮箱", "更多邮箱", "邮编", "邮政编码",
    "登记机关", "企业类型", "企业类别", "公司类型", "单位类型", "企业(机构)类型", "登记注册类型", "控股情况", "企业规模", "人员规模", "参保人数",
    "英文名", "英文名称", "企业英文名", "纳税人识别号", "注册号", "工商注册号", "组织机构代码", "进出口企业代码", "文化产业类别名称", "细分领域",
    "入驻日期", "入驻时间", "租赁面积", "入驻面积", "租用面积", "经度", "纬度", "网址", "官网", "企业官网", "网站", "核准日期", "营业期限",
    "营业期限自", "营业期限至", "填报单位", "主管部门", "牵头部门", "责任部门", "建设内容", "建设规模及内容", "主要建设内容", "存在问题", "下步计划",
    "推进情况", "进展情况", "本期完成投资", "本年完成投资", "年度计划投资", "简介", "企业简介", "变动日期", "变更日期", "迁入日期", "迁出日期",
    "注销日期", "吊销日期", "迁入地", "迁出地", "迁入地/迁出地", "迁出地/迁入地", "迁入(迁出)地", "迁移地址", "注销原因", "吊销原因", "变动原因",
    "变更原因", "迁移原因", "迁入地登记机关", "迁出地登记机关", "登记机关名称", "机构类型", "单位规模", "是否小微企业", "分支机构", "股东", "实际控制人",
    "最终受益人", "联系方式", "所属地区代码", "区划代码",
)
_IGNORED_PATTERN = re.compile(r"上年同期|去年同期|同比|环比|增速|增幅|增长率|比上年|增减")
_QUALIFIERS = re.compile(
    r"^(?:\d{4}年)?(?:\d{1,2}(?:-|—|–|~|至)\d{1,2}月(?:份)?|[一二三四1-4]季度|上半年|全年)?"
    r"(?:本期|本季度|本季|当期|当季|本年累计|本年|季度末)?(.+?)(?:\(?本期\)?|\(?本季度?\)?|\(?当期\)?"
    r"|\(?本年累计\)?|\(?合计\)?|总计)?$"
)


_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")",
                           "{": "(", "}": ")", "<": "(", ">": ")", "《": "(", "》": ")"})
_LOOSE = re.compile(r"[()、,，/·.\-_]")


def normalise_header(text: str) -> str:
    """A header as compared: NFKC, no white space, no leading ``*``, no trailing colon, every kind
    of bracket as ``()``, ASCII in lower case."""
    t = "".join(unicodedata.normalize("NFKC", text).split()).translate(_BRACKETS)
    t = t.lstrip("*★※#").rstrip(":")
    return t.lower()


def loose_header(text: str) -> str:
    """A normalised header without brackets and separators (``所在乡镇(街道)`` → ``所在乡镇街道``):
    the last resort of recognition."""
    return _LOOSE.sub("", text)


_IGNORED = frozenset(normalise_header(h) for h in _IGNORED_HEADERS)
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_IGNORED_LOOSE = frozenset(loose_header(h) for h in _IGNORED)


@dataclass(frozen=True)
class FieldDef:
    """One field of a kind: a property (or a relationship lead) with its type and headers."""

    name: str
    prop: PropertyDef
    aliases: tuple[str, ...]
    credit_code: bool = False  # holds a 统一社会信用代码, checked by its check character

    @property
    def label(self) -> str:
        """The field's Chinese name, for messages."""
        return self.prop.label_zh


def kind_fields(kind: Kind, schema: Schema) -> dict[str, FieldDef]:
    """The fields of ``kind``, their types taken from the ontology (``schema``)."""
    label = schema.label(KIND_LABEL[kind])
    fields: dict[str, FieldDef] = {}
    for name, aliases in _ALIASES[kind].items():
        if name in label.properties and name not in _DERIVED:
            prop = label.properties[name]
        else:
            ptype, zh, en = _DERIVED[name]
            prop = PropertyDef(name=name, type=ptype, required=False, label_zh=zh, label_en=en)
        credit = name in _CREDIT_CODE_FIELDS or (kind == "enterprises" and name == "id")
        fields[name] = FieldDef(name, prop, tuple(normalise_header(a) for a in aliases), credit)
    return fields


@dataclass(frozen=True)
class MapEntry:
    """What a column map says about one header: the field (None: ignore it) and its unit."""

    field: str | None
    unit: Unit | None = None


@dataclass(frozen=True)
class Recognised:
    """A column recognised as ``field``; ``unit`` from the header, ``declared`` from a column map,
    ``foreign`` a foreign-currency word found in the header."""

    field: FieldDef
    unit: Unit | None = None
    declared: Unit | None = None
    foreign: str | None = None


@dataclass(frozen=True)
class Ignored:
    """A column known not to be kept; ``by_map`` when a column map said so."""

    by_map: bool = False


Match = Recognised | Ignored | None


class Recogniser:
    """Recognises the headers of one kind, with an optional column map taking precedence."""

    def __init__(
        self, fields: Mapping[str, FieldDef], column_map: Mapping[str, MapEntry] | None = None
    ) -> None:
        self.fields = fields
        self._map = {normalise_header(k): v for k, v in (column_map or {}).items()}
        self._alias: dict[str, FieldDef] = {}
        self._loose: dict[str, FieldDef] = {}
        for f in fields.values():
            for a in f.aliases:
                self._alias.setdefault(a, f)
                self._loose.setdefault(loose_header(a), f)

    def _from_map(self, key: str, unit: Unit | None, foreign: str | None) -> Match:
        entry = self._map.get(key)
        if entry is None:
            return None
        if entry.field is None:
            return Ignored(by_map=True)
        return Recognised(self.fields[entry.field], unit, entry.unit, foreign)

    def match_text(self, text: str) -> Match:
        """What a header text is, or None when it is unknown."""
        t = normalise_header(text)
        if not t:
            return None
        name, unit, foreign = header_unit(t)
        found = self._from_map(t, unit, foreign) or self._from_map(name, unit, foreign)
        if found is not None:
            return found
        if t in self._alias:
            return Recognised(self._alias[t])
        if found is not None:
            return found
        if name in self._alias:
            return Recognised(self._alias[name], unit, None, foreign)
        m = _QUALIFIERS.match(name)
        if m and m.group(1) in self._alias:
            return Recognised(self._alias[m.group(1)], unit, None, foreign)
        if t in _IGNORED or name in _IGNORED or _IGNORED_PATTERN.search(t):
            return Ignored()
        bare = _TRAILING_NOTE.sub("", name)  # 企业名称(全称), 成立日期(yyyy-mm-dd)
        if bare != name and bare in self._alias:
            return Recognised(self._alias[bare], unit, None, foreign)
        loose = loose_header(name)
        if loose in self._loose:
            return Recognised(self._loose[loose], unit, None, foreign)
        m = _QUALIFIERS.match(loose)
        if m and m.group(1) in self._loose:
            return Recognised(self._loose[m.group(1)], unit, None, foreign)
        if loose in _IGNORED_LOOSE:
            return Ignored()
        return None

    def suggest(self, text: str) -> FieldDef | None:
        """The field whose header is closest to ``text`` (a guess for an unknown column), or None
        when nothing is close."""
        key = loose_header(header_unit(normalise_header(text))[0])
        if not key:
            return None
        close = difflib.get_close_matches(key, list(self._loose), n=1, cutoff=0.5)
        return self._loose[close[0]] if close else None

    def match(self, column: Column) -> Match:
        """What a column is: its candidate texts are tried in order."""
        for text in column.candidates:
            found = self.match_text(text)
            if found is not None:
                return found
        return None

    def known(self, text: str) -> bool:
        """True when the header text is recognised or known to be ignored."""
        return self.match_text(text) is not None


def any_kind_known(schema: Schema, column_map: Mapping[str, MapEntry] | None = None) -> Recogniser:
    """A recogniser of the headers of every kind (to find the header before the kind is known)."""
    merged = {
        f"{kind}.{name}": f for kind in KINDS for name, f in kind_fields(kind, schema).items()
    }
    return Recogniser(merged, {k: MapEntry(None) for k in (column_map or {})})


def map_unit(word: str) -> Unit | None:
    """The unit a column map declares (``万元``, ``亿元`` …), or None for an unknown word."""
    return unit_of(word)
