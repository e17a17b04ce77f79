"""The read-back check that keeps answers out of unknown parts.

Every finished unknown output is read back, in memory, before it is written: every XML part of
a PPTX (paragraph text, other element text, attribute values such as alt text and link
targets) and the names of its parts; a PDF's text, properties, outline and links. Each piece
is judged by the case's answer key (answers.py), the same definition validation uses, so a
file that passes validation and renders correctly passes here; what a renderer slips in does
not.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from casedocs.document.answers import AnswerKey
from casedocs.document.document import Document
from casedocs.wording import UNKNOWN_WORDING

_PARAGRAPH = re.compile(r"<a:p>.*?</a:p>|<a:p .*?</a:p>", re.DOTALL)
_RUN_TEXT = re.compile(r"<a:t>([^<]*)</a:t>")
_LINE_BREAK = re.compile(r"<a:br\b[^>]*?(?:/>|>.*?</a:br>)", re.DOTALL)
_ELEMENT_TEXT = re.compile(r">([^<]+)<")
_ATTRIBUTE = re.compile(r'="([^"]*)"')


def unknown_part_key(documents: Iterable[Document]) -> AnswerKey:
    """The answers of the cases an unknown part shows; their histories and the wording
    casedocs adds are public."""
    return AnswerKey.merged(d.answers for d in documents).allowing(*UNKNOWN_WORDING)


def leaks_in_pptx(data: bytes, key: AnswerKey, parts: set[str] | None = None) -> list[str]:
    """Answer fields found in the deck's XML parts (or only in `parts`, when given: the
    unknown slides of a full deck and the document properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if parts is None or n in parts]
        texts = [
            text
            for name in names
            if name.endswith((".xml", ".rels"))
            for text in xml_texts(package.read(name).decode("utf-8", "replace"))
        ]
    return key.fields_in([*texts, *(names if parts is None else [])])


def leaks_in_pdf(data: bytes, key: AnswerKey) -> list[str]:
    """Answer fields found in the PDF's text, properties, outline or links."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() or "" for page in reader.pages]
    texts += [str(value) for value in (reader.metadata or {}).values()]
    texts += [item.title for item in _flatten(reader.outline)]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            texts.append(str(action.get("/URI", "")))
    return key.fields_in(texts)


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


def _flatten(outline: list) -> Iterable:
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item
