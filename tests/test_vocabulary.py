"""The answer check's image vocabulary (document/vocabulary.py, document/dicom_terms.py): from
DICOM's code tables plus documented lists, and never a false alarm on correct cases written by
others without looking at the checker (tests/fixtures/clean-cases/)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from casedocs.cli import main
from casedocs.document.dicom_terms import TERMS_FILE, terms_file_text, terms_from_pydicom
from casedocs.document.words import content_words
from casedocs.figures import FigureImages
from casedocs.load import load_document

CLEAN = sorted((Path(__file__).parent / "fixtures" / "clean-cases").glob("*.yaml"))


def test_the_dicom_terms_file_is_what_pydicom_tables_give() -> None:
    """A pydicom with other code tables fails here: `make dicom-terms` writes the file again."""
    assert TERMS_FILE.read_text(encoding="utf-8") == terms_file_text(terms_from_pydicom())


@pytest.mark.parametrize("text", [
    "Cine SSFP, four-chamber view, end diastole", "Short-axis late gadolinium enhancement",
    "Relative cerebral blood volume map", "Native T1 map, mid short axis",
    "MRT nach Kontrastmittelgabe", "CT in arterieller Phase, axiale Rekonstruktion",
    "Posterior summed image", "Tmax map", "Horizontal long axis",
])
def test_technique_words_are_ordinary(text: str) -> None:
    assert not any(word.distinctive for word in content_words(text)), content_words(text)


@pytest.mark.parametrize("word", ["hematoma", "infarction", "thrombus", "fistula", "congenital",
                                  "displaced", "lymphoma", "Hämatom", "Dissektion"])
def test_words_that_name_what_an_image_shows_stay_distinctive(word: str) -> None:
    assert all(w.distinctive for w in content_words(word))


@pytest.mark.parametrize("case", CLEAN, ids=lambda p: p.stem)
def test_a_correct_case_written_by_others_is_not_refused(case: Path) -> None:
    load_document(case, FigureImages())  # raises CaseError with the refusal


@pytest.mark.parametrize("name", ["cardiac-01", "de-01", "abd-21"])
def test_its_unknown_outputs_pass_the_read_back_check(name: str, tmp_path: Path) -> None:
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        code = main(["build", str(CLEAN[0].parent / f"{name}.yaml"), "--out", str(tmp_path),
                     "--jobs", "1"])
    assert code == 0, said.getvalue()
    assert (tmp_path / "slides" / f"{name}-unknown.pptx").is_file()
