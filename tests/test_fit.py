"""Text that fits: a long case built into decks, rendered by LibreOffice and measured.

Spec (issue 5, "Text that fits"): slide text is measured with real font metrics; long
findings, differentials, teaching points and reference lists continue on "(cont.)" slides;
nothing is shrunk below 18 pt body text; nothing overflows. A test renders a long case through
LibreOffice (`soffice --headless --convert-to pdf`) and checks each slide's text stays inside
its box; 4:3 templates must look right too.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from casedocs.cli import main
from casedocs.load import load_document
from casedocs.render.deck.plan import SlidePlan, TextBox, plan_deck
from casedocs.render.deck.template import load_template
from casedocs.render.deck.textfit import TextMeasure
from conftest import make_image

MIN_BODY_PT = 18
SMALL_PRINT = re.compile(r"^(Footer|Image label|Fig\. \d+ label)$")  # labels on black, footer
TOLERANCE = 2.0  # points: rounding in LibreOffice's layout and in pdftotext's boxes


def long_case_text() -> str:
    differential = "".join(
        f"  - name: Differential entity number {i} with a fairly long descriptive name\n"
        f"    note: Distinguishing feature {i}, usually seen on contrast-enhanced CT, with a "
        "typical age range and a characteristic enhancement pattern.\n"
        for i in range(1, 15)
    )
    huge_note = " ".join(f"clause {i} about vascular supply and venous drainage"
                         for i in range(45))
    differential += ("  - name: An entity whose note alone overflows a slide\n"
                     f"    note: {huge_note}.\n")
    sentence = ("Sequestration is a mass of non-functioning lung tissue that lacks a normal "
                "connection to the tracheobronchial tree and receives a systemic arterial "
                "supply, most often from the descending thoracic aorta. ")
    discussion = "\n\n".join(
        f"  Paragraph {i}. " + sentence * 3 + f"[@ref{i}]" for i in range(1, 6))
    discussion += ("\n\n" + "".join(f"  - Discussion list item {i}, " + sentence
                                    + f"[@ref{i + 5}]\n" for i in range(1, 6)))
    teaching = "".join(
        f"  - Teaching point {i}, look for the systemic artery on every contrast-enhanced "
        "study, follow it to its origin, and describe the venous drainage, because the "
        "surgeon needs both before resection.\n"
        for i in range(1, 10)
    )
    references = "".join(
        f"  - id: ref{i}\n"
        f"    authors: [Author{i} A, Second B, Third C, Fourth D, Fifth E, Sixth F, Seventh G]\n"
        f"    title: A long and descriptive title of study number {i} on congenital lung "
        "malformations and their imaging appearances in children and adults\n"
        "    journal: Radiographics\n"
        f"    year: {2000 + i}\n"
        f'    volume: "{30 + i}"\n'
        '    issue: "2"\n'
        "    pages: 400-412\n"
        f"    doi: 10.1148/rg.20{10 + i}180{i:03d}\n"
        for i in range(1, 15)
    )
    references += (
        "  - id: web1\n"
        "    type: web\n"
        "    authors: [Webber W]\n"
        "    title: Pulmonary sequestration, an online teaching article with a long title\n"
        "    website: Radiology Teaching Online\n"
        "    url: https://example.org/articles/pulmonary-sequestration-online-teaching-1\n"
        "    accessed: 2026-01-10\n"
    )
    long_finding = (
        "Persistent opacity in the left lower lobe (@fig-cxr), "
        + "with air bronchograms and a lobulated margin that abuts the hemidiaphragm, " * 5
    ).rstrip(", ") + "."
    loose = "".join(
        f"  - Loose finding {i}, no pleural effusion, no lymphadenopathy, and the remaining "
        "lung parenchyma is clear on all the series reviewed today.\n"
        for i in range(1, 9)
    )
    return f"""\
id: case-17
series: Chest Case
number: 17
title: Pulmonary sequestration
authors:
  - name: Ana Lima
    degrees: MD
history: >-
  A 19-year-old with recurrent left lower lobe pneumonia over three years, each episode
  treated with antibiotics, with incomplete radiographic resolution between the episodes
  and no history of aspiration, immunodeficiency or foreign body.
figures:
  - id: cxr
    file: images/cxr.png
    caption: Frontal radiograph with a left lower lobe opacity.
    view: Frontal chest radiograph
    credit: Courtesy of the teaching file of a large university hospital department.
  - id: cta
    file: images/cta.png
    caption: CT angiogram showing a systemic feeding artery from the aorta.
findings:
  - figures: [cxr]
    text: {long_finding}
  - figures: [cta]
    text: A systemic artery arises from the descending aorta (@fig-cta) [@web1].
{loose}diagnosis: Intralobar pulmonary sequestration
differential:
{differential}deck:
  discussion: slides  # all of the long prose on slides, to see it continue
discussion: |
{discussion}
teaching_points:
{teaching}management: Surgical resection of the affected segment after mapping the artery.
references:
{references}"""


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def make_4_3_template(path: Path, font: str | None = None) -> Path:
    """python-pptx's own template: 4:3, one master, Calibri (or `font`) as its theme font."""
    Presentation().save(path)
    if font:
        source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                data = source.read(entry)
                if entry.filename == "ppt/theme/theme1.xml":
                    data = re.sub(rb'(<a:(?:minor|major)Font>\s*<a:latin typeface=")[^"]+"',
                                  rb'\1' + font.encode() + b'"', data)
                target.writestr(entry, data)
        path.write_bytes(output.getvalue())
    return path


@dataclass
class Built:
    deck: Path
    unknown: Path
    plan: list[SlidePlan]


def build(folder: Path, template: Path | None) -> Built:
    make_image(folder / "images" / "cxr.png", (1500, 2000))
    make_image(folder / "images" / "cta.png", (1600, 1600))
    case = folder / "case.yaml"
    case.write_text(long_case_text(), encoding="utf-8")
    options = ["--template", template] if template else []
    code, _, err = run("build", case, "--out", folder / "out", "--only", "slides", *options)
    assert code == 0, err
    deck = load_template(template, {})
    plan = plan_deck(load_document(case).document, TextMeasure(deck.font),
                     deck.geometry)
    out = folder / "out" / "slides"
    return Built(out / "case-17.pptx", out / "case-17-unknown.pptx", plan)


@pytest.fixture(scope="module", params=["16:9 default", "4:3 template", "4:3 unknown font"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The long case on our own design, on a 4:3 template, and on a 4:3 template whose theme
    font is installed nowhere (measured with a conservative margin)."""
    folder = tmp_path_factory.mktemp("fit")
    template = {
        "16:9 default": None,
        "4:3 template": lambda: make_4_3_template(folder / "t.pptx"),
        "4:3 unknown font": lambda: make_4_3_template(folder / "t.pptx", "Casedocs Nonesuch"),
    }[request.param]
    return build(folder, template() if template else None)


def titles(path: Path) -> list[str]:
    result = []
    for slide in Presentation(path).slides:
        title = slide.shapes.title
        named = [s for s in slide.shapes if s.has_text_frame and s.name == "Title"]
        shape = title if title is not None else (named[0] if named else None)
        result.append(shape.text_frame.text if shape is not None else "")
    return result


# -- the deck ----------------------------------------------------------------------------------


def test_the_long_case_builds_and_matches_its_plan(built: Built) -> None:
    deck = Presentation(built.deck)
    assert len(deck.slides) == len(built.plan)
    planned = ["\n".join("".join(span.text for span in p.spans)
                          for box in slide.texts if box.role == "title" for p in box.paragraphs)
               for slide in built.plan]
    assert titles(built.deck) == planned
    assert all(planned), "every slide has a title (issue 10)"


def test_long_sections_continue_on_cont_slides(built: Built) -> None:
    shown = titles(built.deck)
    for section in ("Differential diagnosis", "Discussion", "Teaching points", "References",
                    # The findings without images: "Findings" is the title of the CT's slide,
                    # whose figure has no view to name it by.
                    "Further findings"):
        assert shown.count(section) >= 1, section
        assert shown.count(f"{section} (cont.)") >= 1, section
        first = shown.index(section)
        count = shown.count(section) + shown.count(f"{section} (cont.)")
        assert set(shown[first:first + count]) <= {section, f"{section} (cont.)"}, section


@pytest.mark.parametrize("variant", ["deck", "unknown"])
def test_no_body_text_is_smaller_than_18_pt(built: Built, variant: str) -> None:
    small = []
    for number, slide in enumerate(Presentation(getattr(built, variant)).slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or SMALL_PRINT.match(shape.name):
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run_ in paragraph.runs:
                    if run_.text.strip() and (run_.font.size is None
                                              or run_.font.size < Pt(MIN_BODY_PT)):
                        size = run_.font.size.pt if run_.font.size else None
                        small.append(f"slide {number} {shape.name!r}: {size} pt "
                                     f"{run_.text[:30]!r}")
    assert small == []


def test_the_small_print_is_only_labels_and_footers(built: Built) -> None:
    """The exclusions above cover only the image labels, figure numbers and footers."""
    for slide in Presentation(built.deck).slides:
        for shape in slide.shapes:
            if shape.has_text_frame and SMALL_PRINT.match(shape.name):
                text = shape.text_frame.text
                assert re.match(r"^(Chest Case 17  ·  |Fig\.\s\d+)", text), text


# -- rendered by LibreOffice -------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]


def render(deck: Path, folder: Path) -> list[Page]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    profile = (folder / "lo-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(deck)], capture_output=True, text=True, timeout=120)
    pdf = folder / deck.with_suffix(".pdf").name
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True, timeout=60).stdout
    pages = []
    for size, body in re.findall(r'<page (width="[\d.]+" height="[\d.]+")>(.*?)</page>',
                                 boxes, re.DOTALL):
        width, height = map(float, re.findall(r"[\d.]+", size))
        words = tuple(
            Word(html.unescape(text), float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">'
                r"(.*?)</word>", body)
        )
        pages.append(Page(width, height, words))
    return pages


@pytest.fixture(scope="module")
def rendered(built: Built, tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    return render(built.deck, tmp_path_factory.mktemp("rendered"))


def test_libreoffice_renders_one_page_per_slide(built: Built, rendered: list[Page]) -> None:
    deck = Presentation(built.deck)
    assert len(rendered) == len(deck.slides)
    for page in rendered:  # the page is the slide, at 72 points to the inch
        assert page.width == pytest.approx(deck.slide_width / 12700, abs=1)
        assert page.height == pytest.approx(deck.slide_height / 12700, abs=1)


def test_all_text_lies_within_the_page(rendered: list[Page]) -> None:
    outside = [
        f"page {n}: {w.text!r} at ({w.x0:.0f}, {w.y0:.0f}, {w.x1:.0f}, {w.y1:.0f})"
        for n, page in enumerate(rendered, start=1) for w in page.words
        if w.x0 < -0.5 or w.y0 < -0.5 or w.x1 > page.width + 0.5 or w.y1 > page.height + 0.5
    ]
    assert outside == []


def planned_boxes(slide: SlidePlan) -> list[tuple[str, tuple[float, float, float, float]]]:
    def points(box) -> tuple[float, float, float, float]:  # noqa: ANN001
        return box.x * 72, box.y * 72, (box.x + box.width) * 72, (box.y + box.height) * 72

    boxes = [(text.name, points(text.box)) for text in slide.texts]
    if slide.footer:
        boxes.append(("Footer", points(slide.footer)))
    return boxes


def box_of(word: Word, boxes: list) -> tuple[str, tuple] | None:
    """The planned box the word starts in (its top-left corner), if any."""
    for name, (x0, y0, x1, y1) in boxes:
        if x0 - TOLERANCE <= word.x0 <= x1 and y0 - TOLERANCE <= word.y0 <= y1:
            return name, (x0, y0, x1, y1)
    return None


def test_every_text_stays_inside_the_box_planned_for_it(built: Built,
                                                        rendered: list[Page]) -> None:
    problems = []
    for number, (slide, page) in enumerate(zip(built.plan, rendered, strict=True), start=1):
        boxes = planned_boxes(slide)
        footer_words = set(f"{slide.label}  ·  {number}".split()) if slide.footer else set()
        for word in page.words:
            found = box_of(word, boxes)
            if found is None:
                problems.append(f"slide {number} ({slide.kind}): {word.text!r} at "
                                f"({word.x0:.0f}, {word.y0:.0f}) is in no planned box")
                continue
            name, (x0, y0, x1, y1) = found
            if name == "Footer" and word.text not in footer_words:
                problems.append(f"slide {number} ({slide.kind}): {word.text!r} runs into the "
                                "footer")
            elif word.x1 > x1 + TOLERANCE or word.y1 > y1 + TOLERANCE:
                problems.append(f"slide {number} ({slide.kind}): {word.text!r} ends at "
                                f"({word.x1:.0f}, {word.y1:.0f}), outside {name!r} "
                                f"which ends at ({x1:.0f}, {y1:.0f})")
    assert problems == []


def test_the_lowest_line_of_each_text_slide_is_inside_its_body_box(
        built: Built, rendered: list[Page]) -> None:
    problems = []
    for number, (slide, page) in enumerate(zip(built.plan, rendered, strict=True), start=1):
        bodies = [box for box in slide.texts if box.name != "Title" and not box.name.endswith(
            "label")]
        if slide.dark or len(bodies) != 1:
            continue
        body: TextBox = bodies[0]
        left, right = body.box.x * 72, (body.box.x + body.box.width) * 72
        top, bottom = body.box.y * 72, (body.box.y + body.box.height) * 72
        footer_top = slide.footer.y * 72 if slide.footer else page.height
        words = [w for w in page.words if left - TOLERANCE <= w.x0 <= right
                 and w.y0 >= top - TOLERANCE and w.y0 < footer_top - TOLERANCE]
        expected = " ".join("".join(span.text for span in para.spans).split()[0:1][0]
                            for para in body.paragraphs[:1])
        assert words, f"slide {number}: no text rendered in {body.name!r} ({expected!r})"
        lowest = max(w.y1 for w in words)
        if lowest > bottom + TOLERANCE:
            problems.append(f"slide {number} ({slide.kind}): lowest line ends at "
                            f"{lowest:.1f} pt, the box at {bottom:.1f} pt")
    assert problems == []


def tokens(text: str) -> list[str]:
    """Words without punctuation: a superscript citation renders as a word of its own."""
    return re.findall(r"\w+", text)


def test_every_planned_word_is_rendered(built: Built, rendered: list[Page]) -> None:
    """Nothing is cut off: each slide's planned words all appear on its page."""
    missing = []
    for number, (slide, page) in enumerate(zip(built.plan, rendered, strict=True), start=1):
        shown = set(tokens(" ".join(w.text for w in page.words)))
        for text in slide.texts:
            for para in text.paragraphs:
                for token in tokens("".join(span.text for span in para.spans)):
                    if token not in shown:
                        missing.append(f"slide {number}: {token!r}")
    assert missing == []
