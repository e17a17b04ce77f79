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
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from casedocs.errors import Report

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
)


@dataclass(frozen=True)
class Stamp:
    key: str
    warnings: tuple[Report, ...] = ()  # what rendering said, said again when it is skipped


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
    return Stamp(key, tuple(Report(**warning) for warning in record.get("warnings", [])))


def record_stamp(stamp_dir: Path, output: Path, stamp: Stamp, data: bytes) -> None:
    stamp_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "key": stamp.key,
        "sha256": hashlib.sha256(data).hexdigest(),
        "warnings": [warning.__dict__ for warning in stamp.warnings],
    }
    _stamp_path(stamp_dir, output).write_text(json.dumps(record), encoding="utf-8")


def _stamp_path(stamp_dir: Path, output: Path) -> Path:
    return stamp_dir / f"{output.parent.name}-{output.name}.json"


@cache
def code_fingerprint() -> str:
    """casedocs' own code (every module of the package) and the versions of the libraries
    that shape its outputs."""
    digest = hashlib.sha256()
    for source in sorted(PACKAGE.rglob("*.py")):
        digest.update(source.read_bytes())
    installed = _installed_versions()
    for library in LIBRARIES:
        digest.update(f"{library}={installed.get(_normalized(library), 'none')}".encode())
    return digest.hexdigest()


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
