"""Worker processes for a build (issue 9): started early, results and failures come back."""

from __future__ import annotations

import os

import pytest

from casedocs.build.workers import RenderPool, worker_count
from casedocs.errors import CaseError, Report, UserError

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def pid(_: object) -> int:
    return os.getpid()


def echo(value: object) -> object:
    return value


def fail_with_reports(report: Report) -> None:
    raise CaseError([report])


def die(_: object) -> None:
    os._exit(9)


@needs_fork
def test_tasks_run_in_other_processes_in_order() -> None:
    with RenderPool(None, jobs=2) as pool:
        pids = list(pool.run(pid, range(6)))
        assert os.getpid() not in pids and len(set(pids)) <= 2
        assert list(pool.run(echo, range(20))) == list(range(20))


@needs_fork
def test_results_come_back_whole() -> None:
    data = bytes(range(256)) * 8000  # larger than a pipe's buffer
    with RenderPool(None, jobs=2) as pool:
        assert list(pool.run(echo, [[data, {"warnings": ()}]])) == [[data, {"warnings": ()}]]


@needs_fork
def test_a_case_error_in_a_worker_is_raised_here_with_its_reports() -> None:
    report = Report("case.yaml", 12, "figures[cxr].file", "no such file 'x.png'")
    with RenderPool(None, jobs=2) as pool, pytest.raises(CaseError) as caught:
        list(pool.run(fail_with_reports, [report]))
    assert caught.value.reports == [report]


@needs_fork
def test_a_worker_that_dies_is_reported_not_waited_for() -> None:
    with RenderPool(None, jobs=2) as pool, pytest.raises(UserError, match="CASEDOCS_JOBS=1"):
        list(pool.run(die, [1]))


def test_one_job_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDOCS_JOBS", "1")
    assert worker_count() == 1
    with RenderPool(None, worker_count()) as pool:
        assert list(pool.run(pid, range(3))) == [os.getpid()] * 3


def test_the_number_of_workers_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDOCS_JOBS", "3")
    assert worker_count() == 3
    monkeypatch.setenv("CASEDOCS_JOBS", "")
    assert worker_count() == (os.cpu_count() or 1)
