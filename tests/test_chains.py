"""Tests of the chain templates (ontology/chains/) and their reader and checker."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tupu.errors import Problem, ValidationFailed
from tupu.ontology.chains import (
    COVERS_FILE,
    FEEDS_FILE,
    HAS_LINK_FILE,
    LINK_FILE,
    MIN_LINKS,
    STAGES,
    ChainTemplate,
    check_chain_template,
    load_chain_template,
    read_chain_template,
)
from tupu.ontology.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parent.parent
CULTURE = REPO / "ontology" / "chains" / "culture"

#: The chains the plan names (重点任务 10 and 指导思想), 数字文化 split in two.
PLAN_CHAINS = {
    "电竞游戏": True,
    "数字内容、动漫与网络视听": False,
    "影视制作": True,
    "创意设计": True,
    "文化装备制造": True,
    "文化旅游与休闲服务": False,
    "人工智能+文旅（大模型应用）": True,
}


@pytest.fixture(scope="module")
def culture() -> ChainTemplate:
    return load_chain_template("culture")


@pytest.fixture(scope="module")
def class_codes() -> set[str]:
    return {e.code for e in load_taxonomy("culture-2018").classes()}


# --- the packaged culture template -----------------------------------------------------------


def test_the_template_passes_its_check(culture: ChainTemplate, class_codes: set[str]) -> None:
    check_chain_template(culture, class_codes)


@pytest.mark.parametrize("name", sorted(PLAN_CHAINS))
def test_the_plans_chains_exist_with_links_over_three_stages(
    culture: ChainTemplate, name: str
) -> None:
    [chain] = [c for c in culture.chains if c.name == name]
    assert chain.plan_format is PLAN_CHAINS[name]
    assert chain.description
    links = culture.links_of(chain.id)
    assert len(links) >= MIN_LINKS
    assert {k.stage for k in links} == set(STAGES)
    assert all(k.id.startswith(f"{chain.id}.") for k in links)


def test_ids_are_short_lowercase_ascii(culture: ChainTemplate) -> None:
    for item in [*culture.chains, *culture.links]:
        assert item.id.isascii() and item.id == item.id.lower() and " " not in item.id
        assert len(item.id) <= 48
        assert not item.name.isascii()  # names are in Chinese


def test_positions_follow_the_stages(culture: ChainTemplate) -> None:
    rank = {s: i for i, s in enumerate(STAGES)}
    for chain in culture.chains:
        links = culture.links_of(chain.id)
        assert [k.position for k in links] == list(range(1, len(links) + 1))
        assert [rank[k.stage] for k in links] == sorted(rank[k.stage] for k in links)


def test_every_link_is_in_exactly_one_chain(culture: ChainTemplate) -> None:
    counts = Counter(e.end for e in culture.has_link)
    assert set(counts) == {k.id for k in culture.links}
    assert set(counts.values()) == {1}


def test_feeds_is_a_dag_within_each_chain(culture: ChainTemplate) -> None:
    rank = {s: i for i, s in enumerate(STAGES)}
    for chain in culture.chains:
        ids = {k.id for k in culture.links_of(chain.id)}
        edges = [(e.start, e.end) for e in culture.feeds if e.start in ids or e.end in ids]
        assert all(s in ids and t in ids for s, t in edges), "FEEDS leaves the chain"
        for s, t in edges:
            assert rank[culture.link(s).stage] <= rank[culture.link(t).stage]
        # Kahn's algorithm consumes every link only when there is no cycle.
        indegree = {i: 0 for i in ids}
        for _, t in edges:
            indegree[t] += 1
        ready = [i for i, d in indegree.items() if d == 0]
        done = 0
        while ready:
            n = ready.pop()
            done += 1
            for s, t in edges:
                if s == n:
                    indegree[t] -= 1
                    if indegree[t] == 0:
                        ready.append(t)
        assert done == len(ids), f"{chain.id}: FEEDS has a cycle"


def test_every_link_is_reachable_in_its_chain(culture: ChainTemplate) -> None:
    """The FEEDS graph of each chain is connected, sources are upstream and sinks downstream."""
    for chain in culture.chains:
        ids = {k.id for k in culture.links_of(chain.id)}
        edges = [(e.start, e.end) for e in culture.feeds if e.start in ids]
        seen = {next(iter(ids))}
        grew = True
        while grew:
            grew = False
            for s, t in edges:
                if (s in seen) != (t in seen):
                    seen |= {s, t}
                    grew = True
        assert seen == ids, f"{chain.id}: not connected: {sorted(ids - seen)}"
        for k in culture.links_of(chain.id):
            if not culture.upstream_of(k.id):
                assert k.stage != "downstream", f"{k.id} is downstream but fed by nothing"
            if not culture.downstream_of(k.id):
                assert k.stage != "upstream", f"{k.id} is upstream but feeds nothing"


def test_every_covers_code_is_a_class_of_the_taxonomy(
    culture: ChainTemplate, class_codes: set[str]
) -> None:
    for k in culture.links:
        codes = culture.codes_of(k.id)
        assert codes, f"{k.id} covers nothing"
        assert set(codes) <= class_codes, f"{k.id}: {set(codes) - class_codes}"


def test_the_chains_cover_the_plans_core_areas(culture: ChainTemplate) -> None:
    """数字内容、创意设计、影视娱乐 (the plan's 核心领域) are all covered."""
    covered = {e.end for e in culture.covers}
    for code in ("0221", "0241", "0242", "0243", "0245", "0321", "0322", "0323", "0431",
                 "0432", "0450", "0615"):
        assert code in covered


# --- broken templates are refused ------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "culture"
    shutil.copytree(CULTURE, target)
    return target


def _append(folder: Path, relative: str, line: str) -> int:
    """Append a data row; return its line number (the header is line 1)."""
    path = folder / relative
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return len((text + line).splitlines())


def _refused(folder: Path, class_codes: set[str]) -> list[Problem]:
    template = read_chain_template(folder)
    with pytest.raises(ValidationFailed) as caught:
        check_chain_template(template, class_codes)
    return list(caught.value.problems)


def test_a_cycle_is_refused_naming_file_row_and_column(
    tmp_path: Path, class_codes: set[str]
) -> None:
    folder = _copy(tmp_path)
    row = _append(folder, FEEDS_FILE, "esports-games.publishing,esports-games.rnd")
    problems = _refused(folder, class_codes)
    [cycle] = [p for p in problems if "环路" in p.message]
    assert cycle.file.endswith(FEEDS_FILE)
    assert cycle.row == row
    assert cycle.column == "end"
    assert cycle.value == "esports-games.rnd"
    assert "esports-games.publishing" in cycle.message


def test_an_unknown_code_is_refused(tmp_path: Path, class_codes: set[str]) -> None:
    folder = _copy(tmp_path)
    bad = _append(folder, COVERS_FILE, "esports-games.rnd,9999")
    group = _append(folder, COVERS_FILE, "esports-games.rnd,024")  # a 中类, not a 小类
    problems = _refused(folder, class_codes)
    assert [(p.row, p.column, p.value) for p in problems] == [
        (bad, "end", "9999"),
        (group, "end", "024"),
    ]
    assert all(p.file.endswith(COVERS_FILE) and "小类" in p.message for p in problems)


def test_feeds_across_chains_or_against_the_stages_are_refused(
    tmp_path: Path, class_codes: set[str]
) -> None:
    folder = _copy(tmp_path)
    across = _append(folder, FEEDS_FILE, "film-tv.post,esports-games.streaming")
    backwards = _append(folder, FEEDS_FILE, "esports-games.channels,esports-games.hardware")
    problems = _refused(folder, class_codes)
    assert [p.row for p in problems] == [across, backwards]
    assert "跨越了产业链" in problems[0].message
    assert "从上游指向下游" in problems[1].message
    assert problems[1].column == "start"


def test_a_link_in_two_chains_is_refused(tmp_path: Path, class_codes: set[str]) -> None:
    folder = _copy(tmp_path)
    row = _append(folder, HAS_LINK_FILE, "film-tv,esports-games.rnd")
    [problem] = _refused(folder, class_codes)
    assert (problem.file.endswith(HAS_LINK_FILE), problem.row, problem.column) == (True, row, "end")


def test_a_thin_chain_and_a_bare_link_are_refused(tmp_path: Path, class_codes: set[str]) -> None:
    folder = _copy(tmp_path)
    _append(folder, "nodes/Chain.csv", "thin,单薄链条,,false,")
    _append(folder, HAS_LINK_FILE, "thin,thin.only")
    link_row = _append(folder, LINK_FILE, "thin.only,孤立环节,midstream,1,")
    problems = _refused(folder, class_codes)
    messages = " | ".join(p.message for p in problems)
    assert f"至少给出{MIN_LINKS}个" in messages
    assert "缺少上游、下游环节" in messages
    bare = [p for p in problems if p.file.endswith(LINK_FILE)]
    assert {p.row for p in bare} == {link_row}
    assert any("没有覆盖任何小类代码" in p.message for p in bare)
    assert any("未与所属产业链相连" in p.message for p in bare)


def test_reading_refuses_unknown_columns_dangling_ends_and_bad_cells(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    bad_stage = _append(folder, LINK_FILE, "esports-games.x,某环节,sideways,99,")
    dangling = _append(folder, FEEDS_FILE, "esports-games.rnd,esports-games.nowhere")
    duplicate = _append(folder, COVERS_FILE, "esports-games.rnd,0241")
    with pytest.raises(ValidationFailed) as caught:
        read_chain_template(folder)
    found = {(Path(p.file).name, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("ChainLink.csv", bad_stage, "stage"),
        ("FEEDS.csv", dangling, "end"),
        ("COVERS.csv", duplicate, "end"),
    }

    header = folder / "nodes" / "Chain.csv"
    header.write_text(header.read_text(encoding="utf-8").replace("description", "remark", 1),
                      encoding="utf-8")
    (folder / FEEDS_FILE).unlink()
    with pytest.raises(ValidationFailed) as caught:
        read_chain_template(folder)
    problems = caught.value.problems
    assert [(Path(p.file).name, p.row, p.column) for p in problems] == [
        ("Chain.csv", 1, "remark"),  # not a property of Chain in the ontology
        ("ChainLink.csv", bad_stage, "stage"),
        ("FEEDS.csv", None, None),  # missing, and nothing else reported about it
        ("COVERS.csv", duplicate, "end"),
    ]


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        load_chain_template("no-such-template")
    with pytest.raises(ValidationFailed):
        load_chain_template("../targets")
