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

from casedocs.render.output import Output, RenderedFile, RenderOptions

if TYPE_CHECKING:
    from casedocs.document.conference import Publication
    from casedocs.figures import FigureImages

_PARAGRAPH = re.compile(r"<a:p>.*?</a:p>|<a:p .*?</a:p>", re.DOTALL)
_RUN_TEXT = re.compile(r"<a:t>([^<]*)</a:t>")
_LINE_BREAK = re.compile(r"<a:br\b[^>]*?(?:/>|>.*?</a:br>)", re.DOTALL)
_ELEMENT_TEXT = re.compile(r">([^<]+)<")
_ATTRIBUTE = re.compile(r'="([^"]*)"')


def render(
    publication: Publication, images: FigureImages, options: RenderOptions, unknown: bool
) -> RenderedFile:
    from casedocs.document.conference import ConferenceDocument
    from casedocs.render.deck.files import render_conference_deck, render_deck_file

    if isinstance(publication, ConferenceDocument):
        deck = render_conference_deck(
            publication, images, options.timestamp, unknown, options.template
        )
    else:
        template = options.template or publication.template
        deck = render_deck_file(
            publication, images, options.timestamp, unknown, template, publication.layouts
        )
    public = None if unknown else deck.unknown_parts
    return RenderedFile(deck.data, public, images.new_warnings() + deck.warnings)


def read_back(data: bytes, public_parts: frozenset[str] | None) -> list[str]:
    """The text of every XML part (or of the public parts only) and, of an unknown deck, the
    names of its parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if public_parts is None or n in public_parts]
        texts = [
            text
            for name in names
            if name.endswith((".xml", ".rels"))
            for text in xml_texts(package.read(name).decode("utf-8", "replace"))
        ]
    return [*texts, *(names if public_parts is None else [])]


def xml_texts(xml: str) -> Iterator[str]:
    """The pieces of text an XML part shows or carries: each DrawingML paragraph whole (its
    runs joined, so a phrase split over runs is whole again), then other element text and
    attribute values (alt text, shape names and link targets live there), each unescaped."""
    for paragraph in _PARAGRAPH.findall(xml):
        paragraph = _LINE_BREAK.sub("<a:t>\n</a:t>", paragraph)
        yield html.unescape("".join(_RUN_TEXT.findall(paragraph)))
    rest = _PARAGRAPH.sub("<a:p/>", xml)
    for text in [*_ELEMENT_TEXT.findall(rest), *_ATTRIBUTE.findall(rest)]:
        yield html.unescape(text)


OUTPUT = Output(
    "slides", "slides", ".pptx", render, read_back, preload=("casedocs.render.deck.files",)
)
