"""MIRC section HTML as case-format Markdown: golden conversions, and the Markdown reads back
as the same text through the case format's own parser."""

from __future__ import annotations

import pytest
from lxml import etree

from casedocs.document.inline import parse_blocks, parse_inline, plain_text
from casedocs.interchange.markup import Conversion, MarkdownList, as_text, blocks_of


def convert(html: str) -> tuple[list, Conversion]:
    conversion = Conversion()
    return blocks_of(etree.fromstring(f"<section>{html}</section>"), conversion), conversion


@pytest.mark.parametrize("html, markdown", [
    ("<p>Plain text.</p>", "Plain text."),
    ("<p>A <b>bold</b> and <i>italic</i> word.</p>", "A **bold** and *italic* word."),
    ("<p>A <strong> spaced </strong>word.</p>", "A **spaced** word."),
    ("<p>T<sub>2</sub> and 5 cm<sup>3</sup>.</p>", "T~2~ and 5 cm^3^."),
    ("<p>In <sup>99m Tc</sup>.</p>", "In ^99m\\ Tc^."),
    ("<p><a href='https://doi.org/10.1/x'>a link</a></p>", "[a link](https://doi.org/10.1/x)"),
    ("<p><a href='javascript:alert(1)'>no link</a></p>", "no link"),
    ("<p>Stars * and [brackets] and @mentions_ </p>",
     "Stars \\* and \\[brackets\\] and \\@mentions\\_"),
    ("<p>1. Not a list</p>", "1\\. Not a list"),
    ("<p>- Not a bullet</p>", "\\- Not a bullet"),
    ("Loose text<br/>next line", "Loose text\n\nnext line"),
    ("<h3>Pearl</h3><p>Text</p>", "**Pearl**\n\nText"),
    ("<p>Spaces\n   tidied\u00a0here</p>", "Spaces tidied here"),
])
def test_golden_conversions(html: str, markdown: str) -> None:
    blocks, _ = convert(html)
    assert as_text(blocks) == markdown


def test_lists_stay_lists() -> None:
    blocks, _ = convert("<ul><li>One</li><li>Two <b>bold</b></li></ul><ol><li>First</li></ol>")
    assert blocks == [MarkdownList(False, ["One", "Two **bold**"]), MarkdownList(True, ["First"])]
    assert as_text(blocks) == "- One\n- Two **bold**\n\n1. First"


def test_what_cannot_be_shown_is_dropped_and_noted() -> None:
    blocks, conversion = convert(
        "<p>See <image src='a.jpg'/>here<show image='1'/>.</p><table><tr><td>A</td>"
        "<td>B</td></tr></table><script>x()</script>")
    assert as_text(blocks) == "See here.\n\nA – B"
    assert conversion.notes == {"show": 1, "table": 1, "script": 1}  # images become figures


@pytest.mark.parametrize("html", [
    "<p>Odd * characters [1] _under_ `code` &lt;tag&gt; ^caret^ ~tilde~ @fig-x \\ back</p>",
    "<p>Ratio 3:1; 50% (n=4) &amp; more.</p>",
])
def test_escaped_text_reads_back_as_typed(html: str) -> None:
    blocks, _ = convert(html)
    expected = " ".join(etree.fromstring(html).itertext()).strip()
    assert plain_text(parse_inline(blocks[0])) == expected
    assert len(parse_blocks(as_text(blocks))) == 1
