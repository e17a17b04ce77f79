"""Writing outputs all or nothing: temporary files beside their targets, read back, then
moved into place; what a killed build left is swept by the next. A write that fails (a full
disk, a read-only folder) names its output, and leaves no temporary file behind."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from casedocs.errors import CaseError, Report, UserError
from casedocs.files import cannot_write, temporary_beside, write_new
from casedocs.source.named_files import file_kind


def write_atomically(
    outputs: dict[Path, bytes], verify: Callable[[Path, bytes], None] | None = None
) -> None:
    """Write each file to a temporary file beside it and read it back, then move all into
    place: either every output is replaced, or (when a file reads back other than it was
    given, or a move fails) every earlier file is restored. A file that already holds what
    it is given is left untouched. `verify` judges a file that reads
    back changed before the change is reported."""
    made: list[Path] = []  # every temporary file, listed before it is written to
    temporaries: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    try:
        for path, data in outputs.items():
            with _writing(path):
                size = _existing_size(path)
                if size == len(data) and path.read_bytes() == data:
                    continue  # already so (a page's images after a text edit): left as it is
                temporaries[path] = _write_temporary(path, data, made)
                written = temporaries[path].read_bytes()
            if written != data:
                if verify is not None:
                    verify(path, written)
                raise UserError(f"{path}: the file read back differs from what was written")
            if size is not None:
                with _writing(path):
                    backups[path] = _keep_old(path, made)
        for path, temporary in temporaries.items():
            with _writing(path, undo=lambda: _restore(replaced, backups)):
                os.replace(temporary, path)
            replaced.append(path)
    finally:
        for leftover in made:
            with contextlib.suppress(OSError):  # never hides why the write failed
                leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _writing(path: Path, undo: Callable[[], None] | None = None) -> Iterator[None]:
    """An OSError while writing `path` becomes one line naming it; `undo` runs first."""
    try:
        yield
    except OSError as error:
        if undo is not None:
            undo()
        raise cannot_write(path, error) from None


def _existing_size(path: Path) -> int | None:
    """The size of the file at `path` now; None when nothing is there. Something that is not
    a regular file is refused, never read: open() on a FIFO waits forever."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    kind = file_kind(status.st_mode)
    if kind is not None:
        message = f"cannot write (there is {kind} of that name in the way)"
        raise CaseError([Report(str(path), None, "", message)])
    return status.st_size


def _keep_old(path: Path, made: list[Path]) -> Path:
    """The file at `path` kept under a hidden name, to put back if a later output cannot be
    moved into place: a second name for it (a deck's megabytes are not copied and synced
    again), or a copy where the file system has no such names."""
    name = temporary_beside(path, ".old")
    made.append(name)
    try:
        os.link(path, name)
    except OSError:  # FAT, some network shares: no hard links
        write_new(name, path.read_bytes(), sync=True)
    return name


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
    write_new(name, data, sync=True)
    return name


def _restore(replaced: list[Path], backups: dict[Path, Path]) -> None:
    for path in replaced:
        if path in backups:
            os.replace(backups[path], path)
        else:
            path.unlink(missing_ok=True)
