"""casedocs export mirc: a case as a MIRCdocument zip; importing it again gives the same
handout text."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from casedocs.cli import main
from conftest import REPO, make_image, write_case_file

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="needs pdftotext (poppler-utils; .ci/run installs it)")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def handout_words(pdf: Path) -> list[str]:
    """The handout's words in the order they are drawn (pdftotext -raw)."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split()


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("round-trip")
    seed = REPO / "content" / "is-case-4.yaml"
    assert run("export", "mirc", str(seed), "--out", str(root / "mirc"))[0] == 0
    status, _, err = run("import", "mirc", str(root / "mirc" / "is-case-4.zip"), "--out",
                         str(root / "content"))
    assert status == 0, err
    for case, out in ((seed, "before"), (root / "content" / "is-case-4.yaml", "after")):
        status, _, err = run("build", str(case), "--out", str(root / out), "--only", "handout",
                             "--jobs", "1")
        assert status == 0, err
    return root


def test_export_then_import_gives_a_handout_with_the_same_text(round_trip: Path) -> None:
    before = handout_words(round_trip / "before" / "handouts" / "is-case-4.pdf")
    after = handout_words(round_trip / "after" / "handouts" / "is-case-4.pdf")
    assert len(before) > 500
    assert after == before


def test_the_unknown_handout_survives_the_round_trip_too(round_trip: Path) -> None:
    before = handout_words(round_trip / "before" / "handouts" / "is-case-4-unknown.pdf")
    after = handout_words(round_trip / "after" / "handouts" / "is-case-4-unknown.pdf")
    assert after == before


def test_the_zip_holds_a_mirc_document_and_clean_images_with_svg_marks(round_trip: Path) -> None:
    with zipfile.ZipFile(round_trip / "mirc" / "is-case-4.zip") as archive:
        names = archive.namelist()
        root = etree.fromstring(archive.read("MIRCdocument.xml"))
        assert root.tag == "MIRCdocument"
        headings = [s.get("heading") for s in root.iterfind("section")]
        assert headings[:5] == ["History", "Findings", "Diagnosis", "Differential diagnosis",
                                "Discussion"]
        images = root.findall("image-section/image")
        assert [i.get("src") for i in images] == ["image-1.jpg", "image-2.jpg", "image-3.jpg"]
        for image in images:
            svg = image.find("alternative-image[@role='annotation']")
            assert svg is not None and svg.get("type") == "svg"
            marks = etree.fromstring(archive.read(svg.get("src")))
            assert marks.find("{http://www.w3.org/2000/svg}image") is not None
            with Image.open(io.BytesIO(archive.read(image.get("src")))) as picture:
                assert not picture.getexif() and "exif" not in picture.info
        captions = images[0].findall("image-caption")
        assert [c.get("display") for c in captions] == ["always", "click"]
        assert captions[0].text == "Frontal chest radiograph"
        assert root.findtext("alternative-title") == "IS Case 4"
        assert root.findtext("publication-date") == "20090518"
        assert root.findtext("level") == "intermediate"
    assert set(names) == {"MIRCdocument.xml", *(f"image-{n}.jpg" for n in (1, 2, 3)),
                          *(f"image-{n}-annotation.svg" for n in (1, 2, 3))}


def test_a_dicom_figure_is_exported_as_pixels_only(tmp_path: Path) -> None:
    dicom = REPO / "assets" / "examples"
    source = next(iter(sorted(dicom.rglob("*.dcm"))), None)
    if source is None:
        pytest.skip("no DICOM example in assets/examples")
    case = write_case_file(tmp_path)
    shutil.copyfile(source, tmp_path / "images" / "scan.dcm")
    case.write_text(case.read_text(encoding="utf-8").replace(
        "file: images/cta.png", "file: images/scan.dcm\n    phi_reviewed: true"),
        encoding="utf-8")
    status, _, err = run("export", "mirc", str(case), "--out", str(tmp_path / "mirc"))
    assert status == 0, err
    with zipfile.ZipFile(tmp_path / "mirc" / "case-17.zip") as archive:
        assert not [n for n in archive.namelist() if n.endswith(".dcm")]
        data = b"".join(archive.read(n) for n in archive.namelist())
    assert b"DICM" not in data and b"scan.dcm" not in data


def test_an_answer_only_figure_is_the_annotated_image_of_the_one_before(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    make_image(tmp_path / "images" / "cta-marked.png", (420, 400))
    case.write_text(case.read_text(encoding="utf-8").replace("findings:", """\
  - id: cta-marked
    file: images/cta-marked.png
    caption: The feeding artery, marked.
    answer_only: true
findings:"""), encoding="utf-8")
    assert run("export", "mirc", str(case), "--out", str(tmp_path / "mirc"))[0] == 0
    with zipfile.ZipFile(tmp_path / "mirc" / "case-17.zip") as archive:
        root = etree.fromstring(archive.read("MIRCdocument.xml"))
    images = root.findall("image-section/image")
    assert len(images) == 2
    marked = images[1].find("alternative-image[@role='annotation']")
    assert marked.get("type") == "image" and marked.get("src") == "image-3.png"


def test_an_invalid_case_is_not_exported(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    case.write_text(re.sub("diagnosis: .*", "diagnosis: ", case.read_text(encoding="utf-8")),
                    encoding="utf-8")
    status, _, err = run("export", "mirc", str(case), "--out", str(tmp_path / "mirc"))
    assert status == 1 and "diagnosis" in err
    assert not (tmp_path / "mirc").exists()
