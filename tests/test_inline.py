"""Inline text: Markdown emphasis, citations and figure references; everything else literal."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from casedocs.document.inline import (
    Citation,
    CitedWork,
    FigureRef,
    ListBlock,
    Span,
    parse_blocks,
    parse_inline,
    parse_paragraphs,
    plain_text,
)
from casedocs.document.typography import tie
from casedocs.load import load_document


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


# -- superscript and subscript (pandoc's ^...^ and ~...~) ------------------------------------------


def test_superscript_isotope() -> None:
    assert parse_inline("^99m^Tc sulfur colloid") == (
        Span("99m", superscript=True), Span("Tc sulfur colloid"),
    )


def test_subscript_formula() -> None:
    assert parse_inline("H~2~O and CO~2~") == (
        Span("H"), Span("2", subscript=True), Span("O and CO"), Span("2", subscript=True),
    )


def spans_of(paragraph) -> tuple:
    """The paragraph less empty runs (markdown-it leaves an empty text token after "**")."""
    return tuple(item for item in paragraph if not (isinstance(item, Span) and not item.text))


def test_sub_and_superscript_inside_emphasis_keep_the_emphasis() -> None:
    assert spans_of(parse_inline("**^18^F-FDG**")) == (
        Span("18", bold=True, superscript=True), Span("F-FDG", bold=True),
    )


@pytest.mark.parametrize("text", [
    "a lesion of ~5 mm",
    "~5 mm to ~7 mm",
    "2^10 pixels",
    "x^2 + y^2",
    "a ^ b and c ~ d",
    "1 ~ 2 ~ 3",
])
def test_lone_tildes_and_carets_stay_literal(text: str) -> None:
    assert parse_inline(text) == (Span(tie(text)),)  # "5 mm" keeps together: 5\u00a0mm


def test_escaped_markers_stay_literal() -> None:
    assert parse_inline(r"2\^10\^ and H\~2\~O") == (Span("2^10^ and H~2~O"),)


# -- links -----------------------------------------------------------------------------------------


def test_link_keeps_its_href() -> None:
    assert parse_inline("See [Radiopaedia](https://radiopaedia.org/articles/x) now.") == (
        Span("See "), Span("Radiopaedia", href="https://radiopaedia.org/articles/x"), Span(" now."),
    )


def test_emphasis_inside_a_link_keeps_the_href() -> None:
    paragraph = parse_inline("[*RSNA* site](https://www.rsna.org/)")
    assert paragraph == (
        Span("RSNA", italic=True, href="https://www.rsna.org/"),
        Span(" site", href="https://www.rsna.org/"),
    )


def test_script_link_is_not_made_live() -> None:
    paragraph = parse_inline("[x](javascript:alert(1))")
    assert all(not (span.href or "").lower().startswith("javascript") for span in paragraph)


# -- blocks: paragraphs and lists (discussion and management) --------------------------------------


def test_bulleted_list_between_paragraphs() -> None:
    blocks = parse_blocks("Causes include:\n\n- thalassemia\n- sickle-cell disease\n\nThe end.")
    assert blocks == (
        (Span("Causes include:"),),
        ListBlock(False, 1, ((Span("thalassemia"),), (Span("sickle-cell disease"),))),
        (Span("The end."),),
    )


def test_numbered_list_keeps_its_start() -> None:
    (numbered,) = parse_blocks("3. third\n4. fourth")
    assert numbered == ListBlock(True, 3, ((Span("third"),), (Span("fourth"),)))


def test_list_right_after_a_paragraph_line() -> None:
    paragraph, bullets = parse_blocks("Causes include:\n- thalassemia\n- spherocytosis")
    assert paragraph == (Span("Causes include:"),)
    assert bullets == ListBlock(False, 1, ((Span("thalassemia"),), (Span("spherocytosis"),)))


def test_list_items_keep_inline_markup_and_citations() -> None:
    (bullets,) = parse_blocks("- **bold** [@gumbs1987]\n- ^99m^Tc")
    first, second = bullets.items
    assert spans_of(first) == (
        Span("bold", bold=True), Span(" "), Citation((CitedWork("gumbs1987"),)),
    )
    assert second == (Span("99m", superscript=True), Span("Tc"))


def test_year_inside_a_discussion_paragraph_is_not_a_list() -> None:
    (paragraph,) = parse_blocks("Reported in\n1987. Gumbs et al. described it.")
    assert paragraph == (Span("Reported in 1987. Gumbs et al. described it."),)


@pytest.mark.parametrize("text", ["<para>x</para> <b>y</b>", "&amp; &lt; a < b > c & d"])
def test_raw_html_and_entities_stay_literal_in_blocks(text: str) -> None:
    (paragraph,) = parse_blocks(text)
    assert paragraph == (Span(text),)
    (bullets,) = parse_blocks(f"- {text}")
    assert bullets.items == ((Span(text),),)


def test_blocks_are_nfc_normalised() -> None:
    (paragraph, bullets) = parse_blocks("Mu\u0308ller\n\n- S\u030cimu\u030anek")
    assert paragraph == (Span("M\u00fcller"),)
    assert bullets.items == ((Span("\u0160im\u016fnek"),),)


# -- in a built document, the handout and the deck -------------------------------------------------

LIST_EDITS = (
    ("""\
  Sequestration is non-functioning lung tissue with a systemic arterial supply [@smith2019].

  Intralobar forms are the most common [@jones2020].
""", """\
  Sequestration has a systemic arterial supply [@smith2019].

  Causes of a paraspinal mass:

  - neurogenic tumor
  - extramedullary hematopoiesis [@jones2020]

  3. third step
  4. fourth step
"""),
    ("management: Surgical resection.", """\
management: |
  Options:

  1. observe
  2. resect"""),
)


def test_lists_in_discussion_and_management_become_doc_lists(write_case) -> None:
    from casedocs.document.document import DocList

    path = write_case(replace=LIST_EDITS)
    document = load_document(path).document
    intro, lead, bullets, numbered = document.discussion
    assert plain_text(intro) == "Sequestration has a systemic arterial supply.1"
    assert plain_text(lead) == "Causes of a paraspinal mass:"
    assert bullets == DocList(False, 1, (
        (Span("neurogenic tumor"),),
        (Span("extramedullary hematopoiesis"), Span("2", superscript=True)),
    ))
    assert numbered == DocList(True, 3, ((Span("third step"),), (Span("fourth step"),)))
    options, steps = document.management
    assert plain_text(options) == "Options:"
    assert steps == DocList(True, 1, ((Span("observe"),), (Span("resect"),)))


def test_history_and_findings_are_inline_only(write_case) -> None:
    path = write_case(replace=(
        ("history: A 19-year-old with recurrent left lower lobe pneumonia.",
         "history: \"1987. Gumbs RV reported a 19-year-old.\\n- not a bullet\""),
        ("text: Persistent opacity in the left lower lobe (@fig-cxr).",
         "text: \"2. Persistent opacity (@fig-cxr).\""),
    ))
    document = load_document(path).document
    assert document.history == (Span("1987. Gumbs RV reported a 19-year-old. - not a bullet"),)
    assert plain_text(document.findings[0].text) == "2. Persistent opacity (Fig.\u00a01)."


def built_outputs(case: Path) -> tuple[str, object]:
    """The handout's text (pypdf, whitespace collapsed) and the deck (python-pptx)."""
    from pptx import Presentation
    from pypdf import PdfReader

    from casedocs.cli import main

    out = case.parent / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    pdf = PdfReader(out / "handouts" / "case-17.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    return text, Presentation(str(out / "slides" / "case-17.pptx"))


def test_lists_render_as_lists_in_handout_and_deck(write_case) -> None:
    from pptx.oxml.ns import qn

    # The discussion on slides (by default its slide shows the teaching points).
    path = write_case(replace=(*LIST_EDITS, ("discussion: |", "deck:\n  discussion: slides\n"
                                                               "discussion: |")))
    handout, deck = built_outputs(path)
    assert "\u2022 neurogenic tumor \u2022 extramedullary hematopoiesis2" in handout
    assert "3. third step 4. fourth step" in handout
    assert "1. observe 2. resect" in handout

    bullets = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.name in ("Discussion", "Management"):
                for paragraph in shape.text_frame.paragraphs:
                    properties = paragraph._p.get_or_add_pPr()
                    char = properties.find(qn("a:buChar"))
                    number = properties.find(qn("a:buAutoNum"))
                    bullets[paragraph.text] = (
                        char.get("char") if char is not None
                        else f"{number.get('startAt')}." if number is not None else None
                    )
    assert bullets == {
        "Sequestration has a systemic arterial supply.1": None,
        "Causes of a paraspinal mass:": None,
        "neurogenic tumor": "\u2022",
        "extramedullary hematopoiesis2": "\u2022",
        "third step": "3.",
        "fourth step": "4.",
        "Options:": None,
        "observe": "1.",
        "resect": "2.",
    }


def test_literal_markup_prints_as_typed_in_handout_and_deck(write_case) -> None:
    typed = "Tags <b>x</b> and <para> and &amp; and a < b > c & d; H~2~O and ^99m^Tc; ~5 mm; 2^10."
    shown = "Tags <b>x</b> and <para> and &amp; and a < b > c & d; H2O and 99mTc; ~5 mm; 2^10."
    path = write_case(replace=(("management: Surgical resection.", f"management: '{typed}'"),))
    handout, deck = built_outputs(path)
    assert shown in handout
    deck_text = " ".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes
        if shape.has_text_frame
    )
    assert shown in " ".join(deck_text.split())


# -- figure references -----------------------------------------------------------------------------

THREE_FIGURES = """\
id: chest-9
title: Pulmonary hamartoma
history: A 50-year-old with an incidental nodule.
figures:
  - {id: a, file: images/cxr.png, caption: Frontal radiograph.}
  - {id: b, file: images/cta.png, caption: Axial CT.}
  - {id: c, file: images/cta.png, caption: Coronal CT.}
findings:
  - A nodule (@fig-a).
  - It contains fat ([@fig-b; @fig-c]).
  - Seen on every image ([@fig-a; @fig-b; @fig-c]), and again ([@fig-c; @fig-a; @fig-b]).
  - Radiograph and coronal CT ([@fig-a; @fig-c]).
diagnosis: Hamartoma
"""


def test_figure_references_read_fig_figs_and_ranges(write_case) -> None:
    document = load_document(write_case(text=THREE_FIGURES)).document
    texts = [plain_text(finding.text) for finding in document.findings]
    assert texts == [
        "A nodule (Fig.\u00a01).",
        "It contains fat (Figs.\u00a02 and\u00a03).",
        "Seen on every image (Figs.\u00a01\u20133), and again (Figs.\u00a01\u20133).",
        "Radiograph and coronal CT (Figs.\u00a01 and\u00a03).",
    ]
