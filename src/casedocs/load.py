"""Loading: a case or conference file becomes a document, or every reason it cannot.

A case is read (source), its figures inspected (figures), then numbered and given its answer
key (document); a conference loads each of its cases the same way and labels them "Case 1" to
"Case n". Problems of every input are reported together, each at its file and line.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from casedocs.document.answers import AnswerKey, answer_key, leak_problems, public_field_problems
from casedocs.document.conference import ConferenceDocument, Publication
from casedocs.document.document import Document, build_document, check_references
from casedocs.errors import CaseError, Problem, Report
from casedocs.figures import FigureImages, ImageProblem, SourceImage
from casedocs.fonts import find_family, missing_glyphs
from casedocs.render.output import UNKNOWN_SUFFIX
from casedocs.source.csljson import item_line
from casedocs.source.inputs import is_conference_file
from casedocs.source.loader import (
    LoadedCase,
    SourceMap,
    display_path,
    read_case,
    read_yaml,
    translate_errors,
)
from casedocs.source.model import Conference, Figure, check_case
from casedocs.source.named_files import (
    CASE,
    REFERENCES,
    TEMPLATE,
    Limit,
    Refused,
    check_file,
    read_checked,
)
from casedocs.wording import words


@dataclass(frozen=True)
class CaseDefaults:
    """What a project (casedocs.toml) gives the cases that say nothing of it."""

    institution: str | None = None
    logo: Path | None = None


NO_DEFAULTS = CaseDefaults()


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    warnings: list[Report]


def load_document(
    path: Path,
    images: FigureImages | None = None,
    language: str | None = None,
    defaults: CaseDefaults = NO_DEFAULTS,
) -> LoadedDocument:
    """Validate one case completely (model, cross-references, images) or raise CaseError
    naming every problem: those the schema finds and, past them, all the others."""
    images = images or FigureImages()
    loaded, reports = read_case(path)
    if loaded is None:
        raise CaseError(sorted(reports, key=lambda report: report.line or 0))
    case = loaded.case
    chosen = {
        # --language, or the conference the case is shown in
        "language": language,
        "institution": defaults.institution if case.institution is None else None,
        "logo": defaults.logo if case.logo is None else None,
    }
    chosen = {key: value for key, value in chosen.items() if value is not None}
    if chosen:
        loaded = replace(loaded, case=case.model_copy(update=chosen))
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
    inputs += [f"language={loaded.case.language}"]  # --language changes the outputs too
    inputs += [f"institution={loaded.case.institution}"]  # casedocs.toml's too
    inputs += [logo.digest] if logo else []
    named = ((loaded.case.references_file, REFERENCES), (loaded.case.template, TEMPLATE))
    inputs += [file_digest(path, limit) for path, limit in named if path]
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


# Ultrasound machines write the patient's name into the pixels: an ultrasound case's images
# are read for text whatever their format, not only DICOM files whose header says so.
ULTRASOUND_RISK = "it is an image of an ultrasound case, which usually shows burned-in text"


def _inspect_images(
    loaded: LoadedCase, images: FigureImages
) -> tuple[dict[str, SourceImage], list[Problem]]:
    sources: dict[str, SourceImage] = {}
    problems: list[Problem] = []
    risk = ULTRASOUND_RISK if "US" in loaded.case.modality else None
    for i, figure in enumerate(loaded.case.figures):
        path = ("figures", i, "file" if figure.stack is None else "stack")
        if not loaded.readable(path):
            continue
        origin = loaded.source.report(Problem(("figures", i), ""))
        try:
            source = images.inspect(figure, origin, risk)
        except ImageProblem as problem:
            problems.append(Problem(path, f"{figure.image.name}: {problem}"))
            continue
        shape = _shape_problem(source, figure)
        if shape:
            problems.append(Problem(path, f"{figure.image.name}: {shape}"))
        else:
            sources[figure.id] = source
    return sources, problems


# Long side to short side. A long-leg or whole-spine radiograph is about 4, a panoramic dental
# one about 2.5. Marks are sized to the shorter side: in the deck, a label on an image 25 times
# taller than wide comes out smaller than the 1 pt a slide's text may be.
MAX_FIGURE_ASPECT = 20


def _shape_problem(source: SourceImage, figure: Figure) -> str | None:
    """Why a figure's image (as cropped) cannot be laid out; None when it can."""
    long, short = max(source.width, source.height), min(source.width, source.height)
    if long <= MAX_FIGURE_ASPECT * short:
        return None
    cropped = " after crop:" if figure.crop else ""
    return (
        f"{source.width} x {source.height} pixels{cropped} is too thin to lay out "
        f"(1:{long / short:.0f}; a figure may be at most 1:{MAX_FIGURE_ASPECT}, a long-leg "
        "radiograph is about 1:4)"
    )


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


def file_digest(path: Path, limit: Limit) -> str:
    """What an output depends on in a file it reads (a template, a reference list)."""
    try:
        return hashlib.sha256(read_checked(path, limit)).hexdigest()
    except Refused as refused:  # replaced since it was validated
        raise CaseError([Report(display_path(path), None, "", refused.reason)]) from None


def load_conference(
    path: Path,
    images: FigureImages,
    language: str | None = None,
    defaults: CaseDefaults = NO_DEFAULTS,
) -> tuple[ConferenceDocument, list[Report]]:
    """Load a conference and all its cases (in its language, or `language`), or raise
    CaseError listing every problem."""
    source, reports = read_yaml(path)
    try:
        conference = Conference.model_validate(
            source.data, context={"base_dir": path.resolve().parent}
        )
    except ValidationError as error:
        problems = translate_errors(error, Conference)
        raise CaseError(reports + [source.report(p) for p in problems]) from None
    if reports:
        raise CaseError(reports)
    language = language or conference.language
    if conference.logo is None and defaults.logo is not None:
        conference = conference.model_copy(update={"logo": defaults.logo})
    documents, warnings = _load_cases(conference, source, images, language, defaults)
    answers = AnswerKey.merged(d.answers for d in documents)
    problems = [source.report(p) for p in leak_problems(("title",), conference.title, answers)]
    logo, logo_problems = inspect_logo(conference.logo, images, source)
    if problems + logo_problems:
        raise CaseError(problems + logo_problems)
    inputs = [source.text, f"language={language}", *(d.fingerprint for d in documents)]
    inputs += [logo.digest] if logo else []
    inputs += [file_digest(conference.template, TEMPLATE)] if conference.template else []
    fingerprint = hashlib.sha256("\x00".join(inputs).encode()).hexdigest()
    case = words(language)
    relabelled = tuple(
        replace(d, label=case("case", number=i)) for i, d in enumerate(documents, start=1)
    )
    return ConferenceDocument(
        conference.id,
        conference.title,
        conference.date,
        conference.presenter,
        conference.order,
        conference.duplex,
        conference.template,
        dict(conference.layouts),
        logo,
        relabelled,
        fingerprint,
        language,
        source.line_of(("id",)),
    ), warnings


def _load_cases(
    conference: Conference,
    source: SourceMap,
    images: FigureImages,
    language: str,
    defaults: CaseDefaults,
) -> tuple[list[Document], list[Report]]:
    documents: list[Document] = []
    reports: list[Report] = []
    warnings: list[Report] = []
    seen_files: dict[Path, int] = {}
    seen_ids: dict[str, int] = {}
    for index, case_path in enumerate(conference.cases):
        where = ("cases", index)
        if case_path in seen_files:
            reports.append(
                source.report(
                    Problem(
                        where,
                        f"{display_path(case_path)} is listed "
                        f"twice (also as cases[{seen_files[case_path]}])",
                    )
                )
            )
            continue
        seen_files[case_path] = index
        unreadable = _unreadable_case(case_path, str(source.data["cases"][index]))
        if unreadable:
            reports.append(source.report(Problem(where, unreadable)))
            continue
        try:
            loaded = load_document(case_path, images, language, defaults)
        except CaseError as error:
            reports += error.reports
            continue
        document = loaded.document
        if document.id in seen_ids:
            reports.append(
                source.report(
                    Problem(
                        where,
                        f"case id '{document.id}' is also the id of cases[{seen_ids[document.id]}]",
                    )
                )
            )
            continue
        seen_ids[document.id] = index
        documents.append(document)
        warnings += loaded.warnings
    if reports:
        raise CaseError(reports)
    return documents, warnings


def _unreadable_case(path: Path, written: str) -> str | None:
    """Why a conference's case file (named as `written`) cannot be read; None when it can."""
    try:
        check_file(path, CASE)
    except Refused as refused:
        return f"no such case file '{written}'" if refused.missing else refused.naming(written)
    return None


def load_input(
    path: Path,
    images: FigureImages,
    language: str | None = None,
    defaults: CaseDefaults = NO_DEFAULTS,
) -> tuple[Publication, list[Report]]:
    """A case or conference file loaded, with its warnings; or CaseError."""
    if is_conference_file(path):
        return load_conference(path, images, language, defaults)
    result = load_document(path, images, language, defaults)
    return result.document, result.warnings


def load_all(
    paths: list[Path], images: FigureImages, language: str | None = None
) -> tuple[list[Publication], list[Report]]:
    """Every case and conference loaded, with their warnings; or one CaseError listing the
    problems of all."""
    loaded: dict[Path, Publication] = {}
    reports: list[Report] = []
    said: list[Report] = []
    for path in paths:
        try:
            publication, warnings = load_input(path, images, language)
        except CaseError as error:
            reports += error.reports
            continue
        said += [warning for warning in warnings if warning not in said]
        loaded[path] = publication
    reports += clashing_ids([(path, p.id, p.id_line) for path, p in loaded.items()])
    if reports:  # a case also listed in a conference would report its problems twice
        raise CaseError(list(dict.fromkeys(reports)))
    return list(loaded.values()), said


def clashing_ids(owners: list[tuple[Path, str, int | None]]) -> list[Report]:
    """Two inputs with one id would write the same output files (each is reported); so would
    an id ending in -unknown, next to the unknown variant of another. `owners`: each input, its
    id and the line of its id."""
    by_id: dict[str, list[Path]] = {}
    for path, publication_id, _ in owners:
        by_id.setdefault(publication_id, []).append(path)
    reports = []
    for path, publication_id, line in owners:
        where = (display_path(path), line, "id")
        if publication_id.endswith(UNKNOWN_SUFFIX):
            reports.append(
                Report(
                    *where,
                    f"'{publication_id}' ends in {UNKNOWN_SUFFIX}, which "
                    "names the unknown variants of outputs; choose another id",
                )
            )
        others = [display_path(other) for other in by_id[publication_id] if other != path]
        if others:
            reports.append(
                Report(
                    *where,
                    f"'{publication_id}' is also the id of {', '.join(others)}; both would "
                    "write the same files",
                )
            )
    return reports
