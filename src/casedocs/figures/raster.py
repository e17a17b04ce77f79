"""Decoding PNG, JPEG and TIFF with Pillow, from an explicit format list.

Images come back as "L" or "RGB" (8-bit) or "F" (wider than 8 bits, windowed later), with EXIF
orientation applied; nothing but pixels survives, since the pipeline rebuilds every image.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from casedocs.figures.errors import ImageProblem

ACCEPTED_FORMATS = ("PNG", "JPEG", "TIFF")


def decode_raster(path: Path) -> Image.Image:
    """Pixels of a PNG, JPEG or TIFF file, upright, in mode L, RGB or F."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=ACCEPTED_FORMATS) as image:
                image.load()
                return _to_working_mode(ImageOps.exif_transpose(image))
        except UnidentifiedImageError:
            raise ImageProblem("not a PNG, JPEG, TIFF or DICOM image") from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageProblem(
                f"the image claims more than {Image.MAX_IMAGE_PIXELS:,} pixels "
                "(a decompression bomb, or far larger than any figure needs)"
            ) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageProblem(f"the image is truncated or damaged ({error})") from None


def _to_working_mode(image: Image.Image) -> Image.Image:
    """Gray stays gray, colour becomes RGB, transparency lies on white paper, deep images
    become floating point so that no bit is lost before windowing."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return image.convert("F")
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("LA", "RGBA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if image.mode == "RGB" and _is_gray(image):
        return image.convert("L")
    return image.copy()


def _is_gray(image: Image.Image) -> bool:
    red, green, blue = image.split()
    return (
        ImageChops.difference(red, green).getbbox() is None
        and ImageChops.difference(green, blue).getbbox() is None
    )
