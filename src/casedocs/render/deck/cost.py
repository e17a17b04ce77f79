"""The slides of a deck plan a presenter would still touch, and how well the rest use the slide.

Read from the plan alone (no python-pptx): every text is measured with the deck's font, every
box is compared with the slide and with the template's own pictures. The weights are in
render/cost.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from casedocs.document.inline import Span
from casedocs.render.cost import Cost, Defect
from casedocs.render.deck.colours import MIN_CONTRAST, contrast, themed_ink
from casedocs.render.deck.slides import (
    BODY_SIZE,
    INSET_X,
    INSET_Y,
    MIN_BODY_SIZE,
    SLIDE_HEIGHT,
    Box,
    DeckGeometry,
    SlidePlan,
    TextBox,
    box_text,
    drawn_spans,
    footer_box,
    footer_text,
    line_width,
    overlap,
    text_height,
    widest_word,
)
from casedocs.render.deck.textfit import TextMeasure

LITTLE = 0.2  # of its box: a "(cont.)" slide holding less is a stray sentence or two
ROOM = 0.02  # inches a text may pass its box by (rounding), before it overflows
SENTENCE_ENDS = (".", "!", "?", ":", ";", "…", ")", '"', "”", "’")


def deck_cost(
    slides: list[SlidePlan],
    measure: TextMeasure,
    geometry: DeckGeometry,
    titles_before: frozenset[str] = frozenset(),
) -> Cost:
    """The cost of `slides`; `titles_before`: the titles of answer slides before them (a
    part of a deck is scored as it will sit in it)."""
    defects = [
        Defect(f"slide {number}", what)
        for number, slide in enumerate(slides, 1)
        for what in _slide_defects(slide, slides[number - 2] if number > 1 else None,
                                   measure, geometry)
    ]
    defects += _repeated_titles(slides, titles_before)
    scale = geometry.height / SLIDE_HEIGHT
    return Cost(
        tuple(defects),
        units=len(slides),
        empty=sum(_empty_share(slide, measure, geometry) for slide in slides),
        shrink=sum(_shrink(slide, scale) for slide in slides),
    )


def _slide_defects(
    slide: SlidePlan, previous: SlidePlan | None, measure: TextMeasure, geometry: DeckGeometry
) -> Iterator[str]:
    scale = geometry.height / SLIDE_HEIGHT
    for box in slide.texts:
        if not box_text(box).strip():
            yield f"an empty text box ('{box.name}')"
        elif text_height(box.paragraphs, box.box.width, measure) > box.box.height + ROOM:
            yield f"text overflows its box ('{box.name}')"
        elif _too_wide(box, measure):
            yield f"a word wider than its box ('{box.name}')"
        if any(p.scalable and p.size < MIN_BODY_SIZE * scale - 0.01 for p in box.paragraphs):
            yield f"text below {MIN_BODY_SIZE} pt ('{box.name}')"
        if box.name == "Title" and _lines(box, measure) > 2:
            yield f"a title over more than two lines ('{box.name}')"
    if slide.continued and previous is not None and _ends_mid_sentence(previous):
        yield "a slide that begins inside a sentence"
    if slide.continued and not slide.pictures and _fill(slide, measure) < LITTLE:
        yield "a '(cont.)' slide holding a sentence or two"
    shown = [box for box in slide.texts if box_text(box).strip()]
    for i, box in enumerate(shown):
        if any(overlap(box.box, other.box) for other in shown[i + 1 :]):
            yield f"text boxes overlap ('{box.name}')"
    if slide.untitled:
        yield "a findings slide whose title does not say what it shows"
    if previous is not None and slide.pictures and _shown(slide) == _shown(previous):
        yield "the previous slide's picture again"
    for thing in [*slide.texts, *slide.pictures]:
        if not _inside(thing.box, Box(0, 0, geometry.width, geometry.height)):
            yield f"'{thing.name}' runs off the slide"
        for logo in geometry.keep_out:
            if overlap(thing.box, logo) and not (slide.dark or slide.panel):
                yield f"'{thing.name}' lies over the template's picture"
    yield from _illegible(slide, geometry, measure)
    if slide.footer and slide.label:
        width = measure.width(footer_text(slide.label, 99), slide.footer_size)
        if width > (slide.footer.width - 2 * INSET_X) * 72:
            yield "the footer wraps"


def _too_wide(box: TextBox, measure: TextMeasure) -> bool:
    """A word that cannot fit a line of its box: a viewer breaks it inside."""
    return any(
        widest_word(para, measure) > line_width(para, box.box.width) + 0.5
        for para in box.paragraphs
    )


def _inked(box: TextBox, measure: TextMeasure) -> Box:
    """The part of a text's box its lines take, inside its insets: from the top, as wide as
    its widest line (left-aligned, or centred)."""
    inner = box.box.height - 2 * INSET_Y
    height = min(inner, text_height(box.paragraphs, box.box.width, measure) - 2 * INSET_Y)
    widest = max(
        (min(measure.width(box_text(TextBox(box.box, (para,), "")), para.size, para.bold),
             line_width(para, box.box.width)) / 72 + para.indent
         for para in box.paragraphs),
        default=0.0,
    )
    centred = all(para.align == "center" for para in box.paragraphs)
    x = box.box.x + (box.box.width - widest) / 2 if centred else box.box.x + INSET_X
    return Box(x, box.box.y + INSET_Y, widest, max(height, 0.0))


def _illegible(slide: SlidePlan, geometry: DeckGeometry, measure: TextMeasure
               ) -> Iterator[str]:
    """Text too close in colour to what is behind it: the colours we set on our slides, dark
    slides and figure labels (on black), and on a template's slides what its theme colours
    its text (or the dark or light text colour the writer puts in its place)."""
    backdrop = None if slide.dark else geometry.backdrop(slide.kind)
    footer = [box for box in [footer_box(slide, 99, geometry)] if box is not None]
    first = {role: next((b for b in slide.texts if b.role == role), None)
             for role in ("title", "body")}
    for box in [*slide.texts, *footer]:
        colours = [(para.color, "000000" if slide.dark or box.role == "label" else "FFFFFF")
                   for para in box.paragraphs]
        if backdrop is not None and box.role != "label":
            placeholder = any(box is chosen for chosen in first.values())
            ink = themed_ink(backdrop, box.box, box.role, placeholder, slide.shows_master)
            colours = [(ink.colour, ink.behind)] if ink.behind is not None else []
        if backdrop is not None and slide.shows_master and backdrop.crossed_by(
            _inked(box, measure)
        ):
            yield f"text across the template's shapes ('{box.name}')"
        for colour, behind in colours:
            if contrast(colour, behind) < MIN_CONTRAST:
                yield f"text of too little contrast ('{box.name}', #{colour} on #{behind})"
                break


def _lines(box: TextBox, measure: TextMeasure) -> int:
    para = box.paragraphs[0]
    return len(measure.wrap(drawn_spans(para), para.size, (box.box.width - 2 * INSET_X) * 72))


def _ends_mid_sentence(slide: SlidePlan) -> bool:
    """The slide's body text stops where no sentence, clause or list item ends."""
    bodies = [box for box in slide.texts if box.role == "body" and box.paragraphs]
    if not bodies:
        return False
    last = bodies[-1].paragraphs[-1]
    spans = [span for span in last.spans if not (isinstance(span, Span) and span.superscript)]
    text = "".join(span.text for span in spans).rstrip()
    return bool(text) and last.bullet is None and not text.endswith(SENTENCE_ENDS)


def _shown(slide: SlidePlan) -> tuple:
    return tuple((p.image.source.figure_id, p.marks) for p in slide.pictures)


def _repeated_titles(slides: list[SlidePlan], before: frozenset[str]) -> Iterator[Defect]:
    """An answer slide titled as an earlier one (three slides called 'Findings'), unless it
    says it continues it."""
    seen: set[str] = set(before)
    for number, slide in enumerate(slides, 1):
        title = next((box_text(b) for b in slide.texts if b.role == "title"), "")
        if slide.part != "answer" or slide.continued or not title or slide.kind == "divider":
            continue
        if title in seen:
            yield Defect(f"slide {number}", f"the title '{title}' again")
        seen.add(title)


def _fill(slide: SlidePlan, measure: TextMeasure) -> float:
    """The share of its body box the slide's body text fills."""
    bodies = [box for box in slide.texts if box.role == "body"]
    if not bodies:
        return 1.0
    return max(
        (text_height(box.paragraphs, box.box.width, measure) - 2 * INSET_Y) / box.box.height
        for box in bodies
    )


def _empty_share(slide: SlidePlan, measure: TextMeasure, geometry: DeckGeometry) -> float:
    """What is left empty: of an image slide, the area no picture covers; of a text slide,
    its body box's unused share."""
    if slide.pictures and slide.kind in ("figure", "finding"):
        covered = sum(p.box.width * p.box.height for p in slide.pictures)
        area = (slide.panel.width * slide.panel.height) if slide.panel else (
            geometry.width * geometry.height
        )
        return max(0.0, 1 - covered / area)
    if slide.kind in ("title", "divider", "diagnosis"):
        return 0.0
    return max(0.0, 1 - _fill(slide, measure))


def _shrink(slide: SlidePlan, scale: float) -> float:
    sizes = [p.size for box in slide.texts if box.role == "body" for p in box.paragraphs
             if p.scalable]
    return max((BODY_SIZE - size / scale for size in sizes if size / scale < BODY_SIZE),
               default=0.0)


def _inside(box: Box, outer: Box) -> bool:
    tolerance = 0.01
    return (
        box.x >= outer.x - tolerance
        and box.y >= outer.y - tolerance
        and box.x + box.width <= outer.x + outer.width + tolerance
        and box.y + box.height <= outer.y + outer.height + tolerance
    )
