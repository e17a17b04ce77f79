"""Builds of many inputs (issue 11): worker processes, each input written as soon as it is
done and all or nothing, a broken input reported while the others are written, what is up to
date skipped without loading it, an edit rebuilding only what shows it; and what the build
says: plain lines, or a progress bar on a terminal, and a one-line summary."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from casedocs.build import task
from casedocs.build.report import Reporter
from casedocs.cli import main
from casedocs.errors import Report
from conftest import MINIMAL_CASE, make_image

NUMBERS = range(1, 7)


def _cases(folder: Path) -> list[Path]:
    """Six cases with their own ids and images, and a conference of the first two."""
    paths = []
    for n in NUMBERS:
        case_dir = folder / f"case{n}"
        make_image(case_dir / "images" / "cxr.png", (300 + n, 400))
        make_image(case_dir / "images" / "cta.png", (400, 400 + n))
        text = MINIMAL_CASE.replace("id: case-17", f"id: case-{n}").replace(
            "number: 17", f"number: {n}"
        )
        path = case_dir / "case.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    conference = folder / "conference.yaml"
    conference.write_text(
        "id: chest-day\ntitle: Chest conference\ncases: [case1/case.yaml, case2/case.yaml]\n",
        encoding="utf-8",
    )
    return [*paths, conference]


def _dies_on_case_3(path: Path, settings: task.BuildSettings) -> task.InputResult:
    """build_input, but for case 3 the worker ends as the out-of-memory killer would end it
    (module-level: workers find it by name)."""
    if path.parent.name == "case3":
        os._exit(9)
    return BUILD_INPUT(path, settings)


BUILD_INPUT = task.build_input


def _build(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _summary(out: str) -> str:
    return re.search(r"casedocs: .*", out).group()  # type: ignore[union-attr]


def test_many_inputs_build_in_worker_processes(tmp_path: Path, capsys) -> None:
    inputs = _cases(tmp_path)
    code, out, _ = _build(capsys, "build", *inputs, "--out", tmp_path / "out", "--jobs", "2")
    assert code == 0
    assert "7 inputs: 7 built, 0 up to date, 0 failed" in _summary(out)
    for n in NUMBERS:
        for name in (f"case-{n}.pdf", f"case-{n}-unknown.pdf"):
            assert (tmp_path / "out" / "handouts" / name).read_bytes().startswith(b"%PDF")
    assert (tmp_path / "out" / "slides" / "chest-day.pptx").is_file()
    assert out.count("wrote ") == 7 * 4


def test_the_same_files_come_from_one_process_and_from_two(tmp_path: Path, capsys) -> None:
    inputs = _cases(tmp_path)
    for jobs in ("1", "2"):
        assert _build(capsys, "build", *inputs, "--out", tmp_path / jobs, "-j", jobs)[0] == 0
    one, two = (
        {p.relative_to(tmp_path / jobs): p.read_bytes()
         for folder in ("handouts", "slides") for p in (tmp_path / jobs / folder).iterdir()}
        for jobs in ("1", "2")
    )
    assert one == two and len(one) == 28


def test_a_broken_input_is_reported_and_the_others_are_written(tmp_path: Path, capsys) -> None:
    inputs = _cases(tmp_path)
    broken = inputs[2]
    broken.write_text(broken.read_text().replace("title: Pulmonary", "titel: Pulmonary"))
    code, out, err = _build(capsys, "build", *inputs, "--out", tmp_path / "out", "-j", "2")
    assert code == 1
    assert "6 built, 0 up to date, 1 failed" in _summary(out)
    assert f"{broken}:4: titel: unknown key" in err
    handouts = {p.name for p in (tmp_path / "out" / "handouts").iterdir()}
    assert "case-3.pdf" not in handouts and "case-3-unknown.pdf" not in handouts
    assert {"case-1.pdf", "case-6.pdf", "chest-day.pdf"} <= handouts


def test_a_second_build_is_up_to_date_and_an_edit_rebuilds_what_shows_it(
    tmp_path: Path, capsys
) -> None:
    inputs = _cases(tmp_path)
    out_dir = tmp_path / "out"
    assert _build(capsys, "build", *inputs, "--out", out_dir, "-j", "2")[0] == 0
    code, out, _ = _build(capsys, "build", *inputs, "--out", out_dir, "-j", "2")
    assert code == 0 and "0 built, 7 up to date" in _summary(out) and "wrote" not in out
    case = inputs[0]
    case.write_text(case.read_text().replace("Surgical resection.", "Resection."))
    code, out, _ = _build(capsys, "build", *inputs, "--out", out_dir, "-j", "2")
    assert "2 built, 5 up to date" in _summary(out)  # case 1 and the conference showing it
    rebuilt = {Path(line.split(" ", 1)[1]).name for line in out.splitlines()
               if line.startswith("wrote ")}
    assert rebuilt == {"case-1.pdf", "case-1-unknown.pdf", "case-1.pptx", "case-1-unknown.pptx",
                       "chest-day.pdf", "chest-day-unknown.pdf", "chest-day.pptx",
                       "chest-day-unknown.pptx"}


def test_touching_a_file_without_changing_it_rebuilds_nothing(tmp_path: Path, capsys) -> None:
    inputs = _cases(tmp_path)[:2]
    out_dir = tmp_path / "out"
    assert _build(capsys, "build", *inputs, "--out", out_dir)[0] == 0
    for path in (inputs[0], inputs[0].parent / "images" / "cxr.png"):
        path.write_bytes(path.read_bytes())  # a new modification time, the same bytes
    code, out, _ = _build(capsys, "build", *inputs, "--out", out_dir)
    assert "0 built, 2 up to date" in _summary(out)


def test_an_edit_rebuilds_the_case_page_the_conference_page_and_the_index(
    tmp_path: Path, capsys
) -> None:
    inputs = _cases(tmp_path)
    site = tmp_path / "site"
    assert _build(capsys, "site", *inputs, "--out", site, "-j", "2")[0] == 0
    index = (site / "index.html").stat().st_mtime_ns
    case = inputs[1]
    case.write_text(case.read_text().replace("recurrent left lower", "recurrent right lower"))
    code, out, _ = _build(capsys, "site", *inputs, "--out", site, "-j", "2")
    assert code == 0 and "2 built, 5 up to date" in _summary(out)
    pages = {Path(line.split(" ", 1)[1]).name for line in out.splitlines()
             if line.startswith("wrote ") and line.endswith(".html")}
    assert pages == {"case-2.html", "chest-day.html", "index.html", "library.html"}
    assert "recurrent right lower" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "index.html").stat().st_mtime_ns != index


def test_an_input_that_fails_stays_in_the_index_as_it_last_built(tmp_path: Path, capsys) -> None:
    inputs = _cases(tmp_path)[:3]
    site = tmp_path / "site"
    assert _build(capsys, "site", *inputs, "--out", site)[0] == 0
    inputs[2].write_text(inputs[2].read_text().replace("history:", "histroy:"))
    code, out, err = _build(capsys, "site", *inputs, "--out", site)
    assert code == 1 and "histroy" in err
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count("data-item ") == 3 and "Chest Case 3" in index


def test_plain_output_is_a_line_per_file_and_a_summary() -> None:
    out, err = io.StringIO(), io.StringIO()
    reporter = Reporter(out, err, interactive=False)
    reporter.start(2)
    reporter.up_to_date(["build/handouts/a.pdf"])
    warning = Report("b.yaml", 3, "figures[x]", "soft", warning=True)
    reporter.done([Path("build/handouts/b.pdf")], [], [warning, warning], [])
    reporter.done([], [], [warning], [Report("c.yaml", 1, "id", "bad")])
    reporter.finish()
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["up to date: build/handouts/a.pdf", "wrote build/handouts/b.pdf"]
    assert re.fullmatch(r"casedocs: 3 inputs: 1 built, 1 up to date, 1 failed \(\d+\.\d s\)",
                        lines[-1])
    assert err.getvalue().splitlines() == [str(warning), "c.yaml:1: id: bad"]


def test_a_terminal_gets_a_progress_bar_and_no_line_per_file() -> None:
    out, err = io.StringIO(), io.StringIO()
    reporter = Reporter(out, err, interactive=True)
    reporter.start(2)
    reporter.done([Path("build/handouts/b.pdf")], [], [], [])
    reporter.done([], [], [], [Report("c.yaml", 1, "id", "bad")])
    reporter.finish()
    assert "wrote" not in out.getvalue()
    assert out.getvalue().startswith("casedocs: 2 inputs: 1 built, 0 up to date, 1 failed")
    assert "c.yaml:1: id: bad" in err.getvalue()


def test_a_worker_that_dies_fails_its_input_and_the_build_ends_cleanly(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(task, "build_input", _dies_on_case_3)
    inputs = _cases(tmp_path)
    code, out, err = _build(capsys, "build", *inputs, "--out", tmp_path / "out", "-j", "2")
    assert code == 1
    assert "case3/case.yaml: the process building this file stopped" in err
    handouts = {p.name for p in (tmp_path / "out" / "handouts").iterdir()}
    assert "case-3.pdf" not in handouts
    assert not [p for p in (tmp_path / "out").rglob(".*.tmp")]


def test_one_case_builds_with_rare_garbage_collections_and_many_inputs_as_usual(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cyclic garbage piles up between collections: only a build of one case, which keeps
    what it allocates to the end anyway, collects rarely; the setting is restored after,
    unless the process ends with the build."""
    import gc

    seen: list[tuple[int, int, int]] = []

    def build_input(path: Path, settings: task.BuildSettings) -> task.InputResult:
        seen.append(gc.get_threshold())
        return BUILD_INPUT(path, settings)

    monkeypatch.setattr(task, "build_input", build_input)
    cases = _cases(tmp_path)
    usual = gc.get_threshold()
    assert _build(capsys, "build", cases[0], "--only", "handout", "--out", tmp_path / "a")[0] == 0
    assert seen == [(200_000, 30, 30)]
    assert gc.get_threshold() == usual
    seen.clear()
    code = _build(capsys, "build", *cases[:3], "--only", "handout", "--jobs", "1",
                  "--out", tmp_path / "b")[0]
    assert code == 0
    assert seen == [usual] * 3
    seen.clear()  # a conference is many cases built one after another
    assert _build(capsys, "build", cases[-1], "--only", "handout", "--out", tmp_path / "d")[0] == 0
    assert seen == [usual]
    try:  # a process that ends with its build does not start a collection of it at the end
        assert main(["build", str(cases[1]), "--only", "handout", "--out", str(tmp_path / "c")],
                    exits_after=True) == 0
        assert gc.get_threshold() == (200_000, 30, 30)
    finally:
        gc.set_threshold(*usual)
