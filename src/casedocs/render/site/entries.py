"""What a page tells the site's index about itself: a card of public facts and, for a case,
the answer facts the library searches."""

from __future__ import annotations

from dataclasses import dataclass

from casedocs.document.metadata import Metadata
from casedocs.wording import Words


@dataclass(frozen=True)
class CaseCard:
    """A case as the index shows it: public facts only."""

    id: str
    label: str
    page: str  # from the site's root
    thumbnail: str  # from the site's root; "" for none
    thumbnail_alt: str
    history: str
    language: str
    modalities: tuple[str, ...]  # as readers know them (wording.py)
    anatomy: tuple[str, ...]
    subspecialties: tuple[str, ...]
    difficulty: str  # in words, as shown; "" when not given


@dataclass(frozen=True)
class ConferenceCard:
    id: str
    title: str  # public: checked against its cases' answers when loaded
    page: str
    date: str  # ISO, for sorting; "" when not given
    count: int


@dataclass(frozen=True)
class SiteEntry:
    card: CaseCard | ConferenceCard
    answers: dict[str, str] | None  # a case's title, diagnosis and keywords (full site only)


def facets(metadata: Metadata, say: Words) -> dict:
    """The metadata as readers see it (modality names, difficulty in words)."""
    return {
        "modalities": tuple(
            dict.fromkeys(say.name("modality", code) for code in metadata.modalities)
        ),
        "anatomy": metadata.anatomy,
        "subspecialties": metadata.subspecialties,
        "difficulty": say(f"difficulty_{metadata.difficulty}") if metadata.difficulty else "",
    }
