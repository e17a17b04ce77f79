"""Rules of the case model that span fields: neutral ids, unique ids, known figures, the label."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from casedocs.errors import CaseError, Report
from casedocs.source.loader import load_case
from casedocs.source.model import MAX_ID_LENGTH, Case, Conference, DifferentialItem, Finding
from casedocs.source.named_files import IMAGE, REFERENCES, TEMPLATE, Limit
from conftest import document_errors, line_of, within


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
    (None, None, "Case 17"),  # its id, case-17: never "Unknown case" for every case alike
])
def test_label_falls_back_without_revealing_the_answer(series, number, label) -> None:
    case = case_with(series=series, number=number)
    assert case.label == label
    assert "sequestration" not in case.label.lower()


# -- files a case names: regular files, within their limits (issue 17) -------------------------


def _file_problem(write_case, key: str, written: str, field: str) -> tuple[Path, Report]:  # noqa: ANN001
    """The report on `field` of the minimal case with `key` written as `written`."""
    if key == "file":
        replace = (("file: images/cta.png", f"file: {written}"),)
    else:
        replace = (("institution: Teaching Hospital",
                    f"institution: Teaching Hospital\n{key}: {written}"),)
    path = write_case(replace=replace)
    with within(10), pytest.raises(CaseError) as caught:
        load_case(path)
    matching = [report for report in caught.value.reports if report.field == field]
    assert len(matching) == 1, [str(report) for report in caught.value.reports]
    return path, matching[0]


def _make_fifo(folder: Path) -> None:
    os.mkfifo(folder / "images" / "fifo.png")


def _make_loop(folder: Path) -> None:
    (folder / "images" / "loop.png").symlink_to("loop.png")


@pytest.mark.parametrize(("make", "written", "shown", "reason"), [
    (_make_fifo, "images/fifo.png", "images/fifo.png", "not a regular file (a FIFO)"),
    (None, "/dev/zero", "/dev/zero", "not a regular file (a character device)"),
    (None, "images", "images", "not a regular file (a folder)"),
    (_make_loop, "images/loop.png", "images/loop.png",
     "not a regular file (a symbolic link loop)"),
    (None, '"images/a\\0b.png"', "images/a\\0b.png",
     "not a usable path (it contains a NUL character)"),
    (None, "x" * 300 + ".png", "x" * 70 + "…" + "x" * 25 + ".png",
     "not a usable path (too long for the file system)"),
])
def test_a_figure_file_that_is_not_a_regular_file_is_refused_at_its_line(
        write_case, case_dir: Path, make, written: str, shown: str, reason: str) -> None:  # noqa: ANN001
    if make is not None:
        make(case_dir)
    path, report = _file_problem(write_case, "file", written, "figures[cta].file")
    assert report.line == line_of(path, "- id: cta") + 1
    assert str(report) == f"{report.file}:{report.line}: figures[cta].file: {shown}: {reason}"


def _sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that takes no room and is never written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.truncate(size)


@pytest.mark.parametrize(("key", "limit", "name", "message"), [
    ("file", IMAGE, "images/big.png", "the file is 512.1 MB; an image file may be at most "
     "512 MB (set CASEDOCS_MAX_IMAGE_MB to change that)"),
    ("logo", IMAGE, "images/big.png", "the file is 512.1 MB; an image file may be at most "
     "512 MB (set CASEDOCS_MAX_IMAGE_MB to change that)"),
    ("template", TEMPLATE, "big.pptx", "the file is 200.1 MB; a template may be at most "
     "200 MB (set CASEDOCS_MAX_TEMPLATE_MB to change that)"),
    ("references_file", REFERENCES, "big.json", "the file is 20.1 MB; a references file may "
     "be at most 20 MB (set CASEDOCS_MAX_REFERENCES_MB to change that)"),
])
def test_a_named_file_just_over_its_limit_is_refused_unread(
        write_case, case_dir: Path, key: str, limit: Limit, name: str, message: str) -> None:  # noqa: ANN001
    _sparse(case_dir / name, limit.bytes + 1)
    field = "figures[cta].file" if key == "file" else key
    path, report = _file_problem(write_case, key, name, field)
    assert report.line == line_of(path, f"{key}: {name}")
    assert report.message == f"{name}: {message}"


def test_a_named_file_at_its_limit_is_accepted(write_case, case_dir: Path) -> None:
    _sparse(case_dir / "images" / "big.png", IMAGE.bytes)  # not read until its pixels are
    path = write_case(replace=(("file: images/cta.png", "file: images/big.png"),))
    assert load_case(path).case.figures[1].file == case_dir / "images" / "big.png"


def test_a_references_file_that_is_a_fifo_is_refused(write_case, case_dir: Path) -> None:
    os.mkfifo(case_dir / "refs.json")
    path, report = _file_problem(write_case, "references_file", "refs.json", "references_file")
    assert report.message == "refs.json: not a regular file (a FIFO)"


def test_the_image_limit_is_a_setting(write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDOCS_MAX_IMAGE_MB", "0.0001")  # 100 bytes: less than cta.png
    path, report = _file_problem(write_case, "file", "images/cta.png", "figures[cta].file")
    assert report.message.startswith("images/cta.png: the file is ")
    assert report.message.endswith("; an image file may be at most 100 bytes "
                                   "(set CASEDOCS_MAX_IMAGE_MB to change that)")


# -- ids name files: a limit on their length (issue 17) ----------------------------------------


def test_a_case_id_longer_than_the_limit_is_refused_at_its_line(write_case) -> None:
    path = write_case(replace=(("id: case-17", "id: " + "a" * 250),))
    with pytest.raises(CaseError) as caught:
        load_case(path)
    (report,) = caught.value.reports
    assert str(report) == (f"{report.file}:1: id: is 250 characters long; an id may have at "
                           f"most {MAX_ID_LENGTH} (it names the output files)")


def test_a_case_id_of_the_longest_length_is_accepted(write_case) -> None:
    longest = "-".join(["chest"] * 13) + "-ab"
    assert len(longest) == MAX_ID_LENGTH
    assert load_case(write_case(replace=(("id: case-17", f"id: {longest}"),))).case.id == longest


def test_a_conference_id_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="an id may have at most 80"):
        Conference.model_validate({"id": "c" * 81, "title": "Chest", "cases": ["a.yaml"]},
                                  context={"base_dir": tmp_path})


def test_the_schema_says_how_long_an_id_may_be() -> None:
    assert Case.model_json_schema()["properties"]["id"]["maxLength"] == MAX_ID_LENGTH


def test_cases_without_a_series_read_apart() -> None:
    labels = {case_with(id=name).label for name in ("chest-07", "neuro-12", "case-3")}
    assert labels == {"Case chest-07", "Case neuro-12", "Case 3"}
    assert case_with(id="chest-07", language="de").label == "Fall chest-07"
