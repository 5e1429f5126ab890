"""Entity resolution: one node per enterprise across files and deliveries, whatever their order."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Any

import pytest

from tests.minicity import uscc
from tupu.api.cli import main
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.enterprise_names import Gazetteer, name_core
from tupu.loaders.notes import collect_notes
from tupu.loaders.pipeline import load
from tupu.loaders.enterprise_match import SAME_NAME_ELSEWHERE, SHORT_NAME_SEVERAL

C1, C2, C3 = uscc(11), uscc(12), uscc(13, "110105")
PROVENANCE = ("prov_source", "prov_row", "prov_loaded_at", "prov_delivery", "prov_file")

ENTERPRISE_A = (
    "id,name,short_name,province,city,annual_revenue",
    f"{C1},太仓朔野游戏科技有限公司,朔野,江苏省,太仓市,100",
    f"{C2},太仓汀谷网络科技有限公司,汀谷,江苏省,太仓市,200",
    f"{C3},北京汀谷网络科技有限公司,汀谷,北京市,北京市,300",
    "gen-5,渚尘电竞文化有限公司,,,北京市,",
)
ENTERPRISE_B = (
    "id,name,short_name,city,annual_revenue,employees",
    "gen-1,朔野游戏科技（太仓）有限公司,,,120,50",
    "gen-2,江苏 朔野游戏科技,,,,",
    "gen-3,汀谷,,,,",
    "gen-4,渚尘电竞文化有限公司,,苏州市,,",
    "gen-6,朔野,,,,",
)
FILES: dict[str, tuple[str, ...]] = {
    "a/nodes/Town.csv": ("id,name,kind,city", "t1,一镇,town,太仓市"),
    "a/nodes/Enterprise.csv": ENTERPRISE_A,
    "a/relationships/SUPPLIES.csv": ("start,end,product", f"{C1},{C2},游戏授权"),
    "b/nodes/Enterprise.csv": ENTERPRISE_B,
    "b/nodes/EnterpriseObservation.csv": ("id,period,revenue", "gen-1@2024Q1,2024Q1,30"),
    "b/relationships/HAS_OBSERVATION.csv": (
        "start,end,start_label,end_label", "gen-1,gen-1@2024Q1,Enterprise,EnterpriseObservation"),
    "b/relationships/SUPPLIES.csv": ("start,end,since", f"gen-1,{C2},2023-01-01"),
    "b/relationships/LOCATED_IN.csv": (
        "start,end,start_label,end_label", "gen-6,t1,Enterprise,Town", f"{C2},t1,Enterprise,Town"),
}


def write(root: Path, files: dict[str, tuple[str, ...]], shuffle: random.Random | None = None) -> None:
    for name, (header, *rows) in files.items():
        if shuffle is not None:
            shuffle.shuffle(rows)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def content(store: GraphStore) -> dict[str, Any]:
    """Every node and relationship with its properties, provenance left out."""
    def strip(props: Any) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k not in PROVENANCE}

    out: dict[str, Any] = {}
    for label in store.schema.map_labels:  # not the loads' Delivery records
        out.update({f"{label}:{n.key}": strip(n.props) for n in store.find_nodes(label)})
    for rtype in store.schema.relationships:
        out.update({f"{r.start}-{rtype}->{r.end}": strip(r.props)
                    for r in store.find_relationships(rtype)})
    return out


# -- names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "太仓朔野游戏科技有限公司", "太仓市朔野游戏科技有限公司", "江苏太仓朔野游戏科技有限公司",
    "朔野游戏科技（太仓）有限公司", "朔野游戏科技(太仓)有限公司", "朔野游戏科技集团股份有限公司",
    "朔野游戏科技有限责任公司", " 朔野 游戏科技 ", "朔野游戏科技（集团）有限公司",
])
def test_name_variants_share_one_core(name: str) -> None:
    gazetteer = Gazetteer.of(["太仓市"], ["江苏省"])
    assert name_core(name, gazetteer)[0] == "朔野游戏科技"


def test_a_branch_keeps_its_own_core_and_regions_place_the_name() -> None:
    gazetteer = Gazetteer.of(["太仓市", "北京市"], [])
    core, _ = name_core("朔野游戏科技有限公司太仓分公司", gazetteer)
    assert core != "朔野游戏科技"
    assert name_core("北京朔野游戏科技有限公司", gazetteer)[1].cities == {"北京"}
    assert name_core("朔野太仓", gazetteer, short=True)[0] == "朔野"


# -- one delivery ---------------------------------------------------------------------------------
def test_one_node_per_enterprise_and_uncertain_matches_to_review(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    store = MemoryStore(None)
    with collect_notes() as notes:
        report = load([tmp_path / "a", tmp_path / "b"], store)
    keys = {n.key for n in store.find_nodes("Enterprise")}
    # gen-1 (bracketed city), gen-2 (province prefix, no legal form), gen-6 (the short name) are C1;
    # C2 and C3 share a short name and a name core but have two credit codes: never merged
    assert keys == {C1, C2, C3, "gen-3", "gen-4", "gen-5"}
    e1 = store.get_node("Enterprise", C1)
    assert e1 is not None
    assert e1.props["name"] == "太仓朔野游戏科技有限公司"  # the registered name, not 朔野
    assert e1.props["annual_revenue"] == 120.0  # b's row is later than a's: it wins
    assert e1.props["employees"] == 50
    aliases = set(e1.props["aliases"].split(";"))
    assert {"gen-1", "gen-2", "gen-6", "朔野游戏科技（太仓）有限公司"} <= aliases
    # relationship ends and observation ids follow the kept key; the two SUPPLIES became one
    (sup,) = store.find_relationships("SUPPLIES")
    assert (sup.start.key, sup.end.key) == (C1, C2)
    assert sup.props["product"] == "游戏授权" and sup.props["since"] == dt.date(2023, 1, 1)
    located = {(r.start.key, r.end.key) for r in store.find_relationships("LOCATED_IN")}
    assert located == {(C1, "t1"), (C2, "t1")}
    assert [n.key for n in store.find_nodes("EnterpriseObservation")] == [f"{C1}@2024Q1"]
    assert store.find_relationships("HAS_OBSERVATION")[0].start.key == C1
    # review: a short name of two enterprises; one name in two cities
    review = {(i.key, i.reason) for i in report.review}
    assert review == {("gen-3", SHORT_NAME_SEVERAL), ("gen-4", SAME_NAME_ELSEWHERE),
                      ("gen-5", SAME_NAME_ELSEWHERE)}
    gen3 = next(i for i in report.review if i.key == "gen-3")
    assert gen3.source == "b/nodes/Enterprise.csv" and gen3.row == 4
    assert len(gen3.candidates) == 2 and all(C2 in c or C3 in c for c in gen3.candidates)
    assert sum(n.kind == "review" for n in notes) == 3


@pytest.mark.parametrize("seed", range(4))
def test_any_order_of_files_and_rows_gives_the_same_graph(tmp_path: Path, seed: int) -> None:
    """Rows of one enterprise that disagree are in different files here: within one file the later
    row wins, so there the row order is part of the input."""
    write(tmp_path / "ordered", FILES)
    expected_store = MemoryStore(None)
    expected = load([tmp_path / "ordered" / "a", tmp_path / "ordered" / "b"], expected_store)
    shuffle = random.Random(seed)
    write(tmp_path / "shuffled", FILES, shuffle)
    folders = [tmp_path / "shuffled" / "a", tmp_path / "shuffled" / "b"]
    shuffle.shuffle(folders)
    store = MemoryStore(None)
    report = load(folders, store)
    assert content(store) == content(expected_store)
    assert {(i.key, i.reason) for i in report.review} == {
        (i.key, i.reason) for i in expected.review}


def test_every_permutation_of_files_on_both_stores(store: GraphStore, tmp_path: Path) -> None:
    write(tmp_path, FILES)
    expected_store = MemoryStore(None)
    load([tmp_path / "a", tmp_path / "b"], expected_store)
    expected = content(expected_store)
    for order in itertools.permutations([tmp_path / "b", tmp_path / "a"]):
        store.clear()
        load(list(order), store)
        assert content(store) == expected


def test_two_credit_codes_are_never_merged_even_with_one_name(tmp_path: Path) -> None:
    other = uscc(14)
    write(tmp_path, {"x/nodes/Enterprise.csv": (
        "id,name,city", f"{C1},太仓朔野游戏科技有限公司,太仓市", f"{other},太仓朔野游戏科技有限公司,太仓市",
        "gen-9,朔野游戏科技有限公司,太仓市")})
    store = MemoryStore(None)
    report = load([tmp_path / "x"], store)
    assert {n.key for n in store.find_nodes("Enterprise")} == {C1, other, "gen-9"}
    assert [i.key for i in report.review] == ["gen-9"]  # it could be either


# -- across deliveries ----------------------------------------------------------------------------
FIRST: dict[str, tuple[str, ...]] = {
    "first/nodes/Town.csv": ("id,name,kind,city", "t1,一镇,town,太仓市"),
    "first/nodes/Enterprise.csv": (
        "id,name,city,employees", "gen-1,朔野游戏科技（太仓）有限公司,,50",
        f"{C2},太仓汀谷网络科技有限公司,太仓市,"),
    "first/nodes/EnterpriseObservation.csv": (
        "id,period,revenue,talent_introduced", "gen-1@2024Q1,2024Q1,30,2"),
    "first/relationships/HAS_OBSERVATION.csv": (
        "start,end,start_label,end_label", "gen-1,gen-1@2024Q1,Enterprise,EnterpriseObservation"),
    "first/relationships/SUPPLIES.csv": ("start,end,since", f"gen-1,{C2},2023-01-01"),
    "first/relationships/LOCATED_IN.csv": ("start,end,start_label,end_label", "gen-1,t1,Enterprise,Town"),
}
SECOND: dict[str, tuple[str, ...]] = {
    "second/nodes/Enterprise.csv": (
        "id,name,short_name,city,annual_revenue", f"{C1},太仓朔野游戏科技有限公司,朔野,太仓市,100"),
    "second/nodes/EnterpriseObservation.csv": ("id,period,revenue", f"{C1}@2024Q2,2024Q2,40"),
    "second/relationships/HAS_OBSERVATION.csv": (
        "start,end,start_label,end_label", f"{C1},{C1}@2024Q2,Enterprise,EnterpriseObservation"),
    "second/relationships/SUPPLIES.csv": ("start,end,product", f"{C1},{C2},游戏授权"),
}


def test_a_later_delivery_with_the_credit_code_folds_the_node_in(
    store: GraphStore, tmp_path: Path
) -> None:
    write(tmp_path, {**FIRST, **SECOND})
    load([tmp_path / "first"], store)
    load([tmp_path / "second"], store)
    assert {n.key for n in store.find_nodes("Enterprise")} == {C1, C2}
    e1 = store.get_node("Enterprise", C1)
    assert e1 is not None and e1.props["employees"] == 50 and e1.props["annual_revenue"] == 100.0
    assert "gen-1" in e1.props["aliases"].split(";")
    (sup,) = store.find_relationships("SUPPLIES")
    assert (sup.start.key, sup.props["since"], sup.props["product"]) == (
        C1, dt.date(2023, 1, 1), "游戏授权")
    assert [(r.start.key, r.end.key) for r in store.find_relationships("LOCATED_IN")] == [(C1, "t1")]
    observations = {n.key: n.props for n in store.find_nodes("EnterpriseObservation")}
    assert set(observations) == {f"{C1}@2024Q1", f"{C1}@2024Q2"}
    assert observations[f"{C1}@2024Q1"]["talent_introduced"] == 2
    assert {r.end.key for r in store.find_relationships("HAS_OBSERVATION")} == set(observations)

    # a third delivery still names the enterprise by the id it was merged away from
    extra = tmp_path / "COOPERATES_WITH.csv"
    extra.write_text(f"start,end,end_label,kind\ngen-1,{C2},Enterprise,联合研发\n", encoding="utf-8")
    load([extra], store)
    (coop,) = store.find_relationships("COOPERATES_WITH")
    assert (coop.start.key, coop.end.key) == (C1, C2)


def test_a_later_delivery_without_the_code_joins_the_existing_node(
    store: GraphStore, tmp_path: Path
) -> None:
    write(tmp_path, {**FIRST, **SECOND})
    load([tmp_path / "second" / "nodes" / "Enterprise.csv"], store)
    load([tmp_path / "first"], store)
    assert {n.key for n in store.find_nodes("Enterprise")} == {C1, C2}
    e1 = store.get_node("Enterprise", C1)
    assert e1 is not None and e1.props["name"] == "太仓朔野游戏科技有限公司"
    assert e1.props["employees"] == 50 and e1.props["annual_revenue"] == 100.0
    assert [n.key for n in store.find_nodes("EnterpriseObservation")] == [f"{C1}@2024Q1"]


def test_cli_prints_the_review_list_and_writes_it_as_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUPU_STORE", "memory")
    write(tmp_path, FILES)
    out = tmp_path / "review.csv"
    code = main(["load", str(tmp_path / "a"), str(tmp_path / "b"), "--review-out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "待复核" in printed and "gen-3" in printed
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["企业标识"] for r in rows} == {"gen-3", "gen-4", "gen-5"}
    assert all(r["原因"] and r["来源文件"] for r in rows)
