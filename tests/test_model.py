"""Rules of the case model that span fields: neutral ids, unique ids, known figures, the label."""

from __future__ import annotations

import pytest

from casedocs.errors import CaseError
from casedocs.source.loader import load_case
from casedocs.source.model import Case, DifferentialItem, Finding
from conftest import document_errors, line_of


def case_with(**changes: object) -> Case:
    data: dict[str, object] = {"id": "case-17", "title": "Pulmonary sequestration",
                               "history": "A cough.", "diagnosis": "Sequestration"}
    data.update(changes)
    return Case.model_validate({k: v for k, v in data.items() if v is not None})


def test_duplicate_figure_ids_are_refused(write_case) -> None:
    path = write_case(replace=(("  - id: cta", "  - id: cxr"), ("figures: [cta]", "figures: [cxr]"),
                               ("(@fig-cta)", "(@fig-cxr)")))
    (report,) = document_errors(path)
    assert report.field == "figures[cxr].id"
    assert "duplicate id 'cxr'" in report.message
    assert report.line == line_of(path, "  - id: cxr", occurrence=2)


def test_duplicate_reference_ids_are_refused(write_case) -> None:
    path = write_case(replace=(("id: jones2020", "id: smith2019"),
                               (" [@jones2020]", "")))
    (report,) = document_errors(path)
    assert "duplicate id 'smith2019'" in report.message
    assert report.line == line_of(path, "id: smith2019", occurrence=2)


def test_finding_listing_an_unknown_figure_is_refused(write_case) -> None:
    path = write_case(replace=(("figures: [cta]", "figures: [cta, ct]"),))
    (report,) = document_errors(path)
    assert report.field == "findings[1].figures[1]"
    assert "no figure with id 'ct'" in report.message
    assert report.line == line_of(path, "figures: [cta, ct]")


def test_cross_field_problems_are_reported_together(write_case) -> None:
    path = write_case(replace=(("id: case-17", "id: sequestration"),
                               ("figures: [cta]", "figures: [ct]")))
    assert {r.field for r in document_errors(path)} == {"id", "findings[1].figures[0]"}


def test_plain_strings_are_findings_and_differential_names() -> None:
    case = case_with(findings=["Opacity."], differential=["Pneumonia", {"name": "CPAM",
                                                                        "note": "Cystic."}])
    assert case.findings == [Finding(text="Opacity.", figures=[])]
    assert case.differential == [DifferentialItem(name="Pneumonia"),
                                 DifferentialItem(name="CPAM", note="Cystic.")]


def test_optional_keys_may_be_left_out(write_case) -> None:
    path = write_case(text="""\
        id: case-17
        title: Pulmonary sequestration
        history: A 19-year-old with pneumonia.
        diagnosis: Intralobar pulmonary sequestration
        """)
    case = load_case(path).case
    assert (case.figures, case.references, case.discussion) == ([], [], None)


def test_blank_required_text_is_refused(write_case) -> None:
    path = write_case(replace=(("diagnosis: Intralobar pulmonary sequestration",
                                'diagnosis: " "'),))
    with pytest.raises(CaseError) as caught:
        load_case(path)
    assert [r.field for r in caught.value.reports] == ["diagnosis"]


def test_label_joins_series_and_number(write_case) -> None:
    assert load_case(write_case()).case.label == "Chest Case 17"


@pytest.mark.parametrize("series, number, label", [
    ("Chest Case", None, "Chest Case"),
    (None, 17, "Case 17"),
    (None, None, "Unknown case"),
])
def test_label_falls_back_without_revealing_the_answer(series, number, label) -> None:
    case = case_with(series=series, number=number)
    assert case.label == label
    assert "sequestration" not in case.label.lower()
