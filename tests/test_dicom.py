"""DICOM figures: decoding, frames, rescale and windowing, refusals, and privacy.

Spec (issue 3, "DICOM"): CR, DX, CT, MR, single- or multi-frame (`frame: N` from 1); rescale
slope/intercept applied; `window:` a name or [center, width], else the file's own window, else a
robust percentile window; MONOCHROME1 inverted; full bit depth until the final 8-bit step.
JPEG 2000 decodes through Pillow; a transfer syntax without an installed decoder is an error
naming the figure and the `casedocs[dicom-codecs]` extra. Nothing from the header reaches an
output; BurnedInAnnotation = YES, secondary captures and ultrasound are refused unless the
figure says `phi_reviewed: true`. Real files come from pydicom's own test data (no download);
the rest are written here with pydicom.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.data import get_testdata_file

from casedocs.cli import main
from casedocs.errors import Report
from casedocs.figures import FigureImages, ImageProblem, PreparedImage
from casedocs.load import load_document
from casedocs.source.model import WINDOWS, Figure
from conftest import document_errors, line_of, write_case_file
from phantom import new_dataset

CR = "1.2.840.10008.5.1.4.1.1.1"  # Computed Radiography Image Storage
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
ULTRASOUND = "1.2.840.10008.5.1.4.1.1.6.1"
VL_PHOTOGRAPH = "1.2.840.10008.5.1.4.1.1.77.1.4"
ORIGIN = Report("case.yaml", 14, "figures[x]", "")
PHI = {  # header values that must never reach an output
    "PatientName": "SECRET^PATIENT",
    "PatientID": "SECRETPATIENTID",
    "PatientBirthDate": "19330303",
    "AccessionNumber": "SECRETACCESS",
    "StudyDescription": "SECRETDIAGNOSIS",
    "SeriesDescription": "SECRETSERIES",
    "InstitutionName": "SECRETHOSPITAL",
    "ReferringPhysicianName": "SECRET^DOCTOR",
    "ImageComments": "SECRETCOMMENTS",
}
CODEC_PACKAGES = ("pylibjpeg", "libjpeg", "gdcm")


def _write_dicom(path: Path, pixels: np.ndarray, **attributes: object) -> Path:
    """A minimal valid DICOM file (explicit VR little endian) holding 16-bit gray `pixels`
    (rows x columns, or frames x rows x columns), with patient data in its header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset = new_dataset(str(attributes.pop("SOPClassUID", CR)))
    dataset.Modality = "CR"
    for keyword, value in PHI.items():
        setattr(dataset, keyword, value)
    dataset.Rows, dataset.Columns = pixels.shape[-2:]
    if pixels.ndim == 3:
        dataset.NumberOfFrames = pixels.shape[0]
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 16, 15
    dataset.PixelRepresentation = 0
    for keyword, value in attributes.items():
        setattr(dataset, keyword, value)
    dataset.PixelData = pixels.astype("<u2").tobytes()
    dataset.save_as(path, enforce_file_format=True)
    return path


def _test_file(name: str, folder: Path, as_name: str | None = None) -> Path:
    """A copy of one of pydicom's own small test files."""
    source = get_testdata_file(name, download=False)
    assert source is not None, f"pydicom ships {name}"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder / (as_name or name)))


def _figure(path: Path, **fields: object) -> Figure:
    data = {"id": "x", "file": path.name, "caption": "A figure.", **fields}
    return Figure.model_validate(data, context={"base_dir": path.parent})


def _prepare(path: Path, **fields: object) -> PreparedImage:
    """The whole displayed image at its own size."""
    images = FigureImages()
    source = images.inspect(_figure(path, **fields), ORIGIN)
    return images.prepare(source, source.width, source.height, 1.0, "handout")


def _pixels(path: Path, **fields: object) -> np.ndarray:
    image = Image.open(io.BytesIO(_prepare(path, **fields).data))
    assert image.mode == "L"
    return np.asarray(image, dtype=np.float32)


def _windowed(values: np.ndarray, center: float, width: float) -> np.ndarray:
    low = center - width / 2
    return np.clip((values - low) * 255.0 / width, 0, 255)


def _raw(name: str) -> np.ndarray:
    import pydicom

    dataset = pydicom.dcmread(get_testdata_file(name, download=False))
    slope = float(dataset.get("RescaleSlope", 1))
    intercept = float(dataset.get("RescaleIntercept", 0))
    return dataset.pixel_array.astype(np.float32) * slope + intercept


def _close(actual: np.ndarray, expected: np.ndarray) -> None:
    """Equal but for JPEG's small losses."""
    assert actual.shape == expected.shape
    assert np.abs(actual - expected).mean() < 3


def _case_with_dicom(folder: Path, dicom: str, extra: str = "") -> Path:
    """The minimal case with its cxr figure replaced by the DICOM file images/`dicom`."""
    return write_case_file(folder, (("file: images/cxr.png\n", f"file: images/{dicom}\n{extra}"),))


# -- real files from pydicom -------------------------------------------------------------------


def test_ct_without_a_window_gets_a_robust_percentile_window(tmp_path: Path) -> None:
    path = _test_file("CT_small.dcm", tmp_path)
    values = _raw("CT_small.dcm")  # Hounsfield units: raw - 1024
    low, high = np.percentile(values, (0.5, 99.5))
    actual = _pixels(path)
    assert actual.shape == (128, 128)
    _close(actual, np.clip((values - low) * 255.0 / (high - low), 0, 255))
    assert actual.min() <= 3 and actual.max() >= 252  # the range is used


def test_mr_uses_its_own_window(tmp_path: Path) -> None:
    path = _test_file("MR_small.dcm", tmp_path)
    actual = _pixels(path)
    assert actual.shape == (64, 64)
    _close(actual, _windowed(_raw("MR_small.dcm"), 600, 1600))
    assert _prepare(path).data == _prepare(path, window=[600, 1600]).data
    assert _prepare(path).data != _prepare(path, window=[300, 400]).data


def test_jpeg_2000_decodes_through_pillow(tmp_path: Path) -> None:
    compressed = _test_file("MR_small_jp2klossless.dcm", tmp_path)
    plain = _test_file("MR_small.dcm", tmp_path)
    assert _prepare(compressed).data == _prepare(plain).data  # lossless: the same pixels
    _close(_pixels(compressed), _windowed(_raw("MR_small.dcm"), 600, 1600))


def test_named_windows_are_applied_in_hounsfield_units(tmp_path: Path) -> None:
    path = _test_file("CT_small.dcm", tmp_path)
    values = _raw("CT_small.dcm")
    bone, lung = _pixels(path, window="bone"), _pixels(path, window="lung")
    _close(bone, _windowed(values, *WINDOWS["bone"]))
    _close(lung, _windowed(values, *WINDOWS["lung"]))
    assert np.abs(bone - lung).mean() > 20
    assert _prepare(path, window="lung").data == _prepare(path, window=[-600, 1500]).data


def test_crop_applies_to_dicom(tmp_path: Path) -> None:
    path = _test_file("CT_small.dcm", tmp_path)
    prepared = _prepare(path, crop=[0, 0, 0.5, 1], window="mediastinum")
    assert (prepared.width, prepared.height) == (64, 128)
    whole = _pixels(path, window="mediastinum")
    _close(_pixels(path, crop=[0, 0, 0.5, 1], window="mediastinum"), whole[:, :64])


@pytest.mark.skipif(any(importlib.util.find_spec(name) for name in CODEC_PACKAGES),
                    reason="a 12-bit JPEG decoder is installed")
def test_12_bit_jpeg_without_a_decoder_names_the_extra_and_the_figure(tmp_path: Path) -> None:
    _test_file("JPEG-lossy.dcm", tmp_path / "images", "nm.dcm")
    case = _case_with_dicom(tmp_path, "nm.dcm", "    phi_reviewed: true\n")
    errors = document_errors(case)
    assert len(errors) == 1, errors
    error = errors[0]
    assert error.field == "figures[cxr].file"
    assert error.line == line_of(case, "file: images/nm.dcm")
    assert "nm.dcm" in error.message
    assert "casedocs[dicom-codecs]" in error.message
    assert "JPEG" in error.message  # says which transfer syntax needs the decoder


@pytest.mark.usefixtures("no_tesseract")
def test_secondary_capture_test_file_is_refused_without_review_or_ocr(tmp_path: Path) -> None:
    _test_file("JPEG-lossy.dcm", tmp_path / "images", "nm.dcm")  # an NM secondary capture
    errors = document_errors(_case_with_dicom(tmp_path, "nm.dcm"))
    assert [e.field for e in errors] == ["figures[cxr].file"]
    assert "secondary capture" in errors[0].message and "phi_reviewed" in errors[0].message


# -- files written here ------------------------------------------------------------------------


def test_monochrome1_is_inverted(tmp_path: Path) -> None:
    pixels = np.full((40, 60), 500)
    pixels[:, 30:] = 3500  # high raw values: dense, shown dark in MONOCHROME1
    one = _write_dicom(tmp_path / "one.dcm", pixels, PhotometricInterpretation="MONOCHROME1")
    two = _write_dicom(tmp_path / "two.dcm", pixels)
    inverted, plain = _pixels(one), _pixels(two)
    assert inverted[:, :30].min() == 255 and inverted[:, 30:].max() == 0
    assert plain[:, :30].max() == 0 and plain[:, 30:].min() == 255
    # Explicit windows are inverted too.
    windowed = _pixels(one, window=[2000, 3000])
    assert windowed[0, 0] == 255 and windowed[0, 59] == 0


def test_multi_frame_picks_the_frame_asked_for(tmp_path: Path) -> None:
    frames = np.stack([np.full((20, 30), value) for value in (1000, 2000, 3000)])
    path = _write_dicom(tmp_path / "cine.dcm", frames)
    window = [2000, 4000]  # 0..4000 to 0..255
    assert _pixels(path, window=window).mean() == 64  # the first frame by default
    assert _pixels(path, window=window, frame=1).mean() == 64
    assert _pixels(path, window=window, frame=2).mean() == 128
    assert _pixels(path, window=window, frame=3).mean() == 191
    assert _pixels(path, window=window, frame=2).shape == (20, 30)


def test_frame_past_the_last_is_an_error_saying_how_many(tmp_path: Path) -> None:
    frames = np.stack([np.full((20, 30), value) for value in (1000, 2000, 3000)])
    _write_dicom(tmp_path / "images" / "cine.dcm", frames)
    with pytest.raises(ImageProblem, match=r"has 3 frame"):
        _prepare(tmp_path / "images" / "cine.dcm", frame=5)
    case = _case_with_dicom(tmp_path, "cine.dcm", "    frame: 5\n")
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].file"]
    assert "frame 5" in errors[0].message and "3 frame" in errors[0].message
    assert errors[0].line == line_of(case, "file: images/cine.dcm")


def test_frame_zero_is_a_validation_error(tmp_path: Path) -> None:
    _write_dicom(tmp_path / "images" / "cr.dcm", np.full((20, 30), 100))
    case = _case_with_dicom(tmp_path, "cr.dcm", "    frame: 0\n")
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].frame"]
    assert errors[0].line == line_of(case, "frame: 0")


@pytest.mark.usefixtures("no_tesseract")
def test_burned_in_annotation_is_refused_until_reviewed_without_ocr(tmp_path: Path) -> None:
    _write_dicom(tmp_path / "images" / "cr.dcm", np.full((20, 30), 100), BurnedInAnnotation="YES")
    case = _case_with_dicom(tmp_path, "cr.dcm")
    errors = document_errors(case)
    assert len(errors) == 1, errors
    assert errors[0].field == "figures[cxr].file"
    assert errors[0].line == line_of(case, "file: images/cr.dcm")
    assert "BurnedInAnnotation" in errors[0].message and "phi_reviewed" in errors[0].message
    assert "tesseract" in errors[0].message  # why a person has to look
    reviewed = _case_with_dicom(tmp_path, "cr.dcm", "    phi_reviewed: true\n")
    document = load_document(reviewed).document
    assert [f.id for f in document.figures] == ["cxr", "cta"]


def test_burned_in_annotation_no_is_accepted(tmp_path: Path) -> None:
    _write_dicom(tmp_path / "images" / "cr.dcm", np.full((20, 30), 100), BurnedInAnnotation="NO")
    load_document(_case_with_dicom(tmp_path, "cr.dcm"))


@pytest.mark.parametrize("attributes,reason", [
    ({"Modality": "US", "SOPClassUID": ULTRASOUND}, "ultrasound"),
    ({"Modality": "US"}, "ultrasound"),
    ({"Modality": "OT", "SOPClassUID": SECONDARY_CAPTURE}, "secondary capture"),
], ids=["us-class", "us-modality", "secondary-capture"])
@pytest.mark.usefixtures("no_tesseract")
def test_kinds_that_carry_burned_in_text_are_refused_until_reviewed_without_ocr(
        tmp_path: Path, attributes: dict, reason: str) -> None:
    _write_dicom(tmp_path / "images" / "scan.dcm", np.full((20, 30), 100), **attributes)
    errors = document_errors(_case_with_dicom(tmp_path, "scan.dcm"))
    assert [e.field for e in errors] == ["figures[cxr].file"]
    assert reason in errors[0].message and "phi_reviewed" in errors[0].message
    load_document(_case_with_dicom(tmp_path, "scan.dcm", "    phi_reviewed: true\n"))


def test_rescale_is_applied_before_the_window(tmp_path: Path) -> None:
    # raw 537 * 2 - 1024 = 50 HU; window [40, 100] spans -10..90, so 50 HU is 60% of 255.
    path = _write_dicom(tmp_path / "ct.dcm", np.full((16, 16), 537), Modality="CT",
                        RescaleSlope=2, RescaleIntercept=-1024)
    assert (_pixels(path, window=[40, 100]) == 153).all()
    # Without the rescale, raw 537 would be white in this window, and 1074 - 1024 would be -50.
    assert (_pixels(path, window=[537, 100]) == 0).all()


def test_rescale_intercept_alone_gives_mid_gray(tmp_path: Path) -> None:
    # raw 1000 - 1024 = -24 HU; window [0, 100] spans -50..50: (-24 + 50) / 100 * 255 = 66.3.
    path = _write_dicom(tmp_path / "ct.dcm", np.full((16, 16), 1000), Modality="CT",
                        RescaleSlope=1, RescaleIntercept=-1024)
    assert (_pixels(path, window=[0, 100]) == 66).all()


def test_own_window_is_used_and_explicit_window_wins(tmp_path: Path) -> None:
    pixels = np.tile(np.linspace(0, 4000, 64), (16, 1))
    path = _write_dicom(tmp_path / "cr.dcm", pixels, WindowCenter=1000, WindowWidth=2000)
    own = _pixels(path)
    _close(own, _windowed(np.asarray(pixels, dtype=np.float32).round(), 1000, 2000))
    assert own[:, 40:].min() == 255  # 2000 and above: white in its own window
    explicit = _pixels(path, window=[3000, 2000])
    assert explicit[:, :30].max() == 0


def test_percentile_window_ignores_outliers(tmp_path: Path) -> None:
    pixels = np.tile(np.arange(64) * 16, (64, 1))  # a ramp over 0..1008
    pixels[0, :4] = 60000  # 4 of 4096 pixels: a marker far brighter than the anatomy
    path = _write_dicom(tmp_path / "cr.dcm", pixels)
    image = _pixels(path)
    middle = image[32, 32]  # raw 512, the middle of the ramp
    assert 110 <= middle <= 145  # a min..max window would put it near 2
    assert image[10, 2] <= 8 and image[10, 61] >= 245


def test_full_bit_depth_values_above_255_are_not_clipped(tmp_path: Path) -> None:
    pixels = np.repeat(np.array([[1000, 2000, 3000, 4000]]), 10, axis=1).repeat(8, axis=0)
    path = _write_dicom(tmp_path / "cr.dcm", pixels)
    image = _pixels(path, window=[2500, 3000])  # 1000..4000 onto 0..255
    assert [image[4, x] for x in (5, 15, 25, 35)] == [0, 85, 170, 255]


def test_colour_dicom_stays_colour(tmp_path: Path) -> None:
    path = tmp_path / "photo.dcm"
    rgb = np.zeros((20, 30, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    rgb[:, 15:, 2] = 180
    dataset = new_dataset(VL_PHOTOGRAPH)
    dataset.Modality = "XC"
    dataset.Rows, dataset.Columns = 20, 30
    dataset.SamplesPerPixel, dataset.PhotometricInterpretation = 3, "RGB"
    dataset.PlanarConfiguration = 0
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 8, 8, 7
    dataset.PixelRepresentation = 0
    dataset.PixelData = rgb.tobytes()
    dataset.save_as(path, enforce_file_format=True)
    image = Image.open(io.BytesIO(_prepare(path, phi_reviewed=True).data))
    assert image.mode == "RGB"
    assert image.getpixel((5, 10)) == (200, 0, 0) and image.getpixel((25, 10)) == (200, 0, 180)


def test_truncated_pixel_data_is_a_clear_problem(tmp_path: Path) -> None:
    path = _write_dicom(tmp_path / "cr.dcm", np.full((64, 64), 100))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 4000])  # most of the pixel data is gone
    with pytest.raises(ImageProblem, match="missing or damaged"):
        _prepare(path)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("body", [b"", b"\xff" * 64], ids=["preamble-only", "garbage"])
def test_damaged_dicom_header_is_an_error_naming_the_figure(tmp_path: Path, body: bytes) -> None:
    """A file with the DICOM preamble but no readable header is the author's problem to fix,
    reported like any bad image, never a crash."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "junk.dcm").write_bytes(b"\0" * 128 + b"DICM" + body)
    case = _case_with_dicom(tmp_path, "junk.dcm")
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].file"]
    assert "junk.dcm" in errors[0].message
    assert errors[0].line == line_of(case, "file: images/junk.dcm")


# -- privacy -----------------------------------------------------------------------------------


def _pdf_texts(data: bytes) -> list[bytes]:
    """The PDF's bytes, and every Flate stream in it decompressed."""
    texts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        # An image stream (DCT) or one not compressed is checked as raw bytes above.
        with contextlib.suppress(zlib.error):
            texts.append(zlib.decompress(match.group(1).rstrip(b"\r\n")))
    return texts


def _pptx_texts(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [data] + [package.read(name) for name in package.namelist()] + [
            name.encode() for name in package.namelist()]


def test_no_header_value_reaches_any_output(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    pixels = np.tile(np.arange(80) * 40, (100, 1))
    _write_dicom(folder / "images" / "patient-secret-scan.dcm", pixels)
    _test_file("CT_small.dcm", folder / "images", "ct.dcm")  # PatientName CompressedSamples^CT1
    case = write_case_file(folder, (
        ("file: images/cxr.png", "file: images/patient-secret-scan.dcm"),
        ("file: images/cta.png", "file: images/ct.dcm"),
    ))
    out = tmp_path / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    pdf = (out / "handouts" / "case-17.pdf").read_bytes()
    pptx = (out / "slides" / "case-17.pptx").read_bytes()
    texts = _pdf_texts(pdf) + _pptx_texts(pptx)
    texts += [path.read_bytes() for path in (out / ".cache").rglob("*") if path.is_file()]
    # The search sees decompressed content: page drawing operators, slide text.
    assert any(b" Tf" in text for text in _pdf_texts(pdf)[1:])
    assert any(b"Chest Case 17" in text for text in _pptx_texts(pptx)[1:])
    secrets = [value.encode() for value in PHI.values()]
    secrets += [b"SECRET", b"patient-secret", b"CompressedSamples"]
    for secret in secrets:
        for text in texts:
            assert secret not in text, secret
    # The figures are there all the same.
    assert b"/Subtype /Image" in pdf
    with zipfile.ZipFile(io.BytesIO(pptx)) as package:
        assert any(name.startswith("ppt/media/") for name in package.namelist())
