"""The memory store's snapshot: atomic replacement, a killed load leaves the previous map intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.minicity import uscc, write_city
from tupu.errors import StoreUnavailable
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.pipeline import load


def _big_enterprise_file(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,name,province,city,annual_revenue,business_scope\n")
        for i in range(n):
            f.write(f"{uscc(100000 + i, '110105')},测试企业{i}有限公司,北京市,北京市,{i % 997}.5,"
                    "数字内容服务；游戏软件开发；文化活动策划；广告设计与制作；影视后期制作\n")


@pytest.mark.slow
def test_a_load_killed_midway_leaves_the_previous_snapshot_intact(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {**os.environ, "TUPU_DATA_DIR": str(data_dir), "TUPU_STORE": "memory"}
    tupu = [sys.executable, "-m", "tupu.api.cli"]
    subprocess.run([*tupu, "load", str(write_city(tmp_path / "mini"))], env=env, check=True,
                   capture_output=True)
    snapshot = data_dir / "map.snapshot"
    before = MemoryStore(snapshot)
    counts = (before.count_nodes(), before.count_relationships())
    big = tmp_path / "Enterprise.csv"
    _big_enterprise_file(big, 300_000)

    proc = subprocess.Popen([*tupu, "load", str(big)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if any(data_dir.glob("map.snapshot.tmp-*")):  # the new snapshot is being written
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    proc.wait()
    assert killed, "the load finished before it could be interrupted; make the file larger"
    assert any(data_dir.glob("map.snapshot.tmp-*")), "the half-written file should be left over"

    after = MemoryStore(snapshot)
    assert (after.count_nodes(), after.count_relationships()) == counts
    out = subprocess.run([*tupu, "stats", "--format", "json"], env=env, check=True,
                         capture_output=True, text=True)
    assert '"Enterprise": 3' in out.stdout

    # the next load completes and sweeps the left-over temporary file away
    subprocess.run([*tupu, "load", str(write_city(tmp_path / "mini"))], env=env, check=True,
                   capture_output=True)
    assert not any(data_dir.glob("map.snapshot.tmp-*"))


def test_a_reader_sees_a_newer_snapshot_written_by_another_store(tmp_path: Path) -> None:
    path = tmp_path / "map.snapshot"
    reader = MemoryStore(path)
    assert reader.count_nodes() == {}
    writer = MemoryStore(path)
    load([write_city(tmp_path / "mini")], writer)
    assert reader.count_nodes()["Enterprise"] == 3


def test_a_file_that_is_not_a_snapshot_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "map.snapshot"
    path.write_bytes(b"not a snapshot")
    with pytest.raises(StoreUnavailable, match="snapshot"):
        MemoryStore(path)
