"""The printable handout: the whole teaching-file case as a PDF (reportlab).

Reads a `Document` and returns PDF bytes. Every user string is escaped before it becomes
reportlab markup, fonts are embedded TrueType, and the output is byte-identical for the same
input (reportlab's invariant mode, which honours SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TypeGuard
from xml.sax.saxutils import escape, quoteattr

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
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
from casedocs.document.answers import PublicFigure
from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import DocBlock, DocFigure, DocList, DocTable, Document, Spans
from casedocs.document.tagged import Tagging, tagged
from casedocs.environment import variable_set
from casedocs.figures import FigureImages, PreparedImage, SourceImage
from casedocs.figures.annotations import FILL, OUTLINE, ArrowMark, CircleMark, Mark, place_marks
from casedocs.fonts import FontFamily, find_family
from casedocs.render.cost import cheapest
from casedocs.render.handout.cost import LayoutRecord, handout_cost
from casedocs.wording import Words, words

PAPER_SIZES = {"letter": LETTER, "a4": A4}
MARGIN = 0.75 * inch  # top and bottom
BODY_SIZE = 11.0  # points
SIDE_MARGIN = 1.25 * inch  # a 6-inch measure on letter paper: about 70 characters a line
DIAGNOSIS_MARK = "\u2713"  # beside the diagnosis in the differential
FIGURE_GAP = 0.2 * inch
MIN_CAPTION_WIDTH = 2.5 * inch  # a caption is as wide as its figure, but not narrower
PRINT_DPI, PRINT_OVERSAMPLE = 150, 2.0  # images carry up to 300 dpi at their printed size
NARROW = 0.6  # width / height: two images this narrow share a row
MAX_FIGURE_HEIGHT_SHARE = 0.45  # of the text frame: keeps a figure near the text that cites it
GRAY = colors.HexColor("#555555")
LINK = colors.HexColor("#1a4d8f")
FONT = "CaseSans"
RULE_SPACING = 0.36 * inch
LOGO_HEIGHT = 0.6 * inch
WORKSHEET_RULED_LINES = {  # what the worksheet asks, with lines to write the answer on
    "worksheet_findings": 6,
    "worksheet_differential": 4,
    "worksheet_diagnosis": 2,
}
WORKSHEET_FIGURE_HEIGHT_SHARE = 0.3


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


@dataclass(frozen=True)
class SetHandout:
    data: bytes
    record: LayoutRecord  # where everything fell, for its cost
    choice: HandoutChoice


def set_handout(
    document: Document,
    images: FigureImages,
    paper: str = "letter",
    unknown: bool = False,
    timestamp: datetime | None = None,
) -> SetHandout:
    """The handout set with each layout choice in turn until one leaves nothing to fix (else
    the one of least cost: render/handout/cost.py); the worksheet as it comes."""
    say = words(document.language)
    if unknown:
        info = PdfInfo(
            say("worksheet_title", label=document.label),
            document.authors,
            say("worksheet"),
            "",
            document.label,
            say,
        )
    else:
        copyright_line = f"  \u00b7  \u00a9 {document.copyright}" if document.copyright else ""
        info = PdfInfo(
            document.title,
            document.authors,
            say("handout_subject", label=document.label),
            ", ".join(document.keywords),
            document.label + copyright_line,
            say,
        )

    def setting(choice: HandoutChoice) -> SetHandout:
        record = LayoutRecord()
        data = _build_pdf(
            lambda width, height: _Story(
                document, images, width, height, unknown, choice, record
            ).flowables(),
            info,
            paper,
            timestamp,
            record=record,
        )
        return SetHandout(data, record, choice)

    choices = HANDOUT_CHOICES[:1] if unknown else HANDOUT_CHOICES
    return cheapest((setting(c) for c in choices), lambda set_: handout_cost(set_.record))


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

    def story(width: float, height: float) -> list[Flowable]:
        flowables = _cover(conference, say(kind), images, say)
        for document in conference.documents:
            flowables += [_NewCase(conference.duplex), _Bookmark(document.label)]
            flowables += _Story(document, images, width, height, unknown).flowables()
        return flowables

    return _build_pdf(story, info, paper, timestamp, contents=True)


def _build_pdf(
    make_story: Callable[[float, float], list[Flowable]],
    info: PdfInfo,
    paper: str,
    timestamp: datetime | None,
    contents: bool = False,
    record: LayoutRecord | None = None,
) -> bytes:
    _register_fonts(find_family())
    rl_config.useA85 = 0  # binary image streams: a quarter smaller, and no slow ASCII85 pass
    page_width, page_height = PAPER_SIZES[paper]
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
        lang="en",
    )
    template.record = record or LayoutRecord()
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
    story = make_story(frame.width, frame.height)
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

    def handle_pageEnd(self) -> None:  # noqa: N802 (reportlab's name)
        frame = getattr(self, "frame", None)
        if frame is not None:
            self.record.on(self.page).empty = max(0.0, self._room()) / frame._aH
        super().handle_pageEnd()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if isinstance(flowable, Paragraph):
            self.record.placed(flowable.style.name, self.page)
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


def _logo_image(images: FigureImages, logo: SourceImage) -> _FigureImage:
    height = LOGO_HEIGHT
    width = min(height * logo.aspect, 2.5 * inch)
    height = width / logo.aspect
    nominal = PRINT_DPI / 72
    prepared = images.prepare(logo, width * nominal, height * nominal, PRINT_OVERSAMPLE, "handout")
    return _FigureImage(prepared, width, height, ())


def _cover(
    conference: ConferenceDocument, kind: str, images: FigureImages, say: Words
) -> list[Flowable]:
    lines = [
        *([_logo_image(images, conference.logo)] if conference.logo else []),
        Spacer(1, 1.5 * inch),
        Paragraph(escape(conference.title), STYLES["title"]),
        Paragraph(escape(kind), STYLES["byline"]),
    ]
    details = [
        conference.presenter,
        say.long_date(conference.date) if conference.date else None,
    ]
    lines += [Paragraph(escape(text), STYLES["byline"]) for text in details if text]
    contents = TableOfContents()
    contents.levelStyles = [STYLES["contents"]]
    # The contents table's own default font is Helvetica, which would not be embedded.
    commands = [*defaultTableStyle.getCommands(), ("FONTNAME", (0, 0), (-1, -1), FONT)]
    contents.tableStyle = TableStyle(commands)
    lines += [Spacer(1, 0.4 * inch), Paragraph(say("contents"), STYLES["heading"]), contents]
    return lines


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


class _Story:
    """The flowables of the handout, section by section in canonical order."""

    def __init__(
        self,
        document: Document,
        images: FigureImages,
        width: float,
        height: float,
        unknown: bool = False,
        choice: HandoutChoice | None = None,
        record: LayoutRecord | None = None,
    ):
        self.document = document
        self.images = images
        self.width = width
        self.choice = choice or HandoutChoice()
        self.styles = _styles(self.choice.body_size, self.choice.tight_references)
        self.record = record or LayoutRecord()
        # The worksheet keeps figures smaller: it has to leave room to write.
        share = WORKSHEET_FIGURE_HEIGHT_SHARE if unknown else self.choice.figure_share
        self.max_figure_height = height * share
        self.frame_height = height
        self.unknown = unknown
        self.say = words(document.language)

    def flowables(self) -> list[Flowable]:
        story = self._worksheet() if self.unknown else self._answer()
        return [*story, _EndOfFloats()]

    def _worksheet(self) -> list[Flowable]:
        """History, clean figures and ruled space: made from the public part alone."""
        doc = self.document.public
        heading = [
            Paragraph(escape(doc.label), self.styles["title"]),
            Paragraph(self.say("worksheet"), self.styles["byline"]),
            Paragraph(self.say("worksheet_name") + "_" * 40, self.styles["byline"]),
        ]
        story = [
            *self._with_logo(heading, doc.logo),
            Spacer(1, 6),
            HRFlowable(width="100%", thickness=0.6, color=GRAY, spaceAfter=4),
        ]
        history = [Paragraph(markup(doc.history), self.styles["body"])]
        story += self._section(self.say("history"), history)
        story += self._section(self.say("images"), self._figure_groups(doc.figures))
        for key, lines in WORKSHEET_RULED_LINES.items():
            story += self._section(self.say(key), [_RuledLines(lines, self.width)])
        return story

    def _answer(self) -> list[Flowable]:
        doc = self.document
        story = self._title_block()
        story += self._section(self.say("history"), self._blocks([doc.history], "history"))
        findings = self._blocks([finding.text for finding in doc.findings], "findings")
        findings += self._figure_groups(doc.unplaced_figures)
        story += self._section(self.say("findings"), findings)
        story += self._section(self.say("differential"), self._differential())
        diagnosis = [Paragraph(markup(doc.diagnosis), self.styles["diagnosis"])]
        story += self._section(self.say("diagnosis"), diagnosis)
        story += self._section(self.say("discussion"), self._blocks(doc.discussion, "discussion"))
        story += self._section(
            self.say("teaching_points"),
            [
                Paragraph(markup(point), self.styles["bullet"], bulletText="\u2022")
                for point in doc.teaching_points
            ],
        )
        story += self._section(self.say("management"), self._blocks(doc.management, "management"))
        story += self._section(
            self.say("references"),
            [
                Paragraph(markup(ref.text), self.styles["reference"], bulletText=f"{ref.number}.")
                for ref in doc.references
            ],
        )
        return story

    def _differential(self) -> list[Flowable]:
        """The items in order, the diagnosis among them in bold with a check mark."""
        items = []
        for item in self.document.differential:
            name = markup(item.name)
            name = f"<b>{name}</b> {DIAGNOSIS_MARK}" if item.is_diagnosis else name
            note = " \u2013 " + markup(item.note) if item.note else ""
            items.append(Paragraph(name + note, self.styles["bullet"], bulletText="\u2022"))
        return items

    def _title_block(self) -> list[Flowable]:
        doc = self.document
        lines = [
            Paragraph(escape(doc.label), self.styles["label"]),
            Paragraph(escape(doc.title), self.styles["title"]),
        ]
        details = [
            "; ".join(doc.bylines),
            doc.institution,
            self.say("published", date=self.say.long_date(doc.published))
            if doc.published
            else None,
        ]
        lines += [Paragraph(escape(text), self.styles["byline"]) for text in details if text]
        return [
            *self._with_logo(lines, doc.logo),
            Spacer(1, 6),
            HRFlowable(width="100%", thickness=0.6, color=GRAY, spaceBefore=0, spaceAfter=4),
        ]

    def _with_logo(self, lines: list[Flowable], logo: SourceImage | None) -> list[Flowable]:
        """The title block with the logo at its right, when there is one."""
        if logo is None:
            return lines
        image = _logo_image(self.images, logo)
        table = Table(
            [[lines, image]], colWidths=[self.width - image.drawWidth - 12, image.drawWidth + 12]
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return [table]

    def _section(self, heading: str, content: list[Flowable]) -> list[Flowable]:
        if not content:
            return []
        # A heading never sits alone at the foot of a page: ask for room for a few lines.
        # Figures waiting for room may follow into the next section, as in a journal.
        return [
            CondPageBreak(1.2 * inch),
            Paragraph(escape(heading), self.styles["heading"]),
            *content,
        ]

    def _blocks(self, blocks: Iterable[DocBlock], anchor_name: str) -> list[Flowable]:
        """Body paragraphs and lists, each followed by the figures it mentions first."""
        flowables: list[Flowable] = []
        blocks = list(blocks)
        waiting: list[DocFigure] = []  # a lone figure held for the next paragraph's, to pair
        for i, block in enumerate(blocks):
            start = len(flowables)
            if isinstance(block, DocList):
                flowables += [
                    Paragraph(
                        markup(item),
                        self.styles["bullet"],
                        bulletText=f"{block.start + j}." if block.ordered else "\u2022",
                    )
                    for j, item in enumerate(block.items)
                ]
            elif isinstance(block, DocTable):
                flowables.append(self._table(block))
            else:
                flowables.append(Paragraph(markup(block), self.styles["body"]))
            placed = self.document.figures_after((anchor_name, i))
            if placed:
                mention = _Mention(tuple(f.number for f in placed), self.record)
                flowables.insert(start, mention)
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
            flowables += self._figure_groups([*waiting, *placed])
            waiting = []
        return flowables + self._figure_groups(waiting)

    def _table(self, table: DocTable) -> Table:
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

    def _figure_groups(self, figures: Iterable[DocFigure | PublicFigure]) -> list[Flowable]:
        figures = list(figures)
        # Landscape and square images pair up side by side; portrait ones get a row each.
        rows: list[list[DocFigure | PublicFigure]] = []
        for figure in figures:
            if rows and len(rows[-1]) == 1 and self._pairs(rows[-1][0], figure):
                rows[-1].append(figure)
            else:
                rows.append([figure])
        return [flowable for row in rows for flowable in self._figure_row(row)]

    def _pairs(self, first: DocFigure | PublicFigure, second: DocFigure | PublicFigure) -> bool:
        """Landscape and square images side by side, and two tall narrow ones; with the
        choice, any two of a study (a frontal and a lateral radiograph)."""
        if min(first.source.aspect, second.source.aspect) >= 0.9:
            return True
        if max(first.source.aspect, second.source.aspect) < NARROW:  # two tall strips
            return True
        return self.choice.pair_studies and bool(first.study) and first.study == second.study

    def _figure_row(self, row: list[DocFigure | PublicFigure]) -> list[Flowable]:
        """The figures side by side with their captions below, kept together; a caption too
        long for one page with its figure follows it as text that may break across pages."""
        cell_width = (self.width - FIGURE_GAP * (len(row) - 1)) / len(row)
        images = [self._image(figure, cell_width) for figure in row]
        if len(row) == 1:  # a lone figure's caption is as wide as the image, within reason
            cell_width = max(images[0].drawWidth, MIN_CAPTION_WIDTH)
        captions = [self._caption(figure) for figure in row]
        tallest = max(
            sum(part.wrap(cell_width, self.frame_height)[1] for part in caption)
            for caption in captions
        )
        if max(image.drawHeight for image in images) + tallest > self.frame_height * 0.9:
            return [_Float([self._figure_table([images], cell_width), *sum(captions, [])])]
        return [_Float([self._figure_table([images, captions], cell_width)])]

    def _figure_table(self, rows: list[list], cell_width: float) -> Table:
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

    def _image(self, figure: DocFigure | PublicFigure, max_width: float) -> _FigureImage:
        source = figure.source
        scale = min(max_width / source.width, self.max_figure_height / source.height)
        width, height = source.width * scale, source.height * scale
        nominal = PRINT_DPI / 72
        prepared = self.images.prepare(
            source, width * nominal, height * nominal, PRINT_OVERSAMPLE, "handout"
        )
        marks = place_marks(figure.annotations, width, height) if _answer(figure) else ()
        number = figure.number
        return _FigureImage(
            prepared, width, height, marks, lambda page: self.record.figure(number, page)
        )

    def _caption(self, figure: DocFigure | PublicFigure) -> list[Flowable]:
        number = escape(self.say("figure_caption", number=figure.number))
        if not _answer(figure):  # the neutral view label only: captions and credits are answers
            generated = figure.view == self.say("figure", number=figure.number)
            view = "" if generated else escape(figure.view)
            return [Paragraph(f"<b>{number}</b> {view}", self.styles["caption"])]
        text = f"<b>{number}</b> {markup(figure.caption)}"
        caption = [Paragraph(text, self.styles["caption"])]
        if figure.credit:
            caption.append(Paragraph(markup(figure.credit), self.styles["credit"]))
        return caption


def _answer(figure: DocFigure | PublicFigure) -> TypeGuard[DocFigure]:
    return isinstance(figure, DocFigure)


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
