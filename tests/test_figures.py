"""Image preparation: only pixels reach an output; bad images are clear errors naming the figure.

Spec (issue 2, "Loading and validation"): PNG, JPEG and TIFF, opened with an explicit format
list; each decoded and re-encoded from its pixels so no metadata (EXIF, XMP, comments, PNG text)
reaches any output; EXIF orientation applied; a file that is not an image, is truncated, or claims
more pixels than Pillow's bomb limit is a clear error naming the figure.
"""

from __future__ import annotations

import array
import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, PngImagePlugin

from casedocs.build import load_document
from casedocs.errors import CaseError
from casedocs.figures import MAX_PREPARED_SIDE, ImageProblem, PreparedImage, prepare_image

SECRETS = (b"SecretCamMaker", b"SecretModel42", b"PATIENT^NAME", b"GPSSECRETPLACE",
           b"SECRETCOMMENT", b"XMPSECRET")


def _open(prepared: PreparedImage) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    return image


def _jpeg_with_metadata(path: Path) -> Path:
    """A 300x200 landscape JPEG, red block top-left, stored rotated: EXIF orientation 6."""
    image = Image.new("RGB", (300, 200), (30, 30, 30))
    ImageDraw.Draw(image).rectangle((10, 10, 100, 60), fill=(220, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"  # Make
    exif[0x0110] = "SecretModel42"  # Model
    exif[0x010E] = "PATIENT^NAME"  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (43.0, 7.0, 12.5)
    gps[0x1B] = b"GPSSECRETPLACE"  # GPSProcessingMethod
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           b'02/22-rdf-syntax-ns#"><rdf:Description>XMPSECRET</rdf:Description></rdf:RDF>'
           b"</x:xmpmeta>")
    image.save(path, "JPEG", exif=exif.tobytes(), comment=b"SECRETCOMMENT", xmp=xmp)
    raw = path.read_bytes()
    assert all(secret in raw for secret in SECRETS), "the test image must carry its metadata"
    return path


def _noisy(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Random pixels: compresses badly, so half a file is far past its header."""
    bands = len(mode)
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * bands))


# -- metadata never survives ------------------------------------------------------------------


def test_jpeg_exif_comment_and_xmp_are_stripped(tmp_path: Path) -> None:
    prepared = prepare_image(_jpeg_with_metadata(tmp_path / "photo.jpg"))
    for secret in SECRETS:
        assert secret not in prepared.data
    assert b"Exif" not in prepared.data
    image = _open(prepared)
    assert dict(image.getexif()) == {}
    assert "comment" not in image.info and "xmp" not in image.info and "exif" not in image.info


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    prepared = prepare_image(_jpeg_with_metadata(tmp_path / "photo.jpg"))
    assert (prepared.width, prepared.height) == (200, 300)
    image = _open(prepared).convert("RGB")
    assert image.size == (200, 300)
    # Orientation 6 turns the stored image a quarter turn clockwise: top-left goes top-right.
    red, green, _ = image.getpixel((165, 55))
    assert red > 150 and green < 100
    assert max(image.getpixel((35, 55))) < 80


def test_png_text_chunks_are_stripped(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "PNGSECRETTEXT")
    info.add_text("Author", "PNGSECRETZTXT", zip=True)
    info.add_itxt("Description", "PNGSECRETITXT", lang="en")
    source = Image.new("RGB", (64, 48), (10, 120, 200))
    source.save(tmp_path / "text.png", pnginfo=info)
    assert b"PNGSECRETTEXT" in (tmp_path / "text.png").read_bytes()
    prepared = prepare_image(tmp_path / "text.png")
    assert b"PNGSECRET" not in prepared.data
    for chunk in (b"tEXt", b"zTXt", b"iTXt"):
        assert chunk not in prepared.data
    assert getattr(_open(prepared), "text", {}) == {}


def test_tiff_is_accepted_and_its_tags_are_stripped(tmp_path: Path) -> None:
    source = Image.new("RGB", (80, 60), (200, 30, 30))
    source.save(tmp_path / "scan.tif", tiffinfo={270: "TIFFSECRETDESCRIPTION",
                                                 305: "TIFFSECRETSOFTWARE"})
    prepared = prepare_image(tmp_path / "scan.tif")
    assert prepared.format in ("PNG", "JPEG")
    assert (prepared.width, prepared.height) == (80, 60)
    assert b"TIFFSECRET" not in prepared.data
    assert _open(prepared).mode == "RGB"


def test_prepared_name_comes_from_content_not_source_name(tmp_path: Path) -> None:
    source = Image.new("L", (50, 40), 90)
    source.save(tmp_path / "smith-john-mrn-123456.png")
    source.save(tmp_path / "other.png")
    first = prepare_image(tmp_path / "smith-john-mrn-123456.png")
    second = prepare_image(tmp_path / "other.png")
    assert "smith" not in first.name and "123456" not in first.name
    assert first.name == second.name and first.data == second.data  # deterministic


# -- pixel modes -------------------------------------------------------------------------------


def test_16_bit_grayscale_is_rescaled_not_clipped(tmp_path: Path) -> None:
    values = array.array("H", [(x * 4000) // 255 for x in range(256)] * 32)
    source = Image.frombytes("I;16", (256, 32), values.tobytes())
    assert source.getextrema() == (0, 4000)
    source.save(tmp_path / "ct.png")
    prepared = prepare_image(tmp_path / "ct.png")
    image = _open(prepared)
    assert image.mode == "L"
    low, high = image.getextrema()
    assert high >= 250 and low <= 5
    # Rescaled, not clipped: the ramp stays a ramp (clipping would saturate from x = 17 on).
    row = [image.getpixel((x, 0)) for x in range(0, 256, 32)]
    assert row == sorted(row) and len(set(row)) == len(row)
    assert 100 <= image.getpixel((128, 0)) <= 160


def test_rgb_gray_image_becomes_l(tmp_path: Path) -> None:
    source = Image.new("RGB", (60, 60), (40, 40, 40))
    ImageDraw.Draw(source).ellipse((10, 10, 50, 50), fill=(200, 200, 200))
    source.save(tmp_path / "gray.png")
    image = _open(prepare_image(tmp_path / "gray.png"))
    assert image.mode == "L"
    assert image.getpixel((30, 30)) == 200


def test_colour_image_stays_rgb(tmp_path: Path) -> None:
    source = Image.new("RGB", (60, 60), (200, 30, 30))
    source.save(tmp_path / "colour.png")
    image = _open(prepare_image(tmp_path / "colour.png"))
    assert image.mode == "RGB"
    assert image.getpixel((5, 5)) == (200, 30, 30)


def test_rgba_is_composited_on_white(tmp_path: Path) -> None:
    source = Image.new("RGBA", (60, 60), (0, 0, 0, 0))  # transparent black
    ImageDraw.Draw(source).rectangle((20, 20, 40, 40), fill=(220, 20, 20, 255))
    source.save(tmp_path / "overlay.png")
    image = _open(prepare_image(tmp_path / "overlay.png"))
    assert image.mode in ("RGB", "L")
    assert "A" not in image.mode and "transparency" not in image.info
    rgb = image.convert("RGB")
    assert rgb.getpixel((2, 2)) == (255, 255, 255)  # transparency lies on white paper
    assert rgb.getpixel((30, 30)) == (220, 20, 20)


def test_cmyk_becomes_rgb(tmp_path: Path) -> None:
    source = Image.new("CMYK", (60, 60), (0, 200, 200, 0))  # a red in CMYK
    source.save(tmp_path / "print.jpg", "JPEG")
    prepared = prepare_image(tmp_path / "print.jpg")
    image = _open(prepared)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((30, 30))
    assert red > green + 80 and red > blue + 80


def test_oversized_image_is_reduced_with_aspect_kept(tmp_path: Path) -> None:
    Image.new("L", (3000, 1500), 100).save(tmp_path / "huge.png")
    prepared = prepare_image(tmp_path / "huge.png")
    assert max(prepared.width, prepared.height) <= MAX_PREPARED_SIDE
    assert prepared.width / prepared.height == pytest.approx(2.0, rel=0.01)


# -- bad images --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_truncated_image_is_a_clear_problem(tmp_path: Path, suffix: str) -> None:
    whole = tmp_path / f"whole.{suffix}"
    _noisy((400, 300)).save(whole)
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageProblem) as caught:
        prepare_image(cut)
    message = str(caught.value).lower()
    assert "truncated" in message or "damaged" in message


def test_text_file_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("This is not an image, just some text.\n", encoding="utf-8")
    with pytest.raises(ImageProblem, match="not a PNG, JPEG or TIFF"):
        prepare_image(path)


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "PPM"])
def test_other_formats_are_refused(tmp_path: Path, image_format: str) -> None:
    path = tmp_path / "figure.png"  # a misleading suffix must not matter
    Image.new("RGB", (40, 30), (0, 128, 0)).save(path, image_format)
    with pytest.raises(ImageProblem, match="not a PNG, JPEG or TIFF"):
        prepare_image(path)


@pytest.mark.parametrize("size", [(300, 400), (40, 40)], ids=["over-twice-limit", "over-limit"])
def test_decompression_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       size: tuple[int, int]) -> None:
    path = tmp_path / "bomb.png"
    Image.new("L", size, 0).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageProblem) as caught:
        prepare_image(path)
    assert "pixels" in str(caught.value)


# -- errors through the loader name the figure and its line -----------------------------------


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_bad_image_error_names_figure_field_and_line(write_case, case_dir: Path) -> None:
    case = write_case()
    (case_dir / "images" / "cxr.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load_document(case)
    reports = [r for r in caught.value.reports if r.field == "figures[cxr].file"]
    assert len(reports) == 1, caught.value.reports
    report = reports[0]
    line = _line_of(case, "file: images/cxr.png")
    assert report.line == line
    assert "cxr.png" in report.message and "not a PNG, JPEG or TIFF" in report.message
    assert str(report).endswith(f"case.yaml:{line}: figures[cxr].file: {report.message}")


def test_every_bad_image_is_reported_at_once(write_case, case_dir: Path) -> None:
    case = write_case()
    (case_dir / "images" / "cxr.png").write_text("not an image", encoding="utf-8")
    data = _noisy((200, 200)).tobytes()
    Image.frombytes("RGB", (200, 200), data).save(case_dir / "images" / "cta.png")
    whole = (case_dir / "images" / "cta.png").read_bytes()
    (case_dir / "images" / "cta.png").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CaseError) as caught:
        load_document(case)
    by_field = {r.field: r for r in caught.value.reports}
    assert {"figures[cxr].file", "figures[cta].file"} <= set(by_field)
    assert by_field["figures[cta].file"].line == _line_of(case, "file: images/cta.png")
    message = by_field["figures[cta].file"].message.lower()
    assert "truncated" in message or "damaged" in message


def test_bomb_error_through_loader_names_figure(write_case, case_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    case = write_case()
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(CaseError) as caught:
        load_document(case)
    fields = {r.field for r in caught.value.reports}
    assert {"figures[cxr].file", "figures[cta].file"} <= fields
