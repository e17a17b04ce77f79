"""Zero hand fixes (issue 19): the cost of every corpus case, read from its plan and its
handout's record, on our design and on the test templates (tools/test_templates.py: four
LibreOffice ships, six made like departments make theirs). bench/layout.py prints the same
for the cases written by others too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from casedocs.figures import FigureImages
from casedocs.load import load_document
from casedocs.render.deck.cost import deck_cost
from casedocs.render.deck.plan import plan_deck
from casedocs.render.deck.template import load_template
from casedocs.render.deck.textfit import TextMeasure
from casedocs.render.handout.cost import MAX_PAGES, handout_cost
from casedocs.render.handout.pdf import set_handout

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
from test_templates import write_test_templates  # noqa: E402

CORPUS = sorted([*REPO.glob("content/*.yaml"), *REPO.glob("content/examples/*.yaml")])
IMAGES = FigureImages()


@pytest.fixture(scope="module")
def documents() -> dict[str, object]:
    return {path.stem: load_document(path, IMAGES).document for path in CORPUS}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> list[Path | None]:
    return [None, *write_test_templates(tmp_path_factory.mktemp("templates"))]


def test_the_test_templates_are_the_set_the_issue_asks_for(templates: list) -> None:
    names = {path.stem for path in templates if path}
    assert len(names) >= 8
    assert {"department", "dark", "four-three", "narrow-body", "serif", "corner-logo"} <= names


def test_no_corpus_slide_needs_a_hand_fix_on_any_template(documents: dict,
                                                          templates: list) -> None:
    found = []
    for template in templates:
        deck = load_template(template, {})
        measure = TextMeasure(deck.font)
        for name, document in documents.items():
            plan = plan_deck(document, measure, deck.geometry)
            cost = deck_cost(plan, measure, deck.geometry)
            found += [f"{template.stem if template else 'default'} {name} {d}"
                      for d in cost.defects]
    assert found == []


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_no_corpus_handout_needs_a_hand_fix(documents: dict, paper: str) -> None:
    found = []
    for name, document in documents.items():
        cost = handout_cost(set_handout(document, IMAGES, paper).record)
        found += [f"{name} {d}" for d in cost.defects]
        if len(document.figures) <= 4:
            assert cost.units <= MAX_PAGES, name
    assert found == []


def test_the_seed_costs_what_it_did(documents: dict) -> None:
    """The seed's layout, by its cost: any change to it shows here, not in a byte hash."""
    document = documents["is-case-4"]
    measure = TextMeasure()
    plan = plan_deck(document, measure)
    cost = deck_cost(plan, measure, load_template(None, {}).geometry)
    assert (cost.defects, cost.units) == ((), 13)
    handout = handout_cost(set_handout(document, IMAGES, "letter").record)
    assert (handout.defects, handout.units, handout.distance) == ((), 3, 2)
