"""From documents to finished outputs: what is stale, rendering (on two cores), the read-back
answer check, and writing all or nothing.

Renderers are imported only when their output is asked for, so `validate` never loads
reportlab or python-pptx.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casedocs.build.atomic import write_atomically
from casedocs.build.readback import fields_found, unknown_part_key
from casedocs.build.stamps import (
    Stamp,
    attachment_folder,
    cache_dir,
    current_stamp,
    record_stamp,
    stamp_dir,
    stamp_key,
)
from casedocs.build.workers import run_both
from casedocs.dates import build_timestamp
from casedocs.document.answers import AnswerKey
from casedocs.document.conference import ConferenceDocument, Publication
from casedocs.errors import CaseError, Report
from casedocs.figures import FigureImages
from casedocs.fonts import font_fingerprint
from casedocs.load import file_digest
from casedocs.render.output import Companion, Output, RenderedFile, RenderOptions, Settings
from casedocs.render.registry import OUTPUTS
from casedocs.source.named_files import TEMPLATE, check_option_file


def output_folders(out_dir: Path, cache: Path) -> list[Path]:
    """Every folder a build writes into: the outputs' and the cache."""
    folders = {out_dir / output.folder for output in OUTPUTS}
    return sorted(folders) + [cache]


@dataclass(frozen=True)
class Job:
    """One file to make: an output's full or unknown variant of one publication."""

    output: Output
    unknown: bool
    publication: Publication
    path: Path
    stamp_key: str


@dataclass
class Rendered:
    """Outputs rendered in memory, with their stamps and answer checks; the outputs that were
    already up to date; and every warning, said again for outputs that were skipped."""

    outputs: dict[Path, bytes] = field(default_factory=dict)  # with the files beside them
    leaks: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # found as rendered
    stamps: dict[Path, Stamp] = field(default_factory=dict)
    checks: dict[Path, Callable[[bytes], list[str]]] = field(default_factory=dict)
    current: list[Path] = field(default_factory=list)
    warnings: list[Report] = field(default_factory=list)
    entries: dict[Output, list] = field(default_factory=dict)  # for outputs that gather
    attachments: list[Path] = field(default_factory=list)  # files beside outputs (images)

    def warn(self, warnings: Iterable[Report]) -> None:
        self.warnings += [w for w in warnings if w not in self.warnings]


def render_outputs(
    publications: list[Publication],
    variants: Iterable[tuple[Output, bool]],
    out_dir: Path,
    images: FigureImages,
    settings: Settings | None = None,
    companions: tuple[Companion, ...] = (),
    cache: Path | None = None,
    split: bool = True,
) -> Rendered:
    """Every requested output that is not up to date, in memory: nothing is written until all
    have rendered. `companions`: the outputs a site's pages link to; `split`: render the
    first output here and the others in a second process."""
    settings = settings or Settings()
    if settings.template is not None:
        check_option_file("--template", settings.template, TEMPLATE)
    options = RenderOptions(build_timestamp(), settings, companions)
    rendered = Rendered()
    jobs = []
    for job in _jobs(publications, variants, out_dir, options):
        stamp = current_stamp(stamp_dir(cache or cache_dir(out_dir)), job.path, job.stamp_key)
        if stamp is not None:
            rendered.warn(stamp.warnings)
            rendered.current.append(job.path)
            folder = attachment_folder(job.path)
            rendered.attachments += [folder / name for name, _ in stamp.attachments]
            _add_entry(rendered, job, stamp.entry)
        else:
            jobs.append(job)
    results = _render_on_two_cores(jobs, images, options, split)
    for job, (result, leaks) in zip(jobs, results, strict=True):
        rendered.outputs[job.path] = result.data
        folder = attachment_folder(job.path)
        rendered.outputs |= {folder / name: data for name, data in result.attachments}
        rendered.attachments += [folder / name for name, _ in result.attachments]
        rendered.leaks[job.path] = leaks
        rendered.checks[job.path] = _answer_check(job, result)
        attachments = tuple((n, hashlib.sha256(d).hexdigest()) for n, d in result.attachments)
        rendered.stamps[job.path] = Stamp(job.stamp_key, result.warnings, attachments, result.entry)
        rendered.warn(result.warnings)
        _add_entry(rendered, job, result.entry)
    return rendered


def _add_entry(rendered: Rendered, job: Job, entry: object) -> None:
    if job.output.gather is not None:
        rendered.entries.setdefault(job.output, []).append((job.unknown, entry))


def gather_files(entries: dict[Output, list], out_dir: Path, quiz: bool) -> dict[Path, bytes]:
    """The files each gathering output makes from its files' entries (the site's index);
    each entry's public part was read back where its file rendered."""
    options = RenderOptions(build_timestamp())
    gathered: dict[Path, bytes] = {}
    for output, chosen in entries.items():
        for file in output.gather(chosen, options, quiz):  # type: ignore[misc]
            gathered[out_dir / file.name] = file.data
    return gathered


def _jobs(
    publications: list[Publication],
    variants: Iterable[tuple[Output, bool]],
    out_dir: Path,
    options: RenderOptions,
) -> Iterator[Job]:
    timestamp = options.timestamp.isoformat()
    for output, unknown in variants:
        read = _settings_read(output, options.settings)
        for publication in publications:
            key = stamp_key(
                publication.fingerprint,
                output.name,
                str(unknown),
                timestamp,
                *read,
                "" if output.standalone else repr(options.companions),
                *font_fingerprint(),
            )
            path = output.path(out_dir, publication.id, unknown)
            yield Job(output, unknown, publication, path, key)


def _settings_read(output: Output, settings: Settings) -> list[str]:
    """The settings an output's files depend on, as a stamp takes them: a file by its hash."""
    values = []
    for name in output.reads:
        value = getattr(settings, name)
        values.append(file_digest(value, TEMPLATE) if isinstance(value, Path) else repr(value))
    return values


def _answer_check(job: Job, result: RenderedFile) -> Callable[[bytes], list[str]]:
    """Reads a finished file's public parts back for answer content."""
    key = _answer_key(job)
    return lambda data: fields_found(job.output, data, result.public_parts, key)


def _entry_leaks(job: Job, result: RenderedFile) -> list[str]:
    """What the file's entry will show in the gathered files (the site's index) is public."""
    if job.output.read_entry is None or result.entry is None:
        return []
    key = _answer_key(job)
    return key.found_in(("its card in the index", text)
                        for text in job.output.read_entry(result.entry))


def _answer_key(job: Job) -> AnswerKey:
    publication = job.publication
    documents = (
        publication.documents if isinstance(publication, ConferenceDocument) else (publication,)
    )
    return unknown_part_key(documents)


def _render_on_two_cores(
    jobs: list[Job], images: FigureImages, options: RenderOptions, split: bool
) -> list[tuple[RenderedFile, tuple[str, ...]]]:
    """Each file rendered and read back for answers: the first output's files here and the
    others' in a second process, when both are wanted; in `jobs`' order. The variants of one
    publication's output are rendered together."""

    def render(chosen: list[int]) -> list[tuple[RenderedFile, tuple[str, ...]]]:
        done = []
        for group in _together(jobs, chosen):
            first = jobs[group[0]]
            variants = tuple(jobs[i].unknown for i in group)
            files = first.output.render(first.publication, images, options, variants)
            for job in (jobs[i] for i in group):
                result = files[job.unknown]
                leaks = _answer_check(job, result)(result.data) + _entry_leaks(job, result)
                done.append((result, tuple(dict.fromkeys(leaks))))
        return done

    first_output = OUTPUTS[0]
    here = [i for i, job in enumerate(jobs) if job.output is first_output]
    there = [i for i, job in enumerate(jobs) if job.output is not first_output]
    if split and here and there:
        mine, theirs = run_both(lambda: render(here), lambda: render(there))
    else:
        mine, theirs = render(here), render(there)
    order = [i for group in _together(jobs, here) for i in group]
    order += [i for group in _together(jobs, there) for i in group]
    by_index = dict(zip(order, mine + theirs, strict=True))
    return [by_index[i] for i in range(len(jobs))]


def _together(jobs: list[Job], chosen: list[int]) -> list[list[int]]:
    """The chosen jobs grouped by output and publication, in the order each group first
    comes."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i in chosen:
        groups.setdefault((jobs[i].output.name, id(jobs[i].publication)), []).append(i)
    return list(groups.values())


def write_rendered(
    rendered: Rendered, cache: Path, gathered: dict[Path, bytes] | None = None
) -> None:
    """Check every finished file for answers in memory, so a refused file never reaches the
    disk; then write them (and the `gathered` files) all or none, and record what each was
    made from."""
    for path, leaks in rendered.leaks.items():
        _refuse(path, leaks)
    outputs = rendered.outputs | (gathered or {})
    write_atomically(outputs, lambda path, data: _check_leaks(rendered, path, data))
    for path, stamp in rendered.stamps.items():
        record_stamp(stamp_dir(cache), path, stamp, rendered.outputs[path])


def _check_leaks(rendered: Rendered, path: Path, data: bytes) -> None:
    check = rendered.checks.get(path)
    _refuse(path, check(data) if check else ())


def _refuse(path: Path, fields: Iterable[str]) -> None:
    fields = list(fields)
    if fields:
        message = f"the answer would leak into this file: {'; '.join(fields)}; nothing was written"
        raise CaseError([Report(str(path), None, "", message)])
