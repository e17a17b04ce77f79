"""What text shows on a template's slide, as data the planner's cost and the writer share:
the colour behind a text box (the layout's and master's filled shapes, else the slide's
background) and the colour its text inherits, and, where the two are too close to read (WCAG
2: under 4.5:1), the template's dark or light text colour, whichever reads better."""

from __future__ import annotations

from dataclasses import dataclass

from casedocs.render.deck.boxes import Box, BoxRole

MIN_CONTRAST = 4.5  # WCAG 2, level AA, normal text
# Of the area a text's lines take: a shape covering less of it, or all but this, is not
# crossed (a line's leading and descenders, about a fifth of its height, hold no ink).
EDGE = 0.2
BLACK, WHITE = "000000", "FFFFFF"


@dataclass(frozen=True)
class Fill:
    """A shape of a layout or master that paints over the background: one colour, or a
    picture's colours as a grid of cells over its box (rows top to bottom); None: unknown."""

    box: Box
    colour: str | None
    cells: tuple[tuple[str, ...], ...] = ()

    def under(self, box: Box) -> str | None:
        """The colour under `box`: the fill's, or the mean of the picture's cells it covers."""
        if not self.cells:
            return self.colour
        rows, columns = len(self.cells), len(self.cells[0])
        covered = [
            cell
            for row, line in enumerate(self.cells)
            for column, cell in enumerate(line)
            if _covered(self._cell(row, column, rows, columns), box) > 0
        ]
        if not covered:
            return self.colour
        means = (sum(int(c[i : i + 2], 16) for c in covered) / len(covered) for i in (0, 2, 4))
        return "".join(f"{round(mean):02X}" for mean in means)

    def _cell(self, row: int, column: int, rows: int, columns: int) -> Box:
        width, height = self.box.width / columns, self.box.height / rows
        return Box(self.box.x + column * width, self.box.y + row * height, width, height)


@dataclass(frozen=True)
class Backdrop:
    """A layout as text on it is seen: its background (None: not known), its and its
    master's filled shapes and pictures in drawing order, the colours its title, body and
    other text inherit, and its theme's text and background colours (tx1 and bg1: dark and
    light, or light and dark on a dark theme), the replacements for a colour that fails."""

    background: str | None = WHITE
    fills: tuple[Fill, ...] = ()
    title: str = BLACK
    body: str = BLACK
    other: str = BLACK
    text: str = BLACK
    paper: str = WHITE
    link: str = "0563C1"  # the theme's hyperlink colour (hlink), which a viewer gives links
    numbered: bool = False  # a shape of the layout or master shows the slide number

    def behind(self, box: Box, shapes: bool = True) -> str | None:
        """The colour under `box`: the topmost filled shape covering half of it or more,
        else the background; `shapes=False`: a slide that hides its master's shapes."""
        for fill in reversed(self.fills if shapes else ()):
            if _covered(box, fill.box) >= 0.5:
                return fill.under(box)
        return self.background

    def crossed_by(self, box: Box) -> bool:
        """Text in `box` crosses the edge of a filled shape: part of it on the shape, part
        off it (a band, a triangle's bounding box), where no one colour is behind it."""
        return any(EDGE < _covered(box, fill.box) < 1 - EDGE for fill in self.fills)

    def inherited(self, role: BoxRole) -> str:
        return {"title": self.title, "body": self.body}.get(role, self.other)

    def legible(self, colour: str, box: Box, shapes: bool = True) -> str:
        """`colour` if it reads on what is behind `box`, else the template's text or
        background colour, whichever contrasts more."""
        behind = self.behind(box, shapes)
        if behind is None or contrast(colour, behind) >= MIN_CONTRAST:
            return colour
        return max((self.text, self.paper), key=lambda option: contrast(option, behind))


def _covered(box: Box, shape: Box) -> float:
    """The share of `box` that `shape` covers."""
    width = min(box.x + box.width, shape.x + shape.width) - max(box.x, shape.x)
    height = min(box.y + box.height, shape.y + shape.height) - max(box.y, shape.y)
    area = box.width * box.height
    return max(width, 0) * max(height, 0) / area if area else 0.0


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two sRGB colours written as hex ("1F2933")."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@dataclass(frozen=True)
class Ink:
    """How theme-coloured text in a box is drawn: what it shows, against what, whether that
    is its inherited colour (else the writer sets it), and whether links there read."""

    colour: str
    behind: str | None
    inherited: bool
    links: bool


def themed_ink(
    backdrop: Backdrop, box: Box, role: BoxRole, placeholder: bool, shapes: bool
) -> Ink:
    """Theme-coloured text in `box`: the colour it inherits (a title or body placeholder's,
    else a text box's), or the template's text or background colour where that would not
    read; links (the theme's hyperlink colour) only where they read. `shapes`: the slide
    shows its master's shapes."""
    inherited = backdrop.inherited(role if placeholder else "other")
    shown, behind = backdrop.legible(inherited, box, shapes), backdrop.behind(box, shapes)
    links = behind is None or contrast(backdrop.link, behind) >= MIN_CONTRAST
    return Ink(shown, behind, shown == inherited, links)
