"""Finding the font files outputs are made with."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from casedocs import fonts

LISTING = "\n".join([
    "/f/DejaVuSans-Bold.ttf|DejaVu Sans|Bold",
    "/f/DejaVuSans.ttf|DejaVu Sans|Book",
    "/f/DejaVuSans-ExtraLight.ttf|DejaVu Sans,DejaVu Sans Light|ExtraLight",
    "/f/DejaVuSansCondensed-Bold.ttf|DejaVu Sans,DejaVu Sans Condensed|Bold,Condensed Bold",
    "/f/DejaVuSans-Oblique.ttf|DejaVu Sans|Oblique",
    "/f/DejaVuSans-BoldOblique.ttf|DejaVu Sans|Bold Oblique",
    "/f/DejaVuSansMono.ttf|DejaVu Sans Mono|Book",
    "/f/Collection.ttc|DejaVu Sans|Regular",
])


def test_a_listing_gives_the_familys_own_plain_faces() -> None:
    faces = fonts._plain_faces("DejaVu Sans", LISTING)
    assert faces == {
        "regular": Path("/f/DejaVuSans.ttf"),
        "bold": Path("/f/DejaVuSans-Bold.ttf"),
        "italic": Path("/f/DejaVuSans-Oblique.ttf"),
        "bold_italic": Path("/f/DejaVuSans-BoldOblique.ttf"),
    }
    assert fonts._plain_faces("Carlito", LISTING) == {}


def test_fontconfig_is_asked_about_each_family_once_with_the_calls_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[str] = []
    waited: list[str] = []

    class FakeCall:
        def __init__(self, command: list[str], **_: object):
            self.family = command[-1].removeprefix(":family=")
            started.append(self.family)

        def communicate(self) -> tuple[str, str]:
            waited.append(self.family)
            assert len(started) == 2  # both run before either is waited for
            return LISTING.replace("DejaVu Sans", self.family), ""

    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    monkeypatch.setattr(fonts.shutil, "which", lambda _: "/usr/bin/fc-list")
    monkeypatch.setattr(subprocess, "Popen", FakeCall)
    fonts._ask_fontconfig_about("Alpha Sans", "Beta Sans", "Alpha Sans")
    fonts._ask_fontconfig_about("Beta Sans")
    assert started == waited == ["Alpha Sans", "Beta Sans"]
    assert fonts._ask_fontconfig("Beta Sans", "bold") == Path("/f/DejaVuSans-Bold.ttf")


def _fontconfig_asked(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """Fontconfig as a stand-in that lists faces in `folder`; the families it was asked about."""
    asked: list[str] = []

    class FakeCall:
        def __init__(self, command: list[str], **_: object):
            self.family = command[-1].removeprefix(":family=")
            asked.append(self.family)

        def communicate(self) -> tuple[str, str]:
            return LISTING.replace("/f/", f"{folder}/").replace("DejaVu Sans", self.family), ""

    monkeypatch.delenv("CASEDOCS_FONT_DIR", raising=False)
    monkeypatch.delenv("CASEDOCS_FONT", raising=False)
    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    monkeypatch.setattr(fonts, "_FONT_FOLDERS", (str(folder),))
    monkeypatch.setattr(fonts.shutil, "which", lambda _: "/usr/bin/fc-list")
    monkeypatch.setattr(subprocess, "Popen", FakeCall)
    return asked


def test_fontconfigs_answers_are_remembered_while_the_font_folders_stay_as_they_were(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    remembered = tmp_path / "cache" / "fonts.json"
    asked = _fontconfig_asked(monkeypatch, folder)
    fonts.remember_fonts(remembered)  # no cache folder yet (no build yet): none is made
    assert not remembered.parent.exists()
    remembered.parent.mkdir()
    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    fonts.remember_fonts(remembered)
    assert asked == ["DejaVu Sans", "Carlito"] * 2
    answers = dict(fonts._FONTCONFIG)

    monkeypatch.setattr(fonts, "_FONTCONFIG", {})  # a new process
    fonts.remember_fonts(remembered)
    assert asked == ["DejaVu Sans", "Carlito"] * 2  # not asked again
    assert answers == fonts._FONTCONFIG
    assert fonts._ask_fontconfig("Carlito", "bold") == folder / "DejaVuSans-Bold.ttf"
    assert asked == ["DejaVu Sans", "Carlito"] * 2

    (folder / "NewFace.ttf").write_bytes(b"")  # a font installed: the folder changed
    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    fonts.remember_fonts(remembered)
    assert asked == ["DejaVu Sans", "Carlito"] * 3


def test_a_spoilt_memory_of_fontconfig_is_asked_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    remembered = tmp_path / "fonts.json"
    remembered.write_text('{"state": "x", "answers": [', encoding="utf-8")
    asked = _fontconfig_asked(monkeypatch, tmp_path)
    fonts.remember_fonts(remembered)
    assert asked == ["DejaVu Sans", "Carlito"]
    remembered.write_text('{"state": "x", "answers": {"DejaVu Sans": [1], "Carlito": 2}}',
                          encoding="utf-8")
    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    fonts.remember_fonts(remembered)  # JSON, but not what was written: asked again
    assert asked == ["DejaVu Sans", "Carlito"] * 2
    assert json.loads(remembered.read_text(encoding="utf-8"))["answers"]["Carlito"]["regular"]


def test_without_fontconfig_the_usual_folders_are_searched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    monkeypatch.setattr(fonts.shutil, "which", lambda _: None)
    monkeypatch.setattr(fonts, "_FONT_FOLDERS", (str(tmp_path),))
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "Carlito-Bold.ttf").write_bytes(b"")
    assert fonts.find_face("Carlito", "bold") == tmp_path / "deep" / "Carlito-Bold.ttf"
    assert fonts.find_face("Carlito", "italic") is None


def test_the_font_folder_setting_comes_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    monkeypatch.setenv("CASEDOCS_FONT_DIR", str(tmp_path))
    assert fonts.find_face("DejaVu Sans") == tmp_path / "DejaVuSans.ttf"


def test_the_fingerprint_names_the_four_faces_and_the_decks_metric_twin() -> None:
    fingerprint = fonts.font_fingerprint()
    family = fonts.find_family()
    assert fingerprint[:4] == tuple(
        str(p) for p in (family.regular, family.bold, family.italic, family.bold_italic)
    )
    assert all(Path(p).is_file() for p in fingerprint[:4])
    assert len(fingerprint) == 5


def test_a_missing_family_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_FONT_FOLDERS", ())
    monkeypatch.setattr(fonts, "_from_python_package", lambda *_: None)
    with pytest.raises(fonts.FontNotFound, match="No Such Family"):
        fonts.find_family.__wrapped__("No Such Family")


def test_an_fc_list_that_cannot_start_counts_as_no_fontconfig(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def cannot_start(*_: object, **__: object) -> None:
        raise PermissionError("fc-list")

    monkeypatch.setattr(fonts, "_FONTCONFIG", {})
    monkeypatch.setattr(fonts.shutil, "which", lambda _: "/usr/bin/fc-list")
    monkeypatch.setattr(subprocess, "Popen", cannot_start)
    fonts._ask_fontconfig_about("Alpha Sans", "Beta Sans")
    assert fonts._FONTCONFIG == {"Alpha Sans": {}, "Beta Sans": {}}
