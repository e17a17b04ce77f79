"""The HTML inside a MIRCdocument section, as the case format's Markdown.

Only what the case format can hold is kept: paragraphs, bold, italics, sub- and superscript,
links and flat lists. Headings become bold paragraphs, tables a paragraph per row, and what
cannot be shown (embedded images, scripts, MIRC's buttons) is dropped; each is noted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

INLINE_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "sup": "^", "sub": "~"}
TRANSPARENT = {"span", "font", "u", "small", "big", "tt", "code", "text", "term", "abbr", "cite",
               "td", "th", "tr", "tbody", "thead", "tfoot", "li"}
BLOCKS = {"p", "div", "center", "blockquote", "section", "pre", "text-caption"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
DROPPED = {
    "image", "img", "iframe", "script", "style", "object", "embed", "show", "insert-megasave",
    "insert-image", "insert-note", "insert-user", "insert-date", "insert-time", "metadata-refs",
    "quiz", "ScoredQuestion", "threadblock", "block", "input", "button",
}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_ESCAPED = re.compile(r"([\\`*_\[\]^~<>@])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])(?=\s)")


@dataclass
class MarkdownList:
    ordered: bool
    items: list[str]


Block = str | MarkdownList


@dataclass
class Conversion:
    """What a conversion left out or approximated, by kind: {"table": 2}."""

    notes: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str) -> None:
        self.notes[kind] = self.notes.get(kind, 0) + 1


def tag_of(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def escape(text: str) -> str:
    """Text that the Markdown parser prints as typed."""
    return _ESCAPED.sub(r"\\\1", text)


def blocks_of(element: etree._Element, conversion: Conversion) -> list[Block]:
    """An element's content as paragraphs and lists."""
    blocks: list[Block] = []
    inline: list[str] = []

    def flush() -> None:
        paragraph = _tidy("".join(inline))
        inline.clear()
        if paragraph:
            blocks.append(_LINE_START.sub(_escaped_marker, paragraph, count=1))

    inline.append(escape(element.text or ""))
    for child in element:
        tag = tag_of(child)
        if tag in BLOCKS:
            flush()
            blocks += blocks_of(child, conversion)
        elif tag in HEADINGS:
            flush()
            heading = _tidy(inline_of(child, conversion))
            if heading:
                blocks.append(f"**{heading}**")
        elif tag in ("ul", "ol"):
            flush()
            items = [_tidy(inline_of(li, conversion)) for li in child if tag_of(li) == "li"]
            if any(items):
                blocks.append(MarkdownList(tag == "ol", [i for i in items if i]))
        elif tag == "table":
            flush()
            conversion.note("table")
            blocks += _table_rows(child, conversion)
        elif tag == "br":
            flush()
        else:
            inline.append(inline_of(child, conversion))
        inline.append(escape(child.tail or ""))
    flush()
    return blocks


def inline_of(element: etree._Element, conversion: Conversion) -> str:
    """An element as inline Markdown (its tail not included)."""
    tag = tag_of(element)
    if tag in DROPPED or not tag:
        if tag and tag != "image":  # a section's images are figures (mirc_import.py)
            conversion.note(tag)
        return ""
    if tag == "br":
        return " "
    inner = escape(element.text or "") + "".join(
        inline_of(child, conversion) + escape(child.tail or "") for child in element
    )
    if tag in INLINE_MARKS:
        return _marked(inner, INLINE_MARKS[tag])
    if tag == "a":
        href = (element.get("href") or "").strip()
        text = _tidy(inner)
        if href.startswith(_LINK_SCHEMES) and text:
            return f"[{text}]({href.replace(')', '%29').replace(' ', '%20')})"
        return inner
    if tag not in TRANSPARENT and tag not in BLOCKS and tag not in HEADINGS:
        conversion.note(tag)
    return inner


def _escaped_marker(found: re.Match) -> str:
    """A paragraph's opening "1." or "-" stays text, not a list ("1\\." and "\\-": a
    backslash escapes punctuation only)."""
    marker = found[2]
    escaped = f"{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"\\{marker}"
    return found[1] + escaped


def _marked(inner: str, mark: str) -> str:
    """`**x**`, `^x^`: the marks hug the text (spaces go outside), and sub- and superscript
    may hold no space at all."""
    stripped = inner.strip()
    if not stripped:
        return inner
    if mark in ("^", "~"):
        stripped = stripped.replace(" ", "\\ ")
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _table_rows(table: etree._Element, conversion: Conversion) -> list[Block]:
    rows = []
    for row in table.iter():
        if tag_of(row) == "tr":
            cells = [_tidy(inline_of(cell, conversion)) for cell in row if tag_of(cell) in
                     ("td", "th")]
            text = " – ".join(cell for cell in cells if cell)
            if text:
                rows.append(text)
    return rows


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def as_text(blocks: list[Block]) -> str:
    """Blocks as one Markdown text: paragraphs and lists separated by blank lines."""
    parts = []
    for block in blocks:
        if isinstance(block, MarkdownList):
            parts.append("\n".join(
                f"{n}. {item}" if block.ordered else f"- {item}"
                for n, item in enumerate(block.items, 1)
            ))
        else:
            parts.append(block)
    return "\n\n".join(parts)


def plain(element: etree._Element) -> str:
    """An element's text with the markup left out, spaces tidied."""
    return _tidy("".join(element.itertext()))
