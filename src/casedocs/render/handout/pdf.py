"""The printable handout's writer: a plan (plan.py) set as a PDF with reportlab, the only
module that touches it.

Every user string is escaped before it becomes reportlab markup, fonts are embedded TrueType,
and the output is byte-identical for the same input (reportlab's invariant mode, which
honours SOURCE_DATE_EPOCH). Pagination is reportlab's: figures that do not fit float to the
top of the next page, and where everything fell is recorded for the layout's cost.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents, defaultTableStyle

from casedocs import __version__
from casedocs.dates import build_timestamp
from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import Document, Spans
from casedocs.document.inline import Span
from casedocs.document.tagged import Tagging, tagged
from casedocs.environment import variable_set
from casedocs.figures import FigureImages, PreparedImage
from casedocs.figures.annotations import FILL, OUTLINE, ArrowMark, CircleMark, Mark
from casedocs.fonts import FontFamily, find_family
from casedocs.render.cost import cheapest
from casedocs.render.handout.cost import LayoutRecord, handout_cost
from casedocs.render.handout.plan import (
    BODY_SIZE,
    FIGURE_GAP,
    HANDOUT_CHOICES,
    MARGIN,
    SIDE_MARGIN,
    Block,
    Contents,
    EndOfFloats,
    FigureRow,
    Gap,
    HandoutChoice,
    HandoutPlan,
    Heading,
    Mention,
    NewCase,
    Para,
    Picture,
    Rule,
    RuledLines,
    TableBlock,
    TitleBlock,
    plan_handout,
    plan_packet,
)
from casedocs.wording import Words, words

GRAY = colors.HexColor("#555555")
LINK = colors.HexColor("#1a4d8f")
FONT = "CaseSans"
RULE_SPACING = 0.36 * inch
HEADING_ROOM = 1.2 * inch  # a heading never sits alone at the foot of a page: room for lines


@dataclass(frozen=True)
class PdfInfo:
    """Document properties and the footer's left text, set explicitly on every PDF."""

    title: str
    author: str
    subject: str
    keywords: str
    footer: str
    words: Words  # for "Page x of y"


def render_handout(
    document: Document,
    images: FigureImages,
    paper: str = "letter",
    unknown: bool = False,
    timestamp: datetime | None = None,
) -> bytes:
    """The case handout, or (`unknown`) the pre-conference worksheet, as PDF bytes."""
    return set_handout(document, images, paper, unknown, timestamp).data


@dataclass(frozen=True)
class SetHandout:
    data: bytes
    record: LayoutRecord  # where everything fell, for its cost
    plan: HandoutPlan  # what was set, with the layout choice it was made with


def set_handout(
    document: Document,
    images: FigureImages,
    paper: str = "letter",
    unknown: bool = False,
    timestamp: datetime | None = None,
) -> SetHandout:
    """The handout planned and set with each layout choice in turn until one leaves nothing
    to fix (else the one of least cost: render/handout/cost.py); the worksheet as it
    comes."""
    info = _handout_info(document, unknown)

    def setting(choice: HandoutChoice) -> SetHandout:
        plan = plan_handout(document, paper, unknown, choice)
        record = LayoutRecord()
        return SetHandout(write_plan(plan, images, info, timestamp, record), record, plan)

    choices = HANDOUT_CHOICES[:1] if unknown else HANDOUT_CHOICES
    return cheapest((setting(c) for c in choices), lambda set_: handout_cost(set_.record))


def _handout_info(document: Document, unknown: bool) -> PdfInfo:
    say = words(document.language)
    if unknown:
        title = say("worksheet_title", label=document.label)
        return PdfInfo(title, document.authors, say("worksheet"), "", document.label, say)
    copyright_line = f"  \u00b7  \u00a9 {document.copyright}" if document.copyright else ""
    return PdfInfo(
        document.title,
        document.authors,
        say("handout_subject", label=document.label),
        ", ".join(document.keywords),
        document.label + copyright_line,
        say,
    )


def render_packet(
    conference: ConferenceDocument,
    images: FigureImages,
    paper: str = "letter",
    unknown: bool = False,
    timestamp: datetime | None = None,
) -> bytes:
    """A conference's cases in one PDF: cover, contents, each case from a new page (a
    right-hand one when duplex), page numbers running through, and an outline."""
    say = words(conference.language)
    kind = "packet_worksheets" if unknown else "packet_handouts"
    title = say(f"{kind}_title", title=conference.title)
    info = PdfInfo(title, conference.presenter or "", title, "", conference.title, say)
    return write_plan(plan_packet(conference, paper, unknown), images, info, timestamp)


def write_plan(
    plan: HandoutPlan,
    images: FigureImages,
    info: PdfInfo,
    timestamp: datetime | None,
    record: LayoutRecord | None = None,
) -> bytes:
    """The plan set as PDF bytes; where everything fell goes into `record`."""
    _register_fonts(find_family())  # before anything is measured
    record = record or LayoutRecord()
    flowables = _Flowables(plan, images, record)
    story = [flowable for block in plan.blocks for flowable in flowables.of(block)]
    contents = any(isinstance(block, Contents) for block in plan.blocks)
    return _build_pdf(story, plan, info, timestamp, contents, record, flowables.made)


def _build_pdf(
    story: list[Flowable],
    plan: HandoutPlan,
    info: PdfInfo,
    timestamp: datetime | None,
    contents: bool,
    record: LayoutRecord,
    made: set[Paragraph],
) -> bytes:
    rl_config.useA85 = 0  # binary image streams: a quarter smaller, and no slow ASCII85 pass
    page_width, page_height = plan.frame.page
    buffer = io.BytesIO()
    template = _Template(
        buffer,
        pagesize=(page_width, page_height),
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=info.title,
        author=info.author or "casedocs",
        subject=info.subject,
        keywords=info.keywords,
        creator=f"casedocs {__version__}",
        producer=f"casedocs {__version__}",
        invariant=1,
        lang=plan.language,
    )
    template.record, template.made = record, made
    frame = Frame(
        SIDE_MARGIN,
        MARGIN,
        page_width - 2 * SIDE_MARGIN,
        page_height - 2 * MARGIN,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    canvas = _footer_canvas(info.footer, info.words)
    with _source_date(timestamp or build_timestamp()):
        if contents:  # page numbers in the contents need a second pass
            template.multiBuild(story, canvasmaker=canvas)
        else:
            template.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _source_date(timestamp: datetime) -> contextlib.AbstractContextManager[None]:
    """reportlab dates the file, and seeds its /ID, from SOURCE_DATE_EPOCH (read as an int
    when set, else its invariant date as a float): always set it, so the same time gives the
    same bytes however it was chosen."""
    return variable_set("SOURCE_DATE_EPOCH", str(int(timestamp.timestamp())))


class _Template(BaseDocTemplate):
    """Starts cases on new pages, floats figures that do not fit to the top of the next page
    (the text after them fills the gap, as in a journal), and reports cases to the table of
    contents."""

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self._floats: list[_Float] = []  # figures waiting for the next page
        self._floats_page = 0
        self.record = LayoutRecord()  # where everything fell, for the layout's cost
        self.made: set[Paragraph] = set()  # the paragraphs of the story, before any split

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        forced = isinstance(flowables[0], (_NewCase, _EndOfFloats))
        if self._floats and (self.page > self._floats_page or forced):
            self._place_waiting(flowables, forced)
        first = flowables[0]
        # A figure that does not fit waits; so does any after it, to keep their order.
        if isinstance(first, _Float) and (self._floats or not self._fits(first)):
            self._floats.append(flowables.pop(0))
            self._floats_page = self.page
            return
        if isinstance(flowables[0], _EndOfFloats):
            flowables.pop(0)
            return
        if isinstance(flowables[0], _NewCase):
            new_case = flowables.pop(0)
            # The case begins on page self.page + 1; in duplex it must be odd (right-hand).
            blank = new_case.duplex and self.page % 2 == 1
            flowables[0:0] = [PageBreak(), *([_Blank(), PageBreak()] if blank else [])]
            return
        super().handle_flowable(flowables)

    def _place_waiting(self, flowables: list[Flowable], forced: bool) -> None:
        """Waiting figures go here, at the top of a new page, as many as fit (the rest wait
        for the next page while the text fills this one); all of them at a case's end."""
        room = self._room()
        placed = []
        while self._floats:
            height = self._height(self._floats[0])
            if not forced and placed and height > room:
                break
            placed.append(self._floats.pop(0))
            room -= height
        self._floats_page = self.page
        # The flowable they go before may have been moved here already; it may be moved on
        # once more.
        self._forget_postponement(flowables[0])
        flowables[0:0] = [KeepTogether(waiting._content) for waiting in placed]

    def _forget_postponement(self, flowable: Flowable) -> None:
        """reportlab refuses a flowable postponed twice; ours may be, by floats placed before
        it. In a multi-pass build reportlab also plans to remove the mark after the pass:
        that plan goes too, or it fails on the missing mark."""
        flowable.__dict__.pop("_postponed", None)
        edits = getattr(getattr(self, "_multiBuildEdits", None), "__self__", None)
        if isinstance(edits, list):
            edits[:] = [
                edit for edit in edits if edit[:3] != (delattr, flowable, "_postponed")
            ]

    def _fits(self, flowable: Flowable) -> bool:
        return self._height(flowable) <= self._room()

    def _room(self) -> float:
        frame = getattr(self, "frame", None)
        if frame is None:  # no page begun yet
            return float("inf")
        return frame._y - frame._y1p  # reportlab keeps the space left in the frame here

    def _height(self, flowable: _Float) -> float:
        frame = getattr(self, "frame", None)
        if frame is None:
            return 0.0
        return sum(
            part.wrapOn(self.canv, frame._aW, frame._aH)[1] + part.getSpaceBefore()
            for part in flowable._content
        )

    def _lines(self, paragraph: Paragraph) -> int:
        """How many lines a part of a paragraph holds, by its height at the text's width."""
        _, height = paragraph.wrap(self.width, self.height)
        return round(height / paragraph.style.leading)

    def handle_pageEnd(self) -> None:  # noqa: N802 (reportlab's name)
        frame = getattr(self, "frame", None)
        if frame is not None:
            self.record.on(self.page).empty = max(0.0, self._room()) / frame._aH
        super().handle_pageEnd()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if isinstance(flowable, Paragraph):
            self.record.placed(flowable.style.name, self.page)
            if flowable not in self.made and self._lines(flowable) == 1:
                self.record.lone_line(self.page)  # a widow or an orphan
        elif isinstance(flowable, Table):
            self.record.placed("table", self.page)
        if isinstance(flowable, _Bookmark):
            self.notify("TOCEntry", (0, escape(flowable.title), self.page, flowable.key))


class _Float(KeepTogether):
    """A figure that may move to the top of the next page when it does not fit here."""


class _Mention(Flowable):
    """Where a paragraph that first names figures begins: recorded, not drawn."""

    def __init__(self, numbers: tuple[int, ...], record: LayoutRecord):
        super().__init__()
        self.numbers, self.record = numbers, record

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.record.mention(self.numbers, self.canv.getPageNumber())


class _EndOfFloats(Flowable):
    """Where figures still waiting are placed at the latest: before the next section."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _Bookmark(Flowable):
    """An invisible mark where a case starts: an outline entry and a contents line."""

    def __init__(self, title: str):
        super().__init__()
        self.title = title
        self.key = "case-" + "".join(ch if ch.isalnum() else "-" for ch in title.lower())

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


class _NewCase(Flowable):
    """Where a case starts: a new page; in duplex packets, a right-hand (odd) one."""

    def __init__(self, duplex: bool):
        super().__init__()
        self.duplex = duplex

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _Blank(Spacer):
    """Keeps a deliberately empty page (a back side) from being skipped; the page carries
    nothing, not even its footer."""

    def __init__(self) -> None:
        super().__init__(1, 1)

    def draw(self) -> None:
        self.canv.blank_page = True


@cache
def _register_fonts(family: FontFamily) -> None:
    """Once per process and family: parsing four TrueType files is most of a small PDF's time."""
    faces = {
        FONT: family.regular,
        f"{FONT}-Bold": family.bold,
        f"{FONT}-Italic": family.italic,
        f"{FONT}-BoldItalic": family.bold_italic,
    }
    for name, path in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )


def _style(name: str, **overrides: object) -> ParagraphStyle:
    base = dict(fontName=FONT, bulletFontName=FONT, fontSize=BODY_SIZE, leading=15.5,
                spaceAfter=6, allowWidows=0, allowOrphans=0)  # no line alone on a page
    return ParagraphStyle(name, **{**base, **overrides})


STYLES = {
    "label": _style("label", fontSize=9.5, leading=12, textColor=GRAY, spaceAfter=2),
    "title": _style("title", fontName=f"{FONT}-Bold", fontSize=20, leading=24, spaceAfter=8),
    "byline": _style("byline", fontSize=10.5, leading=14, spaceAfter=1),
    "heading": _style(
        "heading",
        fontName=f"{FONT}-Bold",
        fontSize=12.5,
        leading=16,
        spaceBefore=10,
        spaceAfter=4,
    ),  # not keepWithNext (that holds a whole paragraph back): CondPageBreak keeps lines
    "body": _style("body"),
    "diagnosis": _style("diagnosis", fontName=f"{FONT}-Bold", fontSize=11.5),
    "bullet": _style("bullet", leftIndent=14, bulletIndent=2, spaceAfter=3),
    "caption": _style("caption", fontSize=9, leading=12, spaceAfter=0),
    "table": _style("table", fontSize=9.5, leading=12.5, spaceAfter=0),
    "table-header": _style("table-header", fontName=f"{FONT}-Bold", fontSize=9.5, leading=12.5,
                           spaceAfter=0),
    "credit": _style("credit", fontSize=8, leading=10, textColor=GRAY, spaceAfter=0),
    "reference": _style(
        "reference",
        bulletFontSize=8.5,
        fontSize=8.5,
        leading=11.5,
        leftIndent=18,
        bulletIndent=0,
        spaceAfter=3,
    ),
    "footer": _style("footer", fontSize=8, leading=10, textColor=GRAY),
    "contents": _style("contents", fontSize=11, leading=16),
}


@cache
def _styles(body_size: float, tight_references: bool) -> dict[str, ParagraphStyle]:
    """The styles with body text, lists and the diagnosis at `body_size` (leading in
    proportion), the references tighter when asked; the rest as they are."""
    factor = body_size / BODY_SIZE
    styles = {
        **STYLES,
        **{
            name: ParagraphStyle(name, parent=STYLES[name],
                                 fontSize=STYLES[name].fontSize * factor,
                                 leading=STYLES[name].leading * factor)
            for name in ("body", "bullet", "diagnosis")
        },
    }
    if tight_references:
        styles["reference"] = ParagraphStyle(
            "reference", parent=STYLES["reference"], fontSize=8, bulletFontSize=8, leading=10,
            spaceAfter=2,
        )
    return styles


REPORTLAB_TAGS = Tagging(
    "b", "i", "super", "sub", "<br/>", escape,
    lambda href, text: f'<a href={quoteattr(href)} color="{LINK.hexval()}">{text}</a>',
)


def markup(spans: Spans) -> str:
    """reportlab paragraph markup for spans; user text is always escaped, never interpreted."""
    return tagged(spans, REPORTLAB_TAGS)


class _Flowables:
    """reportlab's flowables for a plan's blocks, in the plan's type sizes."""

    def __init__(self, plan: HandoutPlan, images: FigureImages, record: LayoutRecord):
        self.plan, self.images, self.record = plan, images, record
        self.styles = _styles(plan.choice.body_size, plan.choice.tight_references)
        self.width, self.frame_height = plan.frame.width, plan.frame.height
        # Every paragraph made here: one drawn that is not is a part of one split by a page.
        self.made: set[Paragraph] = set()

    def of(self, block: Block) -> list[Flowable]:  # noqa: PLR0911 (one case a kind of block)
        if isinstance(block, Para):
            return [self._paragraph(block)]
        if isinstance(block, Heading):
            return [CondPageBreak(HEADING_ROOM), self._heading(block.text)]
        if isinstance(block, FigureRow):
            return [self._figure_row(block)]
        if isinstance(block, TitleBlock):
            return self._title(block)
        if isinstance(block, TableBlock):
            return [self._table(block)]
        if isinstance(block, Mention):
            return [_Mention(block.figures, self.record)]
        return self._simple(block)

    def _simple(self, block: Block) -> list[Flowable]:
        if isinstance(block, Rule):
            return [Spacer(1, 6), HRFlowable(width="100%", thickness=0.6, color=GRAY,
                                             spaceBefore=block.space_before, spaceAfter=4)]
        if isinstance(block, Gap):
            return [Spacer(1, block.height)]
        if isinstance(block, Picture):
            return [self._picture(block)]
        if isinstance(block, RuledLines):
            return [_RuledLines(block.count, self.width)]
        if isinstance(block, NewCase):
            return [_NewCase(block.duplex), _Bookmark(block.title)]
        if isinstance(block, Contents):
            return self._contents(block)
        assert isinstance(block, EndOfFloats)
        return [_EndOfFloats()]

    def _paragraph(self, para: Para) -> Paragraph:
        paragraph = Paragraph(markup(para.spans), self.styles[para.style],
                              bulletText=para.bullet or None)
        self.made.add(paragraph)
        return paragraph

    def _heading(self, text: str) -> Paragraph:
        return self._paragraph(Para((Span(text),), "heading"))

    def _picture(self, picture: Picture) -> _FigureImage:
        number, record = picture.figure, self.record
        placed = (lambda page: record.figure(number, page)) if number else None
        return _FigureImage(self.images.resolve(picture.image), picture.width, picture.height,
                            picture.marks, placed)

    def _title(self, block: TitleBlock) -> list[Flowable]:
        """The title's lines, with the logo at their right when there is one."""
        lines: list[Flowable] = [self._paragraph(line) for line in block.lines]
        if block.logo is None:
            return lines
        logo = self._picture(block.logo)
        table = Table([[lines, logo]],
                      colWidths=[self.width - logo.drawWidth - 12, logo.drawWidth + 12])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]))
        return [table]

    def _contents(self, block: Contents) -> list[Flowable]:
        contents = TableOfContents()
        contents.levelStyles = [self.styles["contents"]]
        # The contents table's own default font is Helvetica, which would not be embedded.
        commands = [*defaultTableStyle.getCommands(), ("FONTNAME", (0, 0), (-1, -1), FONT)]
        contents.tableStyle = TableStyle(commands)
        return [Spacer(1, 0.4 * inch), self._heading(block.heading), contents]

    def _table(self, table: TableBlock) -> Table:
        """A table across the text width, its header bold and repeated on a new page, hairlines
        between rows."""
        header, style = self.styles["table-header"], self.styles["table"]
        cells = [[Paragraph(markup(cell), header) for cell in table.header]]
        cells += [[Paragraph(markup(cell), style) for cell in row] for row in table.rows]
        flowable = Table(cells, colWidths=[self.width / len(table.header)] * len(table.header),
                         repeatRows=1, hAlign="LEFT", spaceBefore=2, spaceAfter=8)
        flowable.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRAY),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        return flowable

    def _figure_row(self, row: FigureRow) -> Flowable:
        """The figures side by side with their captions below, and a stack's strip of slices
        under them, kept together."""
        return _Float(self._figure_parts(row))

    def _figure_parts(self, row: FigureRow) -> list[Flowable]:
        """A caption too long for one page with its figure follows it as text that may break
        across pages."""
        images = [self._picture(picture) for picture in row.pictures]
        captions = [[self._paragraph(para) for para in caption] for caption in row.captions]
        tallest = max(
            sum(part.wrap(row.cell_width, self.frame_height)[1] for part in caption)
            for caption in captions
        )
        strip = self._figure_parts(row.strip) if row.strip else []
        if max(image.drawHeight for image in images) + tallest > self.frame_height * 0.9:
            return [_figure_table([images], row.cell_width), *sum(captions, []), *strip]
        return [_figure_table([images, captions], row.cell_width), *strip]


def _figure_table(rows: list[list], cell_width: float) -> Table:
    table = Table(
        rows,
        # The gap between figures is the left padding of every column but the first.
        colWidths=[cell_width + (FIGURE_GAP if i else 0) for i in range(len(rows[0]))],
        hAlign="CENTER",
        spaceBefore=6,
        spaceAfter=10,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the table's own default is Helvetica
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("VALIGN", (0, 1), (-1, 1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LEFTPADDING", (1, 0), (-1, -1), FIGURE_GAP),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


class _RuledLines(Flowable):
    """Lines to write on."""

    def __init__(self, count: int, width: float):
        super().__init__()
        self.count, self.width = count, width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.count * RULE_SPACING

    def draw(self) -> None:
        self.canv.setStrokeColor(colors.HexColor("#9a9a9a"))
        self.canv.setLineWidth(0.5)
        for line in range(self.count):
            y = line * RULE_SPACING
            self.canv.line(0, y, self.width, y)


class _FigureImage(Flowable):
    """A prepared image with its annotations drawn over it as vector shapes."""

    def __init__(
        self,
        image: PreparedImage,
        width: float,
        height: float,
        marks: tuple[Mark, ...],
        placed: Callable[[int], None] | None = None,
    ):
        super().__init__()
        self.image, self.drawWidth, self.drawHeight, self.marks = image, width, height, marks
        self.hAlign = "CENTER"
        self.placed = placed  # told the page it is drawn on

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        canvas = self.canv
        canvas.drawImage(
            ImageReader(io.BytesIO(self.image.data)), 0, 0, self.drawWidth, self.drawHeight
        )
        if self.placed:
            self.placed(canvas.getPageNumber())
        for mark in self.marks:
            _draw_mark(canvas, mark, self.drawHeight)


def _draw_mark(canvas: Canvas, mark: Mark, height: float) -> None:
    """One mark, light over a dark outline; marks use y downwards, PDF y upwards."""
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor(f"#{OUTLINE}"))
    canvas.setFillColor(colors.HexColor(f"#{FILL}"))
    canvas.setLineJoin(1)
    if isinstance(mark, ArrowMark):
        path = canvas.beginPath()
        first, *rest = [(x, height - y) for x, y in mark.outline]
        path.moveTo(*first)
        for point in rest:
            path.lineTo(*point)
        path.close()
        canvas.setLineWidth(mark.stroke)
        canvas.drawPath(path, stroke=1, fill=1)
    elif isinstance(mark, CircleMark):
        x, y = mark.center[0], height - mark.center[1]
        for color, width in ((OUTLINE, mark.stroke * 2.5), (FILL, mark.stroke)):
            canvas.setStrokeColor(colors.HexColor(f"#{color}"))
            canvas.setLineWidth(width)
            canvas.circle(x, y, mark.radius, stroke=1, fill=0)
    else:
        text = canvas.beginText(mark.origin[0], height - mark.origin[1] - mark.size)
        text.setFont(f"{FONT}-Bold", mark.size)
        text.setTextRenderMode(2)  # fill and stroke: light letters, dark edges
        canvas.setLineWidth(mark.stroke)
        text.textOut(mark.text)
        canvas.drawText(text)
    canvas.restoreState()


def _shortened(canvas: Canvas, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` points in the canvas's current font."""
    if canvas.stringWidth(text) <= width:
        return text
    while text and canvas.stringWidth(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _footer_canvas(left: str, say: Words) -> type[Canvas]:

    class FooterCanvas(Canvas):
        """Defers page output until the end so each footer can say "Page X of Y"."""

        def __init__(self, *args: object, **kwargs: object):
            # reportlab otherwise starts every page in Helvetica, an unembedded font.
            kwargs.update(initialFontName=FONT, initialFontSize=10)
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self._bookmarks: list[str] = []

        def bookmarkPage(self, key: str, **options: object) -> None:  # noqa: N802
            # A bookmark points at the page being emitted; pages are emitted at save().
            self._bookmarks.append(key)

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self._bookmarks = []
            self.blank_page = False

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                for key in state["_bookmarks"]:
                    super().bookmarkPage(key)
                if not state.get("blank_page"):
                    self._draw_footer(number, len(self._pages))
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            style = STYLES["footer"]
            self.setFont(style.fontName, style.fontSize)
            self.setFillColor(style.textColor)
            page = say("page", number=number, total=total)
            room = width - 2 * SIDE_MARGIN - self.stringWidth(page) - 18
            self.drawString(SIDE_MARGIN, MARGIN / 2, _shortened(self, left, room))
            self.drawRightString(width - SIDE_MARGIN, MARGIN / 2, page)

    return FooterCanvas
