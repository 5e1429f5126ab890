"""Issue 8: a business-information platform's export places the city's enterprises in towns.

Platforms (企查查/天眼查 style) have no 乡镇 column: they give 所属地区 "江苏省苏州市太仓市" (or
所属区县 "太仓市") and a registered address. Loaded with ``tupu load`` as delivered, an enterprise
of the city must land in the town its address names — or, when the address names none, load and
go to the review list — and another city's enterprise must stay outside, even where its address
names a 城厢镇 of its own. A town column that names no town is still refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import realworld as rw
from tests.minicity import uscc, write_city
from tests.test_ingest_delivered import Cli, counts, ends, memory_graph

TOWNS = ("id,name,kind,city\nt1,一镇,town,太仓市\nt2,二街道,street,太仓市\n"
         "chengxiang,城厢镇,town,太仓市\nshaxi,沙溪镇,town,太仓市\n"
         "loudong,娄东街道,street,太仓市\nport-zone,太仓港经济技术开发区,zone,太仓市\n")
HEADER = ["企业名称", "统一社会信用代码", "登记状态", "所属地区", "所属区县", "注册地址", "所属行业"]
GAME = "动漫、游戏数字内容服务"
ROWS = [  # (serial, name, region, district, address, expected town or None)
    (101, "太仓虚构光影动画有限公司", "江苏省苏州市太仓市", "太仓市", "太仓市城厢镇某路1号", "chengxiang"),
    (102, "太仓虚构互娱科技有限公司", "江苏省苏州市", "太仓市", "江苏省太仓市娄东街道上海东路8号",
     "loudong"),
    (103, "太仓虚构路名文化有限公司", "江苏省苏州市太仓市", "太仓市", "太仓市城厢镇沙溪路9号",
     "chengxiang"),
    (104, "太仓虚构港区物流文化有限公司", "", "", "太仓港经济技术开发区北京路1号", "port-zone"),
    (105, "太仓虚构无镇文化有限公司", "江苏省苏州市太仓市", "太仓市", "太仓市某大道88号", None),
    (106, "成都虚构城厢文化有限公司", "四川省成都市青白江区", "青白江区", "成都市青白江区城厢镇某路2号",
     None),
    (107, "上海虚构太仓路文化有限公司", "上海市", "嘉定区", "上海市嘉定区太仓路1号", None),
]


@pytest.fixture
def cli(settings: object, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Cli:
    run = Cli(capsys, "memory")
    base = write_city(tmp_path / "mini", {"dataset.yaml": rw.BASE_DATASET, "nodes/Town.csv": TOWNS})
    code, _ = run("load", str(base))
    assert code == 0
    return run


def platform_export(path: Path) -> Path:
    rows: list[list[object]] = [["企查查 企业数据导出（虚构测试数据） 导出时间：2025-07-01"], list(HEADER)]
    for serial, name, region, district, address, _ in ROWS:
        rows.append([name, uscc(serial, "320585"), "存续", region, district, address, GAME])
    rows.append(["数据来源：企查查（虚构测试数据）"])
    return rw.write_xlsx(path, rows, ["A1:G1"])


def test_the_platform_export_places_the_city_s_enterprises_in_the_towns_their_address_names(
    cli: Cli, tmp_path: Path
) -> None:
    code, out = cli("load", str(platform_export(tmp_path / "企查查导出.xlsx")))
    assert code == 0 and out["written"] is True
    assert counts(out["summary"]) == {"Enterprise": (len(ROWS), 0, 0, 0, 0)}
    g = memory_graph()
    for serial, name, *_, town in ROWS:
        assert ends(g, "LOCATED_IN", uscc(serial, "320585")) == ({town} if town else set()), name
    reviews = [n for n in out["review"] if "看不出在哪个区镇" in n["message"]]
    assert [(n["row"], n["column"]) for n in reviews] == [(7, "所属地区、所属区县、注册地址")]
    ignored = " ".join(n["message"] for n in out["notes"] if "忽略" in n["message"])
    assert "注册地址" not in ignored and "所属区县" not in ignored


def test_a_region_in_the_town_column_is_no_town_and_a_misspelt_town_is_refused(
    cli: Cli, tmp_path: Path
) -> None:
    header = ["企业名称", "统一社会信用代码", "所属地区", "所属行业"]
    ok = rw.write_xlsx(tmp_path / "名录.xlsx", [
        header,
        ["太仓虚构区域文化有限公司", uscc(201, "320585"), "江苏省苏州市太仓市", GAME],
        ["太仓虚构全称文化有限公司", uscc(202, "320585"), "江苏省苏州市太仓市沙溪镇", GAME],
        ["北京虚构外地文化有限公司", uscc(203, "110105"), "北京市朝阳区", GAME],
    ])
    code, out = cli("load", str(ok))
    assert code == 0 and out["written"] is True
    g = memory_graph()
    assert ends(g, "LOCATED_IN", uscc(201, "320585")) == set()
    assert ends(g, "LOCATED_IN", uscc(202, "320585")) == {"shaxi"}
    assert ends(g, "LOCATED_IN", uscc(203, "110105")) == set()
    assert [n["row"] for n in out["review"] if "看不出在哪个区镇" in n["message"]] == [2]

    bad = rw.write_xlsx(tmp_path / "错镇.xlsx", [
        ["企业名称", "统一社会信用代码", "所在乡镇（街道）", "所属行业"],
        ["太仓虚构错镇文化有限公司", uscc(204, "320585"), "城箱镇", GAME],
    ])
    code, out = cli("load", str(bad))
    assert code == 1 and out["written"] is False
    assert [(p["row"], p["column"], p["value"]) for p in out["problems"]] == [
        (2, "所在乡镇（街道）", "城箱镇")]
    assert "不是图谱中的区镇" in out["problems"][0]["message"]
