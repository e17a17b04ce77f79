"""Conference files and pre-conference unknowns, built through the command line.

Spec (issue 5): a conference file (the YAML file with a `cases:` key) builds
build/slides/<id>.pptx (a title slide, then all unknowns and then all answers, or case by case,
with a divider before each case's answer) and build/handouts/<id>.pdf (cover, contents, each
case from a new page, continuous page numbers, a PDF outline; with `duplex: true` each case
starts on a right-hand page). Cases are labelled "Case 1" to "Case n" in presentation order.
Errors name the conference file and line. Every case and conference also gets -unknown
variants that contain no trace of any answer: not in any XML part of the PPTX, its part names,
or the PDF's text, properties, outline and links.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from casedocs.cli import main
from conftest import MINIMAL_CASE, line_of, make_image

CONFERENCE_TITLE = "Thoracic imaging case conference"
PRESENTER = "Dr Rosa Presenter"

# The first case: the minimal case, with an annotation label and a source file named after
# the answer (the name must not reach the unknown outputs).
FIRST_CASE = MINIMAL_CASE.replace("file: images/cxr.png", "file: images/intralobar-seq-cxr.png")
FIRST_CASE = FIRST_CASE.replace(
    "    alt: Axial CT angiogram.\n",
    "    alt: Axial CT angiogram.\n"
    "    annotations:\n"
    "      - label: Aberrant feeding vessel\n"
    "        at: [0.1, 0.1]\n"
    "      - arrow: [0.5, 0.5]\n"
    "        from: [0.8, 0.8]\n",
)
SECOND_CASE = """\
id: case-21
series: Chest Case
number: 21
title: Congenital bronchial atresia
authors:
  - name: Ben Okafor
    degrees: MD
keywords: [mucocele, hyperinflation]
history: A 34-year-old man with an incidental abnormality on a pre-employment radiograph.
figures:
  - id: pa
    file: images/bronchial-atresia-pa.png
    caption: Branching tubular opacity in the right upper zone.
    view: Posteroanterior chest radiograph
    alt: Posteroanterior chest radiograph.
    credit: Image kindly provided by Dr Quimby.
    annotations:
      - label: Mucoid impaction
        at: [0.2, 0.3]
findings:
  - figures: [pa]
    text: A branching finger-in-glove opacity beyond a blind-ending bronchus.
diagnosis: Segmental bronchial atresia with bronchocele
differential:
  - {name: Allergic bronchopulmonary aspergillosis, note: Asthma and central bronchiectasis.}
  - Endobronchial carcinoid tumour
discussion: Atresia of a segmental bronchus leads to mucus accumulating distally [@kinsella2021].
teaching_points:
  - Hyperlucent lung around a tubular opacity suggests the answer.
management: Reassurance and clinical follow-up.
references:
  - id: kinsella2021
    type: web
    authors: [Kinsella D]
    title: Bronchial atresia revisited in adults
    website: Chest Imaging Online
    url: https://example.org/atresia-revisited
    accessed: 2026-03-01
"""

# What gives each case away, written out by hand (not taken from the code under test).
ANSWERS = {
    "case-17": {
        "title": ["Pulmonary sequestration"],
        "diagnosis": ["Intralobar pulmonary sequestration"],
        "keywords": ["sequestration", "systemic arterial supply"],
        "findings": ["Persistent opacity in the left lower lobe",
                     "A systemic artery arises from the descending aorta"],
        # "Pneumonia" is named in the history: it is not an answer.
        "differential": ["Congenital pulmonary airway malformation", "Usually cystic"],
        "discussion": ["non-functioning lung tissue", "Intralobar forms are the most common"],
        "teaching points": ["Look for the systemic artery"],
        "management": ["Surgical resection"],
        "references": ["Imaging of pulmonary sequestration", "Congenital lung lesions",
                       "10.1148/rg.2019180000", "30735470"],
        "captions": ["Frontal radiograph with a left lower lobe opacity",
                     "CT angiogram showing a systemic feeding artery from the aorta"],
        "credits": ["Courtesy of the teaching file"],
        "annotations": ["Aberrant feeding vessel"],
        "file names": ["intralobar-seq-cxr"],
    },
    "case-21": {
        "title": ["Congenital bronchial atresia"],
        "diagnosis": ["Segmental bronchial atresia with bronchocele"],
        "keywords": ["mucocele", "hyperinflation"],
        "findings": ["finger-in-glove opacity", "blind-ending bronchus"],
        "differential": ["Allergic bronchopulmonary aspergillosis",
                         "Asthma and central bronchiectasis", "Endobronchial carcinoid tumour"],
        "discussion": ["mucus accumulating distally"],
        "teaching points": ["Hyperlucent lung around a tubular opacity"],
        "management": ["Reassurance and clinical follow-up"],
        "references": ["Bronchial atresia revisited in adults", "example.org/atresia-revisited",
                       "Chest Imaging Online"],
        "captions": ["Branching tubular opacity in the right upper zone"],
        "credits": ["Image kindly provided by Dr Quimby"],
        "annotations": ["Mucoid impaction"],
        "file names": ["bronchial-atresia-pa"],
    },
}
HISTORIES = {
    "case-17": "A 19-year-old with recurrent left lower lobe pneumonia.",
    "case-21": "A 34-year-old man with an incidental abnormality on a pre-employment radiograph.",
}
TITLES = {"case-17": "Pulmonary sequestration", "case-21": "Congenital bronchial atresia"}
DIAGNOSES = {"case-17": "Intralobar pulmonary sequestration",
             "case-21": "Segmental bronchial atresia with bronchocele"}


# -- helpers -----------------------------------------------------------------------------------


def run(*args: str | Path) -> tuple[int, str, str]:
    """`casedocs ARGS` in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def write_cases(root: Path) -> tuple[Path, Path]:
    a, b = root / "cases" / "a", root / "cases" / "b"
    make_image(a / "images" / "intralobar-seq-cxr.png", (300, 400))
    make_image(a / "images" / "cta.png", (400, 400))
    make_image(b / "images" / "bronchial-atresia-pa.png", (400, 300))
    (a / "case.yaml").write_text(FIRST_CASE, encoding="utf-8")
    (b / "case.yaml").write_text(SECOND_CASE, encoding="utf-8")
    return a / "case.yaml", b / "case.yaml"


def write_conference(path: Path, cases: list[str], conference_id: str, **extra: str) -> Path:
    """A conference file with its cases one per line (so each has its own line number)."""
    lines = [
        f"id: {conference_id}",
        f"title: {CONFERENCE_TITLE}",
        "date: 2026-11-24",
        f"presenter: {PRESENTER}",
        *(f"{key}: {value}" for key, value in extra.items()),
        "cases:",
        *(f"  - {case}" for case in cases),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


CASES = ["../cases/a/case.yaml", "../cases/b/case.yaml"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cases and four conferences of them, built in one run of `casedocs build`."""
    root = tmp_path_factory.mktemp("conference")
    a, b = write_cases(root)
    conferences = root / "conferences"
    paths = [
        write_conference(conferences / "chest.yaml", CASES, "chest-day", order="unknowns-first"),
        write_conference(conferences / "cbc.yaml", CASES, "chest-cbc", order="case-by-case"),
        write_conference(conferences / "reversed.yaml", CASES[::-1], "chest-reversed"),
        write_conference(conferences / "duplex.yaml", CASES, "chest-duplex", duplex="true"),
    ]
    code, out, err = run("build", a, b, *paths, "--out", root / "build")
    assert code == 0, err
    return root


def slides(site: Path, name: str) -> list:
    return list(Presentation(site / "build" / "slides" / name).slides)


def slide_text(slide) -> str:  # noqa: ANN001
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def slide_title(slide) -> str:  # noqa: ANN001
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.name == "Title"]
    if slide.shapes.title is not None:
        texts.append(slide.shapes.title.text_frame.text)
    return texts[0] if texts else ""


def has_picture(slide) -> bool:  # noqa: ANN001
    def pictures(shapes) -> bool:  # noqa: ANN001
        return any(
            s.shape_type == MSO_SHAPE_TYPE.PICTURE
            or (s.shape_type == MSO_SHAPE_TYPE.GROUP and pictures(s.shapes))
            for s in shapes
        )

    return pictures(slide.shapes)


def classify(slide, first: bool) -> tuple[str, int | None]:  # noqa: ANN001
    """("title" | "unknown" | "divider" | "answer", case number) for a conference slide."""
    text = slide_text(slide)
    if first:
        assert CONFERENCE_TITLE in text
        return "title", None
    numbers = {int(n) for n in re.findall(r"\bCase (\d+)\b", text)}
    assert len(numbers) == 1, f"slide names no single case: {text!r}"
    number = numbers.pop()
    if re.search(rf"\bCase {number}: answer\b", text):
        return "divider", number
    unknown = (
        text.strip() == f"Case {number}"
        or slide_title(slide) in ("History", "Your interpretation")
        or (has_picture(slide) and "findings" not in text.lower())  # "CT: findings"
    )
    return ("unknown" if unknown else "answer"), number


def groups(deck: list) -> list[tuple[str, int | None]]:
    """The deck as runs of (phase, case): [("title", None), ("unknown", 1), ...]."""
    runs: list[tuple[str, int | None]] = []
    for i, slide in enumerate(deck):
        key = classify(slide, i == 0)
        if not runs or runs[-1] != key:
            runs.append(key)
    return runs


def pdf_pages(path: Path) -> list[str]:
    """Each page's text as pdftotext reads it (pypdf when pdftotext is missing)."""
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                capture_output=True, text=True, check=True)
        pages = result.stdout.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def start_page(pages: list[str], number: int, marker: str) -> int:
    """1-based page where case `number` begins: its label is the page's first line and
    `marker` (its title or history) follows on that page."""
    hits = [
        i for i, page in enumerate(pages, start=1)
        if page.strip().splitlines()[:1] == [f"Case {number}"] and marker in " ".join(page.split())
    ]
    assert len(hits) == 1, f"Case {number} ({marker!r}) begins on pages {hits}"
    return hits[0]


def outline(path: Path) -> list[tuple[str, int]]:
    reader = PdfReader(path)
    entries = []
    for item in reader.outline:
        assert not isinstance(item, list), "case entries are top-level"
        entries.append((item.title, reader.get_destination_page_number(item) + 1))
    return entries


# -- outputs -----------------------------------------------------------------------------------


def test_a_conference_builds_its_deck_packet_and_unknown_variants(site: Path) -> None:
    build = site / "build"
    for name in ("slides/chest-day.pptx", "slides/chest-day-unknown.pptx",
                 "handouts/chest-day.pdf", "handouts/chest-day-unknown.pdf"):
        assert (build / name).is_file(), name
    assert (build / "slides" / "chest-day.pptx").read_bytes()[:2] == b"PK"
    assert (build / "handouts" / "chest-day.pdf").read_bytes()[:5] == b"%PDF-"


def test_cases_built_beside_conferences_get_unknown_variants_too(site: Path) -> None:
    build = site / "build"
    for case_id in ("case-17", "case-21"):
        for name in (f"slides/{case_id}.pptx", f"slides/{case_id}-unknown.pptx",
                     f"handouts/{case_id}.pdf", f"handouts/{case_id}-unknown.pdf"):
            assert (build / name).is_file(), name


def test_a_conference_build_writes_only_its_own_outputs(tmp_path: Path) -> None:
    write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml", CASES, "chest-only")
    code, out, err = run("build", conference, "--out", tmp_path / "build")
    assert code == 0, err
    written = sorted(p.relative_to(tmp_path / "build").as_posix()
                     for p in (tmp_path / "build").rglob("*")
                     if p.is_file() and ".cache" not in p.parts)
    assert written == ["handouts/chest-only-unknown.pdf", "handouts/chest-only.pdf",
                       "slides/chest-only-unknown.pptx", "slides/chest-only.pptx"]


# -- deck order --------------------------------------------------------------------------------


def test_title_slide_names_the_conference(site: Path) -> None:
    for name in ("chest-day.pptx", "chest-day-unknown.pptx"):
        text = slide_text(slides(site, name)[0])
        assert CONFERENCE_TITLE in text
        assert PRESENTER in text
        assert "November 24, 2026" in text
        assert "Case 1" not in text and "Case 2" not in text


def test_unknowns_first_shows_every_unknown_then_each_answer_after_a_divider(site: Path) -> None:
    deck = slides(site, "chest-day.pptx")
    assert groups(deck) == [("title", None), ("unknown", 1), ("unknown", 2),
                            ("divider", 1), ("answer", 1), ("divider", 2), ("answer", 2)]
    dividers = [i for i, s in enumerate(deck) if classify(s, i == 0)[0] == "divider"]
    assert len(dividers) == 2  # one slide before each case's answer


def test_case_by_case_shows_each_unknown_then_its_answer(site: Path) -> None:
    deck = slides(site, "chest-cbc.pptx")
    assert groups(deck) == [("title", None), ("unknown", 1), ("divider", 1), ("answer", 1),
                            ("unknown", 2), ("divider", 2), ("answer", 2)]


def test_each_unknown_part_is_label_history_images_and_prompt(site: Path) -> None:
    deck = slides(site, "chest-day.pptx")
    for number, case_id, figures in ((1, "case-17", 2), (2, "case-21", 1)):
        part = [s for i, s in enumerate(deck) if i and classify(s, False) == ("unknown", number)]
        assert slide_text(part[0]).strip() == f"Case {number}"
        assert slide_title(part[1]) == "History"
        assert HISTORIES[case_id] in slide_text(part[1])
        assert [has_picture(s) for s in part[2:-1]] == [True] * figures
        assert slide_title(part[-1]) == "Your interpretation"


def test_each_answer_shows_its_own_diagnosis(site: Path) -> None:
    for name in ("chest-day.pptx", "chest-cbc.pptx"):
        deck = slides(site, name)
        for number, case_id in ((1, "case-17"), (2, "case-21")):
            answer = "\n".join(slide_text(s) for i, s in enumerate(deck)
                               if i and classify(s, False) == ("answer", number))
            assert DIAGNOSES[case_id] in answer, (name, number)
            other = DIAGNOSES["case-21" if case_id == "case-17" else "case-17"]
            assert other not in answer


def test_the_unknown_deck_is_the_title_and_the_unknowns_only(site: Path) -> None:
    deck = slides(site, "chest-day-unknown.pptx")
    assert groups(deck) == [("title", None), ("unknown", 1), ("unknown", 2)]
    full = slides(site, "chest-day.pptx")
    count = sum(1 for i, s in enumerate(full) if i == 0 or classify(s, False)[0] == "unknown")
    assert len(deck) == count


def test_cases_are_labelled_in_presentation_order_in_the_deck(site: Path) -> None:
    for name, first, second in (("chest-day.pptx", "case-17", "case-21"),
                                ("chest-reversed.pptx", "case-21", "case-17")):
        deck = slides(site, name)
        for number, case_id in ((1, first), (2, second)):
            unknown = "\n".join(slide_text(s) for i, s in enumerate(deck)
                                if i and classify(s, False) == ("unknown", number))
            assert HISTORIES[case_id] in unknown, (name, number)
            answer = "\n".join(slide_text(s) for i, s in enumerate(deck)
                               if i and classify(s, False) == ("answer", number))
            assert DIAGNOSES[case_id] in answer, (name, number)
        # The cases' own labels ("Chest Case 17") give way to the conference's numbering.
        text = "\n".join(slide_text(s) for s in deck)
        assert "Chest Case 17" not in text and "Chest Case 21" not in text


# -- the packet --------------------------------------------------------------------------------


def test_packet_cover_names_the_conference_and_lists_the_cases(site: Path) -> None:
    pages = pdf_pages(site / "build" / "handouts" / "chest-day.pdf")
    cover = pages[0]
    assert CONFERENCE_TITLE in cover
    assert PRESENTER in cover and "November 24, 2026" in cover
    assert "Contents" in cover
    listed = [int(n) for n in re.findall(r"^\s*Case (\d+)\b", cover, re.MULTILINE)]
    assert listed == [1, 2]
    # The cover is not a case: no case's history or title is on it.
    for case_id in TITLES:
        assert TITLES[case_id] not in cover and HISTORIES[case_id] not in cover


def test_packet_contents_give_the_page_each_case_starts_on(site: Path) -> None:
    path = site / "build" / "handouts" / "chest-day.pdf"
    pages = pdf_pages(path)
    contents = dict(
        (int(n), int(p)) for n, p in re.findall(r"Case (\d+)\W+(\d+)\s*$", pages[0], re.MULTILINE)
    )
    starts = {1: start_page(pages, 1, TITLES["case-17"]),
              2: start_page(pages, 2, TITLES["case-21"])}
    assert contents == starts


def test_each_case_starts_on_a_new_page(site: Path) -> None:
    pages = pdf_pages(site / "build" / "handouts" / "chest-day.pdf")
    first = start_page(pages, 1, TITLES["case-17"])
    second = start_page(pages, 2, TITLES["case-21"])
    assert 1 < first < second <= len(pages)
    # The page before the second case ends the first (its last reference) and holds nothing
    # of the second.
    before = " ".join(pages[second - 2].split())
    assert "Congenital lung lesions" in before
    assert TITLES["case-21"] not in before and HISTORIES["case-21"] not in before


def test_packet_pages_are_numbered_continuously(site: Path) -> None:
    for name in ("chest-day.pdf", "chest-day-unknown.pdf", "chest-duplex.pdf"):
        pages = pdf_pages(site / "build" / "handouts" / name)
        total = len(pages)
        assert total == len(PdfReader(site / "build" / "handouts" / name).pages)
        for number, page in enumerate(pages, start=1):
            if not page.strip():  # a blank back side for duplex printing carries nothing
                assert name == "chest-duplex.pdf", (name, number)
                continue
            assert f"Page {number} of {total}" in page, (name, number)


@pytest.mark.parametrize("name, marker", [
    pytest.param("chest-day.pdf", TITLES, id="packet"),
    pytest.param("chest-day-unknown.pdf", HISTORIES, id="worksheets"),
    pytest.param("chest-duplex.pdf", TITLES, id="duplex"),
    pytest.param("chest-reversed.pdf", TITLES, id="reversed"),
])
def test_packet_outline_has_one_entry_per_case_at_its_first_page(
        site: Path, name: str, marker: dict) -> None:
    path = site / "build" / "handouts" / name
    pages = pdf_pages(path)
    order = ["case-21", "case-17"] if "reversed" in name else ["case-17", "case-21"]
    assert outline(path) == [("Case 1", start_page(pages, 1, marker[order[0]])),
                             ("Case 2", start_page(pages, 2, marker[order[1]]))]


def test_contents_entries_link_to_the_page_each_case_starts_on(site: Path) -> None:
    path = site / "build" / "handouts" / "chest-day.pdf"
    pages = pdf_pages(path)
    starts = {start_page(pages, 1, TITLES["case-17"]), start_page(pages, 2, TITLES["case-21"])}
    reader = PdfReader(path)
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    targets = set()
    for annotation in reader.pages[0].get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
            targets.add(numbers[annotation["/Dest"][0].idnum])
    assert targets == starts


def test_worksheet_packet_has_cover_contents_outline_and_new_pages(site: Path) -> None:
    path = site / "build" / "handouts" / "chest-day-unknown.pdf"
    pages = pdf_pages(path)
    assert CONFERENCE_TITLE in pages[0] and "Contents" in pages[0]
    first = start_page(pages, 1, HISTORIES["case-17"])
    second = start_page(pages, 2, HISTORIES["case-21"])
    assert 1 < first < second
    assert [title for title, _ in outline(path)] == ["Case 1", "Case 2"]


def test_cases_are_labelled_in_presentation_order_in_the_packet(site: Path) -> None:
    pages = pdf_pages(site / "build" / "handouts" / "chest-reversed.pdf")
    first = start_page(pages, 1, TITLES["case-21"])
    second = start_page(pages, 2, TITLES["case-17"])
    assert first < second
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "Chest Case 17" not in text and "Chest Case 21" not in text
    worksheet = pdf_pages(site / "build" / "handouts" / "chest-reversed-unknown.pdf")
    assert start_page(worksheet, 1, HISTORIES["case-21"]) < start_page(
        worksheet, 2, HISTORIES["case-17"])


def test_duplex_starts_each_case_on_a_right_hand_page(site: Path) -> None:
    for name, marker in (("chest-duplex.pdf", TITLES),
                         ("chest-duplex-unknown.pdf", HISTORIES)):
        path = site / "build" / "handouts" / name
        pages = pdf_pages(path)
        starts = [start_page(pages, 1, marker["case-17"]), start_page(pages, 2, marker["case-21"])]
        assert all(page % 2 == 1 for page in starts), (name, starts)
        # The cover is page 1, so the first case needs a blank back page before it.
        assert starts[0] == 3
        assert not re.sub(r"Page 2 of \d+|" + re.escape(CONFERENCE_TITLE), "", pages[1]).strip()


def test_without_duplex_cases_follow_without_blank_pages(site: Path) -> None:
    pages = pdf_pages(site / "build" / "handouts" / "chest-day.pdf")
    assert start_page(pages, 1, TITLES["case-17"]) == 2


# -- errors ------------------------------------------------------------------------------------


def test_a_missing_case_is_an_error_at_its_line(tmp_path: Path) -> None:
    write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml",
                                  [CASES[0], "../cases/missing.yaml"], "chest-missing")
    code, out, err = run("build", conference, "--out", tmp_path / "build")
    assert code == 1
    assert f"c.yaml:{line_of(conference, 'missing.yaml')}:" in err
    assert "missing.yaml" in err
    assert not (tmp_path / "build" / "slides").exists()
    assert not (tmp_path / "build" / "handouts").exists()


def test_a_case_listed_twice_is_an_error_at_the_second_line(tmp_path: Path) -> None:
    write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml",
                                  [CASES[0], CASES[1], CASES[0]], "chest-twice")
    code, out, err = run("build", conference, "--out", tmp_path / "build")
    assert code == 1
    assert f"c.yaml:{line_of(conference, CASES[0], 2)}:" in err
    assert "twice" in err
    assert not (tmp_path / "build" / "slides").exists()


def test_two_cases_with_one_id_are_an_error_at_the_conference_line(tmp_path: Path) -> None:
    write_cases(tmp_path)
    copy = tmp_path / "cases" / "copy"
    shutil.copytree(tmp_path / "cases" / "a", copy)
    conference = write_conference(tmp_path / "conferences" / "c.yaml",
                                  [CASES[0], CASES[1], "../cases/copy/case.yaml"], "chest-ids")
    code, out, err = run("build", conference, "--out", tmp_path / "build")
    assert code == 1
    assert f"c.yaml:{line_of(conference, 'copy/case.yaml')}:" in err
    assert "case-17" in err
    assert not (tmp_path / "build" / "slides").exists()


def test_a_case_and_a_conference_with_one_id_are_an_error(tmp_path: Path) -> None:
    a, _ = write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml", CASES, "case-17")
    code, out, err = run("build", a, conference, "--out", tmp_path / "build")
    assert code == 1
    assert "case-17" in err
    assert "c.yaml" in err and "case.yaml" in err
    assert not (tmp_path / "build" / "slides").exists()
    assert not (tmp_path / "build" / "handouts").exists()


def test_an_id_clash_error_names_the_conference_file_and_line(tmp_path: Path) -> None:
    """Spec: "Errors name the conference file and line: ... an output name that two inputs
    would both write (a case and a conference with one id ...)"."""
    a, _ = write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml", CASES, "case-17")
    code, out, err = run("build", a, conference, "--out", tmp_path / "build")
    assert code == 1
    assert f"c.yaml:{line_of(conference, 'id: case-17')}:" in err, err


def test_a_conference_id_ending_in_unknown_is_an_error_at_its_line(tmp_path: Path) -> None:
    write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml", CASES, "chest-unknown")
    code, out, err = run("build", conference, "--out", tmp_path / "build")
    assert code == 1
    assert "-unknown" in err and "c.yaml" in err
    assert not (tmp_path / "build" / "slides").exists()
    assert f"c.yaml:{line_of(conference, 'id: chest-unknown')}:" in err, err


def test_a_case_id_ending_in_unknown_is_an_error(tmp_path: Path) -> None:
    a, _ = write_cases(tmp_path)
    a.write_text(FIRST_CASE.replace("id: case-17", "id: case-17-unknown"), encoding="utf-8")
    code, out, err = run("build", a, "--out", tmp_path / "build")
    assert code == 1
    assert "case-17-unknown" in err and "-unknown" in err
    assert not (tmp_path / "build" / "slides").exists()
    assert not (tmp_path / "build" / "handouts").exists()


def test_a_case_whose_id_is_another_ones_unknown_name_is_an_error(tmp_path: Path) -> None:
    """case-17 writes case-17-unknown.pptx; a case with id case-17-unknown would too. That
    case is refused and writes nothing; case-17, which is right, builds (issue 11: a broken
    input does not stop the others)."""
    a, b = write_cases(tmp_path)
    b.write_text(SECOND_CASE.replace("id: case-21", "id: case-17-unknown"), encoding="utf-8")
    code, out, err = run("build", a, b, "--out", tmp_path / "build")
    assert code == 1
    assert "case-17-unknown" in err and "ends in -unknown" in err
    slides = sorted(p.name for p in (tmp_path / "build" / "slides").iterdir())
    assert slides == ["case-17-unknown.pptx", "case-17.pptx"]
    unknown = Presentation(str(tmp_path / "build" / "slides" / "case-17-unknown.pptx"))
    assert "Chest Case 17" in " ".join(
        shape.text_frame.text for slide in unknown.slides for shape in slide.shapes
        if shape.has_text_frame
    )


def test_validate_accepts_a_conference_file(site: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("validate", site / "conferences" / "chest.yaml")
    assert code == 0, err
    assert "chest-day" in out and "2 cases" in out
    assert list(tmp_path.iterdir()) == []  # validating writes nothing


def test_validate_reports_a_broken_conference(tmp_path: Path) -> None:
    write_cases(tmp_path)
    conference = write_conference(tmp_path / "conferences" / "c.yaml",
                                  [CASES[0], "../cases/missing.yaml"], "chest-broken")
    code, out, err = run("validate", conference)
    assert code == 1
    assert f"c.yaml:{line_of(conference, 'missing.yaml')}:" in err


# -- no answer in any unknown variant ----------------------------------------------------------


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    return " ".join(re.split(r"[\W_]+", text)).strip()


def leaks(haystacks: list[str], case_ids: list[str]) -> list[str]:
    """'case: field: text' for every answer text found in any haystack."""
    padded = [f" {normalise(h)} " for h in haystacks]
    found = []
    for case_id in case_ids:
        for field, texts in ANSWERS[case_id].items():
            for text in texts:
                needle = f" {normalise(text)} "
                found += [f"{case_id}: {field}: {text}" for h in padded if needle in h][:1]
    return found


def pptx_haystacks(path: Path) -> list[str]:
    """Every part of the package (its raw XML, attributes included, and its text alone)
    and every part name."""
    texts = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        assert "docProps/core.xml" in names and "docProps/app.xml" in names
        for name in names:
            data = package.read(name)
            if name.endswith((".xml", ".rels")):
                xml = data.decode("utf-8")
                texts += [xml, re.sub(r"<[^>]+>", "", xml)]
    return [*texts, *names]


def pdf_haystacks(path: Path) -> list[str]:
    """The PDF's text (pdftotext and pypdf), properties (info and XMP), outline, link targets
    and every string in its uncompressed objects."""
    reader = PdfReader(path)
    texts = [page.extract_text() or "" for page in reader.pages]
    if shutil.which("pdftotext"):
        texts.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                    capture_output=True, text=True, check=True).stdout)
    texts += [f"{key} {value}" for key, value in (reader.metadata or {}).items()]
    xmp = reader.xmp_metadata
    if xmp is not None:
        texts.append(xmp.stream.get_data().decode("utf-8", "replace"))

    def titles(items: list) -> list[str]:
        return [t for item in items
                for t in (titles(item) if isinstance(item, list) else [item.title])]

    texts += titles(reader.outline)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            texts.append(str(annotation))
            if action is not None:
                texts.append(str(action.get_object().get("/URI", "")))
    if shutil.which("qpdf"):
        raw = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), "-"],
                             capture_output=True, check=True).stdout
        strings = re.findall(rb"\((?:[^()\\]|\\.)*\)", raw)  # PDF literal strings
        texts += [s.decode("latin-1") for s in strings]
    return texts


@pytest.mark.parametrize("case_id", ["case-17", "case-21"])
def test_the_search_finds_every_answer_text_in_the_full_handout(site: Path, case_id: str) -> None:
    """A control for the tests below: the same search finds every answer text (but the source
    file names) where the answer is shown."""
    found = leaks(pdf_haystacks(site / "build" / "handouts" / f"{case_id}.pdf"), [case_id])
    expected = [f"{case_id}: {field}: {text}" for field, texts in ANSWERS[case_id].items()
                if field != "file names" for text in texts]
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize("name, cases", [("case-17-unknown.pptx", ["case-17"]),
                                         ("case-21-unknown.pptx", ["case-21"]),
                                         ("chest-day-unknown.pptx", ["case-17", "case-21"]),
                                         ("chest-reversed-unknown.pptx", ["case-17", "case-21"])])
def test_unknown_decks_carry_no_answer_in_any_part(site: Path, name: str, cases: list) -> None:
    assert leaks(pptx_haystacks(site / "build" / "slides" / name), cases) == []


@pytest.mark.parametrize("name, cases", [("case-17-unknown.pdf", ["case-17"]),
                                         ("case-21-unknown.pdf", ["case-21"]),
                                         ("chest-day-unknown.pdf", ["case-17", "case-21"]),
                                         ("chest-duplex-unknown.pdf", ["case-17", "case-21"])])
def test_unknown_handouts_carry_no_answer_anywhere(site: Path, name: str, cases: list) -> None:
    assert leaks(pdf_haystacks(site / "build" / "handouts" / name), cases) == []


def test_the_leak_search_finds_answers_in_full_outputs(site: Path) -> None:
    """A control for the two tests above: the same search finds the answer where it is."""
    deck = leaks(pptx_haystacks(site / "build" / "slides" / "chest-day.pptx"), ["case-17"])
    assert any(": diagnosis: " in hit for hit in deck)
    packet = leaks(pdf_haystacks(site / "build" / "handouts" / "chest-day.pdf"), ["case-21"])
    assert any(": references: example.org" in hit for hit in packet)
    assert any(": title: " in hit for hit in packet)


def test_unknown_variants_show_the_history_and_images(site: Path) -> None:
    deck = slides(site, "chest-day-unknown.pptx")
    text = "\n".join(slide_text(s) for s in deck)
    assert HISTORIES["case-17"] in text and HISTORIES["case-21"] in text
    assert sum(has_picture(s) for s in deck) == 3
    pages = pdf_pages(site / "build" / "handouts" / "case-21-unknown.pdf")
    joined = " ".join(" ".join(page.split()) for page in pages)
    assert HISTORIES["case-21"] in joined
    assert "Posteroanterior chest radiograph" in joined  # the neutral view label
    reader = PdfReader(site / "build" / "handouts" / "case-21-unknown.pdf")
    assert sum(len(page.images) for page in reader.pages) >= 1
