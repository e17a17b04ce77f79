"""A slide plan's data: boxes, texts, pictures and slides, the deck's sizes and colours, and
the measures both the planner and the cost need. Plain data: no python-pptx, no planning."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from casedocs.document.document import Spans
from casedocs.document.inline import Span
from casedocs.figures import ImageRequest
from casedocs.figures.annotations import Mark
from casedocs.render.deck.boxes import Box, BoxRole
from casedocs.render.deck.colours import Backdrop
from casedocs.render.deck.textfit import LINE_SPACING, TextMeasure, words_of

SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches: 16:9, unless a template says otherwise
INSET_X, INSET_Y = 0.1, 0.05  # text frame insets, set explicitly by the writer
# Sizes in points on a 7.5-inch-high (16:9) slide; other slide sizes scale them.
TITLE_SIZE = 36
TITLE_SIZES = (TITLE_SIZE, 32, 28, 24)  # titles shrink rather than wrap, or overflow a low box
BODY_SIZES = (24, 22, 20)  # body text shrinks to 20 pt before it continues on a new slide
BODY_SIZE, MIN_BODY_SIZE = BODY_SIZES[0], BODY_SIZES[-1]
NOTE_SIZE = REFERENCE_SIZE = MIN_BODY_SIZE  # differential notes, references: the minimum
CAPTION_SIZE = 16  # figure numbers and credits on the black image panel: small print
LABEL_SIZE = 16  # the neutral label on image slides
FOOTER_SIZE = 14  # the case label and slide number on text slides
FOOTER_SIZES = (FOOTER_SIZE, 12, 10)  # a long label in a narrow column: smaller, on one line
UNLIMITED_LINES = 10**6  # slides fill by measured space, not by a count of lines
ORPHAN_LINES = 2  # a paragraph may run this far past the line limit to avoid a tiny slide
DISCUSSION_SLIDES = 2  # by default; the rest of the discussion goes into their notes
MAX_POINTS = 6  # teaching points a slide
BALANCE_SHARES = (0.85, 0.7, 0.55)  # of a box's height: fuller earlier slides, to try
FINDING_SIZE = BODY_SIZE
BULLET_INDENT = 0.4
LOGO_HEIGHT = 0.9  # inches, on title slides
MIN_IMAGE_SHARE = 0.6  # of the slide's height, for every image on a findings slide
NARROW = 0.6  # width / height: an image this narrow pairs with another as narrow
MAX_PANEL_SHARE = 0.72  # of the slide's width, for the images beside a finding
PANEL_SHARES = (MAX_PANEL_SHARE, 0.64, 0.56)  # the panel widths a findings slide may take
LAST_RESORT_SHARES = (0.5, 0.44)  # narrower, tried only when the others leave defects
PANEL_PAD, PANEL_GAP = 0.15, 0.1  # inches around and between the images on their panel
TEXT_COLOR, MUTED_COLOR, TITLE_COLOR = "1F2933", "52606D", "0B3C5D"
LABEL_COLOR_ON_DARK = "C8C8C8"
DIAGNOSIS_MARK = "\u2713"  # beside the diagnosis in the differential

Part = Literal["unknown", "answer"]
SlideKind = Literal[
    "title",
    "history",
    "figure",
    "prompt",
    "divider",
    "finding",
    "findings",
    "differential",
    "diagnosis",
    "discussion",
    "teaching",
    "management",
    "references",
]
@dataclass(frozen=True)
class Bullet:
    char: str = "\u2022"


@dataclass(frozen=True)
class Numbered:
    number: int  # drawn as "3." by PowerPoint's own numbering


Marker = Bullet | Numbered
BULLET = Bullet()


@dataclass(frozen=True)
class TextPara:
    spans: Spans
    size: float
    color: str = TEXT_COLOR
    bold: bool = False
    bullet: Marker | None = None  # hanging in the left indent
    indent: float = 0.0  # inches
    align: Literal["left", "center"] = "left"
    space_after: float = 8.0  # points
    keep_with_next: bool = False  # a differential name and its note share a slide
    scalable: bool = True  # body text, shrunk towards the minimum to fit; else fixed


@dataclass(frozen=True)
class TextBox:
    box: Box
    paragraphs: tuple[TextPara, ...]
    name: str  # the shape's name, for people editing the deck
    anchor: Literal["top", "middle"] = "top"
    role: BoxRole = "body"


@dataclass(frozen=True)
class PictureBox:
    box: Box
    image: ImageRequest  # resolved to pixels when the deck is drawn
    name: str
    alt: str
    marks: tuple[Mark, ...] = ()  # annotations, in points over the picture: answer slides only
    moving: bool = False  # a stack before the answer: its slices as a video, the key slice still


@dataclass(frozen=True)
class SlidePlan:
    part: Part
    kind: SlideKind
    dark: bool
    texts: tuple[TextBox, ...]
    pictures: tuple[PictureBox, ...] = ()
    panel: Box | None = None  # a black panel behind answer images on a light slide
    notes: str = ""
    footer: Box | None = None  # where the label and slide number go; none on image slides
    label: str = ""  # the case's neutral label, for the footer
    continued: bool = False  # goes on with the previous slide's text, under its title
    footer_size: float = FOOTER_SIZE  # smaller where the label would not fit on one line
    untitled: bool = False  # images under a title that does not say what they show
    plain: bool = False  # the template's master shapes hidden: its text would cross them

    @property
    def shows_master(self) -> bool:
        """The master's and layout's own shapes (logos, bands) show: image slides are ours
        edge to edge, and a plain slide hides them."""
        return not (self.dark or self.panel or self.plain)


KIND_ROLES = {  # the planner's slide kinds, by the role whose layout they use
    "title": "title",
    "history": "history",
    "figure": "figure",
    "prompt": "prompt",
    "divider": "divider",
    "finding": "findings",
    "findings": "findings",
    "differential": "differential",
    "diagnosis": "diagnosis",
    "discussion": "discussion",
    "teaching": "discussion",
    "management": "discussion",
    "references": "references",
}


@dataclass(frozen=True)
class DeckGeometry:
    """The slide size and where titles and body text go: from a template, or our defaults.
    All other positions are computed from these, so 4:3 and 16:10 slides look right too."""

    width: float
    height: float
    title: Box
    body: Box
    styled: bool = True  # our own colours; False: the template's theme decides them
    keep_out: tuple[Box, ...] = ()  # the template's own pictures (logos): nothing goes over
    # How text is seen on each role's layout of a template: none on our design, where every
    # colour is ours.
    backdrops: tuple[tuple[str, Backdrop], ...] = ()

    def backdrop(self, kind: SlideKind) -> Backdrop | None:
        return dict(self.backdrops).get(KIND_ROLES[kind])

    @property
    def margin(self) -> float:
        return self.title.x

    @property
    def text_right(self) -> float:
        """Where text ends on the right: the layout's title or body, whichever reaches
        further, and never nearer the edge than our own margin."""
        right = max(self.title.x + self.title.width, self.body.x + self.body.width)
        return min(right, self.width - 0.3 * self.height / SLIDE_HEIGHT)

    @property
    def footer(self) -> Box:
        """A line at the foot of text slides, clear of the template's pictures."""
        footer = Box(self.margin, self.height - 0.55, self.width - 2 * self.margin, 0.4)
        for logo in self.keep_out:
            if overlap(footer, logo):  # the part left or right of it, whichever is wider
                left = Box(footer.x, footer.y, logo.x - 0.1 - footer.x, footer.height)
                right_x = logo.x + logo.width + 0.1
                right = Box(right_x, footer.y, footer.x + footer.width - right_x, footer.height)
                footer = max(left, right, key=lambda box: box.width)
        return footer

    @property
    def screen_pixels_per_inch(self) -> float:
        """A 1920 x 1080 display showing the whole slide."""
        return min(1920 / self.width, 1080 / self.height)


def default_geometry(width: float = SLIDE_WIDTH, height: float = SLIDE_HEIGHT) -> DeckGeometry:
    margin = 0.045 * width
    return DeckGeometry(
        width,
        height,
        title=Box(margin, 0.35, width - 2 * margin, 1.0),
        body=Box(margin, 1.5, width - 2 * margin, height - 2.2),
    )




def overlap(a: Box, b: Box) -> bool:
    return (
        a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def footer_text(label: str, number: int | None) -> str:
    shown = [part for part in (label, "" if number is None else str(number)) if part]
    return "  \u00b7  ".join(shown)


def footer_box(slide: SlidePlan, number: int, geometry: DeckGeometry) -> TextBox | None:
    """The footer of slide `number` as drawn: the case's label and the number, muted; the
    label alone where the template's master numbers the slide itself; None when there is
    nothing to show."""
    backdrop = geometry.backdrop(slide.kind)
    numbered = backdrop is not None and backdrop.numbered and slide.shows_master
    text = footer_text(slide.label, None if numbered else number)
    if not (slide.footer and text):
        return None
    para = TextPara((Span(text),), slide.footer_size, color=MUTED_COLOR, space_after=0)
    return TextBox(slide.footer, (para,), "Footer")


def box_text(box: TextBox) -> str:
    return "".join(span.text for para in box.paragraphs for span in para.spans)


def drawn_spans(para: TextPara) -> Spans:
    """The paragraph's spans as drawn: bold throughout where the paragraph is bold (what
    a bold title or case label is measured in)."""
    if not para.bold:
        return para.spans
    return tuple(replace(span, bold=True) if isinstance(span, Span) else span
                 for span in para.spans)


def widest_word(para: TextPara, measure: TextMeasure) -> float:
    """Points the paragraph's widest word takes (a word and the marker glued to it, one)."""
    words = words_of(drawn_spans(para))
    return max(
        (measure.width(w.text, para.size, w.span.bold, w.span.italic) for w in words),
        default=0.0,
    )


def text_height(paras: tuple[TextPara, ...], width: float, measure: TextMeasure) -> float:
    """Inches a text box `width` inches wide needs for `paras`, insets included."""
    points = sum(
        len(measure.wrap(drawn_spans(p), p.size, line_width(p, width))) * p.size * LINE_SPACING
        + p.space_after
        for p in paras
    )
    return points / 72 + 2 * INSET_Y


def line_width(para: TextPara, box_width: float) -> float:
    """Points a line of `para` may take in a box `box_width` inches wide."""
    return (box_width - 2 * INSET_X - para.indent - (BULLET_INDENT if para.bullet else 0)) * 72
