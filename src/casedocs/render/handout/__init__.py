"""The printed output (PDF): the case handout, or its unknown variant, the worksheet; for a
conference, the packet of all its cases. Declared here, drawn by pdf.py (reportlab), which is
imported only when a PDF is made."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from casedocs.render.output import Output, RenderedFile, RenderOptions, Variants

if TYPE_CHECKING:
    from casedocs.document.conference import Publication
    from casedocs.figures import FigureImages


def render(
    publication: Publication, images: FigureImages, options: RenderOptions, variants: Variants
) -> dict[bool, RenderedFile]:
    """The handout (False) and the worksheet (True), as asked; they share nothing to draw."""
    from casedocs.document.conference import ConferenceDocument
    from casedocs.render.handout.pdf import render_handout, render_packet

    make = render_packet if isinstance(publication, ConferenceDocument) else render_handout
    paper, timestamp = options.settings.paper, options.timestamp
    drawn = {unknown: make(publication, images, paper, unknown, timestamp)  # type: ignore[arg-type]
             for unknown in variants}
    warnings = images.new_warnings()
    # A handout is all answer; a worksheet is all public.
    return {unknown: RenderedFile(data, None if unknown else frozenset(), warnings)
            for unknown, data in drawn.items()}


def read_back(data: bytes, public_parts: frozenset[str] | None) -> list[tuple[str, str]]:
    """The PDF's text, properties, outline titles and link targets, each with where it is."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts = [(f"page {n}", page.extract_text() or "") for n, page in enumerate(reader.pages, 1)]
    texts += [("the file properties", str(v)) for v in (reader.metadata or {}).values()]
    texts += [("the outline", item.title) for item in _flatten(reader.outline)]
    for n, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            texts.append((f"a link on page {n}", str(action.get("/URI", ""))))
    return texts


def _flatten(outline: list) -> Iterable:
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


OUTPUT = Output(
    "handout",
    "handouts",
    ".pdf",
    render,
    read_back,
    reads=("paper",),
    preload=("casedocs.render.handout.pdf", "pypdf"),
)
