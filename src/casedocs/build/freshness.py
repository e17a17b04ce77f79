"""What is up to date, decided before anything is loaded.

After an input (a case or conference file) builds, its record says what it was made from
(every file it read, with size, modification time and content hash), under which settings
(options, date, fonts, casedocs' code) and what it left (its output files, with size and
modification time), what the build said, and what it told the site's index. The next build
asks each input's record: when the settings match, every file it read is unchanged (same size
and time, or the same bytes) and every output is as written, the input is up to date: it is not
validated, and no renderer is imported for it. Anything else, even an unreadable record,
rebuilds it, which checks everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from casedocs.build.stamps import code_fingerprint
from casedocs.errors import Report
from casedocs.files import write_whole
from casedocs.fonts import font_fingerprint
from casedocs.source.named_files import CASE, Refused, largest_limit, read_checked, resolved

PRIVATE = "sha256:"  # a source file's name, kept only as a hash: it may name the patient


@dataclass(frozen=True)
class FileState:
    """A file as a build saw it."""

    path: str  # an output's path; a source file's as PRIVATE + the hash of its path
    size: int
    mtime_ns: int
    sha256: str = ""  # the bytes, for a file that was touched but not changed

    @staticmethod
    def of(path: Path, with_digest: bool = True, private: bool = False,
           known: dict[str, FileState] | None = None) -> FileState | None:
        """`known`: the states the last build recorded, by name; a file of the same size and
        time keeps its hash rather than being read again (a stack's 300 slices)."""
        name = private_name(path) if private else str(path)
        try:
            status = path.stat()
            before = (known or {}).get(name)
            if stat.S_ISDIR(status.st_mode):  # a stack's folder: a slice added or taken away
                digest = _listing(path)
            elif before and (before.size, before.mtime_ns) == (status.st_size,
                                                                status.st_mtime_ns):
                digest = before.sha256 if with_digest else ""
            else:
                digest = _digest(path) if with_digest else ""
        except (OSError, ValueError):  # refused, or a NUL in its path: loading it will say why
            return None
        return FileState(name, status.st_size, status.st_mtime_ns, digest)

    def unchanged(self, path: Path | None = None) -> bool:
        """Whether the file (at `path`, for a private one) is as it was."""
        where = path or Path(self.path)
        try:
            status = os.stat(where)
        except (OSError, ValueError):
            return False
        if stat.S_ISDIR(status.st_mode) and self.sha256.startswith(LISTING):
            return status.st_mtime_ns == self.mtime_ns or _listing(where) == self.sha256
        if not stat.S_ISREG(status.st_mode):  # replaced by a FIFO or a folder
            return False
        if (status.st_size, status.st_mtime_ns) == (self.size, self.mtime_ns):
            return True
        if not self.sha256 or status.st_size != self.size:
            return False
        try:
            return _digest(where) == self.sha256
        except Refused:
            return False


def _digest(path: Path) -> str:
    """The hash of a file a build reads: never of one no build would read (Refused)."""
    return hashlib.sha256(read_checked(path, largest_limit())).hexdigest()


LISTING = "listing:"  # a folder's state: the hash of the names in it


def _listing(folder: Path) -> str:
    try:
        names = sorted(os.listdir(folder))
    except (OSError, ValueError):
        return LISTING
    return LISTING + hashlib.sha256("\n".join(names).encode()).hexdigest()


def private_name(path: Path) -> str:
    return PRIVATE + hashlib.sha256(str(path).encode()).hexdigest()


@dataclass
class InputRecord:
    """What one input's last successful build read, wrote, said and told the index."""

    settings: str
    id: str
    read: list[FileState]
    wrote: list[FileState]
    warnings: list[Report] = field(default_factory=list)
    entries: list = field(default_factory=list)  # (output name, unknown, entry)
    outputs: list[str] = field(default_factory=list)  # of `wrote`, the outputs (not images)

    def is_current(self, settings: str, source: Path | None = None) -> bool:
        """Whether nothing it read or wrote has changed; `source`: the input, whose named
        files are found again by reading it (their names are not kept)."""
        if self.settings != settings:
            return False
        named = _named_quickly(source) if source else {}
        if any(s.path.startswith(PRIVATE) and s.path not in named for s in self.read):
            named = {private_name(p): p for p in files_read(source)} if source else {}
        return all(
            named.get(state.path) is not None and state.unchanged(named[state.path])
            if state.path.startswith(PRIVATE)
            else state.unchanged()
            for state in self.read
        ) and all(state.unchanged() for state in self.wrote)


def settings_key(options: dict[str, str]) -> str:
    """The build's settings and everything besides its inputs that shapes outputs."""
    digest = hashlib.sha256()
    for part in (code_fingerprint(), *font_fingerprint(), *sorted(options.items())):
        digest.update(f"{part}\x00".encode())
    return digest.hexdigest()


def read_record(records: Path, name: str, options: dict[str, str]) -> InputRecord | None:
    """The record of the last build of input `name` (its resolved path) with these options,
    current or not."""
    where = record_path(records, name, options)
    try:
        raw = json.loads(where.read_text(encoding="utf-8"))
        record = InputRecord(
            raw["settings"],
            raw["id"],
            [FileState(**state) for state in raw["read"]],
            [FileState(**state) for state in raw["wrote"]],
            [Report(**warning) for warning in raw["warnings"]],
            outputs=raw["outputs"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record


def read_entries(records: Path, name: str, options: dict[str, str]) -> list:
    """What the last build of input `name` told the site's index (read only when an index
    is made: unpickling them imports the document model)."""
    return _load_entries(record_path(records, name, options))


def write_record(
    records: Path, name: str, options: dict[str, str], record: InputRecord
) -> None:
    where = record_path(records, name, options)
    raw = {
        "settings": record.settings,
        "id": record.id,
        "read": [state.__dict__ for state in record.read],
        "wrote": [state.__dict__ for state in record.wrote],
        "warnings": [warning.__dict__ for warning in record.warnings],
        "outputs": record.outputs,
        "entries": bool(record.entries),
    }
    if record.entries:  # our own cache, read back only by this code (the settings say which)
        _atomic_write(where.with_suffix(".entries"), pickle.dumps(record.entries))
    _atomic_write(where, json.dumps(raw).encode())


def _load_entries(where: Path) -> list:
    try:
        return pickle.loads(where.with_suffix(".entries").read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return []


def record_path(records: Path, name: str, options: dict[str, str]) -> Path:
    """One record per input and set of options (but the date), so `make handout` and
    `make slides` keep one each."""
    parts = [name, *sorted(f"{k}={v}" for k, v in options.items() if k != "date")]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]
    return records / f"input-{digest}.json"


@cache
def input_name(path: Path) -> str:
    """An input as its record knows it: its resolved path."""
    return os.path.realpath(path)


def _atomic_write(path: Path, data: bytes) -> None:
    write_whole(path, data)


NAMED_FILES = ("references_file", "template", "logo")  # besides figures[].file, .stack, cases[]


def files_read(path: Path) -> list[Path]:
    """The input and every file it names (a conference: its cases, and theirs), as a build
    reads them; called after a build, on files it could read."""
    import yaml

    from casedocs.source.fastyaml import FAST_LOADER as loader

    found = [resolved(Path.cwd(), str(path))]
    try:
        data = yaml.load(read_checked(path, CASE), Loader=loader)  # noqa: S506 (a safe loader)
    except (Refused, yaml.YAMLError, RecursionError):
        return found
    if not isinstance(data, dict):
        return found
    for named in _named_files(data, path.parent):
        if named.suffix in (".yaml", ".yml") and "cases" in data:
            found += files_read(named)
        else:
            found.append(named)
    return list(dict.fromkeys(found))


NAMED_LINE = re.compile(
    r"""^[ \t]*(?:-[ \t]+)?["']?(?:file|stack|references_file|template|logo)["']?[ \t]*:[ \t]*"""
    r"""(?P<value>"[^"]*"|'[^']*'|[^#\n]*?)[ \t]*(?:\#.*)?$""",
    re.MULTILINE,
)


def _named_quickly(source: Path) -> dict[str, Path]:
    """The input and the files it names, by private name, found by reading its lines rather
    than parsing it: a guess, right for files written as `file: path`; whatever it misses
    sends the caller to files_read."""
    try:
        text = read_checked(source, CASE).decode("utf-8")
    except (Refused, UnicodeDecodeError):
        return {}
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as a file saved on Windows
    base = os.path.dirname(os.path.realpath(source))
    found = {private_name(Path(os.path.realpath(source))): Path(source)}
    for match in NAMED_LINE.finditer(text):
        value = match.group("value").strip("\"'")
        if value:
            path = Path(os.path.normpath(os.path.join(base, value)))
            for each in (path, *_stack_members(path)):
                found[private_name(each)] = each
    return found


def _named_files(data: dict, base: Path) -> list[Path]:
    names = [data.get(key) for key in NAMED_FILES]
    figures = [figure for figure in _items(data.get("figures")) if isinstance(figure, dict)]
    names += [figure.get(key) for figure in figures for key in ("file", "stack")]
    names += list(_items(data.get("cases")))
    found = [resolved(base, name) for name in names if isinstance(name, str)]
    return [each for path in found for each in (path, *_stack_members(path))]


def _stack_members(path: Path) -> list[Path]:
    """The files of a stack's folder (none for a file): each slice is read."""
    try:
        names = sorted(os.listdir(path))
    except (OSError, ValueError):  # a file, not there, or a NUL in its name
        return []
    return [path / name for name in names if not name.startswith(".")]


def _items(value: object) -> list:
    return value if isinstance(value, list) else []
