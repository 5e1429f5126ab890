"""The thin readers of exports on in-memory files: encodings, CSV rows, XLSX sheets, headers."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from tupu.loaders.csvtable import open_csv_rows, sniff_delimiter
from tupu.loaders.encoding import EncodingProblem, check_declared, detect_encoding
from tupu.loaders.tables import Cell, RawRow, data_rows, find_header, skip_reason
from tupu.loaders.xlsx import XlsxProblem, open_sheet

TEXT = "企业名称,统一社会信用代码,所属镇（区）\n太仓朔野游戏科技有限公司,913205850535505917,城厢镇\n"
HEADERS = {"企业名称", "统一社会信用代码", "所属镇（区）", "营业收入", "从业人员", "序号"}


def rows_of(data: bytes, declared: str | None = None) -> list[list[Cell]]:
    return [list(cells) for _, cells in open_csv_rows(io.BytesIO(data), declared).rows]


# -- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gbk", "gb18030", "utf-16"],
)
def test_every_encoding_is_detected_and_reads_the_same_rows(data: bytes, codec: str) -> None:
    assert detect_encoding(data, complete=True) == codec
    assert rows_of(data) == [
        ["企业名称", "统一社会信用代码", "所属镇（区）"],
        ["太仓朔野游戏科技有限公司", "913205850535505917", "城厢镇"],
    ]


def test_a_character_cut_at_the_end_of_the_sample_is_not_an_error() -> None:
    data = TEXT.encode("utf-8")
    cut = data[: data.index("城".encode()) + 1]
    assert detect_encoding(cut, complete=False) == "utf-8"


def test_gbk_declared_as_utf8_is_refused_never_mojibake() -> None:
    with pytest.raises(EncodingProblem, match="GBK") as err:
        rows_of(TEXT.encode("gbk"), declared="utf-8")
    assert "encoding 改为 gbk" in str(err.value)


def test_utf8_declared_as_gbk_is_refused() -> None:
    # UTF-8 Chinese often decodes "successfully" as GB18030 — into mojibake; it must not load.
    with pytest.raises(EncodingProblem, match="实际是UTF-8"):
        check_declared(TEXT.encode("utf-8"), "gbk", complete=True)


def test_declared_encodings_that_agree_are_used() -> None:
    assert rows_of(TEXT.encode("gbk"), "GB2312")[1][2] == "城厢镇"
    assert rows_of(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8")[0][0] == "企业名称"
    with pytest.raises(EncodingProblem, match="不支持的编码"):
        rows_of(TEXT.encode("utf-8"), "latin-1")


def test_bytes_in_no_encoding_are_refused() -> None:
    with pytest.raises(EncodingProblem, match="无法识别文件编码"):
        detect_encoding(b"name\n\x80\x80\xff\n", complete=True)


def test_a_bad_byte_after_the_sample_stops_the_stream_naming_the_row() -> None:
    from tupu.loaders import encoding

    head = "企业名称\n" + "甲\n" * (encoding.SAMPLE_SIZE // 4)
    data = head.encode("utf-8") + "乙\n".encode("gbk")
    with pytest.raises(EncodingProblem, match="行附近"):
        rows_of(data)


def test_delimiters_are_sniffed() -> None:
    assert sniff_delimiter("a\tb\tc\n1\t2\t3") == "\t"
    assert sniff_delimiter("标题,,,\na,b,c") == ","
    assert sniff_delimiter("只有一列") == ","
    data = "企业名称\t统一社会信用代码\n甲\t1\n".encode("utf-16")
    assert rows_of(data)[1] == ["甲", "1"]


# -- XLSX -----------------------------------------------------------------------------------


def workbook(**sheets: list[list[object]]) -> io.BytesIO:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_xlsx_first_or_named_sheet_with_excel_row_numbers_and_typed_cells() -> None:
    data = workbook(封面=[["说明"]], 名录=[["企业名称", "成立日期"], [], ["甲公司", dt.date(2020, 1, 2)]])
    with open_sheet(data) as sheet:
        assert sheet.title == "封面" and sheet.sheet_names == ("封面", "名录")
    data.seek(0)
    with open_sheet(data, "名录") as sheet:
        rows = [(n, list(c)) for n, c in sheet.rows]
    assert rows[0] == (1, ["企业名称", "成立日期"])
    assert rows[2][0] == 3 and rows[2][1][0] == "甲公司"
    assert rows[2][1][1] == dt.datetime(2020, 1, 2)


def test_an_instructions_sheet_before_the_table_is_passed_over() -> None:
    data = workbook(填表说明=[["本表为虚构测试数据"], ["1. 营业收入单位为千元"]],
                    数据=[["2025年一季度"], ["统一社会信用代码", "单位名称", "营业收入"], ["x", "甲", 1]])
    with open_sheet(data) as sheet:
        assert sheet.title == "数据"
        assert [n for n, _ in sheet.rows] == [1, 2, 3]
    data = workbook(说明=[["只有说明"]], 备注=[["也只有一列"]])  # no table anywhere: the first
    with open_sheet(data) as sheet:
        assert sheet.title == "说明"


def test_xlsx_missing_sheet_and_non_workbook_are_problems() -> None:
    with pytest.raises(XlsxProblem, match="没有名为“季报”的工作表"):
        with open_sheet(workbook(名录=[["a"]]), "季报"):
            pass
    with pytest.raises(XlsxProblem, match="不是有效的XLSX"):
        with open_sheet(io.BytesIO(b"not a zip")):
            pass


# -- header detection, totals and footnotes --------------------------------------------------


def known(text: str) -> bool:
    return text.replace(" ", "") in HEADERS


def numbered(rows: list[list[Cell]]) -> list[RawRow]:
    return list(enumerate(rows, start=1))


def test_header_is_found_below_title_rows() -> None:
    rows = numbered([
        ["2025年一季度规上文化企业名单", None, None],
        [None, None, "单位：万元"],
        ["序号", "企业名称", "营业收入"],
        [1, "甲公司", 100],
    ])
    header, rest = find_header(rows, known)
    assert header is not None
    assert header.rows == (3,) and [c.name for c in header.columns] == ["序号", "企业名称", "营业收入"]
    assert header.preamble == ("2025年一季度规上文化企业名单", "单位：万元")
    assert [n for n, _ in rest] == [4]


def test_merged_header_cells_over_two_rows() -> None:
    # 企业名称 merged over rows 3–4; 主要指标 merged over D3:E3 (its text only in D3).
    rows = numbered([
        ["企业主要指标表", None, None, None, None],
        [None] * 5,
        ["序号", "企业名称", "统一社会信用代码", "主要指标", None],
        [None, None, None, "营业收入", "从业人员"],
        [1, "甲公司", "913205850535505917", 100, 20],
    ])
    header, rest = find_header(rows, known)
    assert header is not None and header.rows == (3, 4)
    names = [c.name for c in header.columns]
    assert names == ["序号", "企业名称", "统一社会信用代码", "主要指标/营业收入", "主要指标/从业人员"]
    assert header.columns[4].candidates[0] == "从业人员"
    assert [n for n, _ in rest] == [5]


def test_a_data_row_is_never_taken_for_a_second_header_row() -> None:
    rows = numbered([["企业名称", "营业收入"], ["甲公司", "100"], ["乙公司", "200"]])
    header, _ = find_header(rows, known)
    assert header is not None and header.rows == (1,)


def test_no_header_in_sight() -> None:
    header, rest = find_header(numbered([["a", "b"], ["1", "2"]]), known)
    assert header is None and len(list(rest)) == 2


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["合计", None, 300], "合计行"),
        ([None, "总  计", 300], "合计行"),
        (["全市合计（12家）", 300], "合计行"),
        (["小计", 5], "合计行"),
        (["注：本表数据为快报数。", None], "表尾注释行"),
        (["填表人：张三"], "表尾注释行"),
        ([1, "合计文化传媒有限公司", 300], None),
        (["总计划投资", 3], None),
    ],
)
def test_totals_rows_and_footnotes(cells: list[Cell], reason: str | None) -> None:
    assert skip_reason(cells) == reason


def test_data_rows_drop_and_report_totals() -> None:
    skipped: list[tuple[int, str, str]] = []
    rows = numbered([["甲", 1], [None, None], ["合计", 1], ["乙", 2]])
    kept = list(data_rows(rows, lambda *a: skipped.append(a)))
    assert [n for n, _ in kept] == [1, 4]
    assert skipped == [(3, "合计行", "合计")]
