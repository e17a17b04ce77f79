"""Files written whole or not at all.

A temporary file is named first and created inside the `try` that removes it, so an interrupt
(Ctrl-C, SIGTERM) at any moment leaves nothing behind; names match the sweep of build/atomic.py.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def temporary_beside(path: Path, suffix: str = ".tmp") -> Path:
    """A hidden name beside `path` (not created): `.name.1a2b3c4d.tmp`."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")


def write_whole(path: Path, data: bytes) -> None:
    """`data` at `path`, moved into place only when completely written."""
    temporary = temporary_beside(path)
    try:
        with open(temporary, "xb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
