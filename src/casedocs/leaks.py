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
PROSE_FIELDS = (
    "discussion",
    "management",
    "teaching_points",
    "findings",
)  # looked for sentence by sentence


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    return " ".join(re.split(r"[\W_]+", text)).strip()


def answer_terms(documents: Iterable[Document]) -> list[tuple[str, str]]:
    """(field, normalised text) pairs to look for; long texts are split into sentences. Text
    that a history or a label shown in the same unknown part says is not an answer."""
    documents = list(documents)
    allowed = " | ".join(
        normalise(plain(d.history)) + " | " + normalise(d.label) for d in documents
    )
    terms = []
    for document in documents:
        for field, text in document.answer_texts():
            # Prose is also looked for sentence by sentence; short fields only whole.
            prose = field.startswith(PROSE_FIELDS)
            pieces = [text, *SENTENCE_END.split(text)] if prose else [text]
            for piece in pieces:
                term = normalise(piece)
                if _meaningful(term) and term not in allowed:
                    terms.append((field, term))
    return terms


def _meaningful(term: str) -> bool:
    """Long enough to name something, and not just numbers ("2001")."""
    return len(term) >= MIN_TERM_LENGTH and any(ch.isalpha() for ch in term)


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
    """Element text and attribute values (alt text, shape names and link targets live there)."""
    texts = re.findall(r">([^<]+)<", xml) + re.findall(r'="([^"]*)"', xml)
    return " | ".join(texts)


def _flatten(outline: list) -> Iterable:
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item
