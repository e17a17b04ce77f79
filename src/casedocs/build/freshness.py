"""The quick way out of a build that has nothing to do.

A build records, for its inputs and options, a key and the outputs it left. When the same
build is asked for again and the key still matches (the same bytes in every case and
conference file and in every file they name, the same options, date, fonts and code) and every
output is still as written, the build is answered from that record: before any case is
validated or any renderer imported. Anything else, even an unreadable file, takes the full
path, which checks everything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casedocs.build.stamps import code_fingerprint
from casedocs.fonts import font_fingerprint

NAMED_FILES = ("references_file", "template", "logo")  # besides figures[].file and cases[]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class BuildRecord:
    key: str
    outputs: dict[str, str]  # path -> sha256 of the file as written
    warnings: list[str]  # what the build said, said again when it is skipped


def fresh_build(
    record_dir: Path, inputs: list[Path], options: dict[str, str]
) -> BuildRecord | None:
    """The record of this same build, if nothing it depends on has changed since."""
    key = build_key(inputs, options)
    try:
        raw = json.loads(_record_path(record_dir, inputs, options).read_text(encoding="utf-8"))
        record = BuildRecord(raw["key"], raw["outputs"], raw["warnings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if key is None or record.key != key:
        return None
    for output, digest in record.outputs.items():
        try:
            if hashlib.sha256(Path(output).read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
    return record


def record_build(
    record_dir: Path,
    inputs: list[Path],
    options: dict[str, str],
    outputs: list[Path],
    warnings: list[str],
) -> None:
    key = build_key(inputs, options)
    if key is None:
        return
    digests = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in outputs}
    record = {"key": key, "outputs": digests, "warnings": warnings}
    record_dir.mkdir(parents=True, exist_ok=True)
    _record_path(record_dir, inputs, options).write_text(json.dumps(record), encoding="utf-8")


def build_key(inputs: list[Path], options: dict[str, str]) -> str | None:
    """A hash of everything the build's outputs depend on; None when an input cannot be read
    quickly (the full build will say why)."""
    digest = hashlib.sha256()
    for part in (code_fingerprint(), *font_fingerprint(), *sorted(options.items())):
        digest.update(f"{part}\x00".encode())
    for path in inputs:
        fingerprint = _input_fingerprint(path)
        if fingerprint is None:
            return None
        digest.update(f"{path.resolve()}\x00{fingerprint}\x00".encode())
    return digest.hexdigest()


def _record_path(record_dir: Path, inputs: list[Path], options: dict[str, str]) -> Path:
    """One record per set of inputs and options, so `make handout` and `make slides` keep
    one each."""
    name = "\x00".join([*(str(p.resolve()) for p in inputs), *sorted(options)])
    return record_dir / f"build-{hashlib.sha256(name.encode()).hexdigest()[:24]}.json"


def _input_fingerprint(path: Path) -> str | None:
    """The file's bytes and those of every file it names (a conference: its cases, and
    theirs)."""
    try:
        text = path.read_bytes()
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a C safe loader)
    except (OSError, yaml.YAMLError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    digest = hashlib.sha256(text)
    for named in _named_files(data, path.parent):
        if named.suffix in (".yaml", ".yml") and "cases" in data:
            fingerprint = _input_fingerprint(named)
        else:
            fingerprint = _file_digest(named)
        if fingerprint is None:
            return None
        digest.update(f"\x00{named}\x00{fingerprint}".encode())
    return digest.hexdigest()


def _named_files(data: dict[str, Any], base: Path) -> list[Path]:
    names = [data.get(key) for key in NAMED_FILES]
    figures = [figure for figure in _items(data.get("figures")) if isinstance(figure, dict)]
    names += [figure.get("file") for figure in figures]
    names += list(_items(data.get("cases")))
    return [(base / name).resolve() for name in names if isinstance(name, str)]


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
