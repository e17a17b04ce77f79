"""Where annotation marks go over a displayed image: geometry shared by both renderers.

Coordinates in the case file are fractions of the (cropped) image; here they become shapes in
the renderer's own units over an image `width` x `height` (y grows downwards). Marks follow
radiology convention: light with a dark outline, sized to the image, and an arrow stops just
short of its target so it never covers what it points at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from casedocs.source.model import Annotation

FILL, OUTLINE = "FFFFFF", "000000"
ARROW_LENGTH, SHAFT, HEAD_LENGTH, HEAD_WIDTH, GAP = 0.16, 0.012, 0.05, 0.035, 0.015
OUTLINE_WIDTH = 0.004  # of the image's shorter side
LABEL_SIZE = 0.05  # text height, of the image's shorter side

Point = tuple[float, float]


@dataclass(frozen=True)
class ArrowMark:
    outline: tuple[Point, ...]  # a closed polygon: shaft and head
    stroke: float


@dataclass(frozen=True)
class CircleMark:
    center: Point
    radius: float
    stroke: float


@dataclass(frozen=True)
class LabelMark:
    text: str
    origin: Point  # top left of the text
    size: float
    stroke: float


Mark = ArrowMark | CircleMark | LabelMark


def place_marks(
    annotations: tuple[Annotation, ...], width: float, height: float
) -> tuple[Mark, ...]:
    unit = min(width, height)
    stroke = max(OUTLINE_WIDTH * unit, 0.5)

    def at(point: tuple[float, float]) -> Point:
        return (point[0] * width, point[1] * height)

    marks: list[Mark] = []
    for annotation in annotations:
        if annotation.arrow is not None:
            tail = at(annotation.from_) if annotation.from_ else None
            marks.append(ArrowMark(_arrow(at(annotation.arrow), tail, width, height), stroke))
        elif annotation.circle is not None:
            marks.append(
                CircleMark(at(annotation.circle), (annotation.radius or 0.05) * unit, stroke * 1.5)
            )
        elif annotation.label and annotation.at:
            size = LABEL_SIZE * unit
            marks.append(
                LabelMark(
                    annotation.label,
                    _inside(at(annotation.at), annotation.label, size, width, height),
                    size,
                    stroke,
                )
            )
    return tuple(marks)


def _inside(origin: Point, text: str, size: float, width: float, height: float) -> Point:
    """A label moved left or up as far as needed to stay on the image (its width estimated
    generously, at 0.62 em a character in bold)."""
    text_width = 0.62 * size * len(text)
    return (
        max(0.0, min(origin[0], width - text_width)),
        max(0.0, min(origin[1], height - 1.3 * size)),
    )


def _arrow(target: Point, tail: Point | None, width: float, height: float) -> tuple[Point, ...]:
    unit = min(width, height)
    direction = _direction(target, tail, width, height)
    tip = (target[0] - GAP * unit * direction[0], target[1] - GAP * unit * direction[1])
    length = ARROW_LENGTH * unit
    if tail is not None:
        length = max(math.dist(tail, tip), HEAD_LENGTH * unit * 1.5)
    normal = (-direction[1], direction[0])

    def point(along: float, across: float) -> Point:
        return (
            tip[0] - along * direction[0] + across * normal[0],
            tip[1] - along * direction[1] + across * normal[1],
        )

    shaft, head, head_length = SHAFT * unit, HEAD_WIDTH * unit, HEAD_LENGTH * unit
    return (
        point(length, shaft),
        point(head_length, shaft),
        point(head_length, head),
        tip,
        point(head_length, -head),
        point(head_length, -shaft),
        point(length, -shaft),
    )


def _direction(target: Point, tail: Point | None, width: float, height: float) -> Point:
    """Unit vector from tail to target; by default the arrow comes from the image's centre
    side, so that its tail stays inside the image."""
    start = tail if tail is not None else (width / 2, height / 2)
    dx, dy = target[0] - start[0], target[1] - start[1]
    norm = math.hypot(dx, dy)
    if norm < 0.05 * min(width, height):
        return (math.sqrt(0.5), math.sqrt(0.5))  # from the upper left
    return (dx / norm, dy / norm)
