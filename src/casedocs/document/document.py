"""The document: a validated case with every number assigned, ready for any renderer.

Figures are numbered in list order and citations by first appearance in the canonical order
below, here and only here; renderers look numbers up and never count (so the handout and the
deck cannot disagree).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from casedocs.document.answers import AnswerKey, PublicFigure, PublicPart, answer_key
from casedocs.document.citations import VANCOUVER, citation_marker, format_reference
from casedocs.document.inline import (
    Citation,
    FigureRef,
    ListBlock,
    Paragraph,
    Span,
    TableBlock,
    parse_blocks,
    parse_inline,
    plain_text,
)
from casedocs.document.metadata import Metadata, case_metadata
from casedocs.document.studies import study_of
from casedocs.document.words import content_words
from casedocs.errors import FieldPath, Problem, did_you_mean
from casedocs.figures import SourceImage
from casedocs.source.model import Annotation, Case
from casedocs.wording import words

Spans = tuple[Span, ...]
Anchor = tuple[str, int]  # a block of the document: ("findings", 2), ("discussion", 0)
PLACEMENT_BLOCKS = ("history", "findings", "discussion", "management")  # body paragraphs


@dataclass(frozen=True)
class DocFigure:
    id: str
    number: int
    caption: Spans
    credit: Spans
    view: str  # neutral label: safe before the answer
    alt: str  # neutral alt text: safe before the answer
    source: SourceImage
    annotations: tuple[Annotation, ...]  # drawn over answer views only
    notes: str = ""  # speaker notes of its unknown slide: public
    answer_only: bool = False  # never shown before the answer (not in the public part)
    study: str = ""  # equal for figures of one study (studies.py); "" when it cannot be told


@dataclass(frozen=True)
class DocFinding:
    text: Spans
    figures: tuple[DocFigure, ...]
    notes: str = ""  # speaker notes of its slide


@dataclass(frozen=True)
class DocDifferential:
    name: Spans
    note: Spans
    is_diagnosis: bool = False  # the item the diagnosis names: marked in every output


@dataclass(frozen=True)
class DocList:
    ordered: bool
    start: int
    items: tuple[Spans, ...]


@dataclass(frozen=True)
class DocTable:
    header: tuple[Spans, ...]
    rows: tuple[tuple[Spans, ...], ...]


# a paragraph, a list or a table (lists and tables in discussion and management only)
DocBlock = Spans | DocList | DocTable


@dataclass(frozen=True)
class DocReference:
    number: int
    id: str
    text: Spans


@dataclass(frozen=True)
class Document:
    id: str
    label: str
    title: str
    authors: str
    institution: str | None
    copyright: str | None
    published: date | None
    keywords: tuple[str, ...]
    history: Spans
    figures: tuple[DocFigure, ...]
    findings: tuple[DocFinding, ...]
    diagnosis: Spans
    differential: tuple[DocDifferential, ...]
    discussion: tuple[DocBlock, ...]
    teaching_points: tuple[Spans, ...]
    management: tuple[DocBlock, ...]
    references: tuple[DocReference, ...]
    placements: dict[Anchor, tuple[DocFigure, ...]] = field(default_factory=dict)
    fingerprint: str = ""  # a hash of the inputs (case file, images) this document came from
    template: Path | None = None  # the case's own PowerPoint template
    layouts: dict[str, str] = field(default_factory=dict)
    logo: SourceImage | None = None  # brands the handout header and the title slide
    id_line: int | None = None  # where the id is written, for errors about output names
    answers: AnswerKey = field(default_factory=AnswerKey)  # what may not show before the answer
    language: str = "en"  # of the wording renderers add (wording.py)
    notes: str = ""  # speaker notes where the answer begins
    bylines: tuple[str, ...] = ()  # each author with degrees and affiliation, as printed
    discussion_mode: str = "default"  # deck: default (two slides at most), slides or notes
    metadata: Metadata = Metadata()  # public: for finding the case among many

    @property
    def public(self) -> PublicPart:
        """What the unknown part of any output is made from (answers.py defines it)."""
        figures = tuple(_clean(f) for f in self.figures if not f.answer_only)
        return PublicPart(self.label, self.history, figures, self.logo, self.metadata)

    @property
    def answer_only_figures(self) -> tuple[PublicFigure, ...]:
        """The figures shown with the answer only, in the form public figures take."""
        return tuple(_clean(f) for f in self.figures if f.answer_only)

    def figures_after(self, anchor: Anchor) -> tuple[DocFigure, ...]:
        """Figures the handout places after this block: the one that first mentions them."""
        return self.placements.get(anchor, ())

    @property
    def unplaced_figures(self) -> tuple[DocFigure, ...]:
        placed = {f.id for figures in self.placements.values() for f in figures}
        return tuple(f for f in self.figures if f.id not in placed)



def _clean(figure: DocFigure) -> PublicFigure:
    """A figure as the unknown part draws it: no caption, no marks."""
    return PublicFigure(
        figure.id, figure.number, figure.view, figure.alt, figure.source, figure.notes,
        figure.study,
    )


@dataclass(frozen=True)
class _Block:
    anchor: Anchor
    path: FieldPath  # where problems in this block are reported
    paragraph: Paragraph
    item: int = -1  # the item's index, when the block is one item of a list

    @property
    def key(self) -> tuple[Anchor, int]:
        return (self.anchor, self.item)


def check_references(case: Case) -> list[Problem]:
    """Citations and figure references that do not resolve, unused references, and figures
    mentioned out of order."""
    blocks = list(_canonical_blocks(case))
    problems = _check_figure_refs(blocks, _figure_numbers(case))
    return problems + _number_citations(case, blocks)[1]


def _figure_numbers(case: Case) -> dict[str, int]:
    return {figure.id: i + 1 for i, figure in enumerate(case.figures)}


def build_document(
    case: Case, sources: dict[str, SourceImage], answers: AnswerKey | None = None
) -> Document:
    """Number figures and citations and resolve references (in a case that check_references
    passed); `sources` holds each figure's checked source image by figure id, `answers` the
    case's answer key when the caller has made it already."""
    blocks = list(_canonical_blocks(case))
    figure_numbers = _figure_numbers(case)
    citation_numbers, _ = _number_citations(case, blocks)
    resolve = _Resolver(figure_numbers, citation_numbers, case.citation_style, case.language)
    label = words(case.language)
    resolved = {block.key: resolve(block.paragraph) for block in blocks}
    figures = tuple(
        DocFigure(
            id=figure.id,
            number=figure_numbers[figure.id],
            caption=resolved[(("caption", i), -1)],
            credit=(Span(figure.credit),) if figure.credit else (),
            view=figure.view or label("figure", number=figure_numbers[figure.id]),
            alt=figure.alt or figure.view or label("figure", number=figure_numbers[figure.id]),
            source=sources[figure.id],
            annotations=tuple(figure.annotations),
            notes=figure.notes or "",
            answer_only=figure.answer_only,
            study=study_of(figure.view or "", sources[figure.id].modality, tuple(case.modality)),
        )
        for i, figure in enumerate(case.figures)
    )
    by_id = {figure.id: figure for figure in figures}
    return Document(
        id=case.id,
        label=case.label,
        title=case.title,
        authors="; ".join(_author_line(a.name, a.degrees) for a in case.authors),
        bylines=tuple(
            _author_line(a.name, a.degrees) + (f" ({a.affiliation})" if a.affiliation else "")
            for a in case.authors
        ),
        institution=case.institution,
        copyright=case.copyright,
        published=case.published,
        keywords=tuple(case.keywords),
        history=resolved[(("history", 0), -1)],
        figures=figures,
        findings=tuple(
            DocFinding(
                resolved[(("findings", i), -1)],
                tuple(by_id[f] for f in finding.figures if f in by_id),
                finding.notes or "",
            )
            for i, finding in enumerate(case.findings)
        ),
        diagnosis=resolved[(("diagnosis", 0), -1)],
        differential=tuple(
            DocDifferential(
                resolved[(("differential", i), -1)],
                resolved.get((("differential-note", i), -1), ()),
                names_the_diagnosis(item.name, case.diagnosis),
            )
            for i, item in enumerate(case.differential)
        ),
        discussion=_resolved_blocks("discussion", case.discussion, resolved),
        teaching_points=tuple(
            resolved[(("teaching_points", i), -1)] for i in range(len(case.teaching_points))
        ),
        management=_resolved_blocks("management", case.management, resolved),
        references=tuple(
            DocReference(citation_numbers[r.id], r.id, format_reference(r, case.citation_style))
            for r in sorted(case.references, key=lambda r: citation_numbers[r.id])
        ),
        placements=_placements(case, blocks, by_id),
        template=case.template,
        layouts=dict(case.layouts),
        answers=answers or answer_key(case),
        language=case.language,
        notes=case.notes or "",
        discussion_mode=case.deck.discussion,
        metadata=case_metadata(case, sources.values()),
    )


def names_the_diagnosis(item: str, diagnosis: str) -> bool:
    """Whether a differential item is the diagnosis ("Extramedullary hematopoiesis" in
    "Extramedullary hematopoiesis"; "Lymphoma" in "Primary CNS lymphoma")."""
    item_words = " ".join(word.key for word in content_words(plain_text(parse_inline(item))))
    said = " ".join(word.key for word in content_words(plain_text(parse_inline(diagnosis))))
    return bool(item_words) and f" {item_words} " in f" {said} "


def plain(spans: Spans) -> str:
    return "".join(span.text for span in spans)


def _author_line(name: str, degrees: str | None) -> str:
    return f"{name}, {degrees}" if degrees else name


def _resolved_blocks(
    name: str, text: str | None, resolved: dict[tuple[Anchor, int], Spans]
) -> tuple[DocBlock, ...]:
    blocks: list[DocBlock] = []
    for i, block in enumerate(parse_blocks(text) if text else ()):
        if isinstance(block, ListBlock):
            items = tuple(resolved[((name, i), j)] for j in range(len(block.items)))
            blocks.append(DocList(block.ordered, block.start, items))
        elif isinstance(block, TableBlock):
            cells = [resolved[((name, i), j)] for j in range(len(block.cells))]
            width = len(block.header)
            rows = tuple(tuple(cells[at : at + width]) for at in range(width, len(cells), width))
            blocks.append(DocTable(tuple(cells[:width]), rows))
        else:
            blocks.append(resolved[((name, i), -1)])
    return tuple(blocks)


def _canonical_blocks(case: Case) -> Iterator[_Block]:
    """Every text block in canonical order: the handout's order and citation numbering order."""
    yield _Block(("history", 0), ("history",), parse_inline(case.history))
    for i, figure in enumerate(case.figures):
        yield _Block(("caption", i), ("figures", i, "caption"), parse_inline(figure.caption))
    for i, finding in enumerate(case.findings):
        yield _Block(("findings", i), ("findings", i, "text"), parse_inline(finding.text))
    yield _Block(("diagnosis", 0), ("diagnosis",), parse_inline(case.diagnosis))
    for i, item in enumerate(case.differential):
        yield _Block(("differential", i), ("differential", i, "name"), parse_inline(item.name))
        if item.note:
            yield _Block(
                ("differential-note", i), ("differential", i, "note"), parse_inline(item.note)
            )
    yield from _paragraph_blocks("discussion", case.discussion)
    for i, point in enumerate(case.teaching_points):
        yield _Block(("teaching_points", i), ("teaching_points", i), parse_inline(point))
    yield from _paragraph_blocks("management", case.management)


def _paragraph_blocks(name: str, text: str | None) -> Iterator[_Block]:
    for i, block in enumerate(parse_blocks(text) if text else ()):
        if isinstance(block, ListBlock | TableBlock):
            items = block.items if isinstance(block, ListBlock) else block.cells
            for j, item in enumerate(items):
                yield _Block((name, i), (name,), item, j)
        else:
            yield _Block((name, i), (name,), block)


def _references_in(paragraph: Paragraph) -> Iterator[Citation | FigureRef]:
    yield from (item for item in paragraph if isinstance(item, Citation | FigureRef))


def _check_figure_refs(blocks: list[_Block], numbers: dict[str, int]) -> list[Problem]:
    problems: list[Problem] = []
    first_mentions: list[str] = []
    for block in blocks:
        for ref in _references_in(block.paragraph):
            if not isinstance(ref, FigureRef):
                continue
            for figure_id in ref.ids:
                if figure_id not in numbers:
                    problems.append(
                        Problem(
                            block.path,
                            f"no figure with id '{figure_id}' (@fig-{figure_id})"
                            + did_you_mean(figure_id, numbers),
                            needle=ref.source,
                        )
                    )
                elif figure_id not in first_mentions:
                    first_mentions.append(figure_id)
    order = [numbers[f] for f in first_mentions]
    if order != sorted(order):
        problems.append(
            Problem(
                ("figures",),
                "figures are first mentioned in the order "
                f"{', '.join(map(str, order))}; reorder the list so Fig. 1 is "
                "mentioned first",
                warning=True,
            )
        )
    return problems


def _number_citations(case: Case, blocks: list[_Block]) -> tuple[dict[str, int], list[Problem]]:
    known = {reference.id for reference in case.references}
    numbers: dict[str, int] = {}
    problems: list[Problem] = []
    for block in blocks:
        for ref in _references_in(block.paragraph):
            if not isinstance(ref, Citation):
                continue
            for work in ref.works:
                if work.id not in known:
                    problems.append(
                        Problem(
                            block.path,
                            f"no reference with id '{work.id}' ([@{work.id}])"
                            + did_you_mean(work.id, known),
                            needle=ref.source,
                        )
                    )
                else:
                    numbers.setdefault(work.id, len(numbers) + 1)
    for i, reference in enumerate(case.references):
        if reference.id not in numbers:
            problems.append(
                Problem(
                    ("references", i),
                    f"reference '{reference.id}' is never "
                    "cited; cite it with [@" + reference.id + "] or remove it",
                    warning=True,
                )
            )
            numbers[reference.id] = len(numbers) + 1
    return numbers, problems


def _placements(
    case: Case, blocks: list[_Block], by_id: dict[str, DocFigure]
) -> dict[Anchor, tuple[DocFigure, ...]]:
    """Each figure goes after the first body paragraph that mentions it."""
    placed: dict[str, Anchor] = {}
    for block in blocks:
        if block.anchor[0] not in PLACEMENT_BLOCKS:
            continue
        mentioned = [
            i
            for ref in _references_in(block.paragraph)
            if isinstance(ref, FigureRef)
            for i in ref.ids
        ]
        if block.anchor[0] == "findings":
            mentioned += case.findings[block.anchor[1]].figures
        for figure_id in mentioned:
            if figure_id in by_id:
                placed.setdefault(figure_id, block.anchor)
    placements: dict[Anchor, tuple[DocFigure, ...]] = {}
    for figure_id, anchor in placed.items():
        placements[anchor] = (*placements.get(anchor, ()), by_id[figure_id])
    return {
        anchor: tuple(sorted(figs, key=lambda f: f.number)) for anchor, figs in placements.items()
    }


class _Resolver:
    """Turns placeholders into text: "Fig. 1", "Figs. 2 and 3", citation markers."""

    def __init__(
        self, figures: dict[str, int], citations: dict[str, int], style: str, language: str
    ):
        self.figures = figures
        self.citations = citations
        self.style = style
        self.words = words(language)

    def __call__(self, paragraph: Paragraph) -> Spans:
        spans: list[Span] = []
        markers: set[int] = set()  # where the citation markers are (not every superscript)
        for item in _merged_citations(paragraph):
            if isinstance(item, Span):
                spans.append(item)
            elif isinstance(item, FigureRef):
                spans.append(Span(self._figure_text(item)))
            elif self.style == VANCOUVER:
                spans.append(Span(self._citation_text(item)))
            else:
                if spans:  # a superscript marker hugs the word before it
                    spans[-1] = replace(spans[-1], text=spans[-1].text.rstrip(" "))
                spans.append(Span(self._citation_text(item), superscript=True))
                markers.add(len(spans) - 1)
        return _markers_after_punctuation(spans, markers)

    def _figure_text(self, ref: FigureRef) -> str:
        return self.words.figures(sorted({self.figures[i] for i in ref.ids if i in self.figures}))

    def _citation_text(self, citation: Citation) -> str:
        numbered = [
            (self.citations[w.id], w.locator) for w in citation.works if w.id in self.citations
        ]
        return citation_marker(numbered, self.style) if numbered else "?"


def _merged_citations(paragraph: Paragraph) -> list:
    """[@a] [@b] reads as one citation: one marker, numbers collapsed (1,2 not 1 2)."""
    merged: list = []
    for item in paragraph:
        if isinstance(item, Citation):
            between = []
            while merged and isinstance(merged[-1], Span) and not merged[-1].text.strip():
                between.append(merged.pop())
            if merged and isinstance(merged[-1], Citation):
                merged[-1] = replace(merged[-1], works=merged[-1].works + item.works)
                continue
            merged += reversed(between)
        merged.append(item)
    return merged


def _markers_after_punctuation(spans: list[Span], markers: set[int]) -> Spans:
    """AMA sets superscript citations outside periods and commas: "disease,1" not "disease1,";
    other superscripts stay where they are written ("kg/m².")."""
    for i in range(len(spans) - 1):
        after = spans[i + 1]
        if i in markers and after.text[:1] in (".", ",") and not after.superscript:
            before = spans[i - 1] if i > 0 else None
            if before is not None and not before.superscript:
                spans[i - 1] = replace(before, text=before.text + after.text[0])
                spans[i + 1] = replace(after, text=after.text[1:])
    return tuple(span for span in spans if span.text)
