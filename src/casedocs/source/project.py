"""A project's settings: `casedocs.toml`, found in the current folder or the nearest folder
above it (as ruff and pytest find theirs), so that a department stops typing `--paper a4
--template ... --language de` on every command. A command-line flag overrides the same
setting; paths are relative to the file.

    paper = "a4"
    template = "templates/department.pptx"
    language = "de"
    institution = "Department of Radiology, University Hospital"
    logo = "assets/logo.png"
    out = "build"
    jobs = 2

`SETTINGS` is the one description of what it may hold: the check below and the JSON Schema
(`casedocs schema --settings`) are both made from it. A mistake is refused as a case's are:
the file, the line, the key and what is wrong. No pydantic here: a build with nothing to do
reads this file too, and must stay quick."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from casedocs.errors import CaseError, Report, did_you_mean
from casedocs.source.named_files import (
    CASE,
    IMAGE,
    TEMPLATE,
    Limit,
    Refused,
    check_file,
    display_path,
    read_checked,
    resolved,
)
from casedocs.wording import LANGUAGES

FILE_NAME = "casedocs.toml"
PAPERS = ("letter", "a4")
STACK_MODES = ("video", "key")
MAX_JOBS = 256


@dataclass(frozen=True)
class Setting:
    key: str
    kind: Literal["choice", "file", "folder", "text", "count"]
    description: str
    example: object
    choices: tuple[str, ...] = ()
    limit: Limit | None = None  # of a file's size


SETTINGS = (
    Setting("paper", "choice", "Handout paper (--paper)", "a4", PAPERS),
    Setting("template", "file", "The department's PowerPoint template, .pptx or .potx, "
            "relative to this file (--template)", "templates/department.pptx", limit=TEMPLATE),
    Setting("language", "choice", "Language of headings, prompts and labels (--language; "
            "overrides the cases' language: keys)", "de", LANGUAGES),
    Setting("institution", "text", "The institution of every case that names none",
            "Department of Radiology, University Hospital"),
    Setting("logo", "file", "An image for the handout header and title slide of every case "
            "that names none, relative to this file", "assets/logo.png", limit=IMAGE),
    Setting("stacks", "choice", "How a deck shows a stack (a series): as a video, or its key "
            "slice only (--stacks)", "key", STACK_MODES),
    Setting("out", "folder", "The output folder, relative to this file (--out)", "build"),
    Setting("jobs", "count", "Processes to build with (--jobs; default: every core)", 2),
)


@dataclass(frozen=True)
class ProjectSettings:
    """What casedocs.toml set (None: not set); `file`, where it was found."""

    paper: str | None = None
    template: Path | None = None
    language: str | None = None
    institution: str | None = None
    logo: Path | None = None
    stacks: str | None = None
    out: Path | None = None
    jobs: int | None = None
    file: Path | None = None


def find_project(start: Path) -> Path | None:
    """casedocs.toml in `start` or the nearest folder above it."""
    for folder in (start, *start.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def project_settings(start: Path) -> ProjectSettings:
    """The settings of the project `start` is in (none set when there is no casedocs.toml)."""
    found = find_project(start)
    return load_project(found) if found else ProjectSettings()


def load_project(path: Path) -> ProjectSettings:
    """The settings `path` holds, or CaseError naming each mistake's line and key."""
    shown = display_path(path)
    text = _text(path, shown)
    import tomllib  # only where there is a casedocs.toml: most builds have none

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise CaseError([Report(shown, int(line[1]) if line else None, "",
                                f"not TOML: {reason}")]) from None
    known = {setting.key: setting for setting in SETTINGS}
    values: dict[str, Any] = {}
    reports = []
    for key, value in data.items():
        setting = known.get(key)
        if setting is None:
            listed = f" (settings: {', '.join(known)})"
            message = "unknown setting" + did_you_mean(key, known, listed)
        else:
            message, values[key] = _checked(setting, value, path.resolve().parent)
        if message:
            reports.append(Report(shown, _key_line(text, key), key, message))
    if reports:
        raise CaseError(sorted(reports, key=lambda report: report.line or 0))
    return ProjectSettings(**values, file=path)


def _text(path: Path, shown: str) -> str:
    try:
        return read_checked(path, CASE).decode("utf-8")
    except Refused as refused:
        raise CaseError([Report(shown, None, "", refused.reason)]) from None
    except UnicodeDecodeError:
        raise CaseError([Report(shown, None, "", "not UTF-8 text")]) from None


def _checked(setting: Setting, value: object, base: Path) -> tuple[str, object]:
    """What is wrong with `value` ('' when nothing), and the value as casedocs uses it."""
    if setting.kind == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            return "expected a whole number", None
        if not 1 <= value <= MAX_JOBS:
            return f"expected a number from 1 to {MAX_JOBS}", None
        return "", value
    if not isinstance(value, str) or not value.strip():
        return "expected text in quotes", None
    value = unicodedata.normalize("NFC", value.strip())
    if setting.kind == "choice" and value not in setting.choices:
        choices = ", ".join(setting.choices)
        close = value.lower() if value.lower() in setting.choices else value
        return f"'{value}' is not one of {choices}" + did_you_mean(close, setting.choices), None
    if setting.kind == "file":
        path = resolved(base, value)
        try:
            check_file(path, setting.limit or CASE)
        except Refused as refused:
            return refused.naming(value), None
        return "", path
    if setting.kind == "folder":
        return "", base / value
    return "", value


def _key_line(text: str, key: str) -> int | None:
    """The line a top-level key is written on."""
    pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def settings_schema() -> dict:
    """The JSON Schema of casedocs.toml (editors that read TOML with a schema offer its keys
    and say what each is)."""
    properties: dict[str, dict] = {}
    for setting in SETTINGS:
        described: dict[str, object] = {"description": setting.description,
                                        "examples": [setting.example]}
        if setting.kind == "choice":
            described |= {"type": "string", "enum": list(setting.choices)}
        elif setting.kind == "count":
            described |= {"type": "integer", "minimum": 1, "maximum": MAX_JOBS}
        else:
            described |= {"type": "string", "minLength": 1}
        properties[setting.key] = described
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": FILE_NAME,
        "description": "casedocs' settings for every build in this folder and below it",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
