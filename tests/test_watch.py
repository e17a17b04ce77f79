"""`casedocs watch` (issue 12): a build, then a build of what changed on every save; errors
said and the watch going on; new cases and newly named folders picked up; its own outputs and
editors' files never starting a build; Ctrl-C ending it cleanly.

The watch runs in a subprocess in its own process group, as a terminal runs it, so Ctrl-C is
a real SIGINT to it and to any process it forked. Deadlines are generous (a loaded machine);
how fast a save is rebuilt is measured in bench/watch.py, not here.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from casedocs.build import task
from casedocs.build.atomic import TEMPORARY_NAME
from casedocs.build.runner import BuildRequest
from casedocs.build.watch import watch as run_watch
from casedocs.build.watch import watch_scope
from casedocs.cli import main
from conftest import MINIMAL_CASE, make_image, write_case_file

DEADLINE = 60.0  # seconds: a build on a busy two-core machine, with room to spare


class Watch:
    """`casedocs watch ARGS` in `cwd`, its output lines gathered as they come."""

    def __init__(self, *args: str, cwd: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "casedocs.cli", "watch", *args],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
        )
        self.lines: dict[str, list[str]] = {"out": [], "err": []}
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, name), daemon=True)
            for stream, name in ((self.process.stdout, "out"), (self.process.stderr, "err"))
        ]
        for reader in self._readers:
            reader.start()

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=DEADLINE)
        for reader in self._readers:
            reader.join(timeout=DEADLINE)

    def _read(self, stream, name: str) -> None:  # noqa: ANN001
        for line in stream:
            with self._changed:
                self.lines[name].append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def mark(self) -> int:
        """Where stdout is now: wait_for(after=mark) looks only at what comes after."""
        with self._changed:
            return len(self.lines["out"])

    def wait_for(self, pattern: str, after: int = 0, stream: str = "out") -> str:
        """The first line of `stream` from line `after` on that matches `pattern`."""
        found = re.compile(pattern)
        ends = time.monotonic() + DEADLINE
        with self._changed:
            while True:
                for line in self.lines[stream][after:]:
                    if found.search(line):
                        return line
                left = ends - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and
                                 not any(r.is_alive() for r in self._readers)):
                    raise AssertionError(
                        f"no line matching {pattern!r} in {stream}:\n{self.text('out')}\n"
                        f"--- stderr:\n{self.text('err')}"
                    )
                self._changed.wait(min(left, 0.5))

    def stop(self, number: int = signal.SIGINT) -> int:
        """Send `number` to the process group (Ctrl-C sends SIGINT so); the exit status."""
        os.killpg(self.process.pid, number)
        return self.process.wait(timeout=DEADLINE)

    def text(self, stream: str = "out") -> str:
        with self._changed:
            return "\n".join(self.lines[stream])


def _summary(inputs: str = "1 input", built: int = 1, failed: int = 0) -> str:
    return rf"^casedocs: {inputs}: {built} built, \d+ up to date, {failed} failed"


def _temporaries(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if TEMPORARY_NAME.match(path.name)]


def _save(path: Path, text: str) -> None:
    """Save as most editors do: a new file moved over the old one, so that no build reads it
    half written (which would make one save two builds)."""
    saving = path.with_name(f".{path.name}.saving")
    saving.write_text(text, encoding="utf-8")
    os.replace(saving, path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    _save(path, text.replace(old, new))


# -- rebuilds ----------------------------------------------------------------------------------


def test_a_saved_case_is_rebuilt_and_ctrl_c_ends_the_watch_cleanly(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    handout = tmp_path / "out" / "handouts" / "case-17.pdf"
    with Watch("case.yaml", "--out", "out", "--only", "handout", cwd=tmp_path) as watch:
        watch.wait_for(r"^watching 1 input in 2 folders; Ctrl-C stops$")
        assert "wrote out/handouts/case-17.pdf" in watch.text()
        before = handout.read_bytes()
        mark = watch.mark()
        _edit(case, "Surgical resection.", "Resection by video-assisted surgery.")
        watch.wait_for(r"^change: case\.yaml$", after=mark)
        watch.wait_for(_summary(), after=mark)
        assert handout.read_bytes() != before
        rebuilt = watch.text().splitlines()[mark:]
        assert "wrote out/handouts/case-17.pdf" in rebuilt
        assert not any(line.startswith("up to date") for line in rebuilt)
        code = watch.stop(signal.SIGINT)
    assert code == 130
    assert "Traceback" not in watch.text("err") and watch.text("err") == ""
    assert _temporaries(tmp_path / "out") == []


def test_errors_are_said_and_the_watch_goes_on_until_the_case_is_fixed(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    good = case.read_text(encoding="utf-8")
    with Watch("case.yaml", "--out", "out", "--only", "handout", cwd=tmp_path) as watch:
        watch.wait_for(r"^watching ")
        mark = watch.mark()
        _edit(case, "title: Pulmonary", "titel: Pulmonary")  # a broken case
        watch.wait_for(_summary(built=0, failed=1), after=mark)
        watch.wait_for(r"^case\.yaml:4: titel: unknown key", stream="err")
        mark = watch.mark()
        _save(case, good + "figures: [unclosed\n")  # not YAML
        watch.wait_for(r"^change: case\.yaml$", after=mark)
        watch.wait_for(_summary(built=0, failed=1), after=mark)
        mark = watch.mark()
        case.unlink()  # deleted, as some editors save
        watch.wait_for(r"^change: case\.yaml$", after=mark)
        watch.wait_for(_summary(built=0, failed=1), after=mark)
        mark = watch.mark()
        _save(case, good.replace("Surgical resection.", "Resection."))
        watch.wait_for(_summary(), after=mark)
        assert watch.process.poll() is None
        assert (tmp_path / "out" / "handouts" / "case-17.pdf").is_file()
        errors = watch.text("err")
        assert re.search(r"^case\.yaml:\d+: YAML syntax error", errors, re.M)
        assert re.search(r"^case\.yaml: no such file$", errors, re.M)
        assert "Traceback" not in errors
        assert watch.stop() == 130


def test_the_settings_file_saved_rebuilds_with_its_settings(tmp_path: Path) -> None:
    write_case_file(tmp_path)
    handout = tmp_path / "out" / "handouts" / "case-17.pdf"
    with Watch("case.yaml", "--out", "out", "--only", "handout", cwd=tmp_path) as watch:
        watch.wait_for(r"^watching ")
        assert _page_width(handout) == 612  # letter, the default
        mark = watch.mark()
        _save(tmp_path / "casedocs.toml", 'paper = "a4"\n')  # a settings file appears
        watch.wait_for(r"^change: casedocs\.toml$", after=mark)
        watch.wait_for(_summary(), after=mark)
        assert _page_width(handout) == 595
        mark = watch.mark()
        _save(tmp_path / "casedocs.toml", 'papr = "letter"\n')
        watch.wait_for(r"^casedocs\.toml:1: papr: unknown setting", stream="err")
        assert watch.process.poll() is None
        _save(tmp_path / "casedocs.toml", 'paper = "letter"\n')
        watch.wait_for(_summary(), after=mark)
        assert _page_width(handout) == 612
        assert "Traceback" not in watch.text("err")
        assert watch.stop() == 130


def _page_width(pdf: Path) -> int:
    return round(float(PdfReader(pdf).pages[0].mediabox.width))


def test_a_folder_named_from_now_on_is_watched(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    with Watch("case.yaml", "--out", "out", "--only", "handout", cwd=tmp_path) as watch:
        watch.wait_for(r"^watching 1 input in 2 folders")
        scan = make_image(tmp_path / "scans" / "cxr.png", (320, 400))
        mark = watch.mark()
        _edit(case, "file: images/cxr.png", "file: scans/cxr.png")
        watch.wait_for(_summary(), after=mark)
        mark = watch.mark()
        make_image(scan, (360, 400))  # the image of the folder named now, saved again
        watch.wait_for(r"^change: scans/cxr\.png$", after=mark)
        watch.wait_for(_summary(), after=mark)
        assert watch.stop() == 130


def test_a_case_added_to_a_watched_folder_is_built(tmp_path: Path) -> None:
    write_case_file(tmp_path / "cases")
    with Watch("cases", "--out", "out", "--only", "handout", cwd=tmp_path) as watch:
        # cases/, its images/, and the working folder, where a casedocs.toml would be
        watch.wait_for(r"^watching 1 input in 3 folders")
        mark = watch.mark()
        text = MINIMAL_CASE.replace("id: case-17", "id: case-18")
        _save(tmp_path / "cases" / "second.yaml", text)
        watch.wait_for(r"^change: cases/second\.yaml$", after=mark)
        watch.wait_for(_summary("2 inputs"), after=mark)
        assert (tmp_path / "out" / "handouts" / "case-18.pdf").is_file()
        assert not any(line.startswith("up to date") for line in watch.text().splitlines()[mark:])
        assert watch.stop(signal.SIGTERM) == 128 + signal.SIGTERM


def test_outputs_caches_and_editor_files_start_no_build(tmp_path: Path) -> None:
    """The output folder inside the folder watched: the watch never sets itself off."""
    case = write_case_file(tmp_path)
    with Watch(".", "--out", "build", "--only", "handout", cwd=tmp_path) as watch:
        watch.wait_for(r"^watching 1 input")
        mark = watch.mark()
        for name in (".case.yaml.swp", "case.yaml~", ".#case.yaml", "4913", "#case.yaml#",
                     ".tmp-a1b2c3d4", "case.yaml.tmp", "notes.txt"):
            (tmp_path / name).write_text("scratch", encoding="utf-8")
        (tmp_path / "images" / "unused.png").write_bytes(b"not an image any case shows")
        _edit(case, "Surgical resection.", "Resection.")
        watch.wait_for(_summary(), after=mark)
        time.sleep(2)  # what the build wrote, had it been watched, would have shown by now
        lines = watch.text().splitlines()[mark:]
        assert [line for line in lines if line.startswith("change:")] == ["change: case.yaml"]
        assert watch.stop() == 130


def test_ctrl_c_during_a_build_leaves_no_temporary_file(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    with Watch("case.yaml", "--out", "out", cwd=tmp_path) as watch:  # both outputs: two processes
        watch.wait_for(r"^watching ")
        mark = watch.mark()
        _edit(case, "Surgical resection.", "Resection.")
        watch.wait_for(r"^change: ", after=mark)
        code = watch.stop(signal.SIGINT)  # while it builds
    assert code == 130
    assert "Traceback" not in watch.text("err")
    assert _temporaries(tmp_path / "out") == []


# -- in this process ---------------------------------------------------------------------------


def test_a_watch_in_a_thread_ends_when_its_stop_event_is_set(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    out, err, stop = io.StringIO(), io.StringIO(), threading.Event()
    request = BuildRequest(out_dir=tmp_path / "out", only="handout", jobs=1)
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(
        run_watch([case], request, out=out, err=err, stop=stop)))
    thread.start()
    try:
        ends = time.monotonic() + DEADLINE
        while "watching 1 input" not in out.getvalue() and time.monotonic() < ends:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(DEADLINE)
    assert codes == [0] and err.getvalue() == ""
    assert (tmp_path / "out" / "handouts" / "case-17.pdf").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["nothere.yaml"], "casedocs: no such file or folder: 'nothere.yaml'"),
    (["case.yaml", "--unknown"], "casedocs: --unknown is the site's quiz: use it with --site"),
    (["case.yaml", "--site", "--only", "handout"], "casedocs: --only chooses among"),
])
def test_what_cannot_be_watched_is_said_before_anything_is_built(
    write_case, case_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch, args: list[str],
    message: str,
) -> None:
    write_case()
    monkeypatch.chdir(case_dir)
    assert main(["watch", *args, "--out", "out"]) == 1
    assert capsys.readouterr().err.startswith(message)
    assert not (case_dir / "out").exists()


def test_the_scope_is_the_folders_of_the_files_read_and_the_folders_given(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()
    case = write_case_file(tmp_path / "cases")
    make_image(tmp_path / "elsewhere" / "cta.png", (400, 400))
    _edit(case, "file: images/cta.png", "file: ../elsewhere/cta.png")
    (tmp_path / "cases" / ".hidden").mkdir()
    request = BuildRequest(out_dir=tmp_path / "cases" / "out")
    (tmp_path / "cases" / "out" / "handouts").mkdir(parents=True)
    scope = watch_scope([case], [case], request)
    assert scope.folders == {tmp_path / "cases", tmp_path / "cases" / "images",
                             tmp_path / "elsewhere"}
    scope = watch_scope([tmp_path / "cases"], [case], request)
    assert scope.folders == {tmp_path / "cases", tmp_path / "cases" / "images",
                             tmp_path / "elsewhere"}  # not the output folder, nor hidden ones
    matters = scope.matters
    assert matters(str(case)) and matters(str(tmp_path / "elsewhere" / "cta.png"))
    assert matters(str(tmp_path / "cases" / "new.yaml"))  # a case added
    assert not matters(str(tmp_path / "elsewhere" / "other.png"))
    assert not matters(str(tmp_path / "cases" / "out" / "handouts" / "case-17.pdf"))
    assert not matters(str(tmp_path / "cases" / ".out-cache" / "x.yaml"))
    for name in (".case.yaml.swp", "case.yaml~", ".#case.yaml", "4913", "#case.yaml#",
                 ".tmp-a1b2c3d4", "x.yaml.tmp", ".case-17.pdf.ab12cd34.tmp", "notes.txt"):
        assert not matters(str(tmp_path / "cases" / name)), name


def test_a_folder_named_but_not_there_yet_is_waited_for(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()
    case = write_case_file(tmp_path)
    _edit(case, "file: images/cta.png", "file: scans/ct/cta.png")
    scope = watch_scope([case], [case], BuildRequest(out_dir=tmp_path / "out"))
    assert scope.folders == {tmp_path, tmp_path / "images"}
    assert scope.matters(str(tmp_path / "scans"))  # appears: watch it, and what is in it
    assert scope.matters(str(tmp_path / "scans" / "ct" / "cta.png"))


def test_a_file_saved_while_its_input_builds_is_built_again(
    write_case, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record keeps the files as they were before loading: a save during a build (what a
    watch sees all the time) is not mistaken for what was built."""
    case = write_case()
    real_load = task.load_input

    def saved_meanwhile(path, images, *settings):  # noqa: ANN001, ANN002, ANN202
        loaded = real_load(path, images, *settings)
        _edit(case, "Surgical resection.", "Resection.")
        return loaded

    monkeypatch.setattr(task, "load_input", saved_meanwhile)
    out = str(tmp_path / "out")
    assert main(["build", str(case), "--out", out, "--only", "handout", "-j", "1"]) == 0
    monkeypatch.setattr(task, "load_input", real_load)
    capsys.readouterr()
    assert main(["build", str(case), "--out", out, "--only", "handout", "-j", "1"]) == 0
    assert "1 built, 0 up to date" in capsys.readouterr().out
