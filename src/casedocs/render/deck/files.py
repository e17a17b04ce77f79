"""The unknown-case deck: a plain-data slide plan (plan.py), drawn by python-pptx (writer.py)
on our default design or the department's template (template.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import Document
from casedocs.errors import Report
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
    warnings: tuple[Report, ...] = ()  # what was left behind of the template


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
    design = (template, sorted((layouts or {}).items()))
    request = _DeckRequest(document, images, timestamp, design)
    if unknown and (kept := _KEPT.take(request)) is not None:
        return kept
    deck = load_template(template, layouts or {})
    plan = plan_deck(document, TextMeasure(deck.font), deck.geometry)
    unknown_plan = [slide for slide in plan if slide.part == "unknown"]
    properties = _properties(document.label, document.authors, document.id, document.language)
    return _deck_variant(request, deck, (plan, unknown_plan), properties, unknown)


def render_conference_deck(
    conference: ConferenceDocument,
    images: FigureImages,
    timestamp: datetime,
    unknown: bool = False,
    template: Path | None = None,
) -> DeckFile:
    """All the conference's cases in one deck, in its order; `unknown`: unknowns only."""
    request = _DeckRequest(conference, images, timestamp, (template,))
    if unknown and (kept := _KEPT.take(request)) is not None:
        return kept
    # --template, else the conference's, else the one its cases name (the first that does).
    case_template = next((d.template for d in conference.documents if d.template), None)
    deck = load_template(template or conference.template or case_template, conference.layouts)
    measure = TextMeasure(deck.font)
    unknown_plan = plan_conference(conference, True, measure, deck.geometry)
    plan = [] if unknown else plan_conference(conference, False, measure, deck.geometry)
    properties = _properties(
        conference.title, conference.presenter or "", conference.id, conference.language
    )
    return _deck_variant(request, deck, (plan, unknown_plan), properties, unknown)


@dataclass(frozen=True, eq=False)
class _DeckRequest:
    """What a deck is drawn for: a publication and the images it resolves pictures with (the
    very objects), at a build's time, on a design (template and layouts)."""

    publication: object
    images: FigureImages
    timestamp: datetime
    design: tuple[object, ...]

    def same_as(self, other: _DeckRequest) -> bool:
        return (
            self.publication is other.publication
            and self.images is other.images
            and (self.timestamp, self.design) == (other.timestamp, other.design)
        )


class _KeptUnknown:
    """The unknown deck saved on the way to a full deck that begins with it, kept (one at a
    time) for the request for it, which comes next in a build: those slides are drawn once."""

    def __init__(self) -> None:
        self._kept: tuple[_DeckRequest, DeckFile] | None = None

    def keep(self, request: _DeckRequest, file: DeckFile) -> None:
        self._kept = (request, file)

    def clear(self) -> None:
        self._kept = None

    def take(self, request: _DeckRequest) -> DeckFile | None:
        kept, self._kept = self._kept, None
        return kept[1] if kept is not None and kept[0].same_as(request) else None


_KEPT = _KeptUnknown()


def _properties(
    title: str, author: str, publication_id: str, language: str
) -> Callable[[bool], DeckProperties]:
    """The core properties of the full (False) or the unknown (True) deck."""
    subject = words(language)("deck_subject")
    return lambda unknown: DeckProperties(
        title, author, publication_id + (UNKNOWN_SUFFIX if unknown else ""), subject
    )


def _deck_variant(
    request: _DeckRequest,
    deck: DeckTemplate,
    plans: tuple[list[SlidePlan], list[SlidePlan]],
    properties: Callable[[bool], DeckProperties],
    unknown: bool,
) -> DeckFile:
    """The full deck of `plans` (full, unknown), or the unknown one; a full deck that begins
    with the unknown deck saves that on the way and keeps it for its request."""
    plan, unknown_plan = plans
    drawing = DeckDrawing(deck, request.images)

    def saved(slides: list[SlidePlan], unknown: bool) -> DeckFile:
        data = drawing.save(properties(unknown), request.timestamp)
        return DeckFile(data, _unknown_parts(slides), deck.warnings)

    if unknown:
        drawing.draw(unknown_plan)
        return saved(unknown_plan, True)
    _KEPT.clear()
    rest = plan
    if plan[: len(unknown_plan)] == unknown_plan:
        drawing.draw(unknown_plan)
        _KEPT.keep(request, saved(unknown_plan, True))
        rest = plan[len(unknown_plan) :]
    drawing.draw(rest)
    return saved(plan, False)


def _unknown_parts(plan: list[SlidePlan]) -> frozenset[str]:
    """The package parts of the slides before an answer (and their notes), and the
    properties."""
    numbers = [n for n, slide in enumerate(plan, start=1) if slide.part == "unknown"]
    parts = {"docProps/core.xml", "docProps/app.xml"}
    parts |= {f"ppt/slides/slide{n}.xml" for n in numbers}
    parts |= {f"ppt/notesSlides/notesSlide{n}.xml" for n in numbers}
    return frozenset(parts)
