"""From case files to finished outputs: load, prepare figures, number, render, write atomically.

Renderers are imported only when their output is asked for, so `validate` never loads
reportlab or python-pptx.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .document import Document, build_document, check_references
from .errors import CaseError, Problem, Report
from .figures import FigureImages, ImageProblem, SourceImage
from .fonts import font_fingerprint
from .loader import LoadedCase, load_case
from .model import check_case
from .stamps import Stamp, current_stamp, record_stamp, stamp_key

OUTPUT_KINDS = ("handout", "slides")
INVARIANT_EPOCH = 946684800  # 2000-01-01, reportlab's own invariant date


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    warnings: list[Report]


def load_document(path: Path, images: FigureImages | None = None) -> LoadedDocument:
    """Validate one case completely (model, cross-references, images) or raise CaseError."""
    loaded = load_case(path)
    sources, problems = _inspect_images(loaded, images or FigureImages())
    problems += check_case(loaded.case) + check_references(loaded.case)
    reports = [loaded.source.report(p) for p in problems]
    errors = [r for r in reports if not r.warning]
    if errors:
        raise CaseError(sorted(errors, key=lambda report: report.line or 0))
    document = build_document(loaded.case, sources)
    inputs = [loaded.source.text, *(source.digest for source in sources.values())]
    fingerprint = hashlib.sha256("\x00".join(inputs).encode()).hexdigest()
    return LoadedDocument(
        replace(document, fingerprint=fingerprint), [r for r in reports if r.warning]
    )


def _inspect_images(
    loaded: LoadedCase, images: FigureImages
) -> tuple[dict[str, SourceImage], list[Problem]]:
    sources: dict[str, SourceImage] = {}
    problems: list[Problem] = []
    for i, figure in enumerate(loaded.case.figures):
        path = ("figures", i, "file")
        origin = loaded.source.report(Problem(("figures", i), ""))
        try:
            sources[figure.id] = images.inspect(figure, origin)
        except ImageProblem as problem:
            problems.append(Problem(path, f"{figure.file.name}: {problem}"))
    return sources, problems


def build_timestamp() -> datetime:
    """The time written into outputs: SOURCE_DATE_EPOCH when set, else a fixed date, so the
    same input always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch) if epoch else INVARIANT_EPOCH, tz=UTC)


def cache_dir(out_dir: Path) -> Path:
    """Prepared images live beside the outputs they were made for."""
    return out_dir / ".cache"


def output_path(out_dir: Path, kind: str, case_id: str) -> Path:
    folder, suffix = {"handout": ("handouts", ".pdf"), "slides": ("slides", ".pptx")}[kind]
    return out_dir / folder / f"{case_id}{suffix}"


def renderer(kind: str, paper: str, images: FigureImages) -> Callable[[Document], bytes]:
    if kind == "handout":
        from .handout import render_handout

        return lambda document: render_handout(document, images, paper)
    from .deck import render_deck

    return lambda document: render_deck(document, images, build_timestamp())


@dataclass
class Rendered:
    """Outputs rendered in memory, with their stamps; and the outputs already up to date."""

    outputs: dict[Path, bytes] = field(default_factory=dict)
    stamps: dict[Path, Stamp] = field(default_factory=dict)
    current: list[Path] = field(default_factory=list)


def render_outputs(
    documents: list[Document],
    kinds: list[str],
    out_dir: Path,
    images: FigureImages,
    paper: str = "letter",
) -> Rendered:
    """Every requested output that is not up to date, in memory: nothing is written until all
    have rendered. Warnings of skipped outputs are added to `images.warnings` again."""
    rendered = Rendered()
    timestamp = build_timestamp().isoformat()
    for kind in kinds:
        render = None
        for document in documents:
            path = output_path(out_dir, kind, document.id)
            key = stamp_key(document.fingerprint, kind, paper, timestamp, *font_fingerprint())
            stamp = current_stamp(stamp_dir(out_dir), path, key)
            if stamp is not None:
                images.warnings += [w for w in stamp.warnings if w not in images.warnings]
                rendered.current.append(path)
                continue
            render = render or renderer(kind, paper, images)
            before = len(images.warnings)
            rendered.outputs[path] = render(document)
            rendered.stamps[path] = Stamp(key, tuple(images.warnings[before:]))
    return rendered


def write_rendered(rendered: Rendered, out_dir: Path) -> None:
    """Move the outputs into place, then record what each was made from."""
    write_atomically(rendered.outputs)
    for path, stamp in rendered.stamps.items():
        record_stamp(stamp_dir(out_dir), path, stamp, rendered.outputs[path])


def stamp_dir(out_dir: Path) -> Path:
    return cache_dir(out_dir) / "stamps"


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
        os.chmod(name, 0o666 & ~_umask())  # mkstemp makes files private; outputs are not
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
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
