"""casedocs.toml, the project's settings (issue 20): found in the current folder or a parent,
checked with the file, line and key of each mistake, overridden by flags, described by one
table that its JSON Schema comes from."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import fields
from pathlib import Path

import pytest
from pypdf import PdfReader

from casedocs.cli import main
from casedocs.errors import CaseError
from casedocs.source.project import (
    SETTINGS,
    ProjectSettings,
    find_project,
    load_project,
    settings_schema,
)
from conftest import make_image, write_case_file


def run(*args: str | Path) -> tuple[int, str]:
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        status = main([str(arg) for arg in args])
    return status, said.getvalue()


def test_settings_are_read_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    make_image(tmp_path / "assets" / "logo.png", (200, 80))
    (tmp_path / "casedocs.toml").write_text(
        'paper = "a4"\nlanguage = "de"\nlogo = "assets/logo.png"\nout = "ausgabe"\njobs = 2\n'
        'institution = "Institut für Radiologie"\n', encoding="utf-8")
    settings = load_project(tmp_path / "casedocs.toml")
    assert (settings.paper, settings.language, settings.jobs) == ("a4", "de", 2)
    assert settings.logo == (tmp_path / "assets" / "logo.png").resolve()
    assert settings.out == tmp_path / "ausgabe"
    assert settings.institution == "Institut für Radiologie"


def test_the_nearest_casedocs_toml_above_is_found(tmp_path: Path) -> None:
    (tmp_path / "casedocs.toml").write_text('paper = "a4"\n')
    deep = tmp_path / "cases" / "chest"
    deep.mkdir(parents=True)
    assert find_project(deep) == tmp_path / "casedocs.toml"
    (deep / "casedocs.toml").write_text('paper = "letter"\n')
    assert find_project(deep) == deep / "casedocs.toml"


def test_each_mistake_names_its_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "casedocs.toml"
    path.write_text('# settings\npaper = "A4"\nlanguag = "de"\njobs = 0\n'
                    'template = "missing.pptx"\nout = 3\n')
    with pytest.raises(CaseError) as refused:
        load_project(path)
    said = [str(report) for report in refused.value.reports]
    assert said == [
        f"{path}:2: paper: 'A4' is not one of letter, a4 (did you mean 'a4'?)",
        f"{path}:3: languag: unknown setting (did you mean 'language'?)",
        f"{path}:4: jobs: expected a number from 1 to 256",
        f"{path}:5: template: no such file 'missing.pptx'",
        f"{path}:6: out: expected text in quotes",
    ]


def test_a_file_that_is_not_toml_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "casedocs.toml"
    path.write_text('paper = "a4"\nlanguage = "de\n')
    with pytest.raises(CaseError) as refused:
        load_project(path)
    [report] = refused.value.reports
    assert report.line == 2 and report.message.startswith("not TOML")


def test_flags_override_the_settings_and_the_settings_override_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = write_case_file(tmp_path / "cases")
    (tmp_path / "casedocs.toml").write_text('paper = "a4"\nout = "ausgabe"\n')
    monkeypatch.chdir(tmp_path / "cases")  # a parent's settings apply
    assert run("build", case, "--only", "handout")[0] == 0
    a4 = PdfReader(tmp_path / "ausgabe" / "handouts" / "case-17.pdf").pages[0].mediabox
    assert round(float(a4.width)) == 595
    assert run("build", case, "--only", "handout", "--paper", "letter", "--out", "flag")[0] == 0
    letter = PdfReader(tmp_path / "cases" / "flag" / "handouts" / "case-17.pdf").pages[0]
    assert round(float(letter.mediabox.width)) == 612


def test_a_bad_settings_file_stops_the_build_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = write_case_file(tmp_path)
    (tmp_path / "casedocs.toml").write_text('paper = "a5"\n')
    monkeypatch.chdir(tmp_path)
    status, said = run("build", case)
    assert status == 1 and "casedocs.toml:1: paper: 'a5' is not one of letter, a4" in said
    assert not (tmp_path / "build").exists()


def test_institution_and_logo_go_to_the_cases_that_name_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_image(tmp_path / "logo.png", (200, 80))
    named = write_case_file(tmp_path / "named")
    unnamed = write_case_file(tmp_path / "unnamed",
                              (("institution: Teaching Hospital\n", ""),))
    (tmp_path / "casedocs.toml").write_text('institution = "Department of Radiology"\n'
                                            'logo = "logo.png"\n')
    monkeypatch.chdir(tmp_path)
    for case, out in ((named, "a"), (unnamed, "b")):
        assert run("build", case, "--only", "handout", "--out", out)[0] == 0
    first = PdfReader(tmp_path / "a" / "handouts" / "case-17.pdf").pages[0].extract_text()
    second = PdfReader(tmp_path / "b" / "handouts" / "case-17.pdf").pages[0]
    assert "Teaching Hospital" in first and "Department of Radiology" not in first
    assert "Department of Radiology" in second.extract_text()
    assert second.images  # the project's logo
    (tmp_path / "casedocs.toml").write_text('institution = "Radiology, Second Campus"\n')
    status, said = run("build", unnamed, "--only", "handout", "--out", "b")
    assert status == 0 and "1 built" in said  # a changed setting builds again
    again = PdfReader(tmp_path / "b" / "handouts" / "case-17.pdf").pages[0].extract_text()
    assert "Second Campus" in again


def test_one_table_describes_the_settings_and_their_schema() -> None:
    keys = [setting.key for setting in SETTINGS]
    assert keys == [field.name for field in fields(ProjectSettings)][:-1]  # and file
    schema = settings_schema()
    assert list(schema["properties"]) == keys and schema["additionalProperties"] is False
    assert schema["properties"]["paper"]["enum"] == ["letter", "a4"]
    assert all(described["description"] for described in schema["properties"].values())
    status, printed = run("schema", "--settings")
    assert status == 0 and json.loads(printed) == schema
