"""The build check that keeps answers out of unknown parts.

Every finished unknown output is read back before it is moved into place: every XML part of a
PPTX and the names of its parts; a PDF's text, properties, outline and links. Any answer field
(normalised) found there fails the build with the field's name. A string that also occurs in the
history or the neutral label is not an answer (a differential item the history names).
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable

from .document import Document, plain

MIN_TERM_LENGTH = 4  # shorter strings ("CT") are everywhere and name nothing
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    return " ".join(re.split(r"[\W_]+", text)).strip()


def answer_terms(documents: Iterable[Document]) -> list[tuple[str, str]]:
    """(field, normalised text) pairs to look for; long texts are split into sentences."""
    terms = []
    for document in documents:
        allowed = normalise(plain(document.history)) + " | " + normalise(document.label)
        for field, text in document.answer_texts():
            for piece in [text, *SENTENCE_END.split(text)]:
                term = normalise(piece)
                if len(term) >= MIN_TERM_LENGTH and term not in allowed:
                    terms.append((field, term))
    return terms


def leaks_in_pptx(
    data: bytes, terms: list[tuple[str, str]], parts: set[str] | None = None
) -> list[str]:
    """Fields whose text appears in the deck's XML parts (or only in `parts`, when given:
    the unknown slides of a full deck and the document properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if parts is None or n in parts]
        texts = [
            _xml_text(package.read(n).decode("utf-8", "replace"))
            for n in names
            if n.endswith((".xml", ".rels"))
        ]
    return _found(terms, [*texts, *(names if parts is None else [])])


def leaks_in_pdf(data: bytes, terms: list[tuple[str, str]]) -> list[str]:
    """Fields whose text appears in the PDF's text, properties, outline or links."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() or "" for page in reader.pages]
    texts += [str(value) for value in (reader.metadata or {}).values()]
    texts += [item.title for item in _flatten(reader.outline)]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            texts.append(str(action.get("/URI", "")))
    return _found(terms, texts)


def _found(terms: list[tuple[str, str]], texts: list[str]) -> list[str]:
    haystack = " | ".join(normalise(text) for text in texts)
    padded = f" {haystack} "
    return sorted({field for field, term in terms if f" {term} " in padded})


def _xml_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", " ", xml)


def _flatten(outline: list) -> Iterable:
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item
