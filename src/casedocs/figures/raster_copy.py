"""PNG and JPEG files written anew from what a decoder needs, never copied and pruned.

A JPEG keeps its frame, tables, restart interval and entropy-coded scans (no re-encoding: the
pixels are the author's); a PNG its critical chunks and the few that change how pixels look.
Every other segment or chunk, known or not, wherever it sits in the file, and every byte after
the end marker, is left behind. The two display facts that live in metadata are written fresh:
an EXIF orientation (a new EXIF block holding that one tag) and a JPEG's Adobe colour transform
(a new APP14 holding that one byte). Any other image is decoded and written as a new PNG.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from casedocs.figures.errors import ImageProblem

JPEG_SOI, JPEG_EOI = b"\xff\xd8", b"\xff\xd9"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Frames (SOF0-3, 5-7, 9-11, 13-15; JPEG-LS SOF55), Huffman and arithmetic tables, quantization
# tables, restart interval, number of lines, JPEG-LS parameters and the scans themselves.
JPEG_DECODER_MARKERS = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0),
     0xC4, 0xCC, 0xDB, 0xDD, 0xDC, 0xDA, 0xF7, 0xF8}
)
JPEG_STANDALONE = frozenset({*range(0xD0, 0xD8), 0x01})  # restart markers, TEM: no length
SOS, APP14 = 0xDA, 0xEE
PNG_KEPT = (b"IHDR", b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"IDAT", b"IEND")
ICC_NAME = b"ICC profile"  # a profile's name is free text; the profile itself is the colours
ORIENTATION = 0x0112
DECODED_FORMATS = ("TIFF", "GIF", "WEBP", "BMP")  # read, then written as a new PNG (or TIFF)
PNG_MODES = ("1", "L", "RGB", "RGBA", "LA", "I;16")


@dataclass(frozen=True)
class CleanCopy:
    data: bytes
    suffix: str  # what the copy is: ".dcm", ".jpg", ".png", ".tif"
    note: str | None = None  # a change of form the author should know of


def jpeg_copy(data: bytes) -> CleanCopy:
    frame = jpeg_copy_frame(data)
    copy = frame[:2] + _fresh_orientation_app1(data) + frame[2:]
    return _verified(data, CleanCopy(copy, ".jpg"))


def jpeg_copy_frame(data: bytes) -> bytes:
    """A JPEG stream (a file, or a DICOM frame) holding only what a decoder needs: lossless
    and JPEG-LS streams too, which Pillow cannot decode to check."""
    segments, transform = _jpeg_decoder_segments(data)
    return JPEG_SOI + _fresh_adobe_app14(transform) + b"".join(segments) + JPEG_EOI


def png_copy(data: bytes) -> CleanCopy:
    chunks = [PNG_SIGNATURE]
    orientation = _orientation_exif(data).removeprefix(b"Exif\x00\x00")
    for kind, body in _png_chunks(data):
        if kind == b"IDAT" and orientation:
            chunks.append(_png_chunk(b"eXIf", orientation))  # before the image data
            orientation = b""
        if kind == b"iCCP":
            chunks.append(_png_chunk(kind, ICC_NAME + body[body.find(b"\x00"):]))
        elif kind in PNG_KEPT:
            chunks.append(_png_chunk(kind, body))
    return _verified(data, CleanCopy(b"".join(chunks), ".png"))


def decoded_copy(data: bytes) -> CleanCopy:
    """Any other image Pillow reads (TIFF, GIF, WebP, BMP): its first frame, upright, as a
    new PNG (a TIFF for floating-point or 32-bit pixels, which PNG cannot hold)."""
    image = _open(data, DECODED_FORMATS)
    frames = getattr(image, "n_frames", 1)
    note = f"{image.format} written anew from its pixels"
    return _from_pixels(image, note + (f" (the first of {frames} frames)" if frames > 1 else ""))


# -- JPEG ----------------------------------------------------------------------------------------


def _jpeg_decoder_segments(data: bytes) -> tuple[list[bytes], int | None]:
    """The segments a decoder needs, with each scan's entropy-coded data, up to EOI; and the
    colour transform an Adobe segment declares, if one does."""
    if not data.startswith(JPEG_SOI):
        raise ImageProblem("not a JPEG file")
    kept, position, transform = [], 2, None
    while True:
        position = _next_marker(data, position)
        marker = data[position + 1]
        position += 2
        if marker == JPEG_EOI[1]:
            return kept, transform
        if marker in JPEG_STANDALONE:
            continue
        if position + 2 > len(data):
            raise ImageProblem("a damaged JPEG: it ends inside a segment")
        length = int.from_bytes(data[position:position + 2], "big")
        end = position + length
        if length < 2 or end > len(data):
            raise ImageProblem("a damaged JPEG: a segment runs past the end of the file")
        if marker in JPEG_DECODER_MARKERS:
            kept.append(bytes((0xFF, marker)) + data[position:end])
        elif marker == APP14 and data[position + 2:position + 7] == b"Adobe" and length >= 14:
            transform = data[position + 13]
        position = end
        if marker == SOS:
            scan_end = _scan_end(data, position)
            kept.append(data[position:scan_end])
            position = scan_end


def _next_marker(data: bytes, position: int) -> int:
    """Where the marker at `position` starts, past fill bytes (0xFF repeated)."""
    if position >= len(data) or data[position] != 0xFF:
        raise ImageProblem("a damaged JPEG: no end-of-image marker where one should be")
    while position + 1 < len(data) and data[position + 1] == 0xFF:
        position += 1
    if position + 1 >= len(data):
        raise ImageProblem("a damaged JPEG: it ends before its end-of-image marker")
    return position


def _scan_end(data: bytes, position: int) -> int:
    """The end of entropy-coded data: the first 0xFF that begins a marker. Within a scan 0xFF
    is followed by 0x00 (stuffing), by a byte below 0x80 (JPEG-LS bit stuffing), by a restart
    marker, or by more 0xFF (fill before a marker)."""
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            raise ImageProblem("a damaged JPEG: a scan runs to the end of the file")
        following = data[found + 1]
        if following < 0x80 or 0xD0 <= following <= 0xD7:
            position = found + 2
            continue
        if following == 0xFF:
            position = found + 1
            continue
        return found


def _fresh_adobe_app14(transform: int | None) -> bytes:
    """A new Adobe segment holding only the colour transform the source declared: without
    it an RGB or CMYK JPEG decodes in the wrong colours."""
    if transform is None:
        return b""
    payload = b"Adobe\x00\x64\x00\x00\x00\x00" + bytes([transform])
    return b"\xff\xee" + (len(payload) + 2).to_bytes(2, "big") + payload


def _fresh_orientation_app1(data: bytes) -> bytes:
    exif = _orientation_exif(data)
    if not exif:
        return b""
    return b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif


# -- PNG -----------------------------------------------------------------------------------------


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise ImageProblem("not a PNG file")
    chunks, position = [], len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if len(body) != length:
            break
        chunks.append((kind, body))
        position += 12 + length
        if kind == b"IEND":
            return chunks
    raise ImageProblem("a damaged PNG: it ends before its IEND chunk")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


# -- both ----------------------------------------------------------------------------------------


def _orientation_exif(data: bytes) -> bytes:
    """A new EXIF block holding only the source's orientation, when it turns the image."""
    image = _open(data, ("JPEG", "PNG"))
    orientation = image.getexif().get(ORIENTATION)
    if orientation not in range(2, 9):
        return b""
    fresh = Image.Exif()
    fresh[ORIENTATION] = orientation
    return fresh.tobytes()


def _verified(source: bytes, copy: CleanCopy) -> CleanCopy:
    """The copy decodes to the very pixels of the source; else it is written from them."""
    original, written = _open(source, ("JPEG", "PNG")), _open(copy.data, ("JPEG", "PNG"))
    if (original.mode, original.size, original.tobytes()) == (
        written.mode, written.size, written.tobytes()
    ):
        return copy
    return _from_pixels(original, "written anew from its pixels")


def _from_pixels(image: Image.Image, note: str) -> CleanCopy:
    image = _writable(ImageOps.exif_transpose(image))
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    suffix = ".png" if fresh.mode in PNG_MODES else ".tif"
    buffer = io.BytesIO()
    fresh.save(buffer, "PNG" if suffix == ".png" else "TIFF")
    return CleanCopy(buffer.getvalue(), suffix, note)


def _open(data: bytes, formats: tuple[str, ...]) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=formats)
            image.load()
        except UnidentifiedImageError:
            raise ImageProblem("not an image casedocs reads (PNG, JPEG, TIFF, GIF, WebP, BMP "
                               "or DICOM)") from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageProblem(f"the image claims more than {Image.MAX_IMAGE_PIXELS:,} pixels")\
                from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ImageProblem(f"the image is truncated or damaged ({error})") from None
    return image


def _writable(image: Image.Image) -> Image.Image:
    """A mode PNG (or, for deep pixels, TIFF) holds without a palette or side data."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if image.mode == "I" and _fits_16_bits(image):
        return image.convert("I;16")
    if image.mode in (*PNG_MODES, "I", "F"):
        return image
    return image.convert("RGB")  # CMYK, YCbCr, LAB, ...


def _fits_16_bits(image: Image.Image) -> bool:
    low, high = image.getextrema()
    return low >= 0 and high <= 0xFFFF
