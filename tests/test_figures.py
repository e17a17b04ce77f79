"""Image preparation: only pixels reach an output, sized for their placement, through a cache.

Spec (issue 2, "Loading and validation"): PNG, JPEG and TIFF, opened with an explicit format
list; each decoded and re-encoded from its pixels so no metadata (EXIF, XMP, comments, PNG text)
reaches any output; EXIF orientation applied; a file that is not an image, is truncated, or claims
more pixels than Pillow's bomb limit is a clear error naming the figure.

Spec (issue 3): crop and redaction (fractions of the source, before the crop) apply to every
view; every image is resampled to what its placement needs (at most 300 dpi printed, at most
1.5x a 1920 x 1080 display's pixels on a slide), never enlarged, with a warning past 2x;
grayscale stays grayscale, JPEG for photographic content and PNG for few-colour images, 16-bit
images rescaled not clipped; prepared images cached under OUT/.cache so that a rebuild with
nothing changed decodes nothing and gives the same bytes.
"""

from __future__ import annotations

import array
import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, PngImagePlugin
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pydicom.data import get_testdata_file
from pypdf import PdfReader

from casedocs.cli import main
from casedocs.errors import CaseError, Report
from casedocs.figures import FigureImages, ImageProblem, PreparedImage, SourceImage, pipeline
from casedocs.load import load_document
from casedocs.render.deck.plan import SCREEN_OVERSAMPLE, default_geometry
from casedocs.render.handout.plan import PRINT_DPI, PRINT_OVERSAMPLE
from casedocs.source.model import Figure
from conftest import document_errors, line_of, make_image, within, write_case_file

SCREEN_PIXELS_PER_INCH = default_geometry().screen_pixels_per_inch

SECRETS = (b"SecretCamMaker", b"SecretModel42", b"PATIENT^NAME", b"GPSSECRETPLACE",
           b"SECRETCOMMENT", b"XMPSECRET")
ORIGIN = Report("case.yaml", 14, "figures[x]", "")
CXR_CREDIT = "    credit: Courtesy of the teaching file.\n"  # the last line of the cxr figure


def _figure(path: Path, **fields: object) -> Figure:
    data = {"id": "x", "file": path.name, "caption": "A figure.", **fields}
    return Figure.model_validate(data, context={"base_dir": path.parent})


def _source(path: Path, images: FigureImages | None = None, **fields: object) -> SourceImage:
    return (images or FigureImages()).inspect(_figure(path, **fields), ORIGIN)


def _prepare(path: Path, **fields: object) -> PreparedImage:
    """The whole image at its own size: no resampling, so no enlargement warning."""
    images = FigureImages()
    source = images.inspect(_figure(path, **fields), ORIGIN)
    return images.prepare(source, source.width, source.height, 1.0, "handout")


def _open(prepared: PreparedImage) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    assert image.format == prepared.format
    assert image.size == (prepared.width, prepared.height)
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
    """Random pixels: photographic as far as the encoder can tell, and compresses badly."""
    bands = len(mode)
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * bands))


def _diagram(size: tuple[int, int]) -> Image.Image:
    """Line art in a few flat colours."""
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] // 2, size[1] // 2), outline=(0, 0, 0), width=3)
    draw.line((0, size[1] - 20, size[0], 20), fill=(200, 0, 0), width=4)
    draw.ellipse((size[0] // 2, size[1] // 2, size[0] - 10, size[1] - 10), fill=(0, 90, 200))
    return image


# -- metadata never survives ------------------------------------------------------------------


def test_jpeg_exif_comment_and_xmp_are_stripped(tmp_path: Path) -> None:
    prepared = _prepare(_jpeg_with_metadata(tmp_path / "photo.jpg"))
    for secret in SECRETS:
        assert secret not in prepared.data
    assert b"Exif" not in prepared.data
    image = _open(prepared)
    assert dict(image.getexif()) == {}
    assert "comment" not in image.info and "xmp" not in image.info and "exif" not in image.info


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = _jpeg_with_metadata(tmp_path / "photo.jpg")
    source = _source(path)
    assert (source.width, source.height) == (200, 300)  # the size as displayed
    prepared = _prepare(path)
    assert (prepared.width, prepared.height) == (200, 300)
    image = _open(prepared).convert("RGB")
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
    prepared = _prepare(tmp_path / "text.png")
    assert b"PNGSECRET" not in prepared.data
    for chunk in (b"tEXt", b"zTXt", b"iTXt"):
        assert chunk not in prepared.data
    assert getattr(_open(prepared), "text", {}) == {}


def test_tiff_is_accepted_and_its_tags_are_stripped(tmp_path: Path) -> None:
    source = Image.new("RGB", (80, 60), (200, 30, 30))
    source.save(tmp_path / "scan.tif", tiffinfo={270: "TIFFSECRETDESCRIPTION",
                                                 305: "TIFFSECRETSOFTWARE"})
    prepared = _prepare(tmp_path / "scan.tif")
    assert prepared.format in ("PNG", "JPEG")
    assert (prepared.width, prepared.height) == (80, 60)
    assert b"TIFFSECRET" not in prepared.data
    image = _open(prepared)
    assert image.mode == "RGB"
    assert image.getpixel((40, 30)) == (200, 30, 30)


def test_prepared_name_comes_from_content_not_source_name(tmp_path: Path) -> None:
    source = Image.new("L", (50, 40), 90)
    source.save(tmp_path / "smith-john-mrn-123456.png")
    source.save(tmp_path / "other.png")
    first = _prepare(tmp_path / "smith-john-mrn-123456.png")
    second = _prepare(tmp_path / "other.png")
    assert "smith" not in first.name and "123456" not in first.name
    assert first.name.endswith(".png") and first.format == "PNG"
    assert first.name == second.name and first.data == second.data  # deterministic


# -- pixel modes -------------------------------------------------------------------------------


def test_16_bit_grayscale_is_rescaled_not_clipped(tmp_path: Path) -> None:
    values = array.array("H", [(x * 4000) // 255 for x in range(256)] * 32)
    source = Image.frombytes("I;16", (256, 32), values.tobytes())
    assert source.getextrema() == (0, 4000)
    source.save(tmp_path / "ct.png")
    prepared = _prepare(tmp_path / "ct.png")
    image = _open(prepared)
    assert image.mode == "L"
    low, high = image.getextrema()
    assert high >= 250 and low <= 5
    # Rescaled, not clipped: the ramp stays a ramp (clipping would saturate from x = 17 on).
    row = [image.getpixel((x, 0)) for x in range(0, 256, 32)]
    assert row == sorted(row) and len(set(row)) == len(row)
    assert 100 <= image.getpixel((128, 0)) <= 160


def test_16_bit_flat_bands_keep_their_order(tmp_path: Path) -> None:
    """Four flat bands of 16-bit values, all above 255: clipping would make them one white."""
    values = array.array("H", ([1000] * 40 + [2000] * 40 + [3000] * 40 + [4000] * 40) * 20)
    Image.frombytes("I;16", (160, 20), values.tobytes()).save(tmp_path / "bands.png")
    image = _open(_prepare(tmp_path / "bands.png"))
    assert [image.getpixel((x, 10)) for x in (20, 60, 100, 140)] == [0, 85, 170, 255]


def test_rgb_gray_image_becomes_l(tmp_path: Path) -> None:
    source = Image.new("RGB", (60, 60), (40, 40, 40))
    ImageDraw.Draw(source).ellipse((10, 10, 50, 50), fill=(200, 200, 200))
    source.save(tmp_path / "gray.png")
    image = _open(_prepare(tmp_path / "gray.png"))
    assert image.mode == "L"
    assert image.getpixel((30, 30)) == 200


def test_colour_image_stays_rgb(tmp_path: Path) -> None:
    source = Image.new("RGB", (60, 60), (200, 30, 30))
    source.save(tmp_path / "colour.png")
    image = _open(_prepare(tmp_path / "colour.png"))
    assert image.mode == "RGB"
    assert image.getpixel((5, 5)) == (200, 30, 30)


def test_rgba_is_composited_on_white(tmp_path: Path) -> None:
    source = Image.new("RGBA", (60, 60), (0, 0, 0, 0))  # transparent black
    ImageDraw.Draw(source).rectangle((20, 20, 40, 40), fill=(220, 20, 20, 255))
    source.save(tmp_path / "overlay.png")
    image = _open(_prepare(tmp_path / "overlay.png"))
    assert image.mode in ("RGB", "L")
    assert "A" not in image.mode and "transparency" not in image.info
    rgb = image.convert("RGB")
    assert rgb.getpixel((2, 2)) == (255, 255, 255)  # transparency lies on white paper
    assert rgb.getpixel((30, 30)) == (220, 20, 20)


def test_cmyk_becomes_rgb(tmp_path: Path) -> None:
    source = Image.new("CMYK", (60, 60), (0, 200, 200, 0))  # a red in CMYK
    source.save(tmp_path / "print.jpg", "JPEG")
    image = _open(_prepare(tmp_path / "print.jpg"))
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((30, 30))
    assert red > green + 80 and red > blue + 80


# -- bad images --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_truncated_image_is_a_clear_problem(tmp_path: Path, suffix: str) -> None:
    whole = tmp_path / f"whole.{suffix}"
    _noisy((400, 300)).save(whole)
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageProblem) as caught:
        _source(cut)
    message = str(caught.value).lower()
    assert "truncated" in message or "damaged" in message


def test_text_file_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("This is not an image, just some text.\n", encoding="utf-8")
    with pytest.raises(ImageProblem, match="not a PNG, JPEG, TIFF or DICOM"):
        _source(path)


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "PPM"])
def test_other_formats_are_refused(tmp_path: Path, image_format: str) -> None:
    path = tmp_path / "figure.png"  # a misleading suffix must not matter
    Image.new("RGB", (40, 30), (0, 128, 0)).save(path, image_format)
    with pytest.raises(ImageProblem, match="not a PNG, JPEG, TIFF or DICOM"):
        _source(path)


@pytest.mark.parametrize("size", [(300, 400), (40, 40)], ids=["over-twice-limit", "over-limit"])
def test_decompression_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       size: tuple[int, int]) -> None:
    path = tmp_path / "bomb.png"
    Image.new("L", size, 0).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageProblem) as caught:
        _source(path)
    assert "pixels" in str(caught.value)


def test_frame_on_a_plain_image_is_a_problem(tmp_path: Path) -> None:
    make_image(tmp_path / "plain.png", (60, 60))
    with pytest.raises(ImageProblem, match="multi-frame DICOM"):
        _source(tmp_path / "plain.png", frame=2)


# -- errors through the loader name the figure and its line -----------------------------------


def test_bad_image_error_names_figure_field_and_line(write_case, case_dir: Path) -> None:
    case = write_case()
    (case_dir / "images" / "cxr.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load_document(case)
    reports = [r for r in caught.value.reports if r.field == "figures[cxr].file"]
    assert len(reports) == 1, caught.value.reports
    report = reports[0]
    line = line_of(case, "file: images/cxr.png")
    assert report.line == line
    assert "cxr.png" in report.message and "not a PNG, JPEG, TIFF or DICOM" in report.message
    assert str(report).endswith(f"case.yaml:{line}: figures[cxr].file: {report.message}")


def test_every_bad_image_is_reported_at_once(write_case, case_dir: Path) -> None:
    case = write_case()
    (case_dir / "images" / "cxr.png").write_text("not an image", encoding="utf-8")
    _noisy((200, 200)).save(case_dir / "images" / "cta.png")
    whole = (case_dir / "images" / "cta.png").read_bytes()
    (case_dir / "images" / "cta.png").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CaseError) as caught:
        load_document(case)
    by_field = {r.field: r for r in caught.value.reports}
    assert {"figures[cxr].file", "figures[cta].file"} <= set(by_field)
    assert by_field["figures[cta].file"].line == line_of(case, "file: images/cta.png")
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


# -- images too thin to lay out (issue 17) -----------------------------------------------------


def _thin_figure_problem(write_case, case_dir: Path, size: tuple[int, int],  # noqa: ANN001
                         crop: str = "") -> tuple[Path, Report]:
    Image.new("L", size, 128).save(case_dir / "images" / "thin.png")
    replace = [("file: images/cta.png", "file: images/thin.png")]
    if crop:
        replace.append(("    alt: Axial CT angiogram.\n",
                        f"    alt: Axial CT angiogram.\n    crop: {crop}\n"))
    case = write_case(replace=tuple(replace))
    (report,) = document_errors(case)
    assert (report.field, report.line) == ("figures[cta].file", line_of(case, "images/thin.png"))
    return case, report


@pytest.mark.parametrize("size", [(2, 20000), (20000, 2)])
def test_an_image_thousands_of_times_longer_than_wide_is_refused_at_its_line(
        write_case, case_dir: Path, size: tuple[int, int]) -> None:
    """It used to end in a traceback from the deck: a label sized to its shorter side came out
    under the 1 pt a slide's text may be."""
    _, report = _thin_figure_problem(write_case, case_dir, size)
    assert report.message == (
        f"thin.png: {size[0]} x {size[1]} pixels is too thin to lay out (1:10000; a figure may "
        "be at most 1:20, a long-leg radiograph is about 1:4)")


def test_a_crop_that_leaves_a_sliver_is_refused_and_said_to_be_the_crop(
        write_case, case_dir: Path) -> None:
    _, report = _thin_figure_problem(write_case, case_dir, (400, 400), "[0, 0, 0.01, 1]")
    assert report.message.startswith("thin.png: 4 x 400 pixels after crop: is too thin")


@pytest.mark.parametrize("size", [(256, 1024), (20, 400), (400, 20), (1400, 5100)])
def test_long_images_up_to_one_to_twenty_build_with_marks(tmp_path: Path,
                                                          size: tuple[int, int]) -> None:
    """A strip, the limit itself, and a long-leg radiograph, with a label on them."""
    case = write_case_file(tmp_path, replace=(
        ("file: images/cta.png", "file: images/long.png"),
        ("    alt: Axial CT angiogram.\n", "    alt: Axial CT angiogram.\n    annotations:\n"
         "      - label: A\n        at: [0.5, 0.5]\n"),
    ))
    Image.new("L", size, 128).save(tmp_path / "images" / "long.png")
    assert main(["build", str(case), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0


def test_a_figure_file_swapped_for_a_fifo_after_validation_is_refused_not_waited_on(
        tmp_path: Path) -> None:
    make_image(tmp_path / "x.png", (100, 100))
    figure = _figure(tmp_path / "x.png")
    (tmp_path / "x.png").unlink()
    os.mkfifo(tmp_path / "x.png")
    with within(10), pytest.raises(ImageProblem, match=r"^not a regular file \(a FIFO\)$"):
        FigureImages().inspect(figure, ORIGIN)


# -- crop and redaction ------------------------------------------------------------------------


def test_crop_sets_the_size(tmp_path: Path) -> None:
    make_image(tmp_path / "wide.png", (400, 300))
    source = _source(tmp_path / "wide.png", crop=[0.25, 0, 0.75, 1])
    assert (source.width, source.height) == (200, 300)
    assert source.aspect == pytest.approx(200 / 300)
    prepared = _prepare(tmp_path / "wide.png", crop=[0.25, 0, 0.75, 1])
    assert (prepared.width, prepared.height) == (200, 300)


def test_crop_keeps_the_region_it_names(tmp_path: Path) -> None:
    image = Image.new("L", (400, 300), 50)
    ImageDraw.Draw(image).rectangle((300, 150, 399, 299), fill=220)  # bottom-right quarter
    image.save(tmp_path / "quarters.png")
    cropped = _open(_prepare(tmp_path / "quarters.png", crop=[0.75, 0.5, 1, 1]))
    assert cropped.size == (100, 150)
    assert cropped.getextrema() == (220, 220)


def test_redaction_uses_source_fractions_before_the_crop(tmp_path: Path) -> None:
    Image.new("L", (400, 300), 200).save(tmp_path / "plain.png")
    # Source x 0.3..0.5 of 400 px is 120..200; cropped at 100..300 that is 20..100 of 200.
    prepared = _prepare(tmp_path / "plain.png", crop=[0.25, 0, 0.75, 1],
                        redact=[[0.3, 0.0, 0.5, 0.2], [0.9, 0.5, 1.0, 0.6]])
    image = _open(prepared)
    assert image.size == (200, 300)
    assert image.getpixel((20, 0)) == 0 and image.getpixel((99, 59)) == 0
    assert image.getpixel((19, 30)) == 200 and image.getpixel((100, 30)) == 200
    assert image.getpixel((50, 60)) == 200
    # The second box lies outside the crop: nothing of it shows.
    assert image.histogram()[0] == 80 * 60  # black pixels


def _pptx_pictures(shapes) -> list:  # noqa: ANN001
    found = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found += _pptx_pictures(shape.shapes)
        elif shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            found.append(shape)
    return found


def _deck_images(deck: Path) -> list[Image.Image]:
    images = []
    for slide in Presentation(str(deck)).slides:
        for picture in _pptx_pictures(slide.shapes):
            images.append(Image.open(io.BytesIO(picture.image.blob)))
    return images


def _pdf_images(pdf: Path) -> list[Image.Image]:
    return [image.image for page in PdfReader(pdf).pages for image in page.images]


def test_redaction_is_in_every_view(tmp_path: Path) -> None:
    """Unknown slide, answer slide and handout all show the redacted pixels, in place."""
    case = write_case_file(tmp_path, (
        (CXR_CREDIT, CXR_CREDIT + "    crop: [0.25, 0, 0.75, 1]\n"
                                  "    redact: [[0.3, 0.0, 0.5, 0.2]]\n"
                                  "    annotations:\n      - arrow: [0.5, 0.5]\n"),
    ))
    Image.new("L", (400, 300), 200).save(tmp_path / "images" / "cxr.png")
    assert main(["build", str(case), "--out", str(tmp_path / "out")]) == 0
    deck = [image for image in _deck_images(tmp_path / "out" / "slides" / "case-17.pptx")
            if image.width < image.height]  # the cropped cxr is portrait, the cta square
    pdf = [image for image in _pdf_images(tmp_path / "out" / "handouts" / "case-17.pdf")
           if image.width < image.height]
    assert len(deck) == 2 and len(pdf) == 1
    for image in deck + pdf:
        gray = image.convert("L")
        assert gray.width / gray.height == pytest.approx(200 / 300, rel=0.02)

        def at(x: float, y: float, gray: Image.Image = gray) -> int:
            return gray.getpixel((int(x * gray.width), int(y * gray.height)))

        assert at(0.3, 0.1) < 15 and at(0.45, 0.02) < 15  # redacted
        assert at(0.3, 0.4) > 185 and at(0.03, 0.1) > 185 and at(0.7, 0.1) > 185  # not


def test_crop_with_left_after_right_is_an_error_with_its_line(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, ((CXR_CREDIT, CXR_CREDIT + "    crop: [0.6, 0, 0.4, 1]\n"),))
    errors = document_errors(case)
    assert len(errors) == 1, errors
    assert errors[0].field == "figures[cxr].crop"
    assert errors[0].line == line_of(case, "crop: [0.6, 0, 0.4, 1]")
    assert "left < right" in errors[0].message


def test_crop_with_equal_sides_is_an_error(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, ((CXR_CREDIT, CXR_CREDIT + "    crop: [0, 0.5, 1, 0.5]\n"),))
    errors = document_errors(case)
    assert [e.field for e in errors] == ["figures[cxr].crop"]
    assert errors[0].line == line_of(case, "crop: [0, 0.5, 1, 0.5]")


@pytest.mark.parametrize("field,value", [
    ("crop", "[0.1, 0, 1.5, 1]"),
    ("redact", "[[0.1, 0.1, 1.5, 0.2]]"),
    ("crop", "[-0.1, 0, 0.5, 1]"),
])
def test_coordinate_outside_zero_to_one_is_an_error_with_its_line(tmp_path: Path, field: str,
                                                                  value: str) -> None:
    case = write_case_file(tmp_path, ((CXR_CREDIT, CXR_CREDIT + f"    {field}: {value}\n"),))
    errors = document_errors(case)
    assert len(errors) == 1, errors
    assert errors[0].field.startswith(f"figures[cxr].{field}")
    assert errors[0].line == line_of(case, f"{field}: {value}")


def test_unknown_window_name_is_an_error_with_its_line(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, ((CXR_CREDIT, CXR_CREDIT + "    window: lungs\n"),))
    errors = document_errors(case)
    assert len(errors) == 1, errors
    assert errors[0].field == "figures[cxr].window"
    assert errors[0].line == line_of(case, "window: lungs")
    assert "lungs" in errors[0].message and "lung" in errors[0].message


# -- quality and format ------------------------------------------------------------------------


def test_prepare_never_enlarges(tmp_path: Path) -> None:
    _noisy((120, 90), "L").save(tmp_path / "small.png")
    images = FigureImages()
    source = _source(tmp_path / "small.png", images)
    prepared = images.prepare(source, 2000, 1500, 2.0, "handout")
    assert (prepared.width, prepared.height) == (120, 90)


def test_print_image_is_capped_at_300_dpi(tmp_path: Path) -> None:
    """A 3000 x 3000 image printed 2 x 2 inches carries at most 600 x 600 pixels."""
    Image.new("L", (3000, 3000), 120).save(tmp_path / "large.png")
    images = FigureImages()
    source = _source(tmp_path / "large.png", images)
    assert PRINT_DPI * PRINT_OVERSAMPLE == 300
    prepared = images.prepare(source, 2 * PRINT_DPI, 2 * PRINT_DPI, PRINT_OVERSAMPLE, "handout")
    assert (prepared.width, prepared.height) == (600, 600)
    assert _open(prepared).size == (600, 600)
    assert images.warnings == []


def test_screen_image_is_capped_at_1_5_times_the_display(tmp_path: Path) -> None:
    Image.new("L", (3000, 1500), 120).save(tmp_path / "wide.png")
    images = FigureImages()
    source = _source(tmp_path / "wide.png", images)
    box = (4 * SCREEN_PIXELS_PER_INCH, 2 * SCREEN_PIXELS_PER_INCH)  # a 4 x 2 inch placement
    prepared = images.prepare(source, *box, SCREEN_OVERSAMPLE, "deck")
    assert prepared.width == round(box[0] * 1.5) and prepared.height == round(box[1] * 1.5)
    assert prepared.width / prepared.height == pytest.approx(2.0, rel=0.01)


def test_aspect_is_kept_when_the_box_has_another_shape(tmp_path: Path) -> None:
    Image.new("L", (3000, 1500), 120).save(tmp_path / "wide.png")
    images = FigureImages()
    source = _source(tmp_path / "wide.png", images)
    prepared = images.prepare(source, 300, 300, 2.0, "handout")
    assert (prepared.width, prepared.height) == (600, 300)


def test_grayscale_stays_grayscale(tmp_path: Path) -> None:
    _noisy((200, 150), "L").save(tmp_path / "gray.png")
    gray_rgb = _noisy((200, 150), "L").convert("RGB")
    gray_rgb.save(tmp_path / "gray-rgb.png")
    for name in ("gray.png", "gray-rgb.png"):
        prepared = _prepare(tmp_path / name)
        assert prepared.format == "JPEG"
        assert _open(prepared).mode == "L"


def test_photographic_image_becomes_jpeg(tmp_path: Path) -> None:
    _noisy((200, 150)).save(tmp_path / "photo.png")
    prepared = _prepare(tmp_path / "photo.png")
    assert prepared.format == "JPEG" and prepared.name.endswith(".jpg")
    assert prepared.data.startswith(b"\xff\xd8")
    assert _open(prepared).mode == "RGB"


def test_few_colour_diagram_becomes_lossless_png(tmp_path: Path) -> None:
    diagram = _diagram((240, 180))
    diagram.save(tmp_path / "diagram.jpg", "PNG")  # the suffix does not decide
    prepared = _prepare(tmp_path / "diagram.jpg")
    assert prepared.format == "PNG" and prepared.name.endswith(".png")
    assert prepared.data.startswith(b"\x89PNG")
    assert _open(prepared).convert("RGB").tobytes() == diagram.tobytes()


def test_enlargement_beyond_twice_warns_once_per_figure_and_medium(tmp_path: Path) -> None:
    make_image(tmp_path / "small.png", (100, 80))
    images = FigureImages()
    source = _source(tmp_path / "small.png", images)
    images.prepare(source, 150, 120, 2.0, "handout")  # 1.5x: sharp enough
    assert images.warnings == []
    images.prepare(source, 300, 240, 2.0, "handout")  # 3x
    images.prepare(source, 300, 240, 2.0, "handout")
    images.prepare(source, 400, 320, 2.0, "handout")  # 4x, same figure and medium
    assert len(images.warnings) == 1
    images.prepare(source, 300, 240, 1.5, "deck")
    assert len(images.warnings) == 2
    for warning in images.warnings:
        assert warning.warning and warning.field == "figures[x]"
        assert warning.file == "case.yaml" and warning.line == 14
    assert "handout" in images.warnings[0].message and "deck" in images.warnings[1].message


def test_small_image_warns_once_per_medium_in_a_build(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    case = write_case_file(tmp_path)
    make_image(tmp_path / "images" / "cxr.png", (60, 80))
    make_image(tmp_path / "images" / "cta.png", (1600, 1600))  # large enough everywhere
    assert main(["build", str(case), "--out", str(tmp_path / "out")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning:" in line]
    assert all("figures[cxr]" in line for line in warnings), warnings
    line = line_of(case, "- id: cxr")
    assert all(f"case.yaml:{line}:" in warning for warning in warnings), warnings
    assert len([w for w in warnings if "in the handout" in w]) == 1, warnings
    assert len([w for w in warnings if "in the deck" in w]) == 1, warnings


# -- cache -------------------------------------------------------------------------------------


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full decode of a source image, by path, from here on."""
    calls: list[Path] = []
    real = pipeline._display_pixels

    def counting(path: Path, settings: object) -> Image.Image:
        calls.append(path)
        return real(path, settings)

    monkeypatch.setattr(pipeline, "_display_pixels", counting)
    return calls


def _build_all(case: Path, out: Path) -> dict[str, bytes]:
    assert main(["build", str(case), "--out", str(out)]) == 0
    return {kind: (out / folder / f"case-17.{suffix}").read_bytes()
            for kind, folder, suffix in (("pdf", "handouts", "pdf"), ("pptx", "slides", "pptx"))}


def test_warm_rebuild_decodes_nothing_and_gives_the_same_bytes(tmp_path: Path,
                                                                decodes: list[Path]) -> None:
    case = write_case_file(tmp_path / "case")
    _noisy((300, 400), "L").save(tmp_path / "case" / "images" / "cxr.png")
    first = _build_all(case, tmp_path / "out")
    assert sorted(p.name for p in decodes) == ["cta.png", "cxr.png"]  # each decoded once
    decodes.clear()
    warm = _build_all(case, tmp_path / "out")
    assert decodes == []
    assert warm == first
    cold = _build_all(case, tmp_path / "elsewhere" / "other-out")
    assert sorted(p.name for p in decodes) == ["cta.png", "cxr.png"]
    assert cold == first


def test_cache_lives_under_the_output_folder(tmp_path: Path) -> None:
    case = write_case_file(tmp_path / "case")
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    _build_all(case, tmp_path / "out")
    cache = tmp_path / "out" / ".cache"
    assert cache.is_dir() and any(cache.iterdir())
    new = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")} - before
    assert {p.parts[0] for p in new} == {"out"}  # nothing beside the case or elsewhere
    assert {p.parts[1] for p in new if len(p.parts) > 1} == {".cache", "handouts", "slides"}
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporaries left


def test_cache_survives_a_new_process_state(tmp_path: Path, decodes: list[Path]) -> None:
    """A fresh FigureImages on the same cache folder prepares without decoding."""
    Image.new("L", (300, 200), 90).save(tmp_path / "a.png")
    cache = tmp_path / "out" / ".cache"
    first = FigureImages(cache)
    prepared = first.prepare(_source(tmp_path / "a.png", first), 100, 100, 2.0, "handout")
    assert first.decodes == 1 and len(decodes) == 1
    second = FigureImages(cache)
    again = second.prepare(_source(tmp_path / "a.png", second), 100, 100, 2.0, "handout")
    assert second.decodes == 0 and len(decodes) == 1
    assert again == prepared
    # Another placement size is another prepared image: it needs the pixels again.
    second.prepare(_source(tmp_path / "a.png", second), 50, 50, 2.0, "handout")
    assert second.decodes == 1


def test_changed_source_file_is_decoded_again(tmp_path: Path, decodes: list[Path]) -> None:
    case = write_case_file(tmp_path / "case")
    first = _build_all(case, tmp_path / "out")
    decodes.clear()
    Image.new("L", (300, 400), 77).save(tmp_path / "case" / "images" / "cxr.png")
    changed = _build_all(case, tmp_path / "out")
    assert [p.name for p in decodes] == ["cxr.png"]
    assert changed["pdf"] != first["pdf"]


def test_changing_one_window_redoes_only_that_figure(tmp_path: Path,
                                                     decodes: list[Path]) -> None:
    case = write_case_file(tmp_path / "case", (
        ("file: images/cxr.png", "file: images/ct.dcm"),
        ("file: images/cta.png", "file: images/mr.dcm"),
    ))
    images = tmp_path / "case" / "images"
    shutil.copy(get_testdata_file("CT_small.dcm", download=False), images / "ct.dcm")
    shutil.copy(get_testdata_file("MR_small.dcm", download=False), images / "mr.dcm")
    first = _build_all(case, tmp_path / "out")
    assert sorted(p.name for p in decodes) == ["ct.dcm", "mr.dcm"]
    decodes.clear()
    assert _build_all(case, tmp_path / "out") == first
    assert decodes == []
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("file: images/ct.dcm\n", "file: images/ct.dcm\n"
                                 "    window: bone\n"), encoding="utf-8")
    windowed = _build_all(case, tmp_path / "out")
    assert [p.name for p in decodes] == ["ct.dcm"]
    assert windowed["pdf"] != first["pdf"]
    decodes.clear()
    cold = _build_all(case, tmp_path / "cold")
    assert cold == windowed
