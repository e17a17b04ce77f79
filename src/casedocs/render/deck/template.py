"""The department's PowerPoint template: opening it (.pptx or .potx), choosing a layout for
each slide role, and the slide geometry and theme font the plan is computed from.

python-pptx refuses .potx files (its issue #1070) only because of the main part's content type,
so a template is opened from a copy with that one content type changed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from casedocs.errors import UserError
from casedocs.fonts import DECK_FONT
from casedocs.render.deck.plan import Box, DeckGeometry, default_geometry
from casedocs.source.model import SLIDE_ROLES

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
TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PRESENTATION_MAIN = (
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
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


class TemplateError(UserError):
    """A template that cannot serve; the message lists what it offers."""


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


def open_presentation(path: Path) -> Presentation:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TemplateError(f"{path}: cannot read the template ({error.strerror})") from None
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        types = source.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError):
        raise TemplateError(f"{path}: not a PowerPoint template (.pptx or .potx)") from None
    if TEMPLATE_MAIN in types:
        data = _with_content_types(source, types.replace(TEMPLATE_MAIN, PRESENTATION_MAIN))
    return Presentation(io.BytesIO(data))


def _with_content_types(source: zipfile.ZipFile, types: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = types if entry.filename == "[Content_Types].xml" else source.read(entry)
            target.writestr(entry.filename, content)
    return output.getvalue()


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
        presentation = Presentation(str(DEFAULT_TEMPLATE))
        layouts = _choose_layouts(presentation, DEFAULT_LAYOUTS, DEFAULT_TEMPLATE)
        return DeckTemplate(presentation, layouts, default_geometry(), DECK_FONT, False)
    presentation = open_presentation(path)
    layouts = _choose_layouts(presentation, names, path)
    geometry = _geometry(presentation, layouts["history"])
    return DeckTemplate(presentation, layouts, geometry, _theme_font(presentation), True)


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
    title = _on_slide(_placeholder_box(layout, TITLES), width, height) or default.title
    body = _on_slide(_placeholder_box(layout, BODIES), width, height) or default.body
    if body.height < 0.3 * height or body.width < 0.4 * width:
        body = default.body
    return DeckGeometry(width, height, title, body, styled=False)


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
