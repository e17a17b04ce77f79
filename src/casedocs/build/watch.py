"""`casedocs watch`: build, then build again on every save, until Ctrl-C.

Each pass is the build `casedocs build` (or `site`) makes, over every input: each input's
record skips what is up to date, so a save rebuilds the case saved, the conferences and site
pages that show it, and the index. The watcher is started before the first build, so nothing
saved while a build runs is missed: it is the next pass. It watches, each folder on its own (not
its subfolders): the folders of the files given; the folders given and their subfolders
(case files added to them are picked up); and the folder of every file the inputs read
(images, references, templates, logos), found again after each pass, so a folder a case
names from now on is watched too. Only changes to those files, or to case files and folders
in the folders given, start a pass; outputs, caches, and editors' swap, backup and temporary
files never do, so a build does not set off another.

Ctrl-C (or SIGTERM) stops it: a build under way unwinds as an interrupted build does (its
temporary files removed), and the exit status is 128 + the signal, 130 for Ctrl-C, as for
any command stopped so. A `stop` event (for callers in a thread) ends it with status 0.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TextIO

from watchfiles._rust_notify import RustNotify, WatchfilesRustInternalError

from casedocs.build.freshness import files_read
from casedocs.build.report import Reporter
from casedocs.build.runner import BuildRequest, file_digest, preload, run_build
from casedocs.errors import CaseError, UserError, os_error_text
from casedocs.render.registry import variants
from casedocs.source.inputs import CASE_SUFFIXES, case_files
from casedocs.source.loader import display_path

DEBOUNCE_MS = 100  # the longest a burst of changes (an editor's save) is gathered for
STEP_MS = 20  # a burst is over after this long without a change
SHOWN_CHANGES = 5  # files named on a "change:" line

# Names no input has: hidden files (swap files `.x.swp`, lock files `.#x`, our own
# temporaries `.tmp-*`, `.x.pdf.*.tmp`), backups `x~`, Emacs autosaves `#x#`, Vim's test write
# `4913`, JetBrains' `x___jb_tmp___`, and other temporary and partial files.
IGNORED_NAME = re.compile(
    r"^(?:\..*|.*~|\#.*\#|4913|.*___jb_\w+___|.*\.(?:swp|swx|tmp|bak|part|crdownload))$"
)


class Event(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Scope:
    """What a watch looks at: the folders watched, and which changes in them start a pass."""

    folders: frozenset[Path]  # watched, each without its subfolders
    known: frozenset[str]  # the files given and every file an input reads (there or not)
    given: tuple[Path, ...]  # the folders given: case files and folders added to them count
    coming: frozenset[str]  # folders that inputs name but that are not there yet
    excluded: tuple[Path, ...]  # the output folder and the caches

    def matters(self, path: str) -> bool:
        """Whether a change to `path` (a file or folder in a watched folder) starts a pass."""
        if path in self.known:
            return True
        where = Path(path)
        if str(where.parent) in self.known and not IGNORED_NAME.match(where.name):
            return True  # a file added to a stack's folder: a slice
        if any(where.is_relative_to(folder) for folder in self.excluded):
            return False
        if IGNORED_NAME.match(where.name):
            return False
        if path in self.coming or where in self.folders:  # a folder appears, or goes
            return True
        if not any(_shown_in(where, folder) for folder in self.given):
            return False
        return where.suffix in CASE_SUFFIXES or where.is_dir()


def _shown_in(path: Path, folder: Path) -> bool:
    """Whether case_files finds `path` in `folder`: inside it, and in no hidden folder."""
    return path.is_relative_to(folder) and not any(
        part.startswith(".") for part in path.relative_to(folder).parts
    )


def watch_scope(paths: list[Path], inputs: list[Path], request: BuildRequest) -> Scope:
    """The scope of a watch of `paths` (files and folders as given) whose `inputs` are built
    with `request`; read from the inputs as they are now."""
    excluded = (request.out_dir.resolve(), request.cache.resolve())
    given = tuple(path.resolve() for path in paths if path.is_dir())
    # realpath, not resolve(): a symbolic link loop stays a path that is watched (and refused
    # by name when it is built), where resolve() would raise.
    known = {Path(os.path.realpath(path)) for path in paths if not path.is_dir()}
    for setting in (request.settings.template, request.settings_file):
        if setting is not None:
            known.add(Path(os.path.realpath(setting)))
    for path in inputs:
        known.update(files_read(path))
    wanted = {path.parent for path in known}
    for folder in given:
        wanted.update(_subfolders(folder, excluded))
    folders: set[Path] = set()
    coming: set[str] = set()
    for folder in wanted:
        while not folder.is_dir() and folder.parent != folder:  # watch where it will appear
            coming.add(str(folder))
            folder = folder.parent
        folders.add(folder)
    return Scope(frozenset(folders), frozenset(map(str, known)), given, frozenset(coming),
                 excluded)


def _subfolders(folder: Path, excluded: tuple[Path, ...]) -> list[Path]:
    """`folder` and its subfolders as case_files looks into them: not hidden ones, nor the
    output folder."""
    found = []
    for top, names, _ in os.walk(folder):
        found.append(Path(top))
        names[:] = sorted(name for name in names if not name.startswith(".")
                          and Path(top, name) not in excluded)
    return found


def watch(
    paths: list[Path],
    request: BuildRequest,
    with_conference_cases: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stop: Event | None = None,
    built: Callable[[], None] | None = None,
    asked_again: Callable[[], BuildRequest] | None = None,
) -> int:
    """Build the inputs in `paths` (files and folders), then again whenever a file they read
    changes, until Ctrl-C (status 128 + the signal) or `stop` is set (status 0); `built` is
    told each time a build has finished. `asked_again` makes the request anew before each
    build (the settings file read again); else the --template file is hashed again."""
    for path in paths:
        if not path.exists():
            raise UserError(f"no such file or folder: '{path}'")
    session = _Session(paths, request, with_conference_cases, out or sys.stdout,
                       err or sys.stderr, built or (lambda: None), asked_again)
    with _Signals() as signals:
        try:
            session.run(stop)
        except KeyboardInterrupt:
            return 128 + signals.number
        finally:
            session.close()
    return 0


class _Session:
    def __init__(self, paths: list[Path], request: BuildRequest, with_conference_cases: bool,
                 out: TextIO, err: TextIO, built: Callable[[], None],
                 asked_again: Callable[[], BuildRequest] | None = None):
        self.paths = paths
        self.asked_again = asked_again or self._template_again
        self.built = built
        self.request = request
        self.with_conference_cases = with_conference_cases
        self.out = out
        self.err = err
        self.notify: RustNotify | None = None
        self.scope: Scope | None = None
        self.renew = False  # a folder watched went (or came back): watch the new one

    def _template_again(self) -> BuildRequest:
        """The request for the next build: a --template file saved is a change of settings."""
        return replace(self.request, template_digest=file_digest(self.request.settings.template))

    def run(self, stop: Event | None) -> None:
        inputs = self._inputs()
        self._rewatch(watch_scope(self.paths, inputs, self.request), time.time())
        pending = self._build([], first=True)
        importlib.import_module("casedocs.build.task")  # loading and writing, and what renders:
        preload(variants(self.request.only, self.request.site, self.request.quiz))  # warm
        count = len(inputs)
        folders = len(self.scope.folders) if self.scope else 0
        print(f"watching {count} input{'s' if count != 1 else ''} in {folders} "
              f"folder{'s' if folders != 1 else ''}; Ctrl-C stops", file=self.out, flush=True)
        while True:
            while pending:
                pending = self._build(pending)
            changed = self._wait(stop)
            if changed is None:
                return
            pending = changed

    def close(self) -> None:
        if self.notify is not None:
            self.notify.close()
            self.notify = None

    def _inputs(self) -> list[Path]:
        return case_files(self.paths, with_conference_cases=self.with_conference_cases)

    def _wait(self, stop: Event | None) -> list[str] | None:
        """The files whose changes matter, once there are some; None when `stop` is set."""
        assert self.notify is not None and self.scope is not None
        while True:
            raw = self.notify.watch(DEBOUNCE_MS, STEP_MS, 0, stop)
            if raw == "stop":
                return None
            if raw == "signal":  # the signal's handler has said which
                raise KeyboardInterrupt
            if isinstance(raw, set) and (changed := self._mattering(raw)):
                return changed

    def _mattering(self, raw: Iterable[tuple[int, str]]) -> list[str]:
        assert self.scope is not None
        paths = {path for _, path in raw}
        self.renew |= any(Path(path) in self.scope.folders for path in paths)
        return sorted(path for path in paths if self.scope.matters(path))

    def _build(self, changed: list[str], first: bool = False) -> list[str]:
        """One pass: every input built or found up to date; then the folders watched found
        again. What changed in folders newly watched before they were watched comes back."""
        started = time.time()
        if changed:
            shown = [display_path(Path(path)) for path in changed[:SHOWN_CHANGES]]
            more = len(changed) - len(shown)
            print(f"change: {', '.join(shown)}" + (f" and {more} more" if more else ""),
                  file=self.out, flush=True)
        inputs = self._inputs()
        try:
            self.request = self.asked_again()
            run_build(inputs, self.request, Reporter(self.out, self.err, interactive=False,
                                                     unchanged=first))
        except UserError as error:  # a --template that is not there (yet)
            print(f"casedocs: {error}", file=self.err)
        except CaseError as error:  # a mistake in casedocs.toml; the index unwritable (full disk)
            for report in error.reports:
                print(report, file=self.err)
        except OSError as error:  # a folder that cannot be made
            print(f"casedocs: {os_error_text(error)}", file=self.err)
        self.out.flush()
        self.err.flush()
        self.built()
        return self._rewatch(watch_scope(self.paths, inputs, self.request), started)

    def _rewatch(self, scope: Scope, since: float) -> list[str]:
        """Watch `scope`'s folders (a new watcher, started before the old one ends, when they
        changed or one was replaced); the files changed since `since` that no watcher
        reported."""
        previous = self.scope
        self.scope = scope
        if previous is not None and previous.folders == scope.folders and not self.renew:
            return []
        folders = sorted(str(folder) for folder in scope.folders if folder.is_dir())
        try:
            notify = RustNotify(folders, False, _polling(), 300, False, True)
        except (OSError, WatchfilesRustInternalError) as error:  # a folder gone, no watches left
            if self.notify is None:
                raise UserError(f"cannot watch {', '.join(folders)}: {error}") from error
            print(f"casedocs: cannot watch the folders read now: {error}", file=self.err)
            self.scope = previous
            return []
        pending: set[str] = set()
        if self.notify is not None:  # what the old one saw since it last reported
            raw = self.notify.watch(DEBOUNCE_MS, STEP_MS, 1, None)
            self.notify.close()
            if raw == "signal":
                raise KeyboardInterrupt
            if isinstance(raw, set):
                pending.update(self._mattering(raw))
        self.notify = notify
        if self.renew:  # files in a folder made anew, before it was watched
            fresh = scope.folders
        else:
            fresh = scope.folders - previous.folders if previous else frozenset()
        self.renew = False
        pending.update(_changed_since(fresh, since, scope))
        return sorted(pending)


def _changed_since(folders: Iterable[Path], since: float, scope: Scope) -> list[str]:
    """Files in `folders` changed at or after `since` that matter."""
    found = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                changed = entry.stat().st_mtime >= since
            except OSError:
                continue
            if changed and scope.matters(entry.path):
                found.append(entry.path)
    return found


def _polling() -> bool:
    """Polling rather than the system's notifications (network folders), as watchfiles
    decides it: WATCHFILES_FORCE_POLLING set, and not to false."""
    value = os.environ.get("WATCHFILES_FORCE_POLLING", "")
    return value.lower() not in ("", "false", "disable", "disabled")


class _Signals:
    """Ctrl-C and SIGTERM stop a watch alike, and which one it was is kept: the watcher's wait
    turns whatever a handler raises into one answer, "signal". In the main thread only (the
    only one signals reach)."""

    def __init__(self) -> None:
        self.number = signal.SIGINT
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self._previous[number] = signal.signal(number, self._stop)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]

    def _stop(self, number: int, frame: object) -> None:
        self.number = number
        raise KeyboardInterrupt
