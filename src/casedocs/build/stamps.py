"""Output stamps: an output whose inputs have not changed is not rendered again.

A stamp is a hash of everything an output is made from: the case file, its images' content
hashes, the options, the date written into it, the fonts, the installed renderers and
casedocs' own code. It is kept beside the image cache with a hash of the output it describes,
so an output edited or replaced by hand is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from casedocs.errors import Report
from casedocs.files import write_whole

PACKAGE = Path(__file__).resolve().parents[1]  # casedocs/
LIBRARIES = (
    "reportlab",
    "python-pptx",
    "pillow",
    "pydicom",
    "numpy",
    "markdown-it-py",
    "pydantic",
    "pyyaml",
    "pypdf",
    "jinja2",
    "markupsafe",
)
CODE_SUFFIXES = (".py", ".j2", ".css", ".js", ".pptx")  # modules, page templates, site assets


@dataclass(frozen=True)
class Stamp:
    key: str
    warnings: tuple[Report, ...] = ()  # what rendering said, said again when it is skipped
    attachments: tuple[tuple[str, str], ...] = ()  # name, sha256 of the files beside it
    entry: object = None  # what the output told the files that gather (the site's index)


def cache_dir(out_dir: Path, site: bool = False) -> Path:
    """Prepared images and stamps live beside the outputs they were made for; a site's
    outside its folder, which is published whole (a quiz's stamps know the answers)."""
    return out_dir.parent / f".{out_dir.name}-cache" if site else out_dir / ".cache"


def stamp_dir(cache: Path) -> Path:
    return cache / "stamps"


def stamp_key(*inputs: str) -> str:
    return hashlib.sha256("\x00".join((code_fingerprint(), *inputs)).encode()).hexdigest()


def current_stamp(stamp_dir: Path, output: Path, key: str) -> Stamp | None:
    """The recorded stamp for `output` if it matches `key` and the file is as we wrote it."""
    try:
        record = json.loads(_stamp_path(stamp_dir, output).read_text(encoding="utf-8"))
        data = output.read_bytes()
    except (OSError, ValueError):
        return None
    if record.get("key") != key or record.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    attachments = tuple((name, digest) for name, digest in record.get("attachments", []))
    if not all(_digest(attachment_folder(output) / n) == d for n, d in attachments):
        return None
    entry = None
    if record.get("entry"):
        try:
            entry = pickle.loads(_stamp_path(stamp_dir, output).with_suffix(".entry").read_bytes())
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None
    warnings = tuple(Report(**warning) for warning in record.get("warnings", []))
    return Stamp(key, warnings, attachments, entry)


def record_stamp(stamp_dir: Path, output: Path, stamp: Stamp, data: bytes) -> None:
    record = {
        "key": stamp.key,
        "sha256": hashlib.sha256(data).hexdigest(),
        "warnings": [warning.__dict__ for warning in stamp.warnings],
        "attachments": list(stamp.attachments),
        "entry": stamp.entry is not None,
    }
    path = _stamp_path(stamp_dir, output)
    if stamp.entry is not None:  # our own cache, read only by this same code (its key says)
        write_whole(path.with_suffix(".entry"), pickle.dumps(stamp.entry))
    write_whole(path, json.dumps(record).encode())


def attachment_folder(output: Path) -> Path:
    """Where the files that belong to an output (a page's images) are written."""
    return output.parent / output.stem


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _stamp_path(stamp_dir: Path, output: Path) -> Path:
    return stamp_dir / f"{output.parent.name}-{output.name}.json"


@cache
def code_fingerprint() -> str:
    """casedocs' own code (every module, template and asset of the package) and the versions
    of the libraries that shape its outputs. A file counts by its size and time of change, as
    Python's own bytecode cache judges a module: reading all of them was a twentieth of a
    build with nothing to do."""
    digest = hashlib.sha256()
    for source in _code_files():
        status = os.stat(source)
        digest.update(f"{source}|{status.st_size}|{status.st_mtime_ns}\n".encode())
    installed = _installed_versions()
    for library in LIBRARIES:
        digest.update(f"{library}={installed.get(_normalized(library), 'none')}".encode())
    return digest.hexdigest()


def _code_files() -> list[str]:
    """The package's files that make outputs, in a fixed order (bytecode folders unvisited)."""
    found = []
    for folder, subfolders, names in os.walk(PACKAGE):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        found += sorted(os.path.join(folder, n) for n in names if n.endswith(CODE_SUFFIXES))
    return found


def _installed_versions() -> dict[str, str]:
    """Name -> version of every distribution on sys.path, from its .dist-info folder's name
    (importlib.metadata would cost a no-change build a sixth of its time)."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                project, version = name[: -len(".dist-info")].rsplit("-", 1)
                versions.setdefault(_normalized(project), version)
    return versions


def _normalized(project: str) -> str:
    return re.sub(r"[-_.]+", "_", project).lower()
