"""Writing outputs all or nothing: temporary files beside their targets, read back, then
moved into place; what a killed build left is swept by the next."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from casedocs.errors import UserError
from casedocs.files import temporary_beside


def write_atomically(
    outputs: dict[Path, bytes], verify: Callable[[Path, bytes], None] | None = None
) -> None:
    """Write each file to a temporary file beside it and read it back, then move all into
    place: either every output is replaced, or (when a file reads back other than it was
    given, or a move fails) every earlier file is restored. `verify` judges a file that reads
    back changed before the change is reported."""
    made: list[Path] = []  # every temporary file, listed before it is written to
    temporaries: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    try:
        for path, data in outputs.items():
            temporaries[path] = _write_temporary(path, data, made)
            written = temporaries[path].read_bytes()
            if written != data:
                if verify is not None:
                    verify(path, written)
                raise UserError(f"{path}: the file read back differs from what was written")
            if path.exists():
                backups[path] = _write_temporary(path, path.read_bytes(), made, ".old")
        try:
            for path, temporary in temporaries.items():
                os.replace(temporary, path)
                replaced.append(path)
        except OSError:
            _restore(replaced, backups)
            raise
    finally:
        for leftover in made:
            leftover.unlink(missing_ok=True)


TEMPORARY_NAME = re.compile(r"^\.(?:.+\.[A-Za-z0-9_]{8}\.(?:tmp|old)|tmp-[A-Za-z0-9_]{8})$")


def sweep_temporaries(folders: Iterable[Path], started: float) -> list[Path]:
    """Remove the temporary files (ours, by name) that builds which were killed left in
    `folders` (and the folders of files that belong to an output, one level down): only those
    older than this build, which may be writing its own."""
    swept = []
    for folder in folders:
        for path in [*folder.glob(".*"), *folder.glob("*/.*")] if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                if TEMPORARY_NAME.match(path.name) and path.stat().st_mtime < started:
                    path.unlink()
                    swept.append(path)
    return swept


def _write_temporary(path: Path, data: bytes, made: list[Path], suffix: str = ".tmp") -> Path:
    """`data` in a new hidden file beside `path`, named in `made` before it is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    name = temporary_beside(path, suffix)
    made.append(name)  # named before it exists: every failure path finds it (files.py)
    with open(name, "xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    return name


def _restore(replaced: list[Path], backups: dict[Path, Path]) -> None:
    for path in replaced:
        if path in backups:
            os.replace(backups[path], path)
        else:
            path.unlink(missing_ok=True)
