"""Spaces a line must not break at (document/typography.py), in every output."""

from __future__ import annotations

import pytest

from casedocs.document.inline import Span
from casedocs.document.typography import page_range, tie
from casedocs.render.deck.textfit import words_of

NB = "\u00a0"


@pytest.mark.parametrize(("written", "printed"), [
    ("as shown (Fig. 3)", f"as shown (Fig.{NB}3)"),
    ("Figs. 2 and 3", f"Figs.{NB}2 and 3"),
    ("Abb. 4 zeigt", f"Abb.{NB}4 zeigt"),
    ("a 11 × 4.6 cm mass", f"a 11{NB}×{NB}4.6{NB}cm mass"),
    ("CRP 38 mg/L, 1.5 T, 740 MBq, 98.6 °F", f"CRP 38{NB}mg/L, 1.5{NB}T, 740{NB}MBq, 98.6{NB}°F"),
    ("T2-weighted, 3 cases, 2 mass lesions", "T2-weighted, 3 cases, 2 mass lesions"),
    ("10 minutes", "10 minutes"),  # a word, not the unit "min"
])
def test_a_number_keeps_its_unit_and_fig_its_number(written: str, printed: str) -> None:
    assert tie(written) == printed


@pytest.mark.parametrize(("pages", "printed"), [
    ("889-893", "889\u2013893"), ("e123-e130", "e123-e130"), ("12", "12")])
def test_page_ranges_print_with_an_en_dash(pages: str, printed: str) -> None:
    assert page_range(pages) == printed


def test_the_deck_measures_a_tied_pair_as_one_word() -> None:
    words = words_of((Span(f"lesion of 11{NB}×{NB}4.6{NB}cm (Fig.{NB}2) here"),))
    assert [w.text for w in words] == ["lesion", "of", f"11{NB}×{NB}4.6{NB}cm", f"(Fig.{NB}2)",
                                       "here"]
