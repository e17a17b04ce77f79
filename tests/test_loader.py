"""The YAML + model layer: every problem at once, each with its file, line and field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casedocs.errors import CaseError, Report, UserError
from casedocs.source.loader import display_path, load_case
from casedocs.source.named_files import CASE, Refused, read_checked
from conftest import line_of, within

REPO = Path(__file__).resolve().parents[1]


def problems(path: Path) -> list[Report]:
    with pytest.raises(CaseError) as caught:
        load_case(path)
    return caught.value.reports


def only(reports: list[Report], field: str) -> Report:
    matching = [r for r in reports if r.field == field]
    assert len(matching) == 1, [str(r) for r in reports]
    return matching[0]


def test_two_independent_errors_are_reported_together(write_case) -> None:
    path = write_case(replace=(("number: 17", "number: four"), ("year: 2020", 'year: "2020"')))
    reports = problems(path)
    assert len(reports) == 2
    assert only(reports, "number").line == line_of(path, "number: four")
    assert only(reports, "references[jones2020].year").line == line_of(path, 'year: "2020"')
    assert all(r.file.endswith("case.yaml") and not r.warning for r in reports)


def test_duplicate_key_and_type_error_are_reported_together(write_case) -> None:
    path = write_case(replace=(("number: 17", "number: four"),
                               ("institution: Teaching Hospital",
                                "institution: Teaching Hospital\ninstitution: Other")))
    reports = problems(path)
    assert {r.line for r in reports} == {line_of(path, "number: four"),
                                         line_of(path, "institution: Other")}


def test_unknown_key_suggests_the_close_name(write_case) -> None:
    path = write_case(replace=(("    caption: Frontal", "    captoin: Frontal"),))
    report = only(problems(path), "figures[cxr].captoin")
    assert "unknown key 'captoin'" in report.message
    assert "did you mean 'caption'" in report.message
    assert report.line == line_of(path, "captoin:")


def test_duplicate_key_names_both_lines(write_case) -> None:
    path = write_case(replace=(("institution: Teaching Hospital",
                                "institution: Teaching Hospital\ntitle: Something else"),))
    report = only(problems(path), "title")
    assert report.line == line_of(path, "title: Something else")
    assert "duplicate key" in report.message
    assert f"line {line_of(path, 'title: Pulmonary')}" in report.message


def test_yaml_syntax_error_gives_line_and_column(write_case) -> None:
    path = write_case(replace=(("history: A 19-year-old with", "history: A 19-year-old: with"),))
    (report,) = problems(path)
    assert report.line == line_of(path, "history:")
    assert "column 23" in report.message
    assert "YAML syntax error" in report.message


def test_word_for_a_number_names_the_field(write_case) -> None:
    report = only(problems(write_case(replace=(("number: 17", "number: four"),))), "number")
    assert "expected a whole number" in report.message
    assert "'four'" in report.message


def test_quoted_year_is_not_silently_converted(write_case) -> None:
    path = write_case(replace=(("year: 2019", 'year: "2019"'),))
    report = only(problems(path), "references[smith2019].year")
    assert "expected a whole number" in report.message


def test_unquoted_pmid_asks_for_quotes(write_case) -> None:
    path = write_case(replace=(('pmid: "30735470"', "pmid: 30735470"),))
    report = only(problems(path), "references[smith2019].pmid")
    assert "expected text" in report.message
    assert "quotes" in report.message
    assert report.line == line_of(path, "pmid: 30735470")


def test_yaml_boolean_word_is_not_accepted_as_text(write_case) -> None:
    path = write_case(replace=(("institution: Teaching Hospital", "institution: no"),))
    report = only(problems(path), "institution")
    assert "expected text" in report.message


def test_missing_title_is_reported(write_case) -> None:
    report = only(problems(write_case(replace=(("title: Pulmonary sequestration\n", ""),))),
                  "title")
    assert "required" in report.message
    assert report.line is not None


def test_non_utf8_file_is_a_clear_error_with_its_line(case_dir: Path) -> None:
    path = case_dir / "case.yaml"
    path.write_bytes("id: case-17\ntitle: Caf\u00e9 lesion\n".encode("latin-1"))
    (report,) = problems(path)
    assert "UTF-8" in report.message
    assert report.line == 2


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_file_is_an_error(case_dir: Path, text: str) -> None:
    path = case_dir / "case.yaml"
    path.write_text(text, encoding="utf-8")
    (report,) = problems(path)
    assert "empty" in report.message


def test_top_level_list_is_refused(case_dir: Path) -> None:
    path = case_dir / "case.yaml"
    path.write_text("- id: case-17\n", encoding="utf-8")
    (report,) = problems(path)
    assert "mapping" in report.message


def test_yaml_alias_is_refused_at_its_line(write_case) -> None:
    path = write_case(replace=(("institution: Teaching Hospital", "institution: &inst Teaching"),
                               ("copyright: Teaching Hospital 2026", "copyright: *inst")))
    report = only(problems(path), "copyright")
    assert "alias" in report.message
    assert report.line == line_of(path, "copyright: *inst")


def test_missing_image_names_figure_file_and_line(write_case) -> None:
    path = write_case(replace=(("file: images/cxr.png", "file: images/x.png"),))
    report = only(problems(path), "figures[cxr].file")
    assert report.line == line_of(path, "file: images/x.png")
    assert str(report) == (
        f"{report.file}:{report.line}: figures[cxr].file: no such file 'images/x.png'")


def test_image_path_is_relative_to_the_case_file(write_case, case_dir: Path, monkeypatch) -> None:
    path = write_case()
    monkeypatch.chdir(case_dir / "images")  # a working folder where images/cxr.png does not exist
    assert load_case(path).case.figures[0].file == (case_dir / "images" / "cxr.png").resolve()


def test_bad_id_pattern_is_refused(write_case) -> None:
    path = write_case(replace=(("id: case-17", "id: Case_4"),))
    report = only(problems(path), "id")
    assert report.line == 1


def test_case_error_text_lists_every_report(write_case) -> None:
    path = write_case(replace=(("number: 17", "number: four"), ("year: 2020", 'year: "2020"')))
    with pytest.raises(CaseError) as caught:
        load_case(path)
    lines = str(caught.value).splitlines()
    assert lines == [str(r) for r in caught.value.reports]
    assert len(lines) == 2


# -- inputs that once gave tracebacks (issue 8) ------------------------------------------------


def test_an_escaped_control_character_is_refused_with_its_field(write_case) -> None:
    path = write_case(replace=(("    alt: Frontal chest radiograph.",
                                '    alt: "Frontal chest \\x1c radiograph."'),))
    report = only(problems(path), "figures[cxr].alt")
    assert report.line == line_of(path, "Frontal chest \\x1c")
    assert "control character U+001C" in report.message


def test_a_raw_control_character_is_refused_at_its_line_and_column(write_case) -> None:
    path = write_case(replace=(("    alt: Frontal chest radiograph.",
                                "    alt: Frontal \x1c chest radiograph."),))
    (report,) = problems(path)
    lines = path.read_text(encoding="utf-8").split("\n")  # splitlines() breaks at U+001C too
    assert report.line == next(n for n, line in enumerate(lines, 1) if "\x1c" in line)
    assert "control character U+001C at column 18" in report.message


def test_values_nested_hundreds_deep_are_an_error_not_a_crash(write_case) -> None:
    for depth in (30, 500):
        path = write_case(replace=(("title: Pulmonary sequestration",
                                    "title: " + "[" * depth + "x" + "]" * depth),))
        reports = problems(path)
        assert any("nested more than 20 levels deep" in r.message and r.line == 4
                   for r in reports), [str(r) for r in reports]


def test_an_unquoted_colon_says_to_quote_the_text(write_case) -> None:
    path = write_case(replace=(("    alt: Axial CT angiogram.", "    alt: Axial CT: angiogram."),))
    (report,) = problems(path)
    assert report.line == line_of(path, "Axial CT: angiogram")
    assert "must be quoted" in report.message
    assert 'caption: "Axial CT: a mass"' in report.message


def _nodes(node, found: list) -> list:  # noqa: ANN001
    """Every node of a composed document: its kind, tag, value, and what the loader reads of
    where it is: the line, column and offset it starts at and the offset it ends at (the two
    parsers place the end of a file with no final newline on different lines)."""
    marks = (node.start_mark.line, node.start_mark.column, node.start_mark.index,
             node.end_mark.index)
    scalar = node.value if isinstance(node.value, str) else None
    found.append((type(node).__name__, node.tag, marks, getattr(node, "style", None) or None,
                  scalar))
    children = node.value if isinstance(node.value, list) else []
    for child in children:
        for item in child if isinstance(child, tuple) else (child,):
            _nodes(item, found)
    return found


UNICODE_CASE = (
    'id: u-1\ntitle: "Ünïcödé — “quotes” 日本語 😀"\nhistory: |\n  A line with é and 😀\n'
    "  and a second: with a colon\nfigures:\n  - caption: >-\n      Axial CT 😀, folded\n"
    "    findings: [a, 'b', \"c\"]\n"
)


@pytest.mark.parametrize("name", [
    *sorted(p.name for p in (REPO / "content" / "examples").glob("*.yaml")), "is-case-4.yaml",
    "unicode", "unicode-crlf", "unicode-no-final-newline",
])
def test_the_fast_parser_composes_what_the_pure_python_one_does(name: str) -> None:
    """read_yaml parses with libyaml and falls back to PyYAML's parser only for errors: the
    lines and fields it reports come from nodes both compose alike."""
    import yaml

    from casedocs.source.fastyaml import FAST_LOADER

    assert FAST_LOADER is yaml.CSafeLoader  # PyYAML's wheels carry a libyaml safe to use
    if name.startswith("unicode"):
        text = {"unicode": UNICODE_CASE, "unicode-crlf": UNICODE_CASE.replace("\n", "\r\n"),
                "unicode-no-final-newline": UNICODE_CASE.rstrip("\n")}[name]
    else:
        folder = REPO / "content" / ("" if name == "is-case-4.yaml" else "examples")
        text = (folder / name).read_text(encoding="utf-8")
    fast = _nodes(yaml.compose(text, Loader=FAST_LOADER), [])
    assert fast == _nodes(yaml.compose(text, Loader=yaml.SafeLoader), [])
    assert len(fast) > 5


def test_a_file_only_the_pure_python_parser_reads_is_read_by_it_throughout(
    write_case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should libyaml refuse a file PyYAML reads, PyYAML reads all of it (aliases included)."""
    import yaml

    from casedocs.source import loader

    class Refusing(yaml.CSafeLoader):
        def get_single_node(self):  # noqa: ANN202
            raise yaml.YAMLError("refused")

        def check_event(self, *choices):  # noqa: ANN001, ANN202
            raise yaml.YAMLError("refused")

    monkeypatch.setattr(loader, "FAST_LOADER", Refusing)
    path = write_case(replace=(("institution: Teaching Hospital", "institution: &inst Teaching"),
                               ("copyright: Teaching Hospital 2026", "copyright: *inst")))
    report = only(problems(path), "copyright")
    assert "alias" in report.message
    assert report.line == line_of(path, "copyright: *inst")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_problem_is_placed_on_its_line_in_a_file_with_a_byte_order_mark(
    case_dir: Path, bom: bytes
) -> None:
    """Editors on Windows save a byte-order mark; it must not move a problem to another line
    (libyaml counts it in its character offsets, PyYAML does not)."""
    from conftest import MINIMAL_CASE, document_errors

    text = MINIMAL_CASE.replace(
        "history: A 19-year-old with recurrent left lower lobe pneumonia.",
        "history: A 19-year-old with recurrent\n  left lower lobe pneumonia,\n"
        "  as on @fig-nope",  # at the very end: a window one character short misses it
    )
    path = case_dir / "case.yaml"
    path.write_bytes(bom + text.encode("utf-8"))
    (report,) = document_errors(path)
    assert "no figure with id 'nope'" in report.message
    assert report.line == line_of(path, "@fig-nope")


def test_libyaml_reads_only_where_it_refuses_deep_nesting() -> None:
    """libyaml before 0.2.6 crashed on deep nesting; PyYAML then reads with its own parser."""
    import yaml

    from casedocs.source.fastyaml import loader_for

    assert loader_for((0, 2, 5)) is yaml.SafeLoader
    assert loader_for(()) is yaml.SafeLoader
    assert loader_for((0, 2, 6)) is yaml.CSafeLoader


def test_values_nested_three_hundred_thousand_deep_are_an_error_not_a_crash(
    case_dir: Path,
) -> None:
    import subprocess
    import sys

    path = case_dir / "deep.yaml"
    path.write_text("id: x\ntitle: " + "[" * 300_000 + "]" * 300_000 + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "casedocs.cli", "validate", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "nested more than 20 levels deep" in run.stderr


# -- case files that are not plain files (issue 17) --------------------------------------------


def _case_file_problem(path: Path) -> str:
    """The one problem of a case file that cannot be read, found without hanging on it."""
    with within(10):
        (report,) = problems(path)
    assert (report.line, report.field) == (None, "")
    assert report.file == display_path(path)
    return report.message


def test_a_fifo_as_case_file_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "case.yaml")
    assert _case_file_problem(tmp_path / "case.yaml") == "not a regular file (a FIFO)"


def test_a_folder_and_a_symbolic_link_loop_as_case_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "case.yaml").mkdir()
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    assert _case_file_problem(tmp_path / "case.yaml") == "not a regular file (a folder)"
    assert _case_file_problem(tmp_path / "loop.yaml") == (
        "not a regular file (a symbolic link loop)")


def test_a_case_file_just_over_its_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    with path.open("wb") as stream:
        stream.truncate(CASE.bytes + 1)  # sparse: nothing written, nothing to read
    assert _case_file_problem(path) == (
        "the file is 1.1 MB; a case or conference file may be at most 1 MB "
        "(set CASEDOCS_MAX_CASE_MB to change that)")


def test_the_case_file_limit_is_a_setting(write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_case()
    monkeypatch.setenv("CASEDOCS_MAX_CASE_MB", "0.001")
    size = -(-path.stat().st_size // 100) / 10  # in KB, rounded up to a tenth
    assert _case_file_problem(path) == (
        f"the file is {size} KB; a case or conference file may be at most 1 KB "
        "(set CASEDOCS_MAX_CASE_MB to change that)")
    monkeypatch.setenv("CASEDOCS_MAX_CASE_MB", "2")
    assert load_case(path).case.id == "case-17"


def test_a_limit_that_is_no_number_is_said(write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDOCS_MAX_CASE_MB", "lots")
    with pytest.raises(UserError) as caught:
        load_case(write_case())
    assert str(caught.value) == "CASEDOCS_MAX_CASE_MB=lots: expected a number of megabytes"


def test_a_file_that_says_it_is_empty_is_read_only_up_to_its_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """/proc files report a size of 0 and hold more: the read stops at the limit."""
    listing = Path("/proc/self/maps")
    if not listing.is_file() or listing.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    assert read_checked(listing, CASE)  # more than the 0 bytes it says it has
    monkeypatch.setenv("CASEDOCS_MAX_CASE_MB", "0.00001")  # 10 bytes
    with pytest.raises(Refused, match="^the file is more than 10 bytes; "):
        read_checked(listing, CASE)


def test_a_path_is_shown_on_one_line_whatever_its_name_holds(tmp_path: Path) -> None:
    assert display_path(tmp_path / "a\nb\x00c.yaml") == f"{tmp_path}/a\\x0ab\\0c.yaml"
