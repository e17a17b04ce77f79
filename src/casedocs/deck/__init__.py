"""The unknown-case deck: a plain-data slide plan (plan.py), drawn by python-pptx (writer.py)."""

from __future__ import annotations

from datetime import datetime

from ..document import Document
from ..figures import FigureImages
from .plan import plan_deck
from .writer import render_plan


def render_deck(document: Document, images: FigureImages, timestamp: datetime) -> bytes:
    """The deck as PPTX bytes."""
    return render_plan(plan_deck(document, images), document, timestamp)
