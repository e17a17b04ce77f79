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


@pytest.mark.parametrize("html, markdown", [
    ("<P>One.</P><P>Two.</P>", "One.\n\nTwo."),
    ("<P>Neutrophils 12 x 10<SUP>9</SUP>/L<BR/>CRP 80</P>", "Neutrophils 12 x 10^9^/L\n\nCRP 80"),
    ("<UL><LI>One</LI><Li>Two <B>bold</B></Li></UL>", "- One\n- Two **bold**"),
    ("<p><A HREF='https://doi.org/10.1/x'>a link</A></p>", "[a link](https://doi.org/10.1/x)"),
    ("<P>See<SCRIPT>x()</SCRIPT> here.</P>", "See here."),
], ids=["paragraphs", "superscript-and-break", "list", "link", "script"])
def test_upper_case_html_reads_as_browsers_read_it(html: str, markdown: str) -> None:
    """Older editors wrote <P>, <LI>, <BR/>, <SUP>: the same HTML to a browser."""
    blocks, _ = convert(html)
    assert as_text(blocks) == markdown


@pytest.mark.parametrize("html, expected", [
    ("<p>1. Lymphoma<br/>2. Sarcoidosis<br/>3. Tuberculosis</p>",
     [MarkdownList(True, ["Lymphoma", "Sarcoidosis", "Tuberculosis"])]),
    ("<P>1) Lymphoma</P><P>2) Sarcoidosis</P>", [MarkdownList(True, ["Lymphoma", "Sarcoidosis"])]),
    ("<p>- Lymphoma<br/>- Sarcoidosis</p>", [MarkdownList(False, ["Lymphoma", "Sarcoidosis"])]),
    ("<p>&#8226; Lymphoma<br/>&#8226; Sarcoidosis</p>",
     [MarkdownList(False, ["Lymphoma", "Sarcoidosis"])]),
    ("<p>Consider:<br/>1. Lymphoma<br/>2. Sarcoidosis</p>",
     ["Consider:", MarkdownList(True, ["Lymphoma", "Sarcoidosis"])]),
], ids=["numbered-br", "numbered-p", "dashes", "bullets", "after-a-lead-in"])
def test_lists_typed_as_text_become_lists(html: str, expected: list) -> None:
    blocks, _ = convert(html)
    assert blocks == expected


@pytest.mark.parametrize("html", [
    "<p>1. Only one numbered line</p>",
    "<p>2. Starts at two<br/>3. and goes on</p>",
    "<p>1. Numbered<br/>- then a dash</p>",
])
def test_lines_that_only_look_like_a_list_stay_text(html: str) -> None:
    blocks, _ = convert(html)
    assert not any(isinstance(block, MarkdownList) for block in blocks)


def test_a_table_stays_a_table() -> None:
    blocks, conversion = convert(
        "<TABLE><TR><TH><B>Grade</B></TH><TH>Finding</TH></TR><TR><TD>I</TD><TD>Edema</TD></TR>"
        "<TR><TD>II</TD><TD>Fluid | blood</TD></TR><tr><td>III</td></tr></TABLE>")
    assert as_text(blocks) == ("| Grade | Finding |\n| --- | --- |\n| I | Edema |\n"
                               "| II | Fluid \\| blood |\n| III |  |")
    assert conversion.notes == {"table": 1}
    parsed = parse_blocks(as_text(blocks))[0]  # the case format reads it as that table
    assert [plain_text(cell) for cell in parsed.cells] == [
        "Grade", "Finding", "I", "Edema", "II", "Fluid | blood", "III", ""]
