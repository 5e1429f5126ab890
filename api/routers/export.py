"""``GET /api/v1/export/{kind}``: the whole map as Turtle, JSON-LD, GraphML or a CSV folder (zip).

Analysts only: the export holds every enterprise figure. Every export carries the datasets' notice.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from tupu.api.deps import AnalystDep, StoreDep
from tupu.graph.exports.files import write_csv_folder, write_graphml
from tupu.graph.exports.rdf import write_rdf
from tupu.graph.stores.store import GraphStore

router = APIRouter(tags=["导出与载入"])

Kind = Literal["ttl", "jsonld", "graphml", "csv"]
MEDIA = {"ttl": "text/turtle", "jsonld": "application/ld+json", "graphml": "application/xml",
         "csv": "application/zip"}


def write_export(store: GraphStore, kind: Kind, folder: Path) -> Path:
    """Write the export of ``kind`` into ``folder``; returns the file to send."""
    stem = f"tupu-{dt.date.today().isoformat()}"
    if kind in ("ttl", "jsonld"):
        path = folder / f"{stem}.{kind}"
        write_rdf(store, path, kind)
        return path
    if kind == "graphml":
        path = folder / f"{stem}.graphml"
        write_graphml(store, path)
        return path
    write_csv_folder(store, folder / stem)
    return Path(shutil.make_archive(str(folder / stem), "zip", root_dir=folder, base_dir=stem))


@router.get("/export/{kind}", summary="导出全图（分析角色）", response_class=FileResponse)
def export(kind: Kind, store: StoreDep, role: AnalystDep) -> FileResponse:
    """Download the map: ``ttl`` or ``jsonld`` (RDF under the ontology's URIs), ``graphml``, or
    ``csv`` (a zip of the canonical folder that ``tupu load`` and ``POST /load`` read back)."""
    folder = Path(tempfile.mkdtemp(prefix="tupu-export-"))
    try:
        path = write_export(store, kind, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(path, media_type=MEDIA[kind], filename=path.name,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
