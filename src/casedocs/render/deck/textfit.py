"""Measuring and wrapping slide text with real font metrics, so nothing overflows its box.

PowerPoint draws slides with the viewer's copy of the theme font (Calibri by default, or the
template's); we measure with that font's file, or a metric-compatible one (Carlito for Calibri,
Liberation Sans for Arial), else with DejaVu Sans and a margin, which errs on the side of an
extra "(cont.)" slide, never an overflow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

from casedocs.document.inline import Span
from casedocs.fonts import DECK_FONT, METRIC_TWINS, find_face, find_family

LINE_SPACING = 1.2  # line height as a multiple of the font size, set explicitly on every line
REFERENCE_SIZE = 100  # fonts are loaded once at this size and measurements scaled
# Extra width allowed: a little for rounding and kerning when the font (or its metric twin)
# is at hand; a conservative margin when measuring an unknown font with DejaVu Sans.
SAFETY = {"twin": 1.03, "fallback": 1.1}


@dataclass(frozen=True)
class Word:
    """A word and the space after it, in the style of the span it came from."""

    text: str
    span: Span
    space: str


class TextMeasure:
    """Widths of styled text at a point size, in points."""

    def __init__(self, family: str = DECK_FONT):
        twin = METRIC_TWINS.get(family, family)
        faces = {
            style: find_face(twin, style) for style in ("regular", "bold", "italic", "bold_italic")
        }
        if faces["regular"]:
            self.safety = SAFETY["twin"]
        else:  # neither the font nor a twin: DejaVu Sans (wider than most) with a margin
            fallback = find_family()
            faces = {
                "regular": fallback.regular,
                "bold": fallback.bold,
                "italic": fallback.italic,
                "bold_italic": fallback.bold_italic,
            }
            self.safety = SAFETY["fallback"]
        self._faces: dict[str, Path] = {k: v or faces["regular"] for k, v in faces.items()}

    def width(self, text: str, size: float, bold: bool = False, italic: bool = False) -> float:
        style = ("bold_" if bold else "") + ("italic" if italic else "")
        face = self._faces[style.rstrip("_") or "regular"]
        return _length(face, text) * size / REFERENCE_SIZE * self.safety

    def wrap(self, spans: tuple[Span, ...], size: float, width: float) -> list[list[Word]]:
        """Greedy line breaking of styled spans into lines no wider than `width` points.

        Words joined without a space ("disease" and its superscript "1") break as one unit, as
        PowerPoint breaks them.
        """
        return self.wrap_words(words_of(spans), size, width)

    def wrap_words(
        self, words: list[Word], size: float, width: float, max_lines: int | None = None
    ) -> list[list[Word]]:
        """`wrap` for words already cut; with `max_lines`, it stops after that many lines."""
        lines: list[list[Word]] = [[]]
        used = 0.0
        for unit in _units(words):
            if max_lines is not None and len(lines) > max_lines:
                return lines[:max_lines]
            if unit[0].text == "\n":
                lines.append([])
                used = 0.0
                continue
            unit_width = sum(self._word_width(word, size) for word in unit)
            if lines[-1] and used + unit_width > width:
                lines.append([])
                used = 0.0
            lines[-1] += unit
            if unit_width > width:  # a word longer than the line (a URL) breaks anywhere
                lines += [[] for _ in range(math.ceil(unit_width / width) - 1)]
                unit_width %= width
            last = unit[-1]
            used += unit_width + self.width(last.space, size, last.span.bold, last.span.italic)
        return lines

    def _word_width(self, word: Word, size: float) -> float:
        scale = 0.6 if word.span.superscript or word.span.subscript else 1.0
        return self.width(word.text, size * scale, word.span.bold, word.span.italic)


def _units(words: list[Word]) -> Iterator[list[Word]]:
    """Runs of words glued together without a space: they break as one."""
    unit: list[Word] = []
    for word in words:
        if unit and (unit[-1].space or unit[-1].text == "\n" or word.text == "\n"):
            yield unit
            unit = []
        unit.append(word)
    if unit:
        yield unit


@cache
def _load(path: Path) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), REFERENCE_SIZE)


@lru_cache(maxsize=65536)
def _length(face: Path, text: str) -> float:
    """Width of `text` at REFERENCE_SIZE; words recur (a deck and its unknown variant)."""
    return _load(face).getlength(text)


# A word runs through no-break spaces ("Fig.\u00a03", "4.6\u00a0cm"): a line never breaks there.
_WORD = re.compile(r"((?:[^\s]|\u00a0)+)(\s*)|(\s+)")


def words_of(spans: tuple[Span, ...]) -> list[Word]:
    words: list[Word] = []
    for span in spans:
        if span.text == "\n":
            words.append(Word("\n", span, ""))
            continue
        for match in _WORD.finditer(span.text):
            if match[3]:  # leading space: belongs to the previous word
                if words:
                    words[-1] = replace(words[-1], space=words[-1].space + " ")
                continue
            words.append(Word(match[1], span, " " if match[2] else ""))
    return words


def spans_of(words: list[Word]) -> tuple[Span, ...]:
    """Words back into spans (for the part of a paragraph that goes on a given slide); words
    of one style, whichever span they came from, make one span."""
    runs: list[tuple[Span, list[str]]] = []
    for word in words:
        if not runs or not _same_style(runs[-1][0], word.span):
            runs.append((word.span, []))
        runs[-1][1].append(word.text + word.space)
    spans = [replace(span, text="".join(texts)) for span, texts in runs]
    if spans:
        spans[-1] = replace(spans[-1], text=spans[-1].text.rstrip())
    return tuple(spans)


def _same_style(first: Span, second: Span) -> bool:
    return first is second or replace(first, text="") == replace(second, text="")
