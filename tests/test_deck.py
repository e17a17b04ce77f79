"""The PPTX deck read back: order, the unknown part's secrecy, properties, package, fit.

Spec (issue 2, "Deck"): 16:9; unknown part = title slide with the neutral label only, history,
one slide per figure (large, on black, no revealing caption), a prompt slide; then the answer
part. Notes on every slide, never the answer before it. The unknown part reveals neither
diagnosis, title nor keywords in text, notes, alt text, picture names or file properties. No
text overflows its box ("(cont.)" slides); every relationship target and content type exists;
soffice converts it with one page per slide.
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from casedocs.cli import main
from casedocs.dates import build_timestamp
from casedocs.document.document import Document
from casedocs.document.typography import tie
from casedocs.figures import FigureImages
from casedocs.load import load_document
from casedocs.render.deck.files import render_deck
from casedocs.render.deck.plan import INSET_X, INSET_Y, SlidePlan, plan_deck
from casedocs.render.deck.textfit import LINE_SPACING, TextMeasure
from conftest import write_case_file

LABEL = "Chest Case 17"
# A source file named after the answer: the name must not reach the unknown part.
ANSWER_NAMED_IMAGE = "intralobar-sequestration-cxr.png"
ANSWER_TEXTS = (
    "Pulmonary sequestration",  # title
    "Intralobar pulmonary sequestration",  # diagnosis
    "sequestration", "systemic arterial supply",  # keywords
    "Intralobar",
    "Frontal radiograph with a left lower lobe opacity",  # captions
    "CT angiogram showing a systemic feeding artery",
    "Courtesy of the teaching file",  # credit
    "Persistent opacity",  # findings
    "descending aorta",
    "non-functioning lung tissue",  # discussion
)
ALTS = {"Frontal chest radiograph.", "Axial CT angiogram."}
# By default the discussion's slide shows the teaching points, the prose in its notes.
ANSWER_ORDER = ("Frontal chest radiograph: findings", "Differential diagnosis", "Diagnosis",
                "Teaching points", "Management", "References")
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
PKG_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"




def _long_case_edits() -> tuple[tuple[str, str], ...]:
    items = "".join(
        f"  - name: Differential entity number {i} with a fairly long descriptive name\n"
        f"    note: Distinguishing feature {i}, usually seen on contrast-enhanced CT, with a "
        "typical age range and a characteristic enhancement pattern.\n"
        for i in range(1, 16)
    )
    huge_note = " ".join(f"clause{i} about vascular supply and drainage" for i in range(60))
    items += f"  - name: An entity whose note alone overflows a slide\n    note: {huge_note}.\n"
    sentence = ("Sequestration is a mass of non-functioning lung tissue that lacks a normal "
                "connection to the tracheobronchial tree and receives a systemic arterial supply, "
                "most often from the descending thoracic aorta. ")
    discussion = "\n\n".join(f"  Paragraph {i}. " + sentence * 3 + "[@smith2019]"
                             for i in range(1, 5))
    long_paragraph = "  " + sentence * 9 + "[@jones2020]"
    finding = ("Persistent opacity in the left lower lobe (@fig-cxr), " + "with air bronchograms "
               "and a lobulated margin that abuts the hemidiaphragm, " * 6).rstrip(", ") + "."
    return (
        ("differential:\n  - Pneumonia\n  - {name: Congenital pulmonary airway malformation, "
         "note: Usually cystic.}\n", "differential:\n" + items),
        ("discussion: |\n  Sequestration is non-functioning lung tissue with a systemic arterial "
         "supply [@smith2019].\n\n  Intralobar forms are the most common [@jones2020].\n",
         # All of it on slides: the long prose continues on "(cont.)" slides.
         "deck:\n  discussion: slides\ndiscussion: |\n" + discussion + "\n\n" + long_paragraph
         + "\n"),
        ("text: Persistent opacity in the left lower lobe (@fig-cxr).", f"text: {finding}"),
    )


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_case_file(tmp_path_factory.mktemp("deck-case"), cxr_name=ANSWER_NAMED_IMAGE)


@pytest.fixture(scope="module")
def document(case: Path) -> Document:
    return load_document(case).document


@pytest.fixture(scope="module")
def deck_path(case: Path) -> Path:
    out = case.parent / "out"
    assert main(["build", str(case), "--out", str(out), "--only", "slides"]) == 0
    return out / "slides" / "case-17.pptx"


@pytest.fixture(scope="module")
def deck(deck_path: Path) -> bytes:
    return deck_path.read_bytes()


@pytest.fixture(scope="module")
def prs(deck: bytes) -> Presentation:
    return Presentation(io.BytesIO(deck))


@pytest.fixture(scope="module")
def plan(document: Document) -> list:
    return plan_deck(document)


@pytest.fixture(scope="module")
def unknown_count(plan: list) -> int:
    parts = [slide.part for slide in plan]
    count = parts.count("unknown")
    assert parts == ["unknown"] * count + ["answer"] * (len(parts) - count)
    return count


@pytest.fixture(scope="module")
def long_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_case_file(tmp_path_factory.mktemp("deck-long"), _long_case_edits(),
                           cxr_name=ANSWER_NAMED_IMAGE)


@pytest.fixture(scope="module")
def long_document(long_case: Path) -> Document:
    return load_document(long_case).document


@pytest.fixture(scope="module")
def long_plan(long_document: Document) -> list:
    return plan_deck(long_document)


@pytest.fixture(scope="module")
def long_deck(long_document: Document) -> bytes:
    return render_deck(long_document, FigureImages(), build_timestamp())


def _shape_texts(slide) -> list[str]:  # noqa: ANN001
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _slide_text(slide) -> str:  # noqa: ANN001
    return "\n".join(_shape_texts(slide))


def _title(slide) -> str:  # noqa: ANN001
    for shape in slide.shapes:
        if shape.name == "Title" and shape.has_text_frame:
            return shape.text_frame.text
    return ""


def _notes(slide) -> str:  # noqa: ANN001
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _alt(shape) -> str:  # noqa: ANN001
    return shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr", "")


def _pictures(slide) -> list:  # noqa: ANN001
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _background(slide) -> str:  # noqa: ANN001
    return str(slide.background.fill.fore_color.rgb)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text)


# -- size and order ----------------------------------------------------------------------------


def test_slides_are_16_by_9(prs: Presentation) -> None:
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)


def test_deck_matches_its_plan(prs: Presentation, plan: list) -> None:
    assert len(prs.slides) == len(plan)


def test_unknown_part_order(plan: list, unknown_count: int, prs: Presentation,
                            document: Document) -> None:
    kinds = [slide.kind for slide in plan[:unknown_count]]
    assert kinds == ["title", "history", "figure", "figure", "prompt"]
    slides = list(prs.slides)
    assert _slide_text(slides[0]).strip() == LABEL  # the neutral label only
    assert "A 19-year-old with recurrent left lower lobe pneumonia." in _slide_text(slides[1])
    for slide in slides[2:4]:
        assert len(_pictures(slide)) == 1
    assert not _pictures(slides[4]) and _slide_text(slides[4]).strip()
    # The answer begins with a divider, in single-case decks as in conference decks.
    assert _slide_text(slides[unknown_count]).startswith(f"{LABEL}: answer")
    # A findings slide says what it shows, from its figure's view.
    assert _title(slides[unknown_count + 1]) == "Frontal chest radiograph: findings"


def test_answer_part_order(prs: Presentation, unknown_count: int) -> None:
    titles = [_title(slide).replace(" (cont.)", "") for slide in
              list(prs.slides)[unknown_count:]]
    firsts = []
    for title in ANSWER_ORDER:
        assert title in titles, f"no {title!r} slide in the answer part: {titles}"
        firsts.append(titles.index(title))
    assert firsts == sorted(firsts), dict(zip(ANSWER_ORDER, firsts, strict=True))


def test_diagnosis_appears_in_the_answer_part(prs: Presentation, unknown_count: int) -> None:
    slides = list(prs.slides)[unknown_count:]
    diagnosis = [s for s in slides if _title(s) == "Diagnosis"]
    assert len(diagnosis) == 1
    assert "Intralobar pulmonary sequestration" in _slide_text(diagnosis[0])


def test_findings_slides_show_their_figures(prs: Presentation, unknown_count: int) -> None:
    findings = [s for s in list(prs.slides)[unknown_count:]
                if _title(s).lower().endswith("findings")]
    by_text = {("Persistent opacity" in _slide_text(s), "descending aorta" in _slide_text(s)): s
               for s in findings}
    assert [_alt(p) for p in _pictures(by_text[(True, False)])] == ["Frontal chest radiograph."]
    assert [_alt(p) for p in _pictures(by_text[(False, True)])] == ["Axial CT angiogram."]
    assert "Fig.\u00a01" in _slide_text(by_text[(True, False)])


# -- the unknown part keeps the secret ---------------------------------------------------------


def _unknown_strings(slide) -> dict[str, list[str]]:  # noqa: ANN001
    strings: dict[str, list[str]] = {"text": _shape_texts(slide), "notes": [_notes(slide)],
                                     "names": [], "alt": []}
    for shape in slide.shapes:
        strings["names"].append(shape.name)
        properties = shape._element.xpath("./*[1]/p:cNvPr")[0]
        strings["alt"] += [properties.get("descr", ""), properties.get("title", "")]
    return strings


def test_unknown_part_reveals_no_answer(prs: Presentation, unknown_count: int) -> None:
    for number, slide in enumerate(list(prs.slides)[:unknown_count], start=1):
        for where, values in _unknown_strings(slide).items():
            for value in values:
                for secret in ANSWER_TEXTS:
                    assert secret.lower() not in value.lower(), (number, where, value)


def test_unknown_slide_parts_reveal_no_answer(deck: bytes, unknown_count: int) -> None:
    """The raw XML of unknown slides, their notes and their relationships (file names too)."""
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        names = package.namelist()
        for number in range(1, unknown_count + 1):
            rels = f"ppt/slides/_rels/slide{number}.xml.rels"
            parts = [f"ppt/slides/slide{number}.xml", rels]
            for rel in ElementTree.fromstring(package.read(rels)).iter(
                    f"{{{PKG_RELS}}}Relationship"):
                target = posixpath.normpath(posixpath.join("ppt/slides", rel.get("Target")))
                if target.endswith(".xml"):  # the notes slide, the layout
                    parts.append(target)
            assert any("notesSlide" in part for part in parts)
            for part in parts:
                xml = package.read(part).decode("utf-8").lower()
                for secret in ANSWER_TEXTS:
                    assert secret.lower() not in xml, (part, secret)
        assert not [n for n in names if "sequestration" in n.lower()]


def test_figure_slides_are_black_with_large_pictures_and_alt_text(
        prs: Presentation, plan: list, unknown_count: int, document: Document) -> None:
    slides = list(prs.slides)
    figure_slides = [slides[i] for i, p in enumerate(plan[:unknown_count]) if p.kind == "figure"]
    assert len(figure_slides) == len(document.figures)
    for slide, figure in zip(figure_slides, document.figures, strict=True):
        assert _background(slide) == "000000"
        (picture,) = _pictures(slide)
        assert _alt(picture) == figure.alt
        share = max(picture.width / prs.slide_width, picture.height / prs.slide_height)
        assert share >= 0.8, "the unknown image should fill the slide"
        assert abs(picture.width / picture.height - figure.source.aspect) < 0.02


def test_every_picture_has_alt_from_the_case(prs: Presentation) -> None:
    pictures = [p for slide in prs.slides for p in _pictures(slide)]
    assert len(pictures) == 4  # each figure twice: unknown slide and findings slide
    assert {_alt(p) for p in pictures} == ALTS


# -- notes -------------------------------------------------------------------------------------


def test_every_slide_has_speaker_notes(prs: Presentation) -> None:
    for number, slide in enumerate(prs.slides, start=1):
        assert slide.has_notes_slide, number
        assert _notes(slide).strip(), f"slide {number} has no notes"


def test_notes_are_written_for_the_slide_they_are_on(prs: Presentation, plan: list) -> None:
    """Issue 10: every answer slide carried the same copy of the discussion."""
    notes = [_notes(slide) for slide in prs.slides]
    assert len(set(notes)) == len(notes), "two slides share their notes"
    by_kind: dict[str, str] = {}
    for slide, pptx in zip(plan, prs.slides, strict=True):
        by_kind[slide.kind] = by_kind.get(slide.kind, "") + _notes(pptx)
    assert "Persistent opacity in the left lower lobe" in by_kind["finding"]
    assert "CT angiogram showing a systemic feeding artery" in by_kind["finding"]  # captions
    assert "Usually cystic." in by_kind["differential"]
    assert "Surgical resection." in by_kind["management"]
    # The diagnosis slide's notes are the diagnosis, not a copy of the management slide's.
    assert "Intralobar pulmonary sequestration" in by_kind["diagnosis"]
    assert "Surgical resection." not in by_kind["diagnosis"]
    # The discussion slide shows the teaching points; the prose is in its notes.
    assert "non-functioning lung tissue" in by_kind["discussion"]
    assert "non-functioning lung tissue" not in by_kind["finding"]


# -- properties and package --------------------------------------------------------------------


def test_core_properties_are_neutral_and_set(prs: Presentation) -> None:
    core = prs.core_properties
    assert core.title == LABEL
    assert core.keywords == ""
    assert core.author and core.author not in ("python-pptx", "Steve Canny")
    assert "python-pptx" not in (core.comments or "")
    assert "python-pptx" not in (core.last_modified_by or "")
    for value in (core.title, core.subject, core.author, core.keywords, core.comments,
                  core.category, core.content_status, core.identifier, core.last_modified_by):
        for secret in ANSWER_TEXTS:
            assert secret.lower() not in (value or "").lower(), (value, secret)


def test_property_parts_reveal_nothing(deck: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        names = package.namelist()
        core = package.read("docProps/core.xml").decode("utf-8")
        app = package.read("docProps/app.xml").decode("utf-8")
    assert "docProps/thumbnail.jpeg" not in names
    assert not [n for n in names if "thumbnail" in n.lower()]
    for xml in (core, app):
        for default in ("python-pptx", "Steve Canny", "generated using", "Microsoft"):
            assert default not in xml, default
        for secret in ANSWER_TEXTS:
            assert secret.lower() not in xml.lower(), secret
    assert "TitlesOfParts" not in app or "Diagnosis" not in app


def _package_parts(deck: bytes) -> tuple[set[str], dict[str, str], dict[str, str], dict]:
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        names = set(package.namelist())
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        rels = {n: package.read(n) for n in names if n.endswith(".rels")}
    defaults = {e.get("Extension").lower(): e.get("ContentType")
                for e in types.iter(f"{{{PKG_TYPES}}}Default")}
    overrides = {e.get("PartName"): e.get("ContentType")
                 for e in types.iter(f"{{{PKG_TYPES}}}Override")}
    return names, defaults, overrides, rels


def test_every_relationship_target_exists(deck: bytes) -> None:
    names, _, _, rels = _package_parts(deck)
    checked = 0
    for rels_name, data in rels.items():
        folder, file_name = posixpath.split(rels_name)
        source_folder = posixpath.dirname(folder)  # "ppt/slides/_rels" -> "ppt/slides"
        assert file_name.endswith(".rels")
        for rel in ElementTree.fromstring(data).iter(f"{{{PKG_RELS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(source_folder, target))
            assert resolved in names, f"{rels_name}: {rel.get('Id')} -> missing {target}"
            checked += 1
    assert checked > 20


def test_every_part_has_a_content_type_and_every_override_a_part(deck: bytes) -> None:
    names, defaults, overrides, _ = _package_parts(deck)
    for name in names:
        if name == "[Content_Types].xml" or name.endswith("/"):
            continue
        extension = name.rsplit(".", 1)[-1].lower()
        assert f"/{name}" in overrides or extension in defaults, f"no content type for {name}"
    for part_name in overrides:
        assert part_name.lstrip("/") in names, f"content type for a missing part {part_name}"


def test_rebuild_is_byte_identical(document: Document, deck: bytes) -> None:
    first = render_deck(document, FigureImages(), build_timestamp())
    second = render_deck(document, FigureImages(), build_timestamp())
    assert first == second == deck


def test_source_date_epoch_sets_the_deck_dates(document: Document, deck: bytes,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = render_deck(document, FigureImages(), build_timestamp())
    assert dated != deck
    created = Presentation(io.BytesIO(dated)).core_properties.created
    assert (created.year, created.month, created.day) == (2023, 11, 14)


def test_special_characters_print_literally(write_case) -> None:
    history = "Literal <para> and a < b & c; β-blocker, 5 µm, ≥ 3 ± 1 °C, 1–2 — done."
    case = write_case(replace=(
        ("history: A 19-year-old with recurrent left lower lobe pneumonia.",
         f'history: "{history}"'),))
    deck = render_deck(load_document(case).document, FigureImages(), build_timestamp())
    slides = list(Presentation(io.BytesIO(deck)).slides)
    assert tie(history) in _slide_text(slides[1])  # "5 µm", "1 °C" tied


# -- no overflow: long lists continue on "(cont.)" slides ------------------------------------


def _box_overflows(plan: list) -> list[str]:
    measure = TextMeasure()
    problems = []
    for number, slide in enumerate(plan, start=1):
        for text_box in slide.texts:
            available = (text_box.box.height - 2 * INSET_Y) * 72
            used = 0.0
            for i, para in enumerate(text_box.paragraphs):
                hanging = 0.4 if para.bullet else 0.0
                width = (text_box.box.width - 2 * INSET_X - para.indent - hanging) * 72
                lines = measure.wrap(para.spans, para.size, width)
                used += len(lines) * para.size * LINE_SPACING
                if i < len(text_box.paragraphs) - 1:
                    used += para.space_after
            if used > available + 0.5:
                problems.append(f"slide {number} ({slide.kind}) box {text_box.name!r}: "
                                f"{used:.1f} pt of text in {available:.1f} pt")
    return problems


def test_no_text_box_overflows_in_the_seed_deck(plan: list) -> None:
    assert _box_overflows(plan) == []


def test_long_lists_continue_on_cont_slides(long_plan: list, long_deck: bytes) -> None:
    slides = list(Presentation(io.BytesIO(long_deck)).slides)
    assert len(slides) == len(long_plan)
    titles = [_title(slide) for slide in slides]
    assert titles.count("Differential diagnosis") == 1
    assert titles.count("Differential diagnosis (cont.)") >= 2
    assert titles.count("Discussion") == 1
    assert titles.count("Discussion (cont.)") >= 1
    # Continuations follow their first slide directly.
    first = titles.index("Differential diagnosis")
    count = 1 + titles.count("Differential diagnosis (cont.)")
    assert set(titles[first + 1:first + count]) == {"Differential diagnosis (cont.)"}


def test_no_text_box_overflows_in_a_long_deck(long_plan: list) -> None:
    assert _box_overflows(long_plan) == []


def test_split_lists_lose_no_words(long_plan: list, long_document: Document) -> None:
    expected = []
    for item in long_document.differential:
        expected += _words("".join(s.text for s in item.name))
        expected += _words("".join(s.text for s in item.note))
    shown = []
    for slide in long_plan:
        if slide.kind == "differential":
            body = [box for box in slide.texts if box.name != "Title"]
            for box in body:
                for para in box.paragraphs:
                    shown += _words("".join(s.text for s in para.spans))
    assert shown == expected


def test_differential_items_that_fit_stay_whole(long_plan: list) -> None:
    """Only an item that alone does not fit may be split: a name keeps its note."""
    def slide_of(fragment: str) -> int:
        for number, slide in enumerate(long_plan, start=1):
            if slide.kind != "differential":
                continue
            text = " ".join("".join(s.text for s in para.spans)
                            for box in slide.texts for para in box.paragraphs)
            if fragment in text:
                return number
        raise AssertionError(f"{fragment!r} is on no differential slide")

    split = [i for i in range(1, 16)
             if slide_of(f"Differential entity number {i} with") !=
             slide_of(f"Distinguishing feature {i},")]
    assert split == [], f"differential items split from their notes: {split}"


def test_long_finding_continues_without_repeating_its_figure(tmp_path: Path) -> None:
    """Issue 10: a continuation never repeats images only to carry leftover text."""
    sentence = "The opacity abuts the hemidiaphragm and has a lobulated margin. "
    case = write_case_file(tmp_path, (("text: Persistent opacity in the left lower lobe "
                                       "(@fig-cxr).", "text: (@fig-cxr) " + sentence * 40),))
    findings = [s for s in plan_deck(load_document(case).document) if s.kind == "finding"]
    with_cxr = [s for s in findings if any(p.alt == "Frontal chest radiograph."
                                           for p in s.pictures)]
    assert len(with_cxr) == 1
    after = findings[findings.index(with_cxr[0]) + 1]
    assert not after.pictures, "the long finding should continue on a text slide"
    title = next(box for box in after.texts if box.role == "title")
    assert title.paragraphs[0].spans[0].text == "Frontal chest radiograph: findings (cont.)"


# -- LibreOffice renders one page per slide ----------------------------------------------------


def test_soffice_converts_one_page_per_slide(deck: bytes, long_deck: bytes, prs: Presentation,
                                             tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    from pypdf import PdfReader

    decks = {"seed": deck, "long": long_deck}
    for name, data in decks.items():
        (tmp_path / f"{name}.pptx").write_bytes(data)
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *(str(tmp_path / f"{name}.pptx") for name in decks)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    for name, data in decks.items():
        pdf = out / f"{name}.pdf"
        assert pdf.exists(), result.stdout + result.stderr
        slides = len(Presentation(io.BytesIO(data)).slides)
        assert len(PdfReader(pdf).pages) == slides, name


# -- figures on slides (issue 3): sized for a 1920 x 1080 screen, laid out by aspect -----------


def test_pictures_carry_at_most_1_5_times_the_display_pixels(tmp_path: Path) -> None:
    from PIL import Image

    from casedocs.render.deck.plan import SCREEN_OVERSAMPLE, default_geometry

    case = write_case_file(tmp_path)
    Image.new("L", (2500, 3000), 90).save(tmp_path / "images" / "cxr.png")
    document = load_document(case).document
    images = FigureImages()
    planned = [p for slide in plan_deck(document) for p in slide.pictures]
    pictures = [(picture, images.resolve(picture.image)) for picture in planned]
    assert len(pictures) == 4  # each figure on its unknown slide and its finding slide
    for picture, image in pictures:
        cap = picture.box.width * default_geometry().screen_pixels_per_inch * SCREEN_OVERSAMPLE
        assert image.width <= cap + 1
        assert image.width / image.height == pytest.approx(
            picture.box.width / picture.box.height, rel=0.01)
        if image.height > 1000:  # from the large radiograph: the full allowance
            assert image.width >= cap - 2
    large = [i for _, i in pictures if i.width / i.height == pytest.approx(2500 / 3000, rel=0.01)]
    assert len(large) == 2 and all(image.width < 2500 for image in large)


def test_pictures_keep_their_aspect_on_every_slide(plan: list, document: Document) -> None:
    aspects = {figure.alt: figure.source.aspect for figure in document.figures}
    images = FigureImages()
    for slide in plan:
        for picture in slide.pictures:
            image = images.resolve(picture.image)
            assert picture.box.width / picture.box.height == pytest.approx(image.aspect, rel=0.01)
            assert image.aspect == pytest.approx(aspects[picture.alt], rel=0.01)


def test_finding_citing_two_figures_shows_them_side_by_side(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (("  - figures: [cxr]\n", "  - figures: [cxr, cta]\n"),))
    plan = plan_deck(load_document(case).document)
    both = [slide for slide in plan if slide.part == "answer" and len(slide.pictures) == 2]
    assert both, [len(slide.pictures) for slide in plan]
    for slide in both:
        left, right = sorted(slide.pictures, key=lambda p: p.box.x)
        assert left.box.x + left.box.width <= right.box.x  # next to each other, not stacked
        assert left.box.y < right.box.y + right.box.height
        assert right.box.y < left.box.y + left.box.height  # sharing a band of the slide
        assert [left.alt, right.alt] == ["Frontal chest radiograph.", "Axial CT angiogram."]
        assert slide.panel is not None
        for picture in (left, right):
            assert picture.box.x >= slide.panel.x
            assert picture.box.x + picture.box.width <= slide.panel.x + slide.panel.width + 1e-6


def test_nine_authors_with_degrees_fit_the_property_limit(tmp_path: Path) -> None:
    """Issue 8: python-pptx refuses core properties over 255 characters."""
    authors = "".join(f"  - name: Author{i} Longsurname-Doublebarrel{i}\n"
                      f"    degrees: MD, PhD, FRCR\n" for i in range(9))
    case = write_case_file(tmp_path, (("  - name: Ana Lima\n    degrees: MD\n", authors),))
    assert main(["build", str(case), "--out", str(tmp_path / "out"), "--only", "slides"]) == 0
    author = Presentation(tmp_path / "out" / "slides" / "case-17.pptx").core_properties.author
    assert len(author) <= 255
    assert author.startswith("Author0 Longsurname-Doublebarrel0, MD, PhD, FRCR; Author1")
    assert author.endswith("FRCR et al.")


def test_pagination_work_grows_linearly_with_a_fields_length(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 8: a 100 KB history took 53 s, growing with the square of its length. Counted in
    word measurements, not seconds: five times the text may cost about five times the work."""
    calls = {"count": 0}
    real_width = TextMeasure._word_width

    def counted(self, word, size):  # noqa: ANN001, ANN202
        calls["count"] += 1
        return real_width(self, word, size)

    monkeypatch.setattr(TextMeasure, "_word_width", counted)
    sentence = "The patient reported intermittent dyspnoea on exertion over several years. "
    work = []
    for repeats in (40, 200):
        folder = tmp_path / str(repeats)
        case = write_case_file(folder, (("history: A 19-year-old with recurrent left lower "
                                         "lobe pneumonia.", "history: " + sentence * repeats),))
        document = load_document(case).document
        calls["count"] = 0
        plan_deck(document)
        work.append(calls["count"])
    assert work[1] < 6 * work[0], work


def test_a_slide_never_breaks_after_fig_or_an_abbreviation() -> None:
    """Issue 8: "Fig." and "e.g." are not sentence ends; "(Fig. | 2 shows ...)" was a break."""
    from casedocs.document.inline import Span
    from casedocs.render.deck.plan import _sentence_cut
    from casedocs.render.deck.textfit import Word

    span = Span("")

    def line(*texts: str) -> list[Word]:
        return [Word(text, span, " ") for text in texts]

    lines = [line("CT", "shows", "masses"), line("(see", "Fig."), line("2", "e.g.", "here")]
    assert _sentence_cut(lines, 3) == 8  # no sentence ends: the slide is filled
    lines = [line("CT", "shows", "masses."), line("They", "grow", "fast"), line("(Fig.", "2).")]
    assert _sentence_cut(lines, 3) == 8
    assert _sentence_cut(lines[:2] + [line("(Fig.", "2")] + [line("shows")], 3) == 8


# -- the seed deck, as issue 10 asks -------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, Presentation]:
    from conftest import REPO

    out = tmp_path_factory.mktemp("seed-deck")
    seed = REPO / "content" / "is-case-4.yaml"
    assert main(["build", str(seed), "--out", str(out), "--only", "slides"]) == 0
    plan = plan_deck(load_document(seed).document)
    return plan, Presentation(out / "slides" / "is-case-4.pptx")


def test_the_seed_deck_has_sixteen_slides_at_most(seed_deck) -> None:
    plan, prs = seed_deck
    kinds = [slide.kind for slide in plan]
    assert len(prs.slides) == len(plan) <= 16
    # The two axial CT sections, one study, side by side on one unknown slide (issue 19).
    assert kinds[:5] == ["title", "history", "figure", "figure", "prompt"]
    assert [len(slide.pictures) for slide in plan[2:4]] == [1, 2]
    assert kinds[5] == "divider" and len(kinds[6:]) <= 9


def test_no_two_seed_slides_share_notes(seed_deck) -> None:
    _, prs = seed_deck
    notes = [_notes(slide) for slide in prs.slides]
    assert len(set(notes)) == len(notes)


def test_images_on_findings_slides_take_60_percent_of_the_height(seed_deck) -> None:
    plan, prs = seed_deck
    findings = [pptx for slide, pptx in zip(plan, prs.slides, strict=True)
                if slide.kind == "finding" and slide.pictures]
    assert len(findings) == 2
    for slide in findings:
        for picture in _pictures(slide):
            assert picture.height >= 0.6 * prs.slide_height, picture.name


def test_no_seed_slide_breaks_inside_a_sentence(seed_deck) -> None:
    """A slide's text box ends at the end of a sentence (or of a list item)."""
    plan, _ = seed_deck
    for slide in plan:
        for box in slide.texts:
            if box.role == "title" or box.name in ("Footer", "Image label") or \
                    box.name.endswith("label"):
                continue
            last = "".join(span.text for span in box.paragraphs[-1].spans).rstrip()
            assert not last or last[-1] in ".?!:)]\u00b9\u00b2\u00b3" or last[-1].isdigit() or \
                box.paragraphs[-1].bullet or slide.kind in ("title", "divider", "diagnosis"), \
                (slide.kind, last[-40:])


def test_every_seed_slide_has_its_title_in_a_title_placeholder(seed_deck) -> None:
    """Issue 10: the outline view lists every slide; the accessibility checker finds titles."""
    plan, prs = seed_deck
    for number, (slide, pptx) in enumerate(zip(plan, prs.slides, strict=True), start=1):
        assert pptx.shapes.title is not None and pptx.shapes.title.text_frame.text.strip(), number
        bodies = [shape for shape in pptx.placeholders
                  if shape.placeholder_format.idx != 0]  # 0 is the title
        if slide.kind not in ("title", "figure", "divider"):
            assert bodies, f"slide {number} ({slide.kind}) has no body placeholder"


def test_the_shipped_default_template_is_what_its_script_makes(tmp_path: Path) -> None:
    from conftest import REPO

    target = tmp_path / "default.pptx"
    subprocess.run([sys.executable, str(REPO / "tools" / "make_default_template.py"),
                    str(target)], check=True, capture_output=True, timeout=120)
    shipped = REPO / "src" / "casedocs" / "render" / "deck" / "default.pptx"
    assert target.read_bytes() == shipped.read_bytes()
    assert Presentation(shipped).slide_width == 12192000  # 16:9


def test_notes_fields_reach_their_slides(tmp_path: Path) -> None:
    """Issue 10: notes: on a figure (its unknown slide), a finding (its slide), the case (the
    divider, where the answer begins)."""
    case = write_case_file(tmp_path, (
        ("    alt: Axial CT angiogram.", "    alt: Axial CT angiogram.\n"
                                         "    notes: Point out the lower lobes first."),
        ("  - figures: [cta]\n",
         "  - figures: [cta]\n    notes: Trace the artery from the aorta.\n"),
        ("management: Surgical resection.", "management: Surgical resection.\n"
                                            "notes: Ask who has seen one before."),
    ))
    plan = plan_deck(load_document(case).document)
    notes = {slide.kind: "" for slide in plan}
    for slide in plan:
        notes[slide.kind] += slide.notes
    assert "Point out the lower lobes first." in notes["figure"]
    assert "Trace the artery from the aorta." in notes["finding"]
    assert "Ask who has seen one before." in notes["divider"]
    unknown = " ".join(slide.notes for slide in plan if slide.part == "unknown")
    assert "Trace the artery" not in unknown and "Ask who has seen" not in unknown


@pytest.mark.parametrize("mode, slides, in_notes", [
    ("slides", 2, False), ("notes", 0, True), ("default", 1, False)])
def test_the_discussion_goes_where_the_case_asks(tmp_path: Path, mode: str, slides: int,
                                                  in_notes: bool) -> None:
    sentence = "Sequestration is supplied by a systemic artery in most reported series. "
    paragraphs = "\n\n".join("  " + sentence * 6 for _ in range(6))
    case = write_case_file(tmp_path, (
        ("discussion: |\n  Sequestration is non-functioning lung tissue with a systemic arterial "
         "supply [@smith2019].\n\n  Intralobar forms are the most common [@jones2020].\n",
         f"deck:\n  discussion: {mode}\ndiscussion: |\n{paragraphs}\n\n"
         "  Cited [@smith2019; @jones2020].\n"),))
    plan = plan_deck(load_document(case).document)
    discussion = [slide for slide in plan if slide.kind == "discussion"]
    diagnosis = next(slide for slide in plan if slide.kind == "diagnosis")
    teaching = [slide for slide in plan if slide.kind == "teaching"]
    if mode == "slides":
        assert len(discussion) > 2 and len(teaching) == 1
    elif mode == "notes":
        assert discussion == [] and sentence.strip() in diagnosis.notes and len(teaching) == 1
    else:  # the teaching points on the discussion's slide, all of the prose in its notes
        assert len(discussion) == 1 and teaching == []
        assert _plan_title(discussion[0]) == "Teaching points"
        assert sentence.strip() in discussion[0].notes
        assert "Cited" in discussion[0].notes


def test_without_teaching_points_the_discussion_takes_two_slides_at_most(
    tmp_path: Path,
) -> None:
    sentence = "Sequestration is supplied by a systemic artery in most reported series. "
    paragraphs = "\n\n".join("  " + sentence * 6 for _ in range(6))
    case = write_case_file(tmp_path, (
        ("discussion: |\n  Sequestration is non-functioning lung tissue with a systemic arterial "
         "supply [@smith2019].\n\n  Intralobar forms are the most common [@jones2020].\n",
         f"discussion: |\n{paragraphs}\n\n  Cited [@smith2019; @jones2020].\n"),
        ("teaching_points:\n  - Look for the **systemic artery**.\n", ""),))
    plan = plan_deck(load_document(case).document)
    discussion = [slide for slide in plan if slide.kind == "discussion"]
    assert len(discussion) == 2 and sentence.strip() in discussion[-1].notes
    assert [_plan_title(slide) for slide in discussion] == ["Discussion", "Discussion (cont.)"]


def _plan_title(slide: SlidePlan) -> str:
    return "".join(span.text for box in slide.texts if box.role == "title"
                   for para in box.paragraphs for span in para.spans)


def test_eight_teaching_points_go_four_and_four_on_two_slides(tmp_path: Path) -> None:
    """Issue 19: at most six teaching points a slide, spread evenly."""
    points = "".join(f"  - Point {i}, look for the systemic artery arising from the aorta.\n"
                     for i in range(1, 9))
    case = write_case_file(tmp_path, (("teaching_points:\n  - Look for the **systemic artery**.\n",
                                       f"teaching_points:\n{points}"),))
    plan = plan_deck(load_document(case).document)
    teaching = [slide for slide in plan if slide.kind == "discussion"]
    counts = [len(box.paragraphs) for slide in teaching for box in slide.texts
              if box.role == "body"]
    assert counts == [4, 4]
    sizes = {para.size for slide in teaching for box in slide.texts if box.role == "body"
             for para in box.paragraphs}
    assert min(sizes) >= 20


@pytest.mark.parametrize("source, order", [
    ("is-case-4.yaml", None),
    ("examples/conferences/2026-12-mixed.yaml", "unknowns-first"),
    ("examples/conferences/2026-12-mixed.yaml", "case-by-case"),
])
def test_a_deck_and_its_unknown_variant_render_together_drawing_shared_slides_once(
    source: str, order: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: render gives the full deck and the unknown one together; a full deck that
    begins with the unknown one draws those slides once, and each file is the one drawn on
    its own."""
    from casedocs.load import load_input
    from casedocs.render.deck import writer
    from casedocs.render.output import RenderOptions
    from casedocs.render.registry import output_named

    publication, _ = load_input(Path(__file__).parents[1] / "content" / source, FigureImages())
    if order is not None:
        publication = dataclasses.replace(publication, order=order)
    drawn = []
    draw = writer._draw_slide
    monkeypatch.setattr(writer, "_draw_slide", lambda *a: drawn.append(1) or draw(*a))
    slides, options = output_named("slides"), RenderOptions(build_timestamp())
    both = slides.render(publication, FigureImages(), options, (False, True))
    draws = len(drawn)
    full = slides.render(publication, FigureImages(), options, (False,))
    unknown = slides.render(publication, FigureImages(), options, (True,))

    def count(data: bytes) -> int:
        return len(Presentation(io.BytesIO(data)).slides)

    assert set(both) == {False, True} and set(full) == {False} and set(unknown) == {True}
    assert both[True].data == unknown[True].data
    assert both[False].data == full[False].data
    assert 0 < count(unknown[True].data) < count(full[False].data)
    shared = order != "case-by-case"  # case by case, the deck begins with the first answer
    assert draws == count(full[False].data) + (0 if shared else count(unknown[True].data))
    assert both[True].public_parts is None  # an unknown deck is public whole
    assert "ppt/slides/slide1.xml" in (both[False].public_parts or ())


def test_the_unknown_variant_is_named_for_its_own_case(document: Document) -> None:
    from casedocs.render.output import RenderOptions
    from casedocs.render.registry import output_named

    slides, options = output_named("slides"), RenderOptions(build_timestamp())
    other = dataclasses.replace(document, id="other-case")
    decks = slides.render(other, FigureImages(), options, (False, True))
    core = zipfile.ZipFile(io.BytesIO(decks[True].data)).read("docProps/core.xml").decode()
    assert "other-case-unknown" in core
    core = zipfile.ZipFile(io.BytesIO(decks[False].data)).read("docProps/core.xml").decode()
    assert "other-case-unknown" not in core and "other-case" in core


def test_a_deck_saved_by_python_pptx_itself_has_the_same_bytes(
    document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deck's zip is written from python-pptx's own writing steps (private, so they may
    change); without them, python-pptx saves and the zip is rewritten: the same file."""
    from casedocs.render.deck import writer

    timestamp = build_timestamp()
    ours = render_deck(document, FigureImages(), timestamp)
    monkeypatch.setattr(writer, "_WRITER_STEPS", ("_a_step_python_pptx_does_not_have",))
    assert render_deck(document, FigureImages(), timestamp) == ours


def test_the_read_back_reads_what_a_viewer_sees_not_markup() -> None:
    """Alt text, shape names, link targets, notes and properties are read; a font size or a
    typeface is markup (a caption "2400 x 3000, Calibri export" matched them)."""
    from casedocs.render.deck.readback import xml_texts

    xml = ('<p:sp><p:nvSpPr><p:cNvPr id="4" name="Picture 2" descr="Axial CT, lung window"/>'
           '</p:nvSpPr><p:txBody><a:p><a:r><a:rPr lang="en-US" sz="2400"><a:latin '
           'typeface="Calibri"/><a:hlinkClick r:id="rId2" tooltip="see the atlas"/></a:rPr>'
           "<a:t>History</a:t></a:r></a:p></p:txBody></p:sp><dc:title>Case 4</dc:title>")
    texts = list(xml_texts(xml))
    assert {"History", "Picture 2", "Axial CT, lung window", "see the atlas", "Case 4"} <= \
        set(texts)
    assert not {"2400", "Calibri", "en-US", "rId2", "4"} & set(texts)


def test_pictures_are_stored_and_the_xml_deflated(deck: bytes) -> None:
    """Issue 20: a picture is compressed already, and deflating it again is time for nothing."""
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        entries = {info.filename: info.compress_type for info in package.infolist()}
        assert package.testzip() is None
    media = [name for name in entries if name.startswith("ppt/media/")]
    assert media
    assert {entries[name] for name in media} == {zipfile.ZIP_STORED}
    assert {t for name, t in entries.items() if name.endswith(".xml")} == {zipfile.ZIP_DEFLATED}
