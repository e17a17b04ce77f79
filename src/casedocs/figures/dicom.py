"""Decoding DICOM with pydicom: rescale, choose a frame, refuse what may carry burned-in text.

Nothing from the header but pixel-describing values (rescale, window, photometric
interpretation, frame count) and the modality code is read, and nothing but that code (one of
a fixed list, for finding cases) leaves this module: descriptions and names can identify the
patient or give the diagnosis away.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from casedocs.figures.errors import ImageProblem

if TYPE_CHECKING:
    import numpy as np  # imported where used: only DICOM figures need it

DICOM_MAGIC_OFFSET = 128
CODECS_EXTRA = "pip install 'casedocs[dicom-codecs]'"
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"  # and its .1-.4 multi-frame variants
MODALITY_TAG = 0x00080060  # (0008,0060) Modality
ULTRASOUND = ("1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.3.1")


@dataclass(frozen=True)
class DicomPixels:
    image: Image.Image  # "F" in modality units (after rescale), or "RGB"
    window: tuple[float, float] | None  # the file's own (center, width), if it has one
    inverted: bool  # MONOCHROME1: low values are white


def is_dicom(path: Path) -> bool:
    with path.open("rb") as stream:
        stream.seek(DICOM_MAGIC_OFFSET)
        return stream.read(4) == b"DICM"


def is_readable_dicom(path: Path) -> bool:
    import pydicom

    try:
        _read(path, pydicom, stop_before_pixels=True)
    except ImageProblem:
        return False
    return True


@dataclass(frozen=True)
class HeaderFacts:
    risk: str | None  # why the pixels may show patient data
    modality: str | None  # its (0008,0060) code when it is one of `known_modalities`


def header_facts(path: Path, known_modalities: tuple[str, ...]) -> HeaderFacts:
    import pydicom

    header = _read(path, pydicom, stop_before_pixels=True)
    element = header.get(MODALITY_TAG)
    modality = str(element.value if element is not None else "").strip().upper()
    return HeaderFacts(
        _burned_in_text_risk(header), modality if modality in known_modalities else None
    )


def _burned_in_text_risk(header) -> str | None:  # noqa: ANN001
    """Why this file may show patient data in its pixels, or None."""
    if str(header.get("BurnedInAnnotation", "")).upper() == "YES":
        return "it is flagged BurnedInAnnotation = YES"
    sop_class = str(header.get("SOPClassUID", ""))
    if sop_class == SECONDARY_CAPTURE or sop_class.startswith(SECONDARY_CAPTURE + "."):
        return "it is a secondary capture, which often shows burned-in text"
    element = header.get(MODALITY_TAG)
    if (element is not None and element.value == "US") or sop_class in ULTRASOUND:
        return "it is an ultrasound image, which usually shows burned-in text"
    return None


def decode_dicom(path: Path, frame: int | None) -> DicomPixels:
    import numpy as np
    import pydicom

    dataset = _read(path, pydicom)
    frames = int(dataset.get("NumberOfFrames", 1) or 1)
    index = (frame or 1) - 1
    if index >= frames:
        raise ImageProblem(f"frame {frame} asked for, but the file has {frames} frame(s)")
    pixels = _pixel_array(dataset, index if frames > 1 else None)
    photometric = str(dataset.get("PhotometricInterpretation", "MONOCHROME2"))
    if pixels.ndim == 3:  # colour (pydicom converts YBR to RGB): already display values
        return DicomPixels(Image.fromarray(_as_uint8(pixels), "RGB"), None, False)
    slope = float(dataset.get("RescaleSlope", 1) or 1)
    intercept = float(dataset.get("RescaleIntercept", 0) or 0)
    values = pixels.astype(np.float32) * slope + intercept
    return DicomPixels(
        Image.fromarray(values, "F"), _own_window(dataset), photometric == "MONOCHROME1"
    )


def _read(path: Path, pydicom, stop_before_pixels: bool = False):  # noqa: ANN001, ANN202
    try:
        return pydicom.dcmread(path, stop_before_pixels=stop_before_pixels)
    except Exception as error:  # pydicom raises many kinds for a damaged file
        raise ImageProblem(f"not a readable DICOM file ({error})") from None


def _pixel_array(dataset, frame_index: int | None) -> np.ndarray:  # noqa: ANN001
    syntax = getattr(getattr(dataset, "file_meta", None), "TransferSyntaxUID", None)
    if syntax is None or "PixelData" not in dataset:
        raise ImageProblem("not a DICOM image (no transfer syntax or no pixel data)")
    try:
        pixels = dataset.pixel_array
    except (RuntimeError, NotImplementedError) as error:
        if syntax.is_compressed and "decode" in str(error).lower():
            raise ImageProblem(
                f"its transfer syntax ({syntax.name}) needs a decoder that is not installed: "
                f"{CODECS_EXTRA}"
            ) from None
        raise ImageProblem(f"its pixel data cannot be decoded ({error})") from None
    except Exception as error:  # pydicom raises many kinds for damaged pixel data
        raise ImageProblem(f"its pixel data is missing or damaged ({error})") from None
    return pixels[frame_index] if frame_index is not None else pixels


def _own_window(dataset) -> tuple[float, float] | None:  # noqa: ANN001
    from pydicom.multival import MultiValue

    center, width = dataset.get("WindowCenter"), dataset.get("WindowWidth")
    if center is None or width is None:
        return None
    # Multi-valued windows list alternatives; the first is the modality's default.
    center = center[0] if isinstance(center, MultiValue) else center
    width = width[0] if isinstance(width, MultiValue) else width
    return (float(center), float(width)) if float(width) > 0 else None


def _as_uint8(pixels: np.ndarray) -> np.ndarray:
    import numpy as np

    if pixels.dtype == np.uint8:
        return pixels
    high = float(pixels.max()) or 1.0
    return np.clip(pixels.astype(np.float32) * (255.0 / high), 0, 255).astype(np.uint8)
