"""A case's page (history and clean figures, then the answer inside a <details> that "Show
answer" opens) or its quiz variant (no answer in its source); a conference's page (its cases in
order). Each page's figures are files beside it, named by number only."""

from __future__ import annotations

from dataclasses import dataclass

from casedocs.document.answers import PublicFigure, PublicPart
from casedocs.document.conference import ConferenceDocument, Publication
from casedocs.document.document import DocFigure, Document, Spans
from casedocs.document.metadata import Metadata
from casedocs.figures import FigureImages, PreparedImage, SourceImage
from casedocs.figures.annotations import Mark, place_marks
from casedocs.render.output import UNKNOWN_SUFFIX, RenderedFile, RenderOptions
from casedocs.render.site.entries import CaseCard, ConferenceCard, SiteEntry, facets
from casedocs.render.site.html import render_template
from casedocs.source.model import WINDOWS
from casedocs.wording import Words, words

FIGURE_SIZE = 1600  # longest side of a figure file: a full-screen view on a laptop
THUMBNAIL = (320, 240)
STACK_FRAME_SIZE = 768  # longest side of a stack's frames: a CT slice's own 512, a viewer's box
ROOT = ".."  # pages live one folder below the site's root
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}


@dataclass(frozen=True)
class StackFrames:
    """A stack's frames, files beside the page named by slice number: what the viewer shows
    (the key slice first) and loads as it is scrolled."""

    pattern: str  # the frames' path with "{}" for the slice number
    digits: int  # the number's width, zeros in front
    first: int
    last: int
    key: int
    count: int  # slices in the series
    width: int
    height: int
    label: str  # what a screen reader says of the key slice ("Axial CT: slice 41 of 80")
    presets: tuple[tuple[str, str], ...] = ()  # (name, pattern) of each window's frames


    @property
    def key_src(self) -> str:
        return self.pattern.replace("{}", f"{self.key:0{self.digits}d}")


@dataclass(frozen=True)
class FigureView:
    number: int
    label: str  # "Fig. 1"
    view: str
    alt: str
    src: str
    width: int
    height: int
    caption: Spans = ()
    credit: Spans = ()
    marks: tuple[Mark, ...] = ()
    stack: StackFrames | None = None  # a series: scrolled before the answer


def render_page(
    publication: Publication, images: FigureImages, options: RenderOptions, unknown: bool
) -> RenderedFile:
    stem = publication.id + (UNKNOWN_SUFFIX if unknown else "")
    if isinstance(publication, ConferenceDocument):
        return _conference_page(publication, images, options, unknown, stem)
    return _case_page(publication, images, options, unknown, stem)


def _case_page(
    document: Document, images: FigureImages, options: RenderOptions, unknown: bool, stem: str
) -> RenderedFile:
    say = words(document.language)
    public = document.public
    files: dict[str, PreparedImage] = {}
    figures = [_public_figure(f, images, say, stem, files) for f in public.figures]
    answer = None
    if not unknown:  # the answer also shows the figures that are answer only
        answer = _answer(document, figures + [_public_figure(f, images, say, stem, files)
                                              for f in document.answer_only_figures], say)
    thumbnail = _thumbnail(public, images, stem, files)
    data = render_template(
        "case.html.j2",
        w=say,
        lang=document.language,
        root=ROOT,
        title=public.label,
        label=public.label,
        metadata=_metadata_rows(public.metadata, say),
        history=public.history,
        figures=figures,
        answer=answer,
        prompts=[say(key) for key in ("prompt_findings", "prompt_differential",
                                      "prompt_diagnosis")],
        downloads=_downloads(document.id, options, unknown, say, conference=False),
    )
    card = CaseCard(
        id=document.id,
        label=public.label,
        page=f"pages/{stem}.html",
        thumbnail=f"pages/{thumbnail}" if thumbnail else "",
        thumbnail_alt=public.figures[0].alt if public.figures else "",
        history=_plain(public.history),
        language=document.language,
        **facets(public.metadata, say),
    )
    answers = None if unknown else _answer_row(document)
    return RenderedFile(
        data,
        None if unknown else frozenset({"outside-answer"}),
        images.new_warnings(),
        tuple((name, image.data) for name, image in files.items()),
        SiteEntry(card, answers),
    )


def _public_figure(
    figure: PublicFigure, images: FigureImages, say: Words, stem: str, files: dict
) -> FigureView:
    prepared = _fitted(images, figure.source, FIGURE_SIZE, FIGURE_SIZE)
    name = f"fig-{figure.number}.{_EXTENSIONS[prepared.format]}"
    files[name] = prepared
    return FigureView(
        figure.number,
        say("figure", number=figure.number),
        figure.view,
        figure.alt,
        f"{stem}/{name}",
        prepared.width,
        prepared.height,
        stack=_stack_frames(figure, images, say, stem, files),
    )


def _stack_frames(
    figure: PublicFigure, images: FigureImages, say: Words, stem: str, files: dict
) -> StackFrames | None:
    """A stack's frames at the viewer's size, added to the page's files; None for an image."""
    stack = figure.source.stack
    if stack is None:
        return None
    scale = min(1.0, STACK_FRAME_SIZE / max(figure.source.width, figure.source.height))
    box = (figure.source.width * scale, figure.source.height * scale)
    digits = max(3, len(str(stack.count)))
    shown = figure.source.settings.window
    windows = [shown, *(w for w in stack.windows if w != shown)] if stack.windows else [shown]
    presets = []
    for index, window in enumerate(windows):
        name = f"fig-{figure.number}" + (f"-w{index + 1}" if index else "") + "-slice-"
        frames = images.prepare_frames(figure.source, *box, window)
        for number, frame in enumerate(frames, start=stack.first):
            files[f"{name}{number:0{digits}d}.jpg"] = frame
        presets.append((_window_name(window, say), f"{stem}/{name}{{}}.jpg"))
    return StackFrames(
        presets[0][1], digits, stack.first, stack.last, stack.key, stack.count,
        frames[0].width, frames[0].height,
        say("stack_label", view=figure.view, number=stack.key, count=stack.count),
        tuple(presets) if len(presets) > 1 else (),
    )


def _window_name(window: tuple[float, float] | None, say: Words) -> str:
    """A window as a radiologist names it: its preset's name, else its width and level."""
    named = next((name for name, value in WINDOWS.items() if value == tuple(window or ())), None)
    if named:
        return say(f"window_{named}")
    center, width = window or (0.0, 0.0)
    return say("window_custom", center=center, width=width)


def _thumbnail(public: PublicPart, images: FigureImages, stem: str, files: dict) -> str:
    """The first clean figure, small: its path from the page ("" for a case without
    figures)."""
    if not public.figures:
        return ""
    prepared = _fitted(images, public.figures[0].source, *THUMBNAIL)
    name = f"thumb.{_EXTENSIONS[prepared.format]}"
    files[name] = prepared
    return f"{stem}/{name}"


def _fitted(images: FigureImages, source: SourceImage, width: int, height: int) -> PreparedImage:
    """The image at its own size, or smaller to fit the box: a page never enlarges pixels."""
    scale = min(1.0, width / source.width, height / source.height)
    return images.prepare(source, source.width * scale, source.height * scale, 1.0, "site")


@dataclass(frozen=True)
class Answer:
    title: str
    findings: tuple[tuple[Spans, tuple[FigureView, ...]], ...]
    other_figures: tuple[FigureView, ...]
    differential: tuple
    diagnosis: Spans
    discussion: tuple
    teaching_points: tuple[Spans, ...]
    management: tuple
    references: tuple


def _answer(document: Document, clean: list[FigureView], say: Words) -> Answer:
    """The answer part: each finding with the annotated figures it first shows."""
    by_number = {view.number: view for view in clean}
    shown: set[int] = set()

    def annotated(figures: tuple[DocFigure, ...]) -> tuple[FigureView, ...]:
        views = []
        for figure in figures:
            if figure.number not in shown:
                shown.add(figure.number)
                views.append(_annotated(figure, by_number[figure.number]))
        return tuple(views)

    findings = tuple((finding.text, annotated(finding.figures)) for finding in document.findings)
    return Answer(
        title=document.title,
        findings=findings,
        other_figures=annotated(document.figures),
        differential=document.differential,
        diagnosis=document.diagnosis,
        discussion=document.discussion,
        teaching_points=document.teaching_points,
        management=document.management,
        references=document.references,
    )


def _annotated(figure: DocFigure, clean: FigureView) -> FigureView:
    return FigureView(
        clean.number,
        clean.label,
        clean.view,
        clean.alt,
        clean.src,
        clean.width,
        clean.height,
        figure.caption,
        figure.credit,
        place_marks(figure.annotations, clean.width, clean.height),
        clean.stack,  # shown as its key slice, marked, with the answer
    )


def _metadata_rows(metadata: Metadata, say: Words) -> list[tuple[str, str]]:
    found = facets(metadata, say)
    rows = [
        ("meta_modality", ", ".join(found["modalities"])),
        ("meta_anatomy", ", ".join(found["anatomy"])),
        ("meta_subspecialty", ", ".join(found["subspecialties"])),
        ("meta_difficulty", found["difficulty"]),
    ]
    return [(say(key), value) for key, value in rows if value]


def _downloads(
    publication_id: str, options: RenderOptions, unknown: bool, say: Words, conference: bool
) -> list[tuple[str, str]]:
    """The handout and deck beside the site; a quiz page links to their unknown variants."""
    links = []
    for companion in options.companions:
        for variant in (True,) if unknown else (False, True):
            kind = "conference" if conference else "case"
            key = f"download_{kind}_{companion.name}" + ("_unknown" if variant else "")
            links.append((say(key), f"{ROOT}/{companion.link(publication_id, variant)}"))
    return links


def _answer_row(document: Document) -> dict[str, str]:
    return {
        "title": document.title,
        "diagnosis": _plain(document.diagnosis),
        "keywords": ", ".join(document.keywords),
    }


def _plain(spans: Spans) -> str:
    return "".join(span.text for span in spans)


def _conference_page(
    conference: ConferenceDocument,
    images: FigureImages,
    options: RenderOptions,
    unknown: bool,
    stem: str,
) -> RenderedFile:
    """Its cases in order, linking to their own pages (which the site builds beside it)."""
    say = words(conference.language)
    variant = UNKNOWN_SUFFIX if unknown else ""
    cases = [
        {
            "label": document.label,
            "page": f"{document.id}{variant}.html",
            "thumbnail": _thumbnail(document.public, images, f"{document.id}{variant}", {}),
            "thumbnail_alt": document.figures[0].alt if document.figures else "",
            "metadata": _metadata_rows(document.public.metadata, say),
            "title": None if unknown else document.title,
        }
        for document in conference.documents
    ]
    data = render_template(
        "conference.html.j2",
        w=say,
        lang=conference.language,
        root=ROOT,
        title=conference.title,
        date=say.long_date(conference.date) if conference.date else "",
        presenter=conference.presenter or "",
        cases=cases,
        unknown=unknown,
        downloads=_downloads(conference.id, options, unknown, say, conference=True),
    )
    card = ConferenceCard(
        id=conference.id,
        title=conference.title,
        page=f"pages/{stem}.html",
        date=conference.date.isoformat() if conference.date else "",
        count=len(conference.documents),
    )
    return RenderedFile(
        data, None if unknown else frozenset({"outside-answer"}), (), (), SiteEntry(card, None)
    )
