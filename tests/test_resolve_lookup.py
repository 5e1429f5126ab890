"""Entity resolution through indexed look-ups: the named queries of both stores answer alike, and
resolving a delivery against the part of the map they find decides exactly what resolving it
against the whole map decides."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from tests.minicity import uscc
from tests.test_resolve import content
from tupu.errors import ValidationFailed
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.model import ChangeSet
from tupu.graph.stores.store import GraphStore
from tupu.loaders.enterprise_match import CODE_PATTERN, NAME_FORMS, name_forms
from tupu.loaders.enterprise_names import plain
from tupu.loaders import resolve
from tupu.loaders.pipeline import load, read_sources
from tupu.loaders.resolve import MATCHED_ON, map_part, plan_enterprises

# -- the named queries, both stores -------------------------------------------------------------
MAP: list[dict[str, Any]] = [
    {"id": uscc(1), "name": "太仓朔野游戏科技有限公司", "short_name": "朔野", "city": "太仓市",
     "province": "江苏省", "aliases": "gen-1;朔野游戏科技（太仓）有限公司"},
    {"id": uscc(2), "name": "汀谷网络科技（北京）有限公司", "city": "北京市", "province": "北京市",
     "aliases": "gen-10"},
    {"id": uscc(3).lower(), "name": "ＡＢＣ 文化传媒有限公司", "city": "苏州市"},  # lower case: a code
    {"id": "gen-2", "name": "渚尘电竞文化有限公司", "city": "苏州市", "aliases": f"{uscc(9)}"},
    {"id": "E-7", "name": "篁帆影视（太仓）有限公司", "short_name": "篁帆", "province": "江苏省"},
]
"""A small map: credit codes and other keys, aliases one of which is a prefix of another's."""


def _write_map(store: GraphStore, without_forms: str | None = None) -> None:
    changes = ChangeSet()
    for row in MAP:
        props = dict(row)
        if row["id"] != without_forms:
            props[NAME_FORMS] = name_forms(props)
        changes.add_node("Enterprise", props)
    store.apply(changes)


def _keys(nodes: list[Any]) -> list[str]:
    return [n.key for n in nodes]


def test_the_lookup_queries_answer_alike_on_both_stores(store: GraphStore) -> None:
    _write_map(store)
    lookup = store.enterprise_lookup()
    assert lookup is not None
    props = ("name", "short_name", "city", "aliases")
    got = lookup.by_keys([uscc(1), "gen-2", "nobody"], props)
    assert _keys(got) == sorted([uscc(1), "gen-2"])
    assert got[0].props == {p: MAP[0][p] for p in props}
    # exact aliases only: gen-1 is inside gen-10 but is gen-10's owner's alias only as a prefix
    assert _keys(lookup.alias_owners(["gen-1"], props)) == [uscc(1)]
    assert _keys(lookup.alias_owners(["gen-10", uscc(9), "朔野"], ())) == sorted(
        [uscc(2), "gen-2"])
    assert _keys(lookup.uncoded(CODE_PATTERN, ("name",))) == ["E-7", "gen-2"]
    assert lookup.regions() == (frozenset({"太仓市", "北京市", "苏州市"}),
                                frozenset({"江苏省", "北京市"}))
    assert lookup.forms_complete()
    # probes are looked for in the plain forms (NFKC, no spaces, upper case), with and without
    # bracketed parts, of names, short names and aliases
    assert _keys(lookup.named_like(["ABC文化"], ())) == [uscc(3).lower()]
    assert _keys(lookup.named_like(["汀谷网络科技有限"], ())) == [uscc(2)]
    assert _keys(lookup.named_like(["朔野游戏科技(太仓)"], ())) == [uscc(1)]
    assert _keys(lookup.named_like(["篁帆", "渚尘", "无此名"], ())) == sorted(["E-7", "gen-2"])
    assert lookup.named_like(["公司\n篁帆"], ()) == []


def test_an_enterprise_without_name_forms_makes_the_map_incomplete(store: GraphStore) -> None:
    _write_map(store, without_forms="gen-2")
    lookup = store.enterprise_lookup()
    assert lookup is not None and not lookup.forms_complete()
    assert _keys(lookup.named_like(["渚尘"], ())) == []


def test_memory_lookups_follow_the_writes(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "map.snapshot")
    _write_map(store)
    lookup = store.enterprise_lookup()
    assert _keys(lookup.named_like(["岚栖"], ())) == []
    changes = ChangeSet()
    row = {"id": uscc(5), "name": "岚栖动漫有限公司", "aliases": "gen-1"}
    changes.add_node("Enterprise", {**row, NAME_FORMS: name_forms(row)})
    store.apply(changes)
    assert _keys(lookup.named_like(["岚栖"], ())) == [uscc(5)]
    assert _keys(lookup.alias_owners(["gen-1"], ())) == sorted([uscc(1), uscc(5)])
    # another process's write is seen too (a newer snapshot)
    other = MemoryStore(tmp_path / "map.snapshot")
    changes = ChangeSet()
    changes.add_node("Enterprise", {"id": "gen-77", "name": "岚栖二号", "city": "昆山市"})
    other.apply(changes)
    assert "gen-77" in _keys(lookup.uncoded(CODE_PATTERN, ()))
    assert "昆山市" in lookup.regions()[0] and not lookup.forms_complete()


def test_forms_are_the_plain_names_with_and_without_brackets() -> None:
    forms = name_forms({"name": "朔野 游戏·科技（太仓）有限公司", "short_name": "朔野",
                        "aliases": "gen-1;ａｂｃ"})
    assert forms.split("\n") == ["朔野游戏科技(太仓)有限公司", "朔野", "GEN1;ABC", "朔野游戏科技有限公司"]
    assert plain("ａｂｃ") == "ABC" and re.fullmatch(CODE_PATTERN, uscc(4).lower())


# -- the decisions: part of the map against the whole map ---------------------------------------
BASES = ("朔野游戏科技", "汀谷网络科技", "渚尘电竞文化", "篁帆影视文化", "岚栖动漫")
LEGAL = ("有限公司", "股份有限公司", "集团有限公司", "")
PLACES = (("太仓市", "江苏省"), ("苏州市", "江苏省"), ("北京市", "北京市"), ("", ""))


def _enterprise_rows(rnd: random.Random, serial: list[int]) -> list[str]:
    rows = []
    used: set[str] = set()
    for _ in range(rnd.randint(4, 9)):
        b = rnd.randrange(len(BASES))
        base = BASES[b]
        city, province = rnd.choice(PLACES)
        lead = rnd.choice(["", "", city.removesuffix("市"), province.removesuffix("省")])
        name = lead + base + rnd.choice(["", "", "（太仓）", "（北京）"]) + rnd.choice(LEGAL)
        if rnd.random() < 0.15:
            name = base[:2]  # known only by its short name
        short = base[:2] if rnd.random() < 0.4 else ""
        kind = rnd.random()
        if kind < 0.45:
            key = uscc(100 + b * 2 + (rnd.random() < 0.2))  # a base's code, sometimes a second one
        elif kind < 0.8:
            serial[0] += 1
            key = f"gen-{serial[0]}"
        else:
            key = f"gen-{rnd.randint(1, max(serial[0], 1))}"  # a key seen before
        if rnd.random() < 0.3:
            city = province = ""
        if key in used:  # one row per key and file
            continue
        used.add(key)
        rows.append(f"{key},{name},{short},{province},{city},{rnd.randint(1, 500)}")
    return rows


def _deliveries(root: Path, seed: int) -> list[Path]:
    """A map of 40 unrelated enterprises (so that each delivery is smaller than the map and is
    resolved through the look-ups), then four deliveries of name variants."""
    rnd = random.Random(seed)
    serial = [0]
    pad = root / f"seed{seed}-map"
    (pad / "nodes").mkdir(parents=True)
    (pad / "nodes" / "Enterprise.csv").write_text(
        "id,name,city\n" + "".join(f"{uscc(5000 + i)},填充{i}号测绘有限公司,太仓市\n" for i in range(40)),
        encoding="utf-8")
    out = [pad]
    seen: list[str] = []
    for i in range(4):
        folder = root / f"seed{seed}-d{i}"
        rows = _enterprise_rows(rnd, serial)
        (folder / "nodes").mkdir(parents=True)
        (folder / "nodes" / "Enterprise.csv").write_text(
            "\n".join(["id,name,short_name,province,city,annual_revenue", *rows]) + "\n",
            encoding="utf-8")
        keys = sorted({r.split(",")[0] for r in rows})
        ties = [rnd.sample(keys, 2)] if len(keys) > 1 else []
        earlier = sorted(set(seen) - set(keys))
        if earlier:  # a key of an earlier delivery, perhaps merged away since
            ties += [[rnd.choice(keys), rnd.choice(earlier)]]
        if ties:
            (folder / "relationships").mkdir()
            (folder / "relationships" / "SUPPLIES.csv").write_text(
                "start,end,product\n" + "".join(f"{a},{b},授权\n" for a, b in ties),
                encoding="utf-8")
        seen += keys
        out.append(folder)
    return out


class _WholeMap(MemoryStore):
    """A memory store that answers no look-ups: resolution reads every enterprise, as before."""

    def enterprise_lookup(self) -> None:  # type: ignore[override]
        return None


def _outcome(store: GraphStore, folder: Path) -> Any:
    try:
        report = load([folder], store)
    except ValidationFailed as e:
        return ("refused", sorted(str(p) for p in e.problems))
    return ("loaded", [str(i) for i in report.review], report.summary)


def _without_forms(graph: dict[str, Any]) -> dict[str, Any]:
    return {k: {p: v for p, v in props.items() if p != NAME_FORMS} for k, props in graph.items()}


@pytest.mark.parametrize("seed", range(12))
def test_indexed_resolution_decides_as_the_whole_map_does(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts: list[int] = []

    def counted(*args: Any) -> Any:
        found = map_part(*args)
        parts.append(-1 if found is None else len(found[0]))
        return found

    monkeypatch.setattr(resolve, "map_part", counted)
    looked_up = MemoryStore(tmp_path / "a.snapshot")
    whole = _WholeMap(tmp_path / "b.snapshot")
    for folder in _deliveries(tmp_path, seed):
        assert _outcome(looked_up, folder) == _outcome(whole, folder)
        assert _without_forms(content(looked_up)) == _without_forms(content(whole))
    # the deliveries after the map were resolved on a part of it, never on all of it
    assert len(parts) == 4 and all(0 <= n < 40 for n in parts)
    # every enterprise written carries the forms of the names it ends up with
    for node in looked_up.find_nodes("Enterprise"):
        assert node.props[NAME_FORMS] == name_forms(node.props)


@pytest.mark.parametrize("seed", range(12, 20))
def test_the_plan_of_the_map_part_is_the_plan_of_the_whole_map(tmp_path: Path, seed: int) -> None:
    """plan_enterprises on map_part's answer equals it on every enterprise of the map, for a
    delivery read against a map built by earlier deliveries."""
    store = MemoryStore(tmp_path / "a.snapshot")
    *earlier, last = _deliveries(tmp_path, seed)
    for folder in earlier:
        _outcome(store, folder)
    d = read_sources([last], store.schema, store=store)
    rows = d.changes.nodes.get("Enterprise", [])
    refs = sorted({r.key for r in d.references if r.label == "Enterprise"} - {str(p["id"]) for p in rows})
    provenance = tuple(store.schema.provenance)
    lookup = store.enterprise_lookup()
    found = map_part(rows, refs, lookup)
    assert found is not None
    part, regions = found
    whole = store.node_values("Enterprise", MATCHED_ON)
    assert len(part) <= len(whole)
    fetch = lambda keys: store.get_nodes("Enterprise", keys)  # noqa: E731
    a = plan_enterprises(rows, part, refs, provenance, fetch, regions)
    b = plan_enterprises(rows, whole, refs, provenance, fetch)
    assert (a.rows, a.renamed, a.merges, a.origins, a.review) == (
        b.rows, b.renamed, b.merges, b.origins, b.review)


@pytest.mark.neo4j
def test_neo4j_resolves_a_sequence_of_deliveries_as_the_whole_map_does(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    store = neo4j_session_store
    store.clear()
    whole = _WholeMap(tmp_path / "b.snapshot")
    try:
        for seed in (3, 7):
            store.clear()
            whole.clear()
            for folder in _deliveries(tmp_path, seed):
                assert _outcome(store, folder) == _outcome(whole, folder)
                assert _without_forms(content(store)) == _without_forms(content(whole))
    finally:
        store.clear()


def test_regions_named_anywhere_in_the_map_cut_names_as_before(tmp_path: Path) -> None:
    """The gazetteer is the whole map's: a city named only by an enterprise the delivery does not
    reach still cuts a delivered name (昆山 here), which makes a same-name review item."""
    first = tmp_path / "first" / "nodes"
    first.mkdir(parents=True)
    (first / "Enterprise.csv").write_text(
        "id,name,city\n"
        f"{uscc(201)},岚栖动漫有限公司,苏州市\n"
        f"{uscc(202)},篁帆影视文化有限公司,昆山市\n", encoding="utf-8")
    second = tmp_path / "second" / "nodes"
    second.mkdir(parents=True)
    (second / "Enterprise.csv").write_text("id,name\ngen-1,昆山岚栖动漫有限公司\n", encoding="utf-8")
    looked_up = MemoryStore(tmp_path / "a.snapshot")
    whole = _WholeMap(tmp_path / "b.snapshot")
    for store in (looked_up, whole):
        load([tmp_path / "first"], store)
    a, b = _outcome(looked_up, tmp_path / "second"), _outcome(whole, tmp_path / "second")
    assert a == b and any(uscc(201) in item for item in a[1])
