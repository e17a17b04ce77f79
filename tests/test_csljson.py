"""`references_file:`: a CSL-JSON export (Zotero, EndNote) merged with the case's own references.

Spec (issue 4, "References"): its items merge with inline ones and are numbered by citation like
them; DOI and PMID are validated for shape; a duplicate id, a broken file and a missing file are
errors that say where.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casedocs.errors import CaseError
from casedocs.load import load_document
from casedocs.source.loader import load_case
from conftest import document_errors, line_of

# What Zotero (with Better BibTeX keys) exports, extra fields and all: string date parts, an en
# dash in a page range, abstracts, ISSNs.
ZOTERO_ITEMS = [
    {
        "id": "gumbs1987",
        "type": "article-journal",
        "title": "Thoracic extramedullary hematopoiesis in sickle-cell disease",
        "container-title": "AJR",
        "author": [
            {"family": "Gumbs", "given": "Rudolph V."},
            {"family": "Higginbotham-Ford", "given": "Eve A."},
            {"family": "Teal", "given": "J. S."},
            {"family": "Kletter", "given": "Gerald G."},
            {"family": "Castro", "given": "Oswaldo"},
        ],
        "issued": {"date-parts": [["1987", "11"]]},
        "volume": "149",
        "issue": "5",
        "page": "889\u2013893",
        "DOI": "10.2214/ajr.149.5.889",
        "PMID": "3499795",
        "ISSN": "0361-803X",
        "language": "eng",
        "abstract": "Seven patients with sickle-cell disease ...",
        "source": "PubMed",
    },
    {
        "id": "Webb_2017",
        "type": "book",
        "title": "Thoracic Imaging: Pulmonary and Cardiovascular Radiology",
        "author": [{"family": "Webb", "given": "W. Richard"},
                   {"family": "Higgins", "given": "Charles B."}],
        "edition": "3rd",
        "publisher": "Wolters Kluwer",
        "publisher-place": "Philadelphia",
        "issued": {"date-parts": [[2017]]},
        "ISBN": "978-1-4963-2101-8",
    },
    {
        "id": "solensky2004",
        "type": "chapter",
        "title": "Drug allergy: desensitization and treatment of reactions to antibiotics and "
                 "aspirin",
        "container-title": "Allergens and Allergen Immunotherapy",
        "author": [{"family": "Solensky", "given": "Roland"}],
        "editor": [{"family": "Lockey", "given": "Richard F."},
                   {"family": "Bukantz", "given": "Samuel C."}],
        "edition": "3rd",
        "publisher": "Marcel Dekker",
        "publisher-place": "New York",
        "issued": {"date-parts": [[2004]]},
        "page": "585-606",
    },
    {
        "id": "gostin2021",
        "type": "webpage",
        "title": "Global health security in an era of explosive pandemic potential",
        "container-title": "JAMA Forum",
        "author": [{"family": "Gostin", "given": "Lawrence"}],
        "issued": {"date-parts": [[2021, 6, 2]]},
        "accessed": {"date-parts": [["2021", "6", "14"]]},
        "URL": "https://example.org/jama-forum/global-health-security",
    },
]

EXPECTED_AMA = {
    "gumbs1987": "Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic "
                 "extramedullary hematopoiesis in sickle-cell disease. AJR. "
                 "1987;149(5):889\u2013893. doi:10.2214/ajr.149.5.889 PMID: 3499795",
    "Webb_2017": "Webb WR, Higgins CB. Thoracic Imaging: Pulmonary and Cardiovascular Radiology. "
                 "3rd ed. Wolters Kluwer; 2017.",
    "solensky2004": "Solensky R. Drug allergy: desensitization and treatment of reactions to "
                    "antibiotics and aspirin. In: Lockey RF, Bukantz SC, eds. Allergens and "
                    "Allergen Immunotherapy. 3rd ed. Marcel Dekker; 2004:585\u2013606.",
    "gostin2021": "Gostin L. Global health security in an era of explosive pandemic potential. "
                  "JAMA Forum. Published June 2, 2021. Accessed June 14, 2021. "
                  "https://example.org/jama-forum/global-health-security",
}

CITING_EDITS = (
    ("references:\n", "references_file: refs/library.json\nreferences:\n"),
    ("  Sequestration is non-functioning lung tissue with a systemic arterial supply "
     "[@smith2019].",
     "  Sequestration is non-functioning lung tissue with a systemic arterial supply "
     "[@Webb_2017; @gumbs1987]."),
    ("  Intralobar forms are the most common [@jones2020].",
     "  Intralobar forms are the most common [@jones2020] [@solensky2004, p. 590]; see\n"
     "  also [@gostin2021] and [@smith2019]."),
)


def text_of(spans) -> str:
    return "".join(span.text for span in spans)


def write_library(case_dir: Path, items: object, name: str = "refs/library.json") -> Path:
    path = case_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def with_item(**changes: object) -> list[dict]:
    """The Zotero items, the first one changed."""
    return [{**ZOTERO_ITEMS[0], **changes}, *ZOTERO_ITEMS[1:]]


def test_zotero_items_merge_and_are_numbered_by_citation(write_case, case_dir: Path) -> None:
    write_library(case_dir, ZOTERO_ITEMS)
    loaded = load_document(write_case(replace=CITING_EDITS))
    document = loaded.document
    # smith2019 is cited first (in the findings), then the discussion in reading order.
    assert [(r.number, r.id) for r in document.references] == [
        (1, "smith2019"), (2, "Webb_2017"), (3, "gumbs1987"), (4, "jones2020"),
        (5, "solensky2004"), (6, "gostin2021"),
    ]
    texts = {r.id: text_of(r.text) for r in document.references}
    assert {key: texts[key] for key in EXPECTED_AMA} == EXPECTED_AMA
    first, second = document.discussion
    assert [s.text for s in first if s.superscript] == ["2,3"]
    # "[@jones2020] [@solensky2004, p. 590]" are adjacent: one marker, as in test_citations.
    assert [s.text for s in second if s.superscript] == ["4,5(p590)", "6", "1"]
    assert loaded.warnings == []


def test_zotero_items_in_vancouver_style(write_case, case_dir: Path) -> None:
    write_library(case_dir, ZOTERO_ITEMS)
    path = write_case(replace=(*CITING_EDITS, ("references:\n",
                                               "citation_style: vancouver\nreferences:\n")))
    texts = {r.id: text_of(r.text) for r in load_document(path).document.references}
    # Citing Medicine: year and abbreviated month ("1987 Nov"), pages 889-93.
    assert texts["gumbs1987"] == (
        "Gumbs RV, Higginbotham-Ford EA, Teal JS, Kletter GG, Castro O. Thoracic extramedullary "
        "hematopoiesis in sickle-cell disease. AJR. 1987 Nov;149(5):889\u201393. "
        "doi: 10.2214/ajr.149.5.889. PMID: 3499795.")
    assert texts["Webb_2017"] == (
        "Webb WR, Higgins CB. Thoracic Imaging: Pulmonary and Cardiovascular Radiology. 3rd ed. "
        "Philadelphia: Wolters Kluwer; 2017.")
    assert texts["solensky2004"] == (
        "Solensky R. Drug allergy: desensitization and treatment of reactions to antibiotics and "
        "aspirin. In: Lockey RF, Bukantz SC, editors. Allergens and Allergen Immunotherapy. "
        "3rd ed. New York: Marcel Dekker; 2004. p. 585\u2013606.")
    assert texts["gostin2021"] == (
        "Gostin L. Global health security in an era of explosive pandemic potential [Internet]. "
        "JAMA Forum; 2021 [cited 2021 Jun 14]. Available from: "
        "https://example.org/jama-forum/global-health-security")


def test_items_wrapped_in_an_items_key_are_read(write_case, case_dir: Path) -> None:
    write_library(case_dir, {"items": ZOTERO_ITEMS})
    ids = [r.id for r in load_document(write_case(replace=CITING_EDITS)).document.references]
    assert set(ids) == {"smith2019", "jones2020", *EXPECTED_AMA}


def test_file_items_come_after_the_case_references_when_uncited(write_case,
                                                               case_dir: Path) -> None:
    write_library(case_dir, ZOTERO_ITEMS[:1])
    path = write_case(replace=(("references:\n", "references_file: refs/library.json\n"
                                                 "references:\n"),
                               (" [@jones2020]", "")))
    loaded = load_document(path)
    assert [(r.number, r.id) for r in loaded.document.references] == [
        (1, "smith2019"), (2, "jones2020"), (3, "gumbs1987")]
    assert sorted(w.message.split("'")[1] for w in loaded.warnings) == ["gumbs1987", "jones2020"]


def test_given_names_become_initials(write_case, case_dir: Path) -> None:
    item = with_item(author=[
        {"family": "Smith", "given": "John A."},
        {"family": "Lee", "given": "Min-Jung"},
        {"family": "van der Berg", "given": "Anna"},
        {"literal": "RSNA Working Group"},
    ])
    write_library(case_dir, item)
    document = load_document(write_case(replace=CITING_EDITS)).document
    gumbs = next(r for r in document.references if r.id == "gumbs1987")
    assert text_of(gumbs.text).startswith(
        "Smith JA, Lee MJ, van der Berg A, RSNA Working Group. Thoracic extramedullary")


def test_numeric_edition_prints_as_an_ordinal(write_case, case_dir: Path) -> None:
    # Zotero keeps the edition as typed, and CSL treats it as a number: "3" is the 3rd edition.
    items = [*ZOTERO_ITEMS[:1], {**ZOTERO_ITEMS[1], "edition": "3"}, *ZOTERO_ITEMS[2:]]
    write_library(case_dir, items)
    document = load_document(write_case(replace=CITING_EDITS)).document
    webb = next(r for r in document.references if r.id == "Webb_2017")
    assert text_of(webb.text) == (
        "Webb WR, Higgins CB. Thoracic Imaging: Pulmonary and Cardiovascular Radiology. 3rd ed. "
        "Wolters Kluwer; 2017.")


def test_abbreviated_journal_title_is_preferred(write_case, case_dir: Path) -> None:
    # AMA (and NLM) cite journals by their abbreviated title; Zotero exports the full title in
    # container-title and the abbreviation in container-title-short / journalAbbreviation.
    write_library(case_dir, with_item(**{
        "container-title": "AJR. American journal of roentgenology",
        "container-title-short": "AJR Am J Roentgenol",
        "journalAbbreviation": "AJR Am J Roentgenol",
    }))
    document = load_document(write_case(replace=CITING_EDITS)).document
    gumbs = next(r for r in document.references if r.id == "gumbs1987")
    assert [s.text for s in gumbs.text if s.italic] == ["AJR Am J Roentgenol"]


def test_file_text_is_nfc_normalised(write_case, case_dir: Path) -> None:
    write_library(case_dir, with_item(author=[{"family": "Mu\u0308ller", "given": "Karl"},
                                              {"family": "S\u030cimu\u030anek", "given": "Petr"}]))
    document = load_document(write_case(replace=CITING_EDITS)).document
    gumbs = next(r for r in document.references if r.id == "gumbs1987")
    assert text_of(gumbs.text).startswith("M\u00fcller K, \u0160im\u016fnek P. Thoracic")


# -- errors --------------------------------------------------------------------------------------


def test_duplicate_id_between_file_and_case_is_an_error(write_case, case_dir: Path) -> None:
    write_library(case_dir, with_item(id="smith2019"))
    with pytest.raises(CaseError) as caught:
        load_document(write_case(replace=CITING_EDITS[:1]))
    errors = [r for r in caught.value.reports if not r.warning]
    assert any("duplicate" in r.message and "smith2019" in r.message for r in errors), errors


def test_invalid_json_names_the_file_and_line(write_case, case_dir: Path) -> None:
    library = case_dir / "refs" / "library.json"
    library.parent.mkdir()
    library.write_text('[\n  {\n    "id": "gumbs1987",\n    "title": "Thoracic"\n    "type": '
                       '"book"\n  }\n]\n', encoding="utf-8")  # no comma after line 4
    with pytest.raises(CaseError) as caught:
        load_case(write_case(replace=CITING_EDITS[:1]))
    (report,) = caught.value.reports
    assert Path(report.file).name == "library.json"
    assert report.line == 5  # where the parser meets the unexpected string
    assert "JSON" in report.message
    assert "library.json:5:" in str(report)


def test_bad_doi_in_the_file_names_the_item(write_case, case_dir: Path) -> None:
    write_library(case_dir, with_item(DOI="ajr.149.5.889"))
    with pytest.raises(CaseError) as caught:
        load_case(write_case(replace=CITING_EDITS[:1]))
    (report,) = caught.value.reports
    assert Path(report.file).name == "library.json"
    assert "gumbs1987" in report.field and "doi" in report.field


def test_bad_pmid_in_the_file_names_the_item(write_case, case_dir: Path) -> None:
    write_library(case_dir, with_item(PMID="PMC3499795"))
    with pytest.raises(CaseError) as caught:
        load_case(write_case(replace=CITING_EDITS[:1]))
    (report,) = caught.value.reports
    assert Path(report.file).name == "library.json"
    assert "gumbs1987" in report.field and "pmid" in report.field


def test_item_missing_what_its_type_needs_names_the_item(write_case, case_dir: Path) -> None:
    item = {key: value for key, value in ZOTERO_ITEMS[0].items() if key != "container-title"}
    write_library(case_dir, [item])
    with pytest.raises(CaseError) as caught:
        load_case(write_case(replace=CITING_EDITS[:1]))
    (report,) = caught.value.reports
    assert "gumbs1987" in report.field
    assert "journal" in report.message


def test_every_bad_item_is_reported_at_once(write_case, case_dir: Path) -> None:
    items = [{**ZOTERO_ITEMS[0], "DOI": "bad"}, {**ZOTERO_ITEMS[3], "URL": "not a url"},
             {"title": "no id"}]
    write_library(case_dir, items)
    with pytest.raises(CaseError) as caught:
        load_case(write_case(replace=CITING_EDITS[:1]))
    fields = sorted(r.field for r in caught.value.reports)
    assert len(fields) == 3
    assert any("gumbs1987" in f for f in fields) and any("gostin2021" in f for f in fields)


def test_missing_references_file_is_an_error_at_its_line(write_case) -> None:
    path = write_case(replace=(("references:\n", "references_file: refs/nowhere.json\n"
                                                 "references:\n"),))
    (report,) = document_errors(path)
    assert report.field == "references_file"
    assert report.line == line_of(path, "references_file:")
    assert "refs/nowhere.json" in report.message


def test_a_file_that_is_not_a_list_of_items_is_an_error(write_case, case_dir: Path) -> None:
    write_library(case_dir, {"id": "gumbs1987"})
    with pytest.raises(CaseError) as caught:
        load_case(write_case(replace=CITING_EDITS[:1]))
    (report,) = caught.value.reports
    assert Path(report.file).name == "library.json"


def test_a_glyph_the_font_lacks_in_the_file_is_an_error_naming_the_item(
        write_case, case_dir: Path) -> None:
    # Spec: never print a box; a character the handout font cannot draw is an error naming the
    # field. File items are printed in the reference list like the case's own.
    write_library(case_dir, with_item(title="Thoracic hematopoiesis \u8840\u6db2"))  # 血液
    errors = document_errors(write_case(replace=CITING_EDITS))
    assert any("gumbs1987" in r.field or "gumbs1987" in r.message for r in errors), errors


def test_an_item_error_gives_the_line_of_the_item_in_the_file(write_case, case_dir: Path) -> None:
    library = write_library(case_dir, with_item(DOI="ajr.149.5.889"))
    (report,) = [r for r in document_errors(write_case(replace=CITING_EDITS))
                 if r.field.endswith(".doi")]
    item_id = ZOTERO_ITEMS[0]["id"]
    lines = library.read_text(encoding="utf-8").splitlines()
    expected = next(n for n, line in enumerate(lines, 1) if f'"id": "{item_id}"' in line)
    assert report.file.endswith("library.json") and report.line == expected
