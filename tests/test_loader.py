"""The canonical loader, on both stores: validation before any write, idempotence, provenance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.minicity import E1, E2, E3, FILES, write_city
from tupu.graph.stores.deliveries import Provenance
from tupu.errors import ValidationFailed
from tupu.graph.stores.model import NodeRef
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load


def city(tmp_path: Path, **changes: str) -> Path:
    return write_city(tmp_path / "mini", {k.replace("__", "/") + ".csv": v for k, v in changes.items()})


def snapshot(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    return store.count_nodes(), store.count_relationships()


def test_loads_mini_city_with_types_and_provenance(store: GraphStore, tmp_path: Path) -> None:
    report = load([city(tmp_path)], store)
    nodes, rels = snapshot(store)
    assert nodes["Enterprise"] == 3 and nodes["Town"] == 2 and nodes["Park"] == 1
    assert nodes["SubSector"] == 198 and nodes["Dataset"] == 1
    assert rels["LOCATED_IN"] == 2 and rels["SUPPLIES"] == 1 and rels["PART_OF"] == 198 - 9
    assert report.nodes["Enterprise"] == 3
    e1 = store.get_node("Enterprise", E1)
    assert e1 is not None
    assert e1.props["annual_revenue"] == 5200.5 and e1.props["employees"] == 120
    assert e1.props["listed"] is False and e1.props["above_scale"] is True
    assert e1.props["founded"] == dt.date(2016, 3, 2)
    prov = Provenance(store)
    assert prov.expand(e1.props)["prov_source"] == "mini/nodes/Enterprise.csv"
    assert e1.props["prov_row"] == 2
    e2 = store.get_node("Enterprise", E2)
    assert e2 is not None and e2.props["listed"] is False and e2.props["above_scale"] is False
    supplies = store.find_relationships("SUPPLIES")
    assert [(r.start.key, r.end.key) for r in supplies] == [(E3, E1)]
    assert prov.expand(supplies[0].props)["prov_source"] == "mini/relationships/SUPPLIES.csv"
    assert supplies[0].props["since"] == dt.date(2023, 1, 1)


def test_loading_twice_changes_no_count(store: GraphStore, tmp_path: Path) -> None:
    folder = city(tmp_path)
    load([folder], store)
    first = snapshot(store)
    load([folder], store)
    assert snapshot(store) == first


def test_reload_updates_properties(store: GraphStore, tmp_path: Path) -> None:
    load([city(tmp_path)], store)
    changed = FILES["nodes/Enterprise.csv"].replace("5200.5", "6100")
    load([city(tmp_path, nodes__Enterprise=changed)], store)
    e1 = store.get_node("Enterprise", E1)
    assert e1 is not None and e1.props["annual_revenue"] == 6100.0


BAD_INPUTS = {
    "missing required column": (
        {"nodes__Town": "id,kind,city\nt1,town,迷你市\nt2,street,迷你市\n"},
        ("mini/nodes/Town.csv", 1, "name"),
    ),
    "duplicate key": (
        {"nodes__Town": "id,name,kind,city\nt1,一镇,town,迷你市\nt2,二街道,street,迷你市\nt1,又一镇,town,迷你市\n"},
        ("mini/nodes/Town.csv", 4, "id"),
    ),
    "unknown taxonomy code": (
        {"relationships__IN_SUBSECTOR": f"start,end\n{E1},0110\n{E2},9999\n"},
        ("mini/relationships/IN_SUBSECTOR.csv", 3, "end"),
    ),
    "relationship end missing": (
        {"relationships__LOCATED_IN": f"start_label,start,end_label,end\nEnterprise,{E1},Park,p9\n"},
        ("mini/relationships/LOCATED_IN.csv", 2, "end"),
    ),
    "non-numeric revenue": (
        {"nodes__Enterprise": FILES["nodes/Enterprise.csv"].replace("250000", "25亿")},
        ("mini/nodes/Enterprise.csv", 4, "annual_revenue"),
    ),
    "wrong credit-code check character": (
        {"nodes__Enterprise": FILES["nodes/Enterprise.csv"].replace(E2, E2[:17] + ("0" if E2[17] != "0" else "1"))},
        ("mini/nodes/Enterprise.csv", 3, "id"),
    ),
    "unknown column": (
        {"nodes__Park": "id,name,colour\np1,一号文化园,red\n"},
        ("mini/nodes/Park.csv", 1, "colour"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_and_nothing_written(
    store: GraphStore, tmp_path: Path, case: str
) -> None:
    load([city(tmp_path / "good")], store)
    before = snapshot(store)
    before_e1 = store.get_node("Enterprise", E1)
    changes, (file, row, column) = BAD_INPUTS[case]
    with pytest.raises(ValidationFailed) as err:
        load([city(tmp_path / "bad", **changes)], store)
    where = [(p.file, p.row, p.column) for p in err.value.problems]
    assert (file, row, column) in where, where
    assert snapshot(store) == before
    assert store.get_node("Enterprise", E1) == before_e1


def test_every_problem_is_reported_at_once(store: GraphStore, tmp_path: Path) -> None:
    bad_enterprises = FILES["nodes/Enterprise.csv"].replace("250000", "x").replace("120", "many")
    with pytest.raises(ValidationFailed) as err:
        load([city(tmp_path, nodes__Enterprise=bad_enterprises,
                   relationships__IN_TOWN="start,end\np1,t7\n")], store)
    columns = sorted((p.row or 0, p.column or "") for p in err.value.problems)
    assert (2, "employees") in columns and (4, "annual_revenue") in columns
    assert any(p.file.endswith("IN_TOWN.csv") for p in err.value.problems)
    assert store.count_nodes() == {}


def test_dry_run_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    report = load([city(tmp_path)], store, dry_run=True)
    assert report.written is False and report.nodes["Enterprise"] == 3
    assert store.count_nodes() == {}


def test_relationship_to_node_already_in_store(store: GraphStore, tmp_path: Path) -> None:
    load([city(tmp_path)], store)
    extra = tmp_path / "COOPERATES_WITH.csv"
    extra.write_text(f"start,end,end_label,kind\n{E1},{E2},Enterprise,联合研发\n", encoding="utf-8")
    load([extra], store)
    hood = store.neighbourhood(NodeRef("Enterprise", E1), depth=1, rel_types=["COOPERATES_WITH"])
    assert {n.key for n in hood.nodes} == {E1, E2}
