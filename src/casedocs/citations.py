"""Citation markers and reference entries in AMA style (AMA Manual of Style, 11th edition).

Numbers are assigned by the document (first appearance in canonical order); this module only
formats: a marker for a group of numbers, and the spans of one reference-list entry.
"""

from __future__ import annotations

import re

from .inline import Span
from .model import Reference

MAX_LISTED_AUTHORS = 6  # AMA: list all up to 6; otherwise the first 3 and "et al"
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI_URL = "https://doi.org/{}"


def collapse_numbers(numbers: list[int]) -> str:
    """Sorted, de-duplicated, runs of three or more collapsed: [3, 1, 2, 5, 6] -> "1-3,5,6"."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            run = ordered[start:i]
            parts += [f"{run[0]}-{run[-1]}"] if len(run) >= 3 else [str(n) for n in run]
            start = i
    return ",".join(parts)


def citation_marker(numbered: list[tuple[int, str | None]]) -> str:
    """The superscript text for one citation: numbers collapsed, locators as 1(p12)."""
    if any(locator for _, locator in numbered):
        return ",".join(f"{n}({_compact_locator(loc)})" if loc else str(n) for n, loc in numbered)
    return collapse_numbers([n for n, _ in numbered])


def _compact_locator(locator: str) -> str:
    # AMA writes page locators inside superscripts without spaces or periods: 1(p12), 2(pp3-5).
    return re.sub(r"^(pp?)\.?\s*", r"\1", locator.strip()).replace(" ", "")


def format_authors(authors: list[str]) -> str:
    if len(authors) > MAX_LISTED_AUTHORS:
        return ", ".join(authors[:3]) + ", et al"
    return ", ".join(authors)


def format_reference(reference: Reference) -> tuple[Span, ...]:
    """One journal-article entry: Authors. Title. *Journal*. Year;Vol(Issue):Pages. doi. PMID."""
    spans: list[Span] = []
    if reference.authors:
        spans.append(Span(_with_period(format_authors(reference.authors)) + " "))
    spans.append(Span(_with_period(reference.title) + " "))
    spans.append(Span(_without_period(reference.journal), italic=True))
    spans.append(Span(". " + _publication_details(reference)))
    if reference.doi:
        spans += [Span(" "), Span(f"doi:{reference.doi}", href=DOI_URL.format(reference.doi))]
    if reference.pmid:
        spans += [Span(" PMID: "), Span(reference.pmid, href=PUBMED_URL.format(reference.pmid))]
    if reference.url and not reference.doi:
        spans += [Span(" "), Span(reference.url, href=reference.url)]
    return tuple(spans)


def _publication_details(reference: Reference) -> str:
    # AMA gives the month only when there is no volume to locate the issue by.
    details = str(reference.year)
    if reference.month and not reference.volume:
        details += f" {reference.month}"
    if reference.volume:
        details += f";{reference.volume}"
    if reference.issue:
        details += f"({reference.issue})"
    if reference.pages:
        details += f":{reference.pages}"
    return details + "."


def _with_period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _without_period(text: str) -> str:
    return text.removesuffix(".")
