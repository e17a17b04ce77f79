"""Every output casedocs makes, in build order. Adding an output is adding its module and a
line here; build and cli loop over this list and never name an output themselves."""

from __future__ import annotations

from collections.abc import Iterator

from casedocs.render import deck, handout, site
from casedocs.render.output import Output

OUTPUTS: tuple[Output, ...] = (
    handout.OUTPUT,
    deck.OUTPUT,
    site.OUTPUT,
)
STANDALONE = tuple(output for output in OUTPUTS if output.standalone)  # what `build` makes


def output_named(name: str) -> Output:
    return next(output for output in OUTPUTS if output.name == name)


def variants(
    only: str | None = None, site: bool = False, quiz: bool = False
) -> Iterator[tuple[Output, bool]]:
    """Each output asked for, full and unknown: every standalone output, or `--only` one; for
    a site (`site`) its pages too, full (or, for a quiz, unknown); a quiz links to nothing
    but unknown variants."""
    for output in OUTPUTS if site else STANDALONE:
        if only is not None and output.name != only:
            continue
        if not output.standalone:
            yield output, quiz
            continue
        if not quiz:
            yield output, False
        yield output, True
