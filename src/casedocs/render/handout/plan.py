"""The handout as a plan: what goes on the pages, in order, as plain data, with every size
worked out here (the text frame of the paper, figures fitted to their cells and to a share of
the frame, the logo). A plan is made for each layout choice; pdf.py, the only module that
touches reportlab, sets each and keeps the one of least cost (render/handout/cost.py).

The planner never parses YAML, numbers anything or decides what is an answer: the worksheet
is planned from `document.public` alone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal, TypeGuard

from casedocs.document.answers import PublicFigure
from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import DocBlock, DocFigure, DocList, DocTable, Document, Spans
from casedocs.document.inline import Span
from casedocs.figures import ImageRequest, SourceImage, slice_sources
from casedocs.figures.annotations import Mark, place_marks
from casedocs.wording import Words, words

INCH = 72.0  # points
MM = INCH / 2.54 * 0.1
PAPER_SIZES = {"letter": (8.5 * INCH, 11 * INCH), "a4": (210 * MM, 297 * MM)}  # points
MARGIN = 0.75 * INCH  # top and bottom
SIDE_MARGIN = 1.25 * INCH  # a 6-inch measure on letter paper: about 70 characters a line
BODY_SIZE = 11.0  # points
DIAGNOSIS_MARK = "\u2713"  # beside the diagnosis in the differential
FIGURE_GAP = 0.2 * INCH
MIN_CAPTION_WIDTH = 2.5 * INCH  # a caption is as wide as its figure, but not narrower
PRINT_DPI, PRINT_OVERSAMPLE = 150, 2.0  # images carry up to 300 dpi at their printed size
NARROW = 0.6  # width / height: two images this narrow share a row
MAX_FIGURE_HEIGHT_SHARE = 0.45  # of the text frame: keeps a figure near the text that cites it
WORKSHEET_FIGURE_HEIGHT_SHARE = 0.3  # the worksheet leaves room to write
LOGO_HEIGHT = 0.6 * INCH
LOGO_MAX_WIDTH = 2.5 * INCH
COVER_GAP = 1.5 * INCH  # above a packet's title
WORKSHEET_RULED_LINES = {  # what the worksheet asks, with lines to write the answer on
    "worksheet_findings": 6,
    "worksheet_differential": 4,
    "worksheet_diagnosis": 2,
}

Style = Literal[
    "label", "title", "byline", "heading", "body", "diagnosis", "bullet", "caption", "table",
    "table-header", "credit", "reference", "contents",
]


@dataclass(frozen=True)
class HandoutChoice:
    """What a handout's layout may vary: how tall figures may be (a share of the text
    frame), whether figures of one study pair up whatever their shape, the body text's size,
    a tighter reference list, and whether a lone figure waits for the next to share a row."""

    figure_share: float = MAX_FIGURE_HEIGHT_SHARE
    pair_studies: bool = False
    body_size: float = BODY_SIZE  # 10 to 11 pt, as journals set case reports
    tight_references: bool = False  # the reference list at 8 pt, closer set
    pool: bool = False  # a lone figure waits a paragraph to share a row with the next


# In order of preference: the usual layout first; the first no reader would touch is kept.
HANDOUT_CHOICES = (
    HandoutChoice(),
    HandoutChoice(0.36, pair_studies=True),
    HandoutChoice(0.3, pair_studies=True, body_size=10, tight_references=True),
    HandoutChoice(0.25, pair_studies=True, body_size=10, tight_references=True),
    HandoutChoice(0.36, pair_studies=True, body_size=10, tight_references=True, pool=True),
)


# -- what a plan holds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph in one of the handout's styles; `bullet`: its list marker."""

    spans: Spans
    style: Style
    bullet: str = ""


@dataclass(frozen=True)
class Heading:
    """A section's heading; it never sits alone at the foot of a page."""

    text: str


@dataclass(frozen=True)
class Rule:
    """The line under the title block."""

    space_before: float = 0.0


@dataclass(frozen=True)
class Gap:
    """Empty space, in points."""

    height: float


@dataclass(frozen=True)
class Picture:
    """An image at its printed size, in points, with the marks drawn over it."""

    image: ImageRequest
    width: float
    height: float
    marks: tuple[Mark, ...] = ()
    figure: int = 0  # its number, recorded where it is drawn; 0 for a logo


@dataclass(frozen=True)
class TitleBlock:
    """Lines of a title, with a logo at their right when there is one."""

    lines: tuple[Para, ...]
    logo: Picture | None = None


@dataclass(frozen=True)
class TableBlock:
    header: tuple[Spans, ...]
    rows: tuple[tuple[Spans, ...], ...]


@dataclass(frozen=True)
class FigureRow:
    """Figures side by side in cells `cell_width` points wide, their captions below; the row
    stays together and may float to the top of the next page."""

    pictures: tuple[Picture, ...]
    captions: tuple[tuple[Para, ...], ...]
    cell_width: float
    strip: FigureRow | None = None  # a stack's evenly spaced slices, kept under its figure


@dataclass(frozen=True)
class Mention:
    """Where the paragraph that first names these figures begins (recorded, not drawn)."""

    figures: tuple[int, ...]


@dataclass(frozen=True)
class RuledLines:
    count: int


@dataclass(frozen=True)
class EndOfFloats:
    """Figures still waiting for room are placed here at the latest."""


@dataclass(frozen=True)
class NewCase:
    """A packet's next case: a new page (a right-hand one when duplex), with an outline
    entry and a contents line named `title`."""

    title: str
    duplex: bool


@dataclass(frozen=True)
class Contents:
    """A packet's table of contents, headed `heading`."""

    heading: str


Block = (Para | Heading | Rule | Gap | TitleBlock | TableBlock | FigureRow | Mention | RuledLines
         | EndOfFloats | NewCase | Contents | Picture)


@dataclass(frozen=True)
class PageFrame:
    """The paper and the text frame on it, in points."""

    paper: str
    width: float
    height: float

    @property
    def page(self) -> tuple[float, float]:
        return PAPER_SIZES[self.paper]


def page_frame(paper: str) -> PageFrame:
    page_width, page_height = PAPER_SIZES[paper]
    return PageFrame(paper, page_width - 2 * SIDE_MARGIN, page_height - 2 * MARGIN)


@dataclass(frozen=True)
class HandoutPlan:
    """What a PDF holds: its blocks in order, set in the choice's type sizes."""

    blocks: tuple[Block, ...]
    frame: PageFrame
    choice: HandoutChoice = field(default_factory=HandoutChoice)
    language: str = "en"  # what the PDF says it is written in


# -- planning ------------------------------------------------------------------------------------


def plan_handout(
    document: Document, paper: str, unknown: bool, choice: HandoutChoice | None = None
) -> HandoutPlan:
    """The case handout, or (`unknown`) the worksheet, made with `choice`."""
    frame = page_frame(paper)
    choice = choice or HandoutChoice()
    blocks = _Planner(document, frame, unknown, choice).blocks()
    return HandoutPlan((*blocks, EndOfFloats()), frame, choice, document.language)


def plan_packet(conference: ConferenceDocument, paper: str, unknown: bool) -> HandoutPlan:
    """A conference's cases: a cover with the contents, then each case from a new page."""
    frame, say = page_frame(paper), words(conference.language)
    kind = say("packet_worksheets" if unknown else "packet_handouts")
    blocks: list[Block] = []
    if conference.logo:
        blocks.append(_logo(conference.logo))
    blocks += [Gap(COVER_GAP), Para(_plain(conference.title), "title")]
    blocks.append(Para(_plain(kind), "byline"))
    details = [conference.presenter, say.long_date(conference.date) if conference.date else None]
    blocks += [Para(_plain(text), "byline") for text in details if text]
    blocks.append(Contents(say("contents")))
    for document in conference.documents:
        blocks.append(NewCase(document.label, conference.duplex))
        blocks += _Planner(document, frame, unknown, HandoutChoice()).blocks()
        blocks.append(EndOfFloats())
    return HandoutPlan(tuple(blocks), frame, language=conference.language)


def _plain(text: str) -> Spans:
    return (Span(text),)


def _logo(logo: SourceImage) -> Picture:
    width = min(LOGO_HEIGHT * logo.aspect, LOGO_MAX_WIDTH)
    height = width / logo.aspect
    nominal = PRINT_DPI / 72
    request = ImageRequest(logo, width * nominal, height * nominal, PRINT_OVERSAMPLE, "handout")
    return Picture(request, width, height)


class _Planner:
    """The blocks of one case's handout or worksheet, section by section in canonical
    order."""

    def __init__(self, document: Document, frame: PageFrame, unknown: bool,
                 choice: HandoutChoice):
        self.document, self.frame, self.unknown, self.choice = document, frame, unknown, choice
        share = WORKSHEET_FIGURE_HEIGHT_SHARE if unknown else choice.figure_share
        self.max_figure_height = frame.height * share
        self.say: Words = words(document.language)

    def blocks(self) -> list[Block]:
        return self._worksheet() if self.unknown else self._answer()

    def _worksheet(self) -> list[Block]:
        """History, clean figures and ruled space: made from the public part alone."""
        doc = self.document.public
        heading = (
            Para(_plain(doc.label), "title"),
            Para(_plain(self.say("worksheet")), "byline"),
            Para(_plain(self.say("worksheet_name") + "_" * 40), "byline"),
        )
        blocks: list[Block] = [self._title(heading, doc.logo), Rule(space_before=1)]
        blocks += self._section(self.say("history"), [Para(doc.history, "body")])
        blocks += self._section(self.say("images"), self._figure_rows(doc.figures))
        for key, lines in WORKSHEET_RULED_LINES.items():
            blocks += self._section(self.say(key), [RuledLines(lines)])
        return blocks

    def _answer(self) -> list[Block]:
        doc, say = self.document, self.say
        blocks: list[Block] = [*self._title_block(), Rule()]
        blocks += self._section(say("history"), self._blocks([doc.history], "history"))
        findings = self._blocks([finding.text for finding in doc.findings], "findings")
        findings += self._figure_rows(doc.unplaced_figures)
        blocks += self._section(say("findings"), findings)
        blocks += self._section(say("differential"), list(self._differential()))
        blocks += self._section(say("diagnosis"), [Para(doc.diagnosis, "diagnosis")])
        blocks += self._section(say("discussion"), self._blocks(doc.discussion, "discussion"))
        points = [Para(point, "bullet", "\u2022") for point in doc.teaching_points]
        blocks += self._section(say("teaching_points"), points)
        blocks += self._section(say("management"), self._blocks(doc.management, "management"))
        references = [Para(ref.text, "reference", f"{ref.number}.") for ref in doc.references]
        blocks += self._section(say("references"), references)
        return blocks

    def _differential(self) -> Iterator[Para]:
        """The items in order, the diagnosis among them in bold with a check mark."""
        for item in self.document.differential:
            name = item.name
            if item.is_diagnosis:
                name = (*(_bold(span) for span in name), Span(f" {DIAGNOSIS_MARK}"))
            note = (Span(" \u2013 "), *item.note) if item.note else ()
            yield Para((*name, *note), "bullet", "\u2022")

    def _title_block(self) -> list[Block]:
        doc = self.document
        lines = [Para(_plain(doc.label), "label"), Para(_plain(doc.title), "title")]
        published = (self.say("published", date=self.say.long_date(doc.published))
                     if doc.published else None)
        details = ["; ".join(doc.bylines), doc.institution, published]
        lines += [Para(_plain(text), "byline") for text in details if text]
        return [self._title(tuple(lines), doc.logo)]

    def _title(self, lines: tuple[Para, ...], logo: SourceImage | None) -> TitleBlock:
        return TitleBlock(lines, _logo(logo) if logo else None)

    def _section(self, heading: str, content: list[Block]) -> list[Block]:
        # Figures waiting for room may follow into the next section, as in a journal.
        return [Heading(heading), *content] if content else []

    def _blocks(self, blocks: Iterable[DocBlock], anchor_name: str) -> list[Block]:
        """Body paragraphs and lists, each followed by the figures it mentions first."""
        planned: list[Block] = []
        blocks = list(blocks)
        waiting: list[DocFigure] = []  # a lone figure held for the next paragraph's, to pair
        for i, block in enumerate(blocks):
            placed = self.document.figures_after((anchor_name, i))
            if placed:
                planned.append(Mention(tuple(f.number for f in placed)))
            planned += _text_blocks(block)
            following = self.document.figures_after((anchor_name, i + 1))
            if (
                self.choice.pool
                and not waiting
                and len(placed) == 1
                and len(following) == 1
                and i + 1 < len(blocks)
                and self._pairs(placed[0], following[0])
            ):
                waiting = list(placed)
                continue
            planned += self._figure_rows([*waiting, *placed])
            waiting = []
        return planned + self._figure_rows(waiting)

    def _figure_rows(self, figures: Iterable[DocFigure | PublicFigure]) -> list[Block]:
        # Landscape and square images pair up side by side; portrait ones get a row each.
        rows: list[list[DocFigure | PublicFigure]] = []
        for figure in figures:
            if rows and len(rows[-1]) == 1 and self._pairs(rows[-1][0], figure):
                rows[-1].append(figure)
            else:
                rows.append([figure])
        return [self._figure_row(row) for row in rows]

    def _strip(self, figure: DocFigure | PublicFigure) -> FigureRow | None:
        """A row of a stack's evenly spaced slices, each numbered; None for no strip."""
        stack = figure.source.stack
        numbers = stack.strip_numbers() if stack else []
        if not stack or not numbers:
            return None
        slices = slice_sources(figure.source)
        cell_width = (self.frame.width - FIGURE_GAP * (len(numbers) - 1)) / len(numbers)
        pictures = []
        for number in numbers:
            picture = self._picture(figure, cell_width)
            source = slices[number - stack.first]
            pictures.append(replace(picture, image=replace(picture.image, source=source),
                                    marks=(), figure=0))
        captions = tuple((Para((Span(self.say("slice_number", number=n)),), "caption"),)
                         for n in numbers)
        return FigureRow(tuple(pictures), captions, cell_width)

    def _pairs(self, first: DocFigure | PublicFigure, second: DocFigure | PublicFigure) -> bool:
        """Landscape and square images side by side, and two tall narrow ones; with the
        choice, any two of a study (a frontal and a lateral radiograph)."""
        if any(f.source.stack and f.source.stack.strip for f in (first, second)):
            return False  # a stack with a strip of slices under it has the row to itself
        if min(first.source.aspect, second.source.aspect) >= 0.9:
            return True
        if max(first.source.aspect, second.source.aspect) < NARROW:  # two tall strips
            return True
        return self.choice.pair_studies and bool(first.study) and first.study == second.study

    def _figure_row(self, row: list[DocFigure | PublicFigure]) -> FigureRow:
        cell_width = (self.frame.width - FIGURE_GAP * (len(row) - 1)) / len(row)
        pictures = tuple(self._picture(figure, cell_width) for figure in row)
        if len(row) == 1:  # a lone figure's caption is as wide as the image, within reason
            cell_width = max(pictures[0].width, MIN_CAPTION_WIDTH)
        captions = tuple(self._caption(figure) for figure in row)
        return FigureRow(pictures, captions, cell_width, self._strip(row[0]))

    def _picture(self, figure: DocFigure | PublicFigure, max_width: float) -> Picture:
        source = figure.source
        scale = min(max_width / source.width, self.max_figure_height / source.height)
        width, height = source.width * scale, source.height * scale
        nominal = PRINT_DPI / 72
        request = ImageRequest(
            source, width * nominal, height * nominal, PRINT_OVERSAMPLE, "handout"
        )
        marks = place_marks(figure.annotations, width, height) if _answer(figure) else ()
        return Picture(request, width, height, marks, figure.number)

    def _caption(self, figure: DocFigure | PublicFigure) -> tuple[Para, ...]:
        number = Span(self.say("figure_caption", number=figure.number), bold=True)
        stack = figure.source.stack  # a series: the page shows its key slice, and says which
        where = (
            (Span(" " + self.say("slice_of", number=stack.key, count=stack.count)),)
            if stack else ()
        )
        if not _answer(figure):  # the neutral view label only: captions and credits are answers
            generated = figure.view == self.say("figure", number=figure.number)
            view = Span(" " + ("" if generated else figure.view))
            return (Para((number, view, *where), "caption"),)
        caption = (Para((number, Span(" "), *figure.caption, *where), "caption"),)
        return caption + ((Para(figure.credit, "credit"),) if figure.credit else ())


def _text_blocks(block: DocBlock) -> list[Block]:
    if isinstance(block, DocList):
        return [
            Para(item, "bullet", f"{block.start + j}." if block.ordered else "\u2022")
            for j, item in enumerate(block.items)
        ]
    if isinstance(block, DocTable):
        return [TableBlock(tuple(block.header), tuple(tuple(row) for row in block.rows))]
    return [Para(block, "body")]


def _bold(span: Span | object) -> Span | object:
    return replace(span, bold=True) if isinstance(span, Span) else span


def _answer(figure: DocFigure | PublicFigure) -> TypeGuard[DocFigure]:
    return isinstance(figure, DocFigure)
