"""Words and sentences of case text, as the answer check and slide pagination see them.

A sentence ends at ".", "?" or "!" followed by a space, except after an abbreviation
("Fig. 2", "e.g. lymphoma", "vs. abscess", "Dr. Lee"), an initial ("J. Smith") or a number
("3. cm" never happens, "approx. 3 cm" does). Words are compared casefolded, NFKC-normalised
(so "⁹⁹ᵐTc" is "99mtc"), split at hyphens, with a light plural stem ("masses" is "mass").
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from casedocs.document.vocabulary import ABBREVIATIONS, IMAGE_WORDS, STOP_WORDS

_SENTENCE_END = re.compile(r"[.?!]+[\"'”’)\]]*(?=\s)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CLAUSE_BREAK = re.compile(r"[;:|?!]")  # phrases do not run across these, nor sentence ends


def ends_sentence(word: str, following: str = "") -> bool:
    """Whether `word` (as typed, with its punctuation) ends a sentence, given the next word."""
    stripped = word.rstrip("\"'”’)]")
    if stripped.endswith(("?", "!")):
        return True
    if not stripped.endswith("."):
        return False
    body = stripped.rstrip(".").lstrip("(['\"“‘").casefold()
    if body in ABBREVIATIONS or (len(body) == 1 and body.isalpha()):
        return False
    if following[:1].islower():
        return False  # "a mass, ie. an abscess": an abbreviation we do not know
    return bool(body)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each stripped; abbreviations do not end one."""
    sentences, start = [], 0
    for end in _sentence_ends(text):
        sentences.append(text[start:end].strip())
        start = end
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _sentence_ends(text: str) -> list[int]:
    ends = []
    for match in _SENTENCE_END.finditer(text):
        word_start = text.rfind(" ", 0, match.start()) + 1
        following = text[match.end() :].lstrip()[:1]
        if ends_sentence(text[word_start : match.end()], following):
            ends.append(match.end())
    return ends


@dataclass(frozen=True)
class Word:
    """A content word of a text: its comparable form and where it stands."""

    key: str  # casefolded, NFKC, plural-stemmed
    start: int
    end: int
    clause: int  # words of one clause may form a phrase
    distinctive: bool  # not ordinary image vocabulary


@lru_cache(maxsize=32768)  # a deck and its unknown variant repeat most of their texts
def content_words(text: str) -> tuple[Word, ...]:
    """The words of `text` that carry meaning: no function words, numbers or single letters."""
    breaks = sorted([*_sentence_ends(text), *(m.start() for m in _CLAUSE_BREAK.finditer(text))])
    words = []
    for match in _WORD.finditer(text):
        key = comparable(match.group())
        if key is not None:
            clause = bisect.bisect_right(breaks, match.start())
            words.append(Word(key, match.start(), match.end(), clause, key not in _IMAGE_KEYS))
    return tuple(words)


def comparable(word: str) -> str | None:
    """The form words are compared in, or None for a word that carries no meaning."""
    word = unicodedata.normalize("NFKC", word).casefold().replace("’", "'")
    word = word.removesuffix("'s")
    if len(word) < 2 or word in STOP_WORDS or any(ch.isdigit() for ch in word):
        return None
    return stem(word)


def stem(word: str) -> str:
    """A light plural stem, the same on both sides of every comparison."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _keys(words: frozenset[str]) -> frozenset[str]:
    return frozenset(
        key for word in words for part in _WORD.findall(word) if (key := comparable(part))
    )


_IMAGE_KEYS = _keys(IMAGE_WORDS)
