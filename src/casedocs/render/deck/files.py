"""The unknown-case deck: a plain-data slide plan (plan.py), drawn by python-pptx (writer.py)
on our default design or the department's template (template.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import Document
from casedocs.figures import FigureImages
from casedocs.render.deck.plan import SlidePlan, plan_conference, plan_deck
from casedocs.render.deck.template import DeckTemplate, load_template
from casedocs.render.deck.textfit import TextMeasure
from casedocs.render.deck.writer import DeckProperties, render_plan
from casedocs.render.output import UNKNOWN_SUFFIX
from casedocs.wording import words


@dataclass(frozen=True)
class DeckFile:
    data: bytes
    unknown_parts: frozenset[str]  # package parts of the slides before an answer, and notes


def render_deck(
    document: Document, images: FigureImages, timestamp: datetime, **options: object
) -> bytes:
    """The case's deck as PPTX bytes (`options` as for render_deck_file)."""
    return render_deck_file(document, images, timestamp, **options).data  # type: ignore[arg-type]


def render_deck_file(
    document: Document,
    images: FigureImages,
    timestamp: datetime,
    unknown: bool = False,
    template: Path | None = None,
    layouts: dict[str, str] | None = None,
) -> DeckFile:
    """The case's deck; `unknown`: only the part before the answer; `template` and `layouts`
    choose the department's design."""
    deck = load_template(template, layouts or {})
    plan = plan_deck(document, TextMeasure(deck.font), deck.geometry)
    if unknown:
        plan = [slide for slide in plan if slide.part == "unknown"]
    identifier = document.id + (UNKNOWN_SUFFIX if unknown else "")
    subject = words(document.language)("deck_subject")
    properties = DeckProperties(document.label, document.authors, identifier, subject)
    return _deck_file(plan, properties, timestamp, deck, images)


def render_conference_deck(
    conference: ConferenceDocument,
    images: FigureImages,
    timestamp: datetime,
    unknown: bool = False,
    template: Path | None = None,
) -> DeckFile:
    """All the conference's cases in one deck, in its order; `unknown`: unknowns only."""
    # --template, else the conference's, else the one its cases name (the first that does).
    case_template = next((d.template for d in conference.documents if d.template), None)
    deck = load_template(template or conference.template or case_template, conference.layouts)
    plan = plan_conference(conference, unknown, TextMeasure(deck.font), deck.geometry)
    identifier = conference.id + (UNKNOWN_SUFFIX if unknown else "")
    subject = words(conference.language)("deck_subject")
    properties = DeckProperties(conference.title, conference.presenter or "", identifier, subject)
    return _deck_file(plan, properties, timestamp, deck, images)


def _deck_file(
    plan: list[SlidePlan],
    properties: DeckProperties,
    timestamp: datetime,
    deck: DeckTemplate,
    images: FigureImages,
) -> DeckFile:
    data = render_plan(plan, properties, timestamp, deck, images)
    numbers = [n for n, slide in enumerate(plan, start=1) if slide.part == "unknown"]
    parts = {"docProps/core.xml", "docProps/app.xml"}
    parts |= {f"ppt/slides/slide{n}.xml" for n in numbers}
    parts |= {f"ppt/notesSlides/notesSlide{n}.xml" for n in numbers}
    return DeckFile(data, frozenset(parts))
