"""What a renderer is: its declaration (`Output`), what it is asked for (`Settings`, chosen
once for a build, in `RenderOptions`) and what it gives back (`RenderedFile`, a file and its
unknown variant together). Each output module declares one `Output`; the registry lists
them; build and cli loop over the registry and never name an output themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from casedocs.errors import Report

if TYPE_CHECKING:  # the registry stays cheap to import: --help and a no-change build
    from casedocs.document.conference import Publication
    from casedocs.figures import FigureImages

UNKNOWN_SUFFIX = "-unknown"  # names the unknown variant of every output


@dataclass(frozen=True)
class Companion:
    """A standalone output built beside a site, which its pages link to."""

    name: str
    folder: str
    suffix: str

    def link(self, publication_id: str, unknown: bool) -> str:
        """Its file, relative to the output folder."""
        variant = UNKNOWN_SUFFIX if unknown else ""
        return f"{self.folder}/{publication_id}{variant}{self.suffix}"


@dataclass(frozen=True)
class Settings:
    """What the person building chose for the outputs, one value from the command line to
    every renderer. Each output names the settings it reads (`Output.reads`): only those make
    its files stale."""

    paper: str = "letter"  # printed outputs: letter or a4
    template: Path | None = None  # --template: a department's PowerPoint template
    language: str | None = None  # --language: overrides the cases' (applied as they load)
    # casedocs.toml's, for the cases that name none (applied as they load)
    institution: str | None = None
    logo: Path | None = None
    stacks: str = "video"  # --stacks: a deck plays a stack as a video, or shows its key slice


@dataclass(frozen=True)
class RenderOptions:
    timestamp: datetime  # written into the file (SOURCE_DATE_EPOCH, or a fixed date)
    settings: Settings = Settings()
    companions: tuple[Companion, ...] = ()  # the files a site's pages link to


@dataclass(frozen=True)
class RenderedFile:
    """One rendered output, as it crosses from a worker process: plain data."""

    data: bytes
    # Which parts the unknown audience sees: None for the whole file (an unknown variant),
    # else the named parts (the slides before the answer of a full deck; none of a handout).
    public_parts: frozenset[str] | None
    warnings: tuple[Report, ...] = ()
    # Files that belong to this one (a page's images), by name in a folder named as its stem.
    attachments: tuple[tuple[str, bytes], ...] = ()
    entry: object = None  # what an output that gathers (the site's index) needs of this file


@dataclass(frozen=True)
class GatheredFile:
    """A file made from every rendered file's entry (the site's index), relative to the output
    folder. What it shows of a case is what `read_entry` gave for that case's entry, which was
    checked for answers where the case rendered."""

    name: str
    data: bytes


# Which variants to render (False: the full file, True: its unknown variant), rendered
# together so that what they share is worked out once; each comes back under its flag.
Variants = tuple[bool, ...]
Render = Callable[
    ["Publication", "FigureImages", RenderOptions, Variants], dict[bool, RenderedFile]
]
# (where, text): "slide 3", "page 2", "the properties"; a refusal quotes the words and says where
Placed = tuple[str, str]
ReadBack = Callable[[bytes, frozenset[str] | None], list[Placed]]
Gather = Callable[[list, RenderOptions, bool], list[GatheredFile]]
ReadEntry = Callable[[object], list[str]]


@dataclass(frozen=True)
class Output:
    """One kind of output. `render(publication, images, options, variants)` makes its full
    file, its unknown variant or both (`variants`), together; `read_back(data, public_parts)`
    gives the texts of a finished file that the answer check reads (all of it, or only the
    named parts); `gather(entries, options, unknown)`, when given, makes the files that show
    every rendered file at once, and `read_entry(entry)` gives the texts an entry will show
    there (its public part: checked for answers like the unknown part of a file)."""

    name: str  # what --only takes
    folder: str  # below the output folder
    suffix: str  # of its files: <id><suffix>, <id>-unknown<suffix>
    render: Render
    read_back: ReadBack
    reads: tuple[str, ...] = ()  # the `Settings` its files depend on
    standalone: bool = True  # built by `casedocs build`; else only as part of a site
    gather: Gather | None = None
    read_entry: ReadEntry | None = None
    # What its renderer imports, imported before worker processes start, which then share it.
    preload: tuple[str, ...] = ()

    def path(self, out_dir: Path, publication_id: str, unknown: bool) -> Path:
        variant = UNKNOWN_SUFFIX if unknown else ""
        return out_dir / self.folder / f"{publication_id}{variant}{self.suffix}"

    @property
    def companion(self) -> Companion:
        return Companion(self.name, self.folder, self.suffix)
