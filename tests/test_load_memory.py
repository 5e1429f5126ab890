"""A big export load keeps its working memory within the stated bound per row.

``tupu load`` validates a whole delivery before it writes all or nothing, so the rows it keeps
grow with the file; what it keeps per row is bounded: :data:`BOUND_BYTES_PER_ROW` of traced
memory (tracemalloc) at the load's peak, on top of the interpreter, and on top of the memory
store's own graph for a written load (docs/security.md, benchmarks/README.md).

The export is generated here, shaped like a real registry export: a title row, Chinese headers
with units, GBK, a 合计 row and a footnote; every enterprise fictional with a valid credit code.
"""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.minicity import uscc
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.pipeline import LoadReport, load
from tupu.settings import Settings, get_settings

BOUND_BYTES_PER_ROW = 3_000
"""Peak traced memory of a load per enterprise row of an export (the loader's, not the graph's)."""
SPOOLED_BYTES_PER_ROW = 500
"""What a load whose rows are spooled (``TUPU_LOAD_SPOOL_MB``, loaders/spool.py) adds to its peak
traced memory per further enterprise row: its rows are on disk and read back in chunks of 2,000,
so its peak is mostly a fixed cost (about 4.5 MB for 3,000 rows, 6 MB for 20,000); what grows is
resolution's count of keys. The spool's sqlite page cache (at most 16 MB) is not traced."""

HEADER = ("企业名称,统一社会信用代码,简称,省份,城市,成立日期,注册资本（万元）,营业收入（万元）,"
          "从业人员,是否规上,经营范围,文化产业类别代码")
WORDS = "影视 动漫 游戏 出版 印刷 设计 演艺 文旅 传媒 数字 创意 广告".split()
CITIES = (("上海市", "上海市"), ("苏州市", "江苏省"), ("南京市", "江苏省"), ("杭州市", "浙江省"))
CODES = ("0241", "0110", "0131", "0211", "0231", "0251", "0311")


def export(path: Path, rows: int, first: int = 1, seed: int = 12) -> Path:
    """A fictional GBK registry export of ``rows`` enterprises (serials from ``first``)."""
    rng = random.Random(seed)
    lines = ["外地文化企业名录（虚构测试数据）", HEADER]
    for n in range(first, first + rows):
        w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
        city, province = rng.choice(CITIES)
        lines.append(
            f"{city[:2]}{w1}{w2}{n}文化有限公司,{uscc(n, '310115')},{w1}{n},{province},{city},"
            f"20{rng.randint(0, 23):02d}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日,"
            f"{rng.randint(100, 9999)},{rng.randint(100, 99999)},{rng.randint(5, 900)},"
            f"{rng.choice('是否')},{w1}{w2}相关业务；技术开发、技术咨询,{rng.choice(CODES)}")
    lines += [f"合计,,,,,,,{rows},,,,", "注：数据为虚构，仅供测试。"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


@pytest.fixture
def taxonomy_store(tmp_path: Path, settings: Settings) -> MemoryStore:
    """A memory store holding the culture taxonomy, the loader's caches warmed by a small load."""
    base = tmp_path / "base"
    (base / "nodes").mkdir(parents=True)
    (base / "dataset.yaml").write_text(
        "name: 测试（虚构）\nfictional: true\ninclude:\n  - taxonomy: culture-2018\n",
        encoding="utf-8")
    (base / "nodes" / "Town.csv").write_text("id,name,kind,city\nt1,测试镇,town,测试市\n",
                                             encoding="utf-8")
    store = MemoryStore(None)
    load([base], store)
    load([export(tmp_path / "预热.csv", 50, first=900_001)], store, dry_run=True)
    return store


def traced(paths: list[Path], store: MemoryStore, dry_run: bool) -> tuple[LoadReport, int, int]:
    """The report of a load, its peak traced memory and the traced memory it left (the graph's
    growth), in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        report = load(paths, store, dry_run=dry_run)
        gc.collect()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, peak - before, after - before


def check_bound(tmp_path: Path, store: MemoryStore, rows: int) -> None:
    path = export(tmp_path / "外地企业名录.csv", rows)
    report, dry, _ = traced([path], store, dry_run=True)
    assert report.nodes["Enterprise"] == rows and not report.written
    assert dry / rows < BOUND_BYTES_PER_ROW, f"dry run: {dry / rows:.0f} bytes a row at its peak"
    assert store.count_nodes().get("Enterprise", 0) == 0
    report, peak, graph = traced([path], store, dry_run=False)
    assert report.written and store.count_nodes()["Enterprise"] == rows
    working = peak - graph  # what the load held beyond what the graph keeps
    print(f"{rows} rows: dry run {dry / rows:.0f}, load {working / rows:.0f} bytes a row at the "
          f"peak; the graph {graph / rows:.0f} bytes an enterprise")
    assert working / rows < BOUND_BYTES_PER_ROW, f"load: {working / rows:.0f} bytes a row"


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every load keeps its rows in a spool file (TUPU_LOAD_SPOOL_MB=0)."""
    monkeypatch.setenv("TUPU_LOAD_SPOOL_MB", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("TUPU_LOAD_SPOOL_MB")
    get_settings.cache_clear()


def test_a_big_export_loads_within_the_bound_per_row(tmp_path: Path,
                                                     taxonomy_store: MemoryStore) -> None:
    check_bound(tmp_path, taxonomy_store, 3_000)


def test_a_spooled_export_holds_its_rows_on_disk(tmp_path: Path, taxonomy_store: MemoryStore,
                                                spooled: None) -> None:
    """Three times the rows cost a spooled dry run little more at its peak: the rows are not in
    memory (the in-memory load's peak grows by about 2,500 bytes a row)."""
    # the spool's own first use (sqlite3 imported, its statements compiled) is a fixed cost,
    # warmed by a small spooled load, as the store's caches are
    load([export(tmp_path / "预热-spool.csv", 50, first=900_101)], taxonomy_store, dry_run=True)
    peaks = {}
    for rows in (3_000, 9_000):
        path = export(tmp_path / f"外地企业名录-{rows}.csv", rows)
        report, peaks[rows], _ = traced([path], taxonomy_store, dry_run=True)
        assert report.nodes["Enterprise"] == rows and not report.written
        assert peaks[rows] / rows < BOUND_BYTES_PER_ROW
    growth = (peaks[9_000] - peaks[3_000]) / 6_000
    print(f"spooled dry run: peak {peaks[3_000]} B for 3,000 rows, {peaks[9_000]} B for 9,000: "
          f"{growth:.0f} bytes a further row")
    assert growth < SPOOLED_BYTES_PER_ROW, f"{growth:.0f} bytes a further row"
    assert taxonomy_store.count_nodes().get("Enterprise", 0) == 0


@pytest.mark.bench
def test_20000_rows_load_within_the_bound_per_row(tmp_path: Path,
                                                  taxonomy_store: MemoryStore) -> None:
    check_bound(tmp_path, taxonomy_store, 20_000)
