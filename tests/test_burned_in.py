"""Burned-in text (figures/burned_in.py): an ultrasound image, a secondary capture or any image
of an ultrasound case is read with OCR. Text found refuses it at its line with the boxes to
redact; none found, it builds without a person's review; without tesseract, the old rule (a
person looks and sets phi_reviewed) holds, and the refusal says why."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from casedocs.figures.burned_in import text_boxes
from casedocs.load import load_document
from conftest import document_errors, line_of, needs_tesseract, write_case_file
from test_dicom import ULTRASOUND, _write_dicom

HEADER_LINES = [(10, 10, "SMITH, JOHN  MRN 00427781"), (10, 30, "DOB 04/03/1961"),
                (600, 10, "LOGIQ E9  MI 1.1")]


def ultrasound(lines: list[tuple[int, int, str]] = (), size: tuple[int, int] = (800, 600),
               font_size: int = 14) -> Image.Image:
    """A sector of speckle with a dark cyst, as an ultrasound machine shows it, and `lines`
    of text written over it in light gray, as the machine writes its header."""
    rng = np.random.default_rng(3)
    width, height = size
    rows, columns = np.mgrid[0:height, 0:width]
    angle = np.arctan2(columns - width / 2, rows - 40)
    radius = np.hypot(columns - width / 2, rows - 40)
    sector = (np.abs(angle) < 0.6) & (radius > 60) & (radius < height - 20)
    tissue = 0.5 + 0.3 * np.sin(columns / 37.0) * np.cos(rows / 23.0)
    pixels = np.where(sector, rng.rayleigh(0.35, (height, width)) * tissue, 0.0)
    pixels[(columns - width / 2) ** 2 + (rows - height * 0.55) ** 2 < 50**2] *= 0.15
    image = Image.fromarray(np.clip(pixels * 200, 0, 255).astype(np.uint8), "L")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=font_size)
    for left, top, text in lines:
        draw.text((left, top), text, fill=230, font=font)
    return image


@needs_tesseract
def test_text_lines_are_found_where_they_are_written() -> None:
    boxes = text_boxes(ultrasound(HEADER_LINES))
    assert len(boxes) >= 2
    for left, top, text in HEADER_LINES[:2]:  # the patient's lines, at least, are covered
        assert any(b[0] <= left / 800 and b[1] <= top / 600 + 0.01 and b[3] >= top / 600 + 0.02
                   for b in boxes), (text, boxes)


@needs_tesseract
@pytest.mark.parametrize("lines", [[], [(700, 560, "L")]], ids=["speckle", "side-marker"])
def test_speckle_and_a_side_marker_are_no_text(lines: list) -> None:
    assert text_boxes(ultrasound(lines)) == []


@needs_tesseract
def test_small_header_text_is_found_too() -> None:
    image = ultrasound([(8, 6, "SMITH JOHN 00427781")], size=(640, 480), font_size=10)
    assert text_boxes(image)


@needs_tesseract
def test_text_survives_jpeg_compression() -> None:
    """JPEG rings around letters; the areas holding them still count as background."""
    buffer = io.BytesIO()
    ultrasound(HEADER_LINES).save(buffer, "JPEG", quality=50)
    boxes = text_boxes(Image.open(buffer))
    assert any(b[0] <= 10 / 800 and b[1] <= 10 / 600 + 0.01 for b in boxes), boxes


@needs_tesseract
def test_dark_text_on_a_light_bar_of_a_dark_screen_grab_is_found() -> None:
    """A viewer's screen grab: a light title bar naming the patient above a dark image."""
    grab = Image.new("L", (1000, 700), 200)
    draw = ImageDraw.Draw(grab)
    for row in range(40):
        draw.line([(0, row), (1000, row)], fill=180 + row)  # a gradient, as window bars are
    draw.text((10, 10), "Patient: MUELLER, ANNA  ID 7781234", fill=20,
              font=ImageFont.load_default(size=16))
    grab.paste(ultrasound(size=(1000, 640)), (0, 60))
    boxes = text_boxes(grab)
    assert any(b[1] <= 10 / 700 + 0.01 and b[3] >= 26 / 700 for b in boxes), boxes


@needs_tesseract
def test_dense_speckle_is_no_text() -> None:
    """Full-strength speckle over the whole image (tesseract alone spends 20 s on it; the
    time is measured in bench/ocr.py): still no text."""
    rng = np.random.default_rng(5)
    speckle = np.clip(rng.rayleigh(0.35, (600, 800)) * 200, 0, 255).astype(np.uint8)
    assert text_boxes(Image.fromarray(speckle, "L")) == []


def us_case(folder: Path, image: Image.Image, extra: str = "") -> Path:
    """The minimal case as an ultrasound case, its cxr figure a PNG of `image`."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    image.save(folder / "images" / "us.png")
    return write_case_file(folder, (
        ("file: images/cxr.png\n", f"file: images/us.png\n{extra}"),
        ("keywords:", "modality: US\nkeywords:"),
    ))


@needs_tesseract
def test_an_ultrasound_image_with_text_is_refused_with_the_boxes_to_redact(
    tmp_path: Path,
) -> None:
    case = us_case(tmp_path, ultrasound(HEADER_LINES))
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].file"]
    assert errors[0].line == line_of(case, "file: images/us.png")
    message = errors[0].message
    assert "ultrasound" in message and "redact:" in message and "phi_reviewed" in message
    assert "SMITH" not in message and "00427781" not in message  # the text is never echoed
    boxes = re.search(r"redact: (\[\[.*?\]\])", message)[1]
    redacted = us_case(tmp_path, ultrasound(HEADER_LINES), f"    redact: {boxes}\n")
    load_document(redacted)  # the boxes given cover the text: it builds
    reviewed = us_case(tmp_path, ultrasound(HEADER_LINES), "    phi_reviewed: true\n")
    load_document(reviewed)


@needs_tesseract
def test_an_ultrasound_image_without_text_builds_without_review(tmp_path: Path) -> None:
    load_document(us_case(tmp_path, ultrasound()))


@needs_tesseract
def test_a_dicom_ultrasound_is_read_for_text_whatever_its_case(tmp_path: Path) -> None:
    pixels = np.asarray(ultrasound(HEADER_LINES), dtype=np.uint16) * 16
    _write_dicom(tmp_path / "images" / "us.dcm", pixels, SOPClassUID=ULTRASOUND, Modality="US")
    case = write_case_file(tmp_path, (("file: images/cxr.png\n", "file: images/us.dcm\n"),))
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].file"] and "redact:" in errors[0].message
    _write_dicom(tmp_path / "images" / "us.dcm", np.asarray(ultrasound(), dtype=np.uint16) * 16,
                 SOPClassUID=ULTRASOUND, Modality="US")
    load_document(case)


@pytest.mark.usefixtures("no_tesseract")
def test_without_tesseract_a_person_has_to_look(tmp_path: Path) -> None:
    case = us_case(tmp_path, ultrasound())
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].file", "figures[cta].file"]
    assert all("tesseract" in e.message and "phi_reviewed" in e.message for e in errors)
    reviewed = us_case(tmp_path, ultrasound(), "    phi_reviewed: true\n")
    reviewed.write_text(reviewed.read_text(encoding="utf-8").replace(
        "file: images/cta.png\n", "file: images/cta.png\n    phi_reviewed: true\n"),
        encoding="utf-8")
    load_document(reviewed)


def test_other_cases_are_not_read_for_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import casedocs.figures.pipeline as pipeline

    monkeypatch.setattr(pipeline, "text_boxes", lambda image: pytest.fail("read for text"))
    (tmp_path / "images").mkdir()
    ultrasound(HEADER_LINES).save(tmp_path / "images" / "cxr.png")  # a CR case: no OCR
    load_document(write_case_file(tmp_path))


@needs_tesseract
def test_tesseract_runs_on_one_thread_and_the_setting_does_not_stay(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/ocr.py measures what one OpenMP thread per tesseract buys on a two-worker build;
    the limit must reach tesseract and be gone afterwards."""
    import pytesseract

    seen = []
    original = pytesseract.image_to_data

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(os.environ.get("OMP_THREAD_LIMIT"))
        return original(*args, **kwargs)

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    monkeypatch.setattr(pytesseract, "image_to_data", recording)
    assert text_boxes(ultrasound(HEADER_LINES))
    assert seen == ["1"]
    assert "OMP_THREAD_LIMIT" not in os.environ
