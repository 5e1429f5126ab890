"""The committed sample city (``data/sample/``) and its generator (``data/generate_sample.py``).

The committed folder must be exactly what the script writes, so it cannot drift from the script;
the other tests then check the committed files themselves, independently of the generator's code.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tupu.data import generate_sample

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
TAXONOMY = ROOT / "ontology" / "data" / "culture-taxonomy-2018.csv"
CHAINS = ROOT / "ontology" / "chains" / "culture"
SCHEMA = ROOT / "ontology" / "schema.yaml"

PLAN_PARKS = ("天镜湖文化科技产业园", "海美国际（太仓）文化创新港", "璜泾镇数字文化产业园")
TOWNS_AND_STREETS = ("城厢镇", "沙溪镇", "浏河镇", "浮桥镇", "璜泾镇", "双凤镇", "娄东街道", "陆渡街道")
WELL_PRESENT = 5  # local enterprises a FEEDS neighbour of a broken link has at least


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def _nodes(label: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    return list(_rows(folder / "nodes" / f"{label}.csv"))


def _rels(rtype: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    return list(_rows(folder / "relationships" / f"{rtype}.csv"))


# --- determinism and drift ------------------------------------------------------------------


def test_generation_is_byte_identical_and_equals_the_committed_sample(tmp_path: Path) -> None:
    gen = generate_sample
    first, second = tmp_path / "a", tmp_path / "b"
    gen.main(["--out", str(first)])
    gen.main(["--out", str(second)])
    a, b = _files(first), _files(second)
    assert a == b, "two runs with the same arguments differ"
    committed = _files(SAMPLE)
    assert sorted(committed) == sorted(a), "data/sample/ has other files than the script writes"
    drifted = [name for name in a if a[name] != committed[name]]
    assert not drifted, (
        f"data/sample/ differs from what data/generate_sample.py writes: {drifted}; "
        "run `python data/generate_sample.py` and commit the result"
    )


def test_the_local_city_does_not_depend_on_the_size_of_the_outside_pool(tmp_path: Path) -> None:
    gen = generate_sample
    gen.main(["--out", str(tmp_path), "--outside", "3300"])
    for name in ("nodes/EnterpriseObservation.csv", "nodes/Project.csv",
                 "relationships/LOCATED_IN.csv", "relationships/COOPERATES_WITH.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    bigger = (tmp_path / "nodes" / "Enterprise.csv").read_bytes()
    assert bigger.startswith((SAMPLE / "nodes" / "Enterprise.csv").read_bytes())


def test_the_generator_writes_no_included_source() -> None:
    names = {p.stem for p in SAMPLE.rglob("*.csv")}
    assert not names & {"SubSector", "Chain", "ChainLink", "PART_OF", "HAS_LINK", "FEEDS", "COVERS"}


def test_dataset_yaml() -> None:
    info = yaml.safe_load((SAMPLE / "dataset.yaml").read_text(encoding="utf-8"))
    assert info["name"] == "太仓市文化产业图谱（虚构示例数据）"
    assert info["city"] == "太仓市"
    assert info["fictional"] is True
    assert "虚构" in info["notice"]
    assert info["include"] == [{"taxonomy": "culture-2018"}, {"chains": "culture"}]
    assert info["targets"] == "taicang-2025"


def test_readme_says_the_data_is_fictional() -> None:
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "虚构" in text and "FICTIONAL" in text
    assert "python data/generate_sample.py" in text


# --- counts -----------------------------------------------------------------------------------


def _local_ids() -> set[str]:
    """Enterprises located in a park or town of the city (the definition of 'local')."""
    return {r["start"] for r in _rels("LOCATED_IN") if r["start_label"] == "Enterprise"}


def test_minimum_counts() -> None:
    enterprises = _nodes("Enterprise")
    local = _local_ids()
    assert len(local) >= 400
    assert len(enterprises) - len(local) >= 3000
    assert all(e["city"] == "太仓市" for e in enterprises if e["id"] in local)
    parks = {p["name"] for p in _nodes("Park")}
    assert len(parks) >= 10
    assert set(PLAN_PARKS) <= parks
    assert len(_nodes("Project")) >= 30
    towns = {t["name"]: t for t in _nodes("Town")}
    assert set(TOWNS_AND_STREETS) <= set(towns)
    for t in towns.values():
        assert t["city"] == "太仓市" and t["kind"] in ("town", "street", "zone"), t
    assert len(_nodes("Fund")) >= 8
    assert sum(1 for e in enterprises if e["top30"] == "true") == 30


def test_every_local_enterprise_has_a_quarterly_history() -> None:
    periods = ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2")
    observed = {o["id"] for o in _nodes("EnterpriseObservation")}
    for eid in _local_ids():
        assert {f"{eid}@{p}" for p in periods} <= observed, eid


def test_some_projects_are_off_track_and_some_not_started() -> None:
    latest: dict[str, dict[str, str]] = {}
    for o in _nodes("ProjectObservation"):
        latest[o["id"].split("@")[0]] = o  # the file lists each project's quarters in order
    behind = [p for p, o in latest.items()
              if float(o["planned_progress"]) - float(o["progress"]) > 15]
    assert len(behind) >= 2
    due = [p for p in _nodes("Project")
           if p["planned_start"] <= "2025-06-30" and p["status"] in ("planned", "signed")]
    assert due, "no project that should have started has not"


# --- credit codes -----------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _check_character(first17: str) -> str:
    """GB 32100-2015, written here independently of the generator."""
    total = sum(ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


def test_the_generator_and_this_test_agree_on_check_characters() -> None:
    gen = generate_sample
    for body in ("91320585MA1N00000", "91110105MA0000001", "913205857080725606"[:17]):
        assert gen.credit_check_char(body) == _check_character(body)


def test_every_credit_code_passes_the_check_character() -> None:
    local = _local_ids()
    for e in _nodes("Enterprise"):
        code = e["id"]
        assert len(code) == 18 and all(c in ALPHABET for c in code), code
        assert code[17] == _check_character(code[:17]), code
        assert code.startswith("91"), code
        if code in local:
            assert code[2:8] == "320585", code


def test_credit_codes_agree_with_the_loader() -> None:
    from tupu.loaders.uscc import uscc_problem

    assert all(uscc_problem(e["id"]) is None for e in _nodes("Enterprise"))


# --- references -------------------------------------------------------------------------------


def _keys() -> dict[str, set[str]]:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    keys: dict[str, set[str]] = defaultdict(set)
    for path in sorted((SAMPLE / "nodes").glob("*.csv")):
        key = schema["labels"][path.stem]["key"]
        ids = [r[key] for r in _rows(path)]
        assert len(ids) == len(set(ids)), f"duplicate keys in {path.name}"
        keys[path.stem].update(ids)
    keys["SubSector"].update(r["code"] for r in _rows(TAXONOMY))
    keys["Chain"].update(r["id"] for r in _rows(CHAINS / "nodes" / "Chain.csv"))
    keys["ChainLink"].update(r["id"] for r in _rows(CHAINS / "nodes" / "ChainLink.csv"))
    return keys


def test_every_relationship_end_exists() -> None:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    keys = _keys()
    for path in sorted((SAMPLE / "relationships").glob("*.csv")):
        pairs = schema["relationships"][path.stem]["pairs"]
        starts, ends = {p[0] for p in pairs}, {p[1] for p in pairs}
        seen: set[tuple[str, str, str, str]] = set()
        for n, row in enumerate(_rows(path), start=2):
            slabel = row.get("start_label") or (next(iter(starts)) if len(starts) == 1 else "")
            elabel = row.get("end_label") or (next(iter(ends)) if len(ends) == 1 else "")
            assert [slabel, elabel] in pairs, f"{path.name} row {n}: {slabel}->{elabel}"
            assert row["start"] in keys[slabel], f"{path.name} row {n}: no {slabel} {row['start']}"
            assert row["end"] in keys[elabel], f"{path.name} row {n}: no {elabel} {row['end']}"
            triple = (slabel, row["start"], elabel, row["end"])
            assert triple not in seen, f"{path.name} row {n}: duplicate relationship"
            seen.add(triple)


def test_the_loader_accepts_the_sample() -> None:
    from tupu.loaders.pipeline import read_sources
    from tupu.ontology.schema import load_schema

    d = read_sources([SAMPLE], load_schema())
    assert not d.problems, d.problems[:5]


# --- strengths and gaps -----------------------------------------------------------------------


def _local_per_link() -> tuple[dict[str, int], dict[str, list[str]], dict[str, list[str]]]:
    local = _local_ids()
    by_code: dict[str, set[str]] = defaultdict(set)
    for r in _rels("IN_SUBSECTOR"):
        if r["start"] in local:
            by_code[r["end"]].add(r["start"])
    per_link: dict[str, set[str]] = {
        r["id"]: set() for r in _rows(CHAINS / "nodes" / "ChainLink.csv")}
    for r in _rows(CHAINS / "relationships" / "COVERS.csv"):
        per_link[r["start"]] |= by_code.get(r["end"], set())
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for r in _rows(CHAINS / "relationships" / "FEEDS.csv"):
        succs[r["start"]].append(r["end"])
        preds[r["end"]].append(r["start"])
    return {k: len(v) for k, v in per_link.items()}, preds, succs


def test_some_chain_links_have_no_local_enterprise() -> None:
    counts, _, _ = _local_per_link()
    assert [link for link, n in counts.items() if n == 0]


def test_there_are_broken_links() -> None:
    counts, preds, succs = _local_per_link()
    broken = [
        link for link, n in counts.items()
        if n <= 2 and preds[link] and succs[link]
        and all(counts[x] >= WELL_PRESENT for x in preds[link] + succs[link])
    ]
    assert len(broken) >= 2, broken
    assert any(counts[b] == 0 for b in broken)


def test_every_link_has_outside_candidates() -> None:
    local = _local_ids()
    codes_of: dict[str, set[str]] = defaultdict(set)
    for r in _rows(CHAINS / "relationships" / "COVERS.csv"):
        codes_of[r["start"]].add(r["end"])
    outside_codes = {r["end"] for r in _rels("IN_SUBSECTOR") if r["start"] not in local}
    assert all(codes & outside_codes for codes in codes_of.values())


def test_the_city_is_strong_in_games_and_equipment() -> None:
    """Location quotient per chain (local share over outside share, primary sub-sectors): the
    e-sports/games and cultural-equipment chains are the city's two strongest."""
    local = _local_ids()
    chain_of = {r["end"]: r["start"] for r in _rows(CHAINS / "relationships" / "HAS_LINK.csv")}
    codes_of: dict[str, set[str]] = defaultdict(set)
    for r in _rows(CHAINS / "relationships" / "COVERS.csv"):
        codes_of[chain_of[r["start"]]].add(r["end"])
    by_code: dict[str, set[str]] = defaultdict(set)
    for r in _rels("IN_SUBSECTOR"):
        if r["primary"] == "true":
            by_code[r["end"]].add(r["start"])
    everyone = set().union(*by_code.values())
    n_local, n_outside = len(everyone & local), len(everyone - local)
    lq: dict[str, float] = {}
    for chain, codes in codes_of.items():
        members = set().union(*(by_code[c] for c in codes))
        lq[chain] = (len(members & local) / n_local) / (len(members - local) / n_outside)
    top_two = sorted(lq, key=lambda c: -lq[c])[:2]
    assert {"esports-games", "culture-equipment"} == set(top_two), lq
    assert min(lq[c] for c in top_two) >= 1.2, lq


@pytest.mark.parametrize("bad", ["91320585MA1N00000", "1" * 18, "91320585MA1N0000IO"])
def test_the_generator_rejects_bad_codes(bad: str) -> None:
    assert not generate_sample.is_valid_credit_code(bad)
