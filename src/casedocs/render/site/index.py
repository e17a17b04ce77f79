"""The site's shared files, made from every page's entry: the index (every case's public
card, with filters and search), the library (searchable by diagnosis and keywords too; not in
a quiz site), and the stylesheet and script every page uses."""

from __future__ import annotations

import re
from collections import Counter

from casedocs.render.output import GatheredFile, RenderOptions
from casedocs.render.site.entries import CaseCard, ConferenceCard, SiteEntry
from casedocs.render.site.html import STATIC, render_template
from casedocs.wording import words

ASSETS = "assets"
INDEX, LIBRARY = "index.html", "library.html"
FACETS = ("modalities", "subspecialties", "anatomy", "difficulty")


def render_indexes(
    entries: list[SiteEntry], options: RenderOptions, unknown: bool
) -> list[GatheredFile]:
    cases = sorted(
        (e for e in entries if isinstance(e.card, CaseCard)), key=lambda e: _sort_key(e.card)
    )
    conferences = sorted(
        (e.card for e in entries if isinstance(e.card, ConferenceCard)),
        key=lambda card: (card.date, card.title),
        reverse=True,
    )
    language = _language([e.card for e in cases])
    say = words(language)
    common = {
        "w": say,
        "lang": language,
        "root": ".",
        "library": not unknown,
        "filters": _filters([e.card for e in cases]),
    }
    index = render_template(
        "index.html.j2",
        **common,
        title=say("site_title"),
        cards=[e.card for e in cases],
        conferences=conferences,
    )
    files = [GatheredFile(INDEX, index)]
    if not unknown:
        library = render_template(
            "library.html.j2",
            **common,
            title=say("site_library"),
            rows=[(e.card, e.answers) for e in cases],
        )
        files.append(GatheredFile(LIBRARY, library))
    for asset in sorted(STATIC.iterdir()):  # casedocs' own, the same for every site
        files.append(GatheredFile(f"{ASSETS}/{asset.name}", asset.read_bytes()))
    return files


def card_texts(entry: SiteEntry) -> list[str]:
    """What the index will show of this entry: its card, rendered by the index's template."""
    from casedocs.render.site.readback import page_texts

    card = entry.card
    say = words(card.language if isinstance(card, CaseCard) else "en")
    template = "card.html.j2" if isinstance(card, CaseCard) else "conference_item.html.j2"
    return page_texts(render_template(template, w=say, card=card, conference=card).decode())


def _filters(cards: list[CaseCard]) -> list[tuple[str, list[str]]]:
    """Each facet with the values some case has, in a reader's order."""
    found = []
    for facet in FACETS:
        values: set[str] = set()
        for card in cards:
            value = getattr(card, facet)
            values.update(value if isinstance(value, tuple) else (value,) if value else ())
        found.append((facet, sorted(values, key=str.casefold)))
    return found


def _language(cards: list[CaseCard]) -> str:
    counts = Counter(card.language for card in cards)
    return counts.most_common(1)[0][0] if counts else "en"


def _sort_key(card: CaseCard) -> tuple:
    """Natural order: "Case 2" before "Case 10"."""
    parts = re.split(r"(\d+)", card.label.casefold())
    return ([int(p) if p.isdigit() else p for p in parts], card.id)
