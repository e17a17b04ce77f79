"""What a build tells the person running it: on a terminal, a progress bar (rich) with
warnings and errors above it; elsewhere (CI, a log), a plain line per file; and at the end one
line: how many inputs built, were up to date or failed, and how long it took."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from casedocs.errors import Report


def progress_bar(stream: TextIO):  # noqa: ANN201 - rich's Progress, imported when needed
    """A progress bar on `stream` (a terminal) that is gone when it stops."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress("[progress.description]{task.description}", BarColumn(),
                    MofNCompleteColumn(), TimeRemainingColumn(), console=Console(file=stream),
                    transient=True)


class Reporter:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None,
                 interactive: bool | None = None, unchanged: bool = True):
        """`unchanged`: list the outputs that were up to date and say again what their
        inputs warned (a watch's rebuilds say only what changed)."""
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.interactive = self.err.isatty() if interactive is None else interactive
        self.unchanged = unchanged
        self.started = time.monotonic()
        self.built = self.current = self.failed = 0
        self._said: set[Report] = set()
        self._progress = None
        self._task = None

    # -- as the build goes ---------------------------------------------------------------------

    def start(self, total: int) -> None:
        """`total` inputs are to be built."""
        if not self.interactive or total == 0:
            return
        self._progress = progress_bar(self.err)
        self._progress.start()
        self._task = self._progress.add_task("building", total=total)

    def up_to_date(self, outputs: Iterable[str], warnings: Iterable[Report] = ()) -> None:
        """One input was up to date: its outputs, and what its last build warned."""
        self.current += 1
        if self.unchanged:
            self.warn(warnings)
        if not self.interactive and self.unchanged:
            for output in outputs:
                print(f"up to date: {output}", file=self.out)

    def done(self, outputs: Iterable[Path], current: Iterable[Path], warnings: Iterable[Report],
             errors: Iterable[Report]) -> None:
        """One input built (or failed): what it wrote, what it said."""
        errors = list(errors)
        if errors:
            self.failed += 1
        else:
            self.built += 1
        self.warn(warnings)
        for error in errors:
            self._say(str(error), self.err)
        if not self.interactive:
            for path in outputs:
                print(f"wrote {path}", file=self.out)
            for path in current if self.unchanged else ():
                print(f"up to date: {path}", file=self.out)
        if self._progress is not None:
            self._progress.advance(self._task)

    def wrote(self, paths: Iterable[Path]) -> None:
        """Files made from every input (the site's index)."""
        if not self.interactive:
            for path in paths:
                print(f"wrote {path}", file=self.out)

    def warn(self, warnings: Iterable[Report]) -> None:
        for warning in warnings:
            if warning not in self._said:  # a case also shown in a conference warns once
                self._said.add(warning)
                self._say(str(warning), self.err)

    def _say(self, text: str, stream: TextIO) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=stream)

    # -- at the end ----------------------------------------------------------------------------

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        elapsed = time.monotonic() - self.started
        total = self.built + self.current + self.failed
        print(
            f"casedocs: {total} input{'s' if total != 1 else ''}: {self.built} built, "
            f"{self.current} up to date, {self.failed} failed ({elapsed:.1f} s)",
            file=self.out,
        )
