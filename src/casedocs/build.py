"""From case files to finished outputs: load, prepare figures, number, render, write atomically.

Renderers are imported only when their output is asked for, so `validate` never loads
reportlab or python-pptx.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .answers import answer_key, public_field_problems
from .csljson import item_line
from .dates import build_timestamp
from .document import Document, build_document, check_references
from .errors import CaseError, Problem, Report, UserError
from .figures import FigureImages, ImageProblem, SourceImage
from .fonts import find_family, font_fingerprint, missing_glyphs
from .loader import LoadedCase, SourceMap, display_path, read_case
from .model import Figure, check_case
from .stamps import Stamp, current_stamp, record_stamp, stamp_key
from .workers import run_both

if TYPE_CHECKING:
    from .conference import ConferenceDocument

    Publication = Document | ConferenceDocument  # what one output is made from

OUTPUT_KINDS = ("handout", "slides")  # what --only accepts


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    warnings: list[Report]


def load_document(path: Path, images: FigureImages | None = None) -> LoadedDocument:
    """Validate one case completely (model, cross-references, images) or raise CaseError
    naming every problem: those the schema finds and, past them, all the others."""
    images = images or FigureImages()
    loaded, reports = read_case(path)
    if loaded is None:
        raise CaseError(sorted(reports, key=lambda report: report.line or 0))
    sources, problems = _inspect_images(loaded, images)
    answers = answer_key(loaded.case)
    problems += check_case(loaded.case) + check_references(loaded.case)
    problems += public_field_problems(loaded.case, answers)
    problems += _glyph_problems(loaded.source.data, ())
    logo, logo_reports = inspect_logo(loaded.case.logo, images, loaded.source)
    reports += [loaded.source.report(p) for p in problems if loaded.readable(p.path)]
    reports += _file_glyph_reports(loaded) + logo_reports
    errors = [r for r in reports if not r.warning]
    if errors:
        raise CaseError(sorted(errors, key=lambda report: report.line or 0))
    document = build_document(loaded.case, sources, answers)
    inputs = [loaded.source.text, *(source.digest for source in sources.values())]
    inputs += [logo.digest] if logo else []
    inputs += [file_digest(p) for p in (loaded.case.references_file, loaded.case.template) if p]
    fingerprint = hashlib.sha256("\x00".join(inputs).encode()).hexdigest()
    return LoadedDocument(
        replace(
            document, fingerprint=fingerprint, logo=logo, id_line=loaded.source.line_of(("id",))
        ),
        [r for r in reports if r.warning],
    )


def inspect_logo(
    path: Path | None, images: FigureImages, source: SourceMap
) -> tuple[SourceImage | None, list[Report]]:
    """A logo goes through the figure pipeline too: only its pixels reach an output."""
    if path is None:
        return None, []
    origin = source.report(Problem(("logo",), ""))
    figure = Figure.model_construct(
        id="logo",
        file=path,
        caption="Logo",
        redact=[],
        annotations=[],
        frame=None,
        window=None,
        crop=None,
        phi_reviewed=False,
    )
    try:
        return images.inspect(figure, origin), []
    except ImageProblem as problem:
        return None, [replace(origin, message=f"{path.name}: {problem}")]


def _inspect_images(
    loaded: LoadedCase, images: FigureImages
) -> tuple[dict[str, SourceImage], list[Problem]]:
    sources: dict[str, SourceImage] = {}
    problems: list[Problem] = []
    for i, figure in enumerate(loaded.case.figures):
        path = ("figures", i, "file")
        if not loaded.readable(path):
            continue
        origin = loaded.source.report(Problem(("figures", i), ""))
        try:
            sources[figure.id] = images.inspect(figure, origin)
        except ImageProblem as problem:
            problems.append(Problem(path, f"{figure.file.name}: {problem}"))
    return sources, problems


NOT_PRINTED = ("file", "references_file")  # paths: read, never printed


def _glyph_problems(data: object, path: tuple) -> list[Problem]:
    """Every printed string must be drawable in the embedded font: a box is never printed."""
    if isinstance(data, dict):
        return [
            p
            for key, value in data.items()
            if key not in NOT_PRINTED
            for p in _glyph_problems(value, (*path, key))
        ]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _glyph_problems(value, (*path, i))]
    if not isinstance(data, str):
        return []
    family = find_family()
    missing = missing_glyphs(unicodedata.normalize("NFC", data), family)
    if not missing:
        return []
    shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in missing)
    return [
        Problem(
            path,
            f"the handout font {family.name} has no glyph for {shown}; use "
            "another character, or set CASEDOCS_FONT to a family that has it",
            needle=missing[0],
        )
    ]


def _file_glyph_reports(loaded: LoadedCase) -> list[Report]:
    """The glyph check for references read from the references_file."""
    case = loaded.case
    if case.references_file is None or not loaded.file_references:
        return []
    shown = display_path(case.references_file)
    reports = []
    for reference in case.references[-loaded.file_references :]:
        data = reference.model_dump(mode="json", exclude_none=True)
        for problem in _glyph_problems(data, ()):
            field = f"[{reference.id}].{'.'.join(map(str, problem.path))}"
            line = item_line(case.references_file, reference.id)
            reports.append(Report(shown, line, field, problem.message))
    return reports


def file_digest(path: Path) -> str:
    """What an output depends on in a file it reads (a template, a reference list)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_dir(out_dir: Path) -> Path:
    """Prepared images live beside the outputs they were made for."""
    return out_dir / ".cache"


OUTPUT_FILES = {  # kind -> folder and file suffix
    "handout": ("handouts", ".pdf"),
    "handout-unknown": ("handouts", "-unknown.pdf"),
    "slides": ("slides", ".pptx"),
    "slides-unknown": ("slides", "-unknown.pptx"),
}


def output_path(out_dir: Path, kind: str, publication_id: str) -> Path:
    folder, suffix = OUTPUT_FILES[kind]
    return out_dir / folder / f"{publication_id}{suffix}"


def output_folders(out_dir: Path) -> list[Path]:
    """Every folder a build writes into: the outputs' and the cache."""
    folders = {out_dir / folder for folder, _ in OUTPUT_FILES.values()}
    return sorted(folders) + [cache_dir(out_dir)]


def kinds_for(only: str | None) -> list[str]:
    """`--only handout` builds the handout and its unknown worksheet; likewise slides."""
    return [kind for kind in OUTPUT_FILES if only is None or kind.startswith(only)]


@dataclass(frozen=True)
class RenderedFile:
    """One rendered output, as it crosses from a worker process: plain data."""

    data: bytes
    unknown_parts: frozenset[str] | None = None  # a full deck's slides before the answer
    warnings: tuple[Report, ...] = ()


def renderer(
    kind: str, paper: str, images: FigureImages, template: Path | None = None
) -> Callable[[Publication], RenderedFile]:
    """Renders one kind of output for a case or a conference."""
    from .conference import ConferenceDocument

    unknown = kind.endswith("-unknown")

    def handout(publication: Publication) -> RenderedFile:
        from .handout import render_handout, render_packet

        render = render_packet if isinstance(publication, ConferenceDocument) else render_handout
        data = render(publication, images, paper, unknown, build_timestamp())  # type: ignore[arg-type]
        return RenderedFile(data)

    def slides(publication: Publication) -> RenderedFile:
        from .deck import render_conference_deck, render_deck_file

        timestamp = build_timestamp()
        if isinstance(publication, ConferenceDocument):
            deck = render_conference_deck(publication, images, timestamp, unknown, template)
        else:
            deck = render_deck_file(
                publication,
                images,
                timestamp,
                unknown,
                template or publication.template,
                publication.layouts,
            )
        return RenderedFile(deck.data, deck.unknown_parts)

    return handout if kind.startswith("handout") else slides


def leak_check(
    kind: str, publication: Publication, result: RenderedFile
) -> Callable[[bytes], list[str]] | None:
    """What reads a finished file back for answer text: every unknown output, and the slides
    before the answer in a full deck (a full handout is all answer)."""
    from .conference import ConferenceDocument
    from .leaks import leaks_in_pdf, leaks_in_pptx, unknown_part_key

    unknown = kind.endswith("-unknown")
    if kind.startswith("handout") and not unknown:
        return None
    documents = (
        publication.documents if isinstance(publication, ConferenceDocument) else (publication,)
    )
    key = unknown_part_key(documents)
    if kind.startswith("handout"):
        return lambda pdf: leaks_in_pdf(pdf, key)
    parts = None if unknown else set(result.unknown_parts or ())
    return lambda pptx: leaks_in_pptx(pptx, key, parts)


@dataclass
class Rendered:
    """Outputs rendered in memory, with their stamps and leak checks; and the outputs that
    were already up to date."""

    outputs: dict[Path, bytes] = field(default_factory=dict)
    stamps: dict[Path, Stamp] = field(default_factory=dict)
    checks: dict[Path, Callable[[bytes], list[str]]] = field(default_factory=dict)
    current: list[Path] = field(default_factory=list)


def render_outputs(
    publications: list[Publication],
    kinds: list[str],
    out_dir: Path,
    images: FigureImages,
    paper: str = "letter",
    template: Path | None = None,
) -> Rendered:
    """Every requested output that is not up to date, in memory: nothing is written until all
    have rendered. Warnings of skipped outputs are added to `images.warnings` again."""
    rendered = Rendered()
    timestamp = build_timestamp().isoformat()
    if template is not None and not template.is_file():
        raise UserError(f"--template: no such file '{template}'")
    template_hash = file_digest(template) if template else ""
    todo: list[tuple[str, Publication, Path, str]] = []
    for kind in kinds:
        for publication in publications:
            path = output_path(out_dir, kind, publication.id)
            key = stamp_key(
                publication.fingerprint, kind, paper, timestamp, template_hash, *font_fingerprint()
            )
            stamp = current_stamp(stamp_dir(out_dir), path, key)
            if stamp is not None:
                images.warnings += [w for w in stamp.warnings if w not in images.warnings]
                rendered.current.append(path)
            else:
                todo.append((kind, publication, path, key))
    results = _render_on_two_cores(todo, paper, images, template)
    for (kind, publication, path, key), result in zip(todo, results, strict=True):
        rendered.outputs[path] = result.data
        check = leak_check(kind, publication, result)
        if check:
            rendered.checks[path] = check
        rendered.stamps[path] = Stamp(key, result.warnings)
        images.warnings += [w for w in result.warnings if w not in images.warnings]
    return rendered


def _render_on_two_cores(
    todo: list[tuple[str, Publication, Path, str]],
    paper: str,
    images: FigureImages,
    template: Path | None,
) -> list[RenderedFile]:
    """Handouts here and decks in a second process when both are wanted; in `todo`'s order."""

    def render(items: list[int]) -> list[RenderedFile]:
        renderers: dict[str, Callable[[Publication], RenderedFile]] = {}
        results = []
        for index in items:
            kind, publication = todo[index][:2]
            render_one = renderers.setdefault(kind, renderer(kind, paper, images, template))
            before = len(images.warnings)
            result = render_one(publication)
            results.append(replace(result, warnings=tuple(images.warnings[before:])))
        return results

    handouts = [i for i, item in enumerate(todo) if item[0].startswith("handout")]
    decks = [i for i, item in enumerate(todo) if not item[0].startswith("handout")]
    if handouts and decks:
        first, second = run_both(lambda: render(handouts), lambda: render(decks))
    else:
        first, second = render(handouts), render(decks)
    by_index = dict(zip(handouts + decks, first + second, strict=True))
    return [by_index[i] for i in range(len(todo))]


def write_rendered(rendered: Rendered, out_dir: Path) -> None:
    """Check every finished file for answers in memory, so a refused file never reaches the
    disk; then write them all or none, and record what each was made from."""
    for path, data in rendered.outputs.items():
        _check_leaks(rendered, path, data)
    write_atomically(rendered.outputs, lambda path, data: _check_leaks(rendered, path, data))
    for path, stamp in rendered.stamps.items():
        record_stamp(stamp_dir(out_dir), path, stamp, rendered.outputs[path])


def _check_leaks(rendered: Rendered, path: Path, data: bytes) -> None:
    check = rendered.checks.get(path)
    fields = check(data) if check else []
    if fields:
        message = (
            f"the answer would leak into this file ({', '.join(fields)} found in it); "
            "nothing was written"
        )
        raise CaseError([Report(str(path), None, "", message)])


def stamp_dir(out_dir: Path) -> Path:
    return cache_dir(out_dir) / "stamps"


def write_atomically(
    outputs: dict[Path, bytes], verify: Callable[[Path, bytes], None] | None = None
) -> None:
    """Write each file to a temporary file beside it and read it back, then move all into
    place: either every output is replaced, or (when a file reads back other than it was
    given, or a move fails) every earlier file is restored. `verify` judges a file that reads
    back changed before the change is reported."""
    made: list[Path] = []  # every temporary file, listed before it is written to
    temporaries: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    try:
        for path, data in outputs.items():
            temporaries[path] = _write_temporary(path, data, made)
            written = temporaries[path].read_bytes()
            if written != data:
                if verify is not None:
                    verify(path, written)
                raise UserError(f"{path}: the file read back differs from what was written")
            if path.exists():
                backups[path] = _write_temporary(path, path.read_bytes(), made, ".old")
        try:
            for path, temporary in temporaries.items():
                os.replace(temporary, path)
                replaced.append(path)
        except OSError:
            _restore(replaced, backups)
            raise
    finally:
        for leftover in made:
            leftover.unlink(missing_ok=True)


TEMPORARY_NAME = re.compile(r"^\.(?:.+\.[A-Za-z0-9_]{8}\.(?:tmp|old)|tmp-[A-Za-z0-9_]{8})$")


def sweep_temporaries(folders: Iterable[Path], started: float) -> list[Path]:
    """Remove the temporary files (ours, by name) that builds which were killed left in
    `folders`: only those older than this build, which may be writing its own."""
    swept = []
    for folder in folders:
        for path in folder.glob(".*") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                if TEMPORARY_NAME.match(path.name) and path.stat().st_mtime < started:
                    path.unlink()
                    swept.append(path)
    return swept


def _write_temporary(path: Path, data: bytes, made: list[Path], suffix: str = ".tmp") -> Path:
    """`data` in a new hidden file beside `path`, named in `made` before it is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    made.append(Path(name))
    os.chmod(name, 0o666 & ~_umask())  # mkstemp makes files private; outputs are not
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    return Path(name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _restore(replaced: list[Path], backups: dict[Path, Path]) -> None:
    for path in replaced:
        if path in backups:
            os.replace(backups[path], path)
        else:
            path.unlink(missing_ok=True)
