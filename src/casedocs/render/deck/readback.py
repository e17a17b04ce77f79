"""The text a deck shows or carries, read back from its package: what the read-back check
looks for the answer in. Imported only when a deck has been made."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator

_PARAGRAPH = re.compile(r"<a:p>.*?</a:p>|<a:p .*?</a:p>", re.DOTALL)
_RUN_TEXT = re.compile(r"<a:t>([^<]*)</a:t>")
_LINE_BREAK = re.compile(r"<a:br\b[^>]*?(?:/>|>.*?</a:br>)", re.DOTALL)
_ELEMENT_TEXT = re.compile(r">([^<]+)<")
# The attributes a viewer shows: alt text and its title, shape names (the selection pane),
# link targets and tooltips, actions. Formatting values (sz="2400", typeface, colours) are
# markup, not text: a caption of numbers matched them.
_ATTRIBUTE = re.compile(r'\s(?:descr|title|name|Target|tooltip|action)="([^"]*)"')


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
