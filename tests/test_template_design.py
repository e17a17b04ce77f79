"""A department's template decides the title's place, alignment and colours; nothing is drawn
over its own pictures (issue 19). Decks are built on the test templates and read back."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from casedocs.cli import main

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
from test_templates import write_test_templates  # noqa: E402

SEED = REPO / "content" / "is-case-4.yaml"
EMU = 914400


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Presentation]:
    folder = tmp_path_factory.mktemp("designs")
    built = {}
    for template in write_test_templates(folder / "templates"):
        if template.stem not in ("department", "corner-logo", "dark", "Midnightblue",
                                 "Metropolis", "Focus"):
            continue
        out = folder / template.stem
        assert main(["build", str(SEED), "--only", "slides", "--template", str(template),
                     "--out", str(out)]) == 0
        built[template.stem] = Presentation(str(out / "slides" / "is-case-4.pptx"))
    return built


def boxes(shapes) -> list[tuple[float, float, float, float]]:  # noqa: ANN001
    return [(s.left / EMU, s.top / EMU, s.width / EMU, s.height / EMU) for s in shapes]


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def logos(deck: Presentation) -> list[tuple]:
    return boxes(s for s in deck.slide_master.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)


@pytest.mark.parametrize("name", ["department", "corner-logo"])
def test_no_text_lies_over_the_templates_logos(decks: dict, name: str) -> None:
    deck = decks[name]
    assert logos(deck)
    for number, slide in enumerate(deck.slides, 1):
        if slide.element.get("showMasterSp") == "0":
            continue  # the master's pictures are hidden on this slide
        for shape, box in zip(slide.shapes, boxes(slide.shapes), strict=True):
            if shape.has_text_frame and shape.text_frame.text.strip():
                assert not any(overlaps(box, logo) for logo in logos(deck)), (number, shape.name)


def test_image_slides_hide_the_masters_pictures(decks: dict) -> None:
    deck = decks["department"]
    kinds = (MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.GROUP)  # annotated: grouped with marks
    images = [s for s in deck.slides if any(sh.shape_type in kinds and sh.name != "Logo"
                                           for sh in s.shapes)]
    assert images
    assert all(slide.element.get("showMasterSp") == "0" for slide in images)
    texts = [s for s in deck.slides if s not in images]
    assert all(slide.element.get("showMasterSp") != "0" for slide in texts)


def test_a_centred_title_stays_centred(decks: dict) -> None:
    """Our titles leave alignment to the layout: the department's titles are centred (image
    slides are ours, black, their label on the left)."""
    for slide in decks["department"].slides:
        title = slide.shapes.title
        if title is None or slide.element.get("showMasterSp") == "0":
            continue
        for paragraph in title.text_frame.paragraphs:
            properties = paragraph._p.find(qn("a:pPr"))
            assert properties is None or properties.get("algn") is None, slide.slide_id


def test_figure_labels_on_the_black_panel_keep_their_light_colour(decks: dict) -> None:
    for name in ("dark", "department"):
        for slide in decks[name].slides:
            for shape in slide.shapes:
                if shape.has_text_frame and shape.name in ("Image label", "Fig. 1 label"):
                    colours = {run.font.color.rgb if run.font.color.type else None
                               for p in shape.text_frame.paragraphs for run in p.runs}
                    assert colours and None not in colours, (name, shape.name)
                    assert all(sum(c) > 3 * 150 for c in colours), (name, shape.name)


def _run_colours(shape) -> set:  # noqa: ANN001
    """The colours set on a shape's runs (None: the theme's)."""
    return {run.font.color.rgb if run.font.color.type else None
            for paragraph in shape.text_frame.paragraphs for run in paragraph.runs}


def test_a_theme_colour_that_would_not_read_is_replaced(decks: dict) -> None:
    """Issue 19: LibreOffice's Midnightblue puts the title on a navy band its theme's text
    colour (black) does not read on: the title takes the theme's light colour there; text on
    the white part keeps the theme's own."""
    from casedocs.render.deck.colours import contrast

    slide = next(s for s in decks["Midnightblue"].slides if s.shapes.title is not None
                 and s.shapes.title.text_frame.text == "History")
    assert _run_colours(slide.shapes.title) == {(0xFF, 0xFF, 0xFF)}
    assert contrast("FFFFFF", "2C3E50") >= 4.5
    history = next(shape for shape in slide.shapes if shape.name == "History")
    assert _run_colours(history) == {None}


def test_text_on_a_background_picture_reads(decks: dict) -> None:
    """Metropolis's slides are a dark blue picture: its colours are read cell by cell, and
    the theme's black text is replaced by its light colour."""
    for slide in decks["Metropolis"].slides:
        if slide.element.get("showMasterSp") == "0":
            continue  # ours: black or with a panel
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                assert _run_colours(shape) == {(0xFF, 0xFF, 0xFF)}, shape.name


def test_a_link_that_would_not_read_is_plain_text(decks: dict) -> None:
    """The theme's hyperlink blue on Metropolis's blue: the PubMed number stays as text."""
    slide = decks["Metropolis"].slides[-1]
    assert "PMID: 349979" in " ".join(s.text_frame.text for s in slide.shapes
                                      if s.has_text_frame)
    assert b"hlinkClick" not in slide.part.blob
    default = decks["department"].slides[-1]
    assert b"hlinkClick" in default.part.blob


def test_text_never_crosses_the_templates_shapes(decks: dict) -> None:
    """LibreOffice's Focus draws coloured triangles over its slides: text slides hide them
    (shown plain) rather than set text across them; Midnightblue's bands are kept, its
    text being clear of their edges."""
    focus = [s for s in decks["Focus"].slides if s.shapes.title is not None]
    assert focus and all(s.element.get("showMasterSp") == "0" for s in focus)
    history = next(s for s in decks["Midnightblue"].slides if s.shapes.title is not None
                   and s.shapes.title.text_frame.text == "History")
    assert history.element.get("showMasterSp") != "0"


def test_a_master_that_numbers_its_slides_gets_no_second_number(decks: dict) -> None:
    """Midnightblue's master shows the slide number in a circle: our footer says the case's
    label only, where that circle shows; on our image slides (the master hidden) the footer
    keeps its number."""
    from casedocs.render.deck.slides import footer_text

    for number, slide in enumerate(decks["Midnightblue"].slides, 1):
        footer = next((s for s in slide.shapes if s.name == "Footer"), None)
        if footer is None:
            continue
        shown = slide.element.get("showMasterSp") != "0"
        expected = footer_text("IS Case 4", None if shown else number)
        assert footer.text_frame.text == expected, number
