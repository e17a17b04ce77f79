"""AMA citation markers and reference entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedocs.citations import citation_marker, collapse_numbers, format_authors, format_reference
from casedocs.loader import load_case
from casedocs.model import Reference

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
        "hematopoiesis in sickle-cell disease. AJR. 1987;149:889-893. PMID: 349979"
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
