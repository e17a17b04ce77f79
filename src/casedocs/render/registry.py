"""Every output casedocs makes, in build order. Adding an output is adding its module and a
line here; build and cli loop over this list and never name an output themselves."""

from __future__ import annotations

from collections.abc import Iterator

from casedocs.render import deck, handout
from casedocs.render.output import Output

OUTPUTS: tuple[Output, ...] = (
    handout.OUTPUT,
    deck.OUTPUT,
)


def output_named(name: str) -> Output:
    return next(output for output in OUTPUTS if output.name == name)


def variants(only: str | None = None) -> Iterator[tuple[Output, bool]]:
    """Each output asked for (all, or `--only` one), full and unknown."""
    for output in OUTPUTS:
        if only is None or output.name == only:
            yield output, False
            yield output, True
