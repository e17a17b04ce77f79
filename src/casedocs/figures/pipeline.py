"""All pixel work for figures: decode, window, redact, crop, resample, encode, cache.

`FigureImages.inspect` checks a figure's source at load time (and learns its size);
`FigureImages.prepare` returns clean image bytes sized for one placement. Prepared images are
cached under the output folder, keyed by the source's content hash, every pixel setting, the
target size and PIPELINE_VERSION, so a rebuild with nothing changed decodes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from casedocs.errors import Report
from casedocs.figures.burned_in import OCR_VERSION, OcrUnavailable, ocr_available, text_boxes
from casedocs.figures.dicom import decode_dicom, header_facts, is_dicom
from casedocs.figures.errors import ImageProblem
from casedocs.figures.raster import decode_raster
from casedocs.figures.stacks import Slice, order_slices, stack_identity
from casedocs.files import write_whole
from casedocs.source.model import MODALITIES, Box, Figure
from casedocs.source.named_files import IMAGE, Refused, read_checked

if TYPE_CHECKING:
    import numpy as np

PIPELINE_VERSION = "1"  # bump when a change alters the pixels of prepared images
VIDEO_VERSION = "2"  # bump when a change alters a stack's video (2: x264 veryfast)
PROBE_VERSION = "2"  # bump when a probe records something new (2: the DICOM modality)
PERCENTILE_WINDOW = (0.5, 99.5)  # robust default window for a DICOM file without its own
LINE_ART_COLOURS = 64  # an image with at most this many colours is kept lossless (PNG)
JPEG_QUALITY = 90
PNG_COMPRESSION = 3  # zlib level: level 6 takes three times as long for 10% smaller files
MAX_ENLARGEMENT = 2.0  # beyond this many times its own pixels an image looks soft


@dataclass(frozen=True)
class PixelSettings:
    frame: int | None
    window: tuple[float, float] | None
    crop: Box | None
    redact: tuple[Box, ...]

    @classmethod
    def of(cls, figure: Figure) -> PixelSettings:
        return cls(figure.frame, figure.window, figure.crop, tuple(figure.redact))


@dataclass(frozen=True)
class StackView:
    """The slices of a stack a figure shows, in display order, and where the key slice is.
    Numbers count slices of the whole series from 1, as the counter and caption show them."""

    slices: tuple[Slice, ...]  # those shown (`slices:`), first to last
    digests: tuple[str, ...]  # of each shown slice's file: what a prepared frame is keyed by
    first: int  # the number of the first slice shown
    count: int  # slices in the series
    key: int  # the number of the key slice
    windows: tuple[tuple[float, float], ...] = ()  # presets a viewer switches between
    strip: int = 0  # evenly spaced slices printed under the key slice (0: none)

    def strip_numbers(self) -> list[int]:
        """The numbers of the `strip` slices, evenly spaced from the first shown to the last."""
        if self.strip < 2:
            return []
        step = (self.last - self.first) / (self.strip - 1)
        return list(dict.fromkeys(round(self.first + step * i) for i in range(self.strip)))

    @property
    def last(self) -> int:
        return self.first + len(self.slices) - 1


@dataclass(frozen=True)
class SourceImage:
    """A checked source image: where it is, what it holds, how large it is once cropped."""

    figure_id: str
    origin: Report  # where the figure is written, for warnings raised while rendering
    path: Path
    digest: str
    settings: PixelSettings
    width: int
    height: int
    modality: str | None = None  # a DICOM file's modality code
    stack: StackView | None = None  # a series: `path` (and settings' frame) is its key slice
    text_risk: str | None = None  # why its pixels may show text (a header, an ultrasound case)

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def key(self) -> str:
        return _hash(PIPELINE_VERSION, self.digest, repr(self.settings))


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
        return f"figure-{self.digest[:16]}.{_EXTENSIONS[self.format]}"

    @property
    def aspect(self) -> float:
        return self.width / self.height


_EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}


@dataclass(frozen=True)
class ImageRequest:
    """An image wanted for a box of `box_width` x `box_height` nominal pixels, with up to
    `oversample` times as many: what a plan holds until FigureImages.resolve draws it."""

    source: SourceImage
    box_width: float
    box_height: float
    oversample: float
    medium: str  # "deck", "handout": where an enlargement warning says it shows


class FigureImages:
    """Prepares figure images, through an on-disk cache when given a folder for one."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        self.decodes = 0  # full decodes of a source image: what the cache saves
        self._display: dict[str, Image.Image] = {}
        self._warned: dict[tuple[str, str, str], tuple[float, Report]] = {}
        self._unreported: dict[tuple[str, str, str], None] = {}  # keys, in order
        self._probes: dict[str, bytes] = {}  # kept in memory until the inputs all load

    def inspect(
        self, figure: Figure, origin: Report, burned_in_risk: str | None = None
    ) -> SourceImage:
        """Check a figure's source (raise ImageProblem) and learn its size after cropping.
        `burned_in_risk` says why its pixels may show text when its header cannot (a PNG of
        an ultrasound case): such an image, and a DICOM file whose header says so, is read
        for text unless a person has reviewed it."""
        if figure.stack is not None:
            return self._inspect_stack(figure, origin, burned_in_risk)
        assert figure.file is not None  # a figure has one or the other (the model checks)
        try:
            digest = hashlib.sha256(read_checked(figure.file, IMAGE)).hexdigest()
        except Refused as refused:  # replaced since the case was validated
            raise ImageProblem(refused.reason) from None
        settings = PixelSettings.of(figure)
        parts = (PROBE_VERSION, PIPELINE_VERSION, digest, repr(settings.frame), repr(settings.crop))
        probe_name = f"probe-{_hash(*parts)}"
        probe = self._cached_json(probe_name)
        source = SourceImage(figure.id, origin, figure.file, digest, settings, 0, 0)
        if probe is None:
            facts = header_facts(figure.file, MODALITIES) if is_dicom(figure.file) else None
            _refuse_unreviewed_without_ocr((facts and facts.risk) or burned_in_risk, figure)
            display = self._display_image(source)
            probe = {"width": display.width, "height": display.height}
            probe["risk"] = facts.risk if facts else None
            probe["modality"] = facts.modality if facts else None
            self._probes[f"{probe_name}.json"] = json.dumps(probe).encode()
        risk = probe["risk"] or burned_in_risk
        if risk and not figure.phi_reviewed:
            _refuse_unreviewed_without_ocr(risk, figure)
            self._refuse_burned_in_text(source, risk)
        return replace(
            source,
            width=probe["width"],
            height=probe["height"],
            modality=probe.get("modality"),
            text_risk=risk,
        )

    def _inspect_stack(
        self, figure: Figure, origin: Report, burned_in_risk: str | None
    ) -> SourceImage:
        """A stack's key slice, inspected as a single image is, with the stack's slices in
        order; every slice shown is checked for burned-in text as the key slice is."""
        assert figure.stack is not None
        slices, digests = self._stack_order(figure.stack)
        first, last = figure.slices or (1, len(slices))
        if last > len(slices):
            raise ImageProblem(f"slices [{first}, {last}] asked for, but the series has "
                               f"{len(slices)}")
        key = figure.key or (first + last) // 2
        if key > len(slices):
            raise ImageProblem(f"key {key} asked for, but the series has {len(slices)} slices")
        shown = slice(first - 1, last)
        key_slice = slices[key - 1]
        window = figure.window or (figure.windows[0] if figure.windows else None)
        as_image = figure.model_copy(update={"file": key_slice.path, "stack": None,
                                             "frame": key_slice.frame, "key": None,
                                             "slices": None, "windows": [], "window": window,
                                             "strip": None})
        view = StackView(tuple(slices[shown]), tuple(digests[shown]), first, len(slices), key,
                         tuple(figure.windows), figure.strip or 0)
        source = replace(self.inspect(as_image, origin, burned_in_risk), stack=view)
        source = replace(source, settings=replace(source.settings,
                                                  window=self._stack_window(source)))
        if source.text_risk and not figure.phi_reviewed:  # the key slice's header said so
            for number, each in enumerate(slice_sources(source), start=view.first):
                try:
                    self._refuse_burned_in_text(each, source.text_risk)
                except ImageProblem as problem:
                    raise ImageProblem(f"slice {number} of {view.count}: {problem}") from None
        return source

    def _stack_order(self, stack: Path) -> tuple[list[Slice], list[str]]:
        """The stack's slices in display order and each one's file digest, remembered under
        the files' names, sizes and times (reading every header is a second for 300)."""
        name = f"stack-{_hash(PROBE_VERSION, str(stack), stack_identity(stack))}"
        remembered = self._cached_json(name)
        if remembered is not None:
            slices = [Slice(stack / n if stack.is_dir() else stack, f)
                      for n, f in remembered["order"]]
            return slices, remembered["digests"]
        slices = order_slices(stack)
        digests: dict[Path, str] = {}
        for each in slices:
            if each.path not in digests:
                try:
                    digests[each.path] = hashlib.sha256(read_checked(each.path, IMAGE)).hexdigest()
                except Refused as refused:
                    raise ImageProblem(refused.naming(each.path.name)) from None
        order = [[s.path.name if stack.is_dir() else "", s.frame] for s in slices]
        found = [digests[s.path] for s in slices]
        self._probes[f"{name}.json"] = json.dumps({"order": order, "digests": found}).encode()
        return slices, found

    def _stack_window(self, source: SourceImage) -> tuple[float, float] | None:
        """One window for every slice, so that scrolling does not flicker: the figure's, else
        the key slice's own, else a robust window of the key slice (DICOM only)."""
        if source.settings.window is not None or not is_dicom(source.path):
            return source.settings.window
        name = f"window-{_hash(source.key)}"
        remembered = self._cached_json(name)
        if remembered is None:
            pixels = decode_dicom(source.path, source.settings.frame)
            window = pixels.window
            if window is None and pixels.image.mode == "F":
                window = _percentile_window(pixels.image, source.settings.crop)
            remembered = {"window": window}
            self._probes[f"{name}.json"] = json.dumps(remembered).encode()
        window = remembered["window"]
        return tuple(window) if window else None

    def prepare_frames(
        self, source: SourceImage, box_width: float, box_height: float,
        window: tuple[float, float] | None = None,
    ) -> list[PreparedImage]:
        """A stack's frames for a box of `box_width` x `box_height` pixels, as JPEG (one
        format for a viewer to flip through), in its window or in `window` (a preset);
        decoded one at a time, never all at once."""
        scale = min(box_width / source.width, box_height / source.height, 1.0)
        size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
        if window is not None:
            source = replace(source, settings=replace(source.settings, window=window))
        frames = []
        for each in slice_sources(source):
            key = _hash(each.key, repr(size), "frame")
            cached = self._cached(f"{key}.jpg")
            if cached is None:
                image = _display_pixels(each.path, each.settings)
                if image.size != size:
                    image = image.resize(size, Image.Resampling.LANCZOS)
                cached = _encode(image, lossless=False).data
                self._store(f"{key}.jpg", cached)
            frames.append(PreparedImage(cached, "JPEG", *size))
        return frames

    def prepare_video(self, request: ImageRequest) -> bytes:
        """A stack's shown slices as an MP4 video sized for the request's box (never larger
        than the slices), cached like an image; frames decoded and encoded one at a time."""
        source = request.source
        scale = min(request.box_width * request.oversample / source.width,
                    request.box_height * request.oversample / source.height, 1.0)
        # H.264 in 4:2:0 takes even sizes only.
        size = (max(2, round(source.width * scale / 2) * 2),
                max(2, round(source.height * scale / 2) * 2))
        slices = slice_sources(source)
        key = _hash(VIDEO_VERSION, *(each.key for each in slices), repr(size))
        cached = self._cached(f"{key}.mp4")
        if cached is None:
            from casedocs.figures.video import encode_video

            frames = (_display_pixels(each.path, each.settings).resize(
                size, Image.Resampling.LANCZOS) for each in slices)
            cached = encode_video(frames, *size)
            self._store(f"{key}.mp4", cached)
        return cached

    def _refuse_burned_in_text(self, source: SourceImage, risk: str) -> None:
        """Refuse an image whose pixels show text, with the boxes to redact; without OCR,
        refuse it until a person has looked."""
        settings = source.settings
        parts = (OCR_VERSION, source.digest, repr(settings.frame), repr(settings.window),
                 repr(settings.redact))
        name = f"text-{_hash(*parts)}.json"
        found = self._cached(name)
        if found is None:
            try:
                boxes = text_boxes(_display_pixels(source.path, replace(settings, crop=None)))
            except OcrUnavailable:
                raise ImageProblem(_UNREVIEWED.format(risk=risk)) from None
            found = json.dumps(boxes).encode()
            self._probes[name] = found
        boxes = json.loads(found)
        if boxes:
            shown = ", ".join(f"[{', '.join(f'{v:g}' for v in box)}]" for box in boxes)
            raise ImageProblem(
                f"{risk}, and text is burned into its pixels at {shown} (left, top, right, "
                f"bottom, as fractions of the image). Cover it with redact: [{shown}], or, "
                "if it names no one, set phi_reviewed: true"
            )

    def prepare(
        self,
        source: SourceImage,
        box_width: float,
        box_height: float,
        oversample: float,
        medium: str,
    ) -> PreparedImage:
        """The image for a box of `box_width` x `box_height` nominal pixels (a 1920 x 1080
        screen, or 150 dpi paper), carrying up to `oversample` times as many pixels."""
        self.keep_probes()  # preparing means the inputs loaded
        self._check_enlargement(source, box_width, box_height, medium)
        scale = min(
            box_width * oversample / source.width, box_height * oversample / source.height, 1.0
        )
        size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
        key = _hash(source.key, repr(size))
        for image_format, extension in _EXTENSIONS.items():
            cached = self._cached(f"{key}.{extension}")
            if cached is not None:
                return PreparedImage(cached, image_format, *size)
        prepared = _encode(self._resized(source, size))
        self._store(f"{key}.{_EXTENSIONS[prepared.format]}", prepared.data)
        return prepared

    def resolve(self, request: ImageRequest) -> PreparedImage:
        return self.prepare(
            request.source,
            request.box_width,
            request.box_height,
            request.oversample,
            request.medium,
        )

    def _resized(self, source: SourceImage, size: tuple[int, int]) -> Image.Image:
        display = self._display_image(source)
        if display.size == size:
            return display
        return display.resize(size, Image.Resampling.LANCZOS)

    def _display_image(self, source: SourceImage) -> Image.Image:
        """The source as an 8-bit image: windowed, redacted and cropped; decoded once."""
        if source.key not in self._display:
            self.decodes += 1
            self._display[source.key] = _display_pixels(source.path, source.settings)
        return self._display[source.key]

    def _check_enlargement(
        self, source: SourceImage, width: float, height: float, medium: str
    ) -> None:
        """One warning per figure and medium, for its largest placement there."""
        factor = min(width / source.width, height / source.height)
        if factor <= MAX_ENLARGEMENT:
            return
        message = (
            f"shown {factor:.1f}x larger than its {source.width} x {source.height} pixels in "
            f"the {medium}; it will look soft (use a larger image)"
        )
        warning = replace(source.origin, message=message, warning=True)
        key = (source.figure_id, source.origin.file, medium)
        if key not in self._warned or factor > self._warned[key][0]:
            self._warned[key] = (factor, warning)
            self._unreported[key] = None

    @property
    def warnings(self) -> list[Report]:
        """Every warning about the images so far, one per figure and medium."""
        return [warning for _, warning in self._warned.values()]

    def new_warnings(self) -> tuple[Report, ...]:
        """The warnings made or sharpened since the last call: what a renderer reports about
        the output it just made."""
        found = tuple(self._warned[key][1] for key in self._unreported)
        self._unreported.clear()
        return found

    def keep_probes(self) -> None:
        """Cache what inspecting the sources learnt, once every input has loaded: a build
        refused for a bad case writes nothing, not even to the cache."""
        for name, data in self._probes.items():
            self._store(name, data)
        self._probes.clear()

    def _cached(self, name: str) -> bytes | None:
        if name in self._probes:
            return self._probes[name]
        if self.cache_dir is None:
            return None
        try:
            return (self.cache_dir / name).read_bytes()
        except OSError:
            return None

    def _cached_json(self, name: str) -> dict | None:
        data = self._cached(f"{name}.json")
        return json.loads(data) if data else None

    def _store(self, name: str, data: bytes) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        write_whole(self.cache_dir / name, data)  # what a kill -9 leaves, the next build sweeps


def slice_sources(source: SourceImage) -> list[SourceImage]:
    """Each slice a stack figure shows, as a source image with the stack's settings (data
    only: a plan may ask for any of them by an ImageRequest)."""
    assert source.stack is not None
    return [
        replace(source, path=each.path, digest=digest, stack=None,
                settings=replace(source.settings, frame=each.frame))
        for each, digest in zip(source.stack.slices, source.stack.digests, strict=True)
    ]


_UNREVIEWED = (
    "{risk}: text burned into the pixels may identify the patient, and tesseract (OCR), which "
    "would look for it, is not installed here. Look at the image, cover any such text with "
    "redact:, then set phi_reviewed: true"
)


def _refuse_unreviewed_without_ocr(risk: str | None, figure: Figure) -> None:
    """Without OCR, an image that may show text waits for a person (before it is decoded)."""
    if risk and not figure.phi_reviewed and not ocr_available():
        raise ImageProblem(_UNREVIEWED.format(risk=risk))


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _display_pixels(path: Path, settings: PixelSettings) -> Image.Image:
    if is_dicom(path):
        pixels = decode_dicom(path, settings.frame)
        image, own_window, inverted = pixels.image, pixels.window, pixels.inverted
    else:
        if settings.frame not in (None, 1):
            raise ImageProblem("frame: applies to multi-frame DICOM files only")
        image, own_window, inverted = decode_raster(path), None, False
    crop = _crop_box(image.size, settings.crop)
    if image.mode == "F":
        image = _window(
            image,
            settings.window or own_window,
            crop,
            percentile=own_window is None and is_dicom(path),
        )
        if inverted:
            image = image.point(lambda value: 255 - value)
    image = _redact(image, settings.redact)
    return image.crop(crop) if crop != (0, 0, *image.size) else image


def _crop_box(size: tuple[int, int], crop: Box | None) -> tuple[int, int, int, int]:
    width, height = size
    if crop is None:
        return (0, 0, width, height)
    left, top, right, bottom = crop
    box = (
        math.floor(left * width),
        math.floor(top * height),
        math.ceil(right * width),
        math.ceil(bottom * height),
    )
    return (box[0], box[1], max(box[2], box[0] + 1), max(box[3], box[1] + 1))


def _window(
    image: Image.Image,
    window: tuple[float, float] | None,
    crop: tuple[int, int, int, int],
    percentile: bool,
) -> Image.Image:
    """Full-depth values to 8 bits: the given window, else a robust percentile window of the
    cropped region (DICOM), else the range the image uses (16-bit PNG and TIFF)."""
    import numpy as np

    values = np.asarray(image, dtype=np.float32)
    if window is not None:
        center, width = window
        low, high = center - width / 2, center + width / 2
    else:
        region = values[crop[1] : crop[3], crop[0] : crop[2]]
        if percentile:
            low, high = _percentile_range(region)
        else:
            low, high = float(region.min()), float(region.max())
    scale = 255.0 / (high - low) if high > low else 0.0
    scaled = np.clip((values - low) * scale, 0, 255)
    return Image.fromarray(np.rint(scaled).astype(np.uint8), "L")


def _percentile_range(values: np.ndarray) -> tuple[float, float]:
    import numpy as np

    low, high = (float(v) for v in np.percentile(values, PERCENTILE_WINDOW))
    return low, high


def _percentile_window(image: Image.Image, crop: Box | None) -> tuple[float, float] | None:
    """The robust window of a slice's cropped region, as (center, width)."""
    import numpy as np

    values = np.asarray(image, dtype=np.float32)
    left, top, right, bottom = _crop_box(image.size, crop)
    low, high = _percentile_range(values[top:bottom, left:right])
    return ((low + high) / 2, high - low) if high > low else None


def _redact(image: Image.Image, boxes: tuple[Box, ...]) -> Image.Image:
    if not boxes:
        return image
    image = image.copy()
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for left, top, right, bottom in boxes:
        draw.rectangle(
            (
                math.floor(left * width),
                math.floor(top * height),
                math.ceil(right * width) - 1,
                math.ceil(bottom * height) - 1,
            ),
            fill=0,
        )
    return image


def _encode(image: Image.Image, lossless: bool | None = None) -> PreparedImage:
    """JPEG for photographic content, lossless PNG for line art and few-colour images (or
    as `lossless` says); a new image from the pixels alone, so no metadata can follow."""
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    if lossless is None:
        lossless = clean.getcolors(maxcolors=LINE_ART_COLOURS) is not None
    if not lossless:
        clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        image_format = "JPEG"
    else:
        clean.save(buffer, "PNG", compress_level=PNG_COMPRESSION)
        image_format = "PNG"
    return PreparedImage(buffer.getvalue(), image_format, clean.width, clean.height)
