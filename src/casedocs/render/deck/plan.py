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
from casedocs.document.document import (
    DocBlock,
    DocFigure,
    DocList,
    DocTable,
    Document,
    Spans,
    plain,
)
from casedocs.document.inline import Span
from casedocs.document.words import ends_sentence
from casedocs.figures import ImageRequest, SourceImage
from casedocs.figures.annotations import Mark, place_marks
from casedocs.render.deck.textfit import LINE_SPACING, TextMeasure, Word, spans_of, words_of
from casedocs.wording import words

SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches: 16:9, unless a template says otherwise
INSET_X, INSET_Y = 0.1, 0.05  # text frame insets, set explicitly by the writer
# Sizes in points on a 7.5-inch-high (16:9) slide; other slide sizes scale them.
TITLE_SIZE = 36
TITLE_SIZES = (TITLE_SIZE, 32, 28)  # titles shrink a step rather than wrap in a narrow column
BODY_SIZES = (24, 22, 20)  # body text shrinks to 20 pt before it continues on a new slide
BODY_SIZE, MIN_BODY_SIZE = BODY_SIZES[0], BODY_SIZES[-1]
NOTE_SIZE = REFERENCE_SIZE = MIN_BODY_SIZE  # differential notes, references: the minimum
CAPTION_SIZE = 16  # figure numbers and credits on the black image panel: small print
LABEL_SIZE = 16  # the neutral label on image slides
UNLIMITED_LINES = 10**6  # slides fill by measured space, not by a count of lines
ORPHAN_LINES = 2  # a paragraph may run this far past the line limit to avoid a tiny slide
DISCUSSION_SLIDES = 2  # by default; the rest of the discussion goes into their notes
FINDING_SIZE = BODY_SIZE
BULLET_INDENT = 0.4
LOGO_HEIGHT = 0.9  # inches, on title slides
MIN_IMAGE_SHARE = 0.6  # of the slide's height, for every image on a findings slide
MAX_PANEL_SHARE = 0.72  # of the slide's width, for the images beside a finding
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
    """Unknown part (title, history, clean images, prompt), a divider, then the answer."""
    planner = _Planner(document, measure or TextMeasure(), geometry or default_geometry())
    slides = [*planner.unknown_slides(), planner.divider(), *planner.answer_slides()]
    return _distinct_notes(slides)


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
        return _distinct_notes(slides + [s for part in unknowns for s in part])
    if conference.order == "case-by-case":
        slides += [s for u, a in zip(unknowns, answers, strict=True) for s in u + a]
    else:
        slides += [s for part in unknowns + answers for s in part]
    return _distinct_notes(slides)


def _distinct_notes(slides: list[SlidePlan]) -> list[SlidePlan]:
    """Speaker notes say what the presenter needs on that slide: where two slides would say
    the same (or nothing), the slide's own title leads its notes."""
    seen: set[str] = set()
    distinct = []
    for slide in slides:
        notes = slide.notes
        if notes in seen or not notes.strip():
            heading = _title_text(slide)
            notes = f"{heading}\n\n{notes}".strip() if heading else notes
        seen.add(notes)
        distinct.append(replace(slide, notes=notes))
    return distinct


def _title_text(slide: SlidePlan) -> str:
    for box in slide.texts:
        if box.role == "title" or box.name in ("Divider", "Case label", "Image label"):
            return "".join(span.text for para in box.paragraphs for span in para.spans)
    return ""


class _Planner:
    def __init__(self, document: Document, measure: TextMeasure, geometry: DeckGeometry):
        self.doc = document
        self.measure = measure
        self.geo = geometry
        self.say = words(document.language)
        self.scale = geometry.height / SLIDE_HEIGHT  # sizes are set for a 7.5-inch slide

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
            TextPara((Span(label),), 54 * self.scale, color=TITLE_COLOR, bold=True, align="center"),
            self._centre_box(),
        )
        yield SlidePlan(
            "unknown",
            "title",
            False,
            (
                TextBox(self._centre_box(), (title,), "Case label", "middle", role="title"),
            ),
            pictures=self._logo(public.logo),
            notes=self.say("notes_title", label=label),
        )
        yield from self._text_slides(
            "unknown",
            "history",
            self.say("history"),
            [self._para(public.history)],
            [self.say("notes_history")],
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
            [self.say("notes_prompt")],
        )

    def _unknown_figure_slide(self, figure: PublicFigure, case_label: str) -> SlidePlan:
        label = TextPara(
            (Span(f"{case_label}  \u00b7  {figure.view}"),),
            LABEL_SIZE * self.scale,
            color=LABEL_COLOR_ON_DARK,
            space_after=0,
        )
        area = Box(0.2, 0.6, self.geo.width - 0.4, self.geo.height - 0.8)
        notes = self.say("notes_figure", view=figure.view)
        notes += f"\n\n{figure.notes}" if figure.notes else ""
        return SlidePlan(
            "unknown",
            "figure",
            True,
            (
                TextBox(
                    Box(0.2, 0.1, self.geo.width - 0.4, 0.45), (label,), "Image label", role="title"
                ),
            ),
            pictures=(self._picture(figure, area, figure.view),),
            notes=notes,
        )

    # -- answer part ---------------------------------------------------------------------------

    def _answer_slides(self) -> Iterator[SlidePlan]:
        doc = self.doc
        shown: set[str] = set()
        loose: list[TextPara] = []
        loose_notes: list[str] = []
        for finding in doc.findings:
            if finding.figures:
                yield from self._finding_slides(finding.text, finding.figures, finding.notes)
                shown |= {f.id for f in finding.figures}
            else:
                loose.append(self._para(finding.text, bullet=BULLET))
                loose_notes += [finding.notes] if finding.notes else []
        for figure in doc.figures:
            if figure.id not in shown:
                yield from self._finding_slides(figure.caption, (figure,), "")
        yield from self._text_slides(
            "answer", "findings", self.say("findings"), loose, ["\n\n".join(loose_notes)]
        )
        yield from self._text_slides(
            "answer",
            "differential",
            self.say("differential"),
            self._differential_paras(),
            [_differential_notes(doc)],
        )
        yield self._diagnosis_slide()
        yield from self._discussion_slides()
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
            self._para(r.text, size=REFERENCE_SIZE, bullet=Numbered(r.number), scalable=False)
            for r in doc.references
        ]
        yield from self._text_slides("answer", "references", self.say("references"), references)

    def _discussion_slides(self) -> Iterator[SlidePlan]:
        """At most two slides by default, the rest of the discussion in their notes; all of
        it on slides, or all of it in the diagnosis slide's notes, when the case asks."""
        mode = self.doc.discussion_mode
        if mode == "notes":
            return
        pages = self._pages(self._block_paras(self.doc.discussion), self.geo.body)
        if mode == "default" and len(pages) > DISCUSSION_SLIDES:
            rest = "\n\n".join(plain(para.spans) for page in pages[2:] for para in page)
            pages = pages[:DISCUSSION_SLIDES]
            notes = [""] * (len(pages) - 1) + [self.say("notes_discussion", text=rest)]
        else:
            notes = []
        title = self.say("discussion")
        yield from self._slides_of_pages("answer", "discussion", title, pages, notes)

    def _block_paras(self, blocks: tuple[DocBlock, ...]) -> list[TextPara]:
        paras = []
        for block in blocks:
            if isinstance(block, DocList):
                paras += [
                    self._para(item, bullet=Numbered(block.start + j) if block.ordered else BULLET)
                    for j, item in enumerate(block.items)
                ]
            elif isinstance(block, DocTable):  # a row a line, the header's bold
                rows = [tuple(_bold(cell) for cell in block.header), *block.rows]
                paras += [self._para(_joined(row, " – ")) for row in rows]
            else:
                paras.append(self._para(block))
        return paras

    def _differential_paras(self) -> list[TextPara]:
        """Each item, the diagnosis among them in bold with a check mark, notes below."""
        paras = []
        for item in self.doc.differential:
            name = item.name
            if item.is_diagnosis:
                name = (*(replace(span, bold=True) for span in name), Span(f" {DIAGNOSIS_MARK}"))
            paras.append(
                self._para(
                    name,
                    bullet=BULLET,
                    space_after=2 if item.note else 8,
                    keep_with_next=bool(item.note),
                )
            )
            if item.note:
                paras.append(
                    self._para(
                        item.note,
                        size=NOTE_SIZE,
                        color=MUTED_COLOR,
                        indent=BULLET_INDENT,
                        scalable=False,
                    )
                )
        return paras

    def _diagnosis_slide(self) -> SlidePlan:
        title = self._title(self.say("diagnosis"))
        diagnosis = self._fitted(
            TextPara(
                self.doc.diagnosis, 44 * self.scale, color=TITLE_COLOR, bold=True, align="center"
            ),
            self.geo.body,
        )
        body = TextBox(self.geo.body, (diagnosis,), "Diagnosis text", "middle")
        notes = "\n\n".join(_plain_block(block) for block in self.doc.management)
        if self.doc.discussion_mode == "notes" and self.doc.discussion:
            discussion = "\n\n".join(_plain_block(block) for block in self.doc.discussion)
            notes += "\n\n" + self.say("notes_discussion", text=discussion)
        return SlidePlan(
            "answer",
            "diagnosis",
            False,
            (title, body),
            notes=notes.strip(),
            footer=self.geo.footer,
        )

    def _finding_slides(
        self, text: Spans, figures: tuple[DocFigure, ...], finding_notes: str
    ) -> Iterator[SlidePlan]:
        """Slides built around the images: one or two figures (as their shapes allow) at
        least 60% of the slide's height on a black panel, the finding beside them; text left
        over continues on text slides, never with the images repeated."""
        captions = "\n".join(
            f"{self.say('figure_caption', number=f.number)} {plain(f.caption)}"
            + (f" {plain(f.credit)}" if f.credit else "")
            for f in figures
        )
        notes = "\n\n".join(part for part in (plain(text), finding_notes, captions) if part)
        rest = [self._para(text, size=FINDING_SIZE)]
        continued = False
        for group in self._figure_rows(figures):
            panel, pictures, labels = self._panel(group)
            left = panel.width + 0.3
            column = Box(left, 0, self.geo.width - left - self.geo.margin / 2, 0)
            title_box = replace(column, y=self.geo.title.y, height=self.geo.title.height)
            top = title_box.y + title_box.height
            body_box = replace(column, y=top, height=self.geo.footer.y - top)
            page, rest = self._first_page(rest, body_box)
            heading = self._title_para(self.say("findings"), continued, title_box)
            continued = True
            yield SlidePlan(
                "answer",
                "finding",
                False,
                (
                    TextBox(title_box, (heading,), "Title", role="title"),
                    TextBox(body_box, tuple(page), "Findings text"),
                    *labels,
                ),
                pictures=pictures,
                panel=panel,
                notes=notes,
                footer=replace(self.geo.footer, x=column.x, width=column.width),
            )
        if rest:
            pages = self._pages(rest, self.geo.body)
            title = self.say("continued", title=self.say("findings"))
            yield from self._slides_of_pages("answer", "finding", title, pages, [notes])

    def _first_page(
        self, paras: list[TextPara], box: Box
    ) -> tuple[list[TextPara], list[TextPara]]:
        """What of `paras` fits in `box` (as large as it fits), and what is left."""
        if not paras:
            return [], []
        pages = self._pages(paras, box)
        return pages[0], [para for page in pages[1:] for para in page]

    def _figure_rows(self, figures: tuple[DocFigure, ...]) -> list[tuple[DocFigure, ...]]:
        """Two figures side by side where both stay at least 60% of the slide's height in
        the panel's share of its width (two radiographs, two CT sections on a 16:9 slide),
        else one figure a slide."""
        rows: list[tuple[DocFigure, ...]] = []
        for figure in figures:
            if rows and len(rows[-1]) == 1:
                pair = (*rows[-1], figure)
                if self._row_height(pair) >= MIN_IMAGE_SHARE * self.geo.height:
                    rows[-1] = pair
                    continue
            rows.append((figure,))
        return rows

    def _row_height(self, row: tuple[DocFigure, ...]) -> float:
        """The height images of `row` can share, side by side, within the panel's limits."""
        room = self.geo.width * MAX_PANEL_SHARE - 2 * PANEL_PAD - PANEL_GAP * (len(row) - 1)
        tallest = self.geo.height - 2 * PANEL_PAD - self._label_height()
        return min(tallest, room / sum(figure.source.aspect for figure in row))

    def _label_height(self) -> float:
        return CAPTION_SIZE * self.scale * LINE_SPACING / 72 + 2 * INSET_Y + 0.05

    def _panel(
        self, row: tuple[DocFigure, ...]
    ) -> tuple[Box, tuple[PictureBox, ...], tuple[TextBox, ...]]:
        """The black panel with the images side by side, each over its figure number."""
        height = self._row_height(row)
        label_height = self._label_height()
        pictures, labels = [], []
        x = PANEL_PAD
        top = (self.geo.height - height - label_height) / 2
        for figure in row:
            width = height * figure.source.aspect
            cell = Box(x, top, width, height)
            pictures.append(self._picture(figure, cell, self.say("figure", number=figure.number)))
            labels.append(
                TextBox(
                    Box(x, top + height, width, label_height),
                    self._figure_label(figure),
                    f"Fig. {figure.number} label",
                    role="label",
                )
            )
            x += width + PANEL_GAP
        panel = Box(0, 0, x - PANEL_GAP + PANEL_PAD, self.geo.height)
        return panel, tuple(pictures), tuple(labels)

    def _figure_label(self, figure: DocFigure) -> tuple[TextPara, ...]:
        """The figure's number under it; its caption and credit are in the notes."""
        number = TextPara(
            (Span(self.say("figure", number=figure.number), bold=True),),
            CAPTION_SIZE * self.scale,
            color=LABEL_COLOR_ON_DARK,
            space_after=0,
        )
        return (number,)

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
        self,
        part: Part,
        kind: SlideKind,
        title: str,
        paras: list[TextPara],
        notes: list[str] | None = None,
    ) -> Iterator[SlidePlan]:
        """Slides of `paras` under `title`, paginated by measured space; `notes` for the
        slides in order (the last repeats)."""
        if paras:
            pages = self._pages(paras, self.geo.body)
            yield from self._slides_of_pages(part, kind, title, pages, notes or [])

    def _slides_of_pages(
        self, part: Part, kind: SlideKind, title: str, pages: list[list[TextPara]],
        notes: list[str],
    ) -> Iterator[SlidePlan]:
        for i, page in enumerate(pages):
            heading = self._title_para(title, i > 0, self.geo.title)
            yield SlidePlan(
                part,
                kind,
                False,
                (
                    TextBox(self.geo.title, (heading,), "Title", role="title"),
                    TextBox(self.geo.body, tuple(page), title),
                ),
                notes=notes[min(i, len(notes) - 1)] if notes else "",
                footer=self.geo.footer,
            )

    def _pages(self, paras: list[TextPara], box: Box) -> list[list[TextPara]]:
        """By measured space: all on one slide at the body size if it fits, else at a
        smaller size down to the minimum; only then over several slides, each at the
        largest size its part fits, broken between sentences."""
        for size in BODY_SIZES:
            pages = self._paginate([self._at(para, size) for para in paras], box)
            if len(pages) == 1:
                return pages
        return [self._largest(page, box) for page in pages]

    def _largest(self, page: list[TextPara], box: Box) -> list[TextPara]:
        for size in BODY_SIZES:
            sized = [self._at(para, size) for para in page]
            if len(self._paginate(sized, box)) == 1:
                return sized
        return page

    def _at(self, para: TextPara, size: float) -> TextPara:
        return replace(para, size=size * self.scale) if para.scalable else para

    def _paginate(
        self, paras: list[TextPara], box: Box, max_lines: int = UNLIMITED_LINES
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
            # Enough lines to judge the fit: the line limit's or the box's, whichever is less.
            fits = int(capacity // (para.size * LINE_SPACING))
            reach = max(min(max_lines, fits) + ORPHAN_LINES, fits)
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
        return TextPara(spans, size * self.scale, **options)  # type: ignore[arg-type]

    def _title_para(self, title: str, continued: bool, box: Box) -> TextPara:
        """The slide title at the largest of the title sizes that keeps it on one line."""
        text = self.say("continued", title=title) if continued else title
        width = (box.width - 2 * INSET_X) * 72
        sizes = [size * self.scale for size in TITLE_SIZES]
        size = next(
            (size for size in sizes if self.measure.width(text, size, bold=True) <= width),
            sizes[-1],
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
        smallest = 28 * self.scale
        size = para.size
        while size > smallest:
            candidate = replace(para, size=size)
            lines = len(self._lines(candidate, box))
            if lines * size * LINE_SPACING <= (box.height - 2 * INSET_Y) * 72 * share:
                return candidate
            size -= 4 * self.scale
        return replace(para, size=smallest)

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
                    (Span(conference.title),),
                    44 * self.scale,
                    color=TITLE_COLOR,
                    bold=True,
                    align="center",
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
            TextPara((Span(text),), 24 * self.scale, color=MUTED_COLOR, align="center")
            for text in details
            if text
        ]
        count = len(conference.documents)
        return SlidePlan(
            "unknown",
            "title",
            False,
            (TextBox(self._centre_box(), tuple(lines), "Conference", "middle", role="title"),),
            pictures=self._logo(conference.logo),
            notes=self.say(
                "notes_conference" if count != 1 else "notes_conference_one",
                title=conference.title,
                count=count,
            ),
        )

    def divider(self) -> SlidePlan:
        """Marks where a case's answer begins; its notes are the case's own."""
        text = TextPara(
            (Span(self.say("answer_divider", label=self.doc.label)),),
            44 * self.scale,
            color=TITLE_COLOR,
            bold=True,
            align="center",
        )
        return SlidePlan(
            "answer",
            "divider",
            False,
            (TextBox(self._centre_box(), (text,), "Divider", "middle", role="title"),),
            notes=self.doc.notes,
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


def _differential_notes(doc: Document) -> str:
    """Each item with its note, for the presenter."""
    return "\n".join(
        plain(item.name) + (f": {plain(item.note)}" if item.note else "")
        for item in doc.differential
    )


def _bold(spans: Spans) -> Spans:
    return tuple(replace(span, bold=True) if isinstance(span, Span) else span for span in spans)


def _joined(cells: tuple[Spans, ...], separator: str) -> Spans:
    joined: list = []
    for cell in (cell for cell in cells if cell):
        joined += [Span(separator)] if joined else []
        joined += cell
    return tuple(joined)


def _plain_block(block: DocBlock) -> str:
    if isinstance(block, DocTable):
        return "\n".join(" – ".join(plain(cell) for cell in row)
                         for row in (block.header, *block.rows))
    if not isinstance(block, DocList):
        return plain(block)
    markers = [f"{block.start + j}." if block.ordered else "-" for j in range(len(block.items))]
    return "\n".join(
        f"{marker} {plain(item)}" for marker, item in zip(markers, block.items, strict=True)
    )
