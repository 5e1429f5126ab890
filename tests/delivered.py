"""Four exports as a data administrator receives them, generated for the CLI tests of issue 8.

All names, codes and figures are invented (credit codes valid but fictional, serials 700 and up);
the shapes follow the files offices really send, not what the loader was written for:

- :func:`bureau_list`: 统计局 规上文化企业名录 as XLSX — a merged title naming the period only
  there ("2025年1-3月"), a 填报单位 line, a separate 单位：千元 line, a two-row header with
  主要经济指标 merged over 营业收入/利润总额/资产总计/从业人员期末人数, the town written once
  for the two enterprises under it (merged down the column), a 合计 row and a 注： row;
- :func:`platform_export`: a 企查查-style bulk export (a title line, the platform's own column
  names, capital as "5000万元人民币"/"100万美元"/"-", 所属行业 as a GB/T 4754-2017 name);
- :func:`change_list`: the registry's changes of a quarter (迁入/迁出/注销/吊销 with dates), CSV in
  UTF-8 with a BOM;
- :func:`old_registry_gbk`: an older 规上企业名录 in GBK with registry columns and revenue whose
  period is only in the column headers (2024年营业收入, 2025年1-3月营业收入).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path


from tests.minicity import E1, E2, uscc
from tests.realworld import write_xlsx

Cell = object

# The bureau list (all local, 规上)
B1 = uscc(701)  # 迷你光影动漫制作有限公司, 6572 → 0241, 一镇
B2 = uscc(702)  # 迷你回声广播有限公司, 8710, 二街道
# The platform export (outside)
P1 = uscc(711, "110105")  # 北京, 存续, 5000万元人民币, 6572 by name
P2 = uscc(712, "310104")  # 上海, 在业, 100万美元, 6572 by name
P3 = uscc(713, "440304")  # 深圳, 注销, "-", 6572 by name
P4 = uscc(714, "330102")  # 杭州, 吊销, 1.2亿元, 6572 by name
P5 = uscc(715, "110105")  # 北京, 存续, 300万港元, 曾用名 given, 中类 name
P6 = uscc(716, "320106")  # 南京, 停业
P7 = uscc(717, "320106")  # 南京, 清算
# The old registry list
O1 = uscc(731)  # 迷你纸艺文创有限公司, 二街道, 2439
# The change list
C1 = uscc(721)  # moves in (迁入) to 一镇, 6572

ART = "esports-games.art"  # the built-in chain link that covers 0241 (GB/T 6572)


def _xlsx(path: Path, rows: Sequence[Sequence[Cell]], merges: Sequence[str]) -> Path:
    return write_xlsx(path, rows, merges, sheet="规上文化企业")


def _csv(path: Path, rows: Sequence[Sequence[Cell]], encoding: str) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [["" if c is None else c for c in row] for row in rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def bureau_list(folder: Path, revenue_b1: int = 23456, months: str = "1-3") -> Path:
    """2025年1-3月 (or the year to date ``months``, e.g. ``1-6``), figures in 千元
    (``revenue_b1`` is B1's 营业收入 in 千元)."""
    rows: list[list[Cell]] = [
        [f"迷你市规模以上文化及相关产业企业名录（2025年{months}月）", None, None, None, None, None,
         None, None, None],
        ["填报单位：迷你市统计局（虚构测试数据）", None, None, None, None, None, None, "单位：千元",
         None],
        ["序号", "单位详细名称", "统一社会信用代码", "行业代码", "所在乡镇（街道）",
         "主要经济指标", None, None, None],
        [None, None, None, None, None, "营业收入", "利润总额", "资产总计", "从业人员期末人数"],
        [1, "迷你光影动漫制作有限公司", B1, "6572", "一镇", revenue_b1, 1200, 80000, 64],
        [2, "迷你数字科技有限公司", E1, "6513", None, 15000, 2500, 120000, 121],  # 一镇, merged
        [3, "迷你回声广播有限公司", B2, "8710", "二街道", 9870.5, -300, 45000, 38],
        ["合计", None, None, None, None, revenue_b1 + 9870.5 + 15000, 3400, 245000, 223],
        ["注：1.本表为虚构测试数据。2.从业人员单位为人。", None, None, None, None, None, None,
         None, None],
    ]
    name = "2025年一季度" if months == "1-3" else f"2025年{months}月"
    return _xlsx(folder / f"规上文化企业名录_{name}.xlsx", rows,
                 ["A1:I1", "A2:G2", "F3:I3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "E5:E6"])


def platform_export(folder: Path) -> Path:
    """Seven outside enterprises as a business-information platform exports them."""
    header = ["企业名称", "登记状态", "法定代表人", "注册资本", "实缴资本", "成立日期",
              "统一社会信用代码", "所属省份", "所属城市", "所属区县", "曾用名", "参保人数",
              "企业类型", "所属行业", "经营范围", "英文名", "电话", "邮箱", "网址", "地址"]
    rows: list[list[Cell]] = [
        ["企查查 企业数据导出（虚构测试数据） 导出时间：2025-04-02"],
        header,
        ["北京绘境动画有限公司", "存续（在营、开业、在册）", "赵某", "5000万元人民币", "2000万元人民币",
         "2012-06-18", P1, "北京市", "北京市", "朝阳区", "-", 230, "有限责任公司",
         "动漫、游戏数字内容服务", "动漫设计；游戏美术外包", "Beijing Huijing Animation Co., Ltd.",
         "010-00000001", "a@example.invalid", "www.example.invalid", "北京市朝阳区某路1号"],
        ["上海星桥数字娱乐有限公司", "在业", "钱某", "100万美元", "-", "2016-09-01", P2, "上海市",
         "上海市", "徐汇区", "", 88, "有限责任公司（外国法人独资）", "动漫、游戏数字内容服务",
         "游戏美术设计", "", "021-00000002", "", "", "上海市徐汇区某路2号"],
        ["深圳旧岸动漫有限公司", "注销", "孙某", "-", "-", "2010-01-05", P3, "广东省", "深圳市",
         "南山区", "", 0, "有限责任公司", "动漫、游戏数字内容服务", "动漫制作", "", "-", "-", "-",
         "深圳市南山区某路3号"],
        ["杭州停云数字内容有限公司", "吊销，未注销", "李某", "1.2亿元", "-", "2014-03-12", P4,
         "浙江省", "杭州市", "西湖区", "", 0, "有限责任公司", "动漫、游戏数字内容服务",
         "数字内容制作", "", "", "", "", "杭州市西湖区某路4号"],
        ["北京新禾互动文化有限公司", "存续", "周某", "300万港元", "300万港元", "2018-11-30", P5,
         "北京市", "北京市", "海淀区", "北京禾苗互动文化有限公司；北京禾苗互动科技有限公司", 45,
         "有限责任公司（台港澳法人独资）", "数字内容服务", "动漫、游戏数字内容服务；数字出版",
         "Beijing Xinhe Interactive", "010-00000005", "", "", "北京市海淀区某路5号"],
        ["南京歇脚动漫有限公司", "停业", "吴某", "10万元人民币", "", "2013-07-07", P6, "江苏省",
         "南京市", "玄武区", "", 2, "有限责任公司", "动漫、游戏数字内容服务", "动漫设计", "", "", "",
         "", ""],
        ["南京散场数字内容有限公司", "清算", "郑某", "800万元", "", "2017-02-02", P7, "江苏省",
         "南京市", "玄武区", "", 0, "有限责任公司", "动漫、游戏数字内容服务", "数字内容制作", "",
         "", "", "", ""],
        ["数据来源：企查查（虚构测试数据）"],
        ["导出时间：2025-04-02 10:00"],
    ]
    return _xlsx(folder / "企查查导出_动漫游戏_20250402.xlsx", rows, ["A1:T1"])


def change_list(folder: Path) -> Path:
    """The registry's changes of 2025Q1: C1 moves in, E2 moves out, B2 deregistered, B1 revoked,
    and E1's name change (a change that is not one of status)."""
    rows: list[list[Cell]] = [
        ["迷你市2025年第一季度市场主体变动情况（虚构测试数据）"],
        ["序号", "企业名称", "统一社会信用代码", "变动类型", "变动日期", "迁入地/迁出地",
         "所属镇（区）", "行业代码"],
        [1, "迷你新迁动漫有限公司", C1, "迁入", "2025-02-10", "苏州市某区", "一镇", "6572"],
        [2, "迷你装备制造有限公司", E2, "迁出", "2025/03/01", "上海市某区", "", ""],
        [3, "迷你回声广播有限公司", B2, "注销", "2025年3月15日", "", "", ""],
        [4, "迷你光影动漫制作有限公司", B1, "吊销", "20250320", "", "", ""],
        [5, "迷你数字科技有限公司", E1, "名称变更", "2025-03-25", "", "", ""],
        ["注：变动类型取自登记系统。", None, None, None, None, None, None, None],
    ]
    return _csv(folder / "2025Q1市场主体变动.csv", rows, "utf-8-sig")


def old_registry_gbk(folder: Path) -> Path:
    """An older 规上企业名录 in GBK: registry columns and revenue for two periods, one row naming a
    known enterprise by another form of its name (迷你数字科技有限公司 is E1), one without a credit
    code (E2, found by its name)."""
    rows: list[list[Cell]] = [
        ["迷你市规上企业名录（虚构测试数据）"],
        ["企业名称", "统一社会信用代码", "成立日期", "注册资本(万元)", "所属镇（区）", "行业代码",
         "经营范围", "2024年营业收入（万元）", "2025年1-3月营业收入（万元）", "从业人员"],
        ["迷你数字科技股份有限公司", E1, "2016-03-02", "1000", "一镇", "6513",
         "游戏软件开发", "6100.5", "1500", "125"],
        ["迷你纸艺文创有限公司", O1, dt.date(2019, 5, 20).isoformat(), "200", "二街道",
         "2439", "工艺美术品制造", "880", "210.25", "22"],
        ["迷你装备制造有限公司", "", "", "", "二街道", "", "", "", "95.5", ""],  # no code: by name
    ]
    return _csv(folder / "规上企业名录(旧).csv", rows, "gbk")


def talent_by_alias(folder: Path) -> Path:
    """A quarterly talent list naming E1 by the name form the old registry brought (no code)."""
    rows: list[list[Cell]] = [
        ["2025年第一季度引进人才情况"],
        ["企业名称", "引进人才数"],
        ["迷你数字科技股份有限公司", 7],
    ]
    return _csv(folder / "人才引进_2025Q1.csv", rows, "utf-8-sig")


def cumulative_h1(folder: Path) -> Path:
    """2025年1-6月 (cumulative) revenue of B1 and E1 in 万元, with the 2024 year beside it."""
    rows: list[list[Cell]] = [
        ["规上文化企业营业收入（虚构测试数据）"],
        ["单位名称", "统一社会信用代码", "2024年营业收入（万元）", "2025年1-6月营业收入（万元）"],
        ["迷你光影动漫制作有限公司", B1, 9000, 5000],
        ["迷你数字科技有限公司", E1, 6200, 3100],
    ]
    return _csv(folder / "上半年营收.csv", rows, "gbk")


def refused_list(folder: Path) -> Path:
    """A bureau-style list with a code GB/T 4754-2017 lacks and a bad credit code."""
    rows: list[list[Cell]] = [
        ["迷你市规模以上文化企业名录（2025年1-3月）"],
        ["单位详细名称", "统一社会信用代码", "行业代码", "营业收入（万元）"],
        ["迷你错码传媒有限公司", uscc(741), "8799", 100],
        ["迷你坏码文化有限公司", uscc(742)[:-1] + ("0" if uscc(742)[-1] != "0" else "1"), "8710",
         200],
    ]
    return _xlsx(folder / "有误的名录.xlsx", rows, ["A1:D1"])
