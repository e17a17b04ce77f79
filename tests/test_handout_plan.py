"""The handout's plan (render/handout/plan.py, issue 19): typed, pure data with every size
worked out in one place; read here without reportlab."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from casedocs.document.inline import Span
from casedocs.load import load_document
from casedocs.render.handout.plan import (
    HANDOUT_CHOICES,
    PAPER_SIZES,
    FigureRow,
    HandoutChoice,
    HandoutPlan,
    Heading,
    Mention,
    Para,
    RuledLines,
    TitleBlock,
    page_frame,
    plan_handout,
)

SEED = Path(__file__).resolve().parents[1] / "content" / "is-case-4.yaml"


@pytest.fixture(scope="module")
def seed():  # noqa: ANN201
    return load_document(SEED).document


def _text(spans: tuple) -> str:
    return "".join(span.text for span in spans if isinstance(span, Span))


def test_planning_a_handout_imports_no_renderer() -> None:
    script = ("import sys\nfrom casedocs.render.handout import plan\n"
              "print(sorted(m for m in ('reportlab', 'pptx') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_the_handout_plan_holds_the_sections_in_order(seed) -> None:  # noqa: ANN001
    plan = plan_handout(seed, "letter", unknown=False)
    assert isinstance(plan.blocks[0], TitleBlock)
    headings = [block.text for block in plan.blocks if isinstance(block, Heading)]
    assert headings == ["History", "Findings", "Differential diagnosis", "Diagnosis",
                        "Discussion", "Teaching points", "Management", "References"]
    diagnosis = [b for b in plan.blocks if isinstance(b, Para) and b.style == "diagnosis"]
    assert [_text(b.spans) for b in diagnosis] == ["Extramedullary hematopoiesis"]
    marked = [b for b in plan.blocks if isinstance(b, Para) and "\u2713" in _text(b.spans)]
    assert len(marked) == 1 and all(s.bold for s in marked[0].spans[:1])


def test_each_figure_row_follows_the_mention_of_its_figures(seed) -> None:  # noqa: ANN001
    plan = plan_handout(seed, "letter", unknown=False)
    mentioned: set[int] = set()
    placed = []
    for block in plan.blocks:
        if isinstance(block, Mention):
            mentioned |= set(block.figures)
        elif isinstance(block, FigureRow):
            numbers = [picture.figure for picture in block.pictures]
            assert set(numbers) <= mentioned, numbers
            placed += numbers
    assert sorted(placed) == [figure.number for figure in seed.figures]


@pytest.mark.parametrize("paper", sorted(PAPER_SIZES))
@pytest.mark.parametrize("choice", HANDOUT_CHOICES)
def test_figures_fit_their_cells_and_their_share_of_the_frame(
    seed, paper: str, choice: HandoutChoice  # noqa: ANN001
) -> None:
    plan = plan_handout(seed, paper, unknown=False, choice=choice)
    frame = page_frame(paper)
    assert plan.frame == frame and frame.width < PAPER_SIZES[paper][0]
    for row in (b for b in plan.blocks if isinstance(b, FigureRow)):
        for picture in row.pictures:
            assert picture.width <= frame.width / len(row.pictures) + 0.01
            assert picture.height <= frame.height * choice.figure_share + 0.01
            assert picture.image.medium == "handout"
            aspect = picture.image.source.width / picture.image.source.height
            assert picture.width / picture.height == pytest.approx(aspect, rel=0.01)


def test_the_worksheet_plan_holds_nothing_of_the_answer(seed) -> None:  # noqa: ANN001
    plan = plan_handout(seed, "letter", unknown=True)
    texts = " ".join(_text(b.spans) for b in plan.blocks if isinstance(b, Para))
    rows = [b for b in plan.blocks if isinstance(b, FigureRow)]
    captions = " ".join(_text(p.spans) for row in rows for cap in row.captions for p in cap)
    assert "hematopoiesis" not in (texts + captions).lower()
    assert rows and all(not picture.marks for row in rows for picture in row.pictures)
    assert not any(isinstance(b, Mention) for b in plan.blocks)
    assert [b.count for b in plan.blocks if isinstance(b, RuledLines)] == [6, 4, 2]


def test_a_plan_is_plain_data_the_same_for_the_same_case(seed) -> None:  # noqa: ANN001
    first = plan_handout(seed, "a4", unknown=False, choice=HANDOUT_CHOICES[2])
    again = plan_handout(seed, "a4", unknown=False, choice=HANDOUT_CHOICES[2])
    assert isinstance(first, HandoutPlan) and first == again
    assert first != plan_handout(seed, "letter", unknown=False, choice=HANDOUT_CHOICES[2])
