"""Text burned into an image's pixels, found with tesseract (through pytesseract).

Ultrasound machines, secondary captures and screen grabs write the patient's name, record
number and birth date into the pixels, where no header clean-up reaches. Such an image is read
with OCR; the lines of text read with confidence are returned as boxes in the fractions
`redact:` takes, so the author can paste them. Noise (ultrasound speckle reads as short
low-confidence "words") is told from text by confidence and length, and textured areas are
blanked before tesseract reads: machines write on flat margins and bars, and speckle makes
tesseract slow. Text written over the image's own texture is therefore not looked for.
"""

from __future__ import annotations

import math

from PIL import Image, ImageChops, ImageFilter, ImageOps

from casedocs.environment import variable_set

OCR_VERSION = "2"  # bump when what counts as text changes: cached findings are made again
MIN_CONFIDENCE = 75  # of tesseract's 0-100; speckle read as words stays below this
MIN_CHARACTERS = 3  # letters or digits in a word: "L", "R", "2" are markers, not identifiers
SMALL_SIDE = 1400  # an image whose longer side is below this is read at twice its size
MARGIN = 0.004  # added around each box, as a fraction of the image, so a pasted box covers it
TESSERACT_SETTINGS = "--psm 11"  # sparse text, as headers and labels are
FLAT_STEP = 12  # gray levels between neighbours still flat (JPEG noise around letters is less)
FLAT_SHARE = 0.35  # of a 41 px square flat: margin and text; speckle is about 0.2
TEXTURE_RADIUS = 20
KEPT_WIDENING = 9  # px, odd
Box = tuple[float, float, float, float]


class OcrUnavailable(Exception):
    """tesseract is not installed (or does not run) here."""


def ocr_available() -> bool:
    """Whether tesseract runs here (asked each time: a test or a user may install it)."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except (ImportError, OSError, SystemExit):  # not installed; a version it cannot read
        return False
    return True


def text_boxes(image: Image.Image) -> list[Box]:
    """The lines of text in `image`, as [left, top, right, bottom] fractions of its size."""
    gray = image.convert("L")
    if _mostly_dark(gray):
        gray = ImageOps.invert(gray)  # tesseract reads dark text on light
    gray = _without_texture(gray)
    scale = 2 if max(gray.size) < SMALL_SIDE else 1
    if scale > 1:
        gray = gray.resize((gray.width * scale, gray.height * scale), Image.Resampling.LANCZOS)
    words = _words(gray)
    lines: dict[tuple[int, int, int], list[tuple[int, int, int, int]]] = {}
    confident: set[tuple[int, int, int]] = set()
    for key, box, text, confidence in words:
        lines.setdefault(key, []).append(box)
        if confidence >= MIN_CONFIDENCE and sum(c.isalnum() for c in text) >= MIN_CHARACTERS:
            confident.add(key)
    return [_fraction(lines[key], gray.size) for key in sorted(confident)]


def _words(image: Image.Image) -> list[tuple[tuple[int, int, int], tuple[int, int, int, int],
                                            str, float]]:
    try:
        import pytesseract
    except ImportError:
        raise OcrUnavailable("pytesseract is not installed") from None
    try:
        # tesseract on one thread: its OpenMP threads fight the build's worker processes for the
        # cores (2.3 times slower on two cores). Set only while tesseract runs.
        with variable_set("OMP_THREAD_LIMIT", "1"):
            data = pytesseract.image_to_data(image, config=TESSERACT_SETTINGS,
                                             output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as error:
        raise OcrUnavailable(str(error)) from None
    found = []
    for i, text in enumerate(data["text"]):
        if text.strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            found.append((key, box, text, float(data["conf"][i])))
    return found


def _without_texture(gray: Image.Image) -> Image.Image:
    """`gray` with textured areas (speckle, tissue) made plain background. Burned-in text sits
    on a flat background (a margin, a bar); speckle read as sparse text keeps tesseract busy
    for 20 s on one image, against half a second without it. A pixel is flat when it is within
    FLAT_STEP of its right and lower neighbours; an area is kept when at least FLAT_SHARE of its
    pixels are flat, and then widened, so the edges of letters stay whole."""
    flat = ImageChops.darker(_same_as_neighbour(gray, 1, 0), _same_as_neighbour(gray, 0, 1))
    share = flat.filter(ImageFilter.BoxBlur(TEXTURE_RADIUS))
    kept = share.point(lambda v: 255 if v >= FLAT_SHARE * 255 else 0)
    plain = Image.new("L", gray.size, 255)
    plain.paste(gray, mask=kept.filter(ImageFilter.MaxFilter(KEPT_WIDENING)))
    return plain


def _same_as_neighbour(gray: Image.Image, right: int, down: int) -> Image.Image:
    difference = ImageChops.difference(gray, ImageChops.offset(gray, right, down))
    return difference.point(lambda v: 255 if v <= FLAT_STEP else 0)


def _mostly_dark(image: Image.Image) -> bool:
    histogram = image.histogram()
    dark = sum(histogram[:128])
    return dark > sum(histogram) / 2


def _fraction(boxes: list[tuple[int, int, int, int]], size: tuple[int, int]) -> Box:
    width, height = size
    left = min(b[0] for b in boxes) / width - MARGIN
    top = min(b[1] for b in boxes) / height - MARGIN
    right = max(b[0] + b[2] for b in boxes) / width + MARGIN
    bottom = max(b[1] + b[3] for b in boxes) / height + MARGIN
    return (math.floor(max(left, 0.0) * 1000) / 1000, math.floor(max(top, 0.0) * 1000) / 1000,
            math.ceil(min(right, 1.0) * 1000) / 1000, math.ceil(min(bottom, 1.0) * 1000) / 1000)
