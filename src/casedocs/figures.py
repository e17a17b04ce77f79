"""Image preparation: the only module that opens source images.

Every figure is decoded and rebuilt from its pixels into a new image, so no metadata (EXIF, XMP,
ICC comments, PNG text chunks) can reach an output; EXIF orientation is applied first. Renderers
receive `PreparedImage` bytes with stable, content-derived names.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("PNG", "JPEG", "TIFF")
MAX_PREPARED_SIDE = 2400  # 8 in at 300 dpi: the largest a figure prints on Letter or A4
JPEG_QUALITY = 90
PNG_COMPRESSION = 3  # zlib level: level 6 takes three times as long for 10% smaller files


@dataclass(frozen=True)
class PreparedImage:
    """Clean image bytes, ready to embed."""

    data: bytes
    format: str  # "PNG" or "JPEG"
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        """A stable name derived from the content, never from the source file's name."""
        return f"figure-{self.digest[:16]}.{'jpg' if self.format == 'JPEG' else 'png'}"

    @property
    def aspect(self) -> float:
        return self.width / self.height


class ImageProblem(ValueError):
    """A source image that cannot be used; the message is written for the case author."""


def prepare_image(path: Path) -> PreparedImage:
    """Decode `path`, strip everything but pixels, and encode it for embedding."""
    source_format, pixels = _decode(path)
    pixels = _limit_size(_to_output_mode(pixels))
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # drops all metadata
    photographic = source_format == "JPEG"
    return _encode(clean, "JPEG" if photographic else "PNG")


def _decode(path: Path) -> tuple[str, Image.Image]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=ACCEPTED_FORMATS) as image:
                source_format = image.format or ""
                image.load()
                return source_format, ImageOps.exif_transpose(image)
        except UnidentifiedImageError:
            raise ImageProblem("not a PNG, JPEG or TIFF image") from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageProblem(
                f"the image claims more than {Image.MAX_IMAGE_PIXELS:,} pixels "
                "(a decompression bomb, or far larger than any figure needs)"
            ) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageProblem(f"the image is truncated or damaged ({error})") from None


def _to_output_mode(image: Image.Image) -> Image.Image:
    """Gray stays gray ("L"), colour becomes RGB, transparency lies on white paper."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return _rescale_to_8_bit(image)
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("LA", "RGBA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode != "L" and image.mode != "RGB":
        image = image.convert("RGB")
    return image.convert("L") if image.mode == "RGB" and _is_gray(image) else image


def _rescale_to_8_bit(image: Image.Image) -> Image.Image:
    # Converting 16-bit straight to 8-bit clips everything above 255: stretch the used range.
    wide = image.convert("F")
    low, high = wide.getextrema()
    scale = 255.0 / (high - low) if high > low else 0.0
    return wide.point(lambda value: (value - low) * scale).convert("L")


def _is_gray(image: Image.Image) -> bool:
    red, green, blue = image.split()
    return (
        ImageChops.difference(red, green).getbbox() is None
        and ImageChops.difference(green, blue).getbbox() is None
    )


def _limit_size(image: Image.Image) -> Image.Image:
    longest = max(image.size)
    if longest <= MAX_PREPARED_SIDE:
        return image
    scale = MAX_PREPARED_SIDE / longest
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _encode(image: Image.Image, image_format: str) -> PreparedImage:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(buffer, "PNG", compress_level=PNG_COMPRESSION)
    return PreparedImage(buffer.getvalue(), image_format, image.width, image.height)
