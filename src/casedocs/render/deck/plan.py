"""The deck as plain data: which slides, in which order, with what text where.

No python-pptx here: the plan can be tested by itself, and the writer only draws it. Text is
paginated with real font metrics (textfit), so a long list continues on a "(cont.)" slide
instead of overflowing or shrinking.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from casedocs.document.answers import PublicFigure
from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import DocBlock, DocFigure, DocList, Document, Spans, plain
from casedocs.document.inline import Span
from casedocs.document.words import ends_sentence
from casedocs.figures import ImageRequest, SourceImage
from casedocs.figures.annotations import Mark, place_marks
from casedocs.render.deck.textfit import LINE_SPACING, TextMeasure, Word, spans_of, words_of
from casedocs.wording import words

SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches: 16:9, unless a template says otherwise
INSET_X, INSET_Y = 0.1, 0.05  # text frame insets, set explicitly by the writer
TITLE_SIZE, BODY_SIZE, NOTE_SIZE, REFERENCE_SIZE = 36, 26, 20, 18
TITLE_SIZES = (TITLE_SIZE, 32, 28)  # titles shrink a step rather than wrap in a narrow column
CAPTION_SIZE = 16  # figure numbers and credits on the black image panel: small print
LABEL_SIZE = 16  # the neutral label on image slides
MAX_BODY_LINES = 7  # a projected slide reads well with about six lines
ORPHAN_LINES = 2  # a paragraph may run this far past the line limit to avoid a tiny slide
MAX_COLUMN_LINES = 12  # the narrow text column beside an answer image: short lines
FINDING_SIZE = 24
BULLET_INDENT = 0.4
LOGO_HEIGHT = 0.9  # inches, on title slides
PANEL_SHARE = 0.6  # the answer image takes about 60% of the width
TEXT_COLOR, MUTED_COLOR, TITLE_COLOR = "1F2933", "52606D", "0B3C5D"
LABEL_COLOR_ON_DARK = "C8C8C8"

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
BoxRole = Literal["title", "body", "label"]  # a title goes into the layout's title placeholder


@dataclass(frozen=True)
class Bullet:
    char: str = "\u2022"


@dataclass(frozen=True)
class Numbered:
    number: int  # drawn as "3." by PowerPoint's own numbering


Marker = Bullet | Numbered
BULLET = Bullet()


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


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


@dataclass(frozen=True)
class DeckGeometry:
    """The slide size and where titles and body text go: from a template, or our defaults.
    All other positions are computed from these, so 4:3 and 16:10 slides look right too."""

    width: float
    height: float
    title: Box
    body: Box
    styled: bool = True  # our own colours; False: the template's theme decides them

    @property
    def margin(self) -> float:
        return self.title.x

    @property
    def footer(self) -> Box:
        return Box(self.margin, self.height - 0.55, self.width - 2 * self.margin, 0.4)

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




SCREEN_OVERSAMPLE = 1.5  # images carry up to 1.5x the pixels the display gives their box


def plan_deck(
    document: Document,
    measure: TextMeasure | None = None,
    geometry: DeckGeometry | None = None,
) -> list[SlidePlan]:
    """Unknown part (title, history, clean images, prompt), then the answer part."""
    planner = _Planner(document, measure or TextMeasure(), geometry or default_geometry())
    return [*planner.unknown_slides(), *planner.answer_slides()]


def _labelled(label: str, slides: Iterator[SlidePlan]) -> list[SlidePlan]:
    return [replace(slide, label=label) for slide in slides]


def plan_conference(
    conference: ConferenceDocument,
    unknown: bool,
    measure: TextMeasure | None = None,
    geometry: DeckGeometry | None = None,
) -> list[SlidePlan]:
    """A title slide, then every case's unknown part and answer (a divider before each
    answer): all unknowns first, or case by case."""
    measure, geometry = measure or TextMeasure(), geometry or default_geometry()
    planners = [_Planner(d, measure, geometry) for d in conference.documents]
    slides = [planners[0].conference_title(conference)] if planners else []
    unknowns = [p.unknown_slides() for p in planners]
    answers = [[p.divider(), *p.answer_slides()] for p in planners]
    if unknown:
        return slides + [s for part in unknowns for s in part]
    if conference.order == "case-by-case":
        return slides + [s for u, a in zip(unknowns, answers, strict=True) for s in u + a]
    return slides + [s for part in unknowns + answers for s in part]


class _Planner:
    def __init__(self, document: Document, measure: TextMeasure, geometry: DeckGeometry):
        self.doc = document
        self.measure = measure
        self.geo = geometry
        self.say = words(document.language)
        discussion = "\n\n".join(_plain_block(block) for block in document.discussion)
        self.answer_notes = self.say("notes_discussion", text=discussion) if discussion else ""

    # -- unknown part: nothing here may come from answer fields ------------------------------

    def unknown_slides(self) -> list[SlidePlan]:
        return _labelled(self.doc.label, self._unknown_slides())

    def answer_slides(self) -> list[SlidePlan]:
        return _labelled(self.doc.label, self._answer_slides())

    def _unknown_slides(self) -> Iterator[SlidePlan]:
        """Made from the public part alone: no answer field is within reach."""
        public = self.doc.public
        label = public.label
        title = self._fitted(
            TextPara((Span(label),), 54, color=TITLE_COLOR, bold=True, align="center"),
            self._centre_box(),
        )
        yield SlidePlan(
            "unknown",
            "title",
            False,
            (
                TextBox(
                    self._centre_box(),
                    (title,),
                    "Case label",
                    "middle",
                ),
            ),
            pictures=self._logo(public.logo),
            notes=self.say("notes_title", label=label),
        )
        yield from self._text_slides(
            "unknown",
            "history",
            self.say("history"),
            [self._para(public.history)],
            self.say("notes_history"),
        )
        for figure in public.figures:
            yield self._unknown_figure_slide(figure, label)
        prompts = [
            self._para((Span(self.say(key)),), bullet=BULLET)
            for key in ("prompt_findings", "prompt_differential", "prompt_diagnosis")
        ]
        yield from self._text_slides(
            "unknown",
            "prompt",
            self.say("interpretation"),
            prompts,
            self.say("notes_prompt"),
        )

    def _unknown_figure_slide(self, figure: PublicFigure, case_label: str) -> SlidePlan:
        label = TextPara(
            (Span(f"{case_label}  \u00b7  {figure.view}"),),
            LABEL_SIZE,
            color=LABEL_COLOR_ON_DARK,
            space_after=0,
        )
        area = Box(0.2, 0.6, self.geo.width - 0.4, self.geo.height - 0.8)
        return SlidePlan(
            "unknown",
            "figure",
            True,
            (TextBox(Box(0.2, 0.1, self.geo.width - 0.4, 0.45), (label,), "Image label"),),
            pictures=(self._picture(figure, area, figure.view),),
            notes=self.say("notes_figure", view=figure.view),
        )

    # -- answer part ---------------------------------------------------------------------------

    def _answer_slides(self) -> Iterator[SlidePlan]:
        doc = self.doc
        shown: set[str] = set()
        loose: list[TextPara] = []
        for finding in doc.findings:
            if finding.figures:
                yield from self._finding_slides(finding.text, finding.figures)
                shown |= {f.id for f in finding.figures}
            else:
                loose.append(self._para(finding.text, bullet=BULLET))
        for figure in doc.figures:
            if figure.id not in shown:
                yield from self._finding_slides(figure.caption, (figure,))
        yield from self._text_slides("answer", "findings", self.say("findings"), loose)
        yield from self._text_slides(
            "answer", "differential", self.say("differential"), self._differential_paras()
        )
        yield self._diagnosis_slide()
        yield from self._text_slides(
            "answer", "discussion", self.say("discussion"), self._block_paras(doc.discussion)
        )
        yield from self._text_slides(
            "answer",
            "teaching",
            self.say("teaching_points"),
            [self._para(p, bullet=BULLET) for p in doc.teaching_points],
        )
        yield from self._text_slides(
            "answer", "management", self.say("management"), self._block_paras(doc.management)
        )
        references = [
            self._para(r.text, size=REFERENCE_SIZE, bullet=Numbered(r.number))
            for r in doc.references
        ]
        yield from self._text_slides("answer", "references", self.say("references"), references)

    def _block_paras(self, blocks: tuple[DocBlock, ...]) -> list[TextPara]:
        paras = []
        for block in blocks:
            if isinstance(block, DocList):
                paras += [
                    self._para(item, bullet=Numbered(block.start + j) if block.ordered else BULLET)
                    for j, item in enumerate(block.items)
                ]
            else:
                paras.append(self._para(block))
        return paras

    def _differential_paras(self) -> list[TextPara]:
        paras = []
        for item in self.doc.differential:
            paras.append(
                self._para(
                    item.name,
                    bullet=BULLET,
                    space_after=2 if item.note else 8,
                    keep_with_next=bool(item.note),
                )
            )
            if item.note:
                paras.append(
                    self._para(item.note, size=NOTE_SIZE, color=MUTED_COLOR, indent=BULLET_INDENT)
                )
        return paras

    def _diagnosis_slide(self) -> SlidePlan:
        title = self._title(self.say("diagnosis"))
        diagnosis = self._fitted(
            TextPara(self.doc.diagnosis, 44, color=TITLE_COLOR, bold=True, align="center"),
            self.geo.body,
        )
        body = TextBox(self.geo.body, (diagnosis,), "Diagnosis text", "middle")
        return SlidePlan(
            "answer",
            "diagnosis",
            False,
            (title, body),
            notes=self.answer_notes,
            footer=self.geo.footer,
        )

    def _finding_slides(self, text: Spans, figures: tuple[DocFigure, ...]) -> Iterator[SlidePlan]:
        panel = Box(0, 0, self.geo.width * PANEL_SHARE, self.geo.height)
        pictures, labels = self._panel_pictures(panel, figures)
        column = Box(panel.width + 0.4, 0, self.geo.width - panel.width - 0.4 - self.geo.margin, 0)
        title_box = replace(column, y=self.geo.title.y, height=self.geo.title.height)
        body_box = replace(column, y=self.geo.body.y, height=self.geo.body.height)
        pages = self._paginate([self._para(text, size=FINDING_SIZE)], body_box, MAX_COLUMN_LINES)
        for i, page in enumerate(pages):
            heading = self._title_para(self.say("findings"), i > 0, title_box)
            title = TextBox(title_box, (heading,), "Title", role="title")
            yield SlidePlan(
                "answer",
                "finding",
                False,
                (title, TextBox(body_box, tuple(page), "Findings text"), *labels),
                pictures=pictures,
                panel=panel,
                notes=self.answer_notes,
                footer=replace(self.geo.footer, x=column.x, width=column.width),
            )

    def _panel_pictures(
        self, panel: Box, figures: tuple[DocFigure, ...]
    ) -> tuple[tuple[PictureBox, ...], tuple[TextBox, ...]]:
        """Images side by side on the black panel, each over its figure number and credit."""
        gap, pad = 0.15, 0.2
        cell_width = (panel.width - 2 * pad - gap * (len(figures) - 1)) / len(figures)
        labels = [self._figure_label(figure) for figure in figures]
        label_height = max(self._height(label, cell_width) for label in labels)
        pictures, captions = [], []
        for i, (figure, label) in enumerate(zip(figures, labels, strict=True)):
            x = pad + i * (cell_width + gap)
            cell = Box(x, pad, cell_width, panel.height - 2 * pad - label_height)
            picture = self._picture(figure, cell, self.say("figure", number=figure.number))
            pictures.append(picture)
            picture = picture.box
            captions.append(
                TextBox(
                    Box(x, picture.y + picture.height, cell_width, label_height),
                    label,
                    f"Fig. {figure.number} label",
                )
            )
        return tuple(pictures), tuple(captions)

    def _figure_label(self, figure: DocFigure) -> tuple[TextPara, ...]:
        number = TextPara(
            (Span(self.say("figure", number=figure.number), bold=True),),
            CAPTION_SIZE,
            color=LABEL_COLOR_ON_DARK,
            space_after=2,
        )
        if not figure.credit:
            return (number,)
        return (
            number,
            TextPara(figure.credit, CAPTION_SIZE, color=LABEL_COLOR_ON_DARK, space_after=0),
        )

    def _height(self, paras: tuple[TextPara, ...], width: float) -> float:
        """Inches a text box needs for `paras` at `width` inches, insets included."""
        box = Box(0, 0, width, 0)
        points = sum(
            len(self._lines(p, box)) * p.size * LINE_SPACING + p.space_after for p in paras
        )
        return points / 72 + 2 * INSET_Y + 0.05

    def _picture(self, figure: DocFigure | PublicFigure, area: Box, name: str) -> PictureBox:
        """The figure fitted into `area`: a public figure clean, an answer figure annotated."""
        box = _fit(figure.source.aspect, area)
        pixels = self.geo.screen_pixels_per_inch
        image = ImageRequest(
            figure.source, box.width * pixels, box.height * pixels, SCREEN_OVERSAMPLE, "deck"
        )
        marks = (
            place_marks(figure.annotations, box.width * 72, box.height * 72)
            if isinstance(figure, DocFigure)
            else ()
        )
        return PictureBox(box, image, name, figure.alt, marks)

    # -- text slides and pagination ------------------------------------------------------------

    def _text_slides(
        self, part: Part, kind: str, title: str, paras: list[TextPara], notes: str | None = None
    ) -> Iterator[SlidePlan]:
        if not paras:
            return
        for i, page in enumerate(self._paginate(paras, self.geo.body)):
            yield SlidePlan(
                part,
                kind,
                False,
                (
                    TextBox(
                        self.geo.title,
                        (self._title_para(title, i > 0, self.geo.title),),
                        "Title",
                        role="title",
                    ),
                    TextBox(self.geo.body, tuple(page), title),
                ),
                notes=self.answer_notes if notes is None else notes,
                footer=self.geo.footer,
            )

    def _paginate(
        self, paras: list[TextPara], box: Box, max_lines: int = MAX_BODY_LINES
    ) -> list[list[TextPara]]:
        """Fill slides in order; an item that alone does not fit is split between lines,
        after a sentence where one ends on the slide. Each paragraph is cut into words once
        and wrapped only as far as a slide reaches, so time grows with the text's length."""
        capacity = (box.height - 2 * INSET_Y) * 72
        pages: list[list[TextPara]] = [[]]
        used, lines_used = 0.0, 0
        queue = deque(_Pending(para, words_of(para.spans)) for para in paras)
        while queue:
            pending = queue.popleft()
            para = pending.para
            reach = max(max_lines + ORPHAN_LINES, int(capacity // (para.size * LINE_SPACING)))
            lines = self._wrapped(pending, box, reach)
            height = len(lines) * para.size * LINE_SPACING + para.space_after
            if para.keep_with_next and queue and pages[-1]:
                follower = queue[0].para
                follower_lines = len(self._lines(follower, box))
                both = height + follower_lines * follower.size * LINE_SPACING + follower.space_after
                if used + both > capacity or lines_used + len(lines) + follower_lines > max_lines:
                    pages.append([])
                    used, lines_used = 0.0, 0
            # A line or two over the style limit beats an orphan "(cont.)" slide.
            if used + height <= capacity and lines_used + len(lines) <= max_lines + (
                ORPHAN_LINES if len(lines) > ORPHAN_LINES else 0
            ):
                pages[-1].append(pending.placed())
                used, lines_used = used + height, lines_used + len(lines)
                continue
            room = min(
                int((capacity - used - para.space_after) // (para.size * LINE_SPACING)),
                max_lines - lines_used,
            )
            fits_alone = height <= capacity and len(lines) <= max_lines
            if pages[-1] and (fits_alone or room < 2):
                pages.append([])
                used, lines_used = 0.0, 0
                queue.appendleft(pending)
                continue
            cut = _sentence_cut(lines, max(room, 1))
            head = replace(para, spans=spans_of(pending.words[:cut]))
            if pages[-1] and len(self._lines(head, box)) > room:  # a long word's extra line
                pages.append([])
                used, lines_used = 0.0, 0
                queue.appendleft(pending)
                continue
            pages[-1].append(head)
            if cut < len(pending.words):  # nothing left when a long word's end did not fit
                indent = para.indent + (BULLET_INDENT if para.bullet else 0)
                rest = replace(para, bullet=None, indent=indent)
                queue.appendleft(_Pending(rest, pending.words[cut:], whole=False))
            pages.append([])
            used, lines_used = 0.0, 0
        return [page for page in pages if page]

    def _wrapped(self, pending: _Pending, box: Box, reach: int) -> list[list[Word]]:
        """The paragraph's lines, up to one past `reach` (enough to know it does not fit)."""
        para = pending.para
        width = (box.width - 2 * INSET_X - para.indent - (BULLET_INDENT if para.bullet else 0)) * 72
        return self.measure.wrap_words(pending.words, para.size, width, reach + 1)

    def _lines(self, para: TextPara, box: Box) -> list[list[Word]]:
        width = (box.width - 2 * INSET_X - para.indent - (BULLET_INDENT if para.bullet else 0)) * 72
        return self.measure.wrap(para.spans, para.size, width)

    def _para(self, spans: Spans, size: float = BODY_SIZE, **options: object) -> TextPara:
        return TextPara(spans, size, **options)  # type: ignore[arg-type]

    def _title_para(self, title: str, continued: bool, box: Box) -> TextPara:
        """The slide title at the largest of the title sizes that keeps it on one line."""
        text = self.say("continued", title=title) if continued else title
        width = (box.width - 2 * INSET_X) * 72
        size = next(
            (size for size in TITLE_SIZES if self.measure.width(text, size, bold=True) <= width),
            TITLE_SIZES[-1],
        )
        return TextPara((Span(text),), size, color=TITLE_COLOR, bold=True, space_after=0)

    def _logo(self, logo: SourceImage | None) -> tuple[PictureBox, ...]:
        """The department's logo in the title slide's top right corner."""
        if logo is None:
            return ()
        height = LOGO_HEIGHT
        width = min(height * logo.aspect, self.geo.width / 4)
        box = Box(self.geo.width - self.geo.margin - width, 0.3, width, width / logo.aspect)
        pixels = self.geo.screen_pixels_per_inch
        size = (box.width * pixels, box.height * pixels)
        image = ImageRequest(logo, *size, SCREEN_OVERSAMPLE, "deck")
        return (PictureBox(box, image, "Logo", "Logo"),)

    def _fitted(self, para: TextPara, box: Box, share: float = 1.0) -> TextPara:
        """`para` at the largest size, stepping down to 28 pt, whose lines fit in `share` of
        `box` (big one-off texts: the case label, the diagnosis, a conference title)."""
        for size in range(int(para.size), 27, -4):
            candidate = replace(para, size=size)
            lines = len(self._lines(candidate, box))
            if lines * size * LINE_SPACING <= (box.height - 2 * INSET_Y) * 72 * share:
                return candidate
        return replace(para, size=28)

    def _centre_box(self) -> Box:
        return Box(
            self.geo.margin,
            self.geo.height * 0.3,
            self.geo.width - 2 * self.geo.margin,
            self.geo.height * 0.3,
        )

    def conference_title(self, conference: ConferenceDocument) -> SlidePlan:
        lines = [
            self._fitted(
                TextPara(
                    (Span(conference.title),), 44, color=TITLE_COLOR, bold=True, align="center"
                ),
                self._centre_box(),
                share=0.6,
            )
        ]
        details = [
            conference.presenter,
            self.say.long_date(conference.date) if conference.date else None,
        ]
        lines += [
            TextPara((Span(text),), 24, color=MUTED_COLOR, align="center")
            for text in details
            if text
        ]
        count = len(conference.documents)
        return SlidePlan(
            "unknown",
            "title",
            False,
            (TextBox(self._centre_box(), tuple(lines), "Conference", "middle"),),
            pictures=self._logo(conference.logo),
            notes=self.say(
                "notes_conference" if count != 1 else "notes_conference_one",
                title=conference.title,
                count=count,
            ),
        )

    def divider(self) -> SlidePlan:
        """Marks where a case's answer begins (conference decks)."""
        text = TextPara(
            (Span(self.say("answer_divider", label=self.doc.label)),),
            44,
            color=TITLE_COLOR,
            bold=True,
            align="center",
        )
        return SlidePlan(
            "answer",
            "divider",
            False,
            (TextBox(self._centre_box(), (text,), "Divider", "middle"),),
            notes=self.answer_notes,
            footer=self.geo.footer,
            label=self.doc.label,
        )

    def _title(self, title: str) -> TextBox:
        title_para = self._title_para(title, False, self.geo.title)
        return TextBox(self.geo.title, (title_para,), "Title", role="title")


@dataclass
class _Pending:
    """A paragraph, or what is left of it, waiting for a slide."""

    para: TextPara
    words: list[Word]
    whole: bool = True  # the paragraph as written: placed as its own spans

    def placed(self) -> TextPara:
        return self.para if self.whole else replace(self.para, spans=spans_of(self.words))


CLAUSE_ENDS = (";", ":")  # a slide may also break after these


def _sentence_cut(lines: list[list[Word]], room: int) -> int:
    """How many words of the first `room` lines to keep on this slide: through the last
    sentence (or clause) that ends there, unless that would leave the slide less than half
    full. "Fig." and "e.g." end no sentence."""
    words = [word for line in lines[:room] for word in line]
    following = [word.text for line in lines[room : room + 1] for word in line][:1]
    for count in range(len(words), len(words) // 2, -1):
        word = words[count - 1]
        after = words[count].text if count < len(words) else "".join(following)
        # "disease." glued to its citation marker ends the sentence after the marker.
        ends = _ends(word.text, after) or (
            word.span.superscript
            and count >= 2
            and not words[count - 2].space
            and _ends(words[count - 2].text, after)
        )
        if ends and (word.space or count == len(words)):
            return count
    return len(words)


def _ends(text: str, following: str) -> bool:
    return text.endswith(CLAUSE_ENDS) or ends_sentence(text, following)


def _fit(aspect: float, area: Box) -> Box:
    """The largest box of the `aspect` ratio (width / height) centred in `area`."""
    width = min(area.width, area.height * aspect)
    height = width / aspect
    return Box(
        area.x + (area.width - width) / 2, area.y + (area.height - height) / 2, width, height
    )


def _plain_block(block: DocBlock) -> str:
    if not isinstance(block, DocList):
        return plain(block)
    markers = [f"{block.start + j}." if block.ordered else "-" for j in range(len(block.items))]
    return "\n".join(
        f"{marker} {plain(item)}" for marker, item in zip(markers, block.items, strict=True)
    )
