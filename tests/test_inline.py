"""Inline text: Markdown emphasis, citations and figure references; everything else literal."""

from __future__ import annotations

import unicodedata

import pytest

from casedocs.inline import (
    Citation,
    CitedWork,
    FigureRef,
    Span,
    parse_inline,
    parse_paragraphs,
    plain_text,
)


def refs(paragraph):
    return [item for item in paragraph if not isinstance(item, Span)]


def test_emphasis_and_strong_become_styled_spans() -> None:
    assert parse_inline("a *b* **c** d") == (
        Span("a "), Span("b", italic=True), Span(" "), Span("c", bold=True), Span(" d"),
    )


@pytest.mark.parametrize("text", [
    "<para>x</para> <b>y</b> &amp; z",
    "p < 0.05 & n > 3",
    "&#x41; &lt;i&gt;",
])
def test_html_and_entities_stay_literal(text: str) -> None:
    paragraph = parse_inline(text)
    assert plain_text(paragraph) == text
    assert all(not (s.bold or s.italic or s.href) for s in paragraph)


def test_email_address_stays_literal() -> None:
    assert parse_inline("write to a@b.org or x@fig-lab.org") == (
        Span("write to a@b.org or x@fig-lab.org"),
    )


def test_bracketed_citations_with_locator() -> None:
    paragraph = parse_inline("as shown [@a; @b, p. 12].")
    assert refs(paragraph) == [Citation((CitedWork("a"), CitedWork("b", "p. 12")))]
    assert plain_text(paragraph) == "as shown ."


def test_bare_figure_reference() -> None:
    paragraph = parse_inline("Chest x-ray (@fig-cxr) reveals masses.")
    assert refs(paragraph) == [FigureRef(("cxr",))]
    assert plain_text(paragraph) == "Chest x-ray () reveals masses."


def test_figure_reference_ends_before_sentence_period() -> None:
    assert refs(parse_inline("See @fig-ct-1.")) == [FigureRef(("ct-1",))]


def test_bracketed_figure_references_form_one_group() -> None:
    assert parse_inline("CT ([@fig-a; @fig-b])") == (
        Span("CT ("), FigureRef(("a", "b")), Span(")"),
    )


def test_brackets_without_a_key_stay_literal() -> None:
    assert parse_inline("[see above] and [@]") == (Span("[see above] and [@]"),)


@pytest.mark.parametrize("text", ["1987. Gumbs RV", "- not a bullet", "# not a heading",
                                  "> not a quote"])
def test_block_markdown_is_not_interpreted_in_inline_text(text: str) -> None:
    assert parse_inline(text) == (Span(text),)


def test_numbered_line_inside_a_paragraph_is_not_a_list() -> None:
    (paragraph,) = parse_paragraphs("Reported in\n1987. Gumbs et al.")
    assert plain_text(paragraph) == "Reported in 1987. Gumbs et al."


def test_paragraphs_split_on_blank_lines_and_lines_join_with_spaces() -> None:
    paragraphs = parse_paragraphs("One\ntwo.\n\nThree.\n\n\nFour.")
    assert [plain_text(p) for p in paragraphs] == ["One two.", "Three.", "Four."]


def test_references_keep_their_text_as_typed_for_error_reports() -> None:
    text = "First paragraph [@a].\n\nSecond paragraph\ncontinues here [@b,  p. 3].\n\n@fig-x last"
    first, second, third = parse_paragraphs(text)
    assert [r.source for r in refs(first)] == ["[@a]"]
    assert refs(second) == [Citation((CitedWork("b", "p. 3"),), source="[@b,  p. 3]")]
    assert refs(third) == [FigureRef(("x",), source="@fig-x")]


def test_text_is_nfc_normalised() -> None:
    decomposed = "Cafe\u0301 au lait"
    assert unicodedata.normalize("NFC", decomposed) != decomposed
    assert plain_text(parse_inline(decomposed)) == "Caf\u00e9 au lait"
    (paragraph,) = parse_paragraphs(decomposed)
    assert plain_text(paragraph) == "Caf\u00e9 au lait"
