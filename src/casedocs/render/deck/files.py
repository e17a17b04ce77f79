"""The unknown-case deck: a plain-data slide plan (plan.py), drawn by python-pptx (writer.py)
on our default design or the department's template (template.py)."""

from __future__ import annotations

import functools
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
    document: Document, images: FigureImages, timestamp: datetime, unknown: bool = False,
    template: Path | None = None,
) -> bytes:
    """The case's deck (`unknown`: its unknown variant) as PPTX bytes."""
    files = render_deck_files(document, images, timestamp, (unknown,), template)
    return files[unknown].data


def render_deck_files(
    document: Document,
    images: FigureImages,
    timestamp: datetime,
    variants: tuple[bool, ...] = (False, True),
    template: Path | None = None,
    layouts: dict[str, str] | None = None,
    stacks_move: bool = True,
) -> dict[bool, DeckFile]:
    """The case's full deck (False) and its unknown variant (True), as `variants` asks;
    `template` and `layouts` choose the department's design."""
    design = functools.partial(load_template, template, layouts or {})
    deck = design()
    plan = plan_deck(document, TextMeasure(deck.font), deck.geometry, stacks_move)
    unknown_plan = [slide for slide in plan if slide.part == "unknown"]
    properties = _properties(document.label, document.authors, document.id, document.language)
    plans = (plan, unknown_plan)
    return _deck_variants((deck, design), images, timestamp, plans, properties, variants)


def render_conference_decks(
    conference: ConferenceDocument,
    images: FigureImages,
    timestamp: datetime,
    variants: tuple[bool, ...] = (False, True),
    template: Path | None = None,
    stacks_move: bool = True,
) -> dict[bool, DeckFile]:
    """All the conference's cases in one deck, in its order (False), and the unknowns only
    (True), as `variants` asks."""
    # --template, else the conference's, else the one its cases name (the first that does).
    case_template = next((d.template for d in conference.documents if d.template), None)
    design = functools.partial(
        load_template, template or conference.template or case_template, conference.layouts
    )
    deck = design()
    measure = TextMeasure(deck.font)
    unknown_plan = plan_conference(conference, True, measure, deck.geometry, stacks_move)
    plan = (plan_conference(conference, False, measure, deck.geometry, stacks_move)
            if False in variants else [])
    properties = _properties(
        conference.title, conference.presenter or "", conference.id, conference.language
    )
    plans = (plan, unknown_plan)
    return _deck_variants((deck, design), images, timestamp, plans, properties, variants)


def _properties(
    title: str, author: str, publication_id: str, language: str
) -> Callable[[bool], DeckProperties]:
    """The core properties of the full (False) or the unknown (True) deck."""
    subject = words(language)("deck_subject")
    return lambda unknown: DeckProperties(
        title, author, publication_id + (UNKNOWN_SUFFIX if unknown else ""), subject, language
    )


def _deck_variants(
    designs: tuple[DeckTemplate, Callable[[], DeckTemplate]],
    images: FigureImages,
    timestamp: datetime,
    plans: tuple[list[SlidePlan], list[SlidePlan]],
    properties: Callable[[bool], DeckProperties],
    variants: tuple[bool, ...],
) -> dict[bool, DeckFile]:
    """The decks of `plans` (full, unknown) that `variants` asks for. Each is drawn on a
    template of its own (a presentation keeps the slides drawn on it): the one the plans were
    measured on, then a new one from `designs`' loader. A full deck that begins with the
    unknown one is drawn on from it, saved on the way: those slides are drawn once."""
    plan, unknown_plan = plans
    loaded, load = designs
    language = properties(False).language
    unused = [loaded]
    files: dict[bool, DeckFile] = {}

    def design() -> DeckTemplate:
        return unused.pop() if unused else load()

    def saved(drawing: DeckDrawing, slides: list[SlidePlan], unknown: bool) -> None:
        data = drawing.save(properties(unknown), timestamp)
        files[unknown] = DeckFile(data, _unknown_parts(slides), loaded.warnings)

    shared = plan[: len(unknown_plan)] == unknown_plan
    if True in variants and (False not in variants or not shared):
        drawing = DeckDrawing(design(), images, language)
        drawing.draw(unknown_plan)
        saved(drawing, unknown_plan, True)
    if False in variants:
        drawing, rest = DeckDrawing(design(), images, language), plan
        if shared:
            drawing.draw(unknown_plan)
            if True in variants:
                saved(drawing, unknown_plan, True)
            rest = plan[len(unknown_plan) :]
        drawing.draw(rest)
        saved(drawing, plan, False)
    return files


def _unknown_parts(plan: list[SlidePlan]) -> frozenset[str]:
    """The package parts of the slides before an answer (and their notes), and the
    properties."""
    numbers = [n for n, slide in enumerate(plan, start=1) if slide.part == "unknown"]
    parts = {"docProps/core.xml", "docProps/app.xml"}
    parts |= {f"ppt/slides/slide{n}.xml" for n in numbers}
    parts |= {f"ppt/notesSlides/notesSlide{n}.xml" for n in numbers}
    return frozenset(parts)
