"""The document: figure and citation numbering, reference resolution, placement, warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casedocs.load import load_document
from conftest import MINIMAL_CASE, document_errors, line_of

SEED = Path(__file__).resolve().parents[1] / "content" / "is-case-4.yaml"

THIRD_FIGURE = """\
    alt: Axial CT angiogram.
  - id: ct2
    file: images/ct2.png
    caption: Coronal CT angiogram.
findings:"""




def text_of(spans) -> str:
    return "".join(span.text for span in spans)


def markers(spans) -> list[str]:
    return [span.text for span in spans if span.superscript]




@pytest.fixture
def write_three_figure_case(write_case, case_dir: Path):
    """The minimal case with a third figure, ct2, that no finding lists."""
    shutil.copy(case_dir / "images" / "cta.png", case_dir / "images" / "ct2.png")

    def write(*replace: tuple[str, str]) -> Path:
        return write_case(replace=(("    alt: Axial CT angiogram.\nfindings:", THIRD_FIGURE),
                                   *replace))

    return write


def test_figures_are_numbered_in_list_order(write_case) -> None:
    document = load_document(write_case()).document
    assert [(f.id, f.number) for f in document.figures] == [("cxr", 1), ("cta", 2)]
    assert text_of(document.findings[0].text) == (
        "Persistent opacity in the left lower lobe (Fig.\u00a01).")


def test_figure_without_view_gets_a_neutral_default(write_case) -> None:
    cxr, cta = load_document(write_case()).document.figures
    assert cxr.view == "Frontal chest radiograph"
    assert cta.view == "Fig.\u00a02"


def test_two_and_three_figure_references(write_three_figure_case) -> None:
    path = write_three_figure_case(
        ("(@fig-cta) [@smith2019]", "([@fig-cta; @fig-ct2]) [@smith2019]"),
        ("most common [@jones2020]", "most common ([@fig-ct2; @fig-cxr; @fig-cta]) [@jones2020]"),
    )
    document = load_document(path).document
    assert "(Figs.\u00a02 and\u00a03)" in text_of(document.findings[1].text)
    assert "(Figs.\u00a01\u20133)" in text_of(document.discussion[1])


def test_citations_numbered_by_first_appearance(write_case) -> None:
    path = write_case(replace=(("lower lobe pneumonia.", "lower lobe pneumonia [@jones2020]."),))
    document = load_document(path).document
    assert [(r.number, r.id) for r in document.references] == [(1, "jones2020"), (2, "smith2019")]
    assert markers(document.history) == ["1"]
    assert markers(document.findings[1].text) == ["2"]
    assert [markers(p) for p in document.discussion] == [["2"], ["1"]]


def test_citation_numbering_follows_canonical_not_file_order(write_case) -> None:
    # Findings are written before figures, but captions come first in the canonical order.
    head, rest = MINIMAL_CASE.split("figures:\n  - id: cxr", 1)
    figures, rest = rest.split("findings:\n", 1)
    findings, tail = rest.split("diagnosis:", 1)
    text = head + "findings:\n" + findings + "figures:\n  - id: cxr" + figures + "diagnosis:" + tail
    path = write_case(text=text, replace=(("from the aorta.", "from the aorta [@jones2020]."),))
    document = load_document(path).document
    assert [r.id for r in document.references] == ["jones2020", "smith2019"]
    assert markers(document.figures[1].caption) == ["1"]
    assert markers(document.findings[1].text) == ["2"]


def test_grouped_citation_and_locator_markers(write_case) -> None:
    path = write_case(replace=(
        ("lower lobe pneumonia.", "lower lobe pneumonia [@smith2019; @jones2020]."),
        ("most common [@jones2020]", "most common [@jones2020, p. 7]"),
    ))
    document = load_document(path).document
    assert markers(document.history) == ["1,2"]
    assert markers(document.discussion[1]) == ["2(p7)"]


def test_undefined_citation_reports_its_line_in_the_discussion(write_case) -> None:
    path = write_case(replace=(("Intralobar forms are the most common [@jones2020].",
                                "Intralobar forms are\n  the most common [@nobody]."),))
    (report,) = document_errors(path)
    assert report.field == "discussion"
    assert "'nobody'" in report.message
    assert report.line == line_of(path, "the most common [@nobody]")


def test_undefined_citation_reports_its_line_in_folded_text(write_case) -> None:
    path = write_case(replace=((
        "    text: A systemic artery arises from the descending aorta (@fig-cta) [@smith2019].",
        "    text: >-\n      A systemic artery arises from the descending aorta\n"
        "      (@fig-cta) [@nobody].",
    ),))
    (report,) = document_errors(path)
    assert report.field == "findings[1].text"
    assert report.line == line_of(path, "(@fig-cta) [@nobody]")


def test_undefined_figure_reference_is_an_error(write_case) -> None:
    path = write_case(replace=(("lower lobe pneumonia.", "lower lobe pneumonia (@fig-zzz)."),))
    (report,) = document_errors(path)
    assert report.field == "history"
    assert "'zzz'" in report.message
    assert report.line == line_of(path, "(@fig-zzz)")


def test_every_undefined_reference_is_reported_at_once(write_case) -> None:
    path = write_case(replace=(("lower lobe pneumonia.", "lower lobe pneumonia (@fig-zzz)."),
                               ("[@jones2020]", "[@nobody]")))
    assert {r.field for r in document_errors(path)} == {"history", "discussion"}


def test_unused_reference_is_a_warning(write_case) -> None:
    path = write_case(replace=((" [@jones2020]", ""),))
    loaded = load_document(path)
    (warning,) = loaded.warnings
    assert warning.warning
    assert warning.field == "references[jones2020]"
    assert "'jones2020'" in warning.message
    assert warning.line == line_of(path, "- id: jones2020")
    assert "warning: " in str(warning)
    assert [r.id for r in loaded.document.references] == ["smith2019", "jones2020"]


def test_figures_first_mentioned_out_of_order_warn(write_case) -> None:
    path = write_case(replace=(("lower lobe pneumonia.", "lower lobe pneumonia (@fig-cta)."),))
    loaded = load_document(path)
    (warning,) = loaded.warnings
    assert warning.warning and warning.field == "figures"
    assert "2, 1" in warning.message
    assert [f.id for f in loaded.document.figures] == ["cxr", "cta"]


def test_seed_case_loads_without_warnings() -> None:
    loaded = load_document(SEED)
    document = loaded.document
    assert loaded.warnings == []
    assert document.label == "IS Case 4"
    assert [(r.number, r.id) for r in document.references] == [(1, "gumbs1987"), (2, "lee2005")]
    assert markers(document.discussion[0]) == ["1", "2"]
    assert markers(document.discussion[-1]) == ["1,2"]
    assert "CT scan (Figs.\u00a02 and\u00a03)" in text_of(document.findings[1].text)


def test_figure_is_placed_after_the_paragraph_that_first_mentions_it(
        write_three_figure_case) -> None:
    path = write_three_figure_case(
        ("lower lobe pneumonia.", "lower lobe pneumonia (@fig-cxr)."),
        ("most common [@jones2020]", "most common [@jones2020] (@fig-ct2)"),
    )
    document = load_document(path).document
    placed = {anchor: [f.id for f in document.figures_after(anchor)]
              for anchor in [("history", 0), ("findings", 0), ("findings", 1),
                             ("discussion", 0), ("discussion", 1)]}
    assert placed == {("history", 0): ["cxr"], ("findings", 0): [], ("findings", 1): ["cta"],
                      ("discussion", 0): [], ("discussion", 1): ["ct2"]}
    assert document.unplaced_figures == ()


def test_figure_never_mentioned_is_left_unplaced(write_three_figure_case) -> None:
    document = load_document(write_three_figure_case()).document
    assert [f.id for f in document.unplaced_figures] == ["ct2"]
