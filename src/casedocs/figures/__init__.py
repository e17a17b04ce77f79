"""Figure images: the only package that opens source images (PNG, JPEG, TIFF, DICOM)."""

from .errors import ImageProblem
from .pipeline import FigureImages, PixelSettings, PreparedImage, SourceImage

__all__ = ["FigureImages", "ImageProblem", "PixelSettings", "PreparedImage", "SourceImage"]
