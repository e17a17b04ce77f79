"""The written cost (render/cost.py) and the defects the deck's and the handout's cost modules
find (issue 19): each rule on a plan or a record made here, without a writer."""

from __future__ import annotations

from pathlib import Path

from casedocs.document.inline import Span
from casedocs.errors import Report
from casedocs.figures import ImageRequest
from casedocs.figures.pipeline import PixelSettings, SourceImage
from casedocs.render.cost import DEFECT, UNIT, Cost, Defect, cheapest
from casedocs.render.deck.cost import deck_cost
from casedocs.render.deck.slides import (
    LABEL_COLOR_ON_DARK,
    Box,
    PictureBox,
    SlidePlan,
    TextBox,
    TextPara,
    default_geometry,
)
from casedocs.render.deck.textfit import TextMeasure
from casedocs.render.handout.cost import LayoutRecord, handout_cost

MEASURE = TextMeasure()
GEOMETRY = default_geometry()
BODY = GEOMETRY.body


def text(words: str, size: float = 24, box: Box = BODY, name: str = "Body",
         role: str = "body") -> TextBox:
    return TextBox(box, (TextPara((Span(words),), size),), name, role=role)  # type: ignore[arg-type]


def title(words: str) -> TextBox:
    return text(words, 36, GEOMETRY.title, "Title", "title")


def slide(*texts: TextBox, kind: str = "findings", **options: object) -> SlidePlan:
    return SlidePlan("answer", kind, False, texts, **options)  # type: ignore[arg-type]


def defects(*slides: SlidePlan, geometry=GEOMETRY) -> list[str]:  # noqa: ANN001
    return [str(d) for d in deck_cost(list(slides), MEASURE, geometry).defects]


FULL = " ".join(["The opacity abuts the hemidiaphragm and has a lobulated margin."] * 6)


# -- the weights -------------------------------------------------------------------------------


def test_a_defect_outweighs_any_length() -> None:
    assert Cost((Defect("slide 1", "x"),), units=1).total > Cost(units=60, empty=30).total
    assert Cost(units=3).total == 3 * UNIT
    assert Cost((Defect("page 2", "x"),)).total == DEFECT


def test_cheapest_keeps_the_first_faultless_candidate_and_makes_no_more() -> None:
    made = []

    def candidates():  # noqa: ANN202
        for n in (3, 2, 1):
            made.append(n)
            yield n

    costs = {3: Cost((Defect("a", "b"),), units=3), 2: Cost(units=9), 1: Cost(units=1)}
    assert cheapest(candidates(), costs.__getitem__) == 2
    assert made == [3, 2]


def test_cheapest_of_faulty_candidates_is_the_least_costly_and_ties_keep_the_first() -> None:
    two = Cost((Defect("a", "b"), Defect("c", "d")))
    one = Cost((Defect("a", "b"),), units=5)
    assert cheapest(["two", "one", "again"], {"two": two, "one": one, "again": one}.get) == "one"


# -- the deck ----------------------------------------------------------------------------------


def test_a_well_filled_text_slide_has_no_defect() -> None:
    assert defects(slide(title("Discussion"), text(FULL))) == []


def test_an_empty_text_box_is_a_defect() -> None:
    assert defects(slide(title("Findings"), text(""))) == [
        "slide 1: an empty text box ('Body')"]


def test_text_taller_than_its_box_overflows() -> None:
    low = Box(BODY.x, BODY.y, BODY.width, 0.6)
    assert defects(slide(title("Discussion"), text(FULL, box=low))) == [
        "slide 1: text overflows its box ('Body')"]


def test_a_word_wider_than_its_box_is_a_defect() -> None:
    narrow = Box(BODY.x, BODY.y, 1.5, BODY.height)
    assert defects(slide(title("Befunde"), text("Pulmonalarterienhauptstämme", box=narrow))) == [
        "slide 1: a word wider than its box ('Body')"]


def test_a_continuation_holding_one_sentence_is_a_defect() -> None:
    stray = slide(title("Discussion (cont.)"), text("The rest."), continued=True)
    assert defects(slide(title("Discussion"), text(FULL)), stray) == [
        "slide 2: a '(cont.)' slide holding a sentence or two"]


def test_an_answer_title_used_twice_is_a_defect_unless_it_continues() -> None:
    first, again = slide(title("Findings"), text(FULL)), slide(title("Findings"), text(FULL))
    assert defects(first, again) == ["slide 2: the title 'Findings' again"]
    assert deck_cost([again], MEASURE, GEOMETRY, frozenset({"Findings"})).defects
    assert defects(first, slide(title("Findings (cont.)"), text(FULL), continued=True)) == []


def test_the_same_picture_on_the_next_slide_is_a_defect(tmp_path: Path) -> None:
    origin = Report("case.yaml", 3, "figures[a].file", "")
    source = SourceImage("fig-a", origin, tmp_path / "a.png",
                         "digest", PixelSettings(None, None, None, ()), 400, 400)
    picture = PictureBox(Box(0.2, 0.2, 4, 4), ImageRequest(source, 400, 400, 1.5, "deck"),
                         "Fig. 1", "Alt")
    shown = slide(title("CT: findings"), text(FULL), kind="finding", pictures=(picture,))
    again = slide(title("CT: findings (cont.)"), text(FULL), kind="finding",
                  pictures=(picture,), continued=True)
    assert defects(shown, again) == ["slide 2: the previous slide's picture again"]


def test_text_over_a_template_logo_is_a_defect_but_not_on_image_slides() -> None:
    logo = Box(0.3, 0.25, 1.6, 0.6)
    geometry = default_geometry()
    geometry = type(geometry)(geometry.width, geometry.height, geometry.title, geometry.body,
                              keep_out=(logo,))
    assert defects(slide(title("History"), text(FULL)), geometry=geometry) == [
        "slide 1: 'Title' lies over the template's picture"]
    label = TextBox(Box(0.2, 0.1, 12, 0.45),
                    (TextPara((Span("Case 4  ·  CT"),), 16, color=LABEL_COLOR_ON_DARK,
                              space_after=0, scalable=False),),
                    "Image label", role="title")
    dark = SlidePlan("unknown", "figure", True, (label,))
    assert defects(dark, geometry=geometry) == []


def test_a_footer_that_wraps_and_an_untitled_findings_slide_are_defects() -> None:
    narrow = Box(10, 6.95, 1.2, 0.4)
    footer = slide(title("History"), text(FULL), footer=narrow, label="Thursday Unknowns 14")
    assert defects(footer) == ["slide 1: the footer wraps"]
    assert defects(slide(title("Findings"), text(FULL), kind="finding", untitled=True)) == [
        "slide 1: a findings slide whose title does not say what it shows"]


# -- the handout -------------------------------------------------------------------------------


def record(pages: list[list[str]], figures: dict[int, int], mentions: dict[int, int],
           empty: list[float] | None = None) -> LayoutRecord:
    layout = LayoutRecord()
    for number, kinds in enumerate(pages, 1):
        for kind in kinds:
            layout.placed(kind, number)
        layout.on(number).empty = (empty or [0.0] * len(pages))[number - 1]
    layout.figure_pages.update(figures)
    layout.mention_pages.update(mentions)
    return layout


def handout_defects(layout: LayoutRecord) -> list[str]:
    return [str(d) for d in handout_cost(layout).defects]


def test_a_three_page_handout_with_figures_by_their_mentions_has_no_defect() -> None:
    layout = record([["title", "body", "figure"], ["figure", "body"], ["body", "reference"]],
                    {1: 1, 2: 2}, {1: 1, 2: 1})
    assert handout_defects(layout) == []
    assert handout_cost(layout).distance == 1


def test_four_pages_for_four_figures_and_a_far_figure_are_defects() -> None:
    layout = record([["body"], ["body"], ["body"], ["figure", "body"]], {1: 4}, {1: 1})
    assert handout_defects(layout) == ["page 4: 4 pages for 1 figures (3 at most)",
                                       "page 4: Fig. 1 3 pages after its first mention"]


def test_a_page_of_references_alone_or_one_bullet_alone_is_a_defect() -> None:
    refs = record([["body"], ["heading", "reference", "reference"]], {}, {})
    assert handout_defects(refs) == ["page 2: a page holding only references"]
    bullet = record([["body"], ["bullet"]], {}, {})
    assert handout_defects(bullet) == ["page 2: a page holding only one bullet"]


def test_a_page_but_the_last_left_a_third_empty_is_a_defect() -> None:
    layout = record([["body"], ["body"], ["body"]], {}, {}, empty=[0.34, 0.1, 0.9])
    assert handout_defects(layout) == ["page 1: 34% of the page left empty"]


def test_a_line_left_alone_by_a_page_break_is_a_defect() -> None:
    layout = record([["body"], ["body", "body"]], {}, {})
    layout.lone_line(2)
    assert handout_defects(layout) == [
        "page 2: a paragraph's line alone on the page (a widow or an orphan)"]


def test_contrast_is_wcags_ratio_and_a_faint_colour_is_a_defect() -> None:
    from dataclasses import replace

    from casedocs.render.deck.colours import contrast

    assert round(contrast("000000", "FFFFFF"), 1) == 21.0
    assert round(contrast("777777", "FFFFFF"), 2) == 4.48
    faint = text(FULL)
    faint = replace(faint, paragraphs=tuple(replace(p, color="AAAAAA") for p in faint.paragraphs))
    assert defects(slide(title("History"), faint)) == [
        "slide 1: text of too little contrast ('Body', #AAAAAA on #FFFFFF)"]


def test_what_is_behind_text_on_a_template_is_the_topmost_shape_covering_it() -> None:
    from casedocs.render.deck.colours import Backdrop, Fill

    band = Fill(Box(0, 0, 13.33, 1.3), "2C3E50")
    picture = Fill(Box(0, 5, 13.33, 2.5), None, (("000000", "FFFFFF"), ("000000", "FFFFFF")))
    backdrop = Backdrop("FFFFFF", (band, picture))
    assert backdrop.behind(Box(0.5, 0.2, 8, 0.8)) == "2C3E50"
    assert backdrop.behind(Box(0.5, 0.2, 8, 0.8), shapes=False) == "FFFFFF"  # hidden
    assert backdrop.behind(Box(0.5, 2, 8, 2)) == "FFFFFF"
    assert backdrop.behind(Box(0.5, 5.2, 5, 2)) == "000000"  # the picture's left half
    assert backdrop.behind(Box(0.5, 5.2, 12, 2)) == "808080"  # both halves: their mean
    assert backdrop.legible("000000", Box(0.5, 0.2, 8, 0.8)) == "FFFFFF"
    assert backdrop.legible("000000", Box(0.5, 2, 8, 2)) == "000000"
    assert backdrop.crossed_by(Box(0.5, 0.8, 8, 1.0))  # half on the band, half off
    assert not backdrop.crossed_by(Box(0.5, 0.2, 8, 0.8))


def test_theme_text_that_reads_on_neither_of_its_colours_is_a_defect() -> None:
    """Only the template's text and background colours replace a failing one: where neither
    reads (a mid-grey band, greys for both), the slide is still one to touch."""
    from dataclasses import replace

    from casedocs.render.deck.colours import Backdrop, Fill

    grey = Backdrop("FFFFFF", (Fill(Box(0, 0, 13.33, 7.5), "888888"),), title="555555",
                    body="555555", other="555555", text="555555", paper="BBBBBB")
    geometry = replace(GEOMETRY, styled=False, backdrops=(("history", grey),))
    plan = slide(title("History"), text(FULL), kind="history")
    found = [str(d) for d in deck_cost([plan], MEASURE, geometry).defects]
    assert "slide 1: text of too little contrast ('Title', #555555 on #888888)" in found
    readable = replace(grey, text="000000")  # what replaces the greys reads
    geometry = replace(GEOMETRY, styled=False, backdrops=(("history", readable),))
    assert deck_cost([plan], MEASURE, geometry).defects == ()


def test_text_across_the_edge_of_a_template_shape_is_a_defect_a_plain_slide_has_not() -> None:
    from dataclasses import replace

    from casedocs.render.deck.colours import Backdrop, Fill

    stripe = Backdrop("FFFFFF", (Fill(Box(0, 2.2, 13.33, 0.5), "FFFFFF"),))
    geometry = replace(GEOMETRY, styled=False, backdrops=(("history", stripe),))
    plan = slide(title("History"), text(FULL), kind="history")
    assert "slide 1: text across the template's shapes ('Body')" in [
        str(d) for d in deck_cost([plan], MEASURE, geometry).defects]
    assert deck_cost([replace(plan, plain=True)], MEASURE, geometry).defects == ()


def test_a_slide_that_begins_inside_a_sentence_is_a_defect() -> None:
    cut = slide(title("Discussion"), text(FULL + " The opacity abuts the"))
    rest = slide(title("Discussion (cont.)"), text("hemidiaphragm. " + FULL), continued=True)
    assert defects(cut, rest) == ["slide 2: a slide that begins inside a sentence"]
    whole = slide(title("Discussion"), text(FULL))
    assert defects(whole, slide(title("Discussion (cont.)"), text(FULL), continued=True)) == []
