"""Which study a figure shows, and what figures shown together have in common (issue 19)."""

from __future__ import annotations

import pytest

from casedocs.document.studies import distinguishing_words, shared_view, study_of


@pytest.mark.parametrize("view, dicom, case, study", [
    ("Axial CT of the chest", None, (), "CT"),
    ("Axial CT of the chest, lower level", None, ("CR", "CT"), "CT"),
    ("Anterior whole-body bone scan", None, ("NM", "CR"), "NM"),
    ("PA chest radiograph", None, (), "CR"),
    ("Lateral chest x-ray", None, (), "CR"),
    ("Axial DWI", None, ("MR",), "MR"),  # no modality named: the case's only one
    ("Axial DWI", None, ("MR", "CT"), ""),  # ... unless it has several
    ("PET/CT fused image", None, (), "PT"),  # PET/CT is a PET study
    ("CT and MR side by side", None, (), ""),  # two named: cannot be told
    ("Anything", "DX", (), "CR"),  # the file's own code first
    ("Sagittale T2-gewichtete MRT", None, (), "MR"),
    ("Längsschnitt, Sonographie der Leber", None, (), "US"),
])
def test_the_study_of_a_view(view: str, dicom: str | None, case: tuple[str, ...],
                             study: str) -> None:
    assert study_of(view, dicom, case) == study


@pytest.mark.parametrize("views, shared", [
    (["Axial CT of the chest"], "Axial CT of the chest"),
    (["Axial CT of the chest", "Axial CT of the chest, lower level"], "Axial CT of the chest"),
    (["Anterior whole-body bone scan", "Posterior whole-body bone scan"],
     "Whole-body bone scan"),
    (["Axial T2", "Coronal DWI"], "Axial T2 · Coronal DWI"),  # nothing shared
    (["Axial T2-weighted MRI", "Axial DWI"], "Axial T2-weighted MRI · Axial DWI"),  # one word
])
def test_what_views_shown_together_share(views: list[str], shared: str) -> None:
    assert shared_view(views) == shared


def test_the_words_that_tell_a_view_from_the_others() -> None:
    others = ["Longitudinal ultrasound of the right upper quadrant"]
    assert distinguishing_words(["Transverse ultrasound of the right upper quadrant"],
                                others) == "Transverse"
    assert distinguishing_words(["Ultrasound"], ["Ultrasound"]) == ""
