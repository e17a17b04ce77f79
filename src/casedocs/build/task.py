"""One input (a case or conference file) built start to finish, in whichever process runs
it: loaded, its outputs rendered and read back for answers, written all or nothing, and
recorded. What comes back is small: the files written, what the build said, and what the
input tells the site's index; never the outputs themselves."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from casedocs.build.freshness import (
    FileState,
    InputRecord,
    files_read,
    input_name,
    read_record,
    write_record,
)
from casedocs.build.pipeline import render_outputs, write_rendered
from casedocs.errors import CaseError, Report, UserError, os_error_text
from casedocs.figures import FigureImages
from casedocs.load import CaseDefaults, load_input
from casedocs.render.output import Companion, Settings
from casedocs.render.registry import output_named
from casedocs.source.loader import display_path


@dataclass(frozen=True)
class BuildSettings:
    """What every input of one build is built with (plain data: it crosses to workers)."""

    out_dir: Path
    cache: Path
    records: Path  # where each input's record is kept
    variants: tuple[tuple[str, bool], ...]  # output name, unknown
    options: dict[str, str]  # as recorded: what makes two builds the same
    settings_key: str
    settings: Settings = Settings()
    companions: tuple[Companion, ...] = ()
    split: bool = False  # render one input's outputs in two processes


@dataclass
class InputResult:
    path: Path
    id: str | None = None
    written: list[Path] = field(default_factory=list)  # outputs written
    current: list[Path] = field(default_factory=list)  # outputs already up to date
    attachments: list[Path] = field(default_factory=list)  # files beside them, both kinds
    warnings: list[Report] = field(default_factory=list)
    errors: list[Report] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def build_input(path: Path, settings: BuildSettings) -> InputResult:
    """Build one input; every failure is reported in the result, none raised (a broken case
    never stops the others), but an interrupt."""
    result = InputResult(path)
    try:
        _build(path, settings, result)
    except CaseError as error:
        result.errors = list(dict.fromkeys(error.reports))
    except UserError as error:  # a template that cannot serve
        result.errors = [Report(display_path(path), None, "", str(error))]
    except OSError as error:  # a folder that cannot be made; writes say which file (files.py)
        result.errors = [Report(display_path(path), None, "", os_error_text(error))]
    except Exception as error:  # noqa: BLE001 (a bug: reported with this input, others go on)
        message = f"casedocs failed on this file ({type(error).__name__}: {error})"
        detail = "".join(traceback.format_exception(error)[-3:]).rstrip()
        result.errors = [Report(display_path(path), None, "", f"{message}\n{detail}")]
    return result


def _build(path: Path, settings: BuildSettings, result: InputResult) -> None:
    # The files as they are before loading: a file saved again while this builds (a watch)
    # then differs from the record, and the next build sees to it.
    last = read_record(settings.records, input_name(path), settings.options)
    known = {state.path: state for state in last.read} if last else {}
    read = [FileState.of(file, private=True, known=known) for file in files_read(path)]
    images = FigureImages(settings.cache)
    chosen = settings.settings
    publication, warnings = load_input(path, images, chosen.language,
                                       CaseDefaults(chosen.institution, chosen.logo))
    result.id = publication.id
    images.keep_probes()
    rendered = render_outputs(
        [publication],
        [(output_named(name), unknown) for name, unknown in settings.variants],
        settings.out_dir,
        images,
        settings.settings,
        settings.companions,
        settings.cache,
        split=settings.split,
    )
    write_rendered(rendered, settings.cache)
    attachments = set(rendered.attachments)
    result.written = [path for path in rendered.outputs if path not in attachments]
    result.current = list(rendered.current)
    result.attachments = list(rendered.attachments)
    result.warnings = list(dict.fromkeys([*warnings, *rendered.warnings]))
    entries = [
        (output.name, unknown, entry)
        for output, items in rendered.entries.items()
        for unknown, entry in items
    ]
    _record(path, settings, result, read, entries)


def _record(path: Path, settings: BuildSettings, result: InputResult,
            read: list[FileState | None], entries: list) -> None:
    """What the input read and wrote, and its entries for the files gathered from every
    input (read from here, so they never cross back from the worker)."""
    outputs = result.written + result.current
    wrote = [FileState.of(file, with_digest=False) for file in outputs + result.attachments]
    if None in read or None in wrote:  # a file gone already: the next build will see to it
        return
    record = InputRecord(
        settings.settings_key,
        result.id or "",
        read,  # type: ignore[arg-type]
        wrote,  # type: ignore[arg-type]
        result.warnings,
        entries,
        [str(output) for output in outputs],
    )
    write_record(settings.records, input_name(path), settings.options, record)
