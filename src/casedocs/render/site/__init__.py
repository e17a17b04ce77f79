"""The web output (HTML): a page per case, with the answer behind a reveal control, or its
unknown variant, the quiz page, with no answer in its source; a page per conference; and,
gathered from every page, the site's index and library. Declared here; pages.py and index.py
render them through Jinja2 templates, imported only when a site is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casedocs.render.output import Output, RenderedFile, RenderOptions, Variants

if TYPE_CHECKING:
    from casedocs.document.conference import Publication
    from casedocs.figures import FigureImages
    from casedocs.render.output import GatheredFile


def render(
    publication: Publication, images: FigureImages, options: RenderOptions, variants: Variants
) -> dict[bool, RenderedFile]:
    """The page (False) and the quiz page (True), as asked."""
    from casedocs.render.site.pages import render_page

    return {unknown: render_page(publication, images, options, unknown) for unknown in variants}


def gather(entries: list, options: RenderOptions, unknown: bool) -> list[GatheredFile]:
    from casedocs.render.site.index import render_indexes

    return render_indexes(entries, options, unknown)


def read_entry(entry: object) -> list[str]:
    """The texts a page's card will show in the index, rendered as the index renders it."""
    from casedocs.render.site.index import card_texts

    return card_texts(entry)


def read_back(data: bytes, public_parts: frozenset[str] | None) -> list[tuple[str, str]]:
    """Every text, attribute value, comment and script of the page; of a full page's public
    part, all but what is inside its answer."""
    from casedocs.render.site.readback import page_texts

    texts = page_texts(data.decode("utf-8"), outside_answer=public_parts is not None)
    return [("the page", text) for text in texts]


OUTPUT = Output(
    "site",
    "pages",
    ".html",
    render,
    read_back,
    standalone=False,
    gather=gather,
    read_entry=read_entry,
    preload=("casedocs.render.site.pages", "casedocs.render.site.index"),
)
