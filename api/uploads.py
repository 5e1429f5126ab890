"""Uploaded files made safe to load: saved under a temporary folder, zips extracted with care.

An upload is a data folder packed as a ``.zip`` (with ``nodes/``, ``relationships/`` and maybe
``dataset.yaml``, at the top or in one folder), or canonical ``<Label>.csv`` / ``<TYPE>.csv``
files, or Turtle / JSON-LD files. Nothing outside the temporary folder is ever written: names are
reduced to their last part, zip members with absolute paths, ``..`` or links are refused, and the
bytes written (uploaded and extracted) are counted against a limit as they are written.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO

from tupu.errors import InputError
from tupu.messages import msg
from tupu.settings import Limits, current_limits

CHUNK = 1 << 20
LOADABLE = (".csv", ".ttl", ".jsonld", ".json")
EXTRACT_RATIO = 10  # a zip may unpack to at most this many times the upload limit …
# … and at most Limits.max_unpacked_bytes; one member at most Limits.max_unpack_ratio times its
# packed size (members under RATIO_FLOOR unpacked are not judged by their ratio)
RATIO_FLOOR = 1 << 20
_SAFE_NAME = re.compile(r"^[^\x00-\x1f/\\]+$")


class TooLarge(InputError):
    """The upload, or what it unpacks to, is over the limit."""


class Budget:
    """Bytes that may still be written."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit

    def spend(self, n: int, what: str) -> None:
        self.left -= n
        if self.left < 0:
            raise TooLarge(msg("upload.too_big", what=what, limit=self.limit // (1 << 20)))


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name; :class:`InputError` for an unusable one."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base in (".", "..") or not _SAFE_NAME.match(base):
        raise InputError(msg("upload.bad_name", name=name))
    return base


def copy_limited(src: IO[bytes], dest: Path, budget: Budget, what: str) -> None:
    with open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            budget.spend(len(chunk), what)
            out.write(chunk)


def extract_zip(path: Path, into: Path, budget: Budget, limits: Limits | None = None) -> None:
    """Extract ``path`` into ``into`` (see the module doc for what is refused)."""
    lim = limits or current_limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(msg("upload.not_zip", file=path.name)) from e
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > lim.max_unpacked_bytes:
            raise TooLarge(f"{path.name}: "
                           + msg("file.unpacked_too_big", limit=lim.max_unpacked_bytes >> 20))
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > lim.max_unpack_ratio:
                raise TooLarge(f"{path.name}: " + msg(
                    "file.unpack_ratio", member=info.filename, ratio=int(ratio),
                    limit=lim.max_unpack_ratio))
        for info in infos:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.filename.startswith(("/", "\\")) or ".." in parts or (
                    parts and re.match(r"^[A-Za-z]:", parts[0])):
                raise InputError(msg("upload.member_outside", file=path.name, member=info.filename))
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(msg("upload.member_link", file=path.name, member=info.filename))
            if parts and parts[0] == "__MACOSX":
                continue
            target = into.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as src:
                    copy_limited(src, target, budget, msg("upload.unpacked", file=path.name))
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                    RuntimeError) as e:  # damaged, encrypted or an unknown compression
                raise InputError(msg("upload.member_broken", file=path.name,
                                     member=info.filename)) from e


def data_folder(root: Path) -> Path | None:
    """``root`` or its one sub-folder when it is a data folder (``nodes/`` or ``relationships/``)."""
    def is_data(p: Path) -> bool:
        return (p / "nodes").is_dir() or (p / "relationships").is_dir()

    if is_data(root):
        return root
    subs = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(subs) == 1 and is_data(subs[0]):
        return subs[0]
    return None


def loadable_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LOADABLE)


def prepare(uploads: Iterable[tuple[str, IO[bytes]]], workdir: Path, limit: int) -> list[Path]:
    """Save the uploads (name, stream) under ``workdir``; returns the paths to load."""
    budget = Budget(limit)
    extracted = Budget(min(limit * EXTRACT_RATIO, current_limits().max_unpacked_bytes))
    files_dir = workdir / "files"
    files_dir.mkdir(parents=True)
    paths: list[Path] = []
    seen: set[str] = set()
    for name, stream in uploads:
        base = safe_name(name)
        if base in seen:
            raise InputError(msg("upload.twice", file=base))
        seen.add(base)
        suffix = PurePosixPath(base).suffix.lower()
        if suffix == ".zip":
            packed = workdir / f"upload-{len(seen)}.zip"
            copy_limited(stream, packed, budget, base)
            root = workdir / "zips" / PurePosixPath(base).stem
            root.mkdir(parents=True)
            extract_zip(packed, root, extracted)
            packed.unlink()
            folder = data_folder(root)
            found = [folder] if folder is not None else loadable_files(root)
            if not found:
                raise InputError(msg("upload.zip_empty", file=base))
            paths += found
        elif suffix in LOADABLE:
            dest = files_dir / base
            copy_limited(stream, dest, budget, base)
            paths.append(dest)
        else:
            raise InputError(msg("upload.kind", file=base))
    if not paths:
        raise InputError(msg("upload.none"))
    return paths


def cleanup(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
