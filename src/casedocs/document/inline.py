"""Inline text: a Markdown parser with two extra rules, citations and figure references.

Text fields are parsed by markdown-it-py, not regular expressions, into a flat tuple of
`Span`s (styled text) and reference placeholders (`Citation`, `FigureRef`). Placeholders are
numbered later, once, by the document; both renderers draw the same spans. Raw HTML and
character entities are never interpreted: `<para>` and `&amp;` print as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from casedocs.document.typography import tie
from casedocs.source.model import CITE_KEY_PATTERN, SLUG_PATTERN

FIGURE_PREFIX = "fig-"


@dataclass(frozen=True)
class Span:
    """A run of text in one style. A lone "\\n" is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    subscript: bool = False
    href: str | None = None


@dataclass(frozen=True)
class CitedWork:
    id: str
    locator: str | None = None


@dataclass(frozen=True)
class Citation:
    """`[@a; @b, p. 12]`; `source` is the text as typed, to find it again for error reports."""

    works: tuple[CitedWork, ...]
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class FigureRef:
    """`@fig-a` or `[@fig-a; @fig-b]`."""

    ids: tuple[str, ...]
    source: str = field(default="", compare=False)


Inline = Span | Citation | FigureRef
Paragraph = tuple[Inline, ...]


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list (in discussion and management only); items are flat."""

    ordered: bool
    start: int
    items: tuple[Paragraph, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table (in discussion and management only): a header row and body rows of cells."""

    header: tuple[Paragraph, ...]
    rows: tuple[tuple[Paragraph, ...], ...]

    @property
    def cells(self) -> tuple[Paragraph, ...]:
        """Every cell, the header's first, row by row."""
        return (*self.header, *(cell for row in self.rows for cell in row))


Block = Paragraph | ListBlock | TableBlock

_KEY = rf"@(?P<key>{CITE_KEY_PATTERN})(?:\s*,\s*(?P<locator>[^;\]]*[^;\]\s]))?\s*"
_BRACKET = re.compile(
    rf"\[\s*{_KEY}(?:;\s*{_KEY.replace('?P<key>', '').replace('?P<locator>', '')})*\]"
)
_ONE_KEY = re.compile(_KEY)
_BARE_FIGURE = re.compile(rf"@{FIGURE_PREFIX}(?P<id>{SLUG_PATTERN})")


def parse_inline(text: str) -> Paragraph:
    """One field of inline text (no paragraphs or lists: "1987. Gumbs" stays a sentence)."""
    tokens = _parser().parseInline(_normalize(text))
    return _spans(tokens[0].children or [])


def parse_blocks(text: str) -> tuple[Block, ...]:
    """A field of paragraphs separated by blank lines, bulleted or numbered lists, and tables
    (GitHub's pipe tables, as Pandoc and MkDocs read them)."""
    blocks: list[Block] = []
    current: ListBlock | None = None
    table: list[list[Paragraph]] | None = None  # its rows, the header's first
    depth = 0
    for token in _parser(lists=True).parse(_normalize(text)):
        if token.type == "table_open":
            table = []
        elif token.type == "tr_open" and table is not None:
            table.append([])
        elif token.type == "table_close" and table:
            blocks.append(TableBlock(tuple(table[0]), tuple(tuple(row) for row in table[1:])))
            table = None
        elif token.type in ("th_open", "td_open") and table is not None:
            table[-1].append(())  # an empty cell has no inline token
        elif token.type == "inline" and table is not None:
            table[-1][-1] = _spans(token.children or [])
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                start = int(token.attrs.get("start", 1) or 1)
                current = ListBlock(token.type == "ordered_list_open", start, ())
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and current is not None:
                blocks.append(current)
                current = None
        elif token.type == "inline":
            spans = _spans(token.children or [])
            if current is not None:  # nested lists are flattened into their parent
                current = replace(current, items=(*current.items, spans))
            else:
                blocks.append(spans)
    return tuple(blocks)


def parse_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """A field of paragraphs separated by blank lines (list markers stay literal text)."""
    paragraphs = []
    tokens = _parser().parse(_normalize(text))
    for block, inline in zip(tokens, tokens[1:], strict=False):
        if block.type == "paragraph_open" and inline.type == "inline":
            paragraphs.append(_spans(inline.children or []))
    return tuple(paragraphs)


def plain_text(paragraph: Paragraph) -> str:
    """The text of spans alone (placeholders dropped): for notes, alt text, leak checks."""
    return "".join(item.text for item in paragraph if isinstance(item, Span))


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@cache
def _parser(lists: bool = False) -> MarkdownIt:
    rules = ["emphasis", "escape", "newline", "link", "smartquotes",
             *(["list", "table"] if lists else [])]
    # Typographic quotes and apostrophes ("it's" prints as "it’s"); no other replacements.
    md = MarkdownIt("zero", {"typographer": True, "quotes": "\u201c\u201d\u2018\u2019"})
    md.enable(rules)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("emphasis", "figure_ref", _figure_rule)
    md.inline.ruler.before("emphasis", "superscript", _delimited_rule("^", "superscript"))
    md.inline.ruler.before("emphasis", "subscript", _delimited_rule("~", "subscript"))
    return md


def _delimited_rule(marker: str, kind: str):  # noqa: ANN202
    """Pandoc's ^superscript^ and ~subscript~: no unescaped spaces inside the markers."""
    pattern = re.compile(rf"\{marker}((?:\\.|[^\s\\{marker}])+)\{marker}")

    def rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != marker:
            return False
        match = pattern.match(state.src, state.pos)
        if match is None:
            return False
        if not silent:
            token = state.push(kind, "", 0)
            token.content = re.sub(r"\\(.)", r"\1", match[1])
        state.pos = match.end()
        return True

    return rule


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = _BRACKET.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        inner = state.src[match.start() + 1 : match.end() - 1]
        works = tuple(CitedWork(m["key"], m["locator"]) for m in _ONE_KEY.finditer(inner))
        figures = tuple(
            w.id.removeprefix(FIGURE_PREFIX) for w in works if w.id.startswith(FIGURE_PREFIX)
        )
        cited = tuple(w for w in works if not w.id.startswith(FIGURE_PREFIX))
        source = match.group(0)
        if figures:
            state.push("figure_ref", "", 0).meta = {"ref": FigureRef(figures, source)}
        if cited:
            state.push("citation", "", 0).meta = {"ref": Citation(cited, source)}
    state.pos = match.end()
    return True


def _figure_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_."):
        return False  # part of an e-mail address or a word
    match = _BARE_FIGURE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        state.push("figure_ref", "", 0).meta = {"ref": FigureRef((match["id"],), match.group(0))}
    state.pos = match.end()
    return True


def _spans(tokens: list[Token]) -> Paragraph:
    result: list[Inline] = []
    bold = italic = 0
    href: str | None = None
    for token in tokens:
        kind = token.type
        if kind in ("text", "text_special"):
            result.append(Span(token.content, bold=bold > 0, italic=italic > 0, href=href))
        elif kind == "softbreak":
            result.append(Span(" ", bold=bold > 0, italic=italic > 0, href=href))
        elif kind == "hardbreak":
            result.append(Span("\n"))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            href = str(token.attrs.get("href", "")) or None
        elif kind == "link_close":
            href = None
        elif kind in ("citation", "figure_ref"):
            result.append(token.meta["ref"])
        elif kind in ("superscript", "subscript"):
            result.append(
                Span(token.content, bold=bold > 0, italic=italic > 0, href=href, **{kind: True})
            )
    return _merge_spans(result)


def _merge_spans(items: list[Inline]) -> Paragraph:
    merged: list[Inline] = []
    for item in items:
        if isinstance(item, Span) and not item.text:
            continue
        previous = merged[-1] if merged else None
        if (
            isinstance(item, Span)
            and isinstance(previous, Span)
            and "\n" not in item.text + previous.text
            and replace(previous, text="") == replace(item, text="")
        ):
            merged[-1] = replace(previous, text=previous.text + item.text)
        else:
            merged.append(item)
    return tuple(replace(item, text=tie(item.text)) if isinstance(item, Span) else item
                 for item in merged)
