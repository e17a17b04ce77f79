"""What is answer and what is public: one definition for validation, renderers and the
read-back check of finished files.

Public, shown before the answer: the history, the case label (series and number, or
"Case n"), the metadata (modality, anatomy, subspecialty, difficulty), each figure's view,
alt text and notes, a conference's title, and the words casedocs adds itself (prompts,
headings, figure labels, citation numbers).

Answer: the title, diagnosis, keywords, differential, findings, captions (beyond the view they
start with), discussion, teaching points, management, annotation labels and references.

Public text carries answer content when it holds
- a whole answer unit that says something: a field, or a sentence of a longer one, with a
  distinctive word (one that is not ordinary image vocabulary; see vocabulary.py); or
- a distinctive phrase of the title, diagnosis, keywords, differential, findings or captions:
  two or more words in a row, one of them distinctive ("crescentic extra-axial collection"),
unless the history says the same (a differential item the history names is public).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from casedocs.document.inline import (
    ListBlock,
    Span,
    TableBlock,
    parse_blocks,
    parse_inline,
    plain_text,
)
from casedocs.document.metadata import Metadata
from casedocs.document.words import Word, content_words, split_sentences
from casedocs.errors import Problem
from casedocs.figures import SourceImage
from casedocs.source.model import Case

PUBLIC_FIELDS = (
    "history",
    "series",
    "number",
    "modality",
    "anatomy",
    "subspecialty",
    "difficulty",
    "figures[].view",
    "figures[].alt",
    "figures[].notes",
)
# A figure with answer_only: true is answer as a whole: its view and alt are never public.
ANSWER_FIELDS = (
    "title",
    "diagnosis",
    "keywords",
    "differential",
    "findings",
    "figures[].caption",
    "discussion",
    "teaching_points",
    "management",
    "figures[].annotations",
    "references",
    "findings[].notes",
    "notes",
)


@dataclass(frozen=True)
class PublicFigure:
    """A figure as it may be shown before the answer: clean pixels and neutral words."""

    id: str
    number: int
    view: str
    alt: str
    source: SourceImage
    notes: str = ""  # the presenter's notes for its unknown slide
    study: str = ""  # equal for figures of one study (studies.py): the view's own words


@dataclass(frozen=True)
class PublicPart:
    """All a renderer may show before the answer (with the wording it adds itself): what an
    unknown slide or a worksheet is made from, so no answer field is within its reach."""

    label: str
    history: tuple[Span, ...]
    figures: tuple[PublicFigure, ...]
    logo: SourceImage | None
    metadata: Metadata = Metadata()


MIN_SENTENCE_WORDS = 2  # a sentence cut from a longer text counts from two content words


@dataclass(frozen=True)
class Unit:
    """An answer text that may not appear whole in public text."""

    field: str  # as the user reads it: "findings[1]", "figures[cxr].caption"
    words: tuple[str, ...]


@dataclass(frozen=True)
class Leak:
    field: str  # the answer field the public text repeats
    quote: str  # the public text's words that repeat it, as written


@dataclass(frozen=True)
class AnswerKey:
    """Everything of one or more cases that must not appear before the answer."""

    units: tuple[Unit, ...] = ()
    phrases: tuple[tuple[tuple[str, str], str], ...] = ()  # distinctive word pairs, field
    public: tuple[str, ...] = ()  # texts shown anyway (histories, generated wording)

    @staticmethod
    def merged(keys: Iterable[AnswerKey]) -> AnswerKey:
        """One key for the cases shown together: any history shown may say what it says."""
        keys = list(keys)
        return AnswerKey(
            tuple(u for k in keys for u in k.units),
            tuple(p for k in keys for p in k.phrases),
            tuple(t for k in keys for t in k.public),
        )

    def allowing(self, *texts: str) -> AnswerKey:
        """The key with `texts` (wording the outputs add themselves) counted as public."""
        return AnswerKey(self.units, self.phrases, (*self.public, *texts))

    def leaks_in(self, text: str) -> list[Leak]:
        """Answer content in one public text, a leak per answer field."""
        words = content_words(text)
        found: dict[str, Leak] = {}
        for leak in [*self._whole_units_in(text, words), *self._phrases_in(text, words)]:
            found.setdefault(leak.field, leak)
        return list(found.values())

    def found_in(self, pieces: Iterable[tuple[str, str]]) -> list[str]:
        """What of the answer the pieces of a finished file (where, text) carry: "the
        diagnosis ('subdural haematoma') on slide 3", once per answer field."""
        found: dict[str, str] = {}
        for place, text in dict.fromkeys(pieces):
            if any(ch.isalpha() for ch in text):
                for leak in self.leaks_in(text):
                    found.setdefault(leak.field, f"the {leak.field} ('{leak.quote}') on {place}")
        return [found[field] for field in sorted(found)]

    def fields_in(self, texts: Iterable[str]) -> list[str]:
        """The answer fields any of `texts` (the pieces of a finished file) repeats."""
        unique = dict.fromkeys(text for text in texts if any(ch.isalpha() for ch in text))
        return sorted({leak.field for text in unique for leak in self.leaks_in(text)})

    def says_publicly(self, words: Iterable[str]) -> bool:
        """Whether a public text (a history) says these compared words, in this order."""
        words = tuple(words)
        tokens, positions = self._history_tokens
        return any(
            tuple(tokens[at : at + len(words)]) == words for at in positions.get(words[0], ())
        ) if words else False

    def _whole_units_in(self, text: str, words: Sequence[Word]) -> Iterator[Leak]:
        """Each unit found in the text, where it first occurs; units are looked up by their
        first two words, so a key of many cases costs no more than one."""
        keys = [word.key for word in words]
        index = self._units_by_head
        for at in range(len(keys)):
            heads = [(keys[at],), tuple(keys[at : at + 2])] if at + 1 < len(keys) else [
                (keys[at],)
            ]
            for head in heads:
                for unit in index.get(head, ()):
                    if tuple(keys[at : at + len(unit.words)]) == unit.words:
                        yield Leak(unit.field, _quote(text, words[at : at + len(unit.words)]))

    def _phrases_in(self, text: str, words: Sequence[Word]) -> Iterator[Leak]:
        phrases = self._live_phrases
        index = 0
        while index < len(words) - 1:
            end = index
            answer_field = None
            while end + 1 < len(words) and words[end + 1].clause == words[end].clause:
                pair_field = phrases.get((words[end].key, words[end + 1].key))
                if pair_field is None or answer_field not in (None, pair_field):
                    break
                answer_field, end = pair_field, end + 1
            if answer_field is not None:
                yield Leak(answer_field, _quote(text, words[index : end + 1]))
            index = max(end, index + 1)  # a run for another field may start where this ends

    @cached_property
    def _history_tokens(self) -> tuple[list[str], dict[str, list[int]]]:
        """The public texts' compared words, one list ("|" between texts), with where each
        word occurs."""
        tokens: list[str] = []
        for text in self.public:
            tokens += [w.key for w in content_words(text)] + ["|"]
        positions: dict[str, list[int]] = {}
        for at, token in enumerate(tokens):
            positions.setdefault(token, []).append(at)
        return tokens, positions

    @cached_property
    def _history_pairs(self) -> frozenset[tuple[str, str]]:
        tokens, _ = self._history_tokens
        return frozenset(zip(tokens, tokens[1:], strict=False))

    @cached_property
    def _units_by_head(self) -> dict[tuple[str, ...], list[Unit]]:
        """The units no public text says, once each, by their first two words (one for a
        one-word unit)."""
        index: dict[tuple[str, ...], list[Unit]] = {}
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for unit in self.units:
            if (unit.field, unit.words) in seen or self.says_publicly(unit.words):
                continue
            seen.add((unit.field, unit.words))
            index.setdefault(unit.words[:2], []).append(unit)
        return index

    @cached_property
    def _live_phrases(self) -> dict[tuple[str, str], str]:
        said = self._history_pairs
        live: dict[tuple[str, str], str] = {}
        for pair, answer_field in self.phrases:
            if pair not in said:
                live.setdefault(pair, answer_field)
        return live


def _quote(text: str, words: Sequence[Word]) -> str:
    return text[words[0].start : words[-1].end]


def answer_key(case: Case) -> AnswerKey:
    """The answer of one case, from its fields as written (citations and figure references
    dropped: generated text is never an answer)."""
    builder = KeyBuilder()  # whole texts: their other phrases say the context, as histories do
    builder.add("title", case.title)
    diagnosis = _plain(case.diagnosis)
    builder.add("diagnosis", diagnosis)
    builder.add("diagnosis", _HEAD_END.split(diagnosis, maxsplit=1)[0])
    for keyword in case.keywords:
        builder.add("keywords", _plain(keyword), phrases=True)
    for item in case.differential:
        builder.add("differential", _plain(item.name), phrases=True)
        if item.note:
            builder.add("differential", _plain(item.note), phrases=True)
    for i, finding in enumerate(case.findings):
        builder.add(f"findings[{i}]", _plain(finding.text), phrases=True)
        if finding.notes:
            builder.add(f"findings[{i}].notes", finding.notes)
    for figure in case.figures:
        caption = _plain(figure.caption)
        if not figure.answer_only:  # an answer-only figure's view is never shown before it
            caption = caption_answer(caption, figure.view)
        builder.add(f"figures[{figure.id}].caption", caption, phrases=True)
        for annotation in figure.annotations:
            if annotation.label:
                builder.add(f"figures[{figure.id}].annotations", annotation.label)
    for name, text in (("discussion", case.discussion), ("management", case.management)):
        for block_text in _block_texts(text):
            builder.add(name, block_text)
    for point in case.teaching_points:
        builder.add("teaching_points", _plain(point))
    for reference in case.references:
        builder.add(f"references[{reference.id}]", reference.title)
    if case.notes:
        builder.add("notes", case.notes)
    return builder.key(public=(_plain(case.history),))


class KeyBuilder:
    """Collects answer texts into an AnswerKey."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.phrases: list[tuple[tuple[str, str], str]] = []

    def key(self, public: tuple[str, ...] = ()) -> AnswerKey:
        return AnswerKey(tuple(self.units), tuple(self.phrases), public)

    def add(self, answer_field: str, text: str, phrases: bool = False) -> None:
        """`text` whole, each of its sentences when it has several, and (`phrases`) its
        distinctive word pairs."""
        self._unit(answer_field, content_words(text), 1)
        sentences = split_sentences(text)
        if len(sentences) > 1:
            for sentence in sentences:
                self._unit(answer_field, content_words(sentence), MIN_SENTENCE_WORDS)
        if phrases:
            self._phrases(answer_field, content_words(text))

    def _unit(self, answer_field: str, words: Sequence[Word], minimum: int) -> None:
        if len(words) >= minimum and any(word.distinctive for word in words):
            self.units.append(Unit(answer_field, tuple(word.key for word in words)))

    def _phrases(self, answer_field: str, words: Sequence[Word]) -> None:
        for first, second in zip(words, words[1:], strict=False):
            if first.clause == second.clause and (first.distinctive or second.distinctive):
                self.phrases.append(((first.key, second.key), answer_field))


def caption_answer(caption: str, view: str | None) -> str:
    """What a caption says beyond naming the image: after a "view:" opening that names
    nothing distinctive or nothing the view does not ("Coronal reformat: the collection ...",
    "Left CC view, BB on the palpable area: a mass ..."), or after the figure's view when the
    caption starts with it. "Frontal chest radiograph." says nothing beyond."""
    opening, colon, rest = caption.partition(":")
    view_words = {word.key for word in content_words(view or "")}
    if colon and all(
        not word.distinctive or word.key in view_words for word in content_words(opening)
    ):
        return rest.strip()
    if view:
        view_keys = [word.key for word in content_words(view)]
        words = content_words(caption)
        if view_keys and [word.key for word in words[: len(view_keys)]] == view_keys:
            after = words[len(view_keys) - 1].end
            return caption[after:].strip(" .,;:-")
    return caption


def _plain(text: str) -> str:
    return plain_text(parse_inline(text))


def _block_texts(text: str | None) -> Iterator[str]:
    for block in parse_blocks(text) if text else ():
        if isinstance(block, ListBlock):
            yield from (plain_text(item) for item in block.items)
        elif isinstance(block, TableBlock):  # a row is what says something, not a cell
            for row in (block.header, *block.rows):
                yield " – ".join(plain_text(cell) for cell in row)
        else:
            yield plain_text(block)


# -- validation: public fields of a case -------------------------------------------------------


def public_field_problems(case: Case, key: AnswerKey) -> list[Problem]:
    """Public fields that carry answer content, each named with the answer field it repeats."""
    fields: list[tuple[tuple[str | int, ...], str | None]] = [(("series",), case.series)]
    fields += [(("anatomy", i), part) for i, part in enumerate(case.anatomy)]
    for i, figure in enumerate(case.figures):
        if figure.answer_only:  # its words are answer, like its caption
            continue
        fields += [(("figures", i, "view"), figure.view), (("figures", i, "alt"), figure.alt)]
        fields += [(("figures", i, "notes"), figure.notes)]
    problems = [
        problem for path, text in fields if text for problem in leak_problems(path, text, key)
    ]
    return problems + _history_problems(case) + _id_problems(case, key)


# Where a diagnosis's head ends and its context begins: "Splenic artery pseudoaneurysm |
# complicating chronic pancreatitis", "Gicht | bei Niereninsuffizienz".
_HEAD_END = re.compile(
    r"\s*[,;:(]|\s+(?:complicating|in|with|without|due to|secondary to|after|following|"
    r"caused by|from|on|bei|mit|nach|durch|infolge|im|in der|unter)\s+", re.IGNORECASE)


def history_leaks(case: Case) -> list[Leak]:
    """Where the history names the whole title, the whole diagnosis or the diagnosis's head."""
    builder = KeyBuilder()  # whole texts: their other phrases say the context, as histories do
    builder.add("title", case.title)
    diagnosis = _plain(case.diagnosis)
    builder.add("diagnosis", diagnosis)
    builder.add("diagnosis", _HEAD_END.split(diagnosis, maxsplit=1)[0])
    return builder.key().leaks_in(_plain(case.history))


def _history_problems(case: Case) -> list[Problem]:
    """The history is shown before the answer, and everything it says is public: one that
    names the diagnosis or the title gives the case away, unless the case says it does so on
    purpose (`history_names_answer: true`)."""
    leaks = [] if case.history_names_answer else history_leaks(case)
    if not leaks:
        return []
    repeated = "; ".join(f"the {leak.field} ('{leak.quote}')" for leak in leaks)
    return [Problem(("history",), f"shown before the answer, but names {repeated}; if that is "
                    "meant (a known disease, a follow-up case), add history_names_answer: true",
                    needle=leaks[0].quote)]


def leak_problems(path: tuple[str | int, ...], text: str, key: AnswerKey) -> list[Problem]:
    leaks = key.leaks_in(text)
    if not leaks:
        return []
    repeated = "; ".join(f"the {leak.field} ('{leak.quote}')" for leak in leaks[:3])
    return [Problem(path, f"shown before the answer, but repeats {repeated}", needle=None)]


def _id_problems(case: Case, key: AnswerKey) -> list[Problem]:
    """The id names the files residents get before the conference: not one distinctive word
    of the title, diagnosis, keywords or differential may be in it (unless the history says
    it; a label that says it is refused itself)."""
    id_words = {w.key: w for w in content_words(case.id.replace("-", " "))}
    sources = [("title", case.title), ("diagnosis", case.diagnosis)]
    sources += [("keywords", keyword) for keyword in case.keywords]
    sources += [("differential", item.name) for item in case.differential]
    for source, text in sources:
        for word in content_words(_plain(text)):
            if (
                word.distinctive
                and word.key in id_words
                and not key.says_publicly([word.key])
            ):
                shown = case.id.replace("-", " ")[id_words[word.key].start : id_words[word.key].end]
                return [
                    Problem(
                        ("id",),
                        "the id names output files that residents see before the answer; it "
                        f"must not contain '{shown}' from the {source}",
                    )
                ]
    return []
