"""Two cores for one build: one piece of work here, the other in a forked process.

A handout and a deck share nothing while they render, so the CLI renders the decks in a child
process (a fork: it has every loaded case and prepared image already) while this process
renders the handouts. The child's result comes back pickled through a pipe. CASEDOCS_JOBS=1
keeps everything in one process.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable
from typing import TypeVar

First = TypeVar("First")
Second = TypeVar("Second")


def can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and os.environ.get("CASEDOCS_JOBS", "") != "1"
    )


def run_both(first: Callable[[], First], second: Callable[[], Second]) -> tuple[First, Second]:
    """`first()` here and `second()` in a forked child, at the same time."""
    if not can_fork():
        return first(), second()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running this process's exit code
        os.close(read)
        with os.fdopen(write, "wb") as stream:
            stream.write(_outcome(second))
        os._exit(0)
    os.close(write)
    try:
        mine = first()
    finally:
        with os.fdopen(read, "rb") as stream:
            payload = stream.read()
        os.waitpid(pid, 0)
    if not payload:  # the child died without a word (killed, out of memory)
        raise RuntimeError("the second build process ended without a result; "
                           "try again with CASEDOCS_JOBS=1")
    failed, value = pickle.loads(payload)
    if failed:
        raise value
    return mine, value


def _outcome(work: Callable[[], object]) -> bytes:
    try:
        return pickle.dumps((False, work()))
    except BaseException as error:  # noqa: BLE001 (every failure goes back to the parent)
        try:
            return pickle.dumps((True, error))
        except Exception:  # an exception that cannot be pickled: its traceback as text
            return pickle.dumps((True, RuntimeError(traceback.format_exc())))
