"""The department's PowerPoint template: opening it (.pptx or .potx), choosing a layout for
each slide role, and the slide geometry and theme font the plan is computed from.

python-pptx never sees the template itself: it opens the package package.py rebuilds from the
template's masters, layouts, themes and pictures (which also turns a .potx, which python-pptx
refuses (its issue #1070), into a .pptx). What that leaves behind is said as warnings.
"""

from __future__ import annotations

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
from casedocs.render.deck.package import TemplateError, rebuild_template
from casedocs.render.deck.slides import Box, DeckGeometry, default_geometry, overlap
from casedocs.source.loader import display_path
from casedocs.source.model import SLIDE_ROLES
from casedocs.source.named_files import TEMPLATE, Refused, read_checked

ROLES = SLIDE_ROLES
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
    geometry = _readable(display_path(path), lambda: _geometry(presentation, layouts["history"]))
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


def _geometry(presentation: Presentation, layout: object) -> DeckGeometry:
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
    return DeckGeometry(width, height, title, body, styled=False, keep_out=logos)


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
