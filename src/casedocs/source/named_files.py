"""Files a user names: the case and conference files a command is given, and the figures,
template, logo, references file and cases those files name.

Each is checked with os.stat before anything opens it: open() on a FIFO blocks forever, and
/dev/zero or a sparse file of many GB reads until memory runs out. A file must be a regular
file no larger than the limit of its kind; it is then read with a bounded read, so a file that
grows, or says it is smaller than it is, cannot exhaust memory either. Cheap to import: the
check of what is up to date uses it before anything is loaded.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from casedocs.errors import UserError

MB = 1_000_000


@dataclass(frozen=True)
class Limit:
    """The largest file of one kind casedocs reads: `default_mb` megabytes, or what the
    environment variable `setting` says."""

    kind: str  # as a message names it: "an image file"
    default_mb: float
    setting: str

    @property
    def bytes(self) -> int:
        written = os.environ.get(self.setting, "").strip()
        if not written:
            return round(self.default_mb * MB)
        try:
            megabytes = float(written)
        except ValueError:
            megabytes = 0.0
        if not 0 < megabytes < float("inf"):
            raise UserError(f"{self.setting}={written}: expected a number of megabytes")
        return round(megabytes * MB)


# A DICOM series exported as one file can be large; a case file is a few KB.
IMAGE = Limit("an image file", 512, "CASEDOCS_MAX_IMAGE_MB")
TEMPLATE = Limit("a template", 200, "CASEDOCS_MAX_TEMPLATE_MB")
REFERENCES = Limit("a references file", 20, "CASEDOCS_MAX_REFERENCES_MB")
CASE = Limit("a case or conference file", 1, "CASEDOCS_MAX_CASE_MB")
LIMITS = (IMAGE, TEMPLATE, REFERENCES, CASE)


def largest_limit() -> Limit:
    """The limit of the largest kind: for reading a file of any kind a case names."""
    return max(LIMITS, key=lambda limit: limit.bytes)


class Refused(ValueError):
    """A named file casedocs will not read; `reason` says why, for the author."""

    def __init__(self, reason: str, missing: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing

    def naming(self, written: str) -> str:
        """The reason, for a field where the file is named as `written`."""
        shown = printable(written)
        return f"no such file '{shown}'" if self.missing else f"{shown}: {self.reason}"


def check_file(path: Path, limit: Limit) -> int:
    """The size of `path` when it is a regular file within `limit`; else Refused. The file is
    not opened."""
    status = _status(path)
    _check_status(status, limit)
    return status.st_size


def read_checked(path: Path, limit: Limit) -> bytes:
    """The bytes of `path`, checked as check_file does, then read with a bound."""
    size = check_file(path, limit)
    try:
        # Not blocking: were the file swapped for a FIFO since the check, open() returns at
        # once and fstat tells; on a regular file the flag changes nothing.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(descriptor, "rb") as stream:
            _check_status(os.fstat(descriptor), limit)
            data = stream.read(size + 1)
            if len(data) > size:  # it grew, or its size was not all of it (/proc)
                data += stream.read(limit.bytes + 1 - len(data))
    except OSError as error:
        raise _refusal(error) from None
    if len(data) > limit.bytes:
        raise Refused(f"the file is more than {_size(limit.bytes)}; {_allowed(limit)}")
    return data


def check_option_file(option: str, path: Path, limit: Limit) -> None:
    """A file given to a command-line option (--template): UserError when it cannot be read."""
    try:
        check_file(path, limit)
    except Refused as refused:
        raise UserError(f"{option}: {refused.naming(str(path))}") from None


def resolved(base: Path, written: str) -> Path:
    """`written` relative to `base`, links followed as far as they go: a symbolic link loop
    or a NUL character stays in the path for check_file to name, never raises here."""
    joined = os.path.join(base, written)
    if "\x00" in joined:
        return Path(os.path.normpath(joined))
    return Path(os.path.realpath(joined))


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it;
    on one line, whatever characters its name has."""
    try:
        shown = str(Path(os.path.realpath(path)).relative_to(os.path.realpath(Path.cwd())))
    except (ValueError, OSError):  # outside it, or a NUL character in the path
        shown = str(path)
    return printable(shown, longest=None)


def printable(written: str, longest: int | None = 100) -> str:
    """A path as written, fit for one line of a message: control characters escaped, one
    longer than `longest` shortened in the middle."""
    shown = "".join(f"\\x{ord(c):02x}" if ord(c) < 32 else c for c in written)
    shown = shown.replace("\\x00", "\\0")
    if longest is not None and len(shown) > longest:
        shown = f"{shown[: longest - 30]}…{shown[-29:]}"
    return shown


def file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, as a message says it; None for a regular
    file."""
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def _status(path: Path) -> os.stat_result:
    if "\x00" in str(path):
        raise Refused("not a usable path (it contains a NUL character)")
    try:
        return os.stat(path)
    except OSError as error:
        raise _refusal(error) from None


def _check_status(status: os.stat_result, limit: Limit) -> None:
    kind = file_kind(status.st_mode)
    if kind is not None:
        raise Refused(f"not a regular file ({kind})")
    if status.st_size > limit.bytes:
        raise Refused(f"the file is {_size(status.st_size)}; {_allowed(limit)}")


def _allowed(limit: Limit) -> str:
    return (
        f"{limit.kind} may be at most {_size(limit.bytes)} "
        f"(set {limit.setting} to change that)"
    )


def _size(size: int) -> str:
    """In MB (or KB, or bytes, below one), rounded up to a tenth, so that a file just over a
    limit never reads as equal to it."""
    if size < 1000:
        return f"{size} bytes"
    unit, name = (MB, "MB") if size >= MB else (1000, "KB")
    tenths = -(-size * 10 // unit)
    return f"{tenths / 10:,.1f}".removesuffix(".0") + f" {name}"


_REASONS = {
    errno.ELOOP: "not a regular file (a symbolic link loop)",
    errno.ENAMETOOLONG: "not a usable path (too long for the file system)",
    errno.EACCES: "cannot be read (permission denied)",
    errno.EPERM: "cannot be read (permission denied)",
}


def _refusal(error: OSError) -> Refused:
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return Refused("no such file", missing=True)
    return Refused(_REASONS.get(error.errno, f"cannot be read ({error.strerror or error})"))
