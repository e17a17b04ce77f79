"""Shared fixtures: a small valid case written into a temporary folder, with images made here."""

from __future__ import annotations

import contextlib
import shutil
import signal
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from casedocs.errors import CaseError, Report
from casedocs.load import load_document

REPO = Path(__file__).resolve().parents[1]

MINIMAL_CASE = """\
id: case-17
series: Chest Case
number: 17
title: Pulmonary sequestration
authors:
  - name: Ana Lima
    degrees: MD
institution: Teaching Hospital
copyright: Teaching Hospital 2026
published: 2026-01-15
keywords: [sequestration, systemic arterial supply]
history: A 19-year-old with recurrent left lower lobe pneumonia.
figures:
  - id: cxr
    file: images/cxr.png
    caption: Frontal radiograph with a left lower lobe opacity.
    view: Frontal chest radiograph
    alt: Frontal chest radiograph.
    credit: Courtesy of the teaching file.
  - id: cta
    file: images/cta.png
    caption: CT angiogram showing a systemic feeding artery from the aorta.
    alt: Axial CT angiogram.
findings:
  - figures: [cxr]
    text: Persistent opacity in the left lower lobe (@fig-cxr).
  - figures: [cta]
    text: A systemic artery arises from the descending aorta (@fig-cta) [@smith2019].
diagnosis: Intralobar pulmonary sequestration
differential:
  - Pneumonia
  - {name: Congenital pulmonary airway malformation, note: Usually cystic.}
discussion: |
  Sequestration is non-functioning lung tissue with a systemic arterial supply [@smith2019].

  Intralobar forms are the most common [@jones2020].
teaching_points:
  - Look for the **systemic artery**.
management: Surgical resection.
references:
  - id: smith2019
    authors: [Smith A, Brown B]
    title: Imaging of pulmonary sequestration
    journal: Radiographics
    year: 2019
    volume: "39"
    issue: "2"
    pages: 400-412
    pmid: "30735470"
    doi: 10.1148/rg.2019180000
  - id: jones2020
    authors: [Jones C]
    title: Congenital lung lesions
    journal: AJR Am J Roentgenol
    year: 2020
    volume: "214"
    pages: 1-9
"""


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line of `path` that contains `needle`."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if needle in line]
    return hits[occurrence - 1]


def document_errors(path: Path) -> list[Report]:
    """The reports of a case that fails full validation (model, references, images)."""
    with pytest.raises(CaseError) as caught:
        load_document(path)
    return caught.value.reports


def write_case_file(folder: Path, replace: tuple[tuple[str, str], ...] = (),
                    cxr_name: str = "cxr.png") -> Path:
    """The minimal case and its two images in `folder`, with `replace` edits applied."""
    make_image(folder / "images" / cxr_name, (300, 400))
    make_image(folder / "images" / "cta.png", (400, 400))
    text = edited(MINIMAL_CASE.replace("file: images/cxr.png", f"file: images/{cxr_name}"),
                  replace)
    case = folder / "case.yaml"
    case.write_text(text, encoding="utf-8")
    return case


def edited(text: str, replace: tuple[tuple[str, str], ...]) -> str:
    """`text` with each (old, new) edit applied; an edit that does not apply fails the test."""
    for old, new in replace:
        assert old in text, f"fixture edit does not apply: {old!r}"
        text = text.replace(old, new)
    return text


def make_image(path: Path, size: tuple[int, int] = (300, 400), mode: str = "L") -> Path:
    """A small drawn image (an ellipse on dark ground) saved at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(mode, size, 20 if mode == "L" else (20, 20, 20))
    ImageDraw.Draw(image).ellipse((20, 20, size[0] - 20, size[1] - 20),
                                  fill=180 if mode == "L" else (180, 170, 160))
    image.save(path)
    return path


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    make_image(tmp_path / "images" / "cxr.png", (300, 400))
    make_image(tmp_path / "images" / "cta.png", (400, 400))
    return tmp_path


@pytest.fixture
def write_case(case_dir: Path) -> Callable[..., Path]:
    """Write a case file; `replace` pairs edit the minimal case, `text` replaces it whole."""

    def write(text: str | None = None, replace: tuple[tuple[str, str], ...] = (),
              name: str = "case.yaml") -> Path:
        content = edited(textwrap.dedent(text) if text is not None else MINIMAL_CASE, replace)
        path = case_dir / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail the test, rather than hang it, when the block runs longer than `seconds`: open()
    on a FIFO waits for a writer that never comes."""

    def expire(number: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract (OCR) is not installed; .ci/run installs tesseract-ocr",
)


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without tesseract: pytesseract is pointed at a program that is not there."""
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="record the seed's output hashes again (tests/test_golden.py)")
