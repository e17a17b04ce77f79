"""Conference files: several cases shown together, labelled "Case 1" to "Case n".

A conference file is a YAML file with a `cases:` key. Its cases are loaded and validated like
any case; problems of the conference itself (a missing case, a case listed twice, two cases
with one id) are reported at the conference file's lines.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .answers import AnswerKey, leak_problems
from .build import file_digest, inspect_logo, load_document
from .document import Document
from .errors import CaseError, Problem, Report
from .figures import FigureImages, SourceImage
from .loader import SourceMap, display_path, read_yaml, translate_errors
from .model import Conference


@dataclass(frozen=True)
class ConferenceDocument:
    """A conference ready to render: its cases relabelled in presentation order."""

    id: str
    title: str
    date: date | None
    presenter: str | None
    order: str
    duplex: bool
    template: Path | None
    layouts: dict[str, str]
    logo: SourceImage | None
    documents: tuple[Document, ...]
    fingerprint: str
    id_line: int | None = None

    @property
    def label(self) -> str:
        return self.title


TOP_LEVEL_CASES = re.compile(rb"""^["']?cases["']?\s*:""", re.MULTILINE)


def is_conference_file(path: Path) -> bool:
    """A conference file is the one with a top-level `cases:` key (read as text: the file is
    parsed once, by whichever loader it is for)."""
    try:
        return TOP_LEVEL_CASES.search(path.read_bytes()) is not None
    except OSError:
        return False


def load_conference(path: Path, images: FigureImages) -> tuple[ConferenceDocument, list[Report]]:
    """Load a conference and all its cases, or raise CaseError listing every problem."""
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
    documents, warnings = _load_cases(conference, source, images)
    answers = AnswerKey.merged(d.answers for d in documents)
    problems = [source.report(p) for p in leak_problems(("title",), conference.title, answers)]
    logo, logo_problems = inspect_logo(conference.logo, images, source)
    if problems + logo_problems:
        raise CaseError(problems + logo_problems)
    inputs = [source.text, *(d.fingerprint for d in documents)]
    inputs += [logo.digest] if logo else []
    inputs += [file_digest(conference.template)] if conference.template else []
    fingerprint = hashlib.sha256("\x00".join(inputs).encode()).hexdigest()
    relabelled = tuple(replace(d, label=f"Case {i}") for i, d in enumerate(documents, start=1))
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
        source.line_of(("id",)),
    ), warnings


def _load_cases(
    conference: Conference, source: SourceMap, images: FigureImages
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
        if not case_path.is_file():
            reports.append(
                source.report(Problem(where, f"no such case file '{source.data['cases'][index]}'"))
            )
            continue
        try:
            loaded = load_document(case_path, images)
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
