"""From documents to finished outputs: what is stale, rendering (on two cores), the read-back
answer check, and writing all or nothing.

Renderers are imported only when their output is asked for, so `validate` never loads
reportlab or python-pptx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from casedocs.build.atomic import write_atomically
from casedocs.build.stamps import Stamp, current_stamp, record_stamp, stamp_key
from casedocs.build.workers import run_both
from casedocs.dates import build_timestamp
from casedocs.errors import CaseError, Report, UserError
from casedocs.figures import FigureImages
from casedocs.fonts import font_fingerprint
from casedocs.load import Publication, file_digest

OUTPUT_KINDS = ("handout", "slides")  # what --only accepts


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
    from casedocs.document.conference import ConferenceDocument

    unknown = kind.endswith("-unknown")

    def handout(publication: Publication) -> RenderedFile:
        from casedocs.render.handout import render_handout, render_packet

        render = render_packet if isinstance(publication, ConferenceDocument) else render_handout
        data = render(publication, images, paper, unknown, build_timestamp())  # type: ignore[arg-type]
        return RenderedFile(data)

    def slides(publication: Publication) -> RenderedFile:
        from casedocs.render.deck import render_conference_deck, render_deck_file

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
    from casedocs.build.readback import leaks_in_pdf, leaks_in_pptx, unknown_part_key
    from casedocs.document.conference import ConferenceDocument

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


