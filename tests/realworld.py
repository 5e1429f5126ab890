"""Export files shaped as they really arrive, generated for the tests (all names and figures are
invented; the credit codes are valid but fictional, serials 600 and up).

Four shapes, each in three variants that differ as deliveries from different offices do (another
column order, other header spellings, extra columns tupu does not know, another file format and
encoding; the third adds a credit-code header with a space or full-width bracket, units in the
cells, Excel serial dates, a 注 row in the middle, a trailing blank column, a second table below
the first and merged title cells), so that the loader is not fitted to one file:

- :func:`statistics_list`: the statistics bureau's list of above-scale cultural enterprises for a
  quarter — a title row, a 填报单位 row, a two-row header with 主要经济指标 merged over its
  columns, figures in 千元, a 合计 row and a 注 row;
- :func:`business_export`: a bulk export of a business-information platform (企查查/天眼查 style)
  — many columns, 登记状态 as the platforms write it, capital as ``5000万人民币``/``100万美元``,
  所属行业 as a GB/T 4754-2017 name, 曾用名;
- :func:`change_list`: the registry's list of changes of a quarter (迁入/迁出/注销);
- :func:`old_registry`: an older 规上企业名录 in GBK carrying registry columns and revenue.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

from tests.minicity import E1, E2, FILES, uscc, write_city
from tupu.graph.stores.deliveries import Provenance
from tupu.graph.stores.store import GraphStore

Row = Sequence[object]

# enterprises the files bring (fictional)
N1 = uscc(601)  # a new local enterprise of the statistics list (游戏数字内容, 一镇)
N2 = uscc(602)  # a second new local one (广播, 二街道)
Q1 = uscc(611, "110108")  # outside, 北京, 动漫、游戏数字内容服务, 存续
Q2 = uscc(612, "310115")  # outside, 上海, 应用软件开发 (games), 在业, capital in USD
Q3 = uscc(613, "440305")  # outside, 深圳, 应用软件开发 (games), 注销, capital in HKD
Q4 = uscc(614, "330106")  # outside, 杭州, 吊销
Q5 = uscc(615, "110108")  # outside, 北京, renamed (曾用名), capital "-"
M1 = uscc(621)  # moved in (迁入) by the change list

ENGINE = "esports-games.engine"  # covers 0243 (games software, 6513 with 游戏 in the scope)
ART = "esports-games.art"  # covers 0241 (动漫、游戏数字内容服务, 6572)

BASE_DATASET = FILES["dataset.yaml"].replace(
    "  - taxonomy: culture-2018\n", "  - taxonomy: culture-2018\n  - chains: culture\n")


def base_city(folder: Path) -> Path:
    """The mini city (tests/minicity.py) with the built-in culture chains."""
    return write_city(folder, {"dataset.yaml": BASE_DATASET})


# -- writers --------------------------------------------------------------------------------------
def write_xlsx(path: Path, rows: Sequence[Row], merges: Sequence[str] = (),
               sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Row], encoding: str) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# -- the statistics bureau's list of above-scale cultural enterprises ------------------------------
def statistics_list(folder: Path, variant: int) -> Path:
    """Q1 2025 (variant 1, XLSX) or Q2 2025 (variant 2, CSV in GBK) figures of E1, N1 and N2."""
    if variant == 1:
        rows: list[Row] = [
            ["2025年1-3月规模以上文化及相关产业法人单位主要经济指标（虚构测试数据）"],
            ["填报单位：迷你市统计局", None, None, None, None, None, None, None],
            ["序号", "统一社会信用代码", "单位详细名称", "行业代码", "所在乡镇（街道）",
             "主要经济指标", None, None],
            [None, None, None, None, None, "营业收入（千元）", "从业人员", "利润总额（千元）"],
            [1, E1, "迷你数字科技有限公司", "6513", "一镇", 12345, 120, 2100],
            [2, N1, "迷你像素动漫有限公司", "I6572", "一镇", 8000, 45, -350],
            [3, N2, "迷你之声广播传媒有限公司", 8710, "二街道", 5000.5, 30, 400],
            ["合计", None, None, None, None, 25345.5, 195, 2150],
            ["注：本表为虚构测试数据；营业收入、利润总额单位为千元。"],
        ]
        return write_xlsx(folder / "规上文化企业主要指标_2025Q1.xlsx", rows,
                          merges=["F3:H3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4"])
    if variant == 3:  # Q1 again, from another office: figures in 万元, other order, extras
        rows = [
            ["迷你市规模以上文化企业主要经济指标（2025年1—3月）（虚构测试数据）", None, None, None,
             None, None, None, None],
            ["单位名称", "统一社会信用代码（18位）", "国民经济行业代码", "所在镇（区）",
             "主要经济指标", None, None, None],
            [None, None, None, None, "利润总额（万元）", "期末从业人员（人）", "营业收入（万元）", None],
            ["迷你之声广播传媒有限公司", N2, "R8710", "二街道", None, "30", "500.05", None],
            ["注：利润总额空白表示未报。", None, None, None, None, None, None, None],
            ["迷你数字科技有限公司", E1, 6513, "一镇", 210, 120, 1234.5, None],
            ["迷你像素动漫有限公司", N1, "6572", "一镇", "-35", 45, "800", None],
            ["合  计", None, None, None, 175, 195, 2534.55, None],
            [None, None, None, None, None, None, None, None],
            ["附表：分镇汇总", None, None, None, None, None, None, None],
            ["镇（区）", "企业数", "营业收入（万元）", None, None, None, None, None],
            ["一镇", 2, 2034.5, None, None, None, None, None],
            ["二街道", 1, 500.05, None, None, None, None, None],
        ]
        return write_xlsx(folder / "2025一季度规上文化企业（第三稿）.xlsx", rows,
                          merges=["A1:H1", "E2:G2", "A2:A3", "B2:B3", "C2:C3", "D2:D3"])
    rows = [
        ["迷你市2025年第二季度规上文化企业主要指标（虚构测试数据）"],
        ["单位名称", "社会信用代码", "乡镇(街道)", "行业代码", "本期指标", "", "", "", "填报人"],
        ["", "", "", "", "营业收入(千元)", "期末从业人员", "利润总额(千元)", "资产总计(千元)", ""],
        ["迷你像素动漫有限公司", N1, "一镇", "6572", "9000", "47", "120", "30000", "张三"],
        ["迷你之声广播传媒有限公司", N2, "二街道", "8710", "5200", "31", "-", "12000", "李四"],
        ["迷你数字科技有限公司", E1, "一镇", "6513", "13000", "125", "2300", "88000", "王五"],
        ["总计", "", "", "", "27200", "203", "2420", "130000", ""],
        ["注：数据为虚构，仅供测试。"],
    ]
    return write_csv(folder / "2025年二季度规上企业.csv", rows, "gbk")


# -- a bulk export of a business-information platform --------------------------------------------
def business_export(folder: Path, variant: int) -> Path:
    """Outside enterprises Q1–Q5 (variant 1, XLSX) or the same five written otherwise (variant 2,
    CSV in UTF-8 with BOM, other columns and spellings)."""
    if variant == 1:
        header = ["企业名称", "登记状态", "法定代表人", "注册资本", "实缴资本", "成立日期",
                  "统一社会信用代码", "企业地址", "所属省份", "所属城市", "所属区县", "电话",
                  "更多电话", "邮箱", "网址", "企业类型", "所属行业", "曾用名", "英文名", "参保人数",
                  "经营范围", "纳税人识别号"]
        data = [
            ["北京星游互动科技有限公司", "存续（在营、开业、在册）", "赵一", "5000万人民币",
             "1000万元人民币", "2015-06-01", Q1, "北京市海淀区某路1号", "北京市", "北京市",
             "海淀区", "010-00000001", "-", "a@example.invalid", "-", "有限责任公司",
             "动漫、游戏数字内容服务", "-", "Xingyou", 210, "动漫设计；游戏美术外包", Q1],
            ["上海幻境网络科技有限公司", "在业", "钱二", "100万美元", "50万美元", "2018-03-12", Q2,
             "上海市浦东新区某路2号", "上海市", "上海市", "浦东新区", "021-00000002", "-", "-", "-",
             "有限责任公司（外国法人独资）", "应用软件开发", "-", "-", 95,
             "网络游戏开发；游戏引擎技术服务", Q2],
            ["深圳旧梦游戏有限公司", "注销", "孙三", "300万港元", "-", "2012-09-30", Q3,
             "深圳市南山区某路3号", "广东省", "深圳市", "南山区", "-", "-", "-", "-",
             "有限责任公司（台港澳法人独资）", "应用软件开发", "-", "-", 0, "手机游戏开发", Q3],
            ["杭州停摆动漫有限公司", "吊销，未注销", "李四", "1.2亿元", "-", "2010-01-05", Q4,
             "杭州市西湖区某路4号", "浙江省", "杭州市", "西湖区", "-", "-", "-", "-",
             "其他有限责任公司", "动漫、游戏数字内容服务", "-", "-", 0, "动漫制作", Q4],
            ["北京新辰文化科技有限公司", "存续", "周五", "-", "-", "2019-11-11", Q5,
             "北京市朝阳区某路5号", "北京市", "北京市", "朝阳区", "-", "-", "-", "-",
             "有限责任公司", "软件和信息技术服务业", "北京旧辰网络科技有限公司", "-", 30,
             "软件开发；技术服务", Q5],
        ]
        rows: list[Row] = [["企业查询导出（虚构测试数据）"], header, *data]
        return write_xlsx(folder / "企业数据导出.xlsx", rows)
    if variant == 3:  # a third platform: serial dates, capital in a 万元 column, blank last column
        header = ["序号", "企业名称", "统一社会 信用代码", "成立日期", "注册资本(万元)", "实缴资本",
                  "经营状态", "国民经济行业", "曾用名", "经营范围", "所属城市", ""]
        data = [
            [1, "上海幻境网络科技有限公司", Q2, 43171, "100万美元", "50万美元", "在业",
             "I 信息传输、软件和信息技术服务业 > 65 软件和信息技术服务业 > 651 软件开发 > 6513 应用软件开发",
             "-", "网络游戏开发、游戏引擎技术服务", "上海市", None],
            [2, "北京星游互动科技有限公司", Q1, 42156, 5000, "1000万元", "存续（在营、开业、在册）",
             "动漫、游戏数字内容服务", "-", "动漫设计；游戏美术外包", "北京市", None],
            [3, "杭州停摆动漫有限公司", Q4, 40183, "1.2亿元", "-", "吊销，未注销",
             "动漫、游戏数字内容服务", "-", "动漫制作", "杭州市", None],
            [4, "北京新辰文化科技有限公司", Q5, 43780, "-", "-", "存续",
             "软件和信息技术服务业", "北京旧辰网络科技有限公司,北京更早科技有限公司", "软件开发",
             "北京市", None],
            [5, "深圳旧梦游戏有限公司", Q3, 41182, "300万港元", None, "注销",
             "应用软件开发", None, "手机游戏开发", "深圳市", None],
        ]
        rows = [["企业列表（共5家，导出时间：2025-07-01，虚构测试数据）", *[None] * 11], header, *data]
        return write_xlsx(folder / "企业列表导出_第三方平台.xlsx", rows, merges=["A1:L1"])
    header = ["统一社会信用代码", "公司名称", "经营状态", "注册资金", "实缴资本(万元)", "成立时间",
              "省份", "城市", "国标行业", "曾用名称", "标签", "企业规模", "经营范围", "科技型企业",
              "联系方式"]
    data = [
        [Q1, "北京星游互动科技有限公司", "存续", "5000万元人民币", "1000", "2015年6月1日",
         "北京", "北京", "信息传输、软件和信息技术服务业>软件和信息技术服务业>数字内容服务>动漫、游戏数字内容服务", "", "高新技术企业", "中型", "动漫设计",
         "是", "-"],
        [Q2, "上海幻境网络科技有限公司", "在业", "100万美元", "350", "2018/3/12", "上海", "上海",
         "I6513 应用软件开发", "", "", "小型", "网络游戏开发", "否", "-"],
        [Q3, "深圳旧梦游戏有限公司", "注销企业", "300万港元", "-", "2012.09.30", "广东", "深圳",
         "应用软件开发", "", "", "微型", "游戏开发", "否", "-"],
        [Q4, "杭州停摆动漫有限公司", "吊销", "12000万人民币", "-", "20100105", "浙江", "杭州",
         "动漫、游戏数字内容服务", "", "", "-", "动漫制作", "否", "-"],
        [Q5, "北京新辰文化科技有限公司", "存续（在营、开业、在册）", "-", "-", "2019-11-11", "北京",
         "北京", "软件和信息技术服务业", "北京旧辰网络科技有限公司；北京更早科技有限公司", "", "-",
         "软件开发", "否", "-"],
    ]
    return write_csv(folder / "bulk_export.csv", [header, *data], "utf-8-sig")


# -- the registry's change list of a quarter ------------------------------------------------------
def change_list(folder: Path, variant: int) -> Path:
    """M1 moved in (迁入, 一镇), E2 moved out (迁出), N1 deregistered (注销)."""
    if variant == 1:
        rows: list[Row] = [
            ["迷你市2025年第一季度市场主体变动情况（虚构测试数据）"],
            ["序号", "统一社会信用代码", "企业名称", "变动类型", "变动日期", "登记机关", "所属镇（区）"],
            [1, M1, "迷你迁来游戏科技有限公司", "迁入", "2025-02-10", "迷你市市场监督管理局", "一镇"],
            [2, E2, "迷你装备制造有限公司", "迁出", "2025-03-01", "迷你市市场监督管理局", None],
            [3, N1, "迷你像素动漫有限公司", "注销", "2025-03-20", "迷你市市场监督管理局", None],
        ]
        return write_csv(folder / "市场主体变动_2025Q1.csv", rows, "gbk")
    if variant == 3:  # XLSX with a merged title, serial dates, a 注 row in the middle
        rows = [
            ["2025年第一季度企业登记变动清单（虚构测试数据）", None, None, None, None, None],
            ["变动日期", "统一社会信用代码 ", "名称", "变动情况", "镇（区）", ""],
            [45698, M1, "迷你迁来游戏科技有限公司", "迁入", "一镇", None],
            ["注：迁入企业以迁入登记日期为准。", None, None, None, None, None],
            ["2025年3月1日", E2, "迷你装备制造有限公司", "迁出", None, None],
            ["2025/3/20", N1, "迷你像素动漫有限公司", "注销", None, None],
        ]
        return write_xlsx(folder / "登记变动清单_一季度.xlsx", rows, merges=["A1:F1"])
    rows = [
        ["2025年一季度企业迁移与注销名单"],
        ["企业名称", "变更类型", "所在镇（区）", "社会信用代码", "核准日期", "备注信息"],
        ["迷你像素动漫有限公司", "注销登记", "", N1, "2025年3月20日", "简易注销"],
        ["迷你迁来游戏科技有限公司", "迁入登记", "一镇", M1, "2025年2月10日", ""],
        ["迷你装备制造有限公司", "已迁出", "", E2, "2025年3月1日", "迁往外省"],
    ]
    return write_xlsx(folder / "迁移注销名单.xlsx", rows)


# -- an older 规上企业名录 in GBK with registry columns and revenue ---------------------------------
OLD_NAME_E1 = "迷你市迷你数字科技股份公司"  # another form of E1's name


def old_registry(folder: Path, variant: int) -> Path:
    """E1 (under another name form) and N2, with registry columns and 2023 revenue."""
    if variant == 1:
        rows: list[Row] = [
            ["2023年度规模以上文化企业名录（虚构测试数据）"],
            ["企业名称", "统一社会信用代码", "登记状态", "注册资本（万元）", "成立日期", "所属镇（区）",
             "行业代码", "经营范围", "营业收入（万元）", "从业人员"],
            [OLD_NAME_E1, E1, "存续", "2000", "2016-03-02", "一镇", "6513", "游戏软件开发",
             "5100.5", "118"],
            ["迷你之声广播传媒有限公司", N2, "在业", "800", "2020/7/1", "二街道", "8710",
             "广播节目制作", "1900", "28"],
            ["合计", "", "", "", "", "", "", "", "7000.5", "146"],
        ]
        return write_csv(folder / "2023年规上企业名录.csv", rows, "gbk")
    if variant == 3:  # revenue in 千元, capital with units in the cells, a trailing blank column
        rows = [
            ["2023年规模以上文化企业名录（虚构测试数据）", "", "", "", "", "", "", "", "", ""],
            ["统一社会信用代码（法人）", "营业收入（千元）", "企业名称", "注册资本", "成立日期",
             "所在镇（街道）", "国民经济行业代码", "期末从业人员", "登记状态", ""],
            [N2, "19000", "迷你之声广播传媒有限公司", "800万元人民币", "2020年7月1日", "二街道",
             "8710", "28", "在业", ""],
            ["注：营业收入为全年数。", "", "", "", "", "", "", "", "", ""],
            [E1, "51005", OLD_NAME_E1, "2000万元", "2016/3/2", "一镇", "6513", "118", "存续", ""],
            ["合计", "70005", "", "", "", "", "", "146", "", ""],
        ]
        return write_csv(folder / "规上名录2023_v3.csv", rows, "gbk")
    rows = [
        ["规上企业名录（2023年，虚构测试数据）"],
        ["单位：万元"],
        ["统一代码", "单位名称", "企业状态", "注册资本", "所属乡镇（街道）", "营业收入", "从业人员数",
         "行业代码", "开业日期", "单位负责人电话"],
        [E1, OLD_NAME_E1, "在营", "2000万元", "一镇", "5100.5", "118", "6513", "2016年3月2日",
         "0512-00000000"],
        [N2, "迷你之声广播传媒有限公司", "存续", "800", "二街道", "1900", "28", "8710", "2020-07-01",
         "-"],
    ]
    return write_csv(folder / "old_list.csv", rows, "gb18030")


# -- files that refer to enterprises by name only -------------------------------------------------
def talent_by_name(folder: Path, name: str, period_text: str = "2025年一季度") -> Path:
    """A quarterly talent report naming one enterprise by name only (no credit code)."""
    rows: list[Row] = [
        [f"{period_text}人才引进情况（虚构测试数据）"],
        ["企业名称", "引进人才数"],
        [name, 4],
    ]
    return write_xlsx(folder / f"人才引进_{period_text}.xlsx", rows)


def refused_file(folder: Path) -> Path:
    """A registry export with a nonexistent industry code and a wrong credit code."""
    wrong = N1[:17] + ("0" if N1[17] != "0" else "1")
    rows: list[Row] = [
        ["企业名称", "统一社会信用代码", "行业代码", "所属镇（区）", "注册资本"],
        ["迷你错误代码文化有限公司", uscc(631), "8799", "一镇", "100万人民币"],
        ["迷你像素动漫有限公司", wrong, "6572", "一镇", "100万人民币"],
        ["迷你正常文化有限公司", uscc(632), "8710", "一镇", "abc"],
    ]
    return write_xlsx(folder / "有问题的名录.xlsx", rows)


# -- industries outside the culture crosswalk, and names at every level of GB/T 4754-2017 ---------
R1 = uscc(641)  # 1311 稻谷加工: a real class, not culture
R2 = uscc(642)  # 所属行业 at 中类 level: 玩具制造 (245) → 0930
R3 = uscc(643)  # 所属行业 at 小类 level: 录音制作 (8770) → 0222
R4 = uscc(644)  # 所属行业 at 中类 level outside culture: 谷物磨制 (131)
R5 = uscc(645)  # 所属行业 at 中类 level, only partly culture: 专用化学产品制造 (266)


def industry_levels(folder: Path) -> Path:
    """A registry list naming industries by code and by name at the 中类 and 小类 levels."""
    rows: list[Row] = [
        ["迷你市市场主体名录（虚构测试数据）"],
        ["统一社会信用代码", "企业名称", "所属镇（区）", "行业代码", "所属行业"],
        [R1, "迷你粮油加工有限公司", "一镇", "1311", None],
        [R2, "迷你童趣玩具有限公司", "一镇", None, "玩具制造"],
        [R3, "迷你声音工坊文化有限公司", "二街道", None, "R 文化、体育和娱乐业>录音制作"],
        [R4, "迷你面粉厂有限公司", "二街道", None, "谷物磨制"],
        [R5, "迷你精细化工有限公司", "一镇", None, "专用化学产品制造"],
    ]
    return write_xlsx(folder / "市场主体名录_行业.xlsx", rows)


def made_up_codes(folder: Path) -> Path:
    """Codes shaped right but absent from GB/T 4754-2017, in several divisions."""
    rows: list[Row] = [
        ["企业名称", "统一社会信用代码", "行业代码", "所属镇（区）"],
        ["迷你虚构代码甲有限公司", uscc(651), "0100", "一镇"],
        ["迷你虚构代码乙有限公司", uscc(652), "8799", "一镇"],
        ["迷你虚构代码丙有限公司", uscc(653), "C1398", "一镇"],
        ["迷你虚构代码丁有限公司", uscc(654), "1315", "二街道"],
        ["迷你真实代码有限公司", uscc(655), "1319", "二街道"],
    ]
    return write_csv(folder / "虚构代码名录.csv", rows, "utf-8-sig")


VOLATILE = {"prov_loaded_at", "prov_delivery"}
"""Provenance that differs between two loads of the same files (when, which delivery)."""


def store_content(store: GraphStore) -> tuple[object, object]:
    """Every node and relationship with its properties but :data:`VOLATILE`, in a comparable form:
    two stores that loaded the same files give equal contents. Provenance is expanded (the file a
    fact's Delivery names), and the Delivery records themselves, all volatile, are left out."""
    schema = store.schema
    prov = Provenance(store)

    def kept(props: Mapping[str, object]) -> list[tuple[str, object]]:
        return sorted((k, v) for k, v in prov.expand(props).items() if k not in VOLATILE)

    nodes = {lbl: sorted((n.key, kept(n.props)) for n in store.find_nodes(lbl))
             for lbl in schema.map_labels}
    rels = {rt: sorted((str(r.start), str(r.end), kept(r.props))
                       for r in store.find_relationships(rt)) for rt in schema.relationships}
    return nodes, rels
