"""A DICOM file written anew from what displays it, never copied and pruned.

An imported case's folder is kept and shared, so its DICOM files must carry nothing about the
patient. Rather than delete what the confidentiality profile (PS3.15 Annex E) lists, which
misses what the next export puts elsewhere (nested sequences, private tags, the preamble, the
file meta, padding), a new dataset is built from an allow-list: the image pixel module, rescale
and VOI windows, the modality, spacing, position and orientation, and the frame data of
enhanced multi-frame files. Numbers are read as numbers and codes checked against their
defined terms, so no free text can ride along; UIDs are new; the file meta is fresh and the
preamble zero.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

from casedocs.figures.dicom import MODALITY_TAG
from casedocs.figures.errors import ImageProblem
from casedocs.figures.raster_copy import jpeg_copy_frame

DEIDENTIFICATION_METHOD = "casedocs: written anew from display attributes (allow-list)"
PHOTOMETRIC = {"MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL", "YBR_FULL_422",
               "YBR_PARTIAL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT", "XYB"}
CODES: dict[str, set[str]] = {  # code strings kept, each with its defined terms
    "PhotometricInterpretation": PHOTOMETRIC,
    "VOILUTFunction": {"LINEAR", "LINEAR_EXACT", "SIGMOID"},
    "PresentationLUTShape": {"IDENTITY", "INVERSE"},
    "BurnedInAnnotation": {"YES", "NO"},
    "RecognizableVisualFeatures": {"YES", "NO"},
}
NUMBERS = (  # binary or decimal numbers that say how the pixels are stored and shown
    "SamplesPerPixel", "Rows", "Columns", "BitsAllocated", "BitsStored", "HighBit",
    "PixelRepresentation", "PlanarConfiguration", "PixelAspectRatio", "NumberOfFrames",
    "SmallestImagePixelValue", "LargestImagePixelValue", "PixelPaddingValue",
    "PixelPaddingRangeLimit", "RescaleIntercept", "RescaleSlope", "WindowCenter", "WindowWidth",
    "LUTDescriptor", "LUTData", "PixelSpacing", "ImagerPixelSpacing", "SliceThickness",
    "SpacingBetweenSlices", "ImagePositionPatient", "ImageOrientationPatient", "SliceLocation",
    "InstanceNumber", "InStackPositionNumber", "TemporalPositionIndex",
)
SEQUENCES = (  # whose items are built with the same allow-list
    "ModalityLUTSequence", "VOILUTSequence", "SharedFunctionalGroupsSequence",
    "PerFrameFunctionalGroupsSequence", "PixelMeasuresSequence", "PlanePositionSequence",
    "PlaneOrientationSequence", "PixelValueTransformationSequence", "FrameVOILUTSequence",
    "FrameContentSequence",
)
RELINKED = ("StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID")
PALETTE = ("Red", "Green", "Blue")  # a palette colour image's lookup tables
JPEG_FAMILY = ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
               "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81")


def dicom_copy(data: bytes, new_uids: dict[str, str]) -> bytes:
    """A DICOM file (its bytes) as a new one holding only what displays it. `new_uids` maps
    the source's study, series and frame-of-reference UIDs to new ones, so that files of one
    series imported together stay one series."""
    import pydicom
    from pydicom.dataset import Dataset
    from pydicom.uid import generate_uid

    source = _read(data, pydicom)
    syntax = _transfer_syntax(source)
    copy = Dataset()
    _copy_allowed(source, copy)
    _copy_palette(source, copy)
    _copy_modality(source, copy)
    copy.SOPClassUID = _sop_class(source)
    copy.SOPInstanceUID = generate_uid()
    for keyword in RELINKED:
        old = str(source.get(keyword, "") or "")
        if old or keyword != "FrameOfReferenceUID":  # study and series are required
            new = new_uids.get(old) or new_uids.setdefault(old or None, generate_uid())
            copy.add_new(keyword, "UI", new)
    copy.PatientIdentityRemoved = "YES"
    copy.DeidentificationMethod = DEIDENTIFICATION_METHOD
    written_syntax = _copy_pixels(source, copy, syntax)
    data = _encoded(copy, written_syntax)
    _check_pixels(source, data)
    return data


def _read(data: bytes, pydicom: Any) -> Any:
    try:
        return pydicom.dcmread(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - pydicom raises many kinds for a damaged file
        raise ImageProblem(f"not a readable DICOM file ({error})") from None


def _transfer_syntax(source: Any) -> Any:
    from pydicom.uid import AllTransferSyntaxes, ImplicitVRLittleEndian

    syntax = getattr(getattr(source, "file_meta", None), "TransferSyntaxUID", None)
    syntax = syntax or ImplicitVRLittleEndian
    if syntax not in AllTransferSyntaxes:
        raise ImageProblem("its transfer syntax is not one DICOM defines")
    if "PixelData" not in source:
        raise ImageProblem("not a DICOM image (no pixel data)")
    return syntax


def _copy_allowed(source: Any, copy: Any) -> None:
    """The allowed numbers, codes and sequences of `source`, at any depth, as checked values."""
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    for keyword in (*NUMBERS, *CODES, *SEQUENCES):
        try:
            element = source.data_element(keyword) if keyword in source else None
            value = element.value if element is not None else None
        except (ValueError, TypeError, OverflowError):  # text where a number should be
            continue
        if value is None:
            continue
        if keyword in SEQUENCES:
            items = []
            for item in value:
                built = Dataset()
                _copy_allowed(item, built)
                items.append(built)
            copy.add_new(keyword, "SQ", Sequence(items))
        elif keyword in CODES:
            if str(value).strip().upper() in CODES[keyword]:
                copy.add_new(keyword, "CS", str(value).strip().upper())
        else:
            number = _number(element.VR, value)
            if number is not None:
                copy.add_new(keyword, element.VR, number)


def _number(vr: str, value: Any) -> Any:
    """`value` as the numbers it holds, or None: text in a number's place is not copied."""
    from pydicom.multival import MultiValue
    from pydicom.valuerep import DSfloat

    convert: Callable[[Any], Any] = {
        "DS": lambda v: DSfloat(_finite(v), auto_format=True),
        "IS": lambda v: int(_finite(v)),
    }.get(vr, lambda v: v)
    if vr in ("OB", "OW", "OD", "OF", "OL", "OV"):
        return bytes(value) if isinstance(value, bytes | bytearray) else None
    if vr not in ("DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "UV", "SV", "US or SS"):
        return None
    try:
        if isinstance(value, MultiValue | list | tuple):
            return [convert(v) for v in value]
        return convert(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _copy_palette(source: Any, copy: Any) -> None:
    """A palette colour image's three tables, each cut to the entries its descriptor gives:
    bytes nobody reads are bytes that can carry anything."""
    if copy.get("PhotometricInterpretation") != "PALETTE COLOR":
        return
    for colour in PALETTE:
        descriptor = source.get(f"{colour}PaletteColorLookupTableDescriptor")
        table = source.get(f"{colour}PaletteColorLookupTableData")
        try:
            entries = int(descriptor[0]) or 65536
            bits = int(descriptor[2])
        except (TypeError, ValueError, IndexError):
            raise ImageProblem("a palette colour image without a usable palette") from None
        size = entries * (2 if bits > 8 else 1)
        if not isinstance(table, bytes) or len(table) < size:
            raise ImageProblem("a palette colour image whose palette is shorter than it says")
        copy.add_new(f"{colour}PaletteColorLookupTableDescriptor", "US",
                     [entries % 65536, int(descriptor[1]) & 0xFFFF, bits])
        copy.add_new(f"{colour}PaletteColorLookupTableData", "OW", table[:size + size % 2])


def _finite(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _copy_modality(source: Any, copy: Any) -> None:
    """The modality when it is one of DICOM's defined terms (CID 33), else none."""
    from pydicom.sr.codedict import codes

    element = source.get(MODALITY_TAG)
    value = str(element.value if element is not None else "").strip().upper()
    if value and value in {getattr(codes.cid33, name).value for name in codes.cid33.dir()}:
        copy.Modality = value


def _sop_class(source: Any) -> str:
    from pydicom.uid import SecondaryCaptureImageStorage, UID_dictionary

    value = str(source.get("SOPClassUID", "") or "")
    known = UID_dictionary.get(value)
    return value if known and known[1] == "SOP Class" else SecondaryCaptureImageStorage


def _copy_pixels(source: Any, copy: Any, syntax: Any) -> Any:
    """The pixel data: encapsulated frames rebuilt one by one (a JPEG frame without its
    application segments), native data cut to the length its rows, columns, samples, bits
    and frames call for. Returns the transfer syntax the copy is written in."""
    from pydicom.encaps import encapsulate, generate_frames
    from pydicom.uid import ExplicitVRLittleEndian

    if syntax.is_encapsulated:
        frames = int(copy.get("NumberOfFrames", 1) or 1)
        pieces = list(generate_frames(source.PixelData, number_of_frames=frames))
        if syntax in JPEG_FAMILY:
            pieces = [jpeg_copy_frame(piece) for piece in pieces]
        copy.add_new("PixelData", "OB", encapsulate(pieces))
        return syntax
    copy.add_new("PixelData", "OB" if copy.get("BitsAllocated", 8) <= 8 else "OW",
                 _native_pixels(source, copy, syntax))
    return ExplicitVRLittleEndian


def _native_pixels(source: Any, copy: Any, syntax: Any) -> bytes:
    from pydicom.pixels.utils import get_expected_length

    try:
        length = get_expected_length(copy, "bytes")
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ImageProblem("its pixel data cannot be sized (rows, columns or bits missing)")\
            from None
    bits = int(copy.BitsAllocated)
    raw = bytes(source.PixelData)
    if len(raw) < length:
        raise ImageProblem("its pixel data is shorter than its rows and columns call for")
    raw = raw[:length]
    if not syntax.is_little_endian and bits > 8:
        import numpy as np

        raw = np.frombuffer(raw, f">u{bits // 8}").astype(f"<u{bits // 8}").tobytes()
    return raw + b"\x00" * (len(raw) % 2)


def _encoded(copy: Any, syntax: Any) -> bytes:
    import pydicom
    from pydicom.dataset import FileMetaDataset

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = copy.SOPClassUID
    meta.MediaStorageSOPInstanceUID = copy.SOPInstanceUID
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = pydicom.uid.PYDICOM_IMPLEMENTATION_UID
    copy.file_meta = meta
    copy.preamble = b"\x00" * 128
    buffer = io.BytesIO()
    pydicom.dcmwrite(buffer, copy, enforce_file_format=True)
    return buffer.getvalue()


def _check_pixels(source: Any, data: bytes) -> None:
    """The copy shows the very pixels of the source (when this machine can decode them)."""
    import numpy as np
    import pydicom

    try:
        original = source.pixel_array
    except Exception:  # noqa: BLE001 - no decoder here for its transfer syntax: nothing to compare
        return
    try:
        written = pydicom.dcmread(io.BytesIO(data)).pixel_array
    except Exception as error:  # noqa: BLE001
        raise ImageProblem(f"its pixels could not be written anew ({error})") from None
    if not np.array_equal(original, written):
        raise ImageProblem("its pixels could not be written anew (they differ)")
