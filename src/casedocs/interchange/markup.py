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
    "quiz", "scoredquestion", "threadblock", "block", "input", "button",
}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_ESCAPED = re.compile(r"([\\`*_\[\]^~<>@])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])(?=\s)")
# A paragraph typed as a list item, its marker escaped by _escaped_marker: "1\\. ", "\\- ", "• "
_TEXT_ITEM = re.compile(r"^(?:(?P<number>\d{1,2})\\[.)]|\\[-+*]|[•·▪–])\s+(?P<item>\S.*)$", re.S)


@dataclass
class MarkdownList:
    ordered: bool
    items: list[str]


@dataclass
class MarkdownTable:
    """A table of two or more columns: its first row is its header."""

    header: list[str]
    rows: list[list[str]]

    def lines(self) -> list[str]:
        """Each row as a line, its cells joined by dashes: where a field holds no table."""
        return [" – ".join(c for c in row if c) for row in [self.header, *self.rows]
                if any(row)]


Block = str | MarkdownList | MarkdownTable


@dataclass
class Conversion:
    """What a conversion left out or approximated, by kind: {"table": 2}."""

    notes: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str) -> None:
        self.notes[kind] = self.notes.get(kind, 0) + 1


def tag_of(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def html_tag(element: etree._Element) -> str:
    """An HTML element's name as browsers read it: <P>, <Li> and <p> are one."""
    return tag_of(element).lower()


def html_attribute(element: etree._Element, name: str) -> str | None:
    """An attribute as browsers read it, whatever its letter case (HREF, Src); None when the
    element has none."""
    for key, value in element.attrib.items():
        if etree.QName(key).localname.lower() == name:
            return value
    return None


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
        tag = html_tag(child)
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
            items = [_tidy(inline_of(li, conversion)) for li in child if html_tag(li) == "li"]
            if any(items):
                blocks.append(MarkdownList(tag == "ol", [i for i in items if i]))
        elif tag == "table":
            flush()
            blocks += _table(child, conversion)
        elif tag == "br":
            flush()
        else:
            inline.append(inline_of(child, conversion))
        inline.append(escape(child.tail or ""))
    flush()
    return _lists_written_as_text(blocks)


def _lists_written_as_text(blocks: list[Block]) -> list[Block]:
    """Lines typed as a list ("1. X<br/>2. Y", "- X<br/>- Y") as the list they mean: two or
    more in a row, numbered 1, 2, 3 or all bulleted."""
    result: list[Block] = []
    run: list[tuple[int | None, str, str]] = []  # (number or None, item, paragraph)

    def close() -> None:
        numbers = [number for number, _, _ in run]
        numbered = numbers == list(range(1, len(run) + 1))
        if len(run) >= 2 and (numbered or numbers == [None] * len(run)):
            result.append(MarkdownList(numbered, [item for _, item, _ in run]))
        else:
            result.extend(paragraph for _, _, paragraph in run)
        run.clear()

    for block in blocks:
        found = _TEXT_ITEM.match(block) if isinstance(block, str) else None
        if found is None:
            close()
            result.append(block)
            continue
        number = int(found["number"]) if found["number"] else None
        if run and (number is None) != (run[-1][0] is None):
            close()
        run.append((number, found["item"], block))
    close()
    return result


def inline_of(element: etree._Element, conversion: Conversion) -> str:
    """An element as inline Markdown (its tail not included)."""
    tag = html_tag(element)
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
        href = (html_attribute(element, "href") or "").strip()
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


def _table(table: etree._Element, conversion: Conversion) -> list[Block]:
    """A table of two or more columns and rows as a table (its first row the header); a
    one-column or one-row table as a paragraph per row."""
    conversion.note("table")
    rows = []
    for row in table.iter():
        if html_tag(row) == "tr":
            cells = [_tidy(inline_of(cell, conversion)) for cell in row if html_tag(cell) in
                     ("td", "th")]
            if any(cells):
                rows.append(cells)
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    if width < 2 or len(rows) < 2:
        return [" – ".join(cell for cell in row if cell) for row in rows]
    header = [_unbolded(cell) for cell in rows[0]]
    return [MarkdownTable(header, rows[1:])]


def _unbolded(cell: str) -> str:
    """A header cell the author made bold: a header is bold already."""
    return cell[2:-2] if cell.startswith("**") and cell.endswith("**") and len(cell) > 4 else cell


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def as_text(blocks: list[Block]) -> str:
    """Blocks as one Markdown text: paragraphs and lists separated by blank lines."""
    parts = []
    for block in blocks:
        if isinstance(block, MarkdownTable):
            parts.append(_pipe_table(block))
        elif isinstance(block, MarkdownList):
            parts.append("\n".join(
                f"{n}. {item}" if block.ordered else f"- {item}"
                for n, item in enumerate(block.items, 1)
            ))
        else:
            parts.append(block)
    return "\n\n".join(parts)


def _pipe_table(table: MarkdownTable) -> str:
    """The table as the case format writes one (a pipe table; a pipe in a cell escaped)."""
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    lines = [row(table.header), "| " + " | ".join("---" for _ in table.header) + " |"]
    return "\n".join(lines + [row(cells) for cells in table.rows])


def plain(element: etree._Element) -> str:
    """An element's text with the markup left out, spaces tidied."""
    return _tidy("".join(element.itertext()))
