"""The projected output (PPTX): the unknown-case deck, or its unknown variant; for a
conference, one deck of all its cases. Declared here; planned by plan.py and drawn by
writer.py (python-pptx) on our design or the department's template (template.py), imported
only when a deck is made."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from casedocs.render.output import Output, RenderedFile, RenderOptions, Variants

if TYPE_CHECKING:
    from casedocs.document.conference import Publication
    from casedocs.figures import FigureImages

_PARAGRAPH = re.compile(r"<a:p>.*?</a:p>|<a:p .*?</a:p>", re.DOTALL)
_RUN_TEXT = re.compile(r"<a:t>([^<]*)</a:t>")
_LINE_BREAK = re.compile(r"<a:br\b[^>]*?(?:/>|>.*?</a:br>)", re.DOTALL)
_ELEMENT_TEXT = re.compile(r">([^<]+)<")
# The attributes a viewer shows: alt text and its title, shape names (the selection pane),
# link targets and tooltips, actions. Formatting values (sz="2400", typeface, colours) are
# markup, not text: a caption of numbers matched them.
_ATTRIBUTE = re.compile(r'\s(?:descr|title|name|Target|tooltip|action)="([^"]*)"')


def render(
    publication: Publication, images: FigureImages, options: RenderOptions, variants: Variants
) -> dict[bool, RenderedFile]:
    """The deck (False) and its unknown variant (True), as asked, drawn together: the full
    deck begins with the unknown one's slides."""
    from casedocs.document.conference import ConferenceDocument
    from casedocs.render.deck.files import render_conference_decks, render_deck_files

    template = options.settings.template
    if isinstance(publication, ConferenceDocument):
        decks = render_conference_decks(publication, images, options.timestamp, variants,
                                        template)
    else:
        decks = render_deck_files(publication, images, options.timestamp, variants,
                                  template or publication.template, publication.layouts)
    warnings = images.new_warnings()
    return {
        unknown: RenderedFile(deck.data, None if unknown else deck.unknown_parts,
                              warnings + deck.warnings)
        for unknown, deck in decks.items()
    }


def read_back(data: bytes, public_parts: frozenset[str] | None) -> list[tuple[str, str]]:
    """The text of every XML part (or of the public parts only), each with where it is, and,
    of an unknown deck, the names of its parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if public_parts is None or n in public_parts]
        texts = [
            (_place(name), text)
            for name in names
            if name.endswith((".xml", ".rels"))
            for text in xml_texts(package.read(name).decode("utf-8", "replace"))
        ]
    return [*texts, *(("a part name", name) for name in names if public_parts is None)]


def _place(part: str) -> str:
    """Where a part is, as a presenter finds it: "slide 3", "the notes of slide 3"."""
    found = re.fullmatch(r"ppt/(slides|notesSlides)/(?:_rels/)?(?:slide|notesSlide)(\d+)\.xml"
                         r"(?:\.rels)?", part)
    if found:
        return f"{'slide' if found[1] == 'slides' else 'the notes of slide'} {found[2]}"
    return "the file properties" if part.startswith("docProps/") else part


def xml_texts(xml: str) -> Iterator[str]:
    """The pieces of text an XML part shows or carries: each DrawingML paragraph whole (its
    runs joined, so a phrase split over runs is whole again), then other element text (notes,
    file properties) and the attributes a viewer sees (alt text, shape names, link targets),
    each unescaped."""
    for paragraph in _PARAGRAPH.findall(xml):
        paragraph = _LINE_BREAK.sub("<a:t>\n</a:t>", paragraph)
        yield html.unescape("".join(_RUN_TEXT.findall(paragraph)))
    rest = _PARAGRAPH.sub("<a:p/>", xml)
    for text in [*_ELEMENT_TEXT.findall(rest), *_ATTRIBUTE.findall(xml)]:
        yield html.unescape(text)


OUTPUT = Output(
    "slides",
    "slides",
    ".pptx",
    render,
    read_back,
    reads=("template",),
    preload=("casedocs.render.deck.files",),
)
