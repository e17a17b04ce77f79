"""Finding TrueType fonts at run time (font files are never copied into the repository).

Order: the `CASEDOCS_FONT_DIR` folder, then fontconfig (`fc-list`, which finds DejaVu on
Debian-based machines), then the usual font folders, then a copy that an installed Python
package (matplotlib) happens to ship. The family defaults to DejaVu Sans, which covers Latin,
Greek and the symbols teaching cases use (β µ ≥ ± ° – —); `CASEDOCS_FONT` names another.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from casedocs.errors import UserError

if TYPE_CHECKING:  # fontconfig is asked only when its answers were not remembered
    import subprocess

DEFAULT_FAMILY = "DejaVu Sans"
DECK_FONT = "Calibri"  # what the deck names: installed wherever PowerPoint is
METRIC_TWINS = {"Calibri": "Carlito", "Arial": "Liberation Sans"}  # same widths, free files
STYLES = ("regular", "bold", "italic", "bold_italic")
_STYLE_NAMES = {
    "regular": "regular",
    "book": "regular",
    "roman": "regular",
    "normal": "regular",
    "bold": "bold",
    "italic": "italic",
    "oblique": "italic",
    "bold italic": "bold_italic",
    "bold oblique": "bold_italic",
}
_FILE_SUFFIXES = {
    "regular": ("", "-Regular", "-Book"),
    "bold": ("-Bold",),
    "italic": ("-Oblique", "-Italic"),
    "bold_italic": ("-BoldOblique", "-BoldItalic"),
}
_FONTCONFIG_ENVIRONMENT = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME")
_FONT_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)


class FontNotFound(UserError):
    """No file for the font family outputs need."""


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@cache
def find_family(family: str | None = None) -> FontFamily:
    """The four faces of `family`; a missing bold or italic face falls back to regular."""
    name = family or _family_name()
    faces = {style: _find_face(name, style) for style in STYLES}
    if faces["regular"] is None:
        raise FontNotFound(
            f"no TrueType file for the font family '{name}' was found. Install it "
            "(Debian/Ubuntu: apt-get install fonts-dejavu-core fonts-dejavu-extra), or set "
            "CASEDOCS_FONT_DIR to a folder that holds it, or CASEDOCS_FONT to another family."
        )
    regular = faces["regular"]
    return FontFamily(name, regular, *(faces[s] or regular for s in STYLES[1:]))


@cache
def covered_characters(path: Path) -> frozenset[int]:
    """Code points the TrueType file at `path` maps to a glyph, from its Unicode cmap
    (formats 4 and 12): read here, so that validating a case loads no PDF library."""
    data = path.read_bytes()
    tables = {
        data[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">I", data, 20 + 16 * i)[0]
        for i in range(struct.unpack_from(">H", data, 4)[0])
    }
    cmap = tables[b"cmap"]
    subtables = {}
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        if key in subtables:
            return frozenset(_cmap_characters(data, subtables[key]))
    return frozenset()


def _cmap_characters(data: bytes, start: int) -> set[int]:
    kind = struct.unpack_from(">H", data, start)[0]
    if kind == 12:
        groups = struct.unpack_from(">I", data, start + 12)[0]
        covered: set[int] = set()
        for i in range(groups):
            first, last, glyph = struct.unpack_from(">III", data, start + 16 + 12 * i)
            covered.update(range(first + (glyph == 0), last + 1))
        return covered
    if kind != 4:
        return set()
    segments = struct.unpack_from(">H", data, start + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, start + 14)
    starts = struct.unpack_from(f">{segments}H", data, start + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, start + 16 + 4 * segments)
    offsets_at = start + 16 + 6 * segments
    offsets = struct.unpack_from(f">{segments}H", data, offsets_at)
    covered = set()
    for i in range(segments):
        for char in range(starts[i], ends[i] + 1):
            if char == 0xFFFF:
                continue
            if offsets[i] == 0:
                glyph = (char + deltas[i]) & 0xFFFF
            else:
                at = offsets_at + 2 * i + offsets[i] + 2 * (char - starts[i])
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                covered.add(char)
    return covered


def missing_glyphs(text: str, family: FontFamily) -> list[str]:
    """Characters of `text` the family's regular face cannot draw (white space aside)."""
    covered = covered_characters(family.regular)
    return sorted({ch for ch in text if ord(ch) not in covered and not ch.isspace()})


def _family_name() -> str:
    return os.environ.get("CASEDOCS_FONT") or DEFAULT_FAMILY


@cache
def font_fingerprint() -> tuple[str, ...]:
    """The font files outputs are made with: when one changes, outputs are rendered again.
    Looked up once a process, like the family (every output's stamp asks)."""
    twin_name = _twin_name()
    if not os.environ.get("CASEDOCS_FONT_DIR"):  # else that folder is searched first
        _ask_fontconfig_about(_family_name(), twin_name)
    family = find_family()
    twin = find_face(twin_name)
    return tuple(
        str(path) for path in (family.regular, family.bold, family.italic, family.bold_italic, twin)
    )


def remember_fonts(remembered: Path) -> None:
    """Fontconfig's answers about the fingerprint's families, kept in `remembered` for as long
    as its configuration and font folders stay as they were (what fontconfig's own cache
    checks): asking it was a tenth of a build with nothing to do."""
    families = (_family_name(), _twin_name())
    if os.environ.get("CASEDOCS_FONT_DIR") or _recall_fontconfig(remembered, families):
        return
    _ask_fontconfig_about(*families)
    _remember_fontconfig(remembered, families)


def _twin_name() -> str:
    return METRIC_TWINS.get(DECK_FONT, DECK_FONT)


def _recall_fontconfig(remembered: Path, families: tuple[str, ...]) -> bool:
    """Whether fontconfig's answers about `families` were remembered, and still hold."""
    try:
        kept = json.loads(remembered.read_text(encoding="utf-8"))
        answers = {family: {str(style): str(file)
                            for style, file in kept["answers"][family].items()}
                   for family in families}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # spoilt: ask again
        return False
    if kept.get("state") != _fontconfig_state(answers):
        return False
    for family, faces in answers.items():
        _FONTCONFIG[family] = {style: Path(file) for style, file in faces.items()}
    return True


def _remember_fontconfig(remembered: Path, families: tuple[str, ...]) -> None:
    answers = {f: {style: str(file) for style, file in _FONTCONFIG[f].items()} for f in families}
    kept = json.dumps({"state": _fontconfig_state(answers), "answers": answers})
    temporary = remembered.with_name(f".{remembered.name}.{os.getpid()}")
    try:  # into a folder that is there: a build that fails leaves no folder behind
        temporary.write_text(kept, encoding="utf-8")
        os.replace(temporary, remembered)
    except OSError:  # not remembered: the next build asks fontconfig again
        temporary.unlink(missing_ok=True)


def _fontconfig_state(answers: dict[str, dict[str, str]]) -> str:
    """What fontconfig's answers depend on: the environment it reads, its configuration files,
    and the time of change of every font folder (a font added or removed changes its folder's),
    the folders of the faces it named among them."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or "~/.config").expanduser() / "fontconfig"
    folders = [Path(f).expanduser() for f in _FONT_FOLDERS]
    folders += [Path(file).parent for faces in answers.values() for file in faces.values()]
    seen = [os.environ.get(name, "") for name in _FONTCONFIG_ENVIRONMENT]
    for top in (Path("/etc/fonts"), config, *folders):
        for folder, subfolders, names in os.walk(top):
            subfolders.sort()
            seen += [f"{folder}:{_changed(folder)}"]  # 0 for one gone meanwhile
            if top in (Path("/etc/fonts"), config):  # a setting edited changes only its file
                seen += [f"{n}:{_changed(os.path.join(folder, n))}" for n in sorted(names)]
    return hashlib.sha256("\n".join(seen).encode()).hexdigest()


def _changed(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:  # a dangling link
        return 0


def find_face(family: str, style: str = "regular") -> Path | None:
    """One face of one family, or None: for measuring text in a font we do not embed."""
    return _find_face(family, style)


def _find_face(family: str, style: str) -> Path | None:
    folder = os.environ.get("CASEDOCS_FONT_DIR")
    return (
        (_search_folder(Path(folder), family, style) if folder else None)
        or _ask_fontconfig(family, style)
        or next(
            (
                found
                for f in _FONT_FOLDERS
                if (found := _search_folder(Path(f).expanduser(), family, style))
            ),
            None,
        )
        or _from_python_package(family, style)
    )


def _ask_fontconfig(family: str, style: str) -> Path | None:
    _ask_fontconfig_about(family)
    return _FONTCONFIG[family].get(style)


_FONTCONFIG: dict[str, dict[str, Path]] = {}  # family -> the plain faces fontconfig knows


def _ask_fontconfig_about(*families: str) -> None:
    """One `fc-list` call for each family not asked about yet, all running at once."""
    families = tuple(f for f in dict.fromkeys(families) if f not in _FONTCONFIG)
    if not families:
        return
    if shutil.which("fc-list") is None:
        _FONTCONFIG.update((family, {}) for family in families)
        return
    calls = {family: _start_fc_list(family) for family in families}
    for family, call in calls.items():
        _FONTCONFIG[family] = _plain_faces(family, call.communicate()[0]) if call else {}


def _start_fc_list(family: str) -> subprocess.Popen | None:
    import subprocess

    try:
        return subprocess.Popen(
            ["fc-list", "-f", "%{file}|%{family}|%{style}\n", f":family={family}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except OSError:  # it could not start: as if fontconfig were not there
        return None


def _plain_faces(family: str, listing: str) -> dict[str, Path]:
    """The family's own plain faces in an `fc-list` listing: not "Condensed Bold",
    "ExtraLight" or a TTC file."""
    faces: dict[str, Path] = {}
    for line in sorted(listing.splitlines()):
        file, families, styles = (line.split("|") + ["", ""])[:3]
        primary_style = styles.split(",")[0].strip().lower()
        style = _STYLE_NAMES.get(primary_style)
        if (
            style
            and families.split(",")[0].strip().lower() == family.lower()
            and file.lower().endswith(".ttf")
        ):
            faces.setdefault(style, Path(file))
    return faces


def _search_folder(folder: Path, family: str, style: str) -> Path | None:
    if not folder.is_dir():
        return None
    stem = family.replace(" ", "")
    for suffix in _FILE_SUFFIXES[style]:
        found = next(iter(sorted(folder.rglob(f"{stem}{suffix}.ttf"))), None)
        if found:
            return found
    return None


def _from_python_package(family: str, style: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("matplotlib") if "matplotlib" not in sys.modules else None
    origin = spec.origin if spec else getattr(sys.modules.get("matplotlib"), "__file__", None)
    if not origin:
        return None
    return _search_folder(Path(origin).parent / "mpl-data" / "fonts" / "ttf", family, style)
