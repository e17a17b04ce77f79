"""JPEG, PNG and every other image written anew (figures/raster_copy.py): a canary planted in
every metadata carrier of every accepted format, wherever real exports put it, and none in the
copy; the pixels as they were, the orientation and colour transform kept."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms, PngImagePlugin, TiffImagePlugin

from casedocs.figures.errors import ImageProblem
from casedocs.figures.raster_copy import decoded_copy, jpeg_copy, png_copy

CANARY = b"CANARY7Q"


def photo(mode: str = "RGB", size: tuple[int, int] = (48, 32)) -> Image.Image:
    rng = np.random.default_rng(7)
    channels = {"L": 1, "RGB": 3}[mode]
    pixels = (rng.random((size[1], size[0], channels)) * 255).astype("uint8")
    return Image.fromarray(pixels.squeeze(), mode)


def segment(marker: int, body: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(body) + 2).to_bytes(2, "big") + body


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def canary_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = CANARY.decode()  # ImageDescription
    exif[0x013B] = CANARY.decode()  # Artist
    if orientation:
        exif[0x0112] = orientation
    return exif


def planted_jpeg(**options: object) -> bytes:
    """A JPEG with a canary in EXIF, XMP, ICC, IPTC, JFIF, Adobe and comment segments, a
    segment after the first scan and bytes after the end."""
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG", exif=canary_exif(), comment=CANARY, **options)
    data = buffer.getvalue()
    extra = (segment(0xE0, b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00" + CANARY)
             + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + CANARY)
             + segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + CANARY)
             + segment(0xED, b"Photoshop 3.0\x00" + CANARY)
             + segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + CANARY)
             + segment(0xEF, CANARY))
    scan = data.rindex(b"\xff\xda")  # the last scan: a progressive file has several
    return (data[:2] + extra + data[2:scan] + segment(0xFE, CANARY) + segment(0xE5, CANARY)
            + data[scan:-2] + b"\xff\xd9" + CANARY * 4)


@pytest.mark.parametrize("options", [{}, {"progressive": True}, {"subsampling": 0},
                                     {"restart_marker_blocks": 1}])
def test_no_jpeg_carrier_reaches_the_copy_and_the_pixels_stay(options: dict) -> None:
    source = planted_jpeg(**options)
    copy = jpeg_copy(source)
    assert CANARY not in copy.data
    assert (copy.suffix, copy.note) == (".jpg", None)  # the same coded pixels, not re-encoded
    with Image.open(io.BytesIO(source)) as original, Image.open(io.BytesIO(copy.data)) as new:
        assert new.tobytes() == original.tobytes()


def test_a_jpeg_keeps_its_orientation_as_a_new_exif_of_that_tag_alone() -> None:
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG", exif=canary_exif(orientation=6))
    copy = jpeg_copy(buffer.getvalue())
    assert CANARY not in copy.data
    with Image.open(io.BytesIO(copy.data)) as new:
        assert dict(new.getexif()) == {0x0112: 6}


def test_cmyk_and_rgb_jpegs_keep_their_colours() -> None:
    for image in (photo().convert("CMYK"), photo()):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=95)
        copy = jpeg_copy(buffer.getvalue())
        with Image.open(io.BytesIO(copy.data)) as new:
            assert new.mode == image.mode
            assert new.tobytes() == Image.open(buffer).tobytes()


def test_a_damaged_jpeg_is_refused_in_our_words() -> None:
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG")
    with pytest.raises(ImageProblem, match="damaged JPEG"):
        jpeg_copy(buffer.getvalue()[:300])


def planted_png() -> bytes:
    """A PNG with canaries in text, compressed and international text, EXIF, a time, a
    suggested palette, a private chunk, the ICC profile's name, and after IEND."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", CANARY.decode())
    info.add_text("Comment", CANARY.decode(), zip=True)
    info.add_itxt("Description", CANARY.decode(), lang="en", tkey=CANARY.decode())
    buffer = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo().save(buffer, "PNG", pnginfo=info, icc_profile=profile, exif=canary_exif())
    data = buffer.getvalue()
    start = data.index(b"iCCP") - 4
    length = struct.unpack(">I", data[start:start + 4])[0]
    body = data[start + 8:start + 8 + length]
    renamed = chunk(b"iCCP", CANARY + body[body.index(b"\x00"):])
    data = data[:start] + renamed + data[start + 12 + length:]
    end = data.index(b"IEND") - 4
    return (data[:end] + chunk(b"prVt", CANARY) + chunk(b"sPLT", CANARY + b"\x00\x08\x00")
            + chunk(b"tIME", b"\x07\xea\x01\x01\x00\x00\x00") + data[end:] + CANARY)


def test_no_png_carrier_reaches_the_copy_and_the_pixels_and_profile_stay() -> None:
    source = planted_png()
    copy = png_copy(source)
    assert CANARY not in copy.data
    with Image.open(io.BytesIO(source)) as original, Image.open(io.BytesIO(copy.data)) as new:
        assert new.tobytes() == original.tobytes()
        assert new.info["icc_profile"] == original.info["icc_profile"]
        assert not {"Author", "Comment", "Description", "exif"} & set(new.info)


def test_a_16_bit_png_keeps_its_depth() -> None:
    deep = Image.fromarray((np.arange(64 * 64).reshape(64, 64) * 13 % 4096).astype("uint16"))
    buffer = io.BytesIO()
    deep.save(buffer, "PNG")
    copy = png_copy(buffer.getvalue())
    with Image.open(io.BytesIO(copy.data)) as new:
        assert new.mode == deep.mode and new.tobytes() == deep.tobytes()


def planted_other(image_format: str) -> bytes:
    buffer = io.BytesIO()
    image = photo()
    if image_format == "TIFF":
        tags = TiffImagePlugin.ImageFileDirectory_v2()
        tags[270] = CANARY.decode()  # ImageDescription
        tags[315] = CANARY.decode()  # Artist
        tags[700] = CANARY  # XMP
        tags[33723] = CANARY  # IPTC
        tags[34377] = CANARY  # Photoshop
        image.save(buffer, "TIFF", tiffinfo=tags)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", exif=canary_exif().tobytes(), xmp=CANARY, lossless=True)
    elif image_format == "GIF":
        image.convert("P").save(buffer, "GIF", comment=CANARY)
    else:
        image.save(buffer, image_format)
    return buffer.getvalue() + CANARY * 2


@pytest.mark.parametrize("image_format", ["TIFF", "WEBP", "GIF", "BMP"])
def test_other_formats_are_decoded_and_written_as_a_new_png(image_format: str) -> None:
    source = planted_other(image_format)
    assert CANARY in source
    copy = decoded_copy(source)
    assert CANARY not in copy.data
    assert copy.suffix == ".png" and image_format in copy.note
    with Image.open(io.BytesIO(source)) as original, Image.open(io.BytesIO(copy.data)) as new:
        assert new.convert("RGB").tobytes() == original.convert("RGB").tobytes()


def test_a_floating_point_tiff_is_written_as_a_new_tiff_without_tags() -> None:
    buffer = io.BytesIO()
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[270] = CANARY.decode()
    Image.fromarray(np.linspace(-1000, 3000, 400, dtype="float32").reshape(20, 20)).save(
        buffer, "TIFF", tiffinfo=tags)
    copy = decoded_copy(buffer.getvalue())
    assert CANARY not in copy.data and copy.suffix == ".tif"
    with Image.open(io.BytesIO(copy.data)) as new:
        assert new.mode == "F"


def test_an_animated_gif_gives_its_first_frame_and_says_so() -> None:
    buffer = io.BytesIO()
    frames = [photo().convert("P"), photo("L").convert("P")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    copy = decoded_copy(buffer.getvalue())
    assert "first of 2 frames" in copy.note


def test_what_is_no_image_is_refused_in_our_words() -> None:
    with pytest.raises(ImageProblem, match="not an image casedocs reads"):
        decoded_copy(b"%PDF-1.7 not an image")
