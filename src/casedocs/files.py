"""Files written whole or not at all.

A temporary file is named first and created inside the `try` that removes it, so an interrupt
(Ctrl-C, SIGTERM) at any moment leaves nothing behind; names match the sweep of build/atomic.py.
A write that fails (a full disk, a read-only or forbidden folder) is reported as one line that
names the file it was for.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from casedocs.errors import CaseError, Report


def temporary_beside(path: Path, suffix: str = ".tmp") -> Path:
    """A hidden name beside `path` (not created): `.name.1a2b3c4d.tmp`."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")


def cannot_write(path: Path, error: OSError) -> CaseError:
    """`error`, met while writing `path`, as the user reads it:
    `build/handouts/x.pdf: cannot write (No space left on device)`."""
    return CaseError([Report(str(path), None, "", f"cannot write ({error.strerror or error})")])


def write_new(path: Path, data: bytes, sync: bool = False) -> None:
    """`data` in a new file at `path` (never an existing one); with `sync`, on the disk
    before this returns."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        remaining = memoryview(data)
        while remaining:  # os.write may write less than it is given
            remaining = remaining[os.write(descriptor, remaining) :]
        if sync:
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_whole(path: Path, data: bytes) -> None:
    """`data` at `path` (its folder made when missing), moved into place only when
    completely written; CaseError naming `path` when it cannot be."""
    temporary = temporary_beside(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_new(temporary, data)
        os.replace(temporary, path)
    except OSError as error:
        raise cannot_write(path, error) from None
    finally:
        temporary.unlink(missing_ok=True)
