"""Two cores for one build: results and failures come back from the forked process."""

from __future__ import annotations

import os

import pytest

from casedocs.build.workers import can_fork, run_both
from casedocs.errors import CaseError, Report

needs_fork = pytest.mark.skipif(not can_fork(), reason="needs fork() and two cores")


@needs_fork
def test_the_second_piece_runs_in_another_process() -> None:
    here, there = run_both(os.getpid, os.getpid)
    assert here == os.getpid() and there != here


@needs_fork
def test_results_come_back_whole() -> None:
    data = bytes(range(256)) * 8000  # larger than a pipe's buffer
    mine, theirs = run_both(lambda: "handouts", lambda: [data, {"warnings": ()}])
    assert mine == "handouts" and theirs == [data, {"warnings": ()}]


@needs_fork
def test_a_case_error_in_the_child_is_raised_here_with_its_reports() -> None:
    report = Report("case.yaml", 12, "figures[cxr].file", "no such file 'x.png'")

    def failing() -> None:
        raise CaseError([report])

    with pytest.raises(CaseError) as caught:
        run_both(lambda: None, failing)
    assert caught.value.reports == [report]


@needs_fork
def test_an_unpicklable_error_still_comes_back_with_its_traceback() -> None:
    class Local(Exception):  # defined in a function: pickle cannot find it again
        pass

    def failing() -> None:
        raise Local("renderer failed")

    with pytest.raises(RuntimeError, match="renderer failed"):
        run_both(lambda: None, failing)


def test_one_process_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDOCS_JOBS", "1")
    assert not can_fork()
    assert run_both(os.getpid, os.getpid) == (os.getpid(), os.getpid())


@needs_fork
def test_an_error_here_still_collects_the_child() -> None:
    def failing_here() -> None:
        raise ValueError("handout failed")

    with pytest.raises(ValueError, match="handout failed"):
        run_both(failing_here, lambda: "deck")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind
