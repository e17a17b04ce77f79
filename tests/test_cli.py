"""The `casedocs` command: exit codes, messages, what is written and what is not.

Spec (issue 2, "Commands" and "Loading and validation"): `casedocs build CASE.yaml... [--out DIR]
[--only handout|slides]` writes DIR/handouts/<id>.pdf and DIR/slides/<id>.pptx (DIR defaults to
build/); `casedocs validate CASE.yaml...`. Problems are reported as file:line: field: message,
exit status 1, no traceback. A failed build leaves earlier outputs untouched and no temporary
files behind.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from casedocs.cli import main
from casedocs.source.named_files import IMAGE
from conftest import REPO


def test_build_writes_both_outputs(write_case, case_dir: Path, capsys) -> None:
    case = write_case()
    assert main(["build", str(case), "--out", str(case_dir / "out")]) == 0
    assert (case_dir / "out" / "handouts" / "case-17.pdf").read_bytes().startswith(b"%PDF")
    assert (case_dir / "out" / "slides" / "case-17.pptx").read_bytes().startswith(b"PK")


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


ALL_OUTPUTS = {"handouts/case-17.pdf", "handouts/case-17-unknown.pdf", "slides/case-17.pptx",
               "slides/case-17-unknown.pptx"}


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too, temporaries included) with its bytes, but
    the image cache, which a build may fill before it fails."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != ".cache"}


def _run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casedocs.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def _second_case(write_case) -> Path:  # noqa: ANN001
    return write_case(name="other.yaml", replace=(
        ("id: case-17", "id: case-18"),
        ("number: 17", "number: 18"),
    ))


# -- build -------------------------------------------------------------------------------------


def test_build_prints_a_wrote_line_per_output(write_case, case_dir: Path, capsys) -> None:
    case = write_case()
    out = case_dir / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    wrote = [line for line in stdout.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == 4  # the handout, the deck, and the -unknown variant of each
    assert any(line.endswith(str(out / "handouts" / "case-17.pdf")) for line in wrote)
    assert any(line.endswith(str(out / "slides" / "case-17.pptx")) for line in wrote)
    assert set(_files(out)) == ALL_OUTPUTS


def test_build_defaults_to_the_build_folder(write_case, case_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_case()
    monkeypatch.chdir(case_dir)
    assert main(["build", "case.yaml"]) == 0
    assert set(_files(case_dir / "build")) == ALL_OUTPUTS


@pytest.mark.parametrize(("only", "expected"), [("handout", "handouts/case-17"),
                                                ("slides", "slides/case-17")])
def test_only_builds_one_output(write_case, case_dir: Path, only: str, expected: str) -> None:
    case = write_case()
    out = case_dir / "out"
    assert main(["build", str(case), "--out", str(out), "--only", only]) == 0
    suffix = ".pdf" if only == "handout" else ".pptx"
    assert set(_files(out)) == {expected + suffix, f"{expected}-unknown{suffix}"}


def test_two_cases_in_one_build(write_case, case_dir: Path) -> None:
    first, second = write_case(), _second_case(write_case)
    out = case_dir / "out"
    assert main(["build", str(first), str(second), "--out", str(out)]) == 0
    assert set(_files(out)) == ALL_OUTPUTS | {
        name.replace("case-17", "case-18") for name in ALL_OUTPUTS}


def test_warnings_are_printed_but_the_build_succeeds(write_case, case_dir: Path, capsys) -> None:
    case = write_case(replace=(("Intralobar forms are the most common [@jones2020].",
                                "Intralobar forms are the most common."),))
    assert main(["build", str(case), "--out", str(case_dir / "out")]) == 0
    stderr = capsys.readouterr().err
    line = _line_of(case, "- id: jones2020")
    assert f"case.yaml:{line}: warning: " in stderr and "jones2020" in stderr
    assert (case_dir / "out" / "handouts" / "case-17.pdf").exists()


# -- user errors -------------------------------------------------------------------------------


def test_bad_case_exits_1_with_file_line_field_and_no_traceback(write_case,
                                                                case_dir: Path) -> None:
    case = write_case(replace=(("file: images/cta.png", "file: images/missing.png"),))
    result = _run("build", "case.yaml", "--out", "out", cwd=case_dir)
    assert result.returncode == 1
    line = _line_of(case, "file: images/missing.png")
    assert f"case.yaml:{line}: figures[cta].file: " in result.stderr
    assert "missing.png" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (case_dir / "out").exists()


def test_yaml_syntax_error_exits_1_without_traceback(write_case, case_dir: Path) -> None:
    write_case(text="id: case-17\ntitle: [unclosed\nhistory: x\n")
    result = _run("validate", "case.yaml", cwd=case_dir)
    assert result.returncode == 1
    assert "case.yaml:" in result.stderr and "YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_problem_is_reported_at_once(write_case, case_dir: Path, capsys) -> None:
    case = write_case(replace=(
        ("file: images/cta.png", "file: images/missing.png"),
        ("management: Surgical resection.", "managment: Surgical resection."),
    ))
    assert main(["validate", str(case)]) == 1
    stderr = capsys.readouterr().err
    assert f"case.yaml:{_line_of(case, 'missing.png')}: figures[cta].file" in stderr
    assert f"case.yaml:{_line_of(case, 'managment:')}:" in stderr
    assert "management" in stderr  # the did-you-mean


def test_missing_case_file_is_a_clear_error(case_dir: Path, capsys) -> None:
    assert main(["validate", str(case_dir / "nope.yaml")]) == 1
    stderr = capsys.readouterr().err
    assert "nope.yaml" in stderr
    assert "Traceback" not in stderr


def test_an_error_in_one_case_writes_nothing_for_it_and_the_others_are_written(
        write_case, case_dir: Path, capsys) -> None:
    """Issue 11: each case all or nothing; a broken case is reported, exit 1, and the others
    are written."""
    good = write_case()
    bad = write_case(name="bad.yaml", replace=(
        ("id: case-17", "id: case-18"),
        ("file: images/cta.png", "file: images/missing.png"),
    ))
    out = case_dir / "out"
    assert main(["build", str(good), str(bad), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "bad.yaml:" in captured.err
    assert set(_files(out)) == ALL_OUTPUTS
    assert "1 built, 0 up to date, 1 failed" in captured.out


# -- validate ----------------------------------------------------------------------------------


def test_validate_reports_ok_and_writes_nothing(write_case, case_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    write_case()
    _second_case(write_case)
    monkeypatch.chdir(case_dir)
    assert main(["validate", "case.yaml", "other.yaml"]) == 0
    stdout = capsys.readouterr().out
    assert "case-17: ok" in stdout and "case-18: ok" in stdout
    assert not (case_dir / "build").exists()


def test_validate_imports_neither_reportlab_nor_pptx(write_case, case_dir: Path) -> None:
    case = write_case()
    script = (
        "import sys\n"
        "from casedocs.cli import main\n"
        f"code = main(['validate', {str(case)!r}])\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'pptx'})\n"
        "print('LOADED', loaded)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=case_dir)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


# -- failed builds -----------------------------------------------------------------------------


def test_failed_build_leaves_earlier_outputs_untouched(write_case, case_dir: Path) -> None:
    case = write_case()
    out = case_dir / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    before = _files(out)
    write_case(replace=(
        ("title: Pulmonary sequestration", "title: Pulmonary sequestration revised"),
        ("file: images/cta.png", "file: images/missing.png"),
    ))
    assert main(["build", str(case), "--out", str(out)]) == 1
    assert _files(out) == before  # same names (no *.tmp), same bytes


def test_render_failure_leaves_outputs_untouched_and_no_temporaries(
        write_case, case_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    case = write_case()
    out = case_dir / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    before = _files(out)
    write_case(replace=(("title: Pulmonary sequestration", "title: Lung sequestration"),))

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("casedocs.render.deck.files.render_deck_files", broken)
    assert main(["build", str(case), "--out", str(out)]) == 1
    assert "renderer failed" in capsys.readouterr().err  # reported with the case
    assert _files(out) == before  # the handout rendered first, but nothing was written


def test_write_failure_leaves_outputs_untouched_and_no_temporaries(
        write_case, case_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    case = write_case()
    out = case_dir / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    before = _files(out)
    write_case(replace=(("title: Pulmonary sequestration", "title: Lung sequestration"),))

    def no_room(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", no_room)
    assert main(["build", str(case), "--out", str(out)]) == 1  # a message, not a traceback
    assert "No space left on device" in capsys.readouterr().err
    assert _files(out) == before


@pytest.mark.parametrize("command", [["--help"], ["validate", "content/is-case-4.yaml"],
                                     ["schema"]])
def test_help_validate_and_schema_import_no_renderer(command: list[str]) -> None:
    """Issue 9: pay only for what runs."""
    script = ("import sys\nfrom casedocs.cli import main\n"
              "try:\n    main(" + repr(command) + ")\nexcept SystemExit:\n    pass\n"
              "heavy = {'reportlab', 'pptx', 'pypdf'}\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr


def test_a_cold_build_of_png_figures_does_not_import_numpy(tmp_path: Path) -> None:
    """Issue 20: importing numpy is 6% of the seed's cold build; only DICOM and stacks need it."""
    script = ("import sys\nfrom casedocs.cli import main\n"
              f"code = main(['build', 'content/is-case-4.yaml', '--out', {str(tmp_path)!r}])\n"
              "print(code, 'numpy' in sys.modules, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=REPO, env={**os.environ, "CASEDOCS_JOBS": "1"})
    assert result.stderr.strip().splitlines()[-1] == "0 False", result.stderr
    assert (tmp_path / "slides" / "is-case-4.pptx").is_file()


def test_ctrl_c_stops_a_build_without_a_traceback_or_temporary_files(tmp_path: Path) -> None:
    """SIGINT to the build and its workers, as a terminal's Ctrl-C sends it."""
    import os
    import signal
    import time

    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "casedocs.cli", "build", str(REPO / "content" / "examples"),
         "--out", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # as a terminal starts it: a test run started in the background (nohup, `cmd &` in a
        # script) ignores SIGINT, and the child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not list(out.rglob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.05)  # stopped mid-build: some cases written, others under way
        os.killpg(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130, err
    assert "Traceback" not in err and "casedocs: stopped" in err
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp")]


def test_the_program_says_everything_before_it_leaves_without_tearing_down(
    tmp_path: Path,
) -> None:
    """`casedocs` as a process ends with os._exit (no teardown of what it built): what it
    printed into a pipe, block-buffered, still arrives whole, and the exit status is main's."""
    import json

    schema = _run("schema", cwd=tmp_path)
    assert schema.returncode == 0
    assert len(schema.stdout) > 16_384  # more than one pipe buffer
    assert json.loads(schema.stdout)["title"]
    refused = _run("validate", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert refused.returncode == 1
    assert "missing.yaml" in refused.stderr
    closed = subprocess.run(  # started with standard output closed: sys.stdout is None
        f"'{sys.executable}' -m casedocs.cli validate '{REPO / 'content' / 'is-case-4.yaml'}' >&-",
        shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120)  # noqa: S602
    assert closed.returncode == 0, closed.stderr
    assert "Traceback" not in closed.stderr


# -- inputs that are not plain files, and errors that name their file (issue 17) ---------------


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "images" / "fifo.png")
    return "images/fifo.png"


def _loop(folder: Path) -> str:
    (folder / "images" / "loop.png").symlink_to("loop.png")
    return "images/loop.png"


def _sparse(folder: Path) -> str:
    with (folder / "images" / "big.png").open("wb") as stream:
        stream.truncate(IMAGE.bytes + 1)  # just over the limit; nothing written
    return "images/big.png"


def _thin(folder: Path) -> str:
    Image.new("L", (2, 20000), 128).save(folder / "images" / "thin.png")
    return "images/thin.png"


@pytest.mark.parametrize(("make", "message"), [
    (_fifo, "images/fifo.png: not a regular file (a FIFO)"),
    (lambda folder: "/dev/zero", "/dev/zero: not a regular file (a character device)"),
    (lambda folder: "images", "images: not a regular file (a folder)"),
    (_loop, "images/loop.png: not a regular file (a symbolic link loop)"),
    (lambda folder: '"images/a\\0b.png"',
     "images/a\\0b.png: not a usable path (it contains a NUL character)"),
    (_sparse, "images/big.png: the file is 512.1 MB; an image file may be at most 512 MB "
     "(set CASEDOCS_MAX_IMAGE_MB to change that)"),
    (_thin, "thin.png: 2 x 20000 pixels is too thin to lay out (1:10000; a figure may be at "
     "most 1:20, a long-leg radiograph is about 1:4)"),
], ids=["fifo", "dev-zero", "folder", "link-loop", "nul", "sparse", "2x20000"])
def test_a_figure_file_that_cannot_be_used_is_one_line_at_its_field(
        write_case, case_dir: Path, make, message: str) -> None:  # noqa: ANN001
    """Each once hung the build, ate all memory or ended in a traceback."""
    case = write_case(replace=(("file: images/cta.png", f"file: {make(case_dir)}"),))
    result = _run("build", "case.yaml", "--out", "out", cwd=case_dir, timeout=20)
    assert result.returncode == 1
    line = _line_of(case, "- id: cta") + 1
    assert result.stderr == f"case.yaml:{line}: figures[cta].file: {message}\n"
    assert not _files(case_dir / "out")


def test_a_case_id_too_long_to_name_files_is_refused_at_its_line(write_case,
                                                                 case_dir: Path) -> None:
    write_case(replace=(("id: case-17", "id: " + "a" * 250),))
    result = _run("build", "case.yaml", "--out", "out", cwd=case_dir, timeout=20)
    assert result.returncode == 1
    assert result.stderr == ("case.yaml:1: id: is 250 characters long; an id may have at most "
                             "80 (it names the output files)\n")
    assert not _files(case_dir / "out")


@pytest.mark.parametrize("command", [["build", "--out", "out"], ["validate"]])
def test_a_case_file_that_is_a_fifo_is_refused_by_name(case_dir: Path,
                                                       command: list[str]) -> None:
    os.mkfifo(case_dir / "case.yaml")
    result = _run(*command, "case.yaml", cwd=case_dir, timeout=20)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "case.yaml: not a regular file (a FIFO)"
    assert "Traceback" not in result.stderr
    assert not _files(case_dir / "out")


def test_a_folder_scan_names_what_it_cannot_read_and_builds_the_rest(write_case,
                                                                    case_dir: Path) -> None:
    write_case()
    (case_dir / "more").mkdir()
    os.mkfifo(case_dir / "more" / "pipe.yaml")
    (case_dir / "more" / "loop.yaml").symlink_to("loop.yaml")
    result = _run("build", ".", "--out", "out", "--only", "handout", cwd=case_dir, timeout=60)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert errors == ["more/loop.yaml: not a regular file (a symbolic link loop)",
                      "more/pipe.yaml: not a regular file (a FIFO)"]
    assert "1 built, 0 up to date, 2 failed" in result.stdout
    assert (case_dir / "out" / "handouts" / "case-17.pdf").is_file()


def test_a_template_option_that_is_a_fifo_is_refused(write_case, case_dir: Path) -> None:
    write_case()
    os.mkfifo(case_dir / "template.pptx")
    result = _run("build", "case.yaml", "--template", "template.pptx", "--out", "out",
                  cwd=case_dir, timeout=20)
    assert result.returncode == 1
    assert result.stderr == "casedocs: --template: template.pptx: not a regular file (a FIFO)\n"
    layouts = _run("layouts", "template.pptx", cwd=case_dir, timeout=20)
    assert layouts.stderr == "casedocs: layouts: template.pptx: not a regular file (a FIFO)\n"


def test_a_full_disk_names_the_output_and_writes_nothing(
        write_case, case_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """os.write fails (ENOSPC) for the outputs' files, as on a disk that filled up."""
    case = write_case()
    out = case_dir / "out"
    real_write = os.write

    def full(descriptor: int, data: bytes) -> int:
        written_to = os.readlink(f"/proc/self/fd/{descriptor}")
        if written_to.startswith(str(out / "handouts")) or "/slides/" in written_to:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", full)
    assert main(["build", str(case), "--out", str(out), "--jobs", "1"]) == 1
    monkeypatch.undo()
    errors = capsys.readouterr().err
    assert errors == f"{out / 'handouts' / 'case-17.pdf'}: cannot write (No space left on device)\n"
    assert _files(out) == {}  # no output, no temporary file


def test_an_import_id_too_long_to_name_files_is_refused_before_importing(tmp_path: Path,
                                                                        capsys) -> None:
    assert main(["import", "mirc", str(tmp_path / "nothing.xml"), "--id", "a" * 81,
                 "--out", str(tmp_path / "content")]) == 1
    assert capsys.readouterr().err == (
        f"casedocs: '{'a' * 10}…{'a' * 29}' is 81 characters long; an id may have at most 80 "
        "(it names the output files); nothing imported\n")
    assert not (tmp_path / "content").exists()
