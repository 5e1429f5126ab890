#!/usr/bin/env python3
"""Derive the sample city's export-style deliveries from the canonical sample.

Usage::

    python data/make_variants.py [--sample DIR] [--out DIR]

writes two deliveries next to ``data/sample/`` (into ``--out``, default ``data/``):

``sample-xlsx/``
    XLSX workbooks as a registry, the statistics bureau, park operators and the project office
    would send them: title rows, a ``单位：万元`` line, a header merged over two rows, totals rows,
    date cells and Excel serial dates, revenue in 亿元, a quarter per sheet (the quarter read from
    the sheet's title), some tenants known only by name.
``sample-gbk/``
    GBK-encoded CSV files with other header wordings: 注册资本 in 千元, dates written
    ``2010年7月10日``, ``2010.07.10``, ``20100710``, one file per quarter, progress as ``8.6%``.

Each has a ``manifest.yaml``. Together with the built-in taxonomy and chain templates and the
canonical files it references from ``data/sample`` (towns, parks, universities, funds and their
ties), each loads to exactly the graph of ``data/sample`` — the same nodes with the same properties
and the same relationships; only provenance differs. ``tests/test_ingest_variants.py`` checks
that, on both stores, and that the committed folders are what this script writes.

What the exports hold (the local enterprises, the outside pool, the quarterly observations, the
park tenants, the projects and their quarterly progress) is derived from the canonical files:

- an enterprise located in a park appears in the park's tenant list; one located directly in a
  town has its town in 所属镇（区） (the column is left empty for park tenants, whose place comes
  from the tenant list, so the graph has no extra LOCATED_IN Town);
- IN_SUBSECTOR comes from a 文化产业类别代码 column, primary code first;
- every fourth tenant row leaves out the credit code, so the enterprise is found by its name.

The output is deterministic: workbooks are re-zipped with fixed timestamps, so the same input gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLE = ROOT / "data" / "sample"
DEFAULT_OUT = ROOT / "data"
EXCEL_DAY0 = dt.date(1899, 12, 30)
FIXED_TIME = (2025, 1, 1, 0, 0, 0)
CANONICAL = (
    "nodes/Town.csv", "nodes/Park.csv", "nodes/University.csv", "nodes/Fund.csv",
    "relationships/IN_TOWN.csv", "relationships/POSITIONED_FOR.csv",
    "relationships/STRONG_IN.csv", "relationships/FOCUSES_ON.csv",
    "relationships/INVESTED_IN.csv", "relationships/COOPERATES_WITH.csv",
    "relationships/SUPPLIES.csv", "relationships/SUBSIDIARY_OF.csv",
)
QUARTER_ZH = {"1": "一", "2": "二", "3": "三", "4": "四"}
STATUS_ZH = {"planned": "储备", "signed": "签约", "started": "在建", "completed": "竣工",
             "operating": "投运", "stalled": "停滞"}
LEVEL_ZH = {"provincial": "省级", "municipal": "苏州市级", "city": "市级"}
NOTICE = "（虚构示例数据）"

Row = dict[str, str]


# -- reading the canonical sample ------------------------------------------------------------


def _rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Sample:
    """The parts of the canonical sample the exports are made of."""

    dataset: dict[str, Any]
    local: list[Row]
    outside: list[Row]
    codes: dict[str, list[str]]  # enterprise → sub-sector codes, primary first
    town_of: dict[str, str]  # enterprise or project → town name
    park_of: dict[str, str]  # enterprise or project → park name
    tenants: list[tuple[str, Row]]  # (park name, enterprise), in LOCATED_IN order
    observations: dict[str, list[Row]]  # period → observations (with "owner")
    projects: list[Row]
    owner_of: dict[str, Row]  # project → owning enterprise
    progress: list[Row]  # with "owner"


def read_sample(folder: Path) -> Sample:
    nodes, rels = folder / "nodes", folder / "relationships"
    enterprises = _rows(nodes / "Enterprise.csv")
    by_id = {e["id"]: e for e in enterprises}
    towns = {t["id"]: t["name"] for t in _rows(nodes / "Town.csv")}
    parks = {p["id"]: p["name"] for p in _rows(nodes / "Park.csv")}
    town_of: dict[str, str] = {}
    park_of: dict[str, str] = {}
    tenants: list[tuple[str, Row]] = []
    for r in _rows(rels / "LOCATED_IN.csv"):
        if r["end_label"] == "Town":
            town_of[r["start"]] = towns[r["end"]]
        else:
            park_of[r["start"]] = parks[r["end"]]
            if r["start_label"] == "Enterprise":
                tenants.append((parks[r["end"]], by_id[r["start"]]))
    located = {r["start"] for r in _rows(rels / "LOCATED_IN.csv")
               if r["start_label"] == "Enterprise"}
    codes: dict[str, list[str]] = defaultdict(list)
    for r in sorted(_rows(rels / "IN_SUBSECTOR.csv"), key=lambda r: r["primary"] != "true"):
        codes[r["start"]].append(r["end"])
    observations: dict[str, list[Row]] = defaultdict(list)
    for o in _rows(nodes / "EnterpriseObservation.csv"):
        observations[o["period"]].append({**o, "owner": o["id"].split("@")[0]})
    owner_of = {r["end"]: by_id[r["start"]] for r in _rows(rels / "OWNS.csv")}
    progress = [{**o, "owner": o["id"].split("@")[0]}
                for o in _rows(nodes / "ProjectObservation.csv")]
    dataset = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    return Sample(
        dataset=dataset,
        local=[e for e in enterprises if e["id"] in located],
        outside=[e for e in enterprises if e["id"] not in located],
        codes=dict(codes), town_of=town_of, park_of=park_of, tenants=tenants,
        observations=dict(sorted(observations.items())),
        projects=_rows(nodes / "Project.csv"), owner_of=owner_of, progress=progress,
    )


# -- cell formats ---------------------------------------------------------------------------


def yes_no(text: str) -> str:
    return "是" if text == "true" else "否"


def scaled(text: str, factor: str) -> str:
    """A canonical decimal ``text`` times ``factor``, written exactly (no binary rounding)."""
    if not text:
        return ""
    value = Decimal(text) * Decimal(factor)
    out = format(value.normalize(), "f")
    return out


def number(text: str, factor: str = "1") -> float | int | None:
    """A cell value for a workbook: the canonical number times ``factor``."""
    if not text:
        return None
    value = Decimal(scaled(text, factor))
    return int(value) if value == value.to_integral_value() else float(value)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def serial(text: str) -> int:
    return (day(text) - EXCEL_DAY0).days


def zh_date(text: str) -> str:
    d = day(text)
    return f"{d.year}年{d.month}月{d.day}日"


def zh_quarter(period: str) -> str:
    year, q = period.split("Q")
    return f"{year}年{QUARTER_ZH[q]}季度"


# -- writing --------------------------------------------------------------------------------


def stable_xlsx(wb: Any) -> bytes:
    """The workbook's bytes with fixed timestamps (zip entries and document properties)."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>2025-01-01T00:00:00Z", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def csv_text(rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def title_rows(ws: Any, title: str, width: int) -> None:
    """A merged title row and a ``单位：万元`` line, as statistical tables have them."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([None] * (width - 1) + ["单位：万元"])


def manifest(sample: Sample, files: list[dict[str, Any]], kind: str, sample_ref: str) -> str:
    """The delivery's manifest; ``sample_ref`` is the canonical sample's folder relative to it."""
    ds = sample.dataset
    head: dict[str, Any] = {key: ds[key] for key in ("name", "city", "fictional", "notice")
                            if key in ds}
    doc: dict[str, Any] = {
        "id": "sample", **head, "include": ds.get("include", []), "targets": ds.get("targets"),
        "canonical": [f"{sample_ref}/{c}" for c in CANONICAL], "files": files,
    }
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return (f"# The sample city as a delivery of {kind} exports. Generated by data/make_variants.py"
            " from data/sample; do not edit by hand.\n" + body)


# -- the XLSX delivery ----------------------------------------------------------------------


LOCAL_XLSX = ("序号", "统一社会信用代码", "企业名称", "企业简称", "所在省份", "所在城市", "成立日期",
              "注册资本", "营业收入", "从业人员期末人数", "是否上市", "是否独角兽",
              "是否全国文化企业30强", "是否规上", "经营范围", "文化产业类别代码", "所属镇（区）")
OUTSIDE_XLSX = ("统一社会信用代码", "企业名称", "简称", "省份", "城市", "成立日期", "注册资本（万元）",
                "营业收入（亿元）", "从业人员（人）", "是否上市", "是否独角兽", "是否全国文化企业30强",
                "是否规上", "经营范围", "文化产业类别代码")


def _date_cell(ws: Any, row: int, col: int) -> None:
    ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"


def xlsx_local(s: Sample) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    title_rows(ws, f"太仓市文化企业名录{NOTICE}", len(LOCAL_XLSX))
    ws.append(list(LOCAL_XLSX))
    revenue = Decimal(0)
    for i, e in enumerate(s.local, start=1):
        ws.append([i, e["id"], e["name"], e["short_name"], e["province"], e["city"],
                   day(e["founded"]), number(e["registered_capital"]), number(e["annual_revenue"]),
                   int(e["employees"]), yes_no(e["listed"]), yes_no(e["unicorn"]), yes_no(e["top30"]),
                   yes_no(e["above_scale"]), e["business_scope"], ";".join(s.codes[e["id"]]),
                   s.town_of.get(e["id"])])
        _date_cell(ws, ws.max_row, 7)
        revenue += Decimal(e["annual_revenue"])
    ws.append([None, "合计", None, None, None, None, None, None, float(revenue)])
    return stable_xlsx(wb)


def xlsx_outside(s: Sample) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "外地企业"
    ws.append(list(OUTSIDE_XLSX))
    for e in s.outside:
        ws.append([e["id"], e["name"], e["short_name"], e["province"], e["city"],
                   serial(e["founded"]), number(e["registered_capital"]),
                   number(e["annual_revenue"], "0.0001"), int(e["employees"]),
                   yes_no(e["listed"]), yes_no(e["unicorn"]), yes_no(e["top30"]),
                   yes_no(e["above_scale"]), e["business_scope"], ";".join(s.codes[e["id"]])])
    return stable_xlsx(wb)


def xlsx_observations(s: Sample) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    names = {e["id"]: e["name"] for e in s.local}
    for period, rows in s.observations.items():
        ws = wb.create_sheet(zh_quarter(period))
        title_rows(ws, f"太仓市文化企业主要指标监测表（{zh_quarter(period)}）{NOTICE}", 7)
        ws.append(["序号", "统一社会信用代码", "企业名称", "主要指标", None, None, None])
        ws.append([None, None, None, "营业收入", "从业人员期末人数", "引进人才（人）", "是否规上"])
        for col in (1, 2, 3):
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        ws.merge_cells(start_row=3, start_column=4, end_row=3, end_column=7)
        total, people = Decimal(0), 0
        for i, o in enumerate(rows, start=1):
            ws.append([i, o["owner"], names[o["owner"]], number(o["revenue"]),
                       int(o["employees"]), int(o["talent_introduced"]), yes_no(o["above_scale"])])
            total += Decimal(o["revenue"])
            people += int(o["employees"])
        ws.append(["合计", None, None, float(total), people, None, None])
    return stable_xlsx(wb)


def xlsx_tenants(s: Sample) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "入驻企业"
    ws.append(["序号", "园区名称", "企业名称", "统一社会信用代码"])
    for i, (park, e) in enumerate(s.tenants, start=1):
        ws.append([i, park, e["name"], None if i % 4 == 0 else e["id"]])
    return stable_xlsx(wb)


def xlsx_projects(s: Sample) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "重点项目"
    header = ["项目编号", "项目名称", "项目级别", "总投资（亿元）", "列入年度", "是否新增项目",
              "计划开工日期", "计划竣工日期", "项目状态", "承担单位", "承担单位统一社会信用代码",
              "项目地点"]
    title_rows(ws, f"太仓市文化产业重点项目清单{NOTICE}", len(header))
    ws.append(header)
    for p in s.projects:
        owner = s.owner_of[p["id"]]
        ws.append([p["id"], p["name"], LEVEL_ZH[p["level"]],
                   number(p["total_investment"], "0.0001"), int(p["plan_year"]),
                   yes_no(p["new_in_plan_year"]), day(p["planned_start"]),
                   day(p["planned_completion"]), STATUS_ZH[p["status"]], owner["name"],
                   owner["id"], s.park_of.get(p["id"]) or s.town_of[p["id"]]])
        _date_cell(ws, ws.max_row, 7)
        _date_cell(ws, ws.max_row, 8)
    return stable_xlsx(wb)


def xlsx_progress(s: Sample) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目进度"
    ws.append(["项目编号", "项目名称", "报告期", "累计完成投资（万元）", "实际形象进度（%）",
               "计划形象进度（%）", "项目状态"])
    names = {p["id"]: p["name"] for p in s.projects}
    for o in s.progress:
        ws.append([o["owner"], names[o["owner"]], zh_quarter(o["period"]),
                   number(o["investment_to_date"]), number(o["progress"]),
                   number(o["planned_progress"]), STATUS_ZH[o["status"]]])
    return stable_xlsx(wb)


def xlsx_delivery(s: Sample, sample_ref: str) -> dict[str, bytes]:
    files: list[dict[str, Any]] = [
        {"path": "企业名录.xlsx", "kind": "enterprises"},
        {"path": "外地企业库.xlsx", "kind": "enterprises"},
        *({"path": "企业季度监测.xlsx", "kind": "observations", "sheet": zh_quarter(p)}
          for p in s.observations),
        {"path": "园区入驻企业.xlsx", "kind": "tenants"},
        {"path": "重点项目.xlsx", "kind": "projects"},
        {"path": "项目季度进度.xlsx", "kind": "project_progress"},
    ]
    return {
        "manifest.yaml": manifest(s, files, "XLSX", sample_ref).encode("utf-8"),
        "企业名录.xlsx": xlsx_local(s),
        "外地企业库.xlsx": xlsx_outside(s),
        "企业季度监测.xlsx": xlsx_observations(s),
        "园区入驻企业.xlsx": xlsx_tenants(s),
        "重点项目.xlsx": xlsx_projects(s),
        "项目季度进度.xlsx": xlsx_progress(s),
    }


# -- the GBK CSV delivery -------------------------------------------------------------------


def gbk_local(s: Sample) -> str:
    rows: list[list[object]] = [[
        "单位详细名称", "统一社会信用代码", "简称", "省份", "城市", "成立日期", "注册资本(千元)",
        "营业收入(万元)", "从业人员", "是否上市", "是否独角兽", "是否全国文化企业30强", "是否规上",
        "经营范围", "文化产业分类代码", "所在地区"]]
    for e in s.local:
        rows.append([e["name"], e["id"], e["short_name"], e["province"], e["city"],
                     zh_date(e["founded"]), scaled(e["registered_capital"], "10"),
                     e["annual_revenue"], e["employees"], yes_no(e["listed"]), yes_no(e["unicorn"]),
                     yes_no(e["top30"]), yes_no(e["above_scale"]), e["business_scope"],
                     ";".join(s.codes[e["id"]]), s.town_of.get(e["id"], "")])
    return csv_text(rows)


def gbk_outside(s: Sample) -> str:
    rows: list[list[object]] = [[
        "企业名称", "统一社会信用代码", "企业简称", "所在省份", "所在城市", "成立时间", "注册资金(万元)",
        "营业收入(千元)", "从业人数", "上市企业", "独角兽企业", "全国文化企业30强", "规上企业",
        "经营范围", "文化产业类别代码"]]
    for e in s.outside:
        rows.append([e["name"], e["id"], e["short_name"], e["province"], e["city"],
                     day(e["founded"]).strftime("%Y.%m.%d"), e["registered_capital"],
                     scaled(e["annual_revenue"], "10"), e["employees"], yes_no(e["listed"]),
                     yes_no(e["unicorn"]), yes_no(e["top30"]), yes_no(e["above_scale"]),
                     e["business_scope"], "、".join(s.codes[e["id"]])])
    return csv_text(rows)


def gbk_observations(s: Sample, period: str) -> str:
    names = {e["id"]: e["name"] for e in s.local}
    rows: list[list[object]] = [
        [f"{zh_quarter(period)}文化企业主要指标{NOTICE}"],
        ["统一社会信用代码", "单位名称", "营业收入(千元)", "从业人员期末人数", "引进人才数", "是否规上"],
    ]
    total = Decimal(0)
    for o in s.observations[period]:
        rows.append([o["owner"], names[o["owner"]], scaled(o["revenue"], "10"), o["employees"],
                     o["talent_introduced"], "规上" if o["above_scale"] == "true" else "规下"])
        total += Decimal(o["revenue"]) * 10
    rows.append(["合计", "", format(total.normalize(), "f"), "", "", ""])
    rows.append(["注：本表为虚构示例数据。"])
    return csv_text(rows)


def gbk_tenants(s: Sample) -> str:
    rows: list[list[object]] = [["园区名称", "入驻企业名称", "统一社会信用代码"]]
    for i, (park, e) in enumerate(s.tenants, start=1):
        rows.append([park, e["name"], "" if i % 4 == 0 else e["id"]])
    return csv_text(rows)


def gbk_projects(s: Sample) -> str:
    rows: list[list[object]] = [[
        "项目编号", "项目名称", "级别", "计划总投资(亿元)", "年度", "是否新增", "计划开工时间",
        "计划竣工时间", "状态", "建设单位", "统一社会信用代码", "所在园区", "所属镇（区）"]]
    for p in s.projects:
        owner = s.owner_of[p["id"]]
        done = day(p["planned_completion"])
        rows.append([p["id"], p["name"], LEVEL_ZH[p["level"]],
                     scaled(p["total_investment"], "0.0001"), f"{p['plan_year']}年",
                     yes_no(p["new_in_plan_year"]), day(p["planned_start"]).strftime("%Y%m%d"),
                     f"{done.year}/{done.month}/{done.day}", STATUS_ZH[p["status"]],
                     owner["name"], owner["id"], s.park_of.get(p["id"], ""),
                     s.town_of.get(p["id"], "")])
    return csv_text(rows)


def gbk_progress(s: Sample) -> str:
    rows: list[list[object]] = [["项目编号", "报告期", "累计完成投资(万元)", "实际形象进度",
                                 "计划形象进度", "状态"]]
    for o in s.progress:
        rows.append([o["owner"], o["period"], o["investment_to_date"], f"{o['progress']}%",
                     f"{o['planned_progress']}%", STATUS_ZH[o["status"]]])
    return csv_text(rows)


def gbk_delivery(s: Sample, sample_ref: str) -> dict[str, bytes]:
    quarterly = {p: f"文化企业季报_{p}.csv" for p in s.observations}
    files: list[dict[str, Any]] = [
        {"path": "企业名录.csv"},
        {"path": "外地企业.csv", "kind": "enterprises", "encoding": "gbk"},
        *({"path": name, "kind": "observations", "period": p, "encoding": "gbk"}
          for p, name in quarterly.items()),
        {"path": "园区入驻企业.csv", "kind": "tenants"},
        {"path": "重点项目.csv", "kind": "projects"},
        {"path": "项目进度.csv", "kind": "project_progress"},
    ]
    texts = {
        "企业名录.csv": gbk_local(s),
        "外地企业.csv": gbk_outside(s),
        **{name: gbk_observations(s, p) for p, name in quarterly.items()},
        "园区入驻企业.csv": gbk_tenants(s),
        "重点项目.csv": gbk_projects(s),
        "项目进度.csv": gbk_progress(s),
    }
    out = {"manifest.yaml": manifest(s, files, "GBK CSV", sample_ref).encode("utf-8")}
    out.update({name: text.encode("gbk") for name, text in texts.items()})
    return out


# -- main -----------------------------------------------------------------------------------


def variants(sample: Path, sample_ref: str = "../sample") -> Iterator[tuple[str, dict[str, bytes]]]:
    """(folder name, {file name: bytes}) of every variant of the canonical ``sample``;
    ``sample_ref`` is how the manifests reach ``sample`` from the variant's folder."""
    s = read_sample(sample)
    yield "sample-xlsx", xlsx_delivery(s, sample_ref)
    yield "sample-gbk", gbk_delivery(s, sample_ref)


def write(sample: Path, out: Path) -> list[Path]:
    """Write every variant under ``out``, replacing the files of earlier runs."""
    written: list[Path] = []
    ref = Path(os.path.relpath(sample.resolve(), (out / "x").resolve())).as_posix()
    for name, files in variants(sample, ref):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file() and old.name not in files:
                old.unlink()
        for fname, data in files.items():
            (folder / fname).write_bytes(data)
        written.append(folder)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE,
                        help="the canonical sample folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where sample-xlsx/ and sample-gbk/ are written")
    args = parser.parse_args(argv)
    for folder in write(args.sample, args.out):
        print(f"wrote {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
