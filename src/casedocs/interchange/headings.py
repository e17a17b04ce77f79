"""The section headings MIRC authors write, each mapped to the case field it fills.

Teaching files are written over years by many people, in English and German, with the
abbreviations radiologists use. A heading is compared after case folding, with a leading
number ("2.", "II.") and trailing punctuation removed, "&" read as "and" and hyphens as
spaces. A heading not in this table goes into the discussion under its own title, and the
import's summary says so. docs/mirc-headings.md shows the table; a test keeps them equal.
"""

from __future__ import annotations

import re

from casedocs.wording import LANGUAGES, words

ENGLISH = {
    "history": (
        "history", "clinical history", "clinical information", "clinical presentation",
        "clinical details", "clinical data", "clinical summary", "presentation",
        "case presentation", "patient history", "case history", "indication", "hx",
    ),
    "findings": (
        "findings", "imaging findings", "radiologic findings", "radiological findings",
        "radiographic findings", "image findings", "imaging", "observations",
    ),
    "diagnosis": ("diagnosis", "final diagnosis", "dx", "answer"),
    "differential": (
        "differential", "differentials", "differential diagnosis", "differential diagnoses",
        "ddx", "dd", "ddx list", "diff dx",
    ),
    "discussion": ("discussion", "comments", "commentary", "background"),
    "teaching_points": (
        "teaching points", "teaching point", "key points", "key teaching points", "pearls",
        "pearls and pitfalls", "take home points", "take home point", "take home message",
        "take home messages", "learning points", "learning objectives",
    ),
    "management": ("management", "treatment", "therapy"),
    "references": (
        "references", "reference", "suggested reading", "suggested readings",
        "further reading", "literature", "bibliography", "sources",
    ),
}
GERMAN = {
    "history": (
        "anamnese", "klinik", "klinische angaben", "klinische information",
        "klinische informationen", "klinische fragestellung", "fragestellung",
        "vorgeschichte",
    ),
    "findings": (
        "befund", "befunde", "bildbefund", "bildbefunde", "bildgebung", "bildgebende befunde",
        "radiologischer befund",
    ),
    "diagnosis": ("diagnose", "enddiagnose", "finale diagnose", "lösung"),
    "differential": ("differentialdiagnose", "differentialdiagnosen",
                     "differenzialdiagnose", "differenzialdiagnosen"),
    "discussion": ("diskussion", "kommentar", "hintergrund"),
    "teaching_points": ("merke", "lernziele", "kernaussagen", "take home message",
                        "fazit", "lernpunkte"),
    "management": ("therapie", "procedere", "behandlung", "management"),
    "references": ("literatur", "quellen", "literaturverzeichnis", "weiterführende literatur"),
}

_NUMBERING = re.compile(r"^(?:\d+|[ivx]+|[a-z])[.)]\s+")


def normal_heading(heading: str) -> str:
    """A heading as the table holds it: "2. Take-Home Points:" -> "take home points"."""
    text = heading.casefold().replace("&", " and ").replace("-", " ").replace("/", " ")
    text = _NUMBERING.sub("", text.strip())
    text = re.sub(r"[\s:.;,]+$", "", text)
    return re.sub(r"\s+", " ", text).strip()


FIELDS = ("history", "findings", "diagnosis", "differential", "discussion", "teaching_points",
          "management", "references")
TABLES = {"en": ENGLISH, "de": GERMAN}


def _written_by_casedocs(language: str) -> dict[str, tuple[str, ...]]:
    """The headings casedocs itself writes in `language`: an export imports again."""
    return {name: (normal_heading(words(language)(name)),) for name in FIELDS}


def _languages_of() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        for table in (TABLES.get(language, {}), _written_by_casedocs(language)):
            for name, headings in table.items():
                for heading in headings:
                    tables.setdefault(heading, {})[language] = name
    return tables


HEADINGS = _languages_of()  # heading -> {language: field}


def field_of(heading: str) -> str | None:
    """The case field a section under `heading` fills, or None."""
    fields = HEADINGS.get(normal_heading(heading), {})
    return fields.get("en") or next(iter(fields.values()), None)


def language_of(heading: str) -> str | None:
    """The language a heading says the case is written in: one that only it uses (None for
    English, and for headings several languages share)."""
    languages = set(HEADINGS.get(normal_heading(heading), {}))
    return next(iter(languages)) if len(languages) == 1 and "en" not in languages else None
