"""A reference written as text ("Gumbs RV, Teal JS. Title. AJR. 1987;149:889-893.") as a
structured journal reference, where it parses; None where it does not.

Journal references in AMA and Vancouver style, as MIRC documents and most teaching files write
them, are recognised: authors, title, journal, year, volume, issue, pages, DOI and PMID.
Anything else (books, web pages, free prose) is left to the author.
"""

from __future__ import annotations

import re
import unicodedata

_AUTHOR = r"[^\W\d][\w'’\-]*(?: [^\W\d][\w'’\-]*)* [A-Z]{1,4}(?: (?:Jr|Sr|2nd|3rd|4th|II|III|IV))?"
_AUTHORS = rf"(?P<authors>{_AUTHOR}(?:, {_AUTHOR})*(?:,? et al)?)\.?"
_SOURCE = (
    r"(?P<journal>[^.;:]+?(?:\.[^.\d;:][^.;:]*)*?)\.? *"
    r"(?P<year>(?:1[89]|20)\d\d)(?: ?[A-Z][a-z]{2}(?: \d{1,2})?)?"
    r"(?:; ?(?P<volume>[\w\-]+)(?:\((?P<issue>[^)]+)\))?)?"
    r"(?:: ?(?P<pages>[\w\-–]+))?\."
)
_TAIL = (
    r"(?: *doi: ?(?P<doi>10\.\d{4,9}/\S+?)\.?)?"
    r"(?: *PMID:? ?(?P<pmid>\d{1,9})\.?)?"
    r"(?: *doi: ?(?P<doi2>10\.\d{4,9}/\S+?)\.?)?"
)
_REFERENCE = re.compile(rf"^{_AUTHORS} (?P<title>.+?[.?!]) {_SOURCE}{_TAIL}$")
_CITE_KEY = re.compile(r"[^a-z0-9]+")


def parse_reference(text: str) -> dict | None:
    """The reference's fields as a case-file mapping (without id), or None."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^\[?\d+[.)\]]\s*", "", text)  # "1. " or "[1] " numbering
    if not text.endswith("."):
        text += "."
    found = _REFERENCE.match(text)
    if found is None:
        return None
    authors = [a.strip() for a in found["authors"].split(",")]
    if authors[-1].endswith("et al"):
        authors[-1] = authors[-1].removesuffix("et al").strip()
        authors = [a for a in authors if a] + ["et al"]
    title = found["title"]
    title = title[:-1] if title.endswith(".") else title
    fields: dict = {"authors": authors, "title": title, "journal": found["journal"].strip(),
                    "year": int(found["year"])}
    for name in ("volume", "issue", "pages", "pmid"):
        if found[name]:
            fields[name] = found[name]
    doi = found["doi"] or found["doi2"]
    if doi:
        fields["doi"] = doi
    return fields


def reference_id(fields: dict, taken: set[str]) -> str:
    """A citation key in the usual manner (first author's surname and the year: gumbs1987;
    for a reference kept as text, its first word and year), made unique with a, b, c."""
    text = fields.get("title", "")
    if fields.get("authors"):
        first = fields["authors"][0].rsplit(" ", 1)[0]
    else:
        found = re.match(r"\W*([^\W\d_]+)", text)
        first = found[1] if found else "ref"
    year = fields.get("year") or next(iter(re.findall(r"\b(?:1[89]|20)\d\d\b", text)), "")
    ascii_name = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    key = f"{_CITE_KEY.sub('', ascii_name.lower()) or 'ref'}{year}"
    suffixes = (f"{letter}" for letter in "abcdefghijklmnopqrstuvwxyz")
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = key + next(suffixes, f"-{number}")
    taken.add(candidate)
    return candidate
