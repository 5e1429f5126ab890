"""``POST /api/v1/load``: validate uploaded data, then write it all or nothing (admins).

Upload (multipart, field ``files``) a ``.zip`` of a data folder, canonical CSV files, or Turtle /
JSON-LD files. Every problem is reported (422) with file, row and column, and nothing is written.
``dry_run=true`` only validates.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from tupu.api import uploads
from tupu.api.deps import AdminDep, SettingsDep, WritableStoreDep
from tupu.loaders.pipeline import load as run_load

router = APIRouter(tags=["导出与载入"])


@router.post("/load", summary="载入数据（管理角色）")
def load(
    files: Annotated[list[UploadFile], File(description="数据文件夹的 zip，或规范 CSV、Turtle、JSON-LD 文件")],
    store: WritableStoreDep, role: AdminDep, settings: SettingsDep,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Validate every uploaded source, then write them in one all-or-nothing step."""
    workdir = Path(tempfile.mkdtemp(prefix="tupu-load-"))
    try:
        paths = uploads.prepare(((f.filename or "", f.file) for f in files), workdir,
                                settings.upload_max_mb << 20)
        report = run_load(paths, store, dry_run=dry_run, confine=True)  # a manifest stays inside
    finally:
        uploads.cleanup(workdir)
    return {
        "written": report.written, "seconds": round(report.seconds, 3),
        "sources": list(report.sources), "nodes": report.nodes,
        "relationships": report.relationships,
    }
