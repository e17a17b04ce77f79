"""What a presenter or a reader would still fix by hand, and how layouts are compared.

A layout's cost is first its defects, each a slide or a page someone would touch before the
conference (an empty placeholder, a figure three pages from its mention), weighed so that no
saving elsewhere buys one; then its length, the distance from figures to their mentions, the
space left empty and the text set smaller than the body size. A planner makes a few
deterministic candidates and keeps the first faultless one or the cheapest (`cheapest`);
bench/layout.py prints the cost
of every corpus case. The deck's and the handout's defects are found by their own modules
(render/deck/cost.py, render/handout/cost.py) and weighed here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

# Weights of the written cost. A defect outweighs any sum of the rest a case can reach.
DEFECT = 1000.0  # a slide or page a person would touch
UNIT = 10.0  # a slide or a page more
DISTANCE = 20.0  # a page between a figure and its first mention
EMPTY = 4.0  # a whole slide or page left empty (shares of one are summed)
SHRINK = 1.0  # a point below the body size, on one slide or page

Candidate = TypeVar("Candidate")


@dataclass(frozen=True)
class Defect:
    """Something a person would fix: where it is, and what it is."""

    where: str  # "slide 9", "page 3"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass(frozen=True)
class Cost:
    defects: tuple[Defect, ...] = ()
    units: int = 0  # slides or pages
    distance: int = 0  # pages between figures and their first mention, summed
    empty: float = 0.0  # unused shares of slides or pages, summed
    shrink: float = 0.0  # points below the body size, summed over slides or pages

    @property
    def total(self) -> float:
        return (
            DEFECT * len(self.defects)
            + UNIT * self.units
            + DISTANCE * self.distance
            + EMPTY * self.empty
            + SHRINK * self.shrink
        )

    def __str__(self) -> str:
        return (
            f"{len(self.defects)} to fix, {self.units} long, distance {self.distance}, "
            f"empty {self.empty:.2f}, shrink {self.shrink:.1f}: {self.total:.1f}"
        )


def cheapest(candidates: Iterable[Candidate], cost: Callable[[Candidate], Cost]) -> Candidate:
    """The first candidate no one would touch, else the one of least cost (of equals, the
    first). Candidates come in order of preference, the usual layout first, and may be made
    lazily: those after a faultless one are never made."""
    best: tuple[float, Candidate] | None = None
    for candidate in candidates:
        found = cost(candidate)
        if not found.defects:
            return candidate
        if best is None or found.total < best[0]:
            best = (found.total, candidate)
    if best is None:
        raise ValueError("no candidate layout")
    return best[1]
