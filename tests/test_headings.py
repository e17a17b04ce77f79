"""The headings table of MIRC import (interchange/headings.py): what radiologists write, in
English and German, with abbreviations, each to its field; docs/mirc-headings.md shows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casedocs.interchange.headings import ENGLISH, FIELDS, GERMAN, field_of, language_of
from casedocs.interchange.mirc_import import import_mirc
from conftest import REPO
from test_mirc_import import document, imported_case


@pytest.mark.parametrize(("heading", "field", "language"), [
    ("Dx", "diagnosis", None), ("DD", "differential", None), ("DDx:", "differential", None),
    ("Klinische Angaben", "history", "de"), ("Bildgebung", "findings", "de"),
    ("Take-home points", "teaching_points", None), ("Teaching Point", "teaching_points", None),
    ("Radiologic Findings", "findings", None), ("Suggested Reading", "references", None),
    ("2. Clinical History:", "history", None), ("PEARLS & PITFALLS", "teaching_points", None),
    ("Merke", "teaching_points", "de"), ("Literatur", "references", "de"),
    ("Management", "management", None), ("Therapie", "management", "de"),
])
def test_headings_authors_use_map_to_their_field(heading: str, field: str,
                                                 language: str | None) -> None:
    assert (field_of(heading), language_of(heading)) == (field, language)


def test_an_unknown_heading_maps_to_nothing() -> None:
    assert field_of("Histopathology") is None
    assert field_of("Follow-up imaging at 6 months") is None


def test_the_headings_casedocs_writes_import_again() -> None:
    from casedocs.wording import LANGUAGES, words

    for language in LANGUAGES:
        for name in FIELDS:
            assert field_of(words(language)(name)) == name, (language, name)


def test_the_documented_table_is_the_table() -> None:
    rows = {}
    for line in (REPO / "docs" / "mirc-headings.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `(\w+)` \| (.*) \| (.*) \|$", line)
        if found:
            rows[found[1]] = (tuple(found[2].split(", ")), tuple(found[3].split(", ")))
    assert rows == {name: (ENGLISH[name], GERMAN[name]) for name in FIELDS}


def test_a_document_of_other_headings_fills_every_field(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", (
        '<section heading="Clinical Information"><p>A 60-year-old with a painful toe.</p>'
        '</section><section heading="Radiologic Findings"><p>Erosions.</p></section>'
        '<section heading="Dx"><p>Gout</p></section>'
        '<section heading="DD"><p>Psoriatic arthritis, septic arthritis</p></section>'
        '<section heading="Take-home points"><ul><li>Overhanging edges.</li></ul></section>'
        '<section heading="Histopathology"><p>Urate crystals.</p></section>'))
    case = imported_case(folder)
    assert case["history"] == "A 60-year-old with a painful toe."
    assert case["findings"] == ["Erosions."]
    assert case["diagnosis"] == "Gout"
    assert case["differential"] == ["Psoriatic arthritis", "septic arthritis"]
    assert case["teaching_points"] == ["Overhanging edges."]
    assert case["discussion"] == "**Histopathology**\n\nUrate crystals."


def test_the_summary_names_a_heading_it_put_into_the_discussion(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", (
        '<section heading="History"><p>A 60-year-old with a painful toe.</p></section>'
        '<section heading="Histopathology"><p>Urate crystals.</p></section>'))
    summary = import_mirc(folder, tmp_path / "content").summary
    assert any("Histopathology" in line and "discussion" in line
               for line in summary.approximated), summary


def test_german_headings_make_a_german_case(tmp_path: Path) -> None:
    folder = document(tmp_path / "a", (
        '<section heading="Klinische Angaben"><p>Ein 60-jähriger Mann.</p></section>'
        '<section heading="Bildgebung"><p>Erosionen.</p></section>'
        '<section heading="DD"><p>Psoriasisarthritis</p></section>'
        '<section heading="Diagnose"><p>Gicht</p></section>'))
    case = imported_case(folder)
    assert case["language"] == "de"
    assert case["history"] == "Ein 60-jähriger Mann."
    assert case["findings"] == ["Erosionen."]
