"""Draws a slide plan with python-pptx and returns reproducible PPTX bytes.

Everything python-pptx would otherwise fill in by itself is set here: document properties
(its default author and description), the extended properties in app.xml, alt text (it writes
the image's file name), and zip entry times (the current time, which would make every build
differ). A template's own slides, thumbnail, printer settings and properties never get this far:
the package a deck is drawn on is rebuilt without them (package.py).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import PackageWriter
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from casedocs import __version__
from casedocs.figures import FigureImages, PreparedImage
from casedocs.figures.annotations import FILL, OUTLINE, ArrowMark, CircleMark, LabelMark, Mark
from casedocs.render.deck.colours import Backdrop, Ink, themed_ink
from casedocs.render.deck.slides import (
    BULLET_INDENT,
    INSET_X,
    INSET_Y,
    KIND_ROLES,
    Box,
    Bullet,
    Numbered,
    PictureBox,
    SlidePlan,
    TextBox,
    TextPara,
    footer_box,
)
from casedocs.render.deck.template import DeckTemplate
from casedocs.render.deck.textfit import LINE_SPACING
from casedocs.wording import OFFICE_LANGUAGE_TAGS

TITLE_PLACEHOLDERS = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_PLACEHOLDERS = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
MP4 = "video/mp4"
# Pictures and videos are compressed already: deflating them again costs a build's time (a
# millisecond per 50 KB) to gain a few per cent, and megabytes of a stack's video gain nothing.
COMPRESSED_MEDIA = frozenset({".jpg", ".jpeg", ".png", ".gif", ".mp4"})
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>casedocs {version}</Application>"
    "<Slides>{slides}</Slides><Notes>{slides}</Notes></Properties>"
)


@dataclass(frozen=True)
class DeckProperties:
    """What core.xml says: set in full by us, and never naming the answer."""

    title: str
    author: str
    identifier: str
    subject: str  # wording "deck_subject", in the deck's language
    language: str = "en"  # the deck's: its runs, text defaults and properties say so


class DeckDrawing:
    """A deck drawn slide by slide, savable at any point: a deck whose first slides are a
    shorter deck (the unknown part of a case) gives both files from one drawing."""

    def __init__(self, template: DeckTemplate, images: FigureImages, language: str = "en"):
        self._template = template
        self._images = images
        self._slides = 0
        self._language = OFFICE_LANGUAGE_TAGS[language]
        _default_language(template.presentation, self._language)

    def draw(self, plan: list[SlidePlan]) -> None:
        """Append the planned slides; their numbers go on from the slides already drawn."""
        for slide_plan in plan:
            self._slides += 1
            slide = _draw_slide(
                self._template.presentation, self._template, slide_plan, self._slides, self._images
            )
            _in_language(slide.element, self._language)
            _in_language(slide.notes_slide.element, self._language)

    def save(self, properties: DeckProperties, timestamp: datetime) -> bytes:
        """The slides drawn so far as PPTX bytes, with `properties`."""
        presentation = self._template.presentation
        _set_properties(presentation, properties, timestamp)
        return _package_bytes(presentation, timestamp, self._slides)


def _draw_slide(
    presentation: Presentation,
    template: DeckTemplate,
    plan: SlidePlan,
    number: int,
    images: FigureImages,
) -> object:
    slide = presentation.slides.add_slide(template.layouts[KIND_ROLES[plan.kind]])
    themed = template.custom and not plan.dark  # the template's theme colours the text
    if plan.dark or not template.custom:  # figure slides stay black whatever the template
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor.from_string("000000" if plan.dark else "FFFFFF")
    if not plan.shows_master:
        # Image slides are ours edge to edge: the master's pictures (logos) would sit on
        # the images or under their labels; a plain slide's text would cross its shapes.
        slide.element.set("showMasterSp", "0")
    backdrop = template.geometry.backdrop(plan.kind) if themed else None
    texts = _fill_placeholders(slide, plan, backdrop)
    if plan.panel:
        _draw_panel(slide, plan.panel)
    for picture in plan.pictures:
        video = images.prepare_video(picture.image) if picture.moving else b""
        _draw_picture(slide, picture, images.resolve(picture.image), video)
    for text in texts:
        _draw_text(slide, text, plan, backdrop)
    footer = footer_box(plan, number, template.geometry)
    if footer is not None:
        _draw_text(slide, footer, plan, backdrop)
    slide.notes_slide.notes_text_frame.text = plan.notes
    return slide


def _fill_placeholders(slide, plan: SlidePlan, backdrop: Backdrop | None) -> tuple[TextBox, ...]:  # noqa: ANN001
    """The slide's title goes into the layout's title placeholder and its main text into the
    body placeholder (so the outline lists every slide, screen readers find its title, and
    another theme restyles it); other placeholders are removed, since empty ones would show
    their prompt text. Returns the text boxes still to draw. `backdrop`: a template's slide,
    whose theme colours the text."""
    wanted = {
        TITLE_PLACEHOLDERS: next((t for t in plan.texts if t.role == "title"), None),
        BODY_PLACEHOLDERS: next((t for t in plan.texts if t.role == "body"), None),
    }
    placed: list[TextBox] = []
    for placeholder in list(slide.placeholders):
        kinds = next((k for k in wanted if placeholder.placeholder_format.type in k), None)
        text = wanted.pop(kinds, None) if kinds else None
        if text is None:
            placeholder._element.getparent().remove(placeholder._element)
            continue
        placeholder.name = text.name
        placeholder.left, placeholder.top, placeholder.width, placeholder.height = _box_args(
            text.box
        )
        ink = _ink(backdrop, plan, text, placeholder=True)
        _fill_frame(placeholder.text_frame, text, ink,
                    keep_alignment=backdrop is not None and text.role == "title")
        placed.append(text)
    return tuple(t for t in plan.texts if not any(t is p for p in placed))


def _ink(backdrop: Backdrop | None, plan: SlidePlan, text: TextBox, placeholder: bool
         ) -> Ink | None:
    """On a template's slide, how its theme colours the text; None on our own slides, whose
    colours the plan gives."""
    if backdrop is None:
        return None
    return themed_ink(backdrop, text.box, text.role, placeholder, plan.shows_master)


def _box_args(box: Box) -> tuple[Emu, Emu, Emu, Emu]:
    return Inches(box.x), Inches(box.y), Inches(box.width), Inches(box.height)


def _draw_panel(slide, box: Box) -> None:  # noqa: ANN001
    panel = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *_box_args(box))
    panel.name = "Image panel"
    panel.fill.solid()
    panel.fill.fore_color.rgb = RGBColor(0, 0, 0)
    panel.line.fill.background()
    panel.shadow.inherit = False


def _draw_picture(slide, picture: PictureBox, image: PreparedImage,  # noqa: ANN001
                  video: bytes = b"") -> None:
    """The picture (or a stack's video, `video`), and its annotations as native shapes grouped
    with it, so a presenter can move the image with its marks or nudge a single arrow."""
    shapes = slide.shapes
    if picture.marks:
        group = shapes.add_group_shape()
        group.name = f"{picture.name} with annotations"
        shapes = group.shapes
    if picture.moving:  # a stack: its video, standing on the key slice until it plays
        shape = shapes.add_movie(io.BytesIO(video), *_box_args(picture.box),
                                 poster_frame_image=io.BytesIO(image.data), mime_type=MP4)
    else:
        shape = shapes.add_picture(io.BytesIO(image.data), *_box_args(picture.box))
    shape.name = picture.name
    # add_picture writes the image's file name into descr; alt text is ours to choose.
    shape._element.nvPicPr.cNvPr.set("descr", picture.alt)
    origin = (Inches(picture.box.x), Inches(picture.box.y))
    for number, mark in enumerate(picture.marks, start=1):
        _draw_mark(shapes, mark, origin, number)


def _draw_mark(shapes, mark: Mark, origin: tuple[int, int], number: int) -> None:  # noqa: ANN001
    def emu(x: float, y: float) -> tuple[int, int]:
        return origin[0] + Pt(x), origin[1] + Pt(y)

    if isinstance(mark, ArrowMark):
        first, *rest = (emu(*point) for point in mark.outline)
        builder = shapes.build_freeform(*first, scale=1.0)
        builder.add_line_segments(rest, close=True)
        shape = builder.convert_to_shape()
        shape.name = f"Arrow {number}"
        _light_with_dark_outline(shape, mark.stroke)
    elif isinstance(mark, CircleMark):
        x, y = emu(mark.center[0] - mark.radius, mark.center[1] - mark.radius)
        for color, width, name in (
            (OUTLINE, mark.stroke * 2.5, "outline"),
            (FILL, mark.stroke, ""),
        ):
            shape = shapes.add_shape(MSO_SHAPE.OVAL, x, y, Pt(2 * mark.radius), Pt(2 * mark.radius))
            shape.name = f"Circle {number} {name}".strip()
            shape.fill.background()
            shape.line.color.rgb = RGBColor.from_string(color)
            shape.line.width = Pt(width)
            shape.shadow.inherit = False
    else:
        _draw_label(shapes, mark, emu(*mark.origin), number)


def _light_with_dark_outline(shape, stroke: float) -> None:  # noqa: ANN001
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(FILL)
    shape.line.color.rgb = RGBColor.from_string(OUTLINE)
    shape.line.width = Pt(stroke)
    shape.shadow.inherit = False


def _draw_label(shapes, mark: LabelMark, position: tuple[int, int], number: int) -> None:  # noqa: ANN001
    width = Pt(mark.size * 0.62 * len(mark.text) + mark.size)
    box = shapes.add_textbox(*position, width, Pt(mark.size * 1.5))
    box.name = f"Label {number}"
    frame = box.text_frame
    frame.word_wrap = False
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    run = frame.paragraphs[0].add_run()
    run.text = mark.text
    run.font.bold = True
    run.font.size = Pt(mark.size)
    run.font.color.rgb = RGBColor.from_string(FILL)
    outline = etree.SubElement(run._r.get_or_add_rPr(), qn("a:ln"), w=str(Pt(mark.stroke)))
    fill = etree.SubElement(outline, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=OUTLINE)
    run._r.get_or_add_rPr().insert(0, outline)  # a:ln comes before the fill in rPr


def _draw_text(slide, text: TextBox, plan: SlidePlan, backdrop: Backdrop | None) -> None:  # noqa: ANN001
    shape = slide.shapes.add_textbox(*_box_args(text.box))
    shape.name = text.name
    # A figure's label sits on our black panel, never on the template's background: its
    # colour is ours (a theme's text or accent colour there can vanish).
    ink = None if text.role == "label" else _ink(backdrop, plan, text, placeholder=False)
    _fill_frame(shape.text_frame, text, ink)


def _fill_frame(frame, text: TextBox, ink: Ink | None, keep_alignment: bool = False) -> None:  # noqa: ANN001
    """`text` into `frame`; `ink`: None for the plan's colours, else how the template's
    theme colours it; `keep_alignment`: aligned as the layout's placeholder is (a
    template's centred titles stay centred)."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Inches(INSET_X)
    frame.margin_top = frame.margin_bottom = Inches(INSET_Y)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if text.anchor == "middle" else MSO_ANCHOR.TOP
    for i, para in enumerate(text.paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _fill_paragraph(paragraph, para, ink, keep_alignment)


def _fill_paragraph(paragraph, para: TextPara, ink: Ink | None, keep_alignment: bool) -> None:  # noqa: ANN001
    if not keep_alignment:
        paragraph.alignment = PP_ALIGN.CENTER if para.align == "center" else PP_ALIGN.LEFT
    paragraph.line_spacing = Pt(para.size * LINE_SPACING)
    paragraph.space_before = Pt(0)  # a placeholder's master style would add its own
    paragraph.space_after = Pt(para.space_after)
    _set_indent(paragraph, para)
    for span in para.spans:
        run = paragraph.add_run()
        run.text = "\v" if span.text == "\n" else span.text  # \v becomes a line break
        font = run.font  # the family is the theme's: what the text was measured in
        font.size = Pt(para.size)
        font.bold = para.bold or span.bold
        font.italic = span.italic
        if ink is None or not ink.inherited:
            font.color.rgb = RGBColor.from_string(ink.colour if ink else para.color)
        if span.superscript or span.subscript:
            run._r.get_or_add_rPr().set("baseline", "30000" if span.superscript else "-25000")
        if span.href and (ink is None or ink.links):  # else plain text, which reads
            run.hyperlink.address = span.href


def _set_indent(paragraph, para: TextPara) -> None:  # noqa: ANN001
    """Hanging indent and bullet; python-pptx has no bullet API for text boxes."""
    properties = paragraph._p.get_or_add_pPr()
    hanging = BULLET_INDENT if para.bullet else 0.0
    properties.set("marL", str(Inches(para.indent + hanging)))
    properties.set("indent", str(-Inches(hanging)))
    if isinstance(para.bullet, Numbered):
        etree.SubElement(
            properties, qn("a:buAutoNum"), type="arabicPeriod", startAt=str(para.bullet.number)
        )
    elif isinstance(para.bullet, Bullet):
        etree.SubElement(properties, qn("a:buChar"), char=para.bullet.char)
    else:
        etree.SubElement(properties, qn("a:buNone"))


def _set_properties(
    presentation: Presentation, properties: DeckProperties, timestamp: datetime
) -> None:
    """Every core property set by us; none names the answer (the deck opens on the unknown)."""
    core = presentation.core_properties
    core.title = _fitted_property(properties.title)
    core.subject = properties.subject
    core.author = _fitted_property(properties.author or "casedocs")
    core.last_modified_by = "casedocs"
    core.keywords = ""
    core.comments = ""
    core.category = ""
    core.content_status = ""
    core.identifier = properties.identifier
    core.language = OFFICE_LANGUAGE_TAGS[properties.language]
    core.version = ""
    core.revision = 1
    core.created = core.modified = core.last_printed = timestamp.replace(tzinfo=None)


PROPERTY_LIMIT = 255  # python-pptx refuses longer core properties


def _fitted_property(text: str) -> str:
    """`text` within the limit, cut after a whole name ("A, MD; B, PhD; ...") or word."""
    if len(text) <= PROPERTY_LIMIT:
        return text
    room = text[: PROPERTY_LIMIT - len(" et al.")]
    cut = room.rfind("; ") if "; " in room else room.rfind(" ")
    return (room[:cut] if cut > 0 else room).rstrip(";, ") + " et al."


def _package_bytes(presentation: Presentation, timestamp: datetime, slides: int) -> bytes:
    """The package's entries, in python-pptx's order, in a zip whose entries carry the build's
    time (not the clock's), with our own app.xml."""
    date_time = (max(timestamp.year, 1980), *timestamp.timetuple()[1:6])
    app_xml = APP_XML.format(version=escape(__version__), slides=slides).encode()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in _package_entries(presentation):
            info = zipfile.ZipInfo(name, date_time=date_time)
            stored = posixpath.splitext(name)[1].lower() in COMPRESSED_MEDIA
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, app_xml if name == "docProps/app.xml" else blob)
    return output.getvalue()


# python-pptx's package writer, which `save` runs, has no say over entry times; we run its
# steps ourselves so that every part is compressed once. Should they change, `save` it is,
# and its zip read back.
_WRITER_STEPS = ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")


def _package_entries(presentation: Presentation) -> list[tuple[str, bytes]]:
    package = presentation.part.package
    if not all(hasattr(PackageWriter, step) for step in _WRITER_STEPS):
        saved = io.BytesIO()
        presentation.save(saved)
        with zipfile.ZipFile(saved) as package_zip:
            return [(name, package_zip.read(name)) for name in package_zip.namelist()]
    entries = _Entries()
    writer = PackageWriter(io.BytesIO(), package._rels, tuple(package.iter_parts()))
    for step in _WRITER_STEPS:
        getattr(writer, step)(entries)
    return entries.written


class _Entries:
    """What python-pptx's package writer writes to: a list of entries."""

    def __init__(self) -> None:
        self.written: list[tuple[str, bytes]] = []

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self.written.append((pack_uri.membername, blob))


def _in_language(element: etree._Element, tag: str) -> None:
    """Every run, field and paragraph end of `element` marked as written in `tag`, so that
    PowerPoint checks the spelling in the deck's language."""
    for run in (*element.iter(qn("a:r")), *element.iter(qn("a:fld"))):
        properties = run.find(qn("a:rPr"))
        if properties is None:
            properties = etree.Element(qn("a:rPr"))
            run.insert(0, properties)
        properties.set("lang", tag)
    for end in element.iter(qn("a:endParaRPr")):
        end.set("lang", tag)


def _default_language(presentation: Presentation, tag: str) -> None:
    """The text defaults of the presentation, its masters and layouts (their styles and
    placeholders) in `tag`: text typed into the deck later is checked in its language too."""
    parts = [presentation.element]
    for master in presentation.slide_masters:
        parts += [master.element, *(layout.element for layout in master.slide_layouts)]
    parts.append(presentation.notes_master.element)  # every deck has notes
    for part in parts:
        for defaults in part.iter(qn("a:defRPr")):
            defaults.set("lang", tag)
        _in_language(part, tag)
