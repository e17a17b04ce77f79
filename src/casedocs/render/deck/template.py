"""The department's PowerPoint template: opening it (.pptx or .potx), choosing a layout for
each slide role, and the slide geometry and theme font the plan is computed from.

python-pptx never sees the template itself: it opens the package package.py rebuilds from the
template's masters, layouts, themes and pictures (which also turns a .potx, which python-pptx
refuses (its issue #1070), into a .pptx). What that leaves behind is said as warnings.
"""

from __future__ import annotations

import colorsys
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.exc import PythonPptxError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from casedocs.errors import Report
from casedocs.fonts import DECK_FONT
from casedocs.render.deck.colours import Backdrop, Fill
from casedocs.render.deck.package import TemplateError, rebuild_template
from casedocs.render.deck.slides import (
    Box,
    DeckGeometry,
    default_geometry,
    overlap,
)
from casedocs.source.loader import display_path
from casedocs.source.model import SLIDE_ROLES
from casedocs.source.named_files import TEMPLATE, Refused, read_checked

ROLES = SLIDE_ROLES
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
DEFAULT_TEMPLATE = Path(__file__).with_name("default.pptx")  # tools/make_default_template.py
DEFAULT_LAYOUTS = {  # role -> layout of our own template: a title placeholder on every slide
    "title": "Title Slide",
    "figure": "Title Only",
    "divider": "Title Only",
    **{role: "Title and Content" for role in ("history", "prompt", "findings", "differential",
                                              "diagnosis", "discussion", "references")},
}
# What python-pptx raises on XML that is well formed but not what it expects (a placeholder
# type it does not know, a size that is not a number): the template is refused for it.
UNREADABLE = (PythonPptxError, ValueError, KeyError, AttributeError, TypeError, IndexError,
              etree.LxmlError)


@dataclass(frozen=True)
class LayoutInfo:
    master: int
    name: str
    placeholders: tuple[tuple[str, int, str], ...]  # type, idx, name

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} (idx {idx})" for kind, idx, _ in self.placeholders)
        return f"master {self.master + 1}: '{self.name}': {kinds or 'no placeholders'}"


@dataclass
class DeckTemplate:
    """A freshly opened template with a layout chosen for every role."""

    presentation: Presentation
    layouts: dict[str, object]  # role -> SlideLayout
    geometry: DeckGeometry
    font: str  # the theme's body font, which slide text is measured in
    custom: bool  # a user's template: its theme, not our colours, styles the slides
    warnings: tuple[Report, ...] = ()  # what was left behind of it


@dataclass(frozen=True)
class OpenedTemplate:
    presentation: Presentation
    warnings: tuple[Report, ...]  # "dept.pptx: warning: template: dropped ...", one a thing


def open_template(path: Path) -> OpenedTemplate:
    """The template at `path`, rebuilt from what a deck needs and read through once, so that a
    template python-pptx cannot read is refused here, in one line, not halfway through a deck."""
    name = display_path(path)
    rebuilt = rebuild_template(_template_bytes(path, name), name)
    presentation = _readable(name, lambda: Presentation(io.BytesIO(rebuilt.data)))
    _readable(name, lambda: _read_through(presentation, name))
    warnings = tuple(Report(name, None, "template", f"dropped {line}", warning=True)
                     for line in rebuilt.dropped)
    return OpenedTemplate(presentation, warnings)


def _template_bytes(path: Path, name: str) -> bytes:
    try:
        return read_checked(path, TEMPLATE)  # a regular file, of a template's size
    except Refused as refused:
        raise TemplateError(f"{name}: {refused.reason}") from None


@functools.cache
def _default_template() -> bytes:
    """Our own template, rebuilt like a department's (once: it is the same every deck)."""
    return rebuild_template(DEFAULT_TEMPLATE.read_bytes(), DEFAULT_TEMPLATE.name).data


def _readable(name: str, read: Callable[[], object]) -> object:
    try:
        return read()
    except UNREADABLE:
        raise TemplateError(f"{name}: a damaged PowerPoint template: its slide masters or "
                            "layouts cannot be read") from None


def _read_through(presentation: Presentation, name: str) -> None:
    """What a deck or `casedocs layouts` reads of every layout: the slide size, each master's
    theme, each layout's name and placeholders (as a new slide copies them). The geometry is
    read of the chosen layout only: inherited positions are slow to look up."""
    if not (presentation.slide_width and presentation.slide_height):
        raise TemplateError(f"{name}: a damaged PowerPoint template: it has no slide size")
    for master in presentation.slide_masters:
        master.part.part_related_by(RT.THEME)
        for layout in master.slide_layouts:
            _copied_facts(layout)


def _copied_facts(layout: object) -> list[tuple]:
    """What python-pptx reads of a layout's placeholders when a new slide copies them, and
    what `describe_layouts` reads."""
    return [
        (layout.name, p.name, p.element.ph_type, p.element.ph_orient, p.element.ph_sz,
         p.element.ph_idx)
        for p in layout.placeholders
    ]


def describe_layouts(presentation: Presentation) -> list[LayoutInfo]:
    """Every layout of every master, with its placeholders."""
    infos = []
    for master_index, master in enumerate(presentation.slide_masters):
        for layout in master.slide_layouts:
            placeholders = tuple(
                (
                    ph.placeholder_format.type.name if ph.placeholder_format.type else "NONE",
                    ph.placeholder_format.idx,
                    ph.name,
                )
                for ph in layout.placeholders
            )
            infos.append(LayoutInfo(master_index, layout.name, placeholders))
    return infos


def load_template(path: Path | None, names: dict[str, str]) -> DeckTemplate:
    """The template at `path` (or our own default) with a layout for every role."""
    if path is None:
        presentation = Presentation(io.BytesIO(_default_template()))
        layouts = _choose_layouts(presentation, DEFAULT_LAYOUTS, DEFAULT_TEMPLATE)
        return DeckTemplate(presentation, layouts, default_geometry(), DECK_FONT, False)
    opened = open_template(path)
    presentation = opened.presentation
    layouts = _choose_layouts(presentation, names, path)
    geometry = _readable(display_path(path), lambda: _geometry(presentation, layouts))
    font = _theme_font(presentation)
    return DeckTemplate(presentation, layouts, geometry, font, True, opened.warnings)


def _choose_layouts(
    presentation: Presentation, names: dict[str, str], path: Path
) -> dict[str, object]:
    unknown_roles = sorted(set(names) - set(ROLES))
    if unknown_roles:
        raise TemplateError(
            f"layouts: unknown slide role '{unknown_roles[0]}' (roles: {', '.join(ROLES)})"
        )
    all_layouts = [
        layout for master in presentation.slide_masters for layout in master.slide_layouts
    ]
    chosen = {}
    for role in ROLES:
        layout = _by_name(all_layouts, names.get(role)) if role in names else None
        if role in names and layout is None:
            raise _no_layout(presentation, path, f"no layout named '{names[role]}' for {role}")
        chosen[role] = layout or _by_placeholders(all_layouts, role)
        if chosen[role] is None:
            raise _no_layout(
                presentation,
                path,
                f"no layout suits the {role} slides; name one with layouts: {{{role}: NAME}}",
            )
    return chosen


def _by_name(layouts: list, name: str | None) -> object | None:
    return next((layout for layout in layouts if layout.name == name), None)


def _kinds(layout: object) -> set:
    return {ph.placeholder_format.type for ph in layout.placeholders}


def _by_placeholders(layouts: list, role: str) -> object | None:
    """A layout by the placeholders it has, so that renamed or localized layouts work."""

    def first(test) -> object | None:  # noqa: ANN001
        return next((layout for layout in layouts if test(_kinds(layout))), None)

    with_title_and_body = first(lambda k: k & set(TITLES) and k & set(BODIES))
    if role == "title":
        return first(lambda k: PP_PLACEHOLDER.CENTER_TITLE in k) or with_title_and_body
    if role == "figure":
        return (
            first(lambda k: not k)
            or first(lambda k: k <= set(TITLES) | _DECORATION)
            or with_title_and_body
        )
    if role == "divider":
        return first(lambda k: k & set(TITLES) and not k & set(BODIES)) or with_title_and_body
    return with_title_and_body


_DECORATION = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}


def _no_layout(presentation: Presentation, path: Path, reason: str) -> TemplateError:
    listing = "\n".join(f"  {info}" for info in describe_layouts(presentation))
    return TemplateError(f"{path}: {reason}. Its layouts:\n{listing}")


def _geometry(presentation: Presentation, layouts: dict[str, object]) -> DeckGeometry:
    """The slide's size and the text boxes of the history slide's layout; how text is seen
    on each role's layout."""
    layout = layouts["history"]
    width = presentation.slide_width / 914400
    height = presentation.slide_height / 914400
    default = default_geometry(width, height)
    # The layout's title and body, else its master's (LibreOffice's exports give every
    # layout its title slide's boxes), else ours: the first pair that can hold a slide.
    title, body = next(
        (
            (title, body)
            for source in (layout, layout.slide_master)
            if (title := _on_slide(_placeholder_box(source, TITLES), width, height))
            and (body := _on_slide(_placeholder_box(source, BODIES), width, height))
            and body.height >= 0.3 * height
            and body.width >= 0.3 * width
            and not overlap(title, body)
        ),
        (default.title, default.body),
    )
    logos = _pictures(layout, width * height)
    title, body = _clear_of(title, logos), _clear_of(body, logos)
    seen: dict[int, Backdrop] = {}  # roles share layouts
    for chosen in layouts.values():
        if id(chosen) not in seen:
            seen[id(chosen)] = _backdrop(presentation, chosen)
    backdrops = tuple((role, seen[id(chosen)]) for role, chosen in layouts.items())
    return DeckGeometry(width, height, title, body, styled=False, keep_out=logos,
                        backdrops=backdrops)


def _pictures(layout: object, slide_area: float) -> tuple[Box, ...]:
    """Where the layout and its master show pictures of their own (a department's logos):
    text keeps clear of them. A picture over a quarter of the slide is its background,
    made to carry text."""
    shapes = [*layout.slide_master.shapes, *layout.shapes]
    boxes = (
        Box(shape.left / EMU, shape.top / EMU, shape.width / EMU, shape.height / EMU)
        for shape in shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE and shape.width and shape.height
    )
    return tuple(box for box in boxes if box.width * box.height < slide_area * BACKGROUND_SHARE)


def _clear_of(box: Box, logos: tuple[Box, ...]) -> Box:
    """`box` made smaller, by the least area, until it overlaps none of `logos`: the part
    right of, left of or below each one it overlaps."""
    for logo in logos:
        if not overlap(box, logo):
            continue
        gap = 0.1
        right, bottom = box.x + box.width, box.y + box.height
        candidates = [
            Box(logo.x + logo.width + gap, box.y, right - logo.x - logo.width - gap, box.height),
            Box(box.x, box.y, logo.x - gap - box.x, box.height),
            Box(box.x, logo.y + logo.height + gap, box.width, bottom - logo.y - logo.height - gap),
            Box(box.x, box.y, box.width, logo.y - gap - box.y),
        ]
        box = max(
            (c for c in candidates if c.width > 0 and c.height > 0),
            key=lambda c: c.width * c.height,
            default=box,
        )
    return box


EMU = 914400  # a shape's unit, a 914400th of an inch
BACKGROUND_SHARE = 0.25  # of the slide: a picture this large is a background, not a logo


def _placeholder_box(layout: object, kinds: tuple) -> Box | None:
    for placeholder in layout.placeholders:
        if placeholder.placeholder_format.type in kinds and placeholder.width:
            return Box(
                placeholder.left / 914400,
                placeholder.top / 914400,
                placeholder.width / 914400,
                placeholder.height / 914400,
            )
    return None


def _on_slide(box: Box | None, width: float, height: float) -> Box | None:
    """A placeholder box clipped to the slide (templates are not always tidy)."""
    if box is None:
        return None
    left, top = max(box.x, 0.0), max(box.y, 0.0)
    right, bottom = min(box.x + box.width, width), min(box.y + box.height, height)
    return Box(left, top, right - left, bottom - top) if right > left and bottom > top else None


def _theme_font(presentation: Presentation) -> str:
    theme = presentation.slide_master.part.part_related_by(RT.THEME).blob.decode("utf-8", "ignore")
    match = re.search(r'<a:minorFont>\s*<a:latin typeface="([^"]+)"', theme)
    return match[1] if match and not match[1].startswith("+") else DECK_FONT


# -- colours: what text on a layout is seen against --------------------------------------------

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
_FILLS = ("solidFill", "gradFill")  # fills whose colour is known; a picture's or pattern's not
_MAPPED = ("bg1", "tx1", "bg2", "tx2")  # names the master's colour map points at the theme's


def _backdrop(presentation: Presentation, layout: object) -> Backdrop:
    """How text on `layout` is seen: what is behind it and what colour it inherits, read of
    the layout, its master, the master's theme and the presentation's text defaults."""
    master = layout.slide_master
    colours = _SchemeColours.of(master, layout)
    backgrounds = (_background(source, colours) for source in (layout, master))
    background = next((found for found in backgrounds if found != ""), colours.get("bg1"))
    sources = [layout] if layout.element.get("showMasterSp") == "0" else [master, layout]
    fills = tuple(
        fill for source in sources for fill in _filled_shapes(source, colours, background)
    )
    defaults = presentation.element.find("p:defaultTextStyle", _NS)
    inherit = functools.partial(_text_colour, master, layout, defaults, colours)
    return Backdrop(
        background,
        fills,
        title=inherit(TITLES, "p:titleStyle"),
        body=inherit(BODIES, "p:bodyStyle"),
        other=inherit((), "p:otherStyle"),
        text=colours.get("tx1") or "000000",
        paper=colours.get("bg1") or "FFFFFF",
        link=colours.get("hlink") or "0563C1",
        numbered=any(_shows_slide_number(source) for source in sources),
    )


@dataclass(frozen=True)
class _SchemeColours:
    """A master's theme colours, by scheme name, through its colour map (bg1 -> lt1)."""

    scheme: dict[str, str]
    mapping: dict[str, str]

    @classmethod
    def of(cls, master: object, layout: object) -> _SchemeColours:
        theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
        scheme = {}
        for slot in theme.iterfind(".//a:clrScheme/*", _NS):
            value = _plain_colour(slot)
            if value:
                scheme[etree.QName(slot).localname] = value
        found = master.element.find("p:clrMap", _NS)
        mapping = dict(found.attrib) if found is not None else {}
        override = layout.element.find("p:clrMapOvr/a:overrideClrMapping", _NS)
        if override is not None:
            mapping = dict(override.attrib)
        return cls(scheme, mapping)

    def get(self, name: str) -> str | None:
        return self.scheme.get(self.mapping.get(name, name) if name in _MAPPED else name)


def _plain_colour(element: etree._Element) -> str | None:
    found = element.find("a:srgbClr", _NS)
    if found is not None:
        return found.get("val", "").upper() or None
    found = element.find("a:sysClr", _NS)
    return found.get("lastClr", "").upper() or None if found is not None else None


def _colour(fill: etree._Element | None, colours: _SchemeColours) -> str | None:
    """The colour a fill (solid, or a gradient's middle) or a colour's parent shows."""
    if fill is None:
        return None
    if etree.QName(fill).localname == "gradFill":
        stops = fill.findall("a:gsLst/a:gs", _NS)
        return _colour(stops[len(stops) // 2], colours) if stops else None
    for choice in fill.iterchildren(etree.Element):
        name = etree.QName(choice).localname
        base = {
            "srgbClr": lambda c: c.get("val"),
            "sysClr": lambda c: c.get("lastClr"),
            "schemeClr": lambda c: colours.get(c.get("val", "")),
        }.get(name, lambda c: None)(choice)
        if base and re.fullmatch(r"[0-9A-Fa-f]{6}", base):
            return _modified(base.upper(), choice)
    return None


def _modified(colour: str, choice: etree._Element) -> str:
    """A colour with its luminance changes (lumMod, lumOff, tint, shade) applied."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    for change in choice.iterchildren(etree.Element):
        kind = etree.QName(change).localname
        value = _per_cent(change.get("val", ""), 0.0 if kind == "lumOff" else 1.0)
        if kind == "lumMod":
            lightness *= value
        elif kind == "lumOff":
            lightness += value
        elif kind == "tint":
            lightness = lightness * value + (1 - value)
        elif kind == "shade":
            lightness *= value
    rgb = colorsys.hls_to_rgb(hue, min(max(lightness, 0.0), 1.0), saturation)
    return "".join(f"{round(channel * 255):02X}" for channel in rgb)


def _shows_slide_number(source: object) -> bool:
    """A shape of its own (not a placeholder, which a slide leaves out) shows the number."""
    return any(
        not shape.is_placeholder and shape.element.find(".//a:fld[@type='slidenum']", _NS)
        is not None
        for shape in source.shapes
    )


def _fill_of(properties: etree._Element | None) -> etree._Element | None:
    """A shape's or background's fill, when it paints a colour; None for none, a picture, a
    pattern."""
    if properties is None:
        return None
    fills = (child for child in properties.iterchildren(etree.Element)
             if etree.QName(child).localname.endswith("Fill"))
    fill = next(fills, None)
    return fill if fill is not None and etree.QName(fill).localname in _FILLS else None


def _per_cent(value: str, unreadable: float) -> float:
    """A DrawingML percentage (thousandths of a per cent) as a fraction."""
    try:
        return int(value) / 100000
    except ValueError:
        return unreadable


def _background(source: object, colours: _SchemeColours) -> str | None:
    """A layout's or master's background colour; None for a picture or pattern (its colour
    is not known); "" when it has none of its own."""
    background = source.element.find("p:cSld/p:bg", _NS)
    if background is None:
        return ""
    properties = background.find("p:bgPr", _NS)
    if properties is not None:
        return _colour(_fill_of(properties), colours)
    return _colour(background.find("p:bgRef", _NS), colours)


def _filled_shapes(
    source: object, colours: _SchemeColours, background: str | None
) -> list[Fill]:
    """The shapes of a layout or master that paint over its background (not placeholders),
    in drawing order, with their colours (a picture's, cell by cell)."""
    filled = []
    for shape in source.shapes:
        if shape.is_placeholder or not (shape.width and shape.height):
            continue
        box = Box(shape.left / EMU, shape.top / EMU, shape.width / EMU, shape.height / EMU)
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            filled.append(Fill(box, None, _picture_cells(shape, background)))
            continue
        fill = _fill_of(shape.element.find("p:spPr", _NS))
        if fill is not None:
            filled.append(Fill(box, _colour(fill, colours)))
    return filled


PICTURE_CELLS = 16  # a picture's colours are known on a grid this many cells wide


def _picture_cells(shape: object, background: str | None) -> tuple[tuple[str, ...], ...]:
    """A picture's mean colours on a grid over its box (none for a picture Pillow cannot
    read, such as a vector one): what text on a background picture is seen against."""
    rows = max(1, round(PICTURE_CELLS * shape.height / shape.width))
    return _cells(shape.image.blob, rows, background)


@functools.lru_cache(maxsize=16)  # a master's picture shows on many layouts, in every deck
def _cells(blob: bytes, rows: int, background: str | None) -> tuple[tuple[str, ...], ...]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(blob)) as picture:
            picture.draft("RGB", (PICTURE_CELLS * 8, PICTURE_CELLS * 8))  # a JPEG decodes small
            cells = picture.convert("RGBA").resize((PICTURE_CELLS, rows), Image.Resampling.BOX)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return ()
    # Where the picture is transparent, what is under it shows.
    under = Image.new("RGBA", cells.size, "#" + (background or "FFFFFF"))
    cells = Image.alpha_composite(under, cells).convert("RGB")
    colours = cells.tobytes().hex().upper()  # six hex digits a cell, row after row
    width = cells.width * 6
    return tuple(
        tuple(colours[start + at:start + at + 6] for at in range(0, width, 6))
        for start in range(0, len(colours), width)
    )


def _text_colour(
    master: object,
    layout: object,
    defaults: etree._Element | None,
    colours: _SchemeColours,
    kinds: tuple,
    style: str,
) -> str:
    """The colour text in a `kinds` placeholder (or, with no kinds, a text box) inherits: the
    layout's placeholder, the master's, the master's text style, the presentation's default,
    else the theme's text colour."""
    levels = "a:lvl1pPr/a:defRPr/a:solidFill"
    places = [
        placeholder.element.find(f"p:txBody/a:lstStyle/{levels}", _NS)
        for source in (layout, master)
        for placeholder in source.placeholders
        if kinds and placeholder.placeholder_format.type in kinds
    ]
    places.append(master.element.find(f"p:txStyles/{style}/{levels}", _NS))
    places.append(defaults.find(levels, _NS) if defaults is not None else None)
    found = (_colour(place, colours) for place in places if place is not None)
    return next((colour for colour in found if colour), colours.get("tx1") or "000000")
