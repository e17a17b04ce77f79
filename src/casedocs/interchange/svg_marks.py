"""MIRC's SVG annotations as the case format's arrows, circles and labels, and back.

MIRC's annotation editor (MIRC2 `aauth/svg-editor.js`) draws over an image of the SVG's own
width and height: `line` and `circle` elements, arrows as a `polygon` with type="arrow" whose
x1,y1 is the tail and x2,y2 the tip, and `text` whose x,y is the baseline's start. The case
format keeps marks as fractions of the image, so only the proportions matter here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from casedocs.interchange.markup import tag_of

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_PASSIVE = {"svg", "image", "title", "desc", "defs", "metadata", "style", "g"}
_HOLDERS = {"defs", "text", "marker", "clipPath", "mask", "symbol"}  # their children are no marks


@dataclass
class Marks:
    annotations: list[dict] = field(default_factory=list)  # as case-file mappings
    approximated: list[str] = field(default_factory=list)  # "line drawn as an arrow"
    unmapped: list[str] = field(default_factory=list)  # element names with no counterpart


def read_marks(path: Path) -> Marks:
    """The marks of a MIRC SVG annotation; what has no counterpart is named in `unmapped`."""
    marks = Marks()
    try:
        root = etree.parse(str(path), etree.XMLParser(**_SAFE)).getroot()
    except (etree.XMLSyntaxError, OSError):
        marks.unmapped.append("an SVG file that does not parse")
        return marks
    width, height = _size(root)
    if not width or not height:
        marks.unmapped.append("an SVG without a width and height")
        return marks
    unit = min(width, height)
    for element in root.iter():
        tag = tag_of(element)
        inside = {tag_of(a) for a in element.iterancestors()}
        if element.get("type") == "select" or tag in _PASSIVE or not tag or inside & _HOLDERS:
            continue
        mark = _mark(element, tag, width, height, unit, marks)
        if mark is None:
            marks.unmapped.append(tag)
        else:
            marks.annotations.append(mark)
    return marks


def _mark(element, tag: str, width: float, height: float, unit: float,  # noqa: ANN001
          marks: Marks) -> dict | None:
    def point(x: str, y: str, lift: float = 0.0) -> list[float] | None:
        try:
            return [_fraction(float(element.get(x)) / width),
                    _fraction((float(element.get(y)) - lift) / height)]
        except (TypeError, ValueError):
            return None

    if tag in ("line", "polygon") and (tag == "line" or element.get("type") == "arrow"):
        tail, tip = point("x1", "y1"), point("x2", "y2")
        if tail is None or tip is None:
            return None
        if tag == "line":
            marks.approximated.append("a line drawn as an arrow")
        return {"arrow": tip, "from": tail}
    if tag == "circle":
        centre = point("cx", "cy")
        radius = _number(element.get("r"))
        if centre is None or not radius:
            return None
        return {"circle": centre, "radius": round(min(radius / unit, 0.5), 4)}
    if tag == "text":
        label = "".join(element.itertext()).strip().rstrip("|").strip()
        size = _number(element.get("font-size")) or 20.0
        at = point("x", "y", lift=size)
        if not label or at is None:
            return None
        return {"label": label, "at": at}
    return None


def _size(root: etree._Element) -> tuple[float, float]:
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        return _number(box[2]) or 0.0, _number(box[3]) or 0.0
    return _number(root.get("width")) or 0.0, _number(root.get("height")) or 0.0


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip().removesuffix("px"))
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _fraction(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 4)


# -- writing -----------------------------------------------------------------------------------

ARROW_HEAD = 20  # MIRC's default arrowSize, in the SVG's pixels


def write_marks(annotations, width: int, height: int, image_name: str) -> str:  # noqa: ANN001
    """An SVG annotation as MIRC's editor writes it, over an image of `width` x `height`."""
    unit = min(width, height)
    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {width} {height}" height="{height}" width="{width}">',
        f'<image id="img" xlink:href={quoteattr(image_name)} x="0" y="0" width="{width}" '
        f'height="{height}"/>',
    ]
    style = 'stroke="red" stroke-width="3"'
    for annotation in annotations:
        if annotation.arrow is not None:
            tip = (annotation.arrow[0] * width, annotation.arrow[1] * height)
            tail = ((annotation.from_[0] * width, annotation.from_[1] * height)
                    if annotation.from_ else _default_tail(tip, width, height))
            points = " ".join(f"{x:.1f} {y:.1f}" for x, y in _arrow_points(tail, tip))
            parts.append(
                f'<polygon type="arrow" x1="{tail[0]:.1f}" y1="{tail[1]:.1f}" '
                f'x2="{tip[0]:.1f}" y2="{tip[1]:.1f}" points="{points}" {style} fill="red"/>'
            )
        elif annotation.circle is not None:
            parts.append(
                f'<circle type="circle" cx="{annotation.circle[0] * width:.1f}" '
                f'cy="{annotation.circle[1] * height:.1f}" '
                f'r="{(annotation.radius or 0.05) * unit:.1f}" {style} fill="none"/>'
            )
        elif annotation.label and annotation.at:
            size = 20
            parts.append(
                f'<text type="text" x="{annotation.at[0] * width:.1f}" '
                f'y="{annotation.at[1] * height + size:.1f}" font-family="serif" '
                f'font-size="{size}" stroke="red" stroke-width="1" fill="red">'
                f"{escape(annotation.label)}</text>"
            )
    return "\n".join([*parts, "</svg>", ""])


def _default_tail(tip: tuple[float, float], width: int, height: int) -> tuple[float, float]:
    """The case format draws an arrow without a tail from the image's centre side."""
    cx, cy = width / 2, height / 2
    dx, dy = tip[0] - cx, tip[1] - cy
    norm = math.hypot(dx, dy) or 1.0
    length = 0.16 * min(width, height)
    if norm < 0.05 * min(width, height):
        return (tip[0] - length * math.sqrt(0.5), tip[1] - length * math.sqrt(0.5))
    return (tip[0] - length * dx / norm, tip[1] - length * dy / norm)


def _arrow_points(tail, tip):  # noqa: ANN001, ANN202 - MIRC's getPoints()
    ux, uy = tail[0] - tip[0], tail[1] - tip[1]
    length = math.hypot(ux, uy) or 1.0
    ux, uy = ux / length, uy / length
    wing = 3 * ARROW_HEAD / 10
    vx, vy = wing * uy, -wing * ux
    base = (tip[0] + ARROW_HEAD * ux, tip[1] + ARROW_HEAD * uy)
    return [tail, base, (base[0] + vx, base[1] + vy), tip, (base[0] - vx, base[1] - vy), base,
            tail]
