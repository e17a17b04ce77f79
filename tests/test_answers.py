"""What is answer and what is public (issue 8): one definition, precise and sensitive.

Public: history, the case label, view, alt, the conference title, generated wording. Answer:
title, diagnosis, keywords, differential, findings, captions beyond the view, discussion,
teaching points, management, annotation labels, references. Public text may not carry a whole
answer field, nor a distinctive phrase of one; what the history says is public.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from casedocs.cli import main
from casedocs.document.answers import AnswerKey, KeyBuilder, answer_key, caption_answer
from casedocs.load import load_document
from casedocs.source.loader import load_case
from conftest import document_errors, edited, line_of, make_image, write_case_file

PE_CASE = """\
id: chest-pe
series: Chest Case
number: 3
title: Acute pulmonary embolism
keywords: [pulmonary embolism, CT pulmonary angiography]
history: A 54-year-old woman with sudden dyspnoea and pleuritic chest pain after a long flight.
figures:
  - id: cxr
    file: images/cxr.png
    caption: Frontal chest radiograph.
    view: Frontal chest radiograph
    alt: Frontal chest radiograph.
  - id: ctpa
    file: images/ctpa.png
    caption: "Axial CT pulmonary angiogram: filling defects in both main pulmonary arteries."
    view: Axial CT pulmonary angiogram
    alt: Axial CT pulmonary angiogram.
  - id: cor
    file: images/cor.png
    caption: "Coronal reformat: the thrombus straddles the bifurcation (saddle embolus)."
    view: Coronal reformat
    alt: Coronal reformat of the CT pulmonary angiogram.
findings:
  - figures: [cxr]
    text: The radiograph is normal (@fig-cxr), as is usual, e.g. in the first hours.
  - figures: [ctpa, cor]
    text: >-
      Filling defects in both main pulmonary arteries (@fig-ctpa, @fig-cor), i.e. a saddle
      embolus (Fig. 2, Fig. 3). The RV/LV ratio is approx. 1.4 vs. 0.9 normally.
diagnosis: Acute pulmonary embolism with right heart strain
differential:
  - Chronic thromboembolic disease
  - {name: Pulmonary artery sarcoma, note: Expands the artery and enhances.}
  - Mixing artefact
discussion: |
  Dr. Westermark described oligaemia distal to an embolus. CTPA is the test of choice [@pe].
teaching_points:
  - An RV/LV ratio above 1 signals right heart strain.
references:
  - id: pe
    authors: [Stein PD]
    title: Multidetector computed tomography for acute pulmonary embolism
    journal: N Engl J Med
    year: 2006
"""


def write(folder: Path, text: str = PE_CASE, edits: tuple[tuple[str, str], ...] = ()) -> Path:
    for name in ("cxr", "ctpa", "cor"):
        make_image(folder / "images" / f"{name}.png", (300, 300))
    path = folder / "case.yaml"
    path.write_text(edited(text, edits), encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(arg) for arg in args])
    return code, err.getvalue()


@pytest.fixture
def key(tmp_path: Path) -> AnswerKey:
    return answer_key(load_case(write(tmp_path)).case)


# -- false alarms that refused correct cases ----------------------------------------------------


def test_a_case_written_as_radiologists_write_builds(tmp_path: Path) -> None:
    """Neutral captions repeated as view and alt, captions opening with the view, several
    figures per sentence, abbreviations: every output builds, read-back check included."""
    code, err = run("build", write(tmp_path), "--out", tmp_path / "out")
    assert code == 0, err
    out = tmp_path / "out"
    written = {p.name for folder in ("handouts", "slides") for p in (out / folder).iterdir()}
    assert written == {"chest-pe.pdf", "chest-pe-unknown.pdf", "chest-pe.pptx",
                       "chest-pe-unknown.pptx"}


def test_a_neutral_caption_is_no_answer(key: AnswerKey) -> None:
    assert key.leaks_in("Frontal chest radiograph.") == []
    assert key.leaks_in("Axial CT pulmonary angiogram.") == []  # another figure's caption


@pytest.mark.parametrize("caption, view, answer", [
    ("Frontal chest radiograph.", "Frontal chest radiograph", ""),
    ("Coronal reformat: the collection crosses sutures.", None, "the collection crosses sutures."),
    ("Axial T1-weighted MRI: a dark rim.", "Axial T1 MRI", "a dark rim."),
    ("Axial CT of the head shows a crescentic collection", "Axial CT of the head",
     "shows a crescentic collection"),
    ("Subdural haematoma: axial CT.", None, "Subdural haematoma: axial CT."),
])
def test_a_caption_is_answer_beyond_the_view_it_opens_with(caption, view, answer) -> None:
    assert caption_answer(caption, view) == answer


def test_figure_labels_and_citation_numbers_are_never_answers(key: AnswerKey) -> None:
    assert key.leaks_in("Fig. 1  ·  Fig. 2, Fig. 3 (1, 2)") == []


def test_a_differential_item_the_history_names_is_public(tmp_path: Path) -> None:
    case = write(tmp_path, edits=(
        ("after a long flight.", "after a long flight; known pulmonary artery sarcoma."),
        ("    alt: Frontal chest radiograph.\n",
         "    alt: Frontal chest radiograph, known pulmonary artery sarcoma.\n")))
    assert load_document(case).document.id == "chest-pe"


def test_the_case_format_example_is_accepted(tmp_path: Path) -> None:
    """The case format guide: caption "Frontal chest radiograph.", view "PA chest radiograph",
    alt "Frontal chest radiograph." was refused as a caption leak."""
    case = write(tmp_path, edits=(("    view: Frontal chest radiograph\n",
                                   "    view: PA chest radiograph\n"),))
    assert load_document(case).document.figures[0].view == "PA chest radiograph"


# -- real leaks are caught ----------------------------------------------------------------------


def test_a_series_naming_the_diagnosis_is_refused(tmp_path: Path) -> None:
    case = write(tmp_path, edits=(("series: Chest Case",
                                   "series: Pulmonary embolism teaching case"),))
    (report,) = document_errors(case)
    assert report.field == "series"
    assert report.line == line_of(case, "series:")
    assert "repeats the keywords ('Pulmonary embolism')" in report.message


def test_a_view_paraphrasing_the_findings_is_refused(tmp_path: Path) -> None:
    case = write(tmp_path, edits=(("    view: Coronal reformat\n",
                                   "    view: Coronal reformat with a saddle embolus\n"),))
    (report,) = document_errors(case)
    assert report.field == "figures[cor].view"
    assert report.line == line_of(case, "with a saddle embolus")
    assert "findings[1] ('saddle embolus')" in report.message


def test_an_alt_describing_the_finding_in_other_words_is_refused(tmp_path: Path) -> None:
    case = write(tmp_path, edits=(
        ("    alt: Axial CT pulmonary angiogram.\n",
         "    alt: Axial CT angiogram, filling defects in the main pulmonary arteries.\n"),))
    (report,) = document_errors(case)
    assert report.field == "figures[ctpa].alt"
    assert "filling defects" in report.message and "findings[1]" in report.message


@pytest.mark.parametrize("planted, field", [
    ("Acute pulmonary embolism", "title"),
    ("acute PULMONARY-embolism with right heart strain", "diagnosis"),
    ("Chronic thromboembolic disease", "differential"),
    ("Pulmonary artery sarcomas", "differential"),  # a plural is the same words
    ("Expands the artery and enhances", "differential"),  # a note
    ("Straddles the bifurcation", "figures[cor].caption"),
    ("Westermark described oligaemia distal to an embolus", "discussion"),
    ("RV/LV ratio above 1 signals right heart strain", "teaching_points"),
    ("Multidetector computed tomography for acute pulmonary embolism", "references[pe]"),
])
def test_every_answer_field_is_caught_whole(key: AnswerKey, planted: str, field: str) -> None:
    assert field in {leak.field for leak in key.leaks_in(f"Axial CT. {planted}.")}


def test_image_vocabulary_alone_is_no_phrase(key: AnswerKey) -> None:
    """The findings say "both main pulmonary arteries": a view may name the anatomy."""
    assert key.leaks_in("Axial CT of both main pulmonary arteries, mediastinal window") == []


def test_a_conference_title_is_checked_like_a_view(tmp_path: Path) -> None:
    write(tmp_path / "a")
    conference = tmp_path / "conference.yaml"
    conference.write_text("id: day\ntitle: Pulmonary embolism morning\ncases: [a/case.yaml]\n",
                          encoding="utf-8")
    code, err = run("validate", conference)
    assert code == 1
    assert f"{conference}:2: title: shown before the answer" in err or ":2: title:" in err
    assert "Pulmonary embolism" in err


# -- the id names files residents receive: stricter, a single distinctive word --------------


@pytest.mark.parametrize("case_id, word", [
    ("sequestration-17", "sequestration"),  # a word of the title
    ("intralobar-17", "intralobar"),  # a word of the diagnosis only
    ("case-malformation", "malformation"),  # a word of a differential item
])
def test_id_revealing_the_answer_is_refused(write_case, case_id: str, word: str) -> None:
    path = write_case(replace=(("id: case-17", f"id: {case_id}"),))
    (report,) = document_errors(path)
    assert report.field == "id"
    assert report.line == 1
    assert f"'{word}'" in report.message


def test_neutral_id_is_accepted(write_case) -> None:
    path = write_case(replace=(("id: case-17", "id: chest-unknown-17"),))
    assert load_document(path).document.id == "chest-unknown-17"


def test_an_id_naming_anatomy_or_the_series_is_accepted(tmp_path: Path) -> None:
    case = write(tmp_path, edits=(("id: chest-pe", "id: chest-pulmonary-3"),))
    assert load_document(case).document.id == "chest-pulmonary-3"


# -- false alarms found on cases written independently of the check --------------------------


@pytest.mark.parametrize("public, answer", [
    ("Axial CT at the level of the carina, mediastinal window",
     "Contrast-enhanced CT at the level of the carina: symmetric hilar and subcarinal nodes."),
    ("CT angiogram, axial, at the level of the pulmonary artery bifurcation",
     "CT angiogram at the level of the pulmonary artery bifurcation: an intimal flap."),
    ("Superior mesenteric arteriogram, completion run",
     "Two microcoils were deployed; the completion run shows no further extravasation."),
    ("Grey-scale image of the left spermatic cord, above the testis",
     "Left testicular torsion with a whirlpool sign of the spermatic cord"),
    ("Axial FLAIR MRI, higher level", "Axial FLAIR, higher level: more hyperintensity."),
    ("Axial HRCT, lung window, upper zones", "Reticulonodular opacities in the upper zones."),
])
def test_levels_anatomy_and_timing_are_ordinary_words(public: str, answer: str) -> None:
    builder = KeyBuilder()
    builder.add("findings[0]", answer, phrases=True)
    assert builder.key().leaks_in(public) == []


def test_a_caption_opening_with_what_the_view_says_is_answer_after_the_colon() -> None:
    caption = ("Left CC view, BB on the palpable area: an oval, circumscribed, equal-density "
               "mass in the outer breast beneath the marker.")
    assert caption_answer(caption, "Left CC view, BB marker on the palpable area") == (
        "an oval, circumscribed, equal-density mass in the outer breast beneath the marker.")
    assert caption_answer(caption, None) == caption  # "palpable" says something



def test_the_issues_paraphrase_example_is_refused() -> None:
    """Issue 8's own example: a view describing the finding in other words."""
    builder = KeyBuilder()
    builder.add("findings[0]", "A crescentic extra-axial collection of mixed density.", True)
    (leak,) = builder.key().leaks_in("Axial CT with a crescentic extra-axial collection")
    assert (leak.field, leak.quote) == ("findings[0]", "crescentic extra-axial collection")


def test_a_figures_notes_are_public_and_checked_like_its_view(tmp_path: Path) -> None:
    """Issue 10: notes: on a figure are read on its unknown slide."""
    case = write(tmp_path, edits=(("    alt: Coronal reformat of the CT pulmonary angiogram.\n",
                                   "    alt: Coronal reformat of the CT pulmonary angiogram.\n"
                                   "    notes: Look for the saddle embolus.\n"),))
    (report,) = document_errors(case)
    assert report.field == "figures[cor].notes"
    assert "saddle embolus" in report.message


def test_finding_and_case_notes_are_answers(key: AnswerKey, tmp_path: Path) -> None:
    case = write(tmp_path, edits=(
        ("diagnosis: Acute", "notes: Mention thrombolysis criteria.\ndiagnosis: Acute"),))
    fields = {leak.field for leak in answer_key(load_case(case).case).leaks_in(
        "Axial CT: mention thrombolysis criteria")}
    assert fields == {"notes"}


def test_an_answer_only_figure_is_never_in_an_unknown_part(write_case, case_dir: Path,
                                                          tmp_path: Path) -> None:
    """An annotated image kept as its own figure (as MIRC keeps them): its view may say the
    finding, and it shows in the answer parts only."""
    make_image(case_dir / "images" / "cta-marked.png", (420, 400))
    path = write_case(replace=(("findings:", """\
  - id: cta-marked
    file: images/cta-marked.png
    caption: The systemic feeding artery, marked.
    view: Systemic feeding artery from the aorta
    answer_only: true
findings:"""),))
    document = load_document(path).document
    assert [f.id for f in document.figures] == ["cxr", "cta", "cta-marked"]
    assert [f.id for f in document.public.figures] == ["cxr", "cta"]
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", str(path), "--out", str(out), "--jobs", "1"]) == 0
    from pptx import Presentation
    from pypdf import PdfReader

    def pictures(deck: Path) -> int:
        return sum(shape.shape_type == 13 for slide in Presentation(str(deck)).slides
                   for shape in slide.shapes)

    def images(pdf: Path) -> int:
        return sum(len(page.images) for page in PdfReader(pdf).pages)

    assert pictures(out / "slides" / "case-17-unknown.pptx") == 2
    assert pictures(out / "slides" / "case-17.pptx") > pictures(out / "slides" /
                                                                 "case-17-unknown.pptx")
    assert images(out / "handouts" / "case-17-unknown.pdf") == 2
    assert images(out / "handouts" / "case-17.pdf") == 3
    for quiz, shown in ((False, 3), (True, 2)):
        site = tmp_path / ("quiz" if quiz else "site")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["site", str(path), "--out", str(site), "--jobs", "1"]
                        + (["--unknown"] if quiz else [])) == 0
        page = next((site / "pages").glob("case-17*.html")).read_text(encoding="utf-8")
        assert len(set(re.findall(r'src="case-17[^"/]*/(fig-\d\.\w+)"', page))) == shown


HISTORY = "history: A 19-year-old with recurrent left lower lobe pneumonia."


@pytest.mark.parametrize("history", [
    "A 19-year-old with a known intralobar pulmonary sequestration and fever.",
    "A 19-year-old; CT to rule out pulmonary sequestration.",
], ids=["whole-diagnosis", "diagnosis-head"])
def test_a_history_that_names_the_diagnosis_is_refused_at_its_line(tmp_path: Path,
                                                                    history: str) -> None:
    case = write_case_file(tmp_path, ((HISTORY, f"history: {history}"),))
    reports = [r for r in document_errors(case) if r.field == "history"]
    assert len(reports) == 1, reports
    assert reports[0].line == line_of(case, "history:")
    assert "pulmonary sequestration'" in reports[0].message
    assert "history_names_answer: true" in reports[0].message


def test_a_history_that_names_the_answer_on_purpose_builds(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (
        (HISTORY, "history: A 19-year-old with a known pulmonary sequestration and fever.\n"
                  "history_names_answer: true"),))
    load_document(case)


def test_a_history_giving_the_context_a_diagnosis_names_is_public(tmp_path: Path) -> None:
    """"Splenic artery pseudoaneurysm complicating chronic pancreatitis": the history may say
    "chronic pancreatitis"; only the diagnosis's head gives the case away."""
    case = write_case_file(tmp_path, (
        ("diagnosis: Intralobar pulmonary sequestration",
         "diagnosis: Intralobar pulmonary sequestration complicating recurrent pneumonia"),))
    load_document(case)


def test_an_id_never_keeps_a_word_of_the_answer_even_when_the_label_has_it(
        tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (("id: case-17", "id: chest-case-sequestration"),
                                      ("series: Chest Case", "series: Chest Case sequestration")))
    fields = {r.field for r in document_errors(case)}
    assert {"id", "series"} <= fields, fields
