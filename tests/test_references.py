"""Reference text as structured references, where it parses."""

from __future__ import annotations

import pytest

from casedocs.interchange.references import parse_reference, reference_id
from casedocs.source.model import Reference


@pytest.mark.parametrize("text, fields", [
    ("Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic extramedullary "
     "hematopoiesis in sickle-cell disease. AJR. 1987;149:889-893. PMID: 349979",
     {"authors": ["Gumbs RV", "Higginbotham-Ford EA", "Teal JS", "Kletter GG", "Castro O"],
      "title": "Thoracic extramedullary hematopoiesis in sickle-cell disease", "journal": "AJR",
      "year": 1987, "volume": "149", "pages": "889-893", "pmid": "349979"}),
    ("Lee KJ, Boswell WD. Extramedullary hematopoiesis. Applied Radiology. 2005;34(10).",
     {"authors": ["Lee KJ", "Boswell WD"], "title": "Extramedullary hematopoiesis",
      "journal": "Applied Radiology", "year": 2005, "volume": "34", "issue": "10"}),
    ("1. Jones C, et al. Congenital lung lesions. AJR Am J Roentgenol 2020;214:1-9.",
     {"authors": ["Jones C", "et al"], "title": "Congenital lung lesions",
      "journal": "AJR Am J Roentgenol", "year": 2020, "volume": "214", "pages": "1-9"}),
    ("Müller NL, Silva CIS. Is it CT? Radiology. 2008 Mar;246(3):667-680. "
     "doi:10.1148/radiol.2463061038",
     {"authors": ["Müller NL", "Silva CIS"], "title": "Is it CT?", "journal": "Radiology",
      "year": 2008, "volume": "246", "issue": "3", "pages": "667-680",
      "doi": "10.1148/radiol.2463061038"}),
    ("Kransdorf MJ, Stull MA, Moser RP Jr. Osteoid osteoma. Radiographics. 1991;11:671-696.",
     {"authors": ["Kransdorf MJ", "Stull MA", "Moser RP Jr"], "title": "Osteoid osteoma",
      "journal": "Radiographics", "year": 1991, "volume": "11", "pages": "671-696"}),
    ("McKhann GM 2nd, van de Beek D. Brain abscess. N Engl J Med. 2014;371:447-456.",
     {"authors": ["McKhann GM 2nd", "van de Beek D"], "title": "Brain abscess",
      "journal": "N Engl J Med", "year": 2014, "volume": "371", "pages": "447-456"}),
])
def test_journal_references_parse(text: str, fields: dict) -> None:
    parsed = parse_reference(text)
    assert parsed == fields
    Reference.model_validate({"id": "x", **parsed})  # and the case format takes them


@pytest.mark.parametrize("text", [
    "Felson B. Chest Roentgenology. Philadelphia: Saunders; 1973.",
    "See the ACR appropriateness criteria online.",
    "Radiopaedia. Pulmonary sequestration. https://radiopaedia.org/articles/x",
])
def test_books_web_pages_and_prose_do_not_parse(text: str) -> None:
    assert parse_reference(text) is None


def test_reference_ids_are_surname_and_year_made_unique() -> None:
    taken: set[str] = set()
    fields = {"authors": ["Müller NL"], "year": 2008}
    assert [reference_id(fields, taken) for _ in range(3)] == [
        "muller2008", "muller2008a", "muller2008b"]
    assert reference_id({"authors": ["van der Berg A"], "year": 2001}, taken) == "vanderberg2001"
