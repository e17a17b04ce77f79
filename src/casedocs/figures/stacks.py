"""A series as one figure (`stack:`): its slices found and put in display order.

A stack is a folder of DICOM files of one series, one multi-frame DICOM file, or a folder of
numbered PNG or JPEG images. DICOM slices are ordered by where they lie along the slice normal
(ImagePositionPatient projected on the cross product of ImageOrientationPatient's row and
column directions), as viewers order them: never by file name or InstanceNumber, which exports
number in their own ways. A folder that mixes series, orientations or sizes is refused: it
cannot be scrolled as one stack.

Only the header values that place and size a slice are read, and none of them leaves this
module but the order they give.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from casedocs.figures.dicom import is_dicom
from casedocs.figures.errors import ImageProblem
from casedocs.source.named_files import IMAGE, Refused, check_file

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
ORIENTATION_TOLERANCE = 1e-3  # direction cosines written with few decimals still agree
NUMBER = re.compile(r"\d+")
MIN_SERIES = 3  # DICOM images of one series that an import takes as a stack


@dataclass(frozen=True)
class Slice:
    """One image of a stack: a file, and the frame of a multi-frame file (1-based)."""

    path: Path
    frame: int | None = None


def stack_identity(stack: Path) -> str:
    """What a stack is made of, from the files' names, sizes and times of change (never their
    contents): the key under which its order is remembered."""
    parts = []
    for path in _members(stack) if stack.is_dir() else [stack]:
        status = path.stat()
        parts.append(f"{path.name}|{status.st_size}|{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def order_slices(stack: Path) -> list[Slice]:
    """The slices of `stack` in display order (from feet to head, or as the series runs), or
    ImageProblem saying why they cannot be one stack."""
    if not stack.is_dir():
        return _frames_in_order(stack)
    members = _members(stack)
    if not members:
        raise ImageProblem("the folder holds no images")
    dicom = [path for path in members if _is_dicom(path)]
    if dicom and len(dicom) != len(members):
        other = next(path.name for path in members if path not in dicom)
        raise ImageProblem(f"the folder mixes DICOM files and other files ('{other}'); a stack "
                           "is one series")
    return _dicom_in_order(dicom) if dicom else _numbered_in_order(members)


def series_order(files: list[Path]) -> list[Path] | None:
    """DICOM files (an imported document's images, say) in display order when they are the
    slices of one series, each with its place; else None."""
    if len(files) < MIN_SERIES or not all(_is_dicom(path) for path in files):
        return None
    try:
        return [each.path for each in _dicom_in_order(files)]
    except ImageProblem:
        return None


def series_uid(path: Path) -> str | None:
    """The SeriesInstanceUID of a DICOM file, or None (not DICOM, unreadable, none given)."""
    if not _is_dicom(path):
        return None
    import pydicom

    try:
        return str(_header(path, pydicom).get("SeriesInstanceUID", "")) or None
    except ImageProblem:
        return None


def _members(folder: Path) -> list[Path]:
    """The folder's files, hidden ones aside (.DS_Store, editors' files), in name order."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise ImageProblem(f"the folder cannot be read ({error.strerror})") from None
    files = []
    for name in names:
        path = folder / name
        if name.startswith(".") or name.upper() == "DICOMDIR" or path.is_dir():
            continue
        try:
            check_file(path, IMAGE)
        except Refused as refused:
            raise ImageProblem(refused.naming(name)) from None
        files.append(path)
    return files


def _is_dicom(path: Path) -> bool:
    try:
        return is_dicom(path)
    except OSError as error:
        raise ImageProblem(f"'{path.name}' cannot be read ({error.strerror})") from None


def _numbered_in_order(files: list[Path]) -> list[Slice]:
    """Numbered images in the order of their numbers: slice-2 before slice-10."""
    numbered: dict[int, Path] = {}
    for path in files:
        if path.suffix.lower() not in RASTER_SUFFIXES:
            raise ImageProblem(f"'{path.name}' is neither DICOM nor a PNG, JPEG or TIFF image")
        numbers = NUMBER.findall(path.stem)
        if not numbers:
            raise ImageProblem(f"'{path.name}' has no number in its name; number the images "
                               "in the order they are scrolled (001.png, 002.png, ...)")
        number = int(numbers[-1])
        if number in numbered:
            raise ImageProblem(f"'{numbered[number].name}' and '{path.name}' have the same "
                               f"number ({number})")
        numbered[number] = path
    ordered = [numbered[number] for number in sorted(numbered)]
    sizes = {path: _image_size(path) for path in ordered}
    first = ordered[0]
    for path in ordered:
        if sizes[path] != sizes[first]:
            (width, height), (other_width, other_height) = sizes[first], sizes[path]
            raise ImageProblem(f"'{first.name}' is {width} x {height} pixels and '{path.name}' "
                               f"{other_width} x {other_height}; a stack's slices are one size")
    return [Slice(path) for path in ordered]


def _image_size(path: Path) -> tuple[int, int]:
    """Width and height from the image's header (its pixels are decoded later, one by one)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError) as error:
        raise ImageProblem(f"'{path.name}' is not a readable image ({error})") from None


def _dicom_in_order(files: list[Path]) -> list[Slice]:
    import pydicom

    placed: list[tuple[float, Path]] = []
    first: tuple[str, tuple[float, ...], tuple[int, int], str] | None = None
    for path in files:
        header = _header(path, pydicom)
        series = str(header.get("SeriesInstanceUID", ""))
        orientation = _numbers(header, "ImageOrientationPatient", 6, path)
        position = _numbers(header, "ImagePositionPatient", 3, path)
        size = (int(header.get("Rows", 0) or 0), int(header.get("Columns", 0) or 0))
        if int(header.get("NumberOfFrames", 1) or 1) > 1:
            raise ImageProblem(f"'{path.name}' has several frames: give a multi-frame file as "
                               "the stack itself, not in a folder")
        if first is None:
            first = (series, orientation, size, path.name)
        else:
            _check_same(first, (series, orientation, size, path.name))
        placed.append((_along_normal(orientation, position), path))
    placed.sort(key=lambda item: item[0])
    for (here, path), (there, other) in zip(placed, placed[1:], strict=False):
        if abs(there - here) < ORIENTATION_TOLERANCE:
            raise ImageProblem(f"'{path.name}' and '{other.name}' lie at the same position "
                               "(two acquisitions or phases in one folder?)")
    return [Slice(path) for _, path in placed]


def _check_same(first: tuple, other: tuple) -> None:
    series, orientation, size, name = first
    if other[0] != series:
        raise ImageProblem(f"'{name}' and '{other[3]}' belong to different series; a stack "
                           "is one series")
    if any(abs(a - b) > ORIENTATION_TOLERANCE for a, b in zip(orientation, other[1],
                                                               strict=True)):
        raise ImageProblem(f"'{name}' and '{other[3]}' are in different orientations "
                           "(ImageOrientationPatient); a stack is one plane")
    if other[2] != size:
        raise ImageProblem(f"'{name}' is {size[1]} x {size[0]} pixels and '{other[3]}' "
                           f"{other[2][1]} x {other[2][0]}; a stack's slices are one size")


def _frames_in_order(path: Path) -> list[Slice]:
    """The frames of one file: by position where each frame's is given (enhanced CT and MR),
    else as stored."""
    if not _is_dicom(path):
        raise ImageProblem("a stack is a folder of images or a multi-frame DICOM file")
    import pydicom

    header = _header(path, pydicom)
    count = int(header.get("NumberOfFrames", 1) or 1)
    if count < 2:
        raise ImageProblem("the DICOM file has one frame; give it as file:, or a folder of "
                           "the series' files as stack:")
    positions = _frame_positions(header, count)
    order = sorted(range(count), key=lambda i: positions[i]) if positions else range(count)
    return [Slice(path, index + 1) for index in order]


def _frame_positions(header, count: int) -> list[float] | None:  # noqa: ANN001
    shared = header.get("SharedFunctionalGroupsSequence")
    per_frame = header.get("PerFrameFunctionalGroupsSequence")
    if not per_frame or len(per_frame) != count:
        return None
    try:
        orientation_source = shared[0] if shared else per_frame[0]
        orientation = [float(v) for v in
                       orientation_source.PlaneOrientationSequence[0].ImageOrientationPatient]
        return [
            _along_normal(orientation, [float(v) for v in
                                        group.PlanePositionSequence[0].ImagePositionPatient])
            for group in per_frame
        ]
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def _header(path: Path, pydicom):  # noqa: ANN001, ANN202
    try:
        return pydicom.dcmread(path, stop_before_pixels=True)
    except Exception as error:  # pydicom raises many kinds for a damaged file
        raise ImageProblem(f"'{path.name}' is not a readable DICOM file ({error})") from None


def _numbers(header, keyword: str, count: int, path: Path) -> tuple[float, ...]:  # noqa: ANN001
    value = header.get(keyword)
    try:
        numbers = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        numbers = ()
    if len(numbers) != count:
        raise ImageProblem(f"'{path.name}' has no {keyword}, so its place in the series is "
                           "unknown (file names and instance numbers do not say it)")
    return numbers


def _along_normal(orientation: tuple[float, ...] | list[float],
                  position: tuple[float, ...] | list[float]) -> float:
    """Where a slice lies along the normal of its plane (row x column direction)."""
    row, column = orientation[:3], orientation[3:]
    normal = (
        row[1] * column[2] - row[2] * column[1],
        row[2] * column[0] - row[0] * column[2],
        row[0] * column[1] - row[1] * column[0],
    )
    return sum(n * p for n, p in zip(normal, position, strict=True))
