"""What a presenter or a reader would still fix (issue 19), for every corpus case on every test
template: the written cost of render/cost.py, with every defect listed.

Corpus: content/, content/examples/ and the cases written by others in
tests/fixtures/clean-cases/. Templates: our default and the test set of tools/test_templates.py
(LibreOffice's own, converted, and templates unlike ours: logos, a centred title, a dark
background, 4:3, a narrow body column, a theme font other than Calibri). Handouts on letter and
A4 paper. Target: 0 slides to touch and 0 page defects.

    make bench            # or: .venv/bin/python bench/layout.py [--verbose] [--templates DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from test_templates import write_test_templates  # noqa: E402

from casedocs.figures import FigureImages  # noqa: E402
from casedocs.load import load_document  # noqa: E402
from casedocs.render.cost import Cost  # noqa: E402
from casedocs.render.deck.cost import deck_cost  # noqa: E402
from casedocs.render.deck.plan import plan_deck  # noqa: E402
from casedocs.render.deck.template import load_template  # noqa: E402
from casedocs.render.deck.textfit import TextMeasure  # noqa: E402
from casedocs.render.handout.cost import handout_cost  # noqa: E402
from casedocs.render.handout.pdf import set_handout  # noqa: E402

CORPUS = sorted(
    [
        *REPO.glob("content/*.yaml"),
        *REPO.glob("content/examples/*.yaml"),
        *REPO.glob("tests/fixtures/clean-cases/*.yaml"),
    ]
)
PAPERS = ("letter", "a4")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every defect")
    parser.add_argument("--templates", type=Path, default=REPO / "build" / "test-templates")
    parser.add_argument("--only", help="cases whose file name contains this")
    parser.add_argument("--handouts-only", action="store_true", help="no decks")
    parser.add_argument("--decks-only", action="store_true", help="no handouts")
    args = parser.parse_args()
    templates = [None, *write_test_templates(args.templates)] if not args.handouts_only else []
    images = FigureImages()
    documents = [
        (path, load_document(path, images).document)
        for path in CORPUS
        if args.only is None or args.only in path.name
    ]
    started = time.perf_counter()
    slides = to_touch = 0
    for template in templates:
        deck = load_template(template, {})
        measure = TextMeasure(deck.font)
        name = template.stem if template else "default"
        touched = 0
        for path, document in documents:
            plan = plan_deck(document, measure, deck.geometry)
            cost = deck_cost(plan, measure, deck.geometry)
            slides += len(plan)
            touched += len({d.where for d in cost.defects})
            if args.verbose:
                report(f"{name} {path.name}", cost)
        to_touch += touched
        print(f"deck on {name}: {touched} slides to touch")
    pages = defects = 0
    for paper in () if args.decks_only else PAPERS:
        found = 0
        for path, document in documents:
            cost = handout_cost(set_handout(document, images, paper).record)
            pages += cost.units
            found += len(cost.defects)
            if args.verbose:
                report(f"handout {paper} {path.name}", cost)
        defects += found
        print(f"handout on {paper}: {found} page defects")
    elapsed = time.perf_counter() - started
    print(
        f"{len(documents)} cases, {len(templates)} templates: {to_touch} of {slides} slides to "
        f"touch, {defects} page defects in {pages} pages ({elapsed:.1f} s)"
    )
    return 0 if to_touch == 0 and defects == 0 else 1


def report(what: str, cost: Cost) -> None:
    """A layout's cost and each of its defects, when it has any."""
    if cost.defects:
        print(f"  {what}: {cost}")
        for defect in cost.defects:
            print(f"      {defect}")


if __name__ == "__main__":
    sys.exit(main())
