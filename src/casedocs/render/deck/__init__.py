"""The projected output (PPTX): the unknown-case deck, or its unknown variant; for a
conference, one deck of all its cases. Declared here; planned by plan.py and drawn by
writer.py (python-pptx) on our design or the department's template (template.py), imported
only when a deck is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casedocs.render.output import Output, RenderedFile, RenderOptions, Variants

if TYPE_CHECKING:
    from casedocs.document.conference import Publication
    from casedocs.figures import FigureImages


def render(
    publication: Publication, images: FigureImages, options: RenderOptions, variants: Variants
) -> dict[bool, RenderedFile]:
    """The deck (False) and its unknown variant (True), as asked, drawn together: the full
    deck begins with the unknown one's slides."""
    from casedocs.document.conference import ConferenceDocument
    from casedocs.render.deck.files import render_conference_decks, render_deck_files

    template = options.settings.template
    stacks_move = options.settings.stacks == "video"
    if isinstance(publication, ConferenceDocument):
        decks = render_conference_decks(publication, images, options.timestamp, variants,
                                        template, stacks_move)
    else:
        decks = render_deck_files(publication, images, options.timestamp, variants,
                                  template or publication.template, publication.layouts,
                                  stacks_move)
    warnings = images.new_warnings()
    return {
        unknown: RenderedFile(deck.data, None if unknown else deck.unknown_parts,
                              warnings + deck.warnings)
        for unknown, deck in decks.items()
    }


def read_back(data: bytes, public_parts: frozenset[str] | None) -> list[tuple[str, str]]:
    """See `readback.read_back`: imported when a deck has been made, not for a build with
    nothing to do."""
    from casedocs.render.deck.readback import read_back as read_deck

    return read_deck(data, public_parts)


OUTPUT = Output(
    "slides",
    "slides",
    ".pptx",
    render,
    read_back,
    reads=("template", "stacks"),
    preload=("casedocs.render.deck.files",),
)
