"""Figure images: the only package that opens source images (PNG, JPEG, TIFF, DICOM)."""

from casedocs.figures.errors import ImageProblem
from casedocs.figures.pipeline import (
    FigureImages,
    ImageRequest,
    PixelSettings,
    PreparedImage,
    SourceImage,
    slice_sources,
)

__all__ = [
    "FigureImages",
    "ImageProblem",
    "ImageRequest",
    "PixelSettings",
    "PreparedImage",
    "SourceImage",
    "slice_sources",
]
