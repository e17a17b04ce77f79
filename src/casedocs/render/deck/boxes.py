"""Where things go on a slide: a box, in inches from the slide's top left corner, and the
roles of text boxes; shared by the plan's data (slides.py) and what text is seen against
(colours.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BoxRole = Literal["title", "body", "label"]  # a title goes into the layout's title placeholder


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
