"""Words casedocs itself shows to readers, one table per language.

Every heading, prompt, label and speaker note a renderer draws comes from here, so a
department can show "Differentialdiagnose" on its own template (`language: de` in a case or
conference, or `--language de`). Every table must have every key of the English one, with the
same {fields}: a table that does not is an error when casedocs starts, never a gap in a slide.
The answer check counts all of this wording as public: generated text is never an answer.
"""

from __future__ import annotations

import string
from datetime import date

ENGLISH = {
    # Section headings of the handout, titles of the deck's slides
    "history": "History",
    "images": "Images",
    "findings": "Findings",
    "findings_of": "{study}: findings",  # a findings slide, titled by the study it shows
    "further_findings": "Further findings",
    "diagnosis": "Diagnosis",
    "differential": "Differential diagnosis",
    "discussion": "Discussion",
    "teaching_points": "Teaching points",
    "management": "Management",
    "references": "References",
    "interpretation": "Your interpretation",
    "contents": "Contents",
    "continued": "{title} (cont.)",
    # Labels
    "figure": "Fig.\u00a0{number}",
    "figure_caption": "Fig.\u00a0{number}.",
    "figures_two": "Figs.\u00a0{first} and\u00a0{second}",
    "figures_range": "Figs.\u00a0{first}\u2013{last}",
    "figures_list": "Figs.\u00a0{listed}, and\u00a0{last}",
    "figure_unknown": "Fig. ?",
    "slice_of": "Slice\u00a0{number} of\u00a0{count}.",  # a stack's key slice, in a caption
    "slice_number": "Slice\u00a0{number}",  # under a slice of a stack's strip
    "slices_shown": "The video runs through slices {first}\u2013{last} of {count}; its still "
    "frame is slice {still}.",
    "stack_label": "{view}: slice {number} of {count}",  # the stack viewer's accessible value
    "stack_hint": "Scroll, drag or use the arrow keys to move through the slices.",
    "stack_windows": "Window",  # the group of window presets over a stack
    "window_lung": "Lung",
    "window_mediastinum": "Mediastinum",
    "window_soft-tissue": "Soft tissue",
    "window_bone": "Bone",
    "window_brain": "Brain",
    "window_custom": "W\u00a0{width:g} / L\u00a0{center:g}",
    "case": "Case {number}",
    "answer_divider": "{label}: answer",
    "page": "Page {number} of {total}",
    "published": "Published {date}",
    "long_date": "{month} {day}, {year}",
    "months": "January February March April May June July August September October November "
    "December",
    # The worksheet
    "worksheet": "Unknown case worksheet",
    "worksheet_name": "Name: ",
    "worksheet_findings": "Findings",
    "worksheet_differential": "Differential diagnosis",
    "worksheet_diagnosis": "Most likely diagnosis",
    # Prompts on the last unknown slide
    "prompt_findings": "Describe the findings.",
    "prompt_differential": "What is your differential diagnosis?",
    "prompt_diagnosis": "What is the most likely diagnosis, and what would you do next?",
    # Speaker notes
    "notes_title": "{label}: unknown case. Read the history aloud, then show the images "
    "without comment.",
    "notes_history": "Read the history. Ask what the clinical question is.",
    "notes_figure": "{view}. Ask: what do you see? Describe the abnormality before naming it.",
    "notes_prompt": "Give the audience time. Ask for the findings first, then a differential, "
    "then a single best diagnosis.",
    "notes_discussion": "Discussion:\n{text}",
    "notes_conference_one": "{title}: 1 case.",
    "notes_conference": "{title}: {count} cases.",
    # Document properties and covers
    "handout_subject": "{label}: radiology teaching case",
    "worksheet_title": "{label}: unknown case worksheet",
    "packet_handouts": "Case handouts",
    "packet_handouts_title": "{title}: case handouts",
    "packet_worksheets": "Unknown case worksheets",
    "packet_worksheets_title": "{title}: unknown case worksheets",
    "deck_subject": "Unknown case conference",
    # The teaching-file site
    "site_title": "Teaching file",
    "site_index": "All cases",
    "site_library": "Library",
    "site_cases": "Cases",
    "site_conferences": "Conferences",
    "skip_to_content": "Skip to content",
    "show_answer": "Show answer",
    "show_answers": "Show the diagnoses",
    "full_size": "{label}, full size",
    "close": "Close (Esc)",
    "downloads": "Downloads",
    "download_case_handout": "Handout (PDF)",
    "download_case_handout_unknown": "Unknown-case worksheet (PDF)",
    "download_case_slides": "Slides (PowerPoint)",
    "download_case_slides_unknown": "Unknown-case slides (PowerPoint)",
    "download_conference_handout": "Handouts of all cases (PDF)",
    "download_conference_handout_unknown": "Worksheets of all cases (PDF)",
    "download_conference_slides": "Conference slides (PowerPoint)",
    "download_conference_slides_unknown": "Conference slides, unknowns only (PowerPoint)",
    "search": "Search",
    "search_index_hint": "history, modality, anatomy",
    "search_library_hint": "diagnosis, keyword, history",
    "filter_any": "Any",
    "cases_shown": "{shown} of {total} cases",
    "cases_shown_one": "{shown} of {total} case",
    "no_matches": "No case matches.",
    "case_count": "{count} cases",
    "case_count_one": "{count} case",
    "column_case": "Case",
    "column_keywords": "Keywords",
    "meta_modality": "Modality",
    "meta_anatomy": "Anatomy",
    "meta_subspecialty": "Subspecialty",
    "meta_difficulty": "Difficulty",
    "difficulty_1": "Introductory",
    "difficulty_2": "Intermediate",
    "difficulty_3": "Advanced",
    "modality_CR": "Radiography",
    "modality_DX": "Radiography",
    "modality_MR": "MRI",
    "modality_US": "Ultrasound",
    "modality_NM": "Nuclear medicine",
    "modality_PT": "PET",
    "modality_MG": "Mammography",
    "modality_XA": "Angiography",
    "modality_RF": "Fluoroscopy",
}

GERMAN = {
    "history": "Anamnese",
    "images": "Bilder",
    "findings": "Befunde",
    "findings_of": "{study}: Befunde",
    "further_findings": "Weitere Befunde",
    "diagnosis": "Diagnose",
    "differential": "Differentialdiagnose",
    "discussion": "Diskussion",
    "teaching_points": "Merksätze",
    "management": "Procedere",
    "references": "Literatur",
    "interpretation": "Ihre Beurteilung",
    "contents": "Inhalt",
    "continued": "{title} (Forts.)",
    "figure": "Abb.\u00a0{number}",
    "figure_caption": "Abb.\u00a0{number}.",
    "figures_two": "Abb.\u00a0{first} und\u00a0{second}",
    "figures_range": "Abb.\u00a0{first}\u2013{last}",
    "figures_list": "Abb.\u00a0{listed} und\u00a0{last}",
    "figure_unknown": "Abb. ?",
    "slice_of": "Schicht\u00a0{number} von\u00a0{count}.",
    "slice_number": "Schicht\u00a0{number}",
    "slices_shown": "Das Video zeigt die Schichten {first}\u2013{last} von {count}; sein "
    "Standbild ist Schicht {still}.",
    "stack_label": "{view}: Schicht {number} von {count}",
    "stack_hint": "Mit Mausrad, Ziehen oder Pfeiltasten durch die Schichten blättern.",
    "stack_windows": "Fenster",
    "window_lung": "Lunge",
    "window_mediastinum": "Mediastinum",
    "window_soft-tissue": "Weichteil",
    "window_bone": "Knochen",
    "window_brain": "Hirn",
    "window_custom": "W\u00a0{width:g} / L\u00a0{center:g}",
    "case": "Fall {number}",
    "answer_divider": "{label}: Auflösung",
    "page": "Seite {number} von {total}",
    "published": "Veröffentlicht am {date}",
    "long_date": "{day}. {month} {year}",
    "months": "Januar Februar März April Mai Juni Juli August September Oktober November "
    "Dezember",
    "worksheet": "Arbeitsblatt zum unbekannten Fall",
    "worksheet_name": "Name: ",
    "worksheet_findings": "Befunde",
    "worksheet_differential": "Differentialdiagnose",
    "worksheet_diagnosis": "Wahrscheinlichste Diagnose",
    "prompt_findings": "Beschreiben Sie die Befunde.",
    "prompt_differential": "Welche Differentialdiagnosen kommen in Frage?",
    "prompt_diagnosis": "Was ist die wahrscheinlichste Diagnose, und wie würden Sie weiter "
    "vorgehen?",
    "notes_title": "{label}: unbekannter Fall. Lesen Sie die Anamnese vor und zeigen Sie dann "
    "die Bilder ohne Kommentar.",
    "notes_history": "Anamnese vorlesen. Fragen Sie nach der klinischen Fragestellung.",
    "notes_figure": "{view}. Fragen Sie: Was sehen Sie? Erst die Auffälligkeit beschreiben, "
    "dann benennen.",
    "notes_prompt": "Lassen Sie dem Publikum Zeit. Fragen Sie zuerst nach den Befunden, dann "
    "nach Differentialdiagnosen, dann nach der wahrscheinlichsten Diagnose.",
    "notes_discussion": "Diskussion:\n{text}",
    "notes_conference_one": "{title}: 1 Fall.",
    "notes_conference": "{title}: {count} Fälle.",
    "handout_subject": "{label}: radiologischer Lehrfall",
    "worksheet_title": "{label}: Arbeitsblatt zum unbekannten Fall",
    "packet_handouts": "Handouts der Fälle",
    "packet_handouts_title": "{title}: Handouts der Fälle",
    "packet_worksheets": "Arbeitsblätter der unbekannten Fälle",
    "packet_worksheets_title": "{title}: Arbeitsblätter der unbekannten Fälle",
    "deck_subject": "Fallkonferenz mit unbekannten Fällen",
    "site_title": "Lehrfallsammlung",
    "site_index": "Alle Fälle",
    "site_library": "Bibliothek",
    "site_cases": "Fälle",
    "site_conferences": "Fallkonferenzen",
    "skip_to_content": "Zum Inhalt",
    "show_answer": "Auflösung zeigen",
    "show_answers": "Diagnosen zeigen",
    "full_size": "{label}, volle Größe",
    "close": "Schließen (Esc)",
    "downloads": "Downloads",
    "download_case_handout": "Handout (PDF)",
    "download_case_handout_unknown": "Arbeitsblatt zum unbekannten Fall (PDF)",
    "download_case_slides": "Folien (PowerPoint)",
    "download_case_slides_unknown": "Folien des unbekannten Falls (PowerPoint)",
    "download_conference_handout": "Handouts aller Fälle (PDF)",
    "download_conference_handout_unknown": "Arbeitsblätter aller Fälle (PDF)",
    "download_conference_slides": "Folien der Fallkonferenz (PowerPoint)",
    "download_conference_slides_unknown": "Folien der Fallkonferenz, nur unbekannte Fälle "
    "(PowerPoint)",
    "search": "Suche",
    "search_index_hint": "Anamnese, Modalität, Anatomie",
    "search_library_hint": "Diagnose, Schlagwort, Anamnese",
    "filter_any": "Alle",
    "cases_shown": "{shown} von {total} Fällen",
    "cases_shown_one": "{shown} von {total} Fall",
    "no_matches": "Kein Fall passt.",
    "case_count": "{count} Fälle",
    "case_count_one": "{count} Fall",
    "column_case": "Fall",
    "column_keywords": "Schlagwörter",
    "meta_modality": "Modalität",
    "meta_anatomy": "Anatomie",
    "meta_subspecialty": "Fachgebiet",
    "meta_difficulty": "Schwierigkeit",
    "difficulty_1": "Einsteiger",
    "difficulty_2": "Fortgeschritten",
    "difficulty_3": "Experte",
    "modality_CR": "Röntgen",
    "modality_DX": "Röntgen",
    "modality_MR": "MRT",
    "modality_US": "Ultraschall",
    "modality_NM": "Nuklearmedizin",
    "modality_PT": "PET",
    "modality_MG": "Mammographie",
    "modality_XA": "Angiographie",
    "modality_RF": "Durchleuchtung",
}

LOCALES = {"en": ENGLISH, "de": GERMAN}
# The site's wording: its index, filters, downloads and controls are all public.
SITE_PREFIXES = ("site_", "skip_", "show_answer", "full_size", "close", "download", "search",
                 "filter_", "cases_shown", "no_matches", "case_count", "column_", "meta_",
                 "difficulty_", "modality_")
LANGUAGES = tuple(LOCALES)
# The language tags Office spell-checks by (a deck's runs and defaults): a region each.
OFFICE_LANGUAGE_TAGS = {"en": "en-US", "de": "de-DE"}
# What the unknown part of an output says besides the case's own public fields.
UNKNOWN_PART_KEYS = (
    "history",
    "images",
    "interpretation",
    "worksheet",
    "worksheet_name",
    "worksheet_findings",
    "worksheet_differential",
    "worksheet_diagnosis",
    "prompt_findings",
    "prompt_differential",
    "prompt_diagnosis",
    "notes_title",
    "notes_history",
    "notes_figure",
    "notes_prompt",
    "worksheet_title",
    "deck_subject",
    *(key for key in ENGLISH if key.startswith(SITE_PREFIXES)),
)


class LocaleError(Exception):
    """A locale table that lacks a key, or whose text has other {fields} than English."""


class Words:
    """One language's wording: `words("figure", number=2)` is "Fig. 2"."""

    def __init__(self, language: str):
        self.language = language
        self._table = LOCALES[language]

    def __call__(self, key: str, **fields: object) -> str:
        """The text of `key` with its fields; a key with a singular form (`key_one`) is said
        in it when its `count` (or `total`) is 1: "1 case", "2 cases"."""
        number = fields.get("count", fields.get("total"))
        if number == 1 and f"{key}_one" in self._table:
            key = f"{key}_one"
        return self._table[key].format(**fields) if fields else self._table[key]

    def name(self, kind: str, code: str) -> str:
        """A coded value as readers know it ("MR": "MRI"); the code itself when it is the
        name ("CT")."""
        return self._table.get(f"{kind}_{code}", code)

    def long_date(self, day: date) -> str:
        """ "May 18, 2009"; "18. Mai 2009"."""
        month = self._table["months"].split()[day.month - 1]
        return self("long_date", month=month, day=day.day, year=day.year)

    def figures(self, numbers: list[int]) -> str:
        """ "Fig. 1", "Figs. 2 and 3", "Figs. 1–3", "Figs. 1, 3, and 5"."""
        if not numbers:
            return self("figure_unknown")
        if len(numbers) == 1:
            return self("figure", number=numbers[0])
        if len(numbers) == 2:
            return self("figures_two", first=numbers[0], second=numbers[1])
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return self("figures_range", first=numbers[0], last=numbers[-1])
        listed = ", ".join(map(str, numbers[:-1]))
        return self("figures_list", listed=listed, last=numbers[-1])


def words(language: str = "en") -> Words:
    return Words(language)


def unknown_wording() -> tuple[str, ...]:
    """Every language's wording of the unknown part (its {fields} left out): public text."""
    return tuple(
        text
        for table in LOCALES.values()
        for key in UNKNOWN_PART_KEYS
        for text, *_ in string.Formatter().parse(table[key])
        if text.strip()
    )


def check_locales(locales: dict[str, dict[str, str]]) -> None:
    """Every table has the English keys, with the same {fields}; raise LocaleError if not."""
    for language, table in locales.items():
        missing = sorted(set(ENGLISH) - set(table))
        extra = sorted(set(table) - set(ENGLISH))
        if missing or extra:
            raise LocaleError(f"locale '{language}': missing {missing}, unknown {extra}")
        for key, text in table.items():
            if _fields(text) != _fields(ENGLISH[key]):
                raise LocaleError(
                    f"locale '{language}': '{key}' has fields {sorted(_fields(text))}, "
                    f"English has {sorted(_fields(ENGLISH[key]))}"
                )
        if len(table["months"].split()) != 12:
            raise LocaleError(f"locale '{language}': 'months' must name twelve months")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


check_locales(LOCALES)
