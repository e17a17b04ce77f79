"""A build of any number of inputs: what is up to date is skipped without loading it; the
rest is built on every core, one input per task, each input's files written as soon as it is
done (all of them or none); a broken input is reported and the others go on. Files made from
every input (the site's index) come last. Nothing large stays in this process: memory does not
grow with the number of cases.

CASEDOCS_JOBS (or --jobs) sets the number of processes; 1 builds in this process alone.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from casedocs.build.freshness import (
    FileState,
    InputRecord,
    input_name,
    read_entries,
    read_record,
    record_path,
    settings_key,
    write_record,
)
from casedocs.build.report import Reporter
from casedocs.build.stamps import cache_dir
from casedocs.errors import Report
from casedocs.fonts import remember_fonts
from casedocs.render.output import Output, Settings
from casedocs.render.registry import STANDALONE, output_named, variants
from casedocs.source.inputs import unreadable_input
from casedocs.source.named_files import (
    CASE,
    TEMPLATE,
    Refused,
    check_option_file,
    read_checked,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from casedocs.build.task import BuildSettings, InputResult


@dataclass(frozen=True)
class BuildRequest:
    out_dir: Path
    site: bool = False
    quiz: bool = False  # a site whose pages hold no answer
    only: str | None = None
    settings: Settings = Settings()
    template_digest: str = ""  # of settings.template, read when the build was asked for
    logo_digest: str = ""  # of settings.logo
    timestamp: str = ""
    jobs: int = 0  # 0: CASEDOCS_JOBS, else every core
    settings_file: Path | None = None  # casedocs.toml, or where one would be found: watched
    # Around building the stale inputs: the command's choice of how the process collects
    # garbage meanwhile (cli.py); a process-wide setting is the entry point's to make.
    while_building: Callable[[list[Path]], AbstractContextManager[object]] = nullcontext

    @property
    def options(self) -> dict[str, str]:
        return {
            "site": "quiz" if self.quiz else str(self.site),
            "only": self.only or "",
            "paper": self.settings.paper,
            "template": self.template_digest,
            "language": self.settings.language or "",
            "institution": self.settings.institution or "",
            "logo": self.logo_digest,
            "stacks": self.settings.stacks,
            "date": self.timestamp,
        }

    @property
    def cache(self) -> Path:
        return cache_dir(self.out_dir, self.site)

    @property
    def records(self) -> Path:
        return self.cache / "inputs"

    def worker_count(self) -> int:
        wanted = self.jobs or int(os.environ.get("CASEDOCS_JOBS", "0") or 0)
        return max(1, wanted or os.cpu_count() or 1)


def file_digest(path: Path | None) -> str:
    """A file's hash, for options that name one ('' for none, 'missing' for none there)."""
    if path is None:
        return ""
    try:
        return hashlib.sha256(read_checked(path, TEMPLATE)).hexdigest()
    except Refused:  # said when the build starts (_build_stale)
        return "missing"


def preload(chosen: Iterable[tuple[Output, bool]]) -> None:
    """Import the heavy modules the chosen outputs render with: forked workers then share
    them, and a process that builds again and again (a watch) pays for them once."""
    for output, _ in chosen:
        for module in output.preload:
            importlib.import_module(module)


def run_build(inputs: list[Path], request: BuildRequest, reporter: Reporter) -> int:
    """Build `inputs`; 0 when every one built or was up to date, 1 when one failed."""
    remember_fonts(request.cache / "fonts.json")
    key = settings_key(request.options)
    chosen = [(output, unknown) for output, unknown in variants(request.only, request.site,
                                                                 request.quiz)]
    refused = _refuse_unreadable(inputs, reporter)
    readable = [path for path in inputs if path not in refused]
    stale: list[Path] = []
    for path in readable:
        record = read_record(request.records, input_name(path), request.options)
        if record is not None and record.is_current(key, path):
            reporter.up_to_date(record.outputs, record.warnings)
        else:
            stale.append(path)
    gathering = [output for output, _ in chosen if output.gather is not None]
    with request.while_building(stale):
        failed = _build_stale(stale, readable, request, key, chosen, reporter) if stale else set()
    if gathering and (stale or not _gathered_current(inputs, request, key)):
        _gather(inputs, request, key, gathering, reporter)
    reporter.finish()
    return 1 if failed or refused else 0


def _refuse_unreadable(inputs: list[Path], reporter: Reporter) -> set[Path]:
    """The inputs that cannot be read (a FIFO, a folder, too large, gone), each reported as
    failed before anything opens it: open() on a FIFO would wait forever."""
    refused = set()
    for path in inputs:
        report = unreadable_input(path)
        if report is not None:
            reporter.done([], [], [], [report])
            refused.add(path)
    return refused


def _build_stale(
    stale: list[Path],
    inputs: list[Path],
    request: BuildRequest,
    key: str,
    chosen: list[tuple[Output, bool]],
    reporter: Reporter,
) -> set[Path]:
    """Build the stale inputs; those that failed."""
    from casedocs.build.atomic import sweep_temporaries
    from casedocs.build.pipeline import output_folders
    from casedocs.build.task import BuildSettings

    if request.settings.template is not None:
        check_option_file("--template", request.settings.template, TEMPLATE)
    sweep_temporaries(output_folders(request.out_dir, request.cache), started=time.time())
    jobs = request.worker_count()
    settings = BuildSettings(
        out_dir=request.out_dir,
        cache=request.cache,
        records=request.records,
        variants=tuple((output.name, unknown) for output, unknown in chosen),
        options=request.options,
        settings_key=key,
        settings=request.settings,
        companions=tuple(o.companion for o in STANDALONE) if request.site else (),
        split=jobs > 1 and len(stale) == 1,
    )
    failed: set[Path] = set()
    clashes = _id_clashes(stale, inputs, request)
    for path, reports in clashes.items():
        reporter.done([], [], [], reports)
        failed.add(path)
    todo = [path for path in stale if path not in clashes]
    reporter.start(len(todo))
    for result in _results(todo, settings, jobs, chosen):
        reporter.done(result.written, result.current, result.warnings, result.errors)
        if result.failed:
            failed.add(result.path)
    return failed


def _results(
    todo: list[Path], settings: BuildSettings, jobs: int, chosen: list[tuple[Output, bool]]
) -> Iterator[InputResult]:
    """Each input's result, as it finishes: in worker processes (forked, so they share what
    this process imported) when there are several inputs and cores, else here. A worker that
    dies (killed, out of memory) fails the inputs not yet done, and the build ends."""
    from casedocs.build.task import build_input

    if jobs == 1 or len(todo) <= 1:
        for path in todo:
            yield build_input(path, settings)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    preload(chosen)  # imported once here rather than once in every worker
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(min(jobs, len(todo)), mp_context=context)
    try:
        futures = {pool.submit(build_input, path, settings): path for path in todo}
        for future in as_completed(futures):
            yield _outcome(future, futures[future])
    finally:  # on an interrupt: nothing new starts; what runs finishes its case whole
        pool.shutdown(wait=True, cancel_futures=True)


def _outcome(future: Future, path: Path) -> InputResult:
    from concurrent.futures.process import BrokenProcessPool

    from casedocs.build.task import InputResult
    from casedocs.source.loader import display_path

    try:
        return future.result()
    except BrokenProcessPool:
        message = ("the process building this file stopped (killed, or out of memory?); "
                   "nothing of it was written; try again with --jobs 1")
        return InputResult(path, errors=[Report(display_path(path), None, "", message)])


def _id_clashes(stale: list[Path], inputs: list[Path], request: BuildRequest) -> dict:
    """Inputs that would write another input's files (one id for two, or an id ending in
    -unknown), found before anything is built; the ids of inputs that are up to date come
    from their records."""
    from casedocs.load import clashing_ids

    owners = []
    for path in inputs:
        if path in stale:
            owners.append((path, *_declared_id(path)))
        else:
            record = read_record(request.records, input_name(path), request.options)
            owners.append((path, record.id if record else "", None))
    reports = clashing_ids([(p, i, line) for p, i, line in owners if i])
    found: dict[Path, list[Report]] = {}
    for report in reports:
        for path in stale:
            if _same_file(report.file, path):
                found.setdefault(path, []).append(report)
    return found


def _declared_id(path: Path) -> tuple[str, int | None]:
    """The id a file declares, and its line ("" when it cannot be read: loading it will say
    why)."""
    import yaml

    from casedocs.source.fastyaml import FAST_LOADER as loader

    try:
        text = read_checked(path, CASE).decode("utf-8")
        data = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    except (Refused, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return "", None
    value = data.get("id") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return "", None
    lines = text.splitlines()
    line = next((n for n, s in enumerate(lines, 1) if s.split(":")[0].strip(" '\"") == "id"),
                None)
    return value, line


def _same_file(shown: str, path: Path) -> bool:
    from casedocs.source.loader import display_path

    return shown == display_path(path)


def _gather(
    inputs: list[Path],
    request: BuildRequest,
    key: str,
    gathering: list[Output],
    reporter: Reporter,
) -> None:
    """The files made from every input's entries, as each input's record keeps them: an
    input that failed this time is shown as it last built."""
    from casedocs.build.atomic import write_atomically
    from casedocs.build.pipeline import gather_files

    entries: dict[Output, list] = {output: [] for output in gathering}
    for path in inputs:
        for name, unknown, entry in read_entries(request.records, input_name(path),
                                                 request.options):
            output = output_named(name)
            if output in entries and unknown == request.quiz:
                entries[output].append(entry)
    if not any(entries.values()):  # nothing built, now or before: nothing to list
        return
    gathered = gather_files(entries, request.out_dir, request.quiz)
    write_atomically(gathered)
    reporter.wrote(gathered)
    _record_gathered(inputs, request, key, list(gathered))


def _gathered_current(inputs: list[Path], request: BuildRequest, key: str) -> bool:
    record = read_record(request.records, _gathered_name(inputs), request.options)
    return record is not None and record.is_current(key)


def _record_gathered(
    inputs: list[Path], request: BuildRequest, key: str, files: list[Path]
) -> None:
    """The gathered files are current while every input's record is as it was."""
    records = [record_path(request.records, input_name(p), request.options) for p in inputs]
    read = [FileState.of(path, with_digest=False) for path in records]
    wrote = [FileState.of(path, with_digest=False) for path in files]
    if None in read or None in wrote:
        return
    record = InputRecord(key, "", read, wrote)  # type: ignore[arg-type]
    write_record(request.records, _gathered_name(inputs), request.options, record)


def _gathered_name(inputs: list[Path]) -> str:
    """One record of the gathered files per set of inputs."""
    names = "\x00".join(sorted(input_name(p) for p in inputs))
    return f"gathered:{hashlib.sha256(names.encode()).hexdigest()}"
