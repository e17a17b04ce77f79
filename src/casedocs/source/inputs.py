"""Which files a command reads: case and conference files named or found in folders, told
apart without parsing them twice, and refused when they cannot be read. Cheap to import: a
build with nothing to do uses it."""

from __future__ import annotations

import re
from pathlib import Path

from casedocs.errors import Report
from casedocs.source.named_files import (
    CASE,
    Refused,
    check_file,
    display_path,
    read_checked,
    resolved,
)

TOP_LEVEL_CASES = re.compile(rb"""^["']?cases["']?\s*:""", re.MULTILINE)


def is_conference_file(path: Path) -> bool:
    """A conference file is the one with a top-level `cases:` key (read as text: the file is
    parsed once, by whichever loader it is for)."""
    try:
        return TOP_LEVEL_CASES.search(read_checked(path, CASE)) is not None
    except Refused:
        return False


def unreadable_input(path: Path) -> Report | None:
    """Why a case or conference file a command is given cannot be read (not there, not a
    regular file, too large), found without opening it; None when it can be read."""
    try:
        check_file(path, CASE)
    except Refused as refused:
        return Report(display_path(path), None, "", refused.reason)
    return None


CASE_SUFFIXES = (".yaml", ".yml")


def case_files(paths: list[Path], with_conference_cases: bool = False) -> list[Path]:
    """The files given, with each folder replaced by the case and conference files in it
    (and its subfolders, but not hidden ones), sorted; `with_conference_cases`: and the case
    files the conferences among them show, after them."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix in CASE_SUFFIXES
                and not p.is_dir()  # a FIFO or a link loop is found, to be refused by name
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    if with_conference_cases:
        found += _conference_cases(found)
    return list(dict.fromkeys(found))


def _conference_cases(paths: list[Path]) -> list[Path]:
    """The case files the conferences among `paths` list, which `paths` does not name."""
    conferences = [path for path in paths if is_conference_file(path)]
    if not conferences:
        return []
    given = {resolved(Path.cwd(), str(path)) for path in paths}
    more: list[Path] = []
    for path in conferences:
        import yaml

        try:
            listed = yaml.safe_load(read_checked(path, CASE)).get("cases") or []
        except (Refused, yaml.YAMLError, AttributeError):
            continue  # loading the conference will say what is wrong with it
        for name in listed if isinstance(listed, list) else ():
            if "\x00" in str(name):
                continue  # no file has that name: the conference says so at its line
            case = resolved(path.parent, str(name))
            if case not in given:
                given.add(case)
                more.append(case)
    return more
