"""Citation markers and reference entries: AMA (AMA Manual of Style, 11th edition, the
default) and Vancouver (NLM's Citing Medicine, as ICMJE journals use it).

Numbers are assigned by the document (first appearance in canonical order); this module only
formats: a marker for a group of numbers, and the spans of one reference-list entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from casedocs.document.inline import Span, parse_inline
from casedocs.document.typography import page_range
from casedocs.source.model import Reference
from casedocs.wording import words

AMA, VANCOUVER = "ama", "vancouver"
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


def citation_marker(numbered: list[tuple[int, str | None]], style: str = AMA) -> str:
    """One citation's marker: AMA superscript text (1-3, 1(p12)) or Vancouver brackets."""
    if any(locator for _, locator in numbered):
        text = ",".join(f"{n}({_compact_locator(loc)})" if loc else str(n) for n, loc in numbered)
    else:
        text = collapse_numbers([n for n, _ in numbered])
    return f"[{text}]" if style == VANCOUVER else text


def _compact_locator(locator: str) -> str:
    # AMA writes page locators inside superscripts without spaces or periods: 1(p12), 2(pp3-5).
    return re.sub(r"^(pp?)\.?\s*", r"\1", locator.strip()).replace(" ", "")


def format_authors(authors: list[str], style: str = AMA) -> str:
    """AMA: all up to 6, else the first 3 and "et al"; Vancouver: up to 6, then "et al."."""
    if len(authors) > 6:
        return (
            ", ".join(authors[:3]) + ", et al"
            if style == AMA
            else ", ".join(authors[:6]) + ", et al."
        )
    return ", ".join(authors)


def format_reference(reference: Reference, style: str = AMA) -> tuple[Span, ...]:
    """One reference-list entry as spans (titles italic where the style wants, links live)."""
    formatter = _FORMATTERS[(style, reference.type)]
    spans = list(formatter(reference))
    if reference.doi:
        label = f"doi:{reference.doi}" if style == AMA else f"doi: {reference.doi}"
        spans += [Span(" "), Span(label, href=DOI_URL.format(reference.doi))]
        if style == VANCOUVER:
            spans.append(Span("."))
    if reference.pmid:
        spans += [Span(" PMID: "), Span(reference.pmid, href=PUBMED_URL.format(reference.pmid))]
        if style == VANCOUVER:
            spans.append(Span("."))
    if reference.url and not reference.doi and reference.type != "web":
        spans += [Span(" "), Span(reference.url, href=reference.url)]
    return tuple(styled for span in spans for styled in _with_markup(span))


def _with_markup(span: Span) -> list[Span]:
    """Titles may carry inline markup (^99m^Tc, H~2~O, *in vivo*) like any other text."""
    if span.href or not any(mark in span.text for mark in "^~*_\\"):
        return [span]
    styled = []
    for item in parse_inline(span.text):
        if isinstance(item, Span):
            styled.append(replace(item, italic=item.italic or span.italic))
        else:  # a citation or figure reference inside a title is just text there
            styled.append(replace(span, text=item.source))
    return [piece for piece in styled if piece.text]


# -- AMA, 11th edition ----------------------------------------------------------------------------


def _ama_article(ref: Reference) -> list[Span]:
    return [
        *_authors(ref, AMA),
        Span(_sentence(ref.title) + " "),
        Span(_strip_period(ref.journal or ""), italic=True),
        Span(f". {_issue_details(ref, page_range(ref.pages) if ref.pages else None)}."),
    ]


def _ama_book(ref: Reference) -> list[Span]:
    return [
        *_authors(ref, AMA),
        Span(_sentence(ref.title), italic=True),
        Span(f"{_edition(ref)} {ref.publisher}; {ref.year}."),
    ]


def _ama_chapter(ref: Reference) -> list[Span]:
    editors = _editors(ref, "ed", "eds")
    pages = f":{page_range(ref.pages)}" if ref.pages else ""
    return [
        *_authors(ref, AMA),
        Span(f"{_sentence(ref.title)} In: {editors}"),
        Span(_sentence(ref.book or ""), italic=True),
        Span(f"{_edition(ref)} {ref.publisher}; {ref.year}{pages}."),
    ]


def _ama_web(ref: Reference) -> list[Span]:
    spans = [*_authors(ref, AMA), Span(_sentence(ref.title) + " ")]
    if ref.website:
        spans.append(Span(_sentence(ref.website) + " "))
    if ref.published:
        spans.append(Span(f"Published {long_date(ref.published)}. "))
    if ref.updated:
        spans.append(Span(f"Updated {long_date(ref.updated)}. "))
    if ref.accessed:
        spans.append(Span(f"Accessed {long_date(ref.accessed)}. "))
    spans.append(Span(ref.url or "", href=ref.url))
    return spans


# -- Vancouver (NLM) ------------------------------------------------------------------------------


def _nlm_article(ref: Reference) -> list[Span]:
    # NLM gives the month (abbreviated) even with a volume: 2002 Jul;347(4):284-7.
    month = ref.month[:3] if ref.month else None
    details = _issue_details(ref, _nlm_pages(ref.pages) if ref.pages else None, month)
    return [
        *_authors(ref, VANCOUVER),
        Span(f"{_sentence(ref.title)} "),
        Span(f"{_sentence(ref.journal or '')} {details}."),
    ]


def _nlm_book(ref: Reference) -> list[Span]:
    return [
        *_authors(ref, VANCOUVER),
        Span(f"{_sentence(ref.title)}{_edition(ref)} {_nlm_publisher(ref)}; {ref.year}."),
    ]


def _nlm_chapter(ref: Reference) -> list[Span]:
    editors = _editors(ref, "editor", "editors")
    pages = f" p. {_nlm_pages(ref.pages)}." if ref.pages else ""
    return [
        *_authors(ref, VANCOUVER),
        Span(
            f"{_sentence(ref.title)} In: {editors}{_sentence(ref.book or '')}"
            f"{_edition(ref)} {_nlm_publisher(ref)}; {ref.year}.{pages}"
        ),
    ]


def _nlm_web(ref: Reference) -> list[Span]:
    site = f" {ref.website};" if ref.website else ""
    year = f" {ref.published.year}" if ref.published else ""
    notes = [f"updated {_nlm_date(ref.updated)}"] if ref.updated else []
    notes += [f"cited {_nlm_date(ref.accessed)}"] if ref.accessed else []
    cited = f" [{'; '.join(notes)}]" if notes else ""
    return [
        *_authors(ref, VANCOUVER),
        Span(f"{_strip_period(ref.title)} [Internet].{site}{year}{cited}. Available from: "),
        Span(ref.url or "", href=ref.url),
    ]


_FORMATTERS: dict[tuple[str, str], Callable[[Reference], list[Span]]] = {
    (AMA, "article"): _ama_article,
    (AMA, "book"): _ama_book,
    (AMA, "chapter"): _ama_chapter,
    (AMA, "web"): _ama_web,
    (VANCOUVER, "article"): _nlm_article,
    (VANCOUVER, "book"): _nlm_book,
    (VANCOUVER, "chapter"): _nlm_chapter,
    (VANCOUVER, "web"): _nlm_web,
    (AMA, "text"): lambda ref: [Span(_sentence(ref.title))],  # as written, in either style
    (VANCOUVER, "text"): lambda ref: [Span(_sentence(ref.title))],
}


# -- pieces ---------------------------------------------------------------------------------------


def _authors(ref: Reference, style: str) -> list[Span]:
    return [Span(_sentence(format_authors(ref.authors, style)) + " ")] if ref.authors else []


def _issue_details(ref: Reference, pages: str | None, month: str | None = None) -> str:
    """Year;volume(issue):pages. AMA gives the month only when there is no volume to find the
    issue by; NLM passes `month` to give it always."""
    details = str(ref.year)
    if month:
        details += f" {month}"
    elif ref.month and not ref.volume:
        details += f" {ref.month}"
    details += f";{ref.volume}" if ref.volume else ""
    details += f"({ref.issue})" if ref.issue else ""
    return details + (f":{pages}" if pages else "")


def _editors(ref: Reference, one: str, several: str) -> str:
    """ "Lockey RF, Bukantz SC, eds. " (AMA) or "..., editors. " (NLM); empty without editors."""
    if not ref.editors:
        return ""
    return f"{', '.join(ref.editors)}, {several if len(ref.editors) > 1 else one}. "


def _edition(ref: Reference) -> str:
    if not ref.edition:
        return ""
    edition = ref.edition
    if edition.isdigit():  # CSL-JSON gives "3"; references print "3rd ed."
        number = int(edition)
        suffix = (
            "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        )
        edition = f"{number}{suffix}"
    return f" {edition} ed."


def _nlm_publisher(ref: Reference) -> str:
    return f"{ref.place}: {ref.publisher}" if ref.place else f"{ref.publisher}"


def _nlm_pages(pages: str) -> str:
    """NLM drops the repeated leading digits of a page range: 889-893 -> 889–93 (a range
    printed with an en dash)."""
    match = re.fullmatch(r"(\d+)\s*[-\u2013]\s*(\d+)", pages)
    if not match or len(match[1]) != len(match[2]):
        return page_range(pages)
    first, last = match[1], match[2]
    shared = 0
    while shared < len(first) - 1 and first[shared] == last[shared]:
        shared += 1
    return f"{first}\u2013{last[shared:]}"


def long_date(day: date) -> str:
    """ "May 18, 2009": how AMA writes a date (in English, whatever the wording's language)."""
    return words("en").long_date(day)


def _nlm_date(day: date) -> str:
    return f"{day.year} {day:%b} {day.day}"


def _sentence(text: str) -> str:
    """Text ending in a period (or the question or exclamation mark it has)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _strip_period(text: str) -> str:
    return text.removesuffix(".")
