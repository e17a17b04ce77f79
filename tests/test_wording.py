"""Wording is data (issue 9): one table per language, checked when casedocs starts; German
headings, prompts and labels with `language: de` or `--language de`."""

from __future__ import annotations

import contextlib
import io
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from casedocs.cli import main
from casedocs.wording import ENGLISH, GERMAN, LOCALES, LocaleError, check_locales, words
from conftest import REPO, write_case_file

SEED = REPO / "content" / "is-case-4.yaml"


def build(*args: str | Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", *map(str, args)]) == 0
    return out.getvalue()


def slide_titles(path: Path) -> list[str]:
    """Every text box's whole text, slide by slide (titles among them)."""
    return [shape.text_frame.text for slide in Presentation(path).slides
            for shape in slide.shapes if shape.has_text_frame]


def all_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_every_locale_has_every_key_with_the_same_fields() -> None:
    check_locales(LOCALES)
    assert set(GERMAN) == set(ENGLISH)


@pytest.mark.parametrize("change, message", [
    (lambda table: table.pop("findings"), "missing ['findings']"),
    (lambda table: table.update(extra="x"), "unknown ['extra']"),
    (lambda table: table.update(page="Seite {number}"), "'page' has fields ['number']"),
    (lambda table: table.update(months="Jan Feb"), "twelve months"),
])
def test_a_broken_locale_is_an_error_at_start_up(change, message: str) -> None:
    table = dict(GERMAN)
    change(table)
    with pytest.raises(LocaleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_locales({"de": table})


def test_labels_and_dates_in_each_language() -> None:
    en, de = words("en"), words("de")
    assert en.figures([2, 3]) == "Figs.\u00a02 and\u00a03"
    assert de.figures([2, 3]) == "Abb.\u00a02 und\u00a03"
    assert en.figures([1, 2, 3]) == "Figs.\u00a01\u20133"
    assert de.figures([1, 3, 5]) == "Abb.\u00a01, 3 und\u00a05"
    assert en.long_date(date(2009, 5, 18)) == "May 18, 2009"
    assert de.long_date(date(2009, 3, 8)) == "8. März 2009"
    assert de("continued", title="Befunde") == "Befunde (Forts.)"


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("de")
    build(SEED, "--out", out, "--language", "de")
    return out


def test_the_seed_deck_in_german(german: Path) -> None:
    titles = slide_titles(german / "slides" / "is-case-4.pptx")
    # Findings slides are titled by their study ("Axial CT of the chest: Befunde"); the
    # discussion's slide shows the teaching points ("Merksätze").
    for heading in ("Anamnese", "Ihre Beurteilung", "Differentialdiagnose", "Diagnose",
                    "Merksätze", "Procedere", "Literatur"):
        assert heading in titles, titles
    assert any(title.endswith(": Befunde") for title in titles), titles
    assert not {"History", "Findings", "Discussion", "References"} & set(titles)
    text = " ".join(shape.text_frame.text
                    for slide in Presentation(german / "slides" / "is-case-4.pptx").slides
                    for shape in slide.shapes if shape.has_text_frame)
    assert "Welche Differentialdiagnosen kommen in Frage?" in text
    assert "Abb.\u00a02 und\u00a03" in text  # the case's own figure references, in German


def test_the_seed_handout_and_worksheet_in_german(german: Path) -> None:
    handout = all_text(german / "handouts" / "is-case-4.pdf")
    assert "Differentialdiagnose" in handout and "Seite 1 von" in handout
    assert "Veröffentlicht am 18. Mai 2009" in handout
    worksheet = all_text(german / "handouts" / "is-case-4-unknown.pdf")
    assert "Arbeitsblatt zum unbekannten Fall" in worksheet
    assert "Wahrscheinlichste Diagnose" in worksheet


def _languages_in(deck: Path) -> set[str]:
    """Every lang="..." of every XML part of a deck."""
    import re
    import zipfile

    with zipfile.ZipFile(deck) as package:
        return {tag for name in package.namelist() if name.endswith(".xml")
                for tag in re.findall(r'\slang="([^"]*)"', package.read(name).decode())}


@pytest.mark.parametrize("language, tag", [("de", "de-DE"), ("en", "en-US")])
def test_the_files_say_their_language(tmp_path: Path, language: str, tag: str) -> None:
    """Issue 20: the PDF's /Lang, every run and text default of the deck (so PowerPoint
    checks German spelling as German) and its properties, and the page's <html lang>."""
    out = tmp_path / "out"
    build(SEED, "--out", out, "--language", language)
    for name in ("is-case-4.pdf", "is-case-4-unknown.pdf"):
        assert PdfReader(out / "handouts" / name).trailer["/Root"]["/Lang"] == language
    for name in ("is-case-4.pptx", "is-case-4-unknown.pptx"):
        assert _languages_in(out / "slides" / name) == {tag}
        assert Presentation(out / "slides" / name).core_properties.language == tag
    site = tmp_path / "site"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["site", str(SEED), "--out", str(site), "--language", language]) == 0
    page = (site / "pages" / "is-case-4.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page


def test_a_case_may_choose_its_language(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (("id: case-17", "id: case-17\nlanguage: de"),
                                      ("series: Chest Case\n", "")))
    build(case, "--out", tmp_path / "out", "--only", "slides")
    titles = slide_titles(tmp_path / "out" / "slides" / "case-17.pptx")
    assert "Fall 17" in titles and "Anamnese" in titles


def test_changing_the_language_renders_again(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    first = build(case, "--out", tmp_path / "out", "--only", "handout")
    again = build(case, "--out", tmp_path / "out", "--only", "handout", "--language", "de")
    assert first.count("wrote ") == 2 and again.count("wrote ") == 2


def test_an_unknown_language_is_refused(write_case) -> None:
    err = io.StringIO()
    case = write_case(replace=(("id: case-17", "id: case-17\nlanguage: fr"),))
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["validate", str(case)]) == 1
    assert "case.yaml:2: language:" in err.getvalue()
    assert "'en'" in err.getvalue() and "'de'" in err.getvalue()


def test_every_language_has_an_office_language_tag() -> None:
    from casedocs.wording import OFFICE_LANGUAGE_TAGS

    assert set(OFFICE_LANGUAGE_TAGS) == set(LOCALES)
    assert all(tag.split("-")[0] == code for code, tag in OFFICE_LANGUAGE_TAGS.items())
