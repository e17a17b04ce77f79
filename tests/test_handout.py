"""The PDF handout read back: text, order, figures, properties, fonts, links, reproducibility.

Spec (issue 2, "Handout"): Letter by default, A4 with --paper a4; title block, sections in
canonical order, figures with "Fig. N." captions near their first mention, aspect kept; a footer
with the neutral label and "Page X of Y"; an embedded TrueType font covering Greek and symbols;
user strings printed literally; no reportlab defaults in the properties; byte-identical output
for the same input, honouring SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, PngImagePlugin
from pypdf import PdfReader
from pypdf.generic import ContentStream

from casedocs.cli import main
from casedocs.figures import FigureImages
from casedocs.load import load_document
from casedocs.render.handout.pdf import render_handout
from conftest import make_image, write_case_file

SECTIONS = ("History", "Findings", "Differential diagnosis", "Diagnosis", "Discussion",
            "Teaching points", "Management", "References")
LABEL = "Chest Case 17"
LETTER = (612, 792)
A4 = (595, 842)
MARGIN = 54  # 0.75 in: the frame the text and figures must stay inside




def _build(case: Path, out: Path, *extra: str) -> Path:
    assert main(["build", str(case), "--out", str(out), "--only", "handout", *extra]) == 0
    return out / "handouts" / "case-17.pdf"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_case_file(tmp_path_factory.mktemp("handout-case"))


@pytest.fixture(scope="module")
def pdf(case: Path) -> bytes:
    return _build(case, case.parent / "out").read_bytes()


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def text(page_texts: list[str]) -> str:
    return "\n".join(page_texts)


def _pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- text and order ----------------------------------------------------------------------------


def test_text_has_title_block_history_and_captions(text: str) -> None:
    for expected in (LABEL, "Pulmonary sequestration", "Ana Lima, MD", "Teaching Hospital",
                     "2026", "A 19-year-old with recurrent left lower lobe pneumonia.",
                     "Fig. 1.", "Fig. 2.", "Frontal radiograph with a left lower lobe opacity.",
                     "Courtesy of the teaching file.", "Intralobar pulmonary sequestration",
                     "Surgical resection.", "Look for the systemic artery."):
        assert expected in " ".join(text.split()), expected  # captions wrap at their figure


def test_section_headings_in_canonical_order(text: str) -> None:
    lines = [line.strip() for line in text.splitlines()]
    positions = []
    for heading in SECTIONS:
        assert heading in lines, f"no heading line {heading!r}"
        positions.append(lines.index(heading))
    assert positions == sorted(positions), dict(zip(SECTIONS, positions, strict=True))
    # The title block comes first, before the first section.
    assert lines.index("Pulmonary sequestration") < positions[0]


def test_figures_follow_their_first_mention(text: str) -> None:
    flat = _squash(text)
    first_mention = flat.index("Persistent opacity in the left lower lobe (Fig. 1)")
    caption_1 = flat.index("Fig. 1. Frontal radiograph")
    caption_2 = flat.index("Fig. 2. CT angiogram")
    mention_2 = flat.index("descending aorta (Fig. 2)")
    diagnosis = flat.index("Diagnosis Intralobar")
    assert first_mention < caption_1 < mention_2 < caption_2 < diagnosis


def test_footer_has_neutral_label_and_page_x_of_y(page_texts: list[str]) -> None:
    total = len(page_texts)
    assert total >= 1
    for number, page in enumerate(page_texts, start=1):
        assert f"Page {number} of {total}" in page
        assert LABEL in page


def test_references_are_numbered_with_pmid_and_doi(text: str) -> None:
    flat = _squash(text)
    assert "1. Smith A, Brown B. Imaging of pulmonary sequestration. Radiographics. " \
           "2019;39(2):400\u2013412." in flat
    assert "doi:10.1148/rg.2019180000" in flat
    assert "PMID: 30735470" in flat
    assert "2. Jones C. Congenital lung lesions." in flat


# -- pages, figures, properties ----------------------------------------------------------------


def test_letter_is_the_default_page_size(reader: PdfReader) -> None:
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == LETTER


def test_a4_paper(case: Path, tmp_path: Path) -> None:
    reader = PdfReader(_build(case, tmp_path / "out", "--paper", "a4"))
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4


def _image_xobjects(reader: PdfReader) -> dict[int, object]:
    images = {}
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for name in xobjects:
            reference = xobjects.raw_get(name)
            obj = reference.get_object()
            if obj.get("/Subtype") == "/Image":
                images[getattr(reference, "idnum", id(obj))] = obj
    return images


def test_one_image_xobject_per_figure(reader: PdfReader) -> None:
    assert len(_image_xobjects(reader)) == 2


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _placed_images(reader: PdfReader) -> list[tuple[object, list[float]]]:
    """Each image drawn on a page with the transformation it is drawn with."""
    placed = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        ctm, stack = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop()
            elif operator == b"cm":
                ctm = _multiply([float(x) for x in operands], ctm)
            elif operator == b"Do":
                obj = xobjects[operands[0]].get_object()
                if obj.get("/Subtype") == "/Image":
                    placed.append((obj, ctm))
    return placed


def test_figures_keep_their_aspect_and_fit_the_text_frame(reader: PdfReader) -> None:
    placed = _placed_images(reader)
    assert len(placed) == 2
    width, height = LETTER
    for image, (a, b, c, d, e, f) in placed:
        assert b == 0 and c == 0
        aspect = int(image["/Width"]) / int(image["/Height"])
        assert a / d == pytest.approx(aspect, rel=0.01)
        assert e >= MARGIN - 0.5 and e + a <= width - MARGIN + 0.5
        assert f >= MARGIN - 0.5 and f + d <= height - MARGIN + 0.5


def test_document_properties_are_set_and_not_reportlab_defaults(reader: PdfReader) -> None:
    info = reader.metadata
    assert info is not None
    assert info.get("/Title") == "Pulmonary sequestration"
    assert "Ana Lima" in info.get("/Author", "")
    for key in ("/Producer", "/Creator"):
        assert info.get(key), f"{key} is not set"
        assert "reportlab" not in info[key].lower()
    for key, value in info.items():
        lowered = str(value).lower()
        for default in ("anonymous", "unspecified", "untitled"):
            assert default not in lowered, (key, value)


def test_rebuild_is_byte_identical(case: Path, pdf: bytes) -> None:
    document = load_document(case).document
    first = render_handout(document, FigureImages())
    second = render_handout(document, FigureImages())
    assert first == second == pdf


def test_output_folder_and_case_folder_do_not_change_bytes(case: Path, pdf: bytes,
                                                           tmp_path: Path) -> None:
    assert _build(case, tmp_path / "elsewhere" / "out").read_bytes() == pdf
    moved = write_case_file(tmp_path / "another-place")
    assert _build(moved, tmp_path / "third").read_bytes() == pdf


def test_the_default_date_and_its_explicit_value_give_the_same_bytes(
        case: Path, pdf: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Issue 8: unset, the /ID differed from SOURCE_DATE_EPOCH=946684800 (the documented
    default) while the stamps called the file up to date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    assert _build(case, tmp_path / "explicit").read_bytes() == pdf


def test_a_caption_longer_than_a_page_builds(tmp_path: Path) -> None:
    """Issue 8: a 3,000-character caption raised reportlab's LayoutError; now it follows its
    figure and breaks across pages, every word printed."""
    words = " ".join(f"w{i}" for i in range(700))
    case = write_case_file(tmp_path, (
        ("caption: CT angiogram showing a systemic feeding artery from the aorta.",
         f"caption: CT angiogram. {words}"),))
    text = " ".join(p.extract_text() for p in PdfReader(_build(case, tmp_path / "out")).pages)
    assert "w0" in text and "w699" in text


def test_source_date_epoch_sets_the_dates(case: Path, pdf: bytes,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    document = load_document(case).document
    dated = render_handout(document, FigureImages())
    assert dated != pdf
    info = PdfReader(io.BytesIO(dated)).metadata
    assert info["/CreationDate"].startswith("D:20231114221320")
    assert render_handout(document, FigureImages()) == dated
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert render_handout(document, FigureImages()) == pdf


# -- fonts, escaping, links, structure ---------------------------------------------------------


def _fonts(reader: PdfReader) -> dict[str, object]:
    fonts = {}
    for page in reader.pages:
        for name, font in page["/Resources"].get("/Font", {}).items():
            fonts[name] = font.get_object()
    return fonts


def _descriptor(font: object) -> object | None:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if descriptor is not None else None


def test_text_font_is_embedded_truetype(reader: PdfReader) -> None:
    fonts = _fonts(reader)
    embedded = [name for name, font in fonts.items()
                if (descriptor := _descriptor(font)) is not None and "/FontFile2" in descriptor]
    assert embedded, "no embedded TrueType font (/FontFile2) found"
    for name in embedded:
        assert fonts[name].get("/Subtype") in ("/TrueType", "/Type0")
    # Regular, bold (headings) and italic (journal names) faces are all embedded.
    assert len({str(fonts[name].get("/BaseFont")) for name in embedded}) >= 3


def test_every_font_that_draws_text_is_embedded(reader: PdfReader) -> None:
    """Bullets, list numbers and footers too: nothing may fall back to a viewer's font."""
    used: set[str] = set()
    for page in reader.pages:
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = str(operands[0])
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                shown = operands[-1]
                if shown if not isinstance(shown, list) else any(shown):
                    used.add(current)
    fonts = _fonts(reader)
    not_embedded = {}
    for name in used:
        descriptor = _descriptor(fonts[name])
        if descriptor is None or "/FontFile2" not in descriptor:
            not_embedded[name] = str(fonts[name].get("/BaseFont"))
    assert not not_embedded, f"text drawn with fonts that are not embedded: {not_embedded}"


def test_user_text_prints_literally_with_greek_and_symbols(write_case, tmp_path: Path) -> None:
    history = "Literal <para> and a < b & c; β-blocker, 5 µm, ≥ 3 ± 1 °C, 1–2 — done."
    case = write_case(replace=(
        ("history: A 19-year-old with recurrent left lower lobe pneumonia.",
         f'history: "{history}"'),
        ("caption: CT angiogram showing a systemic feeding artery from the aorta.",
         "caption: CT angiogram <b>not bold</b> & &amp; kept."),
        ("note: Usually cystic.", "note: 'Cysts <i>vary</i> & β2 ≤ 5.'"),
        ("title: Imaging of pulmonary sequestration", "title: Imaging <br/> of sequestration"),
    ))
    path = tmp_path / "special.pdf"
    path.write_bytes(render_handout(load_document(case).document, FigureImages()))
    extracted = _squash(_pdftotext(path))
    for expected in (history, "CT angiogram <b>not bold</b> & &amp; kept.",
                     "Cysts <i>vary</i> & β2 ≤ 5.", "Imaging <br/> of sequestration"):
        assert expected in extracted, expected


def test_link_annotations_for_pmid_and_doi(reader: PdfReader) -> None:
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                uris.append(str(action.get_object()["/URI"]))
    assert any("pubmed" in uri and "30735470" in uri for uri in uris), uris
    assert any("doi.org/10.1148/rg.2019180000" in uri for uri in uris), uris


def test_qpdf_check_passes(case: Path, pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_pdftotext_reads_the_whole_handout(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    extracted = _squash(_pdftotext(path))
    for heading in SECTIONS:
        assert heading in extracted
    assert "Page 1 of" in extracted and LABEL in extracted


# -- source image metadata never reaches the PDF ----------------------------------------------


def _images_with_metadata(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    photo = Image.new("RGB", (300, 200), (40, 40, 40))
    ImageDraw.Draw(photo).ellipse((20, 20, 280, 180), fill=(200, 190, 180))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"
    exif[0x010E] = "PATIENT^NAME"
    exif[0x0112] = 6
    exif.get_ifd(0x8825)[0x1B] = b"GPSSECRETPLACE"
    photo.save(folder / "cxr.jpg", "JPEG", exif=exif.tobytes(), comment=b"SECRETCOMMENT")
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "PNGSECRETTEXT")
    make_image(folder / "cta-plain.png", (400, 400))
    Image.open(folder / "cta-plain.png").save(folder / "cta.png", pnginfo=info)


def test_no_source_image_metadata_in_the_pdf(write_case, case_dir: Path) -> None:
    _images_with_metadata(case_dir / "images")
    case = write_case(replace=(("file: images/cxr.png", "file: images/cxr.jpg"),))
    pdf = render_handout(load_document(case).document, FigureImages())
    reader = PdfReader(io.BytesIO(pdf))
    streams = [pdf] + [obj.get_data() for obj in _image_xobjects(reader).values()]
    streams += [page.get_contents().get_data() for page in reader.pages]
    for secret in (b"SecretCamMaker", b"PATIENT^NAME", b"GPSSECRETPLACE", b"SECRETCOMMENT",
                   b"PNGSECRETTEXT", b"Exif"):
        for data in streams:
            assert secret not in data, secret
    placed = _placed_images(reader)
    rotated = [image for image, _ in placed if int(image["/Width"]) == 200]
    assert rotated and int(rotated[0]["/Height"]) == 300  # orientation applied


# -- print quality (issue 3): sized for the page, gray stays gray, JPEG or PNG by content --------


def _noisy_gray(size: tuple[int, int]) -> Image.Image:
    import os

    return Image.frombytes("L", size, os.urandom(size[0] * size[1]))


def test_large_images_carry_at_most_300_dpi(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    _noisy_gray((3000, 2400)).save(tmp_path / "images" / "cxr.png")
    Image.new("L", (3000, 3000), 90).save(tmp_path / "images" / "cta.png")
    reader = PdfReader(_build(case, tmp_path / "out"))
    placed = _placed_images(reader)
    assert len(placed) == 2
    for image, (a, _, _, d, _, _) in placed:
        width, height = int(image["/Width"]), int(image["/Height"])
        dpi_x, dpi_y = width / (a / 72), height / (d / 72)
        assert dpi_x <= 301 and dpi_y <= 301  # never more than print needs
        assert dpi_x >= 290 and dpi_y >= 290  # but all of it, from a large source
        assert width < 3000


def test_small_images_are_not_enlarged_in_the_pdf(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    make_image(tmp_path / "images" / "cxr.png", (90, 120))
    reader = PdfReader(_build(case, tmp_path / "out"))
    sizes = sorted((int(image["/Width"]), int(image["/Height"]))
                   for image, _ in _placed_images(reader))
    assert sizes == [(90, 120), (400, 400)]  # the PDF scales them; the pixels stay native


def test_gray_images_stay_gray_in_the_pdf(reader: PdfReader) -> None:
    for image, _ in _placed_images(reader):
        assert image["/ColorSpace"] == "/DeviceGray"


def test_photographs_are_jpeg_and_diagrams_lossless(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    _noisy_gray((600, 800)).save(tmp_path / "images" / "cxr.png")  # photographic content
    diagram = Image.new("RGB", (400, 400), (255, 255, 255))
    ImageDraw.Draw(diagram).rectangle((50, 50, 350, 350), outline=(200, 0, 0), width=6)
    diagram.save(tmp_path / "images" / "cta.png")  # line art
    reader = PdfReader(_build(case, tmp_path / "out"))
    filters = {}
    for image, _ in _placed_images(reader):
        kind = "cxr" if int(image["/Width"]) < int(image["/Height"]) else "cta"
        chain = image.get("/Filter", [])
        filters[kind] = [str(f) for f in (chain if isinstance(chain, list) else [chain])]
    assert filters["cxr"] == ["/DCTDecode"]
    assert "/DCTDecode" not in filters["cta"]  # lossless: no JPEG smudge around the lines


def test_warm_and_cold_builds_give_the_same_handout(case: Path, pdf: bytes,
                                                    tmp_path: Path) -> None:
    first = _build(case, tmp_path / "out").read_bytes()
    assert (tmp_path / "out" / ".cache").is_dir()
    warm = _build(case, tmp_path / "out").read_bytes()
    assert first == warm == pdf


# -- issue 10: one teaching order, the diagnosis marked, affiliations, fonts, quotes --------


def test_the_diagnosis_is_marked_in_the_differential(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (("  - Pneumonia\n",
                                       "  - Pneumonia\n  - Intralobar pulmonary sequestration\n"),))
    pdf = _build(case, tmp_path / "out")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Intralobar pulmonary sequestration \u2713" in text
    assert "Pneumonia \u2713" not in text


def test_affiliations_are_printed(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (("  - name: Ana Lima\n    degrees: MD\n",
                                       "  - name: Ana Lima\n    degrees: MD\n"
                                       "    affiliation: Department of Radiology\n"),))
    text = PdfReader(_build(case, tmp_path / "out")).pages[0].extract_text()
    assert "Ana Lima, MD (Department of Radiology)" in text


def test_every_font_in_every_pdf_is_embedded(tmp_path: Path) -> None:
    """pdffonts showed Helvetica, unembedded, in the packet (its contents table)."""
    case = write_case_file(tmp_path / "a")
    conference = tmp_path / "conference.yaml"
    conference.write_text("id: day\ntitle: Chest day\nduplex: true\ncases: [a/case.yaml]\n",
                          encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(case), str(conference), "--out", str(out), "--only", "handout"]) == 0
    for pdf in sorted((out / "handouts").glob("*.pdf")):
        for page in PdfReader(pdf).pages:
            fonts = (page.get("/Resources") or {}).get("/Font") or {}
            for name, font in fonts.items():
                font = font.get_object()
                descendants = font.get("/DescendantFonts") or [font]
                descriptor = descendants[0].get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                    pdf.name, name, font.get("/BaseFont"))


@pytest.mark.parametrize("allowed", [False, True])
def test_a_line_a_page_break_leaves_alone_is_recorded_and_refused(
    allowed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: every style refuses widows and orphans; the writer records any line a page
    break leaves alone, so the cost sees one where a style allowed it."""
    from casedocs.document.inline import Span
    from casedocs.render.handout import pdf
    from casedocs.render.handout.cost import LayoutRecord, handout_cost
    from casedocs.render.handout.plan import Gap, HandoutPlan, Para, page_frame
    from casedocs.wording import words

    if allowed:
        styles = pdf._styles

        def allowing(*args: object) -> dict:
            return {name: pdf.ParagraphStyle(name, parent=style, allowOrphans=1,
                                             allowWidows=1)
                    for name, style in styles(*args).items()}

        monkeypatch.setattr(pdf, "_styles", allowing)
    frame = page_frame("letter")
    leading = pdf.STYLES["body"].leading
    long = Para((Span("A sentence of a paragraph that runs over many lines. " * 40),), "body")
    plan = HandoutPlan((Gap(frame.height - 1.5 * leading), long), frame)
    record = LayoutRecord()
    info = pdf.PdfInfo("t", "a", "s", "", "footer", words("en"))
    pdf.write_plan(plan, FigureImages(), info, None, record)
    lone = [str(d) for d in handout_cost(record).defects if "alone" in str(d)]
    assert lone == (["page 1: a paragraph's line alone on the page (a widow or an orphan)"]
                    if allowed else [])
