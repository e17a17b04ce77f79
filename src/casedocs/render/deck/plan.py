"""The deck as plain data: which slides, in which order, with what text where.

No python-pptx here: the plan can be tested by itself, and the writer only draws it. Text is
paginated with real font metrics (textfit), so a long list continues on a "(cont.)" slide
instead of overflowing or shrinking. Where a layout could go more than one way (how wide the
image panel beside a finding is, whether two figures share it, where text slides break), the
planner makes the candidates in order of preference and keeps the first no presenter would
touch, else the cheapest, by the written cost (render/cost.py, render/deck/cost.py).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace

from casedocs.document.answers import PublicFigure
from casedocs.document.conference import ConferenceDocument
from casedocs.document.document import (
    DocBlock,
    DocFigure,
    DocList,
    DocTable,
    Document,
    Spans,
    plain,
)
from casedocs.document.inline import Span
from casedocs.document.studies import distinguishing_words, shared_view
from casedocs.document.vocabulary import STOP_WORDS
from casedocs.document.words import ends_sentence
from casedocs.figures import ImageRequest, SourceImage
from casedocs.figures.annotations import place_marks
from casedocs.render.cost import Cost, cheapest
from casedocs.render.deck.cost import deck_cost
from casedocs.render.deck.slides import (  # noqa: F401 (the plan's data, named from here too)
    BALANCE_SHARES,
    BODY_SIZE,
    BODY_SIZES,
    BULLET,
    BULLET_INDENT,
    CAPTION_SIZE,
    DIAGNOSIS_MARK,
    DISCUSSION_SLIDES,
    FINDING_SIZE,
    FOOTER_SIZE,
    FOOTER_SIZES,
    INSET_X,
    INSET_Y,
    LABEL_COLOR_ON_DARK,
    LABEL_SIZE,
    LAST_RESORT_SHARES,
    LOGO_HEIGHT,
    MAX_PANEL_SHARE,
    MAX_POINTS,
    MIN_BODY_SIZE,
    MIN_IMAGE_SHARE,
    MUTED_COLOR,
    NARROW,
    NOTE_SIZE,
    ORPHAN_LINES,
    PANEL_GAP,
    PANEL_PAD,
    PANEL_SHARES,
    REFERENCE_SIZE,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    TEXT_COLOR,
    TITLE_COLOR,
    TITLE_SIZE,
    TITLE_SIZES,
    UNLIMITED_LINES,
    Box,
    Bullet,
    DeckGeometry,
    Marker,
    Numbered,
    Part,
    PictureBox,
    SlideKind,
    SlidePlan,
    TextBox,
    TextPara,
    box_text,
    default_geometry,
    drawn_spans,
    footer_text,
    line_width,
    text_height,
    widest_word,
)
from casedocs.render.deck.textfit import LINE_SPACING, TextMeasure, Word, spans_of, words_of
from casedocs.wording import words

SCREEN_OVERSAMPLE = 1.5  # images carry up to 1.5x the pixels the display gives their box


def plan_deck(
    document: Document,
    measure: TextMeasure | None = None,
    geometry: DeckGeometry | None = None,
    stacks_move: bool = True,
) -> list[SlidePlan]:
    """Unknown part (title, history, clean images, prompt), a divider, then the answer.
    `stacks_move`: a stack before the answer plays as a video (else its key slice stands)."""
    measure, geometry = measure or TextMeasure(), geometry or default_geometry()
    planner = _Planner(document, measure, geometry, stacks_move)
    slides = [*planner.unknown_slides(), planner.divider(), *planner.answer_slides()]
    return _on_template(_distinct_notes(slides), measure, geometry)


def _labelled(
    label: str, slides: Iterator[SlidePlan], measure: TextMeasure
) -> list[SlidePlan]:
    """The slides with the case's label, for their footers: at the largest footer size that
    keeps the label and a two-digit slide number on one line of the footer."""
    labelled = []
    for slide in slides:
        room = ((slide.footer.width if slide.footer else 0) - 2 * INSET_X) * 72
        text = footer_text(label, 99)
        size = next((size for size in FOOTER_SIZES if measure.width(text, size) <= room), None)
        # Too narrow a column even for the smallest: the slide number alone.
        labelled.append(replace(slide, label=label if size else "",
                                footer_size=size or FOOTER_SIZES[-1]))
    return labelled


def plan_conference(
    conference: ConferenceDocument,
    unknown: bool,
    measure: TextMeasure | None = None,
    geometry: DeckGeometry | None = None,
    stacks_move: bool = True,
) -> list[SlidePlan]:
    """A title slide, then every case's unknown part and answer (a divider before each
    answer): all unknowns first, or case by case."""
    measure, geometry = measure or TextMeasure(), geometry or default_geometry()
    planners = [_Planner(d, measure, geometry, stacks_move) for d in conference.documents]
    slides = [planners[0].conference_title(conference)] if planners else []
    unknowns = [p.unknown_slides() for p in planners]
    answers = [[p.divider(), *p.answer_slides()] for p in planners]
    if unknown:
        slides += [s for part in unknowns for s in part]
    elif conference.order == "case-by-case":
        slides += [s for u, a in zip(unknowns, answers, strict=True) for s in u + a]
    else:
        slides += [s for part in unknowns + answers for s in part]
    return _on_template(_distinct_notes(slides), measure, geometry)


def _on_template(
    slides: list[SlidePlan], measure: TextMeasure, geometry: DeckGeometry
) -> list[SlidePlan]:
    """Each slide of a template as it is, or plain (its master's shapes hidden) where its
    text would cross them: whichever costs less."""
    if geometry.styled:
        return slides
    return [
        cheapest([slide, replace(slide, plain=True)] if slide.shows_master else [slide],
                 lambda one: deck_cost([one], measure, geometry))
        for slide in slides
    ]


def _distinct_notes(slides: list[SlidePlan]) -> list[SlidePlan]:
    """Speaker notes say what the presenter needs on that slide: where two slides would say
    the same (or nothing), the slide's own title leads its notes."""
    seen: set[str] = set()
    distinct = []
    for slide in slides:
        notes = slide.notes
        if notes in seen or not notes.strip():
            heading = _title_text(slide)
            notes = f"{heading}\n\n{notes}".strip() if heading else notes
        seen.add(notes)
        distinct.append(replace(slide, notes=notes))
    return distinct


def _title_text(slide: SlidePlan) -> str:
    for box in slide.texts:
        if box.role == "title" or box.name in ("Divider", "Case label", "Image label"):
            return box_text(box)
    return ""


class _Planner:
    def __init__(self, document: Document, measure: TextMeasure, geometry: DeckGeometry,
                 stacks_move: bool = True):
        self.doc = document
        self.stacks_move = stacks_move  # stacks as videos, else their key slices only
        self.measure = measure
        self.geo = geometry
        self.say = words(document.language)
        self.scale = geometry.height / SLIDE_HEIGHT  # sizes are set for a 7.5-inch slide
        self._titles: set[str] = set()  # of the findings slides so far: each says its own

    # -- unknown part: nothing here may come from answer fields ------------------------------

    def unknown_slides(self) -> list[SlidePlan]:
        return _labelled(self.doc.label, self._unknown_slides(), self.measure)

    def answer_slides(self) -> list[SlidePlan]:
        return _labelled(self.doc.label, self._answer_slides(), self.measure)

    def _unknown_slides(self) -> Iterator[SlidePlan]:
        """Made from the public part alone: no answer field is within reach."""
        public = self.doc.public
        label = public.label
        title = self._fitted(
            TextPara((Span(label),), 54 * self.scale, color=TITLE_COLOR, bold=True, align="center"),
            self._centre_box(),
        )
        yield SlidePlan(
            "unknown",
            "title",
            False,
            (
                TextBox(self._centre_box(), (title,), "Case label", "middle", role="title"),
            ),
            pictures=self._logo(public.logo),
            notes=self.say("notes_title", label=label),
        )
        yield from self._text_slides(
            "unknown",
            "history",
            self.say("history"),
            [self._para(public.history)],
            [self.say("notes_history")],
        )
        yield from self._unknown_figure_slides(public.figures, label)
        prompts = [
            self._para((Span(self.say(key)),), bullet=BULLET)
            for key in ("prompt_findings", "prompt_differential", "prompt_diagnosis")
        ]
        yield from self._text_slides(
            "unknown",
            "prompt",
            self.say("interpretation"),
            prompts,
            [self.say("notes_prompt")],
        )

    def _unknown_figure_slides(
        self, figures: tuple[PublicFigure, ...], case_label: str
    ) -> Iterator[SlidePlan]:
        """A black slide a figure, or two side by side where they are of one study (an
        anterior and a posterior bone scan) or both tall and narrow, when the pair keeps at
        least 60% of the slide's height and leaves nothing to fix."""
        i = 0
        while i < len(figures):
            alone = [self._unknown_figure_slide(figures[i : i + 1], case_label)]
            candidates = [alone]
            if i + 1 < len(figures) and _may_pair(figures[i], figures[i + 1]):
                pair = figures[i : i + 2]
                slide = self._unknown_figure_slide(pair, case_label)
                if min(p.box.height for p in slide.pictures) >= MIN_IMAGE_SHARE * self.geo.height:
                    alone.append(self._unknown_figure_slide(pair[1:], case_label))
                    candidates.insert(0, [slide])  # the pair first: it is what a presenter shows
            chosen = cheapest(candidates, lambda slides: deck_cost(slides, self.measure, self.geo))
            yield from chosen[:1]
            i += len(chosen[0].pictures)

    def _unknown_figure_slide(
        self, figures: tuple[PublicFigure, ...], case_label: str
    ) -> SlidePlan:
        label = TextPara(
            (Span(f"{case_label}  \u00b7  {shared_view([f.view for f in figures])}"),),
            LABEL_SIZE * self.scale,
            color=LABEL_COLOR_ON_DARK,
            space_after=0,
            scalable=False,
        )
        width = self.geo.width - 0.4
        label_box = Box(0.2, 0.1, width, max(0.45, text_height((label,), width, self.measure)))
        top = label_box.y + label_box.height + 0.05
        area = Box(0.2, top, width, self.geo.height - top - 0.2)
        notes = "\n\n".join(
            self.say("notes_figure", view=f.view) + self._slice_range(f)
            + (f"\n\n{f.notes}" if f.notes else "")
            for f in figures
        )
        return SlidePlan(
            "unknown",
            "figure",
            True,
            (TextBox(label_box, (label,), "Image label", role="title"),),
            pictures=tuple(
                self._picture(figure, cell, figure.view)
                for figure, cell in zip(figures, _cells(figures, area), strict=True)
            ),
            notes=notes,
        )

    # -- answer part ---------------------------------------------------------------------------

    def _answer_slides(self) -> Iterator[SlidePlan]:
        doc = self.doc
        shown: set[str] = set()
        loose: list[TextPara] = []
        loose_notes: list[str] = []
        for finding in doc.findings:
            if finding.figures:
                yield from self._finding_slides(finding.text, finding.figures, finding.notes)
                shown |= {f.id for f in finding.figures}
            else:
                loose.append(self._para(finding.text, bullet=BULLET))
                loose_notes += [finding.notes] if finding.notes else []
        for figure in doc.figures:
            if figure.id not in shown:
                yield from self._finding_slides(figure.caption, (figure,), "")
        yield from self._text_slides(
            "answer", "findings", self._loose_title(), loose, ["\n\n".join(loose_notes)]
        )
        yield from self._text_slides(
            "answer",
            "differential",
            self.say("differential"),
            self._differential_paras(),
            [_differential_notes(doc)],
        )
        yield self._diagnosis_slide()
        yield from self._discussion_slides()
        yield from self._text_slides(
            "answer", "management", self.say("management"), self._block_paras(doc.management),
            ["\n\n".join(_plain_block(block) for block in doc.management)],
        )
        references = [
            self._para(r.text, size=REFERENCE_SIZE, bullet=Numbered(r.number), scalable=False)
            for r in doc.references
        ]
        yield from self._text_slides("answer", "references", self.say("references"), references)

    def _loose_title(self) -> str:
        """'Findings' for findings without images, or 'Further findings' after a findings
        slide that had to take that title."""
        title = self.say("findings")
        return self.say("further_findings") if title in self._titles else title

    def _discussion_slides(self) -> Iterator[SlidePlan]:
        """By default the teaching points, at most six a slide, with the discussion in their
        notes (a case without teaching points: the discussion on two slides at most, the rest
        in their notes); all of the discussion on slides, then the teaching points, or all of
        it in the diagnosis slide's notes, when the case asks."""
        doc, mode = self.doc, self.doc.discussion_mode
        points = [self._para(p, bullet=BULLET) for p in doc.teaching_points]
        if mode == "default" and points:
            discussion = [_plain_block(block) for block in doc.discussion]
            yield from self._teaching_slides(points, discussion, "discussion")
            return
        if mode != "notes" and doc.discussion:
            pages = self._pages(self._block_paras(doc.discussion), self.geo.body)
            notes = []
            if mode == "default" and len(pages) > DISCUSSION_SLIDES:
                rest = "\n\n".join(plain(para.spans) for page in pages[2:] for para in page)
                pages = pages[:DISCUSSION_SLIDES]
                notes = [""] * (len(pages) - 1) + [self.say("notes_discussion", text=rest)]
            title = self.say("discussion")
            yield from self._slides_of_pages("answer", "discussion", title, pages, notes)
        if points:
            yield from self._teaching_slides(points, [], "teaching")

    def _teaching_slides(
        self, points: list[TextPara], discussion: list[str], kind: SlideKind
    ) -> Iterator[SlidePlan]:
        """The teaching points, as evenly as they go at most six a slide (and as space
        allows); `discussion`, spread over their notes in order."""
        count = -(-len(points) // MAX_POINTS)
        per_slide = -(-len(points) // count)
        pages = [
            page
            for start in range(0, len(points), per_slide)
            for page in self._pages(points[start : start + per_slide], self.geo.body)
        ]
        notes = [
            self.say("notes_discussion", text="\n\n".join(part)) if part else ""
            for part in _spread(discussion, len(pages))
        ]
        title = self.say("teaching_points")
        yield from self._slides_of_pages("answer", kind, title, pages, notes)

    def _block_paras(self, blocks: tuple[DocBlock, ...]) -> list[TextPara]:
        paras = []
        for block in blocks:
            if isinstance(block, DocList):
                paras += [
                    self._para(item, bullet=Numbered(block.start + j) if block.ordered else BULLET)
                    for j, item in enumerate(block.items)
                ]
            elif isinstance(block, DocTable):  # a row a line, the header's bold
                rows = [tuple(_bold(cell) for cell in block.header), *block.rows]
                paras += [self._para(_joined(row, " – ")) for row in rows]
            else:
                paras.append(self._para(block))
        return paras

    def _differential_paras(self) -> list[TextPara]:
        """Each item, the diagnosis among them in bold with a check mark, notes below."""
        paras = []
        for item in self.doc.differential:
            name = item.name
            if item.is_diagnosis:
                name = (*(replace(span, bold=True) for span in name), Span(f" {DIAGNOSIS_MARK}"))
            paras.append(
                self._para(
                    name,
                    bullet=BULLET,
                    space_after=2 if item.note else 8,
                    keep_with_next=bool(item.note),
                )
            )
            if item.note:
                paras.append(
                    self._para(
                        item.note,
                        size=NOTE_SIZE,
                        color=MUTED_COLOR,
                        indent=BULLET_INDENT,
                        scalable=False,
                    )
                )
        return paras

    def _diagnosis_slide(self) -> SlidePlan:
        title = self._title(self.say("diagnosis"))
        diagnosis = self._fitted(
            TextPara(
                self.doc.diagnosis, 44 * self.scale, color=TITLE_COLOR, bold=True, align="center"
            ),
            self.geo.body,
        )
        body = TextBox(self.geo.body, (diagnosis,), "Diagnosis text", "middle")
        # The diagnosis, and what tells it from the rest: the management has its own slide.
        notes = plain(self.doc.diagnosis) + "".join(
            f"\n\n{plain(item.note)}" for item in self.doc.differential
            if item.is_diagnosis and item.note
        )
        if self.doc.discussion_mode == "notes" and self.doc.discussion:
            discussion = "\n\n".join(_plain_block(block) for block in self.doc.discussion)
            notes += "\n\n" + self.say("notes_discussion", text=discussion)
        return SlidePlan(
            "answer",
            "diagnosis",
            False,
            (title, body),
            notes=notes.strip(),
            footer=self.geo.footer,
        )

    def _finding_slides(
        self, text: Spans, figures: tuple[DocFigure, ...], finding_notes: str
    ) -> list[SlidePlan]:
        """Slides built around the images: one or two figures (as their shapes allow) at
        least 60% of the slide's height on a black panel, the finding beside them. Of the
        panel widths that keep the images that large, the one of least cost (render/cost.py):
        a narrower panel often saves a "(cont.)" slide holding one sentence."""
        candidates = (
            list(self._finding_slides_at(share, paired, text, figures, finding_notes))
            for paired in (True, False)
            for share in PANEL_SHARES
            if share == PANEL_SHARES[0] or self._keeps_size(figures, share, paired)
        )
        # Last, should every one of those leave something to fix (a long word in a narrow
        # column on a 4:3 slide): narrower panels, the images a little smaller.
        candidates = itertools.chain(candidates, (
            list(self._finding_slides_at(share, False, text, figures, finding_notes))
            for share in LAST_RESORT_SHARES
        ))
        before = frozenset(self._titles)
        chosen = cheapest(
            candidates, lambda slides: deck_cost(slides, self.measure, self.geo, before)
        )
        self._titles |= {_title_text(slide) for slide in chosen}
        return chosen

    def _keeps_size(self, figures: tuple[DocFigure, ...], share: float, paired: bool) -> bool:
        """Every row of images keeps at least 60% of the slide's height at this panel width,
        or its height at the widest panel."""
        return all(
            self._row_height(row, share) >= min(
                MIN_IMAGE_SHARE * self.geo.height, self._row_height(row, PANEL_SHARES[0])
            ) - 0.01
            for row in self._figure_rows(figures, paired)
        )

    def _finding_slides_at(
        self, share: float, paired: bool, text: Spans, figures: tuple[DocFigure, ...],
        finding_notes: str,
    ) -> Iterator[SlidePlan]:
        captions = [
            (f, f"{self.say('figure_caption', number=f.number)} {plain(f.caption)}"
             + (f" {plain(f.credit)}" if f.credit else ""))
            for f in figures
        ]
        notes = "\n\n".join(
            part for part in (plain(text), finding_notes, "\n".join(c for _, c in captions))
            if part
        )
        rest = [self._para(text, size=FINDING_SIZE)]
        title = ""
        used = set(self._titles)
        for group in self._figure_rows(figures, paired):
            panel, pictures, labels = self._panel(group, share)
            left = panel.width + 0.3
            column = Box(left, 0, self.geo.text_right - left, 0)
            title, heading = self._study_title(group, column, used)
            used.add(title)
            title_height = max(
                min(self.geo.title.height, 1.0 * self.scale),
                text_height((heading,), column.width, self.measure),
            )
            # The column's own title, at the top whatever the layout's (some sit mid-slide).
            top = min(self.geo.title.y, 0.5 * self.scale)
            title_box = replace(column, y=top, height=title_height)
            top = title_box.y + title_box.height
            body_box = replace(column, y=top, height=self.geo.footer.y - top)
            if not rest:  # the finding is told: these images get their captions
                rest = [
                    self._para(self._caption_spans(f), size=FINDING_SIZE)
                    for f in group
                ]
            page, rest = self._first_page(rest, body_box)
            yield SlidePlan(
                "answer",
                "finding",
                False,
                (
                    TextBox(title_box, (heading,), "Title", role="title"),
                    TextBox(body_box, tuple(page), "Findings text"),
                    *labels,
                ),
                pictures=pictures,
                panel=panel,
                notes=notes,
                footer=replace(self.geo.footer, x=column.x, width=column.width),
                untitled=title == self.say("findings"),
            )
        if rest:
            pages = self._pages(rest, self.geo.body)
            yield from self._slides_of_pages(
                "answer", "finding", title, pages, [notes], continuing=True
            )

    def _caption_spans(self, figure: DocFigure) -> Spans:
        number = Span(self.say("figure_caption", number=figure.number) + " ", bold=True)
        return (number, *figure.caption)

    def _first_page(
        self, paras: list[TextPara], box: Box
    ) -> tuple[list[TextPara], list[TextPara]]:
        """What of `paras` fits in `box` (as large as it fits), and what is left."""
        if not paras:
            return [], []
        pages = self._pages(paras, box)
        return pages[0], [para for page in pages[1:] for para in page]

    def _study_title(
        self, group: tuple[DocFigure, ...], column: Box, used: set[str]
    ) -> tuple[str, TextPara]:
        """What the slide shows, in two lines at most: the views' shared words ("Axial CT of
        the chest: findings"), else their study ("MR: findings"), else 'Findings'."""
        studies = {figure.study for figure in group}
        views = [view for view in (self._view(f) for f in group) if view]
        clause = shared_view([view.split(",")[0] for view in views])
        names = [shared_view(views), clause]
        # Shorter, cut where a phrase ends: "Longitudinal ultrasound" of "Longitudinal
        # ultrasound of the right upper quadrant"; a cut anywhere else ("... of the right
        # upper") only when nothing else fits.
        words = clause.split()
        cuts = [count for count in range(len(words) - 1, 1, -1)
                if words[count - 1].lower() not in STOP_WORDS]
        names += [" ".join(words[:n]) for n in cuts if words[n].lower() in STOP_WORDS]
        if len(studies) == 1 and "" not in studies:
            study = self.say.name("modality", studies.pop())
            others = [f.view for f in self.doc.figures if f not in group]
            own = distinguishing_words(views, others)
            names += [f"{study} ({own})", own[:1].upper() + own[1:]] if own else []
            names += [study]
        names += [" ".join(words[:n]) for n in cuts]
        names = [name for name in dict.fromkeys(names) if name]
        # In a narrow column, the view alone says it too.
        titles = [self.say("findings_of", study=name) for name in names] + names
        fresh = [title for title in titles if title not in used]
        for title in [*fresh, *titles, self.say("findings")]:
            heading = self._title_para(title, False, column, max_lines=2)
            width = (column.width - 2 * INSET_X) * 72
            lines = len(self.measure.wrap(drawn_spans(heading), heading.size, width))
            if lines <= 2 and widest_word(heading, self.measure) <= width:
                return title, heading
        return title, heading

    def _view(self, figure: DocFigure) -> str:
        """What the figure shows in neutral words: its view, else its alt text; never the
        generated "Fig. 2", which says nothing its label does not."""
        generated = self.say("figure", number=figure.number)
        return next((text.strip().rstrip(".") for text in (figure.view, figure.alt)
                     if text.strip() and text != generated), "")

    def _figure_rows(
        self, figures: tuple[DocFigure, ...], paired: bool = True
    ) -> list[tuple[DocFigure, ...]]:
        """Two figures side by side where both stay at least 60% of the slide's height in
        the panel's share of its width (two radiographs, two CT sections on a 16:9 slide),
        else (or unless `paired`) one figure a slide."""
        rows: list[tuple[DocFigure, ...]] = []
        for figure in figures:
            if paired and rows and len(rows[-1]) == 1:
                pair = (*rows[-1], figure)
                if self._row_height(pair) >= MIN_IMAGE_SHARE * self.geo.height:
                    rows[-1] = pair
                    continue
            rows.append((figure,))
        return rows

    def _row_height(self, row: tuple[DocFigure, ...], share: float = MAX_PANEL_SHARE) -> float:
        """The height images of `row` can share, side by side, in `share` of the width."""
        room = self.geo.width * share - 2 * PANEL_PAD - PANEL_GAP * (len(row) - 1)
        tallest = self.geo.height - 2 * PANEL_PAD - self._label_height()
        return min(tallest, room / sum(figure.source.aspect for figure in row))

    def _label_height(self) -> float:
        return CAPTION_SIZE * self.scale * LINE_SPACING / 72 + 2 * INSET_Y + 0.05

    def _panel(
        self, row: tuple[DocFigure, ...], share: float
    ) -> tuple[Box, tuple[PictureBox, ...], tuple[TextBox, ...]]:
        """The black panel with the images side by side, each over its figure number."""
        height = self._row_height(row, share)
        label_height = self._label_height()
        pictures, labels = [], []
        x = PANEL_PAD
        top = (self.geo.height - height - label_height) / 2
        for figure in row:
            width = height * figure.source.aspect
            cell = Box(x, top, width, height)
            pictures.append(self._picture(figure, cell, self.say("figure", number=figure.number)))
            labels.append(
                TextBox(
                    Box(x, top + height, width, label_height),
                    self._figure_label(figure),
                    f"Fig. {figure.number} label",
                    role="label",
                )
            )
            x += width + PANEL_GAP
        panel = Box(0, 0, x - PANEL_GAP + PANEL_PAD, self.geo.height)
        return panel, tuple(pictures), tuple(labels)

    def _figure_label(self, figure: DocFigure) -> tuple[TextPara, ...]:
        """The figure's number under it; its caption and credit are in the notes."""
        number = TextPara(
            (Span(self.say("figure", number=figure.number), bold=True),),
            CAPTION_SIZE * self.scale,
            color=LABEL_COLOR_ON_DARK,
            space_after=0,
            scalable=False,
        )
        return (number,)

    def _picture(self, figure: DocFigure | PublicFigure, area: Box, name: str) -> PictureBox:
        """The figure fitted into `area`: a public figure clean, an answer figure annotated."""
        box = _fit(figure.source.aspect, area)
        pixels = self.geo.screen_pixels_per_inch
        image = ImageRequest(
            figure.source, box.width * pixels, box.height * pixels, SCREEN_OVERSAMPLE, "deck"
        )
        marks = (
            place_marks(figure.annotations, box.width * 72, box.height * 72)
            if isinstance(figure, DocFigure)
            else ()
        )
        moving = figure.source.stack is not None and not marks and self.stacks_move
        return PictureBox(box, image, name, figure.alt, marks, moving)

    def _slice_range(self, figure: PublicFigure) -> str:
        """For a stack, which slices its video runs through and which one it stands still on."""
        stack = figure.source.stack
        if stack is None:
            return ""
        return " " + self.say("slices_shown", first=stack.first, last=stack.last,
                              count=stack.count, still=stack.key)

    # -- text slides and pagination ------------------------------------------------------------

    def _text_slides(
        self,
        part: Part,
        kind: SlideKind,
        title: str,
        paras: list[TextPara],
        notes: list[str] | None = None,
    ) -> Iterator[SlidePlan]:
        """Slides of `paras` under `title`, paginated by measured space; `notes` for the
        slides in order (the last repeats)."""
        if paras:
            pages = self._pages(paras, self.geo.body)
            yield from self._slides_of_pages(part, kind, title, pages, notes or [])

    def _slides_of_pages(
        self, part: Part, kind: SlideKind, title: str, pages: list[list[TextPara]],
        notes: list[str], continuing: bool = False,
    ) -> Iterator[SlidePlan]:
        """A slide a page; `continuing`: the first goes on from a slide before them too."""
        for i, page in enumerate(pages):
            heading = self._title_para(title, continuing or i > 0, self.geo.title)
            yield SlidePlan(
                part,
                kind,
                False,
                (
                    TextBox(self.geo.title, (heading,), "Title", role="title"),
                    TextBox(self.geo.body, tuple(page), title),
                ),
                notes=notes[min(i, len(notes) - 1)] if notes else "",
                footer=self.geo.footer,
                continued=continuing or i > 0,
            )

    def _pages(self, paras: list[TextPara], box: Box) -> list[list[TextPara]]:
        """By measured space: all on one slide at the body size if it fits, else at a
        smaller size down to the minimum; only then over several slides, each at the
        largest size its part fits, broken between sentences."""
        for size in BODY_SIZES:
            sized = [self._at(para, size) for para in paras]
            pages = self._paginate(sized, box)
            if len(pages) == 1 and (self._words_fit(sized, box) or size == MIN_BODY_SIZE):
                return pages
        # Slides filled in turn may leave the last one a sentence: of the breaks that fill
        # slides less full (as many slides), the one of least cost.
        candidates = itertools.chain([pages], (
            balanced
            for share in BALANCE_SHARES
            if len(balanced := self._paginate(sized, replace(box, height=box.height * share)))
            == len(pages)
        ))
        pages = cheapest(candidates, lambda pages: self._pages_cost(pages, box))
        return [self._largest(page, box) for page in pages]

    def _pages_cost(self, pages: list[list[TextPara]], box: Box) -> Cost:
        """The cost of text slides holding `pages`, each in `box`."""
        slides = [
            SlidePlan("answer", "findings", False, (TextBox(box, tuple(page), "Body"),),
                      continued=i > 0)
            for i, page in enumerate(pages)
        ]
        return deck_cost(slides, self.measure, self.geo)

    def _largest(self, page: list[TextPara], box: Box) -> list[TextPara]:
        for size in BODY_SIZES:
            sized = [self._at(para, size) for para in page]
            if len(self._paginate(sized, box)) == 1 and self._words_fit(sized, box):
                return sized
        return [self._at(para, MIN_BODY_SIZE) for para in page]

    def _words_fit(self, paras: list[TextPara], box: Box) -> bool:
        """Every word fits a line of `box` (a long German compound may not at 24 pt)."""
        return all(
            widest_word(para, self.measure) <= line_width(para, box.width) for para in paras
        )

    def _at(self, para: TextPara, size: float) -> TextPara:
        return replace(para, size=size * self.scale) if para.scalable else para

    def _paginate(
        self, paras: list[TextPara], box: Box, max_lines: int = UNLIMITED_LINES
    ) -> list[list[TextPara]]:
        """Fill slides in order; an item that alone does not fit is split between lines,
        after a sentence where one ends on the slide. Each paragraph is cut into words once
        and wrapped only as far as a slide reaches, so time grows with the text's length."""
        capacity = (box.height - 2 * INSET_Y) * 72
        pages: list[list[TextPara]] = [[]]
        used, lines_used = 0.0, 0
        queue = deque(_Pending(para, words_of(drawn_spans(para))) for para in paras)
        while queue:
            pending = queue.popleft()
            para = pending.para
            # Enough lines to judge the fit: the line limit's or the box's, whichever is less.
            fits = int(capacity // (para.size * LINE_SPACING))
            reach = max(min(max_lines, fits) + ORPHAN_LINES, fits)
            lines = self._wrapped(pending, box, reach)
            height = len(lines) * para.size * LINE_SPACING + para.space_after
            if para.keep_with_next and queue and pages[-1]:
                follower = queue[0].para
                follower_lines = len(self._lines(follower, box))
                both = height + follower_lines * follower.size * LINE_SPACING + follower.space_after
                if used + both > capacity or lines_used + len(lines) + follower_lines > max_lines:
                    pages.append([])
                    used, lines_used = 0.0, 0
            # A line or two over the style limit beats an orphan "(cont.)" slide.
            if used + height <= capacity and lines_used + len(lines) <= max_lines + (
                ORPHAN_LINES if len(lines) > ORPHAN_LINES else 0
            ):
                pages[-1].append(pending.placed())
                used, lines_used = used + height, lines_used + len(lines)
                continue
            room = min(
                int((capacity - used - para.space_after) // (para.size * LINE_SPACING)),
                max_lines - lines_used,
            )
            fits_alone = height <= capacity and len(lines) <= max_lines
            if pages[-1] and (fits_alone or room < 2):
                pages.append([])
                used, lines_used = 0.0, 0
                queue.appendleft(pending)
                continue
            # At least a word a slide: a box too low for a line must not stop the deck.
            cut = max(_sentence_cut(lines, max(room, 1)), 1)
            head = replace(para, spans=spans_of(pending.words[:cut]))
            if pages[-1] and len(self._lines(head, box)) > room:  # a long word's extra line
                pages.append([])
                used, lines_used = 0.0, 0
                queue.appendleft(pending)
                continue
            pages[-1].append(head)
            if cut < len(pending.words):  # nothing left when a long word's end did not fit
                indent = para.indent + (BULLET_INDENT if para.bullet else 0)
                rest = replace(para, bullet=None, indent=indent)
                queue.appendleft(_Pending(rest, pending.words[cut:], whole=False))
            pages.append([])
            used, lines_used = 0.0, 0
        return [page for page in pages if page]

    def _wrapped(self, pending: _Pending, box: Box, reach: int) -> list[list[Word]]:
        """The paragraph's lines, up to one past `reach` (enough to know it does not fit)."""
        para = pending.para
        width = line_width(para, box.width)
        return self.measure.wrap_words(pending.words, para.size, width, reach + 1)

    def _lines(self, para: TextPara, box: Box) -> list[list[Word]]:
        width = line_width(para, box.width)
        return self.measure.wrap(drawn_spans(para), para.size, width)

    def _para(self, spans: Spans, size: float = BODY_SIZE, **options: object) -> TextPara:
        return TextPara(spans, size * self.scale, **options)  # type: ignore[arg-type]

    def _title_para(
        self, title: str, continued: bool, box: Box, max_lines: int = 1
    ) -> TextPara:
        """The slide title at the largest of the title sizes that keeps it on `max_lines`
        lines and, with one line, within the box's height (a template's title box may be
        low); else at the smallest."""
        text = self.say("continued", title=title) if continued else title
        width = (box.width - 2 * INSET_X) * 72
        room = (box.height - 2 * INSET_Y) * 72
        for size in (size * self.scale for size in TITLE_SIZES):
            para = TextPara((Span(text),), size, color=TITLE_COLOR, bold=True, space_after=0)
            lines = len(self.measure.wrap(drawn_spans(para), size, width))
            if (
                lines <= max_lines
                and (max_lines > 1 or size * LINE_SPACING <= room)
                and widest_word(para, self.measure) <= width
            ):
                break
        return para

    def _logo(self, logo: SourceImage | None) -> tuple[PictureBox, ...]:
        """The department's logo in the title slide's top right corner."""
        if logo is None:
            return ()
        height = LOGO_HEIGHT
        width = min(height * logo.aspect, self.geo.width / 4)
        box = Box(self.geo.width - self.geo.margin - width, 0.3, width, width / logo.aspect)
        pixels = self.geo.screen_pixels_per_inch
        size = (box.width * pixels, box.height * pixels)
        image = ImageRequest(logo, *size, SCREEN_OVERSAMPLE, "deck")
        return (PictureBox(box, image, "Logo", "Logo"),)

    def _fitted(self, para: TextPara, box: Box, share: float = 1.0) -> TextPara:
        """`para` at the largest size, stepping down to 24 pt, whose lines fit in `share` of
        `box` (big one-off texts: the case label, the diagnosis, a conference title)."""
        smallest = 24 * self.scale
        size = para.size
        while size > smallest:
            candidate = replace(para, size=size)
            fits = text_height((candidate,), box.width, self.measure) <= box.height * share
            if fits and widest_word(candidate, self.measure) <= line_width(candidate, box.width):
                return candidate
            size -= 4 * self.scale
        return replace(para, size=smallest)

    def _centre_box(self) -> Box:
        return Box(
            self.geo.margin,
            self.geo.height * 0.3,
            self.geo.width - 2 * self.geo.margin,
            self.geo.height * 0.3,
        )

    def conference_title(self, conference: ConferenceDocument) -> SlidePlan:
        lines = [
            self._fitted(
                TextPara(
                    (Span(conference.title),),
                    44 * self.scale,
                    color=TITLE_COLOR,
                    bold=True,
                    align="center",
                ),
                self._centre_box(),
                share=0.6,
            )
        ]
        details = [
            conference.presenter,
            self.say.long_date(conference.date) if conference.date else None,
        ]
        lines += [
            TextPara((Span(text),), 24 * self.scale, color=MUTED_COLOR, align="center")
            for text in details
            if text
        ]
        count = len(conference.documents)
        return SlidePlan(
            "unknown",
            "title",
            False,
            (TextBox(self._centre_box(), tuple(lines), "Conference", "middle", role="title"),),
            pictures=self._logo(conference.logo),
            notes=self.say(
                "notes_conference" if count != 1 else "notes_conference_one",
                title=conference.title,
                count=count,
            ),
        )

    def divider(self) -> SlidePlan:
        """Marks where a case's answer begins; its notes are the case's own."""
        text = self._fitted(
            TextPara(
                (Span(self.say("answer_divider", label=self.doc.label)),),
                44 * self.scale,
                color=TITLE_COLOR,
                bold=True,
                align="center",
            ),
            self._centre_box(),
        )
        return SlidePlan(
            "answer",
            "divider",
            False,
            (TextBox(self._centre_box(), (text,), "Divider", "middle", role="title"),),
            notes=self.doc.notes,
            footer=self.geo.footer,
            label=self.doc.label,
        )

    def _title(self, title: str) -> TextBox:
        title_para = self._title_para(title, False, self.geo.title)
        return TextBox(self.geo.title, (title_para,), "Title", role="title")


@dataclass
class _Pending:
    """A paragraph, or what is left of it, waiting for a slide."""

    para: TextPara
    words: list[Word]
    whole: bool = True  # the paragraph as written: placed as its own spans

    def placed(self) -> TextPara:
        return self.para if self.whole else replace(self.para, spans=spans_of(self.words))


CLAUSE_ENDS = (";", ":")  # a slide may also break after these


def _sentence_cut(lines: list[list[Word]], room: int) -> int:
    """How many words of the first `room` lines to keep on this slide: through the last
    sentence (or clause) that ends there, unless that would leave the slide less than half
    full. "Fig." and "e.g." end no sentence."""
    words = [word for line in lines[:room] for word in line]
    following = [word.text for line in lines[room : room + 1] for word in line][:1]
    for count in range(len(words), len(words) // 2, -1):
        word = words[count - 1]
        after = words[count].text if count < len(words) else "".join(following)
        # "disease." glued to its citation marker ends the sentence after the marker.
        ends = _ends(word.text, after) or (
            word.span.superscript
            and count >= 2
            and not words[count - 2].space
            and _ends(words[count - 2].text, after)
        )
        if ends and (word.space or count == len(words)):
            return count
    return len(words)


def _ends(text: str, following: str) -> bool:
    return text.endswith(CLAUSE_ENDS) or ends_sentence(text, following)


def _fit(aspect: float, area: Box) -> Box:
    """The largest box of the `aspect` ratio (width / height) centred in `area`."""
    width = min(area.width, area.height * aspect)
    height = width / aspect
    return Box(
        area.x + (area.width - width) / 2, area.y + (area.height - height) / 2, width, height
    )


def _may_pair(first: PublicFigure, second: PublicFigure) -> bool:
    """Two figures a presenter shows side by side: of one study, or both tall and narrow."""
    narrow = first.source.aspect < NARROW and second.source.aspect < NARROW
    return bool(first.study and first.study == second.study) or narrow


def _cells(figures: tuple[PublicFigure, ...], area: Box) -> list[Box]:
    """Boxes side by side in `area`, one a figure, at one height, the row centred."""
    gap = PANEL_GAP * (len(figures) - 1)
    height = min(area.height, (area.width - gap) / sum(f.source.aspect for f in figures))
    x = area.x + (area.width - gap - height * sum(f.source.aspect for f in figures)) / 2
    y = area.y + (area.height - height) / 2
    cells = []
    for figure in figures:
        cells.append(Box(x, y, height * figure.source.aspect, height))
        x += height * figure.source.aspect + PANEL_GAP
    return cells


def _spread(texts: list[str], parts: int) -> list[list[str]]:
    """`texts` in order over `parts` lists, of about equal length in characters."""
    total = sum(len(text) for text in texts) or 1
    spread: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for text in texts:
        spread[min(parts - 1, done * parts // total)].append(text)
        done += len(text)
    return spread


def _differential_notes(doc: Document) -> str:
    """Each item with its note, for the presenter."""
    return "\n".join(
        plain(item.name) + (f": {plain(item.note)}" if item.note else "")
        for item in doc.differential
    )


def _bold(spans: Spans) -> Spans:
    return tuple(replace(span, bold=True) if isinstance(span, Span) else span for span in spans)


def _joined(cells: tuple[Spans, ...], separator: str) -> Spans:
    joined: list = []
    for cell in (cell for cell in cells if cell):
        joined += [Span(separator)] if joined else []
        joined += cell
    return tuple(joined)


def _plain_block(block: DocBlock) -> str:
    if isinstance(block, DocTable):
        return "\n".join(" – ".join(plain(cell) for cell in row)
                         for row in (block.header, *block.rows))
    if not isinstance(block, DocList):
        return plain(block)
    markers = [f"{block.start + j}." if block.ordered else "-" for j in range(len(block.items))]
    return "\n".join(
        f"{marker} {plain(item)}" for marker, item in zip(markers, block.items, strict=True)
    )
