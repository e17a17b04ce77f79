"""The build check that keeps answers out of the -unknown outputs.

Spec (issue 5, "Pre-conference unknowns"): a build check reads back the finished temporary
files (every XML part of the PPTX; the PDF's text, properties, outline and links) before they
are moved into place, matches the normalised answer fields (ignoring any string that also
occurs in the history or the neutral label, so a differential item named in the history does
not block the build), and fails with the leaking field's name, so a leak cannot ship.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

import casedocs.build.atomic
import casedocs.render.deck.plan
import casedocs.render.deck.writer
import casedocs.render.handout.pdf
import casedocs.wording
from casedocs.build.readback import fields_found, unknown_part_key
from casedocs.cli import main
from casedocs.document.answers import AnswerKey
from casedocs.load import load_document
from casedocs.render.registry import output_named
from conftest import MINIMAL_CASE, write_case_file

TITLE = "Pulmonary sequestration"
DIAGNOSIS = "Intralobar pulmonary sequestration"
CAPTION = "CT angiogram showing a systemic feeding artery from the aorta."


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def leaks_in_pptx(data: bytes, key: AnswerKey, parts: set[str] | None = None) -> list[str]:
    """Answer fields in a deck: all of it, or only `parts` (a full deck's unknown slides)."""
    return _fields(fields_found(output_named("slides"), data,
                                frozenset(parts) if parts else None, key))


def leaks_in_pdf(data: bytes, key: AnswerKey) -> list[str]:
    return _fields(fields_found(output_named("handout"), data, None, key))


def _fields(found: list[str]) -> list[str]:
    """The answer fields of "the diagnosis ('words') on slide 3" lines."""
    return [re.match(r"the (.+?) \('", line)[1] for line in found]


def squashed(text: str) -> str:
    """Casefolded words separated by single spaces: text as the eye compares it."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def rewrite_part(data: bytes, name: str, edit: Callable[[str], str]) -> bytes:
    """The package with one part's XML edited (or added, when it is not there)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == name:
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(entry, content)
        if name not in source.namelist():
            target.writestr(name, edit("").encode("utf-8"))
    return output.getvalue()


def part_with(data: bytes, text: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            if name.startswith("ppt/slides/slide") and text in package.read(name).decode():
                return name
    raise AssertionError(f"no slide says {text!r}")


def outputs(out: Path) -> dict[str, bytes]:
    """Every file in the output folders but the cache."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts}


def temporaries(out: Path) -> list[str]:
    return [p.name for folder in ("slides", "handouts") if (out / folder).is_dir()
            for p in (out / folder).iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal case built once: its four outputs."""
    case = write_case_file(tmp_path_factory.mktemp("leaks"))
    code, _, err = run("build", case, "--out", case.parent / "out")
    assert code == 0, err
    return case


@pytest.fixture(scope="module")
def key(built: Path) -> AnswerKey:
    return unknown_part_key([load_document(built).document])


@pytest.fixture(scope="module")
def unknown_deck(built: Path) -> bytes:
    return (built.parent / "out" / "slides" / "case-17-unknown.pptx").read_bytes()


@pytest.fixture(scope="module")
def worksheet(built: Path) -> bytes:
    return (built.parent / "out" / "handouts" / "case-17-unknown.pdf").read_bytes()


# -- leaks_in_pptx -----------------------------------------------------------------------------


def test_a_clean_unknown_deck_has_no_leaks(unknown_deck: bytes, key: AnswerKey) -> None:
    assert leaks_in_pptx(unknown_deck, key) == []


def test_a_title_planted_in_slide_text_is_found(unknown_deck: bytes, key: AnswerKey) -> None:
    slide = part_with(unknown_deck, "History")
    planted = rewrite_part(unknown_deck, slide, lambda xml: xml.replace(">History<", f">{TITLE}<"))
    assert "title" in leaks_in_pptx(planted, key)


def test_a_diagnosis_split_across_runs_and_cased_differently_is_found(
        unknown_deck: bytes, key: AnswerKey) -> None:
    slide = part_with(unknown_deck, "History")
    split = "INTRALOBAR </a:t></a:r><a:r><a:t>Pulmonary-Sequestration"
    planted = rewrite_part(unknown_deck, slide, lambda xml: xml.replace(">History<", f">{split}<"))
    assert "diagnosis" in leaks_in_pptx(planted, key)


def test_a_diagnosis_in_the_notes_is_found(unknown_deck: bytes, key: AnswerKey) -> None:
    with zipfile.ZipFile(io.BytesIO(unknown_deck)) as package:
        notes = sorted(n for n in package.namelist() if n.startswith("ppt/notesSlides/notesSlide"))
    planted = rewrite_part(unknown_deck, notes[0],
                           lambda xml: re.sub(r"<a:t>[^<]*</a:t>", f"<a:t>{DIAGNOSIS}</a:t>",
                                              xml, count=1))
    assert "diagnosis" in leaks_in_pptx(planted, key)


def test_a_diagnosis_in_the_document_properties_is_found(unknown_deck: bytes,
                                                         key: AnswerKey) -> None:
    planted = rewrite_part(unknown_deck, "docProps/core.xml",
                           lambda xml: xml.replace("</cp:coreProperties>",
                                                   f"<dc:description>{DIAGNOSIS}</dc:description>"
                                                   "</cp:coreProperties>"))
    assert "diagnosis" in leaks_in_pptx(planted, key)
    app = rewrite_part(unknown_deck, "docProps/app.xml",
                       lambda xml: xml.replace("</Properties>",
                                               f"<Company>{TITLE}</Company></Properties>"))
    assert "title" in leaks_in_pptx(app, key)


def test_a_title_in_a_part_name_is_found(unknown_deck: bytes, key: AnswerKey) -> None:
    planted = rewrite_part(unknown_deck, "ppt/media/pulmonary-sequestration.png", lambda _: "x")
    assert "title" in leaks_in_pptx(planted, key)


def test_a_diagnosis_in_alt_text_is_found(unknown_deck: bytes, key: AnswerKey) -> None:
    """Alt text is an attribute (descr="..."): the check must read attributes too."""
    slide = part_with(unknown_deck, 'descr="Frontal chest radiograph."')
    planted = rewrite_part(unknown_deck, slide, lambda xml: xml.replace(
        'descr="Frontal chest radiograph."', f'descr="{DIAGNOSIS}"'))
    assert "diagnosis" in leaks_in_pptx(planted, key)


def test_a_caption_in_a_hyperlink_target_is_found(unknown_deck: bytes, key: AnswerKey) -> None:
    """Link targets live in .rels attributes."""
    slide = part_with(unknown_deck, "History")
    rels = slide.replace("slides/", "slides/_rels/") + ".rels"
    target = "https://example.org/ct-angiogram-showing-a-systemic-feeding-artery-from-the-aorta"
    planted = rewrite_part(unknown_deck, rels, lambda xml: xml.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/hyperlink" Target="{target}" TargetMode="External"/></Relationships>'))
    assert "figures[cta].caption" in leaks_in_pptx(planted, key)


def test_only_the_given_parts_are_searched_in_a_full_deck(built: Path, key: AnswerKey) -> None:
    full = (built.parent / "out" / "slides" / "case-17.pptx").read_bytes()
    history = part_with(full, "History")
    diagnosis = part_with(full, DIAGNOSIS)
    assert leaks_in_pptx(full, key, {history, "docProps/core.xml"}) == []
    assert "diagnosis" in leaks_in_pptx(full, key, {diagnosis})
    planted = rewrite_part(full, history, lambda xml: xml.replace(">History<", f">{DIAGNOSIS}<"))
    assert "diagnosis" in leaks_in_pptx(planted, key, {history})


# -- leaks_in_pdf ------------------------------------------------------------------------------


def pdf(draw: Callable[[Canvas], None]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 700, "History: a 19-year-old with recurrent pneumonia.")
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_clean_worksheet_has_no_leaks(worksheet: bytes, key: AnswerKey) -> None:
    assert leaks_in_pdf(worksheet, key) == []
    assert leaks_in_pdf(pdf(lambda canvas: None), key) == []


def test_a_diagnosis_in_pdf_text_is_found(key: AnswerKey) -> None:
    assert "diagnosis" in leaks_in_pdf(pdf(lambda c: c.drawString(72, 600, DIAGNOSIS)), key)


def test_a_title_in_pdf_properties_is_found(key: AnswerKey, worksheet: bytes) -> None:
    assert "title" in leaks_in_pdf(pdf(lambda c: c.setTitle(TITLE)), key)
    assert "title" in leaks_in_pdf(pdf(lambda c: c.setSubject(f"About {TITLE}")), key)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(worksheet)))
    writer.add_metadata({"/Keywords": DIAGNOSIS})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "diagnosis" in leaks_in_pdf(buffer.getvalue(), key)


def test_a_diagnosis_in_the_pdf_outline_is_found(key: AnswerKey) -> None:
    def outline(canvas: Canvas) -> None:
        canvas.bookmarkPage("p1")
        canvas.addOutlineEntry(DIAGNOSIS, "p1", level=0)

    assert "diagnosis" in leaks_in_pdf(pdf(outline), key)


def test_a_caption_in_a_pdf_link_is_found(key: AnswerKey) -> None:
    url = "https://example.org/ct-angiogram-showing-a-systemic-feeding-artery-from-the-aorta"
    found = leaks_in_pdf(pdf(lambda c: c.linkURL(url, (72, 500, 200, 520))), key)
    assert "figures[cta].caption" in found


# -- the check runs on every build, on the finished files --------------------------------------


@pytest.fixture
def case(tmp_path: Path) -> Path:
    return write_case_file(tmp_path)


def leaky_properties(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deck writer names the diagnosis in the unknown deck's core.xml."""
    original = casedocs.render.deck.writer._set_properties

    def set_properties(presentation, properties, timestamp) -> None:  # noqa: ANN001
        original(presentation, properties, timestamp)
        if properties.identifier.endswith("-unknown"):
            presentation.core_properties.subject = DIAGNOSIS

    monkeypatch.setattr(casedocs.render.deck.writer, "_set_properties", set_properties)


def test_a_leak_into_the_unknown_deck_fails_the_build(
        case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leaky_properties(monkeypatch)
    out = case.parent / "out"
    code, stdout, err = run("build", case, "--out", out)
    assert code == 1
    assert "diagnosis" in err
    assert "case-17-unknown.pptx" in err
    assert "wrote" not in stdout
    assert outputs(out) == {}  # all or nothing: not even the clean files
    assert temporaries(out) == []


def says_the_answer(monkeypatch: pytest.MonkeyPatch, key: str, text: str) -> None:
    """A renderer that puts `text` where the wording `key` belongs (the wording tables, which
    are public, stay as they are)."""
    original = casedocs.wording.Words.__call__

    def call(self, wanted: str, **fields: object) -> str:  # noqa: ANN001
        return text if wanted == key else original(self, wanted, **fields)

    monkeypatch.setattr(casedocs.wording.Words, "__call__", call)


def test_a_leak_into_an_unknown_slide_fails_the_build(
        case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    says_the_answer(monkeypatch, "prompt_diagnosis", f"Is it {DIAGNOSIS}?")
    out = case.parent / "out"
    code, _, err = run("build", case, "--out", out, "--only", "slides")
    assert code == 1
    assert "diagnosis" in err
    assert outputs(out) == {}
    assert temporaries(out) == []


def test_a_leak_into_the_worksheet_fails_the_build(
        case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    says_the_answer(monkeypatch, "worksheet_findings", DIAGNOSIS)
    out = case.parent / "out"
    code, _, err = run("build", case, "--out", out, "--only", "handout")
    assert code == 1
    assert "diagnosis" in err
    assert "case-17-unknown.pdf" in err
    assert outputs(out) == {}
    assert temporaries(out) == []


def plant_in_written_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """What reaches the disk differs from what was rendered: only a check that reads the
    finished temporary file back sees the leak."""
    original = casedocs.build.atomic._write_temporary

    def write_temporary(path: Path, data: bytes, made: list[Path], suffix: str = ".tmp") -> Path:
        if suffix == ".tmp" and path.name.endswith("-unknown.pptx"):
            data = rewrite_part(data, "docProps/core.xml", lambda xml: xml.replace(
                "</cp:coreProperties>",
                f"<dc:description>{DIAGNOSIS}</dc:description></cp:coreProperties>"))
        elif suffix == ".tmp" and path.name.endswith("-unknown.pdf"):
            writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
            writer.add_metadata({"/Subject": DIAGNOSIS})
            buffer = io.BytesIO()
            writer.write(buffer)
            data = buffer.getvalue()
        return original(path, data, made, suffix)

    monkeypatch.setattr(casedocs.build.atomic, "_write_temporary", write_temporary)


@pytest.mark.parametrize("only, name", [("slides", "case-17-unknown.pptx"),
                                        ("handout", "case-17-unknown.pdf")])
def test_the_check_reads_the_finished_temporary_file(
        case: Path, monkeypatch: pytest.MonkeyPatch, only: str, name: str) -> None:
    plant_in_written_files(monkeypatch)
    out = case.parent / "out"
    code, _, err = run("build", case, "--out", out, "--only", only)
    assert code == 1, "the leak in the written file was not seen"
    assert "diagnosis" in err and name in err
    assert outputs(out) == {}
    assert temporaries(out) == []


def test_a_failed_check_leaves_earlier_outputs_unchanged(
        case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = case.parent / "out"
    code, _, err = run("build", case, "--out", out)
    assert code == 0, err
    before = outputs(out)
    assert len(before) == 4
    case.write_text(case.read_text().replace("recurrent left lower lobe", "recurrent left basal"))
    with monkeypatch.context() as patch:
        leaky_properties(patch)
        code, stdout, err = run("build", case, "--out", out)
    assert code == 1
    assert "diagnosis" in err
    assert outputs(out) == before
    assert temporaries(out) == []
    # Nothing recorded the failed build as done: the next clean build writes everything.
    code, stdout, err = run("build", case, "--out", out)
    assert code == 0, err
    assert stdout.count("wrote ") == 4
    after = outputs(out)
    assert all(after[name] != before[name] for name in before)


def test_a_differential_item_named_in_the_history_does_not_block_the_build(
        tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (
        ("history: A 19-year-old with recurrent left lower lobe pneumonia.",
         "history: A 19-year-old with recurrent left lower lobe pneumonia; a bronchogenic cyst "
         "was suspected on an outside radiograph."),
        ("  - Pneumonia\n", "  - Pneumonia\n  - Bronchogenic cyst\n"),
    ))
    code, _, err = run("build", case, "--out", tmp_path / "out")
    assert code == 0, err
    deck = (tmp_path / "out" / "slides" / "case-17-unknown.pptx").read_bytes()
    assert "bronchogenic cyst" in " ".join(
        zipfile.ZipFile(io.BytesIO(deck)).read(part_with(deck, "History")).decode().split())


def test_alt_text_that_repeats_a_caption_cannot_ship_in_the_unknown_deck(tmp_path: Path) -> None:
    """The alt text shows on the unknown slides. One that repeats the caption (an answer) must
    either be refused or be kept out: the unknown deck may never carry the caption."""
    case = write_case_file(tmp_path, (("    alt: Axial CT angiogram.\n", f"    alt: {CAPTION}\n"),))
    out = tmp_path / "out"
    code, _, err = run("build", case, "--out", out, "--only", "slides")
    deck = out / "slides" / "case-17-unknown.pptx"
    if code == 0:
        with zipfile.ZipFile(deck) as package:
            parts = " ".join(squashed(package.read(n).decode("utf-8", "replace"))
                             for n in package.namelist() if n.endswith((".xml", ".rels")))
        assert squashed(CAPTION) not in parts, "the caption shipped in the unknown deck"
    else:
        assert code == 1 and ("caption" in err or "alt" in err), err
        assert not deck.exists()


def test_a_history_link_naming_the_diagnosis_cannot_ship_in_the_unknown_deck(
        tmp_path: Path) -> None:
    """The link's text is history; its target (a .rels attribute) names the diagnosis."""
    url = "https://example.org/cases/intralobar-pulmonary-sequestration"
    case = write_case_file(tmp_path, ((
        "history: A 19-year-old with recurrent left lower lobe pneumonia.",
        f"history: A 19-year-old with recurrent left lower lobe pneumonia ([report]({url}))."),))
    out = tmp_path / "out"
    code, _, err = run("build", case, "--out", out, "--only", "slides")
    deck = out / "slides" / "case-17-unknown.pptx"
    if code == 0:
        with zipfile.ZipFile(deck) as package:
            parts = " ".join(squashed(package.read(n).decode("utf-8", "replace"))
                             for n in package.namelist() if n.endswith((".xml", ".rels")))
        assert squashed(DIAGNOSIS) not in parts, "the diagnosis shipped in a link target"
    else:
        assert code == 1 and "diagnosis" in err, err
        assert not deck.exists()


def test_the_worksheet_check_sees_a_history_link_naming_the_diagnosis(tmp_path: Path) -> None:
    url = "https://example.org/cases/intralobar-pulmonary-sequestration"
    case = write_case_file(tmp_path, ((
        "history: A 19-year-old with recurrent left lower lobe pneumonia.",
        f"history: A 19-year-old with recurrent left lower lobe pneumonia ([report]({url}))."),))
    code, _, err = run("build", case, "--out", tmp_path / "out", "--only", "handout")
    assert code == 1
    assert "diagnosis" in err and "case-17-unknown.pdf" in err


def test_a_conference_case_may_name_another_cases_differential_in_its_history(
        tmp_path: Path) -> None:
    """A string the unknowns show as history is not an answer, whichever case's history it is:
    case 2's history names an item of case 1's differential ("bronchogenic cyst"), as a
    case's own history may name its own differential items."""
    first = write_case_file(tmp_path / "a", (
        ("  - Pneumonia\n", "  - Pneumonia\n  - Bronchogenic cyst\n"),))
    second = write_case_file(tmp_path / "b", (
        ("id: case-17", "id: case-18"), ("number: 17", "number: 18"),
        ("history: A 19-year-old with recurrent left lower lobe pneumonia.",
         "history: A 40-year-old with a known bronchogenic cyst and new pneumonia."),
    ))
    assert first.is_file() and second.is_file()
    conference = tmp_path / "conference.yaml"
    conference.write_text("id: chest-day\ntitle: Chest conference\n"
                          "cases: [a/case.yaml, b/case.yaml]\n", encoding="utf-8")
    code, _, err = run("build", conference, "--out", tmp_path / "out")
    assert code == 0, err


def test_the_check_also_guards_a_conference(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_case_file(tmp_path / "a")
    conference = tmp_path / "conference.yaml"
    conference.write_text("id: chest-day\ntitle: Chest conference\ncases: [a/case.yaml]\n",
                          encoding="utf-8")
    leaky_properties(monkeypatch)
    code, _, err = run("build", conference, "--out", tmp_path / "out")
    assert code == 1
    assert "diagnosis" in err and "chest-day-unknown.pptx" in err
    assert outputs(tmp_path / "out") == {}


def test_minimal_case_fixture_is_what_these_tests_assume() -> None:
    assert f"diagnosis: {DIAGNOSIS}" in MINIMAL_CASE
    assert f"title: {TITLE}" in MINIMAL_CASE
    assert f"caption: {CAPTION}" in MINIMAL_CASE


def test_a_refusal_quotes_the_words_and_says_where_they_are(unknown_deck: bytes,
                                                           key: AnswerKey) -> None:
    """One edit fixes it: the answer field, the words as written, and the slide."""
    slide = part_with(unknown_deck, "History")
    planted = rewrite_part(unknown_deck, slide, lambda xml: xml.replace(">History<", f">{TITLE}<"))
    number = re.search(r"slide(\d+)\.xml", slide)[1]
    assert f"the title ('{TITLE}') on slide {number}" in fields_found(
        output_named("slides"), planted, None, key)
