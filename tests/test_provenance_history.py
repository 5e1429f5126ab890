"""Provenance of every fact (delivery, file, row, load time) and quarterly history, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.minicity import E1, E2, E3, write_city
from tupu.api.cli import main
from tupu.graph.analyses.provenance import node_origin, relationship_origins
from tupu.graph.stores.deliveries import Provenance
from tupu.graph.stores.store import GraphStore
from tupu.loaders.pipeline import load

PROVENANCE = ("prov_delivery", "prov_source", "prov_loaded_at")
OBSERVATIONS = {
    "nodes/EnterpriseObservation.csv": (
        "id,period,revenue,employees,talent_introduced,above_scale\n"
        f"{E1}@2024Q1,2024Q1,1200,118,3,true\n"
        f"{E1}@2024Q2,2024Q2,1300,120,4,true\n"
    ),
    "relationships/HAS_OBSERVATION.csv": (
        "start,end,start_label,end_label\n"
        f"{E1},{E1}@2024Q1,Enterprise,EnterpriseObservation\n"
        f"{E1},{E1}@2024Q2,Enterprise,EnterpriseObservation\n"
    ),
}


def test_every_node_and_relationship_records_its_delivery(store: GraphStore, tmp_path: Path) -> None:
    report = load([write_city(tmp_path / "mini", OBSERVATIONS)], store)
    assert report.delivery
    prov = Provenance(store)  # facts refer to their Delivery node: expanded, they read as before
    for label in store.schema.map_labels:
        for node in store.find_nodes(label):
            props = prov.expand(node.props)
            assert all(props.get(p) for p in PROVENANCE), node
            assert props["prov_delivery"] == report.delivery
            assert isinstance(props.get("prov_row"), int), node
    for rtype in store.schema.relationships:
        for rel in store.find_relationships(rtype):
            props = prov.expand(rel.props)
            assert props["prov_delivery"] == report.delivery, rel
            assert props["prov_source"] and isinstance(props.get("prov_row"), int)
    obs = store.get_node("EnterpriseObservation", f"{E1}@2024Q2")
    assert obs is not None
    assert (prov.expand(obs.props)["prov_source"], obs.props["prov_row"]) == (
        "mini/nodes/EnterpriseObservation.csv", 3)


def test_where_a_node_and_a_relationship_came_from(store: GraphStore, tmp_path: Path) -> None:
    report = load([write_city(tmp_path / "mini")], store)
    origin = node_origin(store, "Enterprise", E2)
    assert origin is not None
    assert (origin.delivery, origin.source, origin.row) == (
        report.delivery, "mini/nodes/Enterprise.csv", 3)
    assert origin.loaded_at and origin.asked_as is None
    (rel,) = relationship_origins(store, "SUPPLIES", E3, E1)
    assert (rel.source, rel.row, rel.delivery) == (
        "mini/relationships/SUPPLIES.csv", 2, report.delivery)
    assert relationship_origins(store, "SUPPLIES", E1, E3) == []
    assert node_origin(store, "Enterprise", "nobody") is None
    # a later delivery: the facts it wrote carry its id, the others keep theirs
    extra = tmp_path / "COOPERATES_WITH.csv"
    extra.write_text(f"start,end,end_label,kind\n{E1},{E2},Enterprise,联合研发\n", encoding="utf-8")
    second = load([extra], store)
    assert second.delivery != report.delivery
    (coop,) = relationship_origins(store, "COOPERATES_WITH", E1, E2)
    assert (coop.delivery, coop.source, coop.row) == (second.delivery, "COOPERATES_WITH.csv", 2)
    assert node_origin(store, "Enterprise", E1).delivery == report.delivery  # type: ignore[union-attr]


def test_a_merged_away_key_is_found_through_the_aliases(tmp_path: Path) -> None:
    from tupu.graph.stores.memory_store import MemoryStore

    store = MemoryStore(None)
    load([write_city(tmp_path / "mini")], store)
    later = tmp_path / "Enterprise.csv"
    later.write_text("id,name\ngen-7,迷你数字科技（迷你市）有限公司\n", encoding="utf-8")
    load([later], store)
    origin = node_origin(store, "Enterprise", "gen-7")
    assert origin is not None and origin.fact == f"Enterprise:{E1}"
    assert origin.asked_as == "gen-7" and "gen-7" in origin.aliases
    assert (origin.source, origin.row) == ("Enterprise.csv", 2)


@pytest.mark.usefixtures("settings")
def test_cli_provenance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", str(write_city(tmp_path / "mini"))]) == 0
    capsys.readouterr()
    assert main(["provenance", "Enterprise", E1]) == 0
    out = capsys.readouterr().out
    assert "mini/nodes/Enterprise.csv" in out and "delivery" in out and "loaded_at" in out
    assert main(["provenance", "SUPPLIES", E3, E1, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == "mini/relationships/SUPPLIES.csv" and data["row"] == 2
    assert data["delivery"]
    assert main(["provenance", "Enterprise", "nobody"]) == 1
    assert main(["provenance", "Enterprize", E1]) == 2
    assert main(["provenance", "SUPPLIES", E3]) == 2


# -- history --------------------------------------------------------------------------------------
def test_reloading_a_period_replaces_its_values_only(store: GraphStore, tmp_path: Path) -> None:
    load([write_city(tmp_path / "mini", OBSERVATIONS)], store)
    q1_before = store.get_node("EnterpriseObservation", f"{E1}@2024Q1")
    reload = tmp_path / "q2" / "EnterpriseObservation.csv"
    reload.parent.mkdir()
    reload.write_text(f"id,period,revenue\n{E1}@2024Q2,2024Q2,1350\n", encoding="utf-8")
    load([reload], store)
    q2 = store.get_node("EnterpriseObservation", f"{E1}@2024Q2")
    assert q2 is not None and q2.props["revenue"] == 1350.0
    # by default a period update merges: what the delivery does not bring stays
    assert "employees" in q2.props and "talent_introduced" in q2.props
    report = load([reload], store, replace_period=True)
    q2 = store.get_node("EnterpriseObservation", f"{E1}@2024Q2")
    assert q2 is not None
    assert q2.props["revenue"] == 1350.0
    # replaced whole (--replace-period): present before, absent from the new delivery: gone
    assert "employees" not in q2.props and "talent_introduced" not in q2.props
    assert "above_scale" not in q2.props
    assert (q2.props["prov_delivery"], Provenance(store).expand(q2.props)["prov_source"]) == (
        report.delivery, "EnterpriseObservation.csv")
    # the earlier period is untouched, and so is the enterprise
    assert store.get_node("EnterpriseObservation", f"{E1}@2024Q1") == q1_before
    assert len(store.find_nodes("EnterpriseObservation")) == 2
    assert len(store.find_relationships("HAS_OBSERVATION")) == 2
    e1 = store.get_node("Enterprise", E1)
    assert e1 is not None and e1.props["annual_revenue"] == 5200.5


def test_reloading_an_enterprise_still_keeps_what_the_new_row_leaves_out(
    store: GraphStore, tmp_path: Path
) -> None:
    load([write_city(tmp_path / "mini")], store)
    later = tmp_path / "Enterprise.csv"
    later.write_text(f"id,name,employees\n{E1},迷你数字科技有限公司,130\n", encoding="utf-8")
    load([later], store)
    e1 = store.get_node("Enterprise", E1)
    assert e1 is not None and e1.props["employees"] == 130 and e1.props["annual_revenue"] == 5200.5
