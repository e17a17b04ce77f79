"""Problems found in a user's input, kept apart from internal errors.

A `Problem` names a place in the case data by its path (("figures", 0, "file")); the loader's
source map turns that path into a file and line when the problem is reported, so validation code
never needs to know about YAML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious, when `warning`) with a case file."""

    path: FieldPath
    message: str
    warning: bool = False
    needle: str | None = None  # text as typed inside the field, to point at its own line


@dataclass(frozen=True)
class Report:
    """A problem placed in a file: what the user reads."""

    file: str
    line: int | None
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        kind = "warning: " if self.warning else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {kind}{field}{self.message}"


class UserError(Exception):
    """A problem the user can fix (a missing font, an unusable template); no traceback."""


class CaseError(Exception):
    """The input cannot be built; `reports` says every reason at once."""

    def __init__(self, reports: list[Report]):
        self.reports = reports
        super().__init__("\n".join(str(report) for report in reports))

    def __reduce__(self) -> tuple:  # rebuilt from its reports when it crosses processes
        return (CaseError, (self.reports,))


def file_error(file: str, message: str, line: int | None = None) -> CaseError:
    """A single problem that belongs to a whole file (unreadable, not YAML, ...)."""
    return CaseError([Report(file=file, line=line, field="", message=message)])


def os_error_text(error: OSError) -> str:
    """An error of the operating system as one line that names its file when it has one:
    `build/.cache: Permission denied`."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


def did_you_mean(word: str, known: Iterable[str], otherwise: str = "") -> str:
    """" (did you mean 'x'?)" for the known word closest to a misspelt one, else `otherwise`."""
    import difflib  # only when a word is misspelt: a build with nothing to do never asks

    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else otherwise
