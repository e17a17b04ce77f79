"""The unknown-case deck: a plain-data slide plan (plan.py), drawn by python-pptx (writer.py)."""

from .plan import plan_deck
from .writer import render_plan


def render_deck(document, timestamp):  # noqa: ANN001, ANN201 (re-exported for the CLI)
    """The deck as PPTX bytes."""
    return render_plan(plan_deck(document), document, timestamp)
