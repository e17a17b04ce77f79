"""Case metadata for finding cases: fixed lists with did-you-mean, one value or several,
modality read from DICOM headers when not given, and anatomy kept free of the answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydicom.data import get_testdata_file

from casedocs.document.metadata import Metadata
from casedocs.load import load_document
from casedocs.source.model import MODALITIES, SUBSPECIALTIES
from conftest import document_errors, line_of, write_case_file

KEYWORDS = "keywords: [sequestration, systemic arterial supply]\n"


def _with(folder: Path, metadata: str, *more: tuple[str, str]) -> Path:
    return write_case_file(folder, ((KEYWORDS, KEYWORDS + metadata), *more))


def test_metadata_is_read_as_written(tmp_path: Path) -> None:
    path = _with(
        tmp_path,
        "modality: [CR, ct]\nanatomy: [left lower lobe, descending aorta]\n"
        "subspecialty: [Chest, pediatrics]\ndifficulty: 2\n",
    )
    metadata = load_document(path).document.metadata
    assert metadata == Metadata(
        ("CR", "CT"), ("left lower lobe", "descending aorta"), ("chest", "paediatrics"), 2
    )


def test_one_value_may_stand_for_a_list(tmp_path: Path) -> None:
    path = _with(tmp_path, "modality: MR\nanatomy: lung\nsubspecialty: GU\n")
    metadata = load_document(path).document.metadata
    assert (metadata.modalities, metadata.anatomy, metadata.subspecialties) == (
        ("MR",), ("lung",), ("GU",)
    )
    assert metadata.difficulty is None


def test_metadata_is_public(tmp_path: Path) -> None:
    path = _with(tmp_path, "modality: CT\nsubspecialty: chest\ndifficulty: 3\n")
    document = load_document(path).document
    assert document.public.metadata == document.metadata


@pytest.mark.parametrize(
    ("written", "field", "hint"),
    [
        ("modality: [CT, MRI]", "modality[1]", "did you mean 'MR'?"),
        ("subspecialty: neurology", "subspecialty[0]", "did you mean 'neuro'?"),
        ("subspecialty: [chest, muskuloskeletal]", "subspecialty[1]", "known: neuro"),
    ],
)
def test_unknown_values_are_refused_with_a_hint(
    tmp_path: Path, written: str, field: str, hint: str
) -> None:
    path = _with(tmp_path, written + "\n")
    (report,) = document_errors(path)
    assert report.field == field
    assert hint in report.message
    assert report.line == line_of(path, written.split(":")[0] + ":")


@pytest.mark.parametrize("difficulty", ["0", "4", "hard", "1.5"])
def test_difficulty_is_one_to_three(tmp_path: Path, difficulty: str) -> None:
    path = _with(tmp_path, f"difficulty: {difficulty}\n")
    (report,) = document_errors(path)
    assert report.field == "difficulty"
    assert report.line == line_of(path, "difficulty:")


def test_every_listed_value_is_accepted(tmp_path: Path) -> None:
    listed = f"modality: [{', '.join(MODALITIES)}]\nsubspecialty: [{', '.join(SUBSPECIALTIES)}]\n"
    metadata = load_document(_with(tmp_path, listed)).document.metadata
    assert metadata.modalities == MODALITIES
    assert metadata.subspecialties == SUBSPECIALTIES


def test_anatomy_that_names_the_answer_is_refused(tmp_path: Path) -> None:
    path = _with(tmp_path, "anatomy: [left lower lobe, intralobar sequestration]\n")
    (report,) = document_errors(path)
    assert report.field == "anatomy[1]"
    assert "shown before the answer, but repeats the keywords ('sequestration')" in report.message
    assert report.line == line_of(path, "anatomy:")


def test_anatomy_the_answer_mentions_in_passing_is_public(tmp_path: Path) -> None:
    path = _with(tmp_path, "anatomy: [descending aorta, left lower lobe]\n")
    assert load_document(path).document.metadata.anatomy == ("descending aorta", "left lower lobe")


def _case_with_dicom(folder: Path, name: str, metadata: str = "") -> Path:
    source = get_testdata_file(name, download=False)
    assert source is not None
    path = _with(folder, metadata, ("file: images/cta.png\n", f"file: images/{name}\n"))
    shutil.copy(source, folder / "images" / name)
    return path


def test_modality_is_read_from_dicom_figures_when_not_given(tmp_path: Path) -> None:
    path = _case_with_dicom(tmp_path, "CT_small.dcm")
    assert load_document(path).document.metadata.modalities == ("CT",)


def test_modality_written_in_the_case_wins_over_the_header(tmp_path: Path) -> None:
    path = _case_with_dicom(tmp_path, "CT_small.dcm", "modality: [CR, CT]\n")
    assert load_document(path).document.metadata.modalities == ("CR", "CT")


def test_no_dicom_figure_and_no_modality_leaves_it_empty(tmp_path: Path) -> None:
    assert load_document(_with(tmp_path, "")).document.metadata.modalities == ()
