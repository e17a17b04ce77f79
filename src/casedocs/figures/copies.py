"""A user's image copied for keeping (an imported case's folder): written anew from what shows
it, by kind. DICOM (dicom_copy.py), JPEG and PNG (raster_copy.py) keep their pixels byte for
byte; any other image is decoded and written as PNG."""

from __future__ import annotations

from pathlib import Path

from casedocs.figures.dicom import is_dicom
from casedocs.figures.dicom_copy import dicom_copy
from casedocs.figures.raster_copy import (
    JPEG_SOI,
    PNG_SIGNATURE,
    CleanCopy,
    decoded_copy,
    jpeg_copy,
    png_copy,
)


def clean_copy(path: Path, new_uids: dict[str, str]) -> CleanCopy:
    """The image at `path` written anew (raises ImageProblem for what is no usable image).
    `new_uids` carries the DICOM UIDs already replaced in this import (see dicom_copy)."""
    if is_dicom(path):
        return CleanCopy(dicom_copy(path, new_uids), ".dcm")
    data = path.read_bytes()
    if data.startswith(JPEG_SOI):
        return jpeg_copy(data)
    if data.startswith(PNG_SIGNATURE):
        return png_copy(data)
    return decoded_copy(data)
