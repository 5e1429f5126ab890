#!/usr/bin/env python3
"""Generate tupu's fictional sample city: a plausible Taicang (太仓市) cultural-industry map.

Usage::

    python data/generate_sample.py [--out DIR] [--seed N] [--outside N] [--local N]

The output is a data folder in the canonical format (``docs/canonical-format.md``): a
``dataset.yaml``, ``nodes/<Label>.csv``, ``relationships/<TYPE>.csv`` and a bilingual
``README.md``.  The taxonomy (文化及相关产业分类（2018）) and the chain templates are *read* from
``ontology/`` at generation time and included by reference, never copied, so the sample always
agrees with them.

Real: the towns, streets and functional zones of Taicang, the three parks the 2025 plan names,
and the universities' names and cities.  Invented: every enterprise, project, fund, tie and
figure.

The output is deterministic: the same arguments give byte-identical files.  Every part draws
from its own ``random.Random`` seeded from ``(seed, part)``, so the local city does not change
when only ``--outside`` changes, and the first few thousand outside enterprises are the same
whatever the size of the pool.  Outside enterprises are streamed to the CSV writers, so
``--outside 1000000`` runs in bounded memory.  Writing to a folder first removes the
``nodes/*.csv`` and ``relationships/*.csv`` already there.

Strengths and gaps are designed: the local enterprises are spread over the chain links by the
city's strengths (e-sports and games, digital content, cultural equipment), every link that is
not a designed gap gets enough of them not to look weak by accident, and the gaps follow a story
(``BROKEN_STORY``, ``OTHER_GAP_STORY``) matched by words of the templates' link names, with a
generic choice by structure for templates the story does not fit.  A link's local enterprises
are those in a sub-sector the link covers, so a gap reserves all of its codes.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import math
import random
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "sample"
DEFAULT_ONTOLOGY = ROOT / "ontology"
DEFAULT_SEED = 2025
DEFAULT_LOCAL = 600
DEFAULT_OUTSIDE = 3200

TAXONOMY_FILE = Path("data") / "culture-taxonomy-2018.csv"
CHAINS_DIR = Path("chains") / "culture"

CITY = "太仓市"
PROVINCE = "江苏省"
REGION_TAICANG = "320585"
PERIODS: tuple[str, ...] = ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2")
LAST_DAY = date(2025, 6, 30)

# The outside pool's head: ties to the local city are drawn from its first HEAD_SIZE enterprises,
# which are the same whatever --outside is (as long as it is at least that large).
HEAD_SIZE = 3000
TOP30_POSITIONS: frozenset[int] = frozenset(7 + 97 * k for k in range(30))
OUTSIDE_PER_LINK_FIRST = 4  # the first enterprises of the pool go round-robin over the links
RING_SIZE = 64
NAME_DEDUP_LIMIT = 200_000  # keep outside names unique while the pool is at most this large


# --------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015) and the organisation code inside it (GB 11714-1997)
# --------------------------------------------------------------------------------------------

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_ALPHABET)}
CREDIT_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MA_SPACE = 31**6
_DIGIT_SPACE = 10**8


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code.

    Weights are 3^i mod 31 for positions i = 0..16; the check value is 31 - (sum mod 31), where
    31 maps to 0, written in the 31-character alphabet.
    """
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = 0
    for ch, weight in zip(first17, CREDIT_WEIGHTS):
        value = _CREDIT_VALUE.get(ch)
        if value is None:
            raise ValueError(f"{ch!r} is not in the credit-code alphabet")
        total += value * weight
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` has 18 characters of the alphabet and the right check character."""
    if len(code) != 18 or any(c not in _CREDIT_VALUE for c in code):
        return False
    return credit_check_char(code[:17]) == code[17]


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - 55  # A = 10 … Z = 35


def org_check_char(body8: str) -> str:
    """The GB 11714-1997 check character of an 8-character organisation-code body."""
    total = sum(_org_value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _base31(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        chars.append(CREDIT_ALPHABET[digit])
    return "".join(reversed(chars))


def make_credit_code(region: str, serial: int, new_style: bool) -> str:
    """A valid credit code for an enterprise (registration authority 9, type 1) in ``region``.

    ``serial`` is scrambled by a bijection, so distinct serials give distinct codes.  New-style
    organisation codes start with ``MA`` (registered since late 2015); old-style ones are the
    8-digit organisation codes the credit code absorbed.
    """
    if new_style:
        body = "MA" + _base31((serial * 387_420_489 + 12_345_671) % _MA_SPACE, 6)
    else:
        body = f"{(serial * 73_939_133 + 31_415_926) % _DIGIT_SPACE:08d}"
    first17 = "91" + region + body + org_check_char(body)
    return first17 + credit_check_char(first17)


# --------------------------------------------------------------------------------------------
# Reading the taxonomy and the chain templates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubSectorInfo:
    code: str
    name: str
    domain: str


@dataclass(frozen=True)
class Link:
    id: str
    name: str
    stage: str
    position: int
    chain: str
    chain_name: str
    codes: tuple[str, ...]
    preds: tuple[str, ...]
    succs: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    classes: dict[str, SubSectorInfo]  # 小类 code -> info
    chains: dict[str, str]  # chain id -> name
    links: dict[str, Link]  # in file order
    feeds: tuple[tuple[str, str], ...]

    def class_name(self, code: str) -> str:
        return self.classes[code].name


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(f)]


def load_reference(ontology_dir: Path) -> Reference:
    """Read the 小类 of the taxonomy and the culture chain templates from ``ontology_dir``."""
    classes: dict[str, SubSectorInfo] = {}
    for row in _read_rows(ontology_dir / TAXONOMY_FILE):
        if row.get("level") == "class":
            classes[row["code"]] = SubSectorInfo(row["code"], row["name"], row.get("domain", ""))
    chains_dir = ontology_dir / CHAINS_DIR
    chains = {r["id"]: r["name"] for r in _read_rows(chains_dir / "nodes" / "Chain.csv")}
    link_rows = _read_rows(chains_dir / "nodes" / "ChainLink.csv")
    chain_of: dict[str, str] = {}
    for r in _read_rows(chains_dir / "relationships" / "HAS_LINK.csv"):
        chain_of.setdefault(r["end"], r["start"])
    covers: dict[str, list[str]] = {}
    for r in _read_rows(chains_dir / "relationships" / "COVERS.csv"):
        if r["end"] in classes and r["end"] not in covers.setdefault(r["start"], []):
            covers[r["start"]].append(r["end"])
    feeds: list[tuple[str, str]] = []
    for r in _read_rows(chains_dir / "relationships" / "FEEDS.csv"):
        if (r["start"], r["end"]) not in feeds:
            feeds.append((r["start"], r["end"]))
    links: dict[str, Link] = {}
    for r in link_rows:
        lid = r["id"]
        chain = chain_of.get(lid, "")
        pos = r.get("position", "")
        links[lid] = Link(
            id=lid,
            name=r["name"],
            stage=r.get("stage", ""),
            position=int(pos) if pos.isdigit() else 0,
            chain=chain,
            chain_name=chains.get(chain, ""),
            codes=tuple(sorted(covers.get(lid, []))),
            preds=tuple(sorted({a for a, b in feeds if b == lid and a != lid})),
            succs=tuple(sorted({b for a, b in feeds if a == lid and b != lid})),
        )
    feeds = [(a, b) for a, b in feeds if a in links and b in links]
    return Reference(classes=classes, chains=chains, links=links, feeds=tuple(feeds))


# --------------------------------------------------------------------------------------------
# Keywords: strengths of the city, kinds of links, name words
# --------------------------------------------------------------------------------------------

# How strong the city is in a chain, by words of the chain's name (the largest match wins).
CHAIN_STRENGTH: tuple[tuple[str, float], ...] = (
    ("电竞", 3.6), ("游戏", 3.4), ("数字", 2.4), ("动漫", 2.2), ("装备", 2.8), ("制造", 2.4),
    ("设计", 1.3), ("创意", 1.3), ("影视", 1.1), ("文旅", 1.0), ("旅游", 1.0),
    ("人工智能", 0.9), ("AI", 0.9),
)
# Links the city is especially strong in, by words of their names (a factor on their share).
STRONG_LINK_HINTS: tuple[str, ...] = ("游戏研发", "动漫创作", "舞台灯光", "游乐游艺", "电竞赛事")
# Words of a link's name that make it a plausible gap of a county-level city.
GAP_HINTS: tuple[str, ...] = (
    "赛事", "版权", "发行", "引擎", "芯片", "授权", "交易", "衍生", "特效", "IP", "经纪",
    "评估", "渲染", "大模型", "算力", "海外", "拍卖", "光学", "显示",
)
MFG_WORDS: tuple[str, ...] = (
    "制造", "设备", "装备", "器材", "乐器", "印刷", "终端", "材料", "元器件", "硬件", "灯",
    "音响", "生产",
)
DIGITAL_WORDS: tuple[str, ...] = (
    "电竞", "游戏", "动漫", "数字", "互联网", "软件", "网络", "直播", "虚拟", "智能", "大模型",
)

NAME_WORDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("电竞",), ("电竞文化", "电子竞技", "电竞科技")),
    (("电子游艺", "网吧", "歌舞", "室内娱乐"), ("互娱科技", "文化娱乐", "电竞文化")),
    (("游戏",), ("网络科技", "互动娱乐", "游戏科技", "数字娱乐")),
    (("动漫",), ("动漫文化", "动画科技", "数字动漫")),
    (("软件",), ("软件科技", "信息技术", "数字科技")),
    (("互联网",), ("网络科技", "互联网科技", "数字传媒")),
    (("数字内容", "增值电信", "数字出版"), ("数字科技", "数字传媒", "数字内容")),
    (("影视", "电影", "电视节目", "广播电视节目"), ("影视文化", "影业", "影视制作", "文化传媒")),
    (("录音", "音像"), ("音乐文化", "声像科技", "唱片")),
    (("文艺创作", "表演", "群众文体"), ("文化艺术", "演艺", "文化发展")),
    (("广告",), ("广告", "品牌策划", "文化传播")),
    (("设计",), ("创意设计", "设计", "文化创意")),
    (("印刷", "装订", "复制", "纸", "油墨", "信息化学品"), ("印务", "包装印刷", "印刷科技")),
    (("出版", "图书", "报刊", "报纸", "期刊", "新闻"), ("文化传播", "出版服务", "图书发行")),
    (("灯", "照明"), ("舞台灯光", "光电科技", "照明科技")),
    (("音响",), ("声学科技", "音响设备", "电声科技")),
    (("游乐", "游艺", "娱乐用品"), ("游乐设备", "游艺科技", "娱乐设备")),
    (("乐器",), ("乐器", "琴业", "乐器科技")),
    (("投影", "录放", "电影机械", "照相", "视听", "电视机"), ("光电科技", "影像科技", "视听科技")),
    (("广播电视", "发射", "接收", "配件"), ("广电科技", "电子科技", "通信设备")),
    (("无人飞行器",), ("无人机科技", "智能科技")),
    (("可穿戴", "智能文化"), ("智能科技", "智能终端", "电子科技")),
    (("工艺", "陶瓷", "雕塑", "刺绣", "首饰", "珠宝", "编织", "漆器", "地毯", "挂毯"),
     ("工艺品", "艺术品", "文创")),
    (("艺术品", "收藏", "拍卖"), ("艺术品", "拍卖", "文化艺术")),
    (("景区", "游览", "公园", "观光", "游乐园", "休闲", "动物园", "植物园"),
     ("文旅发展", "旅游开发", "文化旅游")),
    (("会议", "展览"), ("会展服务", "展览展示")),
    (("经纪",), ("文化经纪", "艺人经纪")),
    (("版权",), ("版权服务", "知识产权服务", "文化软件")),
    (("培训", "辅导"), ("文化艺术培训", "教育科技")),
    (("玩具",), ("玩具",)),
    (("文具", "笔的", "墨水"), ("文具", "文化用品")),
    (("投资", "资产管理", "总部", "园区管理"), ("文化投资", "文化发展", "园区运营管理")),
    (("票务", "贸易代理", "活动服务", "婚庆", "出租"), ("文化服务", "活动策划", "票务服务")),
)
DEFAULT_NAME_WORDS: tuple[str, ...] = ("文化发展", "文化科技")

# Invented brand syllables.  Two-character brands are drawn from FIRST x SECOND; none is a
# well-known company's name.
BRAND_FIRST = tuple("澜屿珩玥翎岚璟墨沅栖砚霁曜漪棠泠汀淼朔禾岱溯峤弈禹芮橙杉穹琢萤洵昀晞瑄渚篁芃蔚湛")
BRAND_SECOND = tuple("光川帆石野木舟纪原合序元象界行境羽声青尘音徽图林阁影匠澈衡泽途谷岸桥砾森野")
BRAND_BLOCKLIST: frozenset[str] = frozenset({"光合", "元象", "墨境", "青木", "木舟", "禾木"})


def _hits(text: str, words: Sequence[str]) -> int:
    return sum(1 for w in words if w in text)


def chain_strength(chain_name: str) -> float:
    best = 1.0
    for word, value in CHAIN_STRENGTH:
        if word in chain_name:
            best = max(best, value)
    return best


def name_words(text: str) -> tuple[str, ...]:
    for keys, words in NAME_WORDS:
        if any(k in text for k in keys):
            return words
    return DEFAULT_NAME_WORDS


def is_manufacturing(ref: Reference, link: Link) -> bool:
    if _hits(link.name, MFG_WORDS):
        return True
    names = [ref.class_name(c) for c in link.codes]
    return bool(names) and sum(1 for n in names if "制造" in n) * 2 >= len(names)


def is_digital(link: Link) -> bool:
    return bool(_hits(link.name + link.chain_name, DIGITAL_WORDS))


# --------------------------------------------------------------------------------------------
# The gaps, by construction
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapPlan:
    """Which links the local city lacks (missing), has 1–2 enterprises in (weak), and which of
    those are broken links (断链: both FEEDS neighbours well present)."""

    missing: tuple[str, ...]
    weak: tuple[tuple[str, int, str], ...]  # (link, local enterprises, the code they get)
    broken: tuple[str, ...]
    reserved: frozenset[str]  # codes no other local enterprise may have
    available: dict[str, tuple[str, ...]]  # link -> codes local enterprises of the link use
    minimum: dict[str, int]  # link -> at least this many local enterprises

    @property
    def gap_links(self) -> tuple[str, ...]:
        return self.missing + tuple(w[0] for w in self.weak)


def _gap_score(link: Link) -> float:
    return (
        2.0 * chain_strength(link.chain_name)
        + 1.5 * _hits(link.name, GAP_HINTS)
        + (1.0 if link.stage == "midstream" else 0.0)
    )


# The story of the sample city's gaps, by words of link names: (words, local enterprises), where
# 0 makes the link missing and 1–2 weak.  The first link whose name contains the words is taken;
# words that match no link of the templates (or a link that cannot be a gap without emptying
# another link) are skipped, and a generic choice by structure fills in.
BROKEN_STORY: tuple[tuple[str, int], ...] = (
    ("游戏发行", 0),  # studios and e-sports events in 科教新城, but no publisher/operator
    ("影视发行", 0),  # shooting and post-production, but no distributor
    ("图书报刊出版", 0),  # authoring and printing, but no licensed publisher
    ("专业音响", 1),  # stage lighting is strong in the towns, professional audio is not
)
OTHER_GAP_STORY: tuple[tuple[str, int], ...] = (
    ("集成播控", 0),  # licensed to provincial broadcasters, not found in a county-level city
    ("票务", 1),
    ("投融资", 2),
)


def plan_gaps(ref: Reference, broken_story: Sequence[tuple[str, int]] = BROKEN_STORY,
              other_story: Sequence[tuple[str, int]] = OTHER_GAP_STORY) -> GapPlan:
    """Choose the gaps deterministically (no randomness) from the story and the templates."""
    links = ref.links
    with_codes = [lid for lid, lk in links.items() if lk.codes]
    chosen: dict[str, int] = {}  # gap link -> local enterprises it gets
    broken: list[str] = []
    protected: set[str] = set()  # neighbours of broken links: they must stay well present

    def weak_code(lid: str, gaps: dict[str, int]) -> str | None:
        others = {c for g in gaps if g != lid for c in links[g].codes}
        free = [c for c in links[lid].codes if c not in others]
        return free[0] if free else None

    def feasible(gaps: dict[str, int]) -> bool:
        reserved = {c for g in gaps for c in links[g].codes}
        if not all(set(links[lid].codes) - reserved for lid in with_codes if lid not in gaps):
            return False
        return all(weak_code(lid, gaps) is not None for lid, n in gaps.items() if n > 0)

    def can_gap(lid: str, count: int) -> bool:
        return lid not in chosen and lid not in protected and feasible({**chosen, lid: count})

    def can_break(lid: str, count: int) -> bool:
        lk = links[lid]
        neighbours = set(lk.preds) | set(lk.succs)
        return (bool(lk.preds) and bool(lk.succs) and not neighbours & set(chosen)
                and all(links[n].codes for n in neighbours) and can_gap(lid, count))

    def by_words(words: str) -> str | None:
        return next((lid for lid in with_codes if words in links[lid].name), None)

    def add(lid: str, count: int, is_broken: bool) -> None:
        chosen[lid] = count
        if is_broken:
            broken.append(lid)
            protected.update(links[lid].preds, links[lid].succs)

    for words, count in broken_story:
        lid = by_words(words)
        if lid is not None and can_break(lid, count):
            add(lid, count, True)
    ordered = sorted(with_codes,
                     key=lambda lid: (-_gap_score(links[lid]), links[lid].position, lid))
    for lid in ordered:  # generic: at least two broken links, in different chains
        if len(broken) >= 2:
            break
        if all(links[b].chain != links[lid].chain for b in broken) and can_break(lid, 0):
            add(lid, 0, True)
    for words, count in other_story:
        lid = by_words(words)
        if lid is not None and can_gap(lid, count):
            add(lid, count, False)
    if len(chosen) == len(broken):  # generic: gaps at the ends of chains
        ends = [lid for lid in ordered if not (links[lid].preds and links[lid].succs)]
        for count in (0, 0, 1, 2):
            lid = next((x for x in ends if can_gap(x, count)), None)
            if lid is not None:
                add(lid, count, False)
    reserved = frozenset(c for g in chosen for c in links[g].codes)
    available = {
        lid: tuple(c for c in links[lid].codes if c not in reserved)
        for lid in with_codes if lid not in chosen
    }
    available = {lid: codes for lid, codes in available.items() if codes}
    weak: list[tuple[str, int, str]] = []
    for lid, count in chosen.items():
        code = weak_code(lid, chosen)
        if count > 0 and code is not None:
            weak.append((lid, count, code))
    return GapPlan(
        missing=tuple(lid for lid, count in chosen.items() if count == 0),
        weak=tuple(weak),
        broken=tuple(broken),
        reserved=reserved,
        available=available,
        minimum={lid: (8 if lid in protected else 3)
                 + 2 * sum(1 for c in links[lid].codes if c in reserved)
                 for lid in available},
    )


# --------------------------------------------------------------------------------------------
# CSV output
# --------------------------------------------------------------------------------------------

Cell = str | int | float | bool | date | None


def fmt(value: Cell) -> str:
    """A cell in the canonical format: empty for unknown, true/false, yyyy-mm-dd, plain numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class CsvSink:
    """A CSV file written row by row (nothing is kept in memory)."""

    def __init__(self, stack: ExitStack, path: Path, header: Sequence[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.header = tuple(header)
        self._file: TextIO = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow(self.header)
        self.rows = 0

    def row(self, *values: Cell) -> None:
        if len(values) != len(self.header):
            raise ValueError(
                f"{self.path.name}: {len(values)} cells for {len(self.header)} columns")
        self._writer.writerow([fmt(v) for v in values])
        self.rows += 1


NODE_HEADERS: dict[str, tuple[str, ...]] = {
    "Town": ("id", "name", "kind", "city"),
    "Park": ("id", "name", "level", "floor_area", "vacant_area", "positioning", "established",
             "operator"),
    "University": ("id", "name", "city", "local", "disciplines"),
    "Fund": ("id", "name", "kind", "size", "stages", "ticket_min", "ticket_max", "city"),
    "Enterprise": ("id", "name", "short_name", "province", "city", "founded",
                   "registered_capital", "annual_revenue", "employees", "listed", "unicorn",
                   "top30", "above_scale", "business_scope"),
    "Project": ("id", "name", "level", "total_investment", "plan_year", "new_in_plan_year",
                "planned_start", "planned_completion", "status"),
    "EnterpriseObservation": ("id", "period", "revenue", "employees", "talent_introduced",
                              "above_scale"),
    "ProjectObservation": ("id", "period", "investment_to_date", "progress", "planned_progress",
                           "status"),
}
REL_HEADERS: dict[str, tuple[str, ...]] = {
    "IN_SUBSECTOR": ("start", "end", "primary"),
    "SUPPLIES": ("start", "end", "product", "annual_value", "since"),
    "COOPERATES_WITH": ("start", "end", "end_label", "kind", "since"),
    "LOCATED_IN": ("start", "end", "start_label", "end_label"),
    "IN_TOWN": ("start", "end"),
    "POSITIONED_FOR": ("start", "end"),
    "STRONG_IN": ("start", "end"),
    "INVESTED_IN": ("start", "end", "end_label", "amount", "date"),
    "FOCUSES_ON": ("start", "end"),
    "OWNS": ("start", "end"),
    "SUBSIDIARY_OF": ("start", "end"),
    "HAS_OBSERVATION": ("start", "end", "start_label", "end_label"),
}


class Output:
    """All the files of the data folder, open for writing."""

    def __init__(self, stack: ExitStack, out: Path) -> None:
        self.out = out
        self.nodes = {k: CsvSink(stack, out / "nodes" / f"{k}.csv", h)
                      for k, h in NODE_HEADERS.items()}
        self.rels = {k: CsvSink(stack, out / "relationships" / f"{k}.csv", h)
                     for k, h in REL_HEADERS.items()}

    def counts(self) -> dict[str, int]:
        found = {f"nodes/{k}.csv": s.rows for k, s in self.nodes.items()}
        found.update({f"relationships/{k}.csv": s.rows for k, s in self.rels.items()})
        return found


# --------------------------------------------------------------------------------------------
# Real places and institutions (names only), invented figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TownSpec:
    id: str
    name: str
    kind: str
    mfg_weight: float  # weight for manufacturers located directly in the town
    service_weight: float


TOWNS: tuple[TownSpec, ...] = (
    TownSpec("chengxiang", "城厢镇", "town", 0.5, 2.0),
    TownSpec("shaxi", "沙溪镇", "town", 3.0, 1.0),
    TownSpec("liuhe", "浏河镇", "town", 1.5, 1.0),
    TownSpec("fuqiao", "浮桥镇", "town", 2.0, 0.5),
    TownSpec("huangjing", "璜泾镇", "town", 3.0, 0.5),
    TownSpec("shuangfeng", "双凤镇", "town", 2.0, 0.5),
    TownSpec("loudong", "娄东街道", "street", 1.0, 2.0),
    TownSpec("ludu", "陆渡街道", "street", 1.0, 1.0),
    TownSpec("port-zone", "太仓港经济技术开发区", "zone", 2.0, 0.5),
    TownSpec("hitech-zone", "太仓高新技术产业开发区", "zone", 2.0, 1.5),
    TownSpec("kejiao", "科教新城", "zone", 0.3, 2.5),
)


@dataclass(frozen=True)
class ParkSpec:
    id: str
    name: str
    town: str
    level: str
    floor_area: float
    vacant_area: float
    positioning: str
    established: date
    operator: str | None
    keywords: tuple[str, ...]
    max_links: int = 8


PARKS: tuple[ParkSpec, ...] = (
    ParkSpec("tianjinghu", "天镜湖文化科技产业园", "kejiao", "provincial", 185000.0, 9000.0,
             "省级文化科技产业园：电竞游戏、数字内容、动漫与创意设计，推动文化与科技融合",
             date(2011, 6, 1), None,
             ("电竞", "游戏", "动漫", "数字内容", "数字", "互联网", "软件", "设计", "直播"), 12),
    ParkSpec("haimei", "海美国际（太仓）文化创新港", "hitech-zone", "city", 62000.0, 18500.0,
             "文化创意与设计服务、影视后期与数字视听、文化科技企业孵化",
             date(2024, 9, 1), None,
             ("设计", "创意", "广告", "影视", "后期", "视听", "特效", "内容")),
    ParkSpec("huangjing-digital", "璜泾镇数字文化产业园", "huangjing", "city", 48000.0, 21000.0,
             "数字文化装备与智能文化终端制造、数字印刷、文创产品研发生产",
             date(2025, 3, 1), None,
             ("装备", "终端", "智能", "印刷", "视听", "显示", "设备", "数字")),
    ParkSpec("shaxi-oldtown", "沙溪古镇文旅创意园", "shaxi", "town", 26000.0, 1200.0,
             "古镇文旅融合、非遗与工艺美术、文创零售与休闲体验",
             date(2016, 5, 1), "太仓沙溪文旅创意园运营管理有限公司（示例）",
             ("工艺", "非遗", "旅游", "景区", "休闲", "文创", "游览", "伴手礼")),
    ParkSpec("liuhe-zhenghe", "浏河郑和文化创意港", "liuhe", "city", 34000.0, 6000.0,
             "海洋与郑和文化IP、文旅演艺、节庆会展",
             date(2019, 10, 1), "太仓浏河文化创意港管理有限公司（示例）",
             ("演艺", "表演", "会展", "节庆", "旅游", "IP", "文旅", "场馆")),
    ParkSpec("port-equipment", "太仓港文化装备智造园", "port-zone", "municipal", 120000.0, 0.0,
             "文化装备制造：舞台灯光音响、游乐游艺设备、乐器及出口配套",
             date(2014, 4, 1), "太仓港文化装备产业园发展有限公司（示例）",
             ("装备", "设备", "制造", "灯", "音响", "游乐", "乐器", "元器件", "材料")),
    ParkSpec("shuangfeng-film", "双凤数字影视基地", "shuangfeng", "city", 40000.0, 15000.0,
             "影视拍摄与虚拟制作、录音与后期、影视设备租赁",
             date(2025, 1, 1), "太仓双凤影视基地运营有限公司（示例）",
             ("影视", "拍摄", "摄影", "录音", "后期", "虚拟", "制作", "租赁")),
    ParkSpec("loujiang-digital", "娄江新城数字创意中心", "loudong", "city", 52000.0, 8000.0,
             "数字内容与AIGC、动漫游戏、直播与网络视听",
             date(2022, 5, 1), "太仓娄江数字创意中心管理有限公司（示例）",
             ("数字", "动漫", "游戏", "人工智能", "大模型", "AIGC", "直播", "视听", "内容")),
    ParkSpec("hitech-av", "高新区智能视听装备产业园", "hitech-zone", "municipal", 90000.0, 3500.0,
             "智能视听与文化科技装备：投影显示、广电设备、VR/AR与智能文化终端",
             date(2017, 8, 1), "太仓智能视听装备产业园管理有限公司（示例）",
             ("视听", "投影", "显示", "广播电视", "智能", "终端", "设备", "虚拟")),
    ParkSpec("chengxiang-creative", "城厢老城厢文化创意街区", "chengxiang", "city", 18000.0, 600.0,
             "创意设计、工艺美术与艺术品、文化消费与文创零售",
             date(2018, 9, 1), "太仓老城厢文化街区运营有限公司（示例）",
             ("设计", "工艺", "艺术", "零售", "文创", "广告", "品牌")),
    ParkSpec("ludu-esports", "陆渡电竞产业园", "ludu", "city", 30000.0, 5200.0,
             "电竞赛事与场馆运营、电竞直播、电竞俱乐部与培训",
             date(2021, 9, 1), "太仓陆渡电竞产业园管理有限公司（示例）",
             ("电竞", "赛事", "场馆", "直播", "娱乐", "俱乐部", "游戏")),
    ParkSpec("fuqiao-print", "浮桥绿色印刷包装产业园", "fuqiao", "town", 45000.0, 0.0,
             "绿色印刷、包装装潢印刷、印刷设备与材料",
             date(2012, 3, 1), "太仓浮桥印刷包装产业园管理有限公司（示例）",
             ("印刷", "包装", "纸", "油墨", "复制", "材料")),
    ParkSpec("kejiao-incubator", "科教新城大学科技园文创孵化器", "kejiao", "municipal", 24000.0,
             2400.0, "产学研协同、文化科技初创孵化：软件、数字内容、设计与版权服务",
             date(2015, 11, 1), "太仓科教新城文创孵化器管理有限公司（示例）",
             ("软件", "数字", "研发", "设计", "版权", "孵化", "研究", "引擎", "大模型")),
)
NAMED_IN_PLAN = ("天镜湖文化科技产业园", "海美国际（太仓）文化创新港", "璜泾镇数字文化产业园")


@dataclass(frozen=True)
class UniversitySpec:
    id: str
    name: str
    city: str
    local: bool
    disciplines: tuple[str, ...]
    keywords: tuple[str, ...]  # matched against 小类 names for STRONG_IN


UNIVERSITIES: tuple[UniversitySpec, ...] = (
    UniversitySpec("xjtlu-taicang", "西交利物浦大学太仓校区", "太仓市", True,
                   ("艺术与科技", "数据科学与大数据技术", "人工智能", "物联网工程", "智能制造工程"),
                   ("数字内容", "游戏", "动漫", "软件", "专业设计", "互联网其他", "智能文化")),
    UniversitySpec("nwpu-taicang", "西北工业大学太仓校区", "太仓市", True,
                   ("航空宇航科学与技术", "无人系统", "电子信息", "材料科学与工程", "智能制造"),
                   ("无人飞行器", "可穿戴", "智能文化", "应用电视设备", "发射设备", "投影")),
    UniversitySpec("jianxiong", "苏州健雄职业技术学院", "太仓市", True,
                   ("智能控制技术", "软件技术", "数字媒体技术", "艺术设计", "现代物流"),
                   ("软件", "专业设计", "工业设计", "包装装潢", "舞台及场地用灯", "专业音响")),
    UniversitySpec("cuc", "中国传媒大学", "北京市", False,
                   ("新闻传播学", "戏剧与影视学", "数字媒体艺术", "动画", "网络与新媒体", "电子竞技"),
                   ("影视节目制作", "电视", "广播", "动漫", "游戏", "互联网文化娱乐", "新闻")),
    UniversitySpec("bfa", "北京电影学院", "北京市", False,
                   ("电影学", "导演", "摄影", "动画", "表演", "影视技术"),
                   ("影视节目制作", "电影", "录音", "动漫", "照相", "文艺创作")),
    UniversitySpec("caa", "中国美术学院", "杭州市", False,
                   ("美术学", "设计学", "工艺美术", "建筑艺术", "动画"),
                   ("工艺品", "陶瓷", "专业设计", "建筑设计", "艺术品", "动漫")),
    UniversitySpec("sta", "上海戏剧学院", "上海市", False,
                   ("戏剧与影视学", "舞台美术", "表演", "舞蹈", "演艺技术"),
                   ("文艺创作", "艺术表演", "舞台", "影视节目制作", "文化娱乐经纪")),
    UniversitySpec("nua", "南京艺术学院", "南京市", False,
                   ("音乐与舞蹈学", "美术学", "设计学", "戏剧与影视", "流行音乐"),
                   ("录音", "乐器", "专业设计", "工艺品", "文艺创作")),
    UniversitySpec("suda-art", "苏州大学艺术学院", "苏州市", False,
                   ("设计学", "美术学", "数字媒体艺术", "服装与服饰设计"),
                   ("专业设计", "刺绣", "工艺品", "数字内容")),
    UniversitySpec("cafa", "中央美术学院", "北京市", False,
                   ("美术学", "设计学", "艺术学理论", "城市设计"),
                   ("雕塑", "艺术品", "专业设计", "建筑设计")),
    UniversitySpec("shu-film", "上海大学上海电影学院", "上海市", False,
                   ("戏剧与影视学", "动画", "数字媒体艺术", "电影制作"),
                   ("影视节目制作", "电影", "动漫", "游戏")),
    UniversitySpec("jiangnan-design", "江南大学设计学院", "无锡市", False,
                   ("设计学", "工业设计", "数字媒体艺术", "视觉传达设计"),
                   ("工业设计", "专业设计", "广告", "玩具")),
    UniversitySpec("tongji-design", "同济大学设计创意学院", "上海市", False,
                   ("设计学", "交互设计", "环境设计", "工业设计"),
                   ("工业设计", "专业设计", "建筑设计", "可穿戴")),
    UniversitySpec("sz-arts-crafts", "苏州工艺美术职业技术学院", "苏州市", False,
                   ("工艺美术品设计", "刺绣设计与工艺", "产品艺术设计", "数字媒体艺术设计"),
                   ("刺绣", "工艺品", "珠宝", "陶瓷", "专业设计")),
    UniversitySpec("shcm", "上海音乐学院", "上海市", False,
                   ("音乐学", "作曲与作曲技术理论", "音乐表演", "录音艺术", "音乐科技"),
                   ("录音", "乐器", "音响", "艺术表演")),
)


@dataclass(frozen=True)
class FundSpec:
    id: str
    name: str
    kind: str
    size: float
    stages: tuple[str, ...]
    ticket_min: float
    ticket_max: float
    city: str
    keywords: tuple[str, ...]  # matched against 小类 names for FOCUSES_ON
    local_targets: int
    outside_targets: int
    project_targets: int


FUNDS: tuple[FundSpec, ...] = (
    FundSpec("tc-guidance", "太仓市文化产业发展引导基金（示例）", "guidance_fund", 50000.0,
             ("growth", "mature", "project"), 500.0, 5000.0, "太仓市",
             ("数字内容", "游戏", "动漫", "设计", "影视节目", "装备", "灯", "音响", "游乐"),
             10, 0, 5),
    FundSpec("tjh-vc", "天镜湖数字文化创业投资基金（示例）", "fund", 20000.0,
             ("seed", "early"), 200.0, 2000.0, "太仓市",
             ("游戏", "动漫", "数字内容", "软件", "互联网"), 9, 0, 0),
    FundSpec("loudong-wenlv", "娄东文旅产业投资基金（示例）", "fund", 30000.0,
             ("growth", "project"), 1000.0, 8000.0, "太仓市",
             ("景区", "游览", "休闲", "娱乐", "艺术表演", "文艺创作", "会议、展览"), 6, 0, 3),
    FundSpec("yrd-equipment", "长三角文化装备产业基金（示例）", "fund", 80000.0,
             ("growth", "mature"), 2000.0, 15000.0, "苏州市",
             ("设备", "乐器", "游乐", "灯", "音响", "投影", "照相"), 7, 6, 0),
    FundSpec("jianghai-film", "江海影视文化投资基金（示例）", "fund", 100000.0,
             ("early", "growth"), 1000.0, 10000.0, "上海市",
             ("影视", "电影", "电视", "录音", "文艺创作"), 4, 8, 0),
    FundSpec("chenglan-digital", "澄澜数字内容成长基金（示例）", "fund", 60000.0,
             ("early", "growth"), 800.0, 6000.0, "杭州市",
             ("游戏", "动漫", "数字内容", "互联网", "数字出版"), 5, 8, 0),
    FundSpec("xinglan-angel", "星澜文化科技天使基金（示例）", "fund", 8000.0,
             ("seed",), 50.0, 500.0, "上海市",
             ("软件", "数字内容", "专业设计", "工业设计", "可穿戴"), 5, 6, 0),
    FundSpec("bank-wenlv", "某农商银行文旅贷2.0（示例）", "bank", 100000.0,
             ("growth", "mature", "project"), 50.0, 3000.0, "太仓市",
             ("景区", "游览", "休闲", "艺术表演", "设计", "工艺", "印刷", "娱乐"), 18, 0, 3),
    FundSpec("bank-ip", "示例银行文创知识产权质押贷（示例）", "bank", 50000.0,
             ("early", "growth"), 30.0, 1000.0, "苏州市",
             ("设计", "动漫", "游戏", "版权", "软件", "影视"), 14, 0, 0),
    FundSpec("bank-equipment", "某商业银行文化装备贷（示例）", "bank", 80000.0,
             ("growth", "mature"), 100.0, 5000.0, "苏州市",
             ("设备", "乐器", "游乐", "灯", "音响", "印刷"), 12, 0, 1),
)


@dataclass(frozen=True)
class CitySpec:
    city: str
    province: str
    prefix: str  # used in enterprise names
    regions: tuple[str, ...]  # 6-digit administrative codes of districts of the city
    content_weight: float
    mfg_weight: float


OUTSIDE_CITIES: tuple[CitySpec, ...] = (
    CitySpec("北京市", "北京市", "北京", ("110105", "110108", "110101"), 16, 2),
    CitySpec("上海市", "上海市", "上海", ("310104", "310115", "310106", "310110", "310114"), 18, 5),
    CitySpec("深圳市", "广东省", "深圳", ("440305", "440304", "440306"), 12, 8),
    CitySpec("杭州市", "浙江省", "杭州", ("330106", "330108", "330110"), 11, 3),
    CitySpec("广州市", "广东省", "广州", ("440106", "440105", "440113"), 9, 9),
    CitySpec("成都市", "四川省", "成都", ("510107", "510104", "510116"), 7, 2),
    CitySpec("苏州市", "江苏省", "苏州", ("320505", "320506", "320508", "320507"), 6, 6),
    CitySpec("昆山市", "江苏省", "昆山", ("320583",), 2, 4),
    CitySpec("南京市", "江苏省", "南京", ("320106", "320105", "320115"), 5, 2),
    CitySpec("无锡市", "江苏省", "无锡", ("320214", "320211"), 3, 4),
    CitySpec("常州市", "江苏省", "常州", ("320411",), 2, 3),
    CitySpec("武汉市", "湖北省", "武汉", ("420106", "420111"), 4, 2),
    CitySpec("长沙市", "湖南省", "长沙", ("430104", "430103"), 4, 1),
    CitySpec("厦门市", "福建省", "厦门", ("350203", "350206"), 3, 2),
    CitySpec("西安市", "陕西省", "西安", ("610113",), 3, 1),
    CitySpec("天津市", "天津市", "天津", ("120116",), 2, 2),
    CitySpec("重庆市", "重庆市", "重庆", ("500112",), 3, 2),
    CitySpec("合肥市", "安徽省", "合肥", ("340104",), 2, 2),
    CitySpec("宁波市", "浙江省", "宁波", ("330212",), 2, 4),
    CitySpec("青岛市", "山东省", "青岛", ("370212",), 2, 2),
    CitySpec("佛山市", "广东省", "佛山", ("440606",), 1, 5),
    CitySpec("嘉兴市", "浙江省", "嘉兴", ("330402",), 1, 3),
)

# Invented national groups (全国文化企业30强 in the sample): their name by the chain they lead,
# and the cities such groups have their seats in.
TOP30_WORDS: tuple[tuple[str, str], ...] = (
    ("电竞", "互动娱乐集团股份有限公司"), ("游戏", "互动娱乐集团股份有限公司"),
    ("数字", "数字文化集团股份有限公司"), ("影视", "影视文化集团股份有限公司"),
    ("出版", "出版传媒集团股份有限公司"), ("旅游", "文化旅游集团有限公司"),
    ("装备", "文化科技集团股份有限公司"), ("设计", "文化创意集团股份有限公司"),
    ("人工智能", "数字科技集团股份有限公司"),
)
TOP30_DEFAULT_WORD = "文化传媒集团股份有限公司"
TOP30_CITIES = ("北京市", "上海市", "深圳市", "杭州市", "广州市", "长沙市", "南京市", "成都市")


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def part_rng(seed: int, part: str) -> random.Random:
    """An independent, reproducible random stream for one part of the city."""
    return random.Random(f"tupu-sample/{seed}/{part}")


def random_date(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def quarter_end(period: str) -> date:
    year, q = int(period[:4]), int(period[5])
    return {1: date(year, 3, 31), 2: date(year, 6, 30), 3: date(year, 9, 30),
            4: date(year, 12, 31)}[q]


def round_money(value: float) -> float:
    """万元, rounded to a plausible precision (two decimals; whole numbers above 1 亿)."""
    return float(round(value)) if value >= 10000 else round(value, 2)


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def brand(rng: random.Random) -> str:
    while True:
        b = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        if b[0] != b[1] and b not in BRAND_BLOCKLIST:
            return b


def product_of(class_name: str, mfg: bool) -> str:
    base = class_name
    for suffix in ("制造", "服务", "活动", "业"):
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            base = base[: -len(suffix)]
            break
    return base + ("产品" if mfg else "服务")


def keyword_codes(ref: Reference, keywords: Sequence[str]) -> list[str]:
    return [code for code, info in ref.classes.items() if any(k in info.name for k in keywords)]


def registered_capital(rng: random.Random, revenue: float) -> float:
    options = (10.0, 50.0, 100.0, 200.0, 300.0, 500.0, 1000.0, 2000.0, 3000.0, 5000.0, 10000.0,
               20000.0, 50000.0)
    target = max(10.0, revenue * rng.uniform(0.05, 0.4))
    i = bisect.bisect_left(options, target)
    return options[min(i, len(options) - 1)]


# --------------------------------------------------------------------------------------------
# Local enterprises
# --------------------------------------------------------------------------------------------


@dataclass
class LocalEnterprise:
    index: int
    id: str
    name: str
    short_name: str
    link: str
    code: str
    second_code: str | None
    founded: date
    registered_capital: float
    place_label: str  # Park or Town
    place: str
    town: str
    mfg: bool
    listed: bool = False
    revenue: list[float] = field(default_factory=list)  # one per period
    employees: list[int] = field(default_factory=list)
    talent: list[int] = field(default_factory=list)
    above: list[bool] = field(default_factory=list)
    newcomer: bool = False

    @property
    def annual_revenue_2024(self) -> float:
        return round_money(sum(self.revenue[:4]))


@dataclass(frozen=True)
class ParkPlan:
    positioned: dict[str, tuple[str, ...]]  # park id -> link ids


def plan_parks(ref: Reference, gaps: GapPlan) -> ParkPlan:
    """POSITIONED_FOR: each park's links by its keywords; every gap link gets a park with room."""
    positioned: dict[str, list[str]] = {}
    for park in PARKS:
        scored: list[tuple[float, int, str]] = []
        for order, (lid, lk) in enumerate(ref.links.items()):
            class_text = "".join(ref.class_name(c) for c in lk.codes)
            own = 3 * _hits(lk.name, park.keywords) + _hits(class_text, park.keywords)
            if own == 0:
                continue
            scored.append((own + 0.5 * _hits(lk.chain_name, park.keywords), -order, lid))
        scored.sort(reverse=True)
        positioned[park.id] = [lid for _, _, lid in scored[:park.max_links]]
    vacant = [p for p in PARKS if p.vacant_area > 0]
    for lid in gaps.gap_links:
        if any(lid in positioned[p.id] and p.vacant_area > 0 for p in PARKS):
            continue
        lk = ref.links[lid]
        text = lk.name + lk.chain_name + "".join(ref.class_name(c) for c in lk.codes)
        best = max(vacant, key=lambda p: (_hits(text, p.keywords), p.vacant_area))
        positioned[best.id].append(lid)
    return ParkPlan({pid: tuple(links) for pid, links in positioned.items()})


MIN_LQ = 0.7  # local enterprises are topped up until every non-gap link expects at least this LQ


def code_share(ref: Reference) -> dict[str, int]:
    """How many links cover each code."""
    share: dict[str, int] = {}
    for lk in ref.links.values():
        for c in lk.codes:
            share[c] = share.get(c, 0) + 1
    return share


# Relative size of a chain's national market (number of enterprises), by words of its name:
# design, advertising, tourism and printing firms are far more numerous nationwide than game
# studios or stage-equipment makers.
NATIONAL_MARKET: tuple[tuple[str, float], ...] = (
    ("旅游", 1.6), ("设计", 1.5), ("创意", 1.5), ("出版", 1.4), ("印刷", 1.4),
    ("电竞", 0.7), ("游戏", 0.7), ("装备", 0.7),
)


def outside_link_weight(link: Link) -> float:
    """The outside pool's weight of a link: its chain's national market, spread over its links."""
    market = next((f for word, f in NATIONAL_MARKET if word in link.chain_name), 1.0)
    return market * (1.0 + 0.15 * len(link.codes))


def outside_code_mass(ref: Reference) -> dict[str, float]:
    """The expected share of the outside pool in each code (the pool's own model)."""
    share = code_share(ref)
    link_ids = [lid for lid, lk in ref.links.items() if lk.codes]
    total = sum(outside_link_weight(ref.links[lid]) for lid in link_ids)
    mass: dict[str, float] = {}
    for lid in link_ids:
        lk = ref.links[lid]
        inverse = [1.0 / share[c] for c in lk.codes]
        for c, x in zip(lk.codes, inverse):
            mass[c] = mass.get(c, 0.0) + outside_link_weight(lk) / total * x / sum(inverse)
    return mass


def allocate_links(ref: Reference, gaps: GapPlan, n_local: int,
                   rng: random.Random) -> list[tuple[str, str]]:
    """(link, code) of every local enterprise, in a shuffled order.

    First the weak links' few enterprises and every other link's minimum; then a top-up so that
    no non-gap link has a location quotient (against the outside pool's expected shares) below
    MIN_LQ, which would make it weak by accident; the rest by the city's strengths.
    """
    out: list[tuple[str, str]] = []
    per_code: dict[str, int] = {}

    def take(lid: str, code: str) -> None:
        out.append((lid, code))
        per_code[code] = per_code.get(code, 0) + 1

    for lid, count, code in gaps.weak:
        for _ in range(count):
            take(lid, code)
    minimum = dict(gaps.minimum)
    spare = n_local - len(out) - sum(minimum.values())
    while spare < 0 and any(v > 1 for v in minimum.values()):
        for lid in sorted(minimum):
            if minimum[lid] > 1 and spare < 0:
                minimum[lid] -= 1
                spare += 1
    link_ids = sorted(gaps.available)
    for lid in link_ids:
        for _ in range(minimum[lid]):
            take(lid, rng.choice(gaps.available[lid]))
    mass = outside_code_mass(ref)
    share = code_share(ref)

    def lq(lid: str) -> float:
        codes = ref.links[lid].codes
        local = sum(per_code.get(c, 0) for c in codes) / n_local
        return local / max(sum(mass.get(c, 0.0) for c in codes), 1e-9)

    while len(out) < n_local:
        value, lid = min((lq(lid), lid) for lid in link_ids)
        if value >= MIN_LQ:
            break
        take(lid, min(gaps.available[lid], key=lambda c: (share[c], c)))
    weights = []
    for lid in link_ids:
        lk = ref.links[lid]
        stage = {"upstream": 0.8, "midstream": 1.25, "downstream": 1.0}.get(lk.stage, 1.0)
        hint = 1.8 if _hits(lk.name, STRONG_LINK_HINTS) else 1.0
        weights.append(hint * chain_strength(lk.chain_name) ** 2.5 * stage
                       * (1.0 + 0.4 * math.sqrt(len(gaps.available[lid]))))
    for lid in rng.choices(link_ids, weights=weights, k=max(n_local - len(out), 0)):
        take(lid, rng.choice(gaps.available[lid]))
    rng.shuffle(out)
    return out[:n_local]


def _tenant_weight(park: ParkSpec) -> float:
    """Parks draw tenants by size; parks opened in 2025 have few tenants yet."""
    return park.floor_area * (0.15 if park.established.year >= 2025 else 1.0)


def _choose_place(ref: Reference, link: Link, mfg: bool, parks: ParkPlan,
                  rng: random.Random) -> tuple[str, str, str]:
    """(label, id, town id) of where a local enterprise of ``link`` is located."""
    candidates = [p for p in PARKS if link.id in parks.positioned[p.id]]
    r = rng.random()
    if candidates and r < (0.62 if mfg else 0.85):
        park = rng.choices(candidates, weights=[_tenant_weight(p) for p in candidates])[0]
        return "Park", park.id, park.town
    if r < (0.68 if mfg else 0.93):
        park = rng.choices(PARKS, weights=[_tenant_weight(p) for p in PARKS])[0]
        return "Park", park.id, park.town
    towns = list(TOWNS)
    weights = [t.mfg_weight if mfg else t.service_weight for t in towns]
    town = rng.choices(towns, weights=weights)[0]
    return "Town", town.id, town.id


SEASON = (0.22, 0.24, 0.25, 0.29)
ANCHOR_REVENUE = (56000.0, 47000.0, 38000.0, 33000.0, 26000.0, 21000.0)


def above_threshold(mfg: bool) -> float:
    """Annual revenue (万元) from which an enterprise is 规上: 2000 for manufacturing and
    wholesale, 1000 for services (a simplification of the statistical rules)."""
    return 2000.0 if mfg else 1000.0


def make_local_enterprises(ref: Reference, gaps: GapPlan, parks: ParkPlan, n_local: int,
                           seed: int) -> list[LocalEnterprise]:
    rng = part_rng(seed, "local")
    alloc = allocate_links(ref, gaps, n_local, rng)
    brands: set[str] = set()
    result: list[LocalEnterprise] = []
    for i, (lid, code) in enumerate(alloc):
        lk = ref.links[lid]
        mfg = is_manufacturing(ref, lk) or "制造" in ref.class_name(code)
        words = name_words(lk.name + ref.class_name(code))
        short = brand(rng)
        for _ in range(50):  # a brand of its own while the space of brands allows
            if short not in brands:
                break
            short = brand(rng)
        brands.add(short)
        name = f"太仓{short}{rng.choice(words)}有限公司"
        founded = random_date(rng, date(2004, 1, 1), date(2023, 12, 31))
        if rng.random() < 0.45:
            founded = random_date(rng, date(2016, 1, 1), date(2023, 12, 31))
        second: str | None = None
        if rng.random() < 0.15:
            siblings = [c for other, codes in gaps.available.items()
                        if ref.links[other].chain == lk.chain for c in codes if c != code]
            if siblings:
                second = rng.choice(sorted(set(siblings)))
        label, place, town = _choose_place(ref, lk, mfg, parks, rng)
        result.append(LocalEnterprise(
            index=i,
            id=make_credit_code(REGION_TAICANG, i, founded >= date(2015, 10, 1)),
            name=name, short_name=short, link=lid, code=code, second_code=second,
            founded=founded, registered_capital=0.0, place_label=label, place=place,
            town=town, mfg=mfg,
        ))
    _make_local_figures(ref, gaps, result, rng)
    return result


def _make_local_figures(ref: Reference, gaps: GapPlan, ents: list[LocalEnterprise],
                        rng: random.Random) -> None:
    """Quarterly revenue, employees, talent and 规上 status for 2024Q1–2025Q2."""
    weak_links = {w[0] for w in gaps.weak}
    base: list[float] = []
    for e in ents:
        base.append(min(rng.lognormvariate(math.log(330.0), 1.2), 19000.0))
    # Anchors (骨干企业): the largest enterprises, one per chain, the strongest chains first.
    chains = sorted(ref.chains, key=lambda c: (-chain_strength(ref.chains[c]), c))
    anchors: list[LocalEnterprise] = []
    for chain in chains[:len(ANCHOR_REVENUE)]:
        members = [e for e in ents if ref.links[e.link].chain == chain and e.link not in weak_links]
        if members:
            anchors.append(members[0])
    for e, revenue in zip(anchors, ANCHOR_REVENUE):
        base[e.index] = revenue * rng.uniform(0.97, 1.03)
        e.founded = random_date(rng, date(2006, 1, 1), date(2015, 6, 30))
        e.id = make_credit_code(REGION_TAICANG, e.index, False)
    if anchors:
        anchors[0].listed = True
    # Newcomers to 规上 in 2025: just below the threshold in 2024, growing past it.
    anchor_ids = {e.id for e in anchors}
    candidates = [e for e in ents if e.id not in anchor_ids
                  and 0.62 <= base[e.index] / above_threshold(e.mfg) < 0.95]
    core = [e for e in candidates if ref.classes[e.code].domain == "core"]
    other = [e for e in candidates if ref.classes[e.code].domain != "core"]
    newcomers = core[:9] + other[:5]
    for e in newcomers:
        e.newcomer = True
        e.founded = max(e.founded, random_date(rng, date(2019, 1, 1), date(2023, 6, 30)))
        e.id = make_credit_code(REGION_TAICANG, e.index, True)
    dropouts = {e.id for e in ents if e.id not in anchor_ids and not e.newcomer
                and 1.0 <= base[e.index] / above_threshold(e.mfg) < 1.1
                and e.index < 200}
    for e in ents:
        annual = base[e.index]
        threshold = above_threshold(e.mfg)
        strong = chain_strength(ref.links[e.link].chain_name) >= 2.0
        growth = rng.gauss(0.10 if strong else 0.06, 0.12)
        if e.newcomer:
            growth = threshold / annual * rng.uniform(1.06, 1.3) - 1.0
        if e.index == (anchors[1].index if len(anchors) > 1 else -1):
            growth = 0.13
        if e.id in dropouts:
            growth = rng.uniform(-0.3, -0.2)
        growth = max(growth, -0.4)
        q2024 = [annual * s * rng.uniform(0.94, 1.06) for s in SEASON]
        q2025 = [q2024[k] * (1.0 + growth) * rng.uniform(0.97, 1.03) for k in range(2)]
        e.revenue = [round_money(v) for v in q2024 + q2025]
        above_2024 = sum(q2024) >= threshold and not e.newcomer
        annual_2025 = sum(q2025) / (SEASON[0] + SEASON[1])
        above_2025 = e.newcomer or (above_2024 and annual_2025 >= threshold * 0.8
                                    and e.id not in dropouts)
        e.above = [above_2024] * 4 + [above_2025] * 2
        staff = max(3.0, annual / rng.uniform(45.0, 110.0))
        e.employees = [max(3, round(staff * (1.0 + growth * k / 8.0) * rng.uniform(0.98, 1.02)))
                       for k in range(len(PERIODS))]
        digital = is_digital(ref.links[e.link])
        lam = min(6.0, (0.06 if digital else 0.03) + staff / (260.0 if digital else 520.0))
        e.talent = [poisson(rng, lam * (1.25 if k >= 4 else 1.0)) for k in range(len(PERIODS))]
        e.registered_capital = registered_capital(rng, annual)


# --------------------------------------------------------------------------------------------
# Outside enterprises (streamed)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutsideEnterprise:
    index: int
    id: str
    name: str
    short_name: str
    link: str
    code: str
    second_code: str | None
    city: str
    province: str
    founded: date
    registered_capital: float
    revenue: float
    employees: int
    listed: bool
    unicorn: bool
    top30: bool
    mfg: bool


@dataclass(frozen=True)
class OutsideItem:
    enterprise: OutsideEnterprise
    supplies: tuple[tuple[str, str, str, float, date], ...]  # start, end, product, value, since


class OutsidePool:
    """Generates the outside pool one enterprise at a time, from its own random stream."""

    def __init__(self, ref: Reference, seed: int, n_local_serials: int) -> None:
        self.ref = ref
        self.rng = part_rng(seed, "outside")
        self.serial_base = max(n_local_serials, 1_000_000)
        self.link_ids = [lid for lid, lk in ref.links.items() if lk.codes]
        self.cum_link = list(_cumulative([outside_link_weight(ref.links[lid])
                                          for lid in self.link_ids]))
        self.mfg = {lid: is_manufacturing(ref, ref.links[lid]) for lid in self.link_ids}
        self.cum_city_content = list(_cumulative([c.content_weight for c in OUTSIDE_CITIES]))
        self.cum_city_mfg = list(_cumulative([c.mfg_weight for c in OUTSIDE_CITIES]))
        self.rings: dict[str, deque[tuple[str, float]]] = {
            lid: deque(maxlen=RING_SIZE) for lid in self.link_ids}
        self.names: set[str] = set()
        # Within a link, an outside enterprise prefers the link's own codes over codes many links
        # share (the pool is spread over the links, not piled on the shared codes).
        share = code_share(ref)
        self.cum_code = {
            lid: list(_cumulative([1.0 / share[c] for c in ref.links[lid].codes]))
            for lid in self.link_ids}
        self.siblings: dict[str, tuple[str, ...]] = {}
        for lid in self.link_ids:
            chain = ref.links[lid].chain
            self.siblings[lid] = tuple(sorted({
                c for other in self.link_ids if ref.links[other].chain == chain
                for c in ref.links[other].codes}))

    def stream(self, n: int) -> Iterator[OutsideItem]:
        for j in range(n):
            yield self._one(j)

    def _one(self, j: int) -> OutsideItem:
        rng, ref = self.rng, self.ref
        if j < OUTSIDE_PER_LINK_FIRST * len(self.link_ids):
            lid = self.link_ids[j % len(self.link_ids)]
        else:
            lid = self.link_ids[_pick(self.cum_link, rng.random())]
        lk = ref.links[lid]
        code = lk.codes[_pick(self.cum_code[lid], rng.random())]
        mfg = self.mfg[lid] or "制造" in ref.class_name(code)
        cum = self.cum_city_mfg if mfg else self.cum_city_content
        city = OUTSIDE_CITIES[_pick(cum, rng.random())]
        top30 = j in TOP30_POSITIONS
        if top30:
            city = rng.choice([c for c in OUTSIDE_CITIES if c.city in TOP30_CITIES])
        region = rng.choice(city.regions)
        unicorn = not top30 and rng.random() < 0.003
        revenue = rng.lognormvariate(math.log(1800.0), 1.55)
        listed = rng.random() < (0.02 + (0.15 if revenue > 50000 else 0.0))
        if unicorn:
            revenue = rng.uniform(20000.0, 300000.0)
            listed = False
        if top30:
            revenue = rng.uniform(300000.0, 3000000.0)
            listed = rng.random() < 0.8
        revenue = min(revenue, 5000000.0)
        founded = random_date(rng, date(1995, 1, 1), date(2024, 12, 31))
        if top30:
            founded = random_date(rng, date(1990, 1, 1), date(2010, 12, 31))
        words = name_words(lk.name + ref.class_name(code))
        suffix = "股份有限公司" if listed else "有限公司"
        for _ in range(20):
            short = brand(rng)
            if top30:
                name = short + next((w for k, w in TOP30_WORDS if k in lk.chain_name),
                                    TOP30_DEFAULT_WORD)
            else:
                name = f"{city.prefix}{short}{rng.choice(words)}{suffix}"
            if j >= NAME_DEDUP_LIMIT or name not in self.names:
                break
        if j < NAME_DEDUP_LIMIT:
            self.names.add(name)
        second: str | None = None
        if rng.random() < 0.18:
            options = [c for c in self.siblings[lid] if c != code]
            if options:
                second = rng.choice(options)
        employees = max(5, round(revenue / rng.uniform(40.0, 120.0)))
        ent = OutsideEnterprise(
            index=j,
            id=make_credit_code(region, self.serial_base + j, founded >= date(2015, 10, 1)),
            name=name, short_name=short, link=lid, code=code, second_code=second,
            city=city.city, province=city.province, founded=founded,
            registered_capital=registered_capital(rng, revenue), revenue=round_money(revenue),
            employees=employees, listed=listed, unicorn=unicorn, top30=top30, mfg=mfg,
        )
        supplies: list[tuple[str, str, str, float, date]] = []
        succs = [s for s in lk.succs if s in self.rings and self.rings[s]]
        if succs and rng.random() < 0.45:
            targets: list[str] = []
            for _ in range(1 if rng.random() < 0.7 else 2):
                ring = self.rings[rng.choice(succs)]
                target, target_rev = ring[rng.randrange(len(ring))]
                if target in targets:
                    continue
                targets.append(target)
                value = min(revenue, target_rev) * rng.uniform(0.01, 0.12)
                supplies.append((ent.id, target, product_of(ref.class_name(code), mfg),
                                 round_money(max(value, 5.0)),
                                 random_date(rng, max(founded, date(2012, 1, 1)), LAST_DAY)))
        self.rings[lid].append((ent.id, revenue))
        return OutsideItem(ent, tuple(supplies))


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def _pick(cumulative: Sequence[float], u: float) -> int:
    return min(bisect.bisect_right(cumulative, u * cumulative[-1]), len(cumulative) - 1)


# --------------------------------------------------------------------------------------------
# Ties between enterprises, universities, funds; projects
# --------------------------------------------------------------------------------------------


@dataclass
class Ties:
    supplies: list[tuple[str, str, str, float, date]] = field(default_factory=list)
    cooperates: list[tuple[str, str, str, str, date]] = field(default_factory=list)
    subsidiaries: list[tuple[str, str]] = field(default_factory=list)


def _since(rng: random.Random, *founded: date) -> date:
    return random_date(rng, max(max(founded), date(2016, 1, 1)), LAST_DAY)


def make_ties(ref: Reference, gaps: GapPlan, local: list[LocalEnterprise],
              head: list[OutsideEnterprise], strong_in: dict[str, tuple[str, ...]],
              seed: int) -> Ties:
    rng = part_rng(seed, "ties")
    ties = Ties()
    seen: set[tuple[str, str]] = set()
    local_by_link: dict[str, list[LocalEnterprise]] = {}
    for e in local:
        local_by_link.setdefault(e.link, []).append(e)
    head_by_link: dict[str, list[OutsideEnterprise]] = {}
    for o in head:
        head_by_link.setdefault(o.link, []).append(o)
    local_rev = {e.id: sum(e.revenue[:4]) for e in local}

    def supply(start_id: str, end_id: str, code: str, mfg: bool, start_rev: float,
               end_rev: float, since: date) -> None:
        if start_id == end_id or (start_id, end_id) in seen:
            return
        seen.add((start_id, end_id))
        value = max(5.0, min(start_rev, end_rev) * rng.uniform(0.02, 0.15))
        ties.supplies.append((start_id, end_id, product_of(ref.class_name(code), mfg),
                              round_money(value), since))

    # Local -> local, along FEEDS.
    for a, b in ref.feeds:
        ups, downs = local_by_link.get(a, []), local_by_link.get(b, [])
        if not ups or not downs:
            continue
        m = min(len(ups) * len(downs), round(1.2 * math.sqrt(len(ups) * len(downs))) + 1)
        for _ in range(m * 2):
            if m <= 0:
                break
            u, d = rng.choice(ups), rng.choice(downs)
            if (u.id, d.id) in seen:
                continue
            supply(u.id, d.id, u.code, u.mfg, local_rev[u.id], local_rev[d.id],
                   _since(rng, u.founded, d.founded))
            m -= 1
    # Gap links: outside enterprises of the link already serve the city's downstream
    # enterprises, and buy from its upstream ones (以商引商 paths).
    for lid in gaps.gap_links:
        lk = ref.links[lid]
        outs = sorted(head_by_link.get(lid, []), key=lambda o: (-o.revenue, o.index))[:6]
        downs = [e for s in lk.succs for e in local_by_link.get(s, [])]
        ups = [e for p in lk.preds for e in local_by_link.get(p, [])]
        for o in outs:
            for d in rng.sample(downs, min(len(downs), rng.randint(1, 4))):
                supply(o.id, d.id, o.code, o.mfg, o.revenue, local_rev[d.id],
                       _since(rng, o.founded, d.founded))
            for u in rng.sample(ups, min(len(ups), rng.randint(0, 2))):
                supply(u.id, o.id, u.code, u.mfg, local_rev[u.id], o.revenue,
                       _since(rng, o.founded, u.founded))
    # Hubs: big outside suppliers already tied to several local enterprises.
    hub_candidates = sorted(
        (o for o in head if any(local_by_link.get(s) for s in ref.links[o.link].succs)),
        key=lambda o: (-(o.revenue * (3 if o.listed or o.top30 else 1)), o.index))
    for o in hub_candidates[:20]:
        downs = [e for s in ref.links[o.link].succs for e in local_by_link.get(s, [])]
        for d in rng.sample(downs, min(len(downs), rng.randint(3, 7))):
            supply(o.id, d.id, o.code, o.mfg, o.revenue, local_rev[d.id],
                   _since(rng, o.founded, d.founded))
    # Scattered outside -> local and local -> outside ties.
    with_preds = [e for e in local if ref.links[e.link].preds]
    for _ in range(140):
        if not with_preds:
            break
        d = rng.choice(with_preds)
        pool = [o for p in ref.links[d.link].preds for o in head_by_link.get(p, [])]
        if pool:
            o = rng.choice(pool)
            supply(o.id, d.id, o.code, o.mfg, o.revenue, local_rev[d.id],
                   _since(rng, o.founded, d.founded))
    with_succs = [e for e in local if ref.links[e.link].succs]
    for _ in range(90):
        if not with_succs:
            break
        u = rng.choice(with_succs)
        pool = [o for s in ref.links[u.link].succs for o in head_by_link.get(s, [])]
        if pool:
            o = rng.choice(pool)
            supply(u.id, o.id, u.code, u.mfg, local_rev[u.id], o.revenue,
                   _since(rng, o.founded, u.founded))

    # Cooperation: local <-> local (same park or same chain), local -> outside, local -> university.
    coop_seen: set[tuple[str, str]] = set()

    def cooperate(a: str, b: str, label: str, kind: str, since: date) -> None:
        key = (min(a, b), max(a, b)) if label == "Enterprise" else (a, b)
        if a == b or key in coop_seen:
            return
        coop_seen.add(key)
        ties.cooperates.append((a, b, label, kind, since))

    by_place: dict[str, list[LocalEnterprise]] = {}
    by_chain: dict[str, list[LocalEnterprise]] = {}
    for e in local:
        by_place.setdefault(e.place, []).append(e)
        by_chain.setdefault(ref.links[e.link].chain, []).append(e)
    for _ in range(170):
        ea = rng.choice(local)
        group = by_place[ea.place] if rng.random() < 0.6 else by_chain[ref.links[ea.link].chain]
        eb = rng.choice(group)
        cooperate(ea.id, eb.id, "Enterprise",
                  rng.choice(("联合研发", "战略合作", "项目合作", "业务协同", "联合申报")),
                  _since(rng, ea.founded, eb.founded))
    for _ in range(90):
        ea = rng.choice(local)
        chain = ref.links[ea.link].chain
        pool = [o for lid, lk in ref.links.items() if lk.chain == chain
                for o in head_by_link.get(lid, [])[:12]]
        if pool:
            o = rng.choice(pool)
            cooperate(ea.id, o.id, "Enterprise",
                      rng.choice(("战略合作", "技术合作", "内容授权合作", "渠道合作", "联合出品")),
                      _since(rng, ea.founded, o.founded))
    strong_by_code: dict[str, list[UniversitySpec]] = {}
    for uni in UNIVERSITIES:
        for code in strong_in[uni.id]:
            strong_by_code.setdefault(code, []).append(uni)
    for e in rng.sample(local, min(len(local), 150)):
        unis = strong_by_code.get(e.code, [])
        if not unis:
            if rng.random() < 0.6:
                continue
            unis = [u for u in UNIVERSITIES if u.local]
        uni = rng.choices(unis, weights=[3.0 if u.local else 1.0 for u in unis])[0]
        cooperate(e.id, uni.id, "University",
                  rng.choice(("产学研合作", "联合实验室", "人才培养基地", "技术转移", "共建实训基地",
                              "委托研发")),
                  _since(rng, e.founded))

    # Subsidiaries: national groups' Taicang branches, and a few local groups.
    names = {e.name for e in local}

    def rename(child: LocalEnterprise, options: Sequence[str], short: str) -> None:
        for name in options:
            if name not in names:
                names.discard(child.name)
                names.add(name)
                child.name, child.short_name = name, short
                return

    parents = sorted((o for o in head if o.top30 or o.listed),
                     key=lambda o: (not o.top30, -o.revenue, o.index))
    taken: set[str] = set()
    for o in parents[:8]:
        kids = [e for e in local_by_link.get(o.link, []) + local
                if e.id not in taken and not e.listed and ref.links[e.link].chain
                == ref.links[o.link].chain]
        if not kids:
            continue
        child = kids[0]
        taken.add(child.id)
        words = name_words(ref.links[child.link].name + ref.class_name(child.code))
        rename(child, [f"{o.short_name}（太仓）{w}有限公司" for w in words], o.short_name + "太仓")
        ties.subsidiaries.append((child.id, o.id))
    big_local = sorted(local, key=lambda e: (-sum(e.revenue[:4]), e.index))[:4]
    for parent in big_local:
        kids = [e for e in by_chain[ref.links[parent.link].chain]
                if e.id != parent.id and e.id not in taken and sum(e.revenue[:4]) < 2000]
        for child in kids[:2]:
            taken.add(child.id)
            words = name_words(ref.links[child.link].name + ref.class_name(child.code))
            town = next(t.name[:2] for t in TOWNS if t.id == child.town)
            rename(child, [f"太仓{parent.short_name}{w}有限公司" for w in words]
                   + [f"太仓{parent.short_name}{town}{w}有限公司" for w in words],
                   parent.short_name + town)
            ties.subsidiaries.append((child.id, parent.id))
    return ties


PROJECT_THEMES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("电竞",), ("电竞产业中心", "电竞赛事综合体", "电竞场馆及俱乐部基地")),
    (("游戏",), ("游戏研发总部", "数字互娱产业基地", "游戏引擎与工具研发中心")),
    (("动漫",), ("动漫IP孵化中心", "数字动画制作基地")),
    (("影视", "电影", "拍摄"), ("数字影棚及虚拟制作基地", "影视后期制作中心")),
    (("大模型", "人工智能", "AIGC"), ("文旅大模型应用平台", "AIGC内容生产平台")),
    (("灯", "舞台", "演艺设备"), ("智能舞台灯光生产基地", "演艺装备智能制造")),
    (("音响",), ("专业音响智能制造", "电声器件生产线")),
    (("游乐", "游艺"), ("游乐设备智能制造基地", "室内游艺装备研发中心")),
    (("印刷", "包装"), ("绿色印刷智能工厂", "包装印刷数字化改造")),
    (("设计", "创意", "广告"), ("创意设计中心", "工业设计研发中心")),
    (("工艺", "非遗"), ("工艺美术传承创新中心",)),
    (("景区", "旅游", "文旅", "休闲", "游览"), ("文旅综合体", "沉浸式文旅体验")),
    (("视听", "投影", "显示", "设备", "装备", "制造", "终端"),
     ("文化装备智能制造", "智能视听终端生产线")),
    (("数字", "互联网", "软件", "直播", "内容"), ("数字内容产业园", "网络视听产业基地")),
)


@dataclass
class Project:
    id: str
    name: str
    level: str
    total_investment: float
    plan_year: int
    new_in_plan_year: bool
    planned_start: date
    planned_completion: date
    owner: LocalEnterprise
    place_label: str
    place: str
    behaviour: str  # normal, behind, stalled, not_started
    observations: list[tuple[str, float, float, float, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.observations[-1][4] if self.observations else "planned"


def _project_theme(texts: Sequence[str], rng: random.Random) -> str:
    for text in texts:
        for keys, themes in PROJECT_THEMES:
            if any(k in text for k in keys):
                return rng.choice(themes)
    return "文化产业"


def make_projects(ref: Reference, local: list[LocalEnterprise], seed: int) -> list[Project]:
    """36 key projects: 14 listed in 2024, 22 in 2025 (15 of them new), with quarterly progress."""
    rng = part_rng(seed, "projects")
    # Weighted sampling without replacement (larger enterprises of stronger chains first).
    owners = sorted(local, key=lambda e: (-rng.random() ** (1.0 / (
        math.sqrt(sum(e.revenue[:4])) * chain_strength(ref.links[e.link].chain_name))), e.index))
    specs: list[tuple[int, bool, str]] = []  # plan year, new, level
    specs += [(2024, True, "provincial"), (2024, False, "provincial")]
    specs += [(2024, True, "municipal")] * 3 + [(2024, False, "municipal")]
    specs += [(2024, True, "city")] * 6 + [(2024, False, "city")] * 2
    specs += [(2025, True, "provincial")] + [(2025, True, "municipal")] * 3
    specs += [(2025, True, "city")] * 11
    specs += [(2025, False, "municipal")] * 2 + [(2025, False, "city")] * 5
    projects: list[Project] = []
    names: set[str] = set()
    counters = {2024: 0, 2025: 0}
    for k, (year, new, level) in enumerate(specs):
        owner = owners[k % len(owners)]
        lk = ref.links[owner.link]
        counters[year] += 1
        pid = f"P{year}-{counters[year]:03d}"
        theme = _project_theme((lk.name + ref.class_name(owner.code), lk.chain_name), rng)
        name = f"{owner.short_name}{theme}项目"
        if name in names:
            name = f"{owner.short_name}{theme}二期项目"
        names.add(name)
        if level == "provincial":
            total = rng.uniform(150000.0, 220000.0) if new and year == 2025 else \
                rng.uniform(60000.0, 150000.0)
        elif level == "municipal":
            total = rng.uniform(20000.0, 60000.0)
        else:
            total = rng.lognormvariate(math.log(6000.0), 0.7)
        if year == 2024 or not new:
            start = random_date(rng, date(2023, 3, 1), date(2024, 9, 30))
        else:
            start = random_date(rng, date(2025, 1, 15), date(2025, 10, 31))
        completion = start + timedelta(days=rng.randint(360, 900))
        place_label, place = owner.place_label, owner.place
        projects.append(Project(pid, name, level, round_money(total), year, new, start,
                                completion, owner, place_label, place, "normal"))
    # Off-track (脱幅) and not-started projects.
    started_early = [p for p in projects if p.planned_start <= date(2024, 12, 31)]
    behind = rng.sample(started_early, min(4, len(started_early)))
    for k, p in enumerate(behind):
        p.behaviour = "stalled" if k == 0 else "behind"
    due_2025 = [p for p in projects if p.plan_year == 2025 and p.new_in_plan_year
                and p.planned_start <= date(2025, 6, 15)]
    for p in rng.sample(due_2025, min(3, len(due_2025))):
        p.behaviour = "not_started"
    for p in projects:
        _observe_project(p, rng)
    return projects


def _observe_project(p: Project, rng: random.Random) -> None:
    first = 0 if (p.plan_year == 2024 or not p.new_in_plan_year) else 4
    factor = {"normal": rng.uniform(0.9, 1.08), "behind": rng.uniform(0.35, 0.6),
              "stalled": rng.uniform(0.3, 0.45), "not_started": 0.0}[p.behaviour]
    spend = rng.uniform(0.85, 1.02)
    signed = p.planned_start - timedelta(days=rng.randint(30, 150))
    progress_so_far, invest_so_far, completed_at = 0.0, 0.0, -1
    duration = (p.planned_completion - p.planned_start).days
    for k in range(first, len(PERIODS)):
        end = quarter_end(PERIODS[k])
        planned = min(100.0, max(0.0, (end - p.planned_start).days / duration * 100.0))
        actual = min(100.0, planned * factor * rng.uniform(0.97, 1.03))
        if p.behaviour == "normal" and planned >= 100.0:
            actual = 100.0
        if p.behaviour == "stalled" and k >= 4:
            actual = progress_so_far
        actual = max(actual, progress_so_far)
        if actual >= 99.5:
            actual = 100.0
        invest = max(invest_so_far, p.total_investment * actual / 100.0 * spend)
        if actual == 0.0:
            status = "signed" if end >= signed else "planned"
        elif actual < 100.0:
            status = "stalled" if p.behaviour == "stalled" and k >= 4 else "started"
        else:
            status = "completed" if completed_at < 0 else "operating"
            completed_at = k if completed_at < 0 else completed_at
        progress_so_far, invest_so_far = actual, invest
        p.observations.append((PERIODS[k], round_money(invest), round(actual, 1),
                               round(planned, 1), status))


# --------------------------------------------------------------------------------------------
# Writing the data folder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    gaps: GapPlan
    seconds: float


def _clean(out: Path) -> None:
    for sub in ("nodes", "relationships"):
        folder = out / sub
        if folder.is_dir():
            for path in sorted(folder.glob("*.csv")):
                path.unlink()


def _write_static(ref: Reference, o: Output, parks: ParkPlan) -> dict[str, tuple[str, ...]]:
    """Towns, parks, universities and funds with their edges; returns STRONG_IN per university."""
    for t in TOWNS:
        o.nodes["Town"].row(t.id, t.name, t.kind, CITY)
    for p in PARKS:
        o.nodes["Park"].row(p.id, p.name, p.level, p.floor_area, p.vacant_area, p.positioning,
                            p.established, p.operator)
        o.rels["IN_TOWN"].row(p.id, p.town)
        for lid in parks.positioned[p.id]:
            o.rels["POSITIONED_FOR"].row(p.id, lid)
    strong_in: dict[str, tuple[str, ...]] = {}
    for u in UNIVERSITIES:
        o.nodes["University"].row(u.id, u.name, u.city, u.local, ";".join(u.disciplines))
        strong_in[u.id] = tuple(keyword_codes(ref, u.keywords))
        for code in strong_in[u.id]:
            o.rels["STRONG_IN"].row(u.id, code)
    for f in FUNDS:
        o.nodes["Fund"].row(f.id, f.name, f.kind, f.size, ";".join(f.stages), f.ticket_min,
                            f.ticket_max, f.city)
        for code in keyword_codes(ref, f.keywords):
            o.rels["FOCUSES_ON"].row(f.id, code)
    return strong_in


def _write_local(ref: Reference, o: Output, local: list[LocalEnterprise]) -> None:
    for e in local:
        annual = e.annual_revenue_2024
        scope = f"{ref.class_name(e.code)}；{ref.links[e.link].name}相关业务；技术开发、技术咨询、技术服务"
        o.nodes["Enterprise"].row(
            e.id, e.name, e.short_name, PROVINCE, CITY, e.founded, e.registered_capital, annual,
            e.employees[-1], e.listed, False, False, e.above[-1], scope)
        o.rels["IN_SUBSECTOR"].row(e.id, e.code, True)
        if e.second_code:
            o.rels["IN_SUBSECTOR"].row(e.id, e.second_code, False)
        o.rels["LOCATED_IN"].row(e.id, e.place, "Enterprise", e.place_label)
        for k, period in enumerate(PERIODS):
            oid = f"{e.id}@{period}"
            o.nodes["EnterpriseObservation"].row(oid, period, e.revenue[k], e.employees[k],
                                                 e.talent[k], e.above[k])
            o.rels["HAS_OBSERVATION"].row(e.id, oid, "Enterprise", "EnterpriseObservation")


def _write_outside(ref: Reference, o: Output, item: OutsideItem) -> None:
    e = item.enterprise
    scope = f"{ref.class_name(e.code)}；{ref.links[e.link].name}相关业务"
    o.nodes["Enterprise"].row(
        e.id, e.name, e.short_name, e.province, e.city, e.founded, e.registered_capital,
        e.revenue, e.employees, e.listed, e.unicorn, e.top30,
        e.revenue >= above_threshold(e.mfg), scope)
    o.rels["IN_SUBSECTOR"].row(e.id, e.code, True)
    if e.second_code:
        o.rels["IN_SUBSECTOR"].row(e.id, e.second_code, False)
    for s in item.supplies:
        o.rels["SUPPLIES"].row(*s)


def _write_funding(ref: Reference, o: Output, local: list[LocalEnterprise],
                   head: list[OutsideEnterprise], projects: list[Project], seed: int) -> None:
    rng = part_rng(seed, "funds")
    for f in FUNDS:
        focus = set(keyword_codes(ref, f.keywords))

        def fits(revenue: float, founded: date) -> bool:
            ok = False
            for stage in f.stages:
                ok |= stage == "seed" and founded >= date(2019, 1, 1) and revenue < 1500
                ok |= stage == "early" and founded >= date(2016, 1, 1) and revenue < 6000
                ok |= stage == "growth" and 300 <= revenue < 30000
                ok |= stage == "mature" and revenue >= 3000
            return ok

        local_pool = [e for e in local if (e.code in focus or e.second_code in focus)
                      and fits(sum(e.revenue[:4]), e.founded)]
        if len(local_pool) < f.local_targets:
            local_pool += [e for e in local if e not in local_pool and e.code in focus]
        for e in rng.sample(local_pool, min(f.local_targets, len(local_pool))):
            o.rels["INVESTED_IN"].row(f.id, e.id, "Enterprise", _ticket(rng, f),
                                      random_date(rng, max(e.founded, date(2021, 1, 1)), LAST_DAY))
        outside_pool = [x for x in head if x.code in focus and fits(x.revenue, x.founded)]
        for x in rng.sample(outside_pool, min(f.outside_targets, len(outside_pool))):
            o.rels["INVESTED_IN"].row(f.id, x.id, "Enterprise", _ticket(rng, f),
                                      random_date(rng, max(x.founded, date(2020, 1, 1)), LAST_DAY))
        project_pool = [p for p in projects
                        if p.behaviour != "not_started" and p.planned_start <= LAST_DAY]
        for p in rng.sample(project_pool, min(f.project_targets, len(project_pool))):
            amount = min(_ticket(rng, f), p.total_investment * 0.3)
            o.rels["INVESTED_IN"].row(f.id, p.id, "Project", round_money(amount),
                                      random_date(rng, p.planned_start - timedelta(days=60),
                                                  LAST_DAY))


def _ticket(rng: random.Random, f: FundSpec) -> float:
    low, high = math.log(f.ticket_min), math.log(f.ticket_max)
    value = math.exp(rng.uniform(low, high))
    step = 10.0 if value >= 100 else 1.0
    return round(value / step) * step


def _write_projects(o: Output, projects: list[Project]) -> None:
    for p in projects:
        o.nodes["Project"].row(p.id, p.name, p.level, p.total_investment, p.plan_year,
                               p.new_in_plan_year, p.planned_start, p.planned_completion,
                               p.status)
        o.rels["LOCATED_IN"].row(p.id, p.place, "Project", p.place_label)
        o.rels["OWNS"].row(p.owner.id, p.id)
        for period, invest, progress, planned, status in p.observations:
            oid = f"{p.id}@{period}"
            o.nodes["ProjectObservation"].row(oid, period, invest, progress, planned, status)
            o.rels["HAS_OBSERVATION"].row(p.id, oid, "Project", "ProjectObservation")


def generate(out: Path, seed: int = DEFAULT_SEED, n_outside: int = DEFAULT_OUTSIDE,
             n_local: int = DEFAULT_LOCAL, ontology_dir: Path = DEFAULT_ONTOLOGY) -> Summary:
    """Write the sample city to ``out`` and return its file counts and gaps."""
    started = time.perf_counter()
    ref = load_reference(ontology_dir)
    gaps = plan_gaps(ref)
    parks = plan_parks(ref, gaps)
    local = make_local_enterprises(ref, gaps, parks, n_local, seed)
    pool = OutsidePool(ref, seed, n_local)
    stream = pool.stream(n_outside)
    head_items = [next(stream) for _ in range(min(n_outside, HEAD_SIZE))]
    head = [item.enterprise for item in head_items]
    out.mkdir(parents=True, exist_ok=True)
    _clean(out)
    with ExitStack() as stack:
        o = Output(stack, out)
        strong_in = _write_static(ref, o, parks)
        ties = make_ties(ref, gaps, local, head, strong_in, seed)
        projects = make_projects(ref, local, seed)
        _write_local(ref, o, local)
        for s in ties.supplies:
            o.rels["SUPPLIES"].row(*s)
        for a, b, label, kind, since in ties.cooperates:
            o.rels["COOPERATES_WITH"].row(a, b, label, kind, since)
        for child, parent in ties.subsidiaries:
            o.rels["SUBSIDIARY_OF"].row(child, parent)
        _write_projects(o, projects)
        _write_funding(ref, o, local, head, projects, seed)
        for item in head_items:
            _write_outside(ref, o, item)
        del head_items
        for item in stream:
            _write_outside(ref, o, item)
        counts = o.counts()
    (out / "dataset.yaml").write_text(
        dataset_yaml(seed, n_local, n_outside), encoding="utf-8")
    (out / "README.md").write_text(
        readme(ref, gaps, counts, seed, n_local, n_outside), encoding="utf-8")
    return Summary(counts, gaps, time.perf_counter() - started)


NOTICE = ("本数据集为虚构示例数据：除区镇、方案点名的园区和高校的名称外，所有企业、项目、基金、关系与"
          "数字均为虚构，不反映任何真实机构的情况。")


def dataset_yaml(seed: int, n_local: int, n_outside: int) -> str:
    return (
        f"# Generated by data/generate_sample.py --seed {seed} --local {n_local}"
        f" --outside {n_outside}; do not edit by hand.\n"
        "name: 太仓市文化产业图谱（虚构示例数据）\n"
        "city: 太仓市\n"
        "fictional: true\n"
        f"notice: {NOTICE}\n"
        "include:\n"
        "  - taxonomy: culture-2018\n"
        "  - chains: culture\n"
        "targets: taicang-2025\n"
    )


def _describe(ref: Reference, lid: str) -> str:
    lk = ref.links[lid]
    return f"`{lid}` {lk.name}（{lk.chain_name}）"


def readme(ref: Reference, gaps: GapPlan, counts: dict[str, int], seed: int, n_local: int,
           n_outside: int) -> str:
    weak = {w[0]: w[1] for w in gaps.weak}
    lines = [
        "# 太仓市文化产业图谱（虚构示例数据） — fictional sample data",
        "",
        "> **本目录中的数据是虚构的。** 真实的只有名称：太仓市的区镇（6个镇、2个街道及功能区）、"
        "《太仓市2025年文化产业提升发展专项行动方案》点名的三个园区（天镜湖文化科技产业园、"
        "海美国际（太仓）文化创新港、璜泾镇数字文化产业园）以及高校的名称和所在城市。"
        "所有企业（名称、统一社会信用代码、营收、人数）、项目、基金与银行产品、园区面积与定位、"
        "供应与合作关系、高校合作与优势学科对应、季度监测数字均为虚构，"
        "不得视为任何真实机构的情况。企业名称由随机字号拼成，如与真实企业重名，纯属巧合。",
        "",
        "> **This folder is FICTIONAL.** Only names are real: the towns, streets and functional "
        "zones of Taicang, the three parks named by the 2025 plan, and the universities' names "
        "and cities. Every enterprise (name, credit code, revenue, staff), project, fund and "
        "bank product, park figure and positioning, supply and cooperation tie, university tie, "
        "and quarterly figure is invented and must not be read as a fact about any real "
        "organisation. Enterprise names are random combinations of syllables; any match with a "
        "real company is a coincidence.",
        "",
        "## 真实与虚构 / What is real",
        "",
        "| 类别 category | 真实 real | 虚构 invented |",
        "|---|---|---|",
        "| 区镇 Town | 名称与类型 names and kinds: "
        + "、".join(t.name for t in TOWNS)
        + " | — |",
        "| 园区 Park | 方案点名的园区名称 names the plan gives: " + "、".join(NAMED_IN_PLAN)
        + " | 其余园区名称；所有园区的级别、面积、空置、定位、设立日期、运营机构 other parks' "
        "names; every park's level, areas, positioning, dates, operator |",
        "| 高校 University | 名称与所在城市 names and cities: "
        + "、".join(f"{u.name}（{u.city}）" for u in UNIVERSITIES)
        + " | 优势学科（示意）及其与细分领域的对应、所有合作 disciplines (illustrative), "
        "the sub-sector ties and every cooperation |",
        "| 企业 Enterprise | — | 全部：名称、统一社会信用代码（仅校验位合规）、营收、人数、关系 "
        "everything: names, credit codes (only the check character is real), figures, ties |",
        "| 基金 Fund、项目 Project | — | 全部 everything |",
        "",
        "高校名单中，本地高校（`local=true`）为在太仓设有校区的三所：西交利物浦大学太仓校区、"
        "西北工业大学太仓校区、苏州健雄职业技术学院。The three local universities have campuses in "
        "Taicang; the others are art and media universities elsewhere.",
        "",
        "区镇为太仓市现行的6个镇、2个街道，加上3个功能区（太仓港经济技术开发区、太仓高新技术产业开发区、"
        "科教新城；科教新城位于高新区内，样例中单列）。园区所在区镇中，海美国际（太仓）文化创新港"
        "归入高新区为样例假设。The Town nodes are the 6 towns and 2 streets of Taicang plus 3 "
        "functional zones (科教新城 lies within the 高新区 but is listed on its own); placing "
        "海美国际（太仓）文化创新港 in the 高新区 is an assumption of the sample.",
        "",
        "## 重新生成 / Regenerate",
        "",
        "```",
        "python data/generate_sample.py            # writes data/sample/ (this folder)",
        "python data/generate_sample.py --out DIR --seed N --local N --outside N",
        "```",
        "",
        f"This folder: seed **{seed}**, **{n_local}** local and **{n_outside}** outside "
        "enterprises. The same arguments give byte-identical files; `tests/test_sample_data.py` "
        "fails if this folder drifts from the script. The taxonomy (`taxonomy: culture-2018`) and "
        "the chain templates (`chains: culture`) are included by reference (see `dataset.yaml`), "
        "not copied; the generator reads them to place enterprises.",
        "",
        "生成脚本每次运行结果完全一致（固定随机种子）。分类标准与产业链模板通过 `dataset.yaml` 的 "
        "`include` 引用，不在本目录重复。",
        "",
        "## 文件与行数 / Files and rows",
        "",
        "| file | rows |",
        "|---|---:|",
    ]
    lines += [f"| `{name}` | {rows} |" for name, rows in sorted(counts.items())]
    lines += [
        "",
        "## 设计的短板 / Gaps by construction",
        "",
        "本地企业的分布刻意体现优势（电竞游戏与数字内容集中在科教新城/天镜湖，文化装备制造分布在各镇）"
        "与短板。The local enterprises are placed so that the city has strengths (e-sports, games "
        "and digital content around 科教新城/天镜湖; cultural equipment manufacturing across the "
        "towns) and these gaps:",
        "",
    ]
    for lid in gaps.missing:
        tag = "断链 broken" if lid in gaps.broken else "缺失 missing"
        lines.append(f"- {tag}, 0 local enterprises: {_describe(ref, lid)}")
    for lid, count in weak.items():
        tag = "断链 broken" if lid in gaps.broken else "薄弱 weak"
        lines.append(f"- {tag}, {count} local enterprise(s): {_describe(ref, lid)}")
    lines += [
        "",
        "A broken link (断链) is a missing or weak link whose upstream and downstream neighbours "
        "(FEEDS) are both well present. Outside enterprises exist in every link, and some of "
        "those in the gap links already supply local enterprises (以商引商 paths).",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--outside", type=int, default=DEFAULT_OUTSIDE,
                        help="outside enterprises (the attraction pool)")
    parser.add_argument("--local", type=int, default=DEFAULT_LOCAL, help="local enterprises")
    parser.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY,
                        help="folder with data/culture-taxonomy-2018.csv and chains/culture/")
    args = parser.parse_args(argv)
    if args.local < 1 or args.outside < 0:
        parser.error("--local must be at least 1 and --outside at least 0")
    summary = generate(args.out, args.seed, args.outside, args.local, args.ontology)
    total = sum(summary.counts.values())
    gaps = summary.gaps
    print(f"wrote {args.out}: {total} rows in {len(summary.counts)} files "
          f"in {summary.seconds:.1f} s", file=sys.stderr)
    print(f"gaps by construction: missing {', '.join(gaps.missing) or '-'}; weak "
          f"{', '.join(f'{lid} ({n})' for lid, n, _ in gaps.weak) or '-'}; broken "
          f"{', '.join(gaps.broken) or '-'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
