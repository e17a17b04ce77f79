"""From case files to finished outputs: load, prepare figures, number, render, write atomically.

Renderers are imported only when their output is asked for, so `validate` never loads
reportlab or python-pptx.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .document import Document, build_document, check_references
from .errors import CaseError, Problem, Report
from .figures import ImageProblem, PreparedImage, prepare_image
from .loader import LoadedCase, load_case
from .model import check_case

OUTPUT_KINDS = ("handout", "slides")
INVARIANT_EPOCH = 946684800  # 2000-01-01, reportlab's own invariant date


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    warnings: list[Report]


def load_document(path: Path) -> LoadedDocument:
    """Validate one case completely (model, cross-references, images) or raise CaseError."""
    loaded = load_case(path)
    images, problems = _prepare_images(loaded)
    problems += check_case(loaded.case) + check_references(loaded.case)
    reports = [loaded.source.report(p) for p in problems]
    errors = [r for r in reports if not r.warning]
    if errors:
        raise CaseError(sorted(errors, key=lambda report: report.line or 0))
    document = build_document(loaded.case, images)
    return LoadedDocument(document, [r for r in reports if r.warning])


def _prepare_images(loaded: LoadedCase) -> tuple[dict[str, PreparedImage], list[Problem]]:
    images: dict[str, PreparedImage] = {}
    problems: list[Problem] = []
    for i, figure in enumerate(loaded.case.figures):
        try:
            images[figure.id] = prepare_image(figure.file)
        except ImageProblem as problem:
            problems.append(Problem(("figures", i, "file"), f"{figure.file.name}: {problem}"))
    return images, problems


def build_timestamp() -> datetime:
    """The time written into outputs: SOURCE_DATE_EPOCH when set, else a fixed date, so the
    same input always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch) if epoch else INVARIANT_EPOCH, tz=UTC)


def output_path(out_dir: Path, kind: str, case_id: str) -> Path:
    folder, suffix = {"handout": ("handouts", ".pdf"), "slides": ("slides", ".pptx")}[kind]
    return out_dir / folder / f"{case_id}{suffix}"


def renderer(kind: str, paper: str) -> Callable[[Document], bytes]:
    if kind == "handout":
        from .handout import render_handout

        return lambda document: render_handout(document, paper)
    from .deck import render_deck

    return lambda document: render_deck(document, build_timestamp())


def render_outputs(
    documents: list[Document], kinds: list[str], out_dir: Path, paper: str = "letter"
) -> dict[Path, bytes]:
    """Every requested output in memory; nothing is written until all have rendered."""
    outputs: dict[Path, bytes] = {}
    for kind in kinds:
        render = renderer(kind, paper)
        for document in documents:
            outputs[output_path(out_dir, kind, document.id)] = render(document)
    return outputs


def write_atomically(outputs: dict[Path, bytes]) -> None:
    """Write each file to a temporary file beside it, then move all into place: either every
    output is replaced, or (when a move fails) every earlier file is restored."""
    temporaries: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    try:
        for path, data in outputs.items():
            temporaries[path] = _write_temporary(path, data)
            if path.exists():
                backups[path] = _write_temporary(path, path.read_bytes(), ".old")
        try:
            for path, temporary in temporaries.items():
                os.replace(temporary, path)
                replaced.append(path)
        except OSError:
            _restore(replaced, backups)
            raise
    finally:
        for leftover in [*temporaries.values(), *backups.values()]:
            leftover.unlink(missing_ok=True)


def _write_temporary(path: Path, data: bytes, suffix: str = ".tmp") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _restore(replaced: list[Path], backups: dict[Path, Path]) -> None:
    for path in replaced:
        if path in backups:
            os.replace(backups[path], path)
        else:
            path.unlink(missing_ok=True)
