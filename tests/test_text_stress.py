"""The stress case: every symbol and literal markup of issue 4 survives into both outputs.

Spec (issue 4, "Proof"): a case with long discussion text, 12 references with 2 to 9 authors,
every symbol the issue lists and literal markup; its handout text (pypdf) and deck text
(python-pptx) contain every string exactly as typed once whitespace is collapsed. The case lives
in tests/fixtures/stress/ (three of its references in a CSL-JSON file); the images are drawn here.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from casedocs.cli import main
from casedocs.document.typography import page_range
from casedocs.load import load_document
from conftest import make_image

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "stress"
LABEL = "Stress Case 12"

# Typed in the case (or its CSL-JSON file) and printed character for character.
AS_TYPED = (
    "β-thalassemia",
    "⁹⁹ᵐTc sulfur colloid",
    "≥ 2500 µg/L",
    "38.5 °C",
    "± 2 SD",
    "3 × 4 cm",
    "10–20 mm",
    "outside the marrow—an adaptive response",
    "Rarely this smooth — and rarely bilateral.",
    "paraspinal masses — smooth, lobulated",
    "Müller, Đoković, Šimůnek and Gómez",
    "a < b > c",
    "salt & pepper",
    "the tags <para> and <b>x</b>",
    "the entity &amp; and",
    "an approximate size of ~5 mm and a power such as 2^10",
    "20–30 Gy × 10 fractions",
    "The teaching file has more cases.",
)
# Typed with straight quotes, printed with typographic ones (issue 10).
TYPOGRAPHIC = ("the patient\u2019s baseline",)
# Typed with sub/superscript markup; compared as the characters drawn.
RENDERED = (
    "99mTc sulfur colloid uptake in the masses",
    "99mTc-labelled red cells",
    "the formula H2O are all shown",
)
# Reference-list text with diacritics, symbols and "et al." (AMA: more than 6 authors -> 3).
REFERENCES = (
    "Müller K, Đoković N. Extramedullary hematopoiesis in β-thalassemia at CT and MRI.",
    "Đoković N, Gómez A, O'Brien S. Technetium-99m sulfur colloid scintigraphy",
    "Šimůnek P, Novák J, Dvořák T, Horáková E, Gómez AM. Paravertebral extramedullary",
    "Kovács Z, Đoković N, Müller K, et al. Hepatosplenic iron at 1.5 T and 3 T: "
    "R2* ≥ 200 s⁻¹ in transfused patients.",
    "O'Brien S, Gómez A, Müller K. Extramedullary hematopoiesis: case collection.",
    "Chen L, Wang Y, Zhang H, et al. Marrow expansion in β-thalassemia major.",
    "Ibrahim M, Haddad R, Nasser F, et al. Coarse trabeculae and iron overload at 3 T.",
    "Tanaka H, Šimůnek P, Gómez A, Müller K, Đoković N, Lee KJ. Thalassemia intermedia ≥ 30 "
    "years after diagnosis.",
    "Gómez A, Müller K, Đoković N. Imaging of the hemoglobinopathies. In: Siegel MJ, Coley BD, "
    "eds. Pediatric Imaging. 2nd ed. Wolters Kluwer; 2019:210-245.",
)
# Citation markers: the same numbers in both outputs.
MARKERS = ("presents with back pain.1", "matching marrow.2,3", "hereditary spherocytosis.4-6")
# What escaping or markup handling gone wrong would print instead.
NEVER = ("&lt;", "&gt;", "&amp;amp;", "^99m^", "H~2~O", "\ufffd")


@dataclass(frozen=True)
class Built:
    handout: str  # every page's text, footers removed, whitespace collapsed
    deck: str  # body texts in slide order, then titles, labels and notes; whitespace collapsed
    pdf: PdfReader
    prs: Presentation


def squash(text: str) -> str:
    return " ".join(text.split())


def stress_copy(folder: Path, normalization: str | None = None) -> Path:
    """The fixture copied into `folder` (optionally re-encoded as NFD), with images drawn."""
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    if normalization:
        for name in ("case.yaml", "refs.json"):
            path = folder / name
            text = path.read_text(encoding="utf-8")
            path.write_text(unicodedata.normalize(normalization, text), encoding="utf-8")
    make_image(folder / "images" / "cxr.png", (900, 1100))
    make_image(folder / "images" / "scan.png", (700, 1000))
    return folder / "case.yaml"


def build(case: Path) -> Built:
    out = case.parent / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    pdf = PdfReader(out / "handouts" / "stress-12.pdf")
    pages = []
    for page in pdf.pages:
        text = re.sub(r"Page \d+ of \d+", " ", page.extract_text())
        pages.append(text.replace(LABEL, " "))
    prs = Presentation(str(out / "slides" / "stress-12.pptx"))
    bodies, others = [], []
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            kind = bodies if shape.name not in ("Title", "Footer") else others
            kind.append(shape.text_frame.text)
        if slide.has_notes_slide:
            others.append(slide.notes_slide.notes_text_frame.text)
    return Built(squash(" ".join(pages)), squash(" ".join(bodies + others)), pdf, prs)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(stress_copy(tmp_path_factory.mktemp("stress")))


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory):
    return load_document(stress_copy(tmp_path_factory.mktemp("stress-doc"))).document


def test_the_fixture_has_what_the_issue_asks_for(document) -> None:
    assert len(document.references) == 12
    ids = {r.id for r in document.references}
    assert {"simunek2018", "kovacs2014", "obrien2012"} <= ids  # from refs.json
    case = (FIXTURE / "case.yaml").read_text(encoding="utf-8")
    counts = [len(a.split(", ")) for a in re.findall(r"authors: \[(.*)\]", case)]
    counts += [5, 9, 3]  # the CSL-JSON items
    assert set(range(2, 10)) <= set(counts) and min(counts) >= 2 and max(counts) == 9
    discussion_paragraphs = [b for b in document.discussion if isinstance(b, tuple)]
    assert len(discussion_paragraphs) >= 4
    assert any(not isinstance(b, tuple) for b in document.discussion)  # the bulleted list
    assert "^99m^Tc" in case and "⁹⁹ᵐTc" in case


@pytest.mark.parametrize("text", AS_TYPED + RENDERED + TYPOGRAPHIC)
def test_handout_prints_it_as_typed(built: Built, text: str) -> None:
    assert text in built.handout


@pytest.mark.parametrize("text", AS_TYPED + RENDERED + TYPOGRAPHIC)
def test_deck_shows_it_as_typed(built: Built, text: str) -> None:
    assert text in built.deck


def test_straight_quotes_print_typographic(built: Built) -> None:
    assert "the patient's baseline" not in built.handout + built.deck


@pytest.mark.parametrize("text", REFERENCES)
def test_reference_list_prints_it_in_both_outputs(built: Built, text: str) -> None:
    assert printed(text) in built.handout
    assert printed(text) in built.deck


def printed(text: str) -> str:
    """A reference as it prints: page ranges with an en dash (titles as published)."""
    return page_range(text)


@pytest.mark.parametrize("text", MARKERS)
def test_citation_markers_match_in_both_outputs(built: Built, text: str) -> None:
    assert text in built.handout
    assert text in built.deck


def test_nothing_is_escaped_twice_or_left_as_markup(built: Built) -> None:
    for wrong in NEVER:
        assert wrong not in built.handout, wrong
        assert wrong not in built.deck, wrong


def test_handout_reference_list_is_numbered_1_to_12(built: Built) -> None:
    listing = built.handout[built.handout.rindex("References"):]
    numbers = [int(n) for n in re.findall(r"(?:^|\s)(\d+)\. [A-ZÀ-ŽĐ][\w'À-ž]+ [A-Z]+[,.]",
                                          listing)]
    assert numbers == list(range(1, 13))


def test_deck_references_continue_on_cont_slides(built: Built) -> None:
    titles, numbers = [], []
    for slide in built.prs.slides:
        shapes = {shape.name: shape for shape in slide.shapes if shape.has_text_frame}
        title = shapes["Title"].text_frame.text if "Title" in shapes else ""
        if not title.startswith("References"):
            continue
        titles.append(title)
        for paragraph in shapes["References"].text_frame.paragraphs:
            number = paragraph._p.get_or_add_pPr().find(qn("a:buAutoNum"))
            if number is not None:
                numbers.append(int(number.get("startAt")))
    assert titles[0] == "References"
    assert len(titles) >= 2  # slides fill by measured space (issue 10), not seven lines each
    assert titles[1:] == ["References (cont.)"] * (len(titles) - 1)
    assert numbers == list(range(1, 13))


def test_doi_and_pmid_links_are_live_in_both_outputs(built: Built) -> None:
    expected = {
        "https://doi.org/10.5555/rg.2019.0001",
        "https://pubmed.ncbi.nlm.nih.gov/31500001/",
        "https://doi.org/10.5555/ejr.2018.0004",  # from refs.json
        "https://pubmed.ncbi.nlm.nih.gov/29600004/",
        "https://example.org/teaching-files/emh",
        "https://example.org/teaching-file/emh-case",  # a Markdown link in the discussion
    }
    handout_links = {
        annotation.get_object()["/A"]["/URI"]
        for page in built.pdf.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    deck_links = {
        run.hyperlink.address
        for slide in built.prs.slides
        for shape in slide.shapes if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs if run.hyperlink.address
    }
    assert expected <= handout_links
    # The deck's discussion slide shows the teaching points, the prose (and its link) is in
    # its notes, where nothing is clickable (issue 19).
    assert expected - {"https://example.org/teaching-file/emh-case"} <= deck_links


@pytest.fixture(scope="module")
def nfd_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same case saved in NFD (as some macOS tools write text): it must print the same."""
    return build(stress_copy(tmp_path_factory.mktemp("stress-nfd"), "NFD"))


@pytest.mark.parametrize("strings", [AS_TYPED + RENDERED + TYPOGRAPHIC,
                                     tuple(printed(r) for r in REFERENCES)],
                         ids=["text", "references"])
def test_decomposed_input_prints_composed(nfd_built: Built, strings: tuple[str, ...]) -> None:
    assert [t for t in strings if t not in nfd_built.handout] == []
    assert [t for t in strings if t not in nfd_built.deck] == []


def test_decomposed_title_block_prints_composed(nfd_built: Built) -> None:
    assert ("Extramedullary hematopoiesis in β-thalassemia Zoë Müller, MD, PhD "
            "Hôpital Saint-Éloi, Montpellier") in nfd_built.handout
