"""The unknown-case deck: a plain-data slide plan (plan.py), drawn by python-pptx (writer.py)
on our default design or the department's template (template.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import Document
from casedocs.figures import FigureImages
from casedocs.render.deck.plan import SlidePlan, plan_conference, plan_deck
from casedocs.render.deck.template import DeckTemplate, load_template
from casedocs.render.deck.textfit import TextMeasure
from casedocs.render.deck.writer import DeckDrawing, DeckProperties
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
    settings = (timestamp, template, tuple(sorted((layouts or {}).items())))
    if unknown and (kept := _KEPT.take(document, settings)) is not None:
        return kept
    deck = load_template(template, layouts or {})
    plan = plan_deck(document, TextMeasure(deck.font), deck.geometry)
    unknown_plan = [slide for slide in plan if slide.part == "unknown"]
    subject = words(document.language)("deck_subject")

    def properties(unknown: bool) -> DeckProperties:
        identifier = document.id + (UNKNOWN_SUFFIX if unknown else "")
        return DeckProperties(document.label, document.authors, identifier, subject)

    if unknown:
        return _deck_file(unknown_plan, properties(True), timestamp, deck, images)
    return _full_deck_file(
        document, settings, (plan, unknown_plan), properties, timestamp, deck, images
    )


def render_conference_deck(
    conference: ConferenceDocument,
    images: FigureImages,
    timestamp: datetime,
    unknown: bool = False,
    template: Path | None = None,
) -> DeckFile:
    """All the conference's cases in one deck, in its order; `unknown`: unknowns only."""
    settings = (timestamp, template)
    if unknown and (kept := _KEPT.take(conference, settings)) is not None:
        return kept
    # --template, else the conference's, else the one its cases name (the first that does).
    case_template = next((d.template for d in conference.documents if d.template), None)
    deck = load_template(template or conference.template or case_template, conference.layouts)
    measure = TextMeasure(deck.font)
    unknown_plan = plan_conference(conference, True, measure, deck.geometry)
    subject = words(conference.language)("deck_subject")

    def properties(unknown: bool) -> DeckProperties:
        identifier = conference.id + (UNKNOWN_SUFFIX if unknown else "")
        return DeckProperties(conference.title, conference.presenter or "", identifier, subject)

    if unknown:
        return _deck_file(unknown_plan, properties(True), timestamp, deck, images)
    plan = plan_conference(conference, False, measure, deck.geometry)
    return _full_deck_file(
        conference, settings, (plan, unknown_plan), properties, timestamp, deck, images
    )


class _KeptUnknown:
    """The unknown variant saved on the way to drawing a full deck whose first slides it is,
    kept (one at a time) for the request for it that comes next; so a build draws those
    slides once."""

    def __init__(self) -> None:
        self._kept: tuple[object, tuple, DeckFile] | None = None

    def keep(self, publication: object, settings: tuple, file: DeckFile | None) -> None:
        self._kept = None if file is None else (publication, settings, file)

    def take(self, publication: object, settings: tuple) -> DeckFile | None:
        if self._kept is None:
            return None
        kept, self._kept = self._kept, None
        owner, kept_settings, file = kept
        return file if owner is publication and kept_settings == settings else None


_KEPT = _KeptUnknown()


def _full_deck_file(
    publication: object,
    settings: tuple,
    plans: tuple[list[SlidePlan], list[SlidePlan]],
    properties: Callable[[bool], DeckProperties],
    timestamp: datetime,
    deck: DeckTemplate,
    images: FigureImages,
) -> DeckFile:
    """The full deck of `plans` (full, unknown); when the unknown plan is its beginning, the
    unknown deck is saved on the way and kept for its request."""
    plan, unknown_plan = plans
    drawing = DeckDrawing(deck, images)
    prefix = plan[: len(unknown_plan)] == unknown_plan
    unknown_file = None
    if prefix:
        drawing.draw(unknown_plan)
        unknown_data = drawing.save(properties(True), timestamp)
        unknown_file = DeckFile(unknown_data, _unknown_parts(unknown_plan))
    drawing.draw(plan[len(unknown_plan) :] if prefix else plan)
    _KEPT.keep(publication, settings, unknown_file)
    return DeckFile(drawing.save(properties(False), timestamp), _unknown_parts(plan))


def _deck_file(
    plan: list[SlidePlan],
    properties: DeckProperties,
    timestamp: datetime,
    deck: DeckTemplate,
    images: FigureImages,
) -> DeckFile:
    drawing = DeckDrawing(deck, images)
    drawing.draw(plan)
    return DeckFile(drawing.save(properties, timestamp), _unknown_parts(plan))


def _unknown_parts(plan: list[SlidePlan]) -> frozenset[str]:
    """The package parts of the slides before an answer (and their notes), and the
    properties."""
    numbers = [n for n, slide in enumerate(plan, start=1) if slide.part == "unknown"]
    parts = {"docProps/core.xml", "docProps/app.xml"}
    parts |= {f"ppt/slides/slide{n}.xml" for n in numbers}
    parts |= {f"ppt/notesSlides/notesSlide{n}.xml" for n in numbers}
    return frozenset(parts)
