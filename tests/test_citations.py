"""AMA citation markers and reference entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedocs.document.citations import (
    citation_marker,
    collapse_numbers,
    format_authors,
    format_reference,
)
from casedocs.document.inline import Span
from casedocs.load import load_document
from casedocs.source.loader import load_case
from casedocs.source.model import Reference
from conftest import document_errors, line_of

SEED = Path(__file__).resolve().parents[1] / "content" / "is-case-4.yaml"


def text_of(spans) -> str:
    return "".join(span.text for span in spans)


def seed_reference(reference_id: str) -> Reference:
    references = load_case(SEED).case.references
    return next(r for r in references if r.id == reference_id)


def article(**changes: object) -> Reference:
    data: dict[str, object] = {"id": "x", "authors": ["Smith A"], "title": "A title",
                               "journal": "Radiology", "year": 2019}
    data.update(changes)
    return Reference.model_validate(data)


@pytest.mark.parametrize("numbers, marker", [
    ([1, 2, 3, 5], "1-3,5"),
    ([1, 2], "1,2"),
    ([3, 1, 2, 2, 6, 7], "1-3,6,7"),
    ([4], "4"),
])
def test_collapse_numbers(numbers: list[int], marker: str) -> None:
    assert collapse_numbers(numbers) == marker


def test_marker_without_locators_collapses_runs() -> None:
    assert citation_marker([(2, None), (1, None), (3, None)]) == "1-3"


@pytest.mark.parametrize("numbered, marker", [
    ([(1, "p. 12")], "1(p12)"),
    ([(1, "pp. 3-5"), (2, None)], "1(pp3-5),2"),
])
def test_marker_with_locator(numbered, marker: str) -> None:
    assert citation_marker(numbered) == marker


def test_up_to_six_authors_are_all_listed() -> None:
    authors = [f"Author{i} A" for i in range(1, 7)]
    assert format_authors(authors) == ", ".join(authors)


def test_seven_authors_become_first_three_et_al() -> None:
    authors = [f"Author{i} A" for i in range(1, 8)]
    assert format_authors(authors) == "Author1 A, Author2 A, Author3 A, et al"
    assert text_of(format_reference(article(authors=authors))).startswith(
        "Author1 A, Author2 A, Author3 A, et al. A title. Radiology. 2019.")


def test_seed_gumbs_reference_in_ama_style() -> None:
    assert text_of(format_reference(seed_reference("gumbs1987"))) == (
        "Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic extramedullary "
        "hematopoiesis in sickle-cell disease. AJR. 1987;149:889–893. PMID: 349979"
    )


def test_seed_lee_reference_gives_volume_and_issue() -> None:
    text = text_of(format_reference(seed_reference("lee2005")))
    assert text.startswith("Lee KJ, Boswell WD. Extramedullary hematopoiesis. Applied Radiology. ")
    assert "2005;34(10)" in text


def test_journal_name_is_italic() -> None:
    spans = format_reference(seed_reference("gumbs1987"))
    assert [s.text for s in spans if s.italic] == ["AJR"]


def test_pmid_and_doi_are_linked() -> None:
    spans = format_reference(article(pmid="30735470", doi="10.1148/rg.2019180000"))
    links = {s.text: s.href for s in spans if s.href}
    assert links == {
        "doi:10.1148/rg.2019180000": "https://doi.org/10.1148/rg.2019180000",
        "30735470": "https://pubmed.ncbi.nlm.nih.gov/30735470/",
    }
    assert text_of(spans).endswith("2019. doi:10.1148/rg.2019180000 PMID: 30735470")


# -- golden entries per type, written from the style manuals' own examples -----------------------
#
# AMA: AMA Manual of Style, 11th edition, chapter 3 (References). Vancouver: NLM's Citing Medicine,
# 2nd edition, and the ICMJE sample references. The expected strings below are the manuals'
# patterns filled with these works, never copied from our output.

GUMBS = {
    "id": "gumbs1987", "type": "article",
    "authors": ["Gumbs RV", "Higginbotham-Ford EA", "Teal JS", "Kletter GG", "Castro O"],
    "title": "Thoracic extramedullary hematopoiesis in sickle-cell disease",
    "journal": "AJR", "year": 1987, "volume": "149", "pages": "889-893", "pmid": "349979",
}
WEBB = {
    "id": "webb2017", "type": "book", "authors": ["Webb WR", "Higgins CB"],
    "title": "Thoracic Imaging: Pulmonary and Cardiovascular Radiology", "edition": "3rd",
    "publisher": "Wolters Kluwer", "year": 2017,
}
SOLENSKY = {
    "id": "solensky2004", "type": "chapter", "authors": ["Solensky R"],
    "title": "Drug allergy: desensitization and treatment of reactions to antibiotics and aspirin",
    "editors": ["Lockey RF", "Bukantz SC"], "book": "Allergens and Allergen Immunotherapy",
    "edition": "3rd", "publisher": "Marcel Dekker", "year": 2004, "pages": "585-606",
}
GOSTIN_URL = "https://example.org/jama-forum/global-health-security"
GOSTIN = {
    "id": "gostin2021", "type": "web", "authors": ["Gostin L"],
    "title": "Global health security in an era of explosive pandemic potential",
    "website": "JAMA Forum", "published": "2021-06-02", "accessed": "2021-06-14",
    "url": GOSTIN_URL,
}


def reference(data: dict, **changes: object) -> Reference:
    return Reference.model_validate({**data, **changes})


def italic_texts(spans) -> list[str]:
    """Italic runs, less the period that closes the element (either side of the italics)."""
    return [span.text.rstrip(".") for span in spans if span.italic]


def links(spans) -> dict[str, str]:
    return {span.text: span.href for span in spans if span.href}


def test_ama_journal_article_golden() -> None:
    spans = format_reference(reference(GUMBS))
    assert text_of(spans) == (
        "Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic extramedullary "
        "hematopoiesis in sickle-cell disease. AJR. 1987;149:889–893. PMID: 349979"
    )
    assert italic_texts(spans) == ["AJR"]
    assert links(spans) == {"349979": "https://pubmed.ncbi.nlm.nih.gov/349979/"}


def test_ama_journal_article_with_issue_and_doi_golden() -> None:
    # AMA: Year;Volume(Issue):Pages. doi:... (lower case, no space, no closing period).
    spans = format_reference(reference(
        GUMBS, journal="AJR Am J Roentgenol", issue="5", doi="10.2214/ajr.149.5.889",
        pmid="3499795"))
    assert text_of(spans) == (
        "Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic extramedullary "
        "hematopoiesis in sickle-cell disease. AJR Am J Roentgenol. 1987;149(5):889–893. "
        "doi:10.2214/ajr.149.5.889 PMID: 3499795"
    )
    assert italic_texts(spans) == ["AJR Am J Roentgenol"]
    assert links(spans) == {
        "doi:10.2214/ajr.149.5.889": "https://doi.org/10.2214/ajr.149.5.889",
        "3499795": "https://pubmed.ncbi.nlm.nih.gov/3499795/",
    }


def test_ama_article_with_seven_authors_lists_three_and_et_al() -> None:
    authors = ["Ahn A", "Baker B", "Chen C", "Diaz D", "Evans E", "Fox F", "Gray G"]
    spans = format_reference(reference(GUMBS, authors=authors, pmid=None))
    assert text_of(spans) == (
        "Ahn A, Baker B, Chen C, et al. Thoracic extramedullary hematopoiesis in sickle-cell "
        "disease. AJR. 1987;149:889–893."
    )


def test_ama_article_with_six_authors_lists_all() -> None:
    authors = ["Ahn A", "Baker B", "Chen C", "Diaz D", "Evans E", "Fox F"]
    text = text_of(format_reference(reference(GUMBS, authors=authors, pmid=None)))
    assert text.startswith("Ahn A, Baker B, Chen C, Diaz D, Evans E, Fox F. Thoracic ")
    assert "et al" not in text


def test_ama_book_golden() -> None:
    spans = format_reference(reference(WEBB))
    assert text_of(spans) == (
        "Webb WR, Higgins CB. Thoracic Imaging: Pulmonary and Cardiovascular Radiology. 3rd ed. "
        "Wolters Kluwer; 2017."
    )
    assert italic_texts(spans) == ["Thoracic Imaging: Pulmonary and Cardiovascular Radiology"]


def test_ama_first_edition_book_has_no_edition_statement() -> None:
    spans = format_reference(reference(WEBB, edition=None))
    assert text_of(spans) == (
        "Webb WR, Higgins CB. Thoracic Imaging: Pulmonary and Cardiovascular Radiology. "
        "Wolters Kluwer; 2017."
    )


def test_ama_chapter_golden() -> None:
    spans = format_reference(reference(SOLENSKY))
    assert text_of(spans) == (
        "Solensky R. Drug allergy: desensitization and treatment of reactions to antibiotics and "
        "aspirin. In: Lockey RF, Bukantz SC, eds. Allergens and Allergen Immunotherapy. 3rd ed. "
        "Marcel Dekker; 2004:585–606."
    )
    assert italic_texts(spans) == ["Allergens and Allergen Immunotherapy"]


def test_ama_chapter_with_one_editor_says_ed() -> None:
    text = text_of(format_reference(reference(SOLENSKY, editors=["Lockey RF"])))
    assert "In: Lockey RF, ed. Allergens and Allergen Immunotherapy." in text


def test_ama_web_page_golden() -> None:
    # AMA: Author. Title. Website name. Published date. Updated date. Accessed date. URL
    spans = format_reference(reference(GOSTIN))
    assert text_of(spans) == (
        "Gostin L. Global health security in an era of explosive pandemic potential. JAMA Forum. "
        f"Published June 2, 2021. Accessed June 14, 2021. {GOSTIN_URL}"
    )
    assert italic_texts(spans) == []
    assert links(spans) == {GOSTIN_URL: GOSTIN_URL}


def test_ama_web_page_with_updated_date_golden() -> None:
    # The AMA web format has an "Updated" element between Published and Accessed.
    spans = format_reference(reference(GOSTIN, updated="2021-06-10"))
    assert text_of(spans) == (
        "Gostin L. Global health security in an era of explosive pandemic potential. JAMA Forum. "
        f"Published June 2, 2021. Updated June 10, 2021. Accessed June 14, 2021. {GOSTIN_URL}"
    )


def test_vancouver_journal_article_golden() -> None:
    # Citing Medicine: page ranges drop repeated leading digits (889-93); "doi: " with a space.
    spans = format_reference(reference(
        GUMBS, journal="AJR Am J Roentgenol", issue="5", doi="10.2214/ajr.149.5.889",
        pmid="3499795"), "vancouver")
    assert text_of(spans) == (
        "Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic extramedullary "
        "hematopoiesis in sickle-cell disease. AJR Am J Roentgenol. 1987;149(5):889–93. "
        "doi: 10.2214/ajr.149.5.889. PMID: 3499795."
    )
    assert italic_texts(spans) == []  # no italics in NLM style
    assert links(spans) == {
        "doi: 10.2214/ajr.149.5.889": "https://doi.org/10.2214/ajr.149.5.889",
        "3499795": "https://pubmed.ncbi.nlm.nih.gov/3499795/",
    }


@pytest.mark.parametrize("month", ["Jul", "July"])
def test_vancouver_article_keeps_the_month_of_publication(month: str) -> None:
    # Citing Medicine (and the ICMJE sample "N Engl J Med. 2002 Jul 25;347(4):284-7."): the date
    # of publication is year and month even when a volume is given; months are abbreviated to
    # their first three letters.
    spans = format_reference(reference(
        GUMBS, authors=["Halpern SD", "Ubel PA", "Caplan AL"],
        title="Solid-organ transplantation in HIV-infected patients", journal="N Engl J Med",
        year=2002, month=month, volume="347", issue="4", pages="284-287", pmid=None),
        "vancouver")
    assert text_of(spans) == (
        "Halpern SD, Ubel PA, Caplan AL. Solid-organ transplantation in HIV-infected patients. "
        "N Engl J Med. 2002 Jul;347(4):284–7."
    )


def test_vancouver_article_with_seven_authors_lists_six_and_et_al() -> None:
    authors = ["Ahn A", "Baker B", "Chen C", "Diaz D", "Evans E", "Fox F", "Gray G"]
    text = text_of(format_reference(reference(GUMBS, authors=authors, pmid=None), "vancouver"))
    assert text == (
        "Ahn A, Baker B, Chen C, Diaz D, Evans E, Fox F, et al. Thoracic extramedullary "
        "hematopoiesis in sickle-cell disease. AJR. 1987;149:889–93."
    )


def test_vancouver_format_authors_lists_six_and_et_al() -> None:
    authors = [f"Author{i} A" for i in range(1, 10)]
    assert format_authors(authors, "vancouver") == (
        "Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, Author6 A, et al.")


@pytest.mark.parametrize("pages, printed", [
    ("889-893", "889–93"),
    ("585-606", "585–606"),
    ("1234-1239", "1234–9"),
    ("100-109", "100–9"),
    ("12-19", "12–9"),
    ("999-1003", "999–1003"),
    ("e123", "e123"),
])
def test_vancouver_page_ranges_drop_repeated_digits(pages: str, printed: str) -> None:
    text = text_of(format_reference(reference(GUMBS, pages=pages, pmid=None), "vancouver"))
    assert text.endswith(f"1987;149:{printed}.")


def test_vancouver_book_golden() -> None:
    spans = format_reference(reference(
        WEBB, title="Thoracic imaging: pulmonary and cardiovascular radiology",
        place="Philadelphia"), "vancouver")
    assert text_of(spans) == (
        "Webb WR, Higgins CB. Thoracic imaging: pulmonary and cardiovascular radiology. 3rd ed. "
        "Philadelphia: Wolters Kluwer; 2017."
    )
    assert italic_texts(spans) == []


def test_vancouver_chapter_golden() -> None:
    spans = format_reference(reference(
        SOLENSKY, book="Allergens and allergen immunotherapy", place="New York"), "vancouver")
    assert text_of(spans) == (
        "Solensky R. Drug allergy: desensitization and treatment of reactions to antibiotics and "
        "aspirin. In: Lockey RF, Bukantz SC, editors. Allergens and allergen immunotherapy. "
        "3rd ed. New York: Marcel Dekker; 2004. p. 585–606."
    )
    assert italic_texts(spans) == []


def test_vancouver_web_page_golden() -> None:
    spans = format_reference(reference(GOSTIN), "vancouver")
    assert text_of(spans) == (
        "Gostin L. Global health security in an era of explosive pandemic potential [Internet]. "
        f"JAMA Forum; 2021 [cited 2021 Jun 14]. Available from: {GOSTIN_URL}"
    )
    assert links(spans) == {GOSTIN_URL: GOSTIN_URL}


def test_vancouver_web_page_with_updated_date_golden() -> None:
    # Citing Medicine / ICMJE: "... [Internet]. Place: Publisher; date [updated date; cited date]."
    spans = format_reference(reference(GOSTIN, updated="2021-06-10"), "vancouver")
    assert text_of(spans) == (
        "Gostin L. Global health security in an era of explosive pandemic potential [Internet]. "
        f"JAMA Forum; 2021 [updated 2021 Jun 10; cited 2021 Jun 14]. Available from: {GOSTIN_URL}"
    )


def test_every_type_and_style_ends_its_entry_once() -> None:
    for data in (GUMBS, WEBB, SOLENSKY, GOSTIN):
        for style in ("ama", "vancouver"):
            text = text_of(format_reference(reference(data), style))
            assert ".." not in text and "  " not in text, (data["id"], style, text)


def test_reference_text_is_nfc_normalised(write_case) -> None:
    decomposed = "Mu\u0308ller K"
    path = write_case(replace=(("authors: [Smith A, Brown B]", f"authors: [{decomposed}, Brown B]"),
                               ("Imaging of pulmonary sequestration",
                                "Imaging of pulmonary sequestration in Be\u0301ziers")))
    (first, _) = load_document(path).document.references
    assert text_of(first.text).startswith("M\u00fcller K, Brown B. Imaging of pulmonary "
                                          "sequestration in B\u00e9ziers.")


# -- markers in a built document, the handout and the deck ----------------------------------------

CITED_CASE = """\
id: chest-9
title: Pulmonary hamartoma
history: A 50-year-old with an incidental nodule.
diagnosis: Hamartoma
discussion: |
{discussion}
citation_style: {style}
references:
  - {{id: alpha, authors: [Alpha A], title: First work, journal: Radiology, year: 2001}}
  - {{id: Beta_2002, authors: [Beta B], title: Second work, journal: Radiology, year: 2002}}
  - {{id: gamma2003a, authors: [Gamma C], title: Third work, journal: Radiology, year: 2003}}
"""


def cited_case(write_case, *paragraphs: str, style: str = "ama") -> Path:
    discussion = "\n\n".join(paragraphs)
    body = "\n".join(f"  {line}" if line else "" for line in discussion.splitlines())
    return write_case(text=CITED_CASE.format(discussion=body, style=style))


def discussion_spans(path: Path, index: int = 0):
    return load_document(path).document.discussion[index]


def superscripts(spans) -> list[str]:
    return [span.text for span in spans if span.superscript]


def test_ama_marker_is_a_superscript_after_the_period(write_case) -> None:
    spans = discussion_spans(cited_case(write_case, "Seen in sickle-cell disease [@alpha]."))
    assert text_of(spans) == "Seen in sickle-cell disease.1"
    assert spans[-1] == Span("1", superscript=True)
    assert superscripts(spans) == ["1"]


def test_ama_marker_moves_after_a_comma(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "Seen in thalassemia [@alpha], and in sickle-cell disease [@Beta_2002]."))
    assert text_of(spans) == "Seen in thalassemia,1 and in sickle-cell disease.2"
    assert superscripts(spans) == ["1", "2"]


def test_a_superscript_that_is_no_citation_stays_before_the_period(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case,
        "Index 31 kg/m^2^. Seen in thalassemia [@alpha], dose 5 m^2^, ok [@Beta_2002]."))
    # a number and its unit tie: "5 m²" never breaks
    assert text_of(spans) == "Index 31 kg/m2. Seen in thalassemia,1 dose 5\u00a0m2, ok.2"
    assert superscripts(spans) == ["2", "1", "2", "2"]


def test_ama_marker_stays_inside_colons_and_semicolons(write_case) -> None:
    # AMA: superscripts go outside periods and commas, inside colons and semicolons.
    spans = discussion_spans(cited_case(
        write_case, "Seen in thalassemia [@alpha]; also in anemia [@Beta_2002]: rarely."))
    assert text_of(spans) == "Seen in thalassemia1; also in anemia2: rarely."


def test_ama_markers_collapse_a_run_of_three(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "Known causes [@gamma2003a; @alpha; @Beta_2002]."))
    assert text_of(spans) == "Known causes.1-3"
    assert superscripts(spans) == ["1-3"]


def test_ama_two_numbers_are_listed_not_collapsed(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "Known causes [@alpha; @Beta_2002]. Also [@gamma2003a]."))
    assert superscripts(spans) == ["1,2", "3"]


def test_ama_locator_prints_inside_the_superscript(write_case) -> None:
    spans = discussion_spans(cited_case(write_case, "As described [@alpha, p. 12]."))
    assert text_of(spans) == "As described.1(p12)"
    assert superscripts(spans) == ["1(p12)"]


def test_citation_keys_in_better_bibtex_shapes_resolve(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "First [@Beta_2002], then [@gamma2003a], then [@alpha]."))
    assert superscripts(spans) == ["1", "2", "3"]
    # Within a group, works are numbered in the order they are written.
    document = load_document(cited_case(write_case, "Only [@gamma2003a; @Beta_2002; @alpha]."))
    assert [r.id for r in document.document.references] == ["gamma2003a", "Beta_2002", "alpha"]


def test_email_address_is_not_a_citation(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "Write to alpha@example.org [@alpha; @Beta_2002; @gamma2003a]."))
    assert text_of(spans) == "Write to alpha@example.org.1-3"


def test_vancouver_marker_is_bracketed_on_the_line_with_its_space(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "Seen in sickle-cell disease [@alpha].", style="vancouver"))
    assert text_of(spans) == "Seen in sickle-cell disease [1]."
    assert superscripts(spans) == []


def test_vancouver_markers_collapse_a_run_of_three(write_case) -> None:
    spans = discussion_spans(cited_case(
        write_case, "Known causes [@gamma2003a; @alpha; @Beta_2002], and others [@alpha].",
        style="vancouver"))
    assert text_of(spans) == "Known causes [1-3], and others [2]."  # alpha is second
    assert superscripts(spans) == []


def test_vancouver_style_formats_the_reference_list_in_nlm(write_case) -> None:
    document = load_document(cited_case(
        write_case, "Known causes [@alpha; @Beta_2002; @gamma2003a].", style="vancouver"))
    assert [text_of(r.text) for r in document.document.references] == [
        "Alpha A. First work. Radiology. 2001.",
        "Beta B. Second work. Radiology. 2002.",
        "Gamma C. Third work. Radiology. 2003.",
    ]


# -- the same numbers in the handout and on the slides ---------------------------------------------


def built_texts(case: Path) -> tuple[str, str]:
    """The handout's text (pypdf) and the deck's text (every shape and note), whitespace
    collapsed."""
    from pptx import Presentation
    from pypdf import PdfReader

    from casedocs.cli import main

    out = case.parent / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    pdf = PdfReader(out / "handouts" / "chest-9.pdf")
    handout = " ".join(page.extract_text() for page in pdf.pages)
    parts = []
    for slide in Presentation(str(out / "slides" / "chest-9.pptx")).slides:
        parts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        parts.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    return " ".join(handout.split()), " ".join(" ".join(parts).split())


def test_ama_markers_match_in_handout_and_deck(write_case) -> None:
    handout, deck = built_texts(cited_case(
        write_case, "Known causes [@gamma2003a; @alpha; @Beta_2002].",
        "Seen in thalassemia [@alpha], and also [@Beta_2002, p. 12]."))
    for text in (handout, deck):
        assert "Known causes.1-3" in text
        assert "Seen in thalassemia,2 and also.3(p12)" in text  # gamma, alpha, Beta


def test_vancouver_markers_match_in_handout_and_deck(write_case) -> None:
    handout, deck = built_texts(cited_case(
        write_case, "Known causes [@gamma2003a; @alpha; @Beta_2002].",
        "Seen in thalassemia [@alpha], and also [@Beta_2002].", style="vancouver"))
    for text in (handout, deck):
        assert "Known causes [1-3]." in text
        assert "Seen in thalassemia [2], and also [3]." in text  # gamma, alpha, Beta
        assert "Alpha A. First work. Radiology. 2001." in text
    assert "2. Alpha A. First work. Radiology. 2001." in handout  # numbered bullets in the deck


def test_ama_marker_is_drawn_raised_in_the_deck(write_case) -> None:
    from pptx import Presentation

    from casedocs.cli import main

    case = cited_case(write_case, "Known causes [@alpha; @Beta_2002; @gamma2003a].")
    assert main(["build", str(case), "--out", str(case.parent / "out"), "--only", "slides"]) == 0
    runs = [
        run
        for slide in Presentation(str(case.parent / "out" / "slides" / "chest-9.pptx")).slides
        for shape in slide.shapes if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs for run in paragraph.runs
    ]
    (marker,) = [run for run in runs if run.text == "1-3"]
    assert int(marker._r.get_or_add_rPr().get("baseline")) > 0


# -- errors and edge cases ------------------------------------------------------------------------


def test_unknown_citation_key_is_an_error_with_line_and_did_you_mean(write_case) -> None:
    path = write_case(replace=(("most common [@jones2020]", "most common [@jones2002]"),))
    (report,) = document_errors(path)
    assert report.line == line_of(path, "[@jones2002]")
    assert "jones2002" in report.message
    assert "did you mean 'jones2020'" in report.message


def test_adjacent_citations_keep_the_period_before_their_markers(write_case) -> None:
    # "[@b] [@a]." must not print "common2.1" (the period between the markers); the two read as
    # one group, as [@b; @a] would.
    path = write_case(replace=(
        ("most common [@jones2020]", "most common [@jones2020] [@smith2019]"),
    ))
    spans = load_document(path).document.discussion[1]
    assert text_of(spans) == "Intralobar forms are the most common.1,2"
