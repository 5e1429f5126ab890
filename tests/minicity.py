"""A tiny canonical data folder, written by tests that need to break one cell of it."""

from __future__ import annotations

from pathlib import Path

from tupu.loaders.uscc import check_character


def uscc(serial: int, region: str = "320585") -> str:
    """A valid 统一社会信用代码 with the given serial number."""
    first17 = f"91{region}{serial:09d}"
    return first17 + check_character(first17)


E1, E2, E3 = uscc(1), uscc(2), uscc(3, "110105")

FILES: dict[str, str] = {
    "dataset.yaml": (
        "name: 迷你城（测试用虚构数据）\ncity: 迷你市\nfictional: true\n"
        "notice: 测试用虚构数据。\ninclude:\n  - taxonomy: culture-2018\n"
    ),
    "nodes/Town.csv": "id,name,kind,city\nt1,一镇,town,迷你市\nt2,二街道,street,迷你市\n",
    "nodes/Park.csv": (
        "id,name,level,floor_area,vacant_area,positioning,established\n"
        "p1,一号文化园,city,50000,12000,数字内容与电竞,2019-05-01\n"
    ),
    "nodes/Enterprise.csv": (
        "id,name,short_name,province,city,annual_revenue,employees,listed,above_scale,founded\n"
        f"{E1},迷你数字科技有限公司,迷你数字,江苏省,迷你市,5200.5,120,false,true,2016-03-02\n"
        f"{E2},迷你装备制造有限公司,迷你装备,江苏省,迷你市,800,30,否,0,2020-07-15\n"
        f"{E3},外地游戏股份有限公司,外地游戏,北京市,北京市,250000,900,true,true,2008-01-09\n"
    ),
    "relationships/IN_TOWN.csv": "start,end\np1,t1\n",
    "relationships/LOCATED_IN.csv": (
        f"start_label,start,end_label,end\nEnterprise,{E1},Park,p1\nEnterprise,{E2},Town,t2\n"
    ),
    "relationships/IN_SUBSECTOR.csv": (
        f"start,end,primary\n{E1},0110,true\n{E2},0110,true\n{E3},0110,true\n"
    ),
    "relationships/SUPPLIES.csv": (
        f"start,end,product,annual_value,since\n{E3},{E1},游戏授权,300,2023-01-01\n"
    ),
}


def write_city(folder: Path, changes: dict[str, str] | None = None) -> Path:
    """Write the mini city into ``folder``, with some files replaced by ``changes``."""
    for name, text in {**FILES, **(changes or {})}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
