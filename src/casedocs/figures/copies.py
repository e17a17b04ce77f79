"""A user's image copied for keeping (an imported case's folder): written anew from what shows
it, by kind. DICOM (dicom_copy.py), JPEG and PNG (raster_copy.py) keep their pixels byte for
byte; any other image is decoded and written as PNG."""

from __future__ import annotations

from pathlib import Path

from casedocs.figures.dicom import DICOM_MAGIC_OFFSET
from casedocs.figures.dicom_copy import dicom_copy
from casedocs.figures.errors import ImageProblem
from casedocs.figures.raster_copy import (
    JPEG_SOI,
    PNG_SIGNATURE,
    CleanCopy,
    decoded_copy,
    jpeg_copy,
    png_copy,
)
from casedocs.source.named_files import IMAGE, Refused, read_checked


def clean_copy(path: Path, new_uids: dict[str, str]) -> CleanCopy:
    """The image at `path` written anew (raises ImageProblem for what is no usable image).
    `new_uids` carries the DICOM UIDs already replaced in this import (see dicom_copy)."""
    try:
        data = read_checked(path, IMAGE)
    except Refused as refused:
        raise ImageProblem(refused.reason) from None
    if data[DICOM_MAGIC_OFFSET:DICOM_MAGIC_OFFSET + 4] == b"DICM":
        return CleanCopy(dicom_copy(data, new_uids), ".dcm")
    if data.startswith(JPEG_SOI):
        return jpeg_copy(data)
    if data.startswith(PNG_SIGNATURE):
        return png_copy(data)
    return decoded_copy(data)
