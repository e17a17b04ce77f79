"""A phantom CT series, written as a scanner's export would be: one DICOM file per slice, file
names and instance numbers that do not follow the slices' positions, patient data in every
header. Each slice's pixels say where it is (a bar as long as its place in the series), so a
test can tell the order frames come out in. Used by tests and by bench/stack.py."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
SPACING = 2.5  # millimetres between slices
PATIENT = {"PatientName": "PHANTOM^SECRET", "PatientID": "SECRET-ID-4711",
           "InstitutionName": "SECRET HOSPITAL", "StudyDescription": "SECRET DIAGNOSIS"}


def slice_pixels(index: int, count: int, size: int) -> np.ndarray:
    """Hounsfield units of slice `index` (0 at the feet): air, a body, a spine, a round lesion
    that grows and shrinks through the series, and a bright bar `index + 1` steps long."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    centre = size / 2
    values = np.full((size, size), -1000.0, np.float32)
    body = ((x - centre) / (0.42 * size)) ** 2 + ((y - centre) / (0.32 * size)) ** 2 <= 1
    values[body] = 40.0
    spine = (x - centre) ** 2 + (y - 0.7 * size) ** 2 <= (0.06 * size) ** 2
    values[spine] = 700.0
    radius = 0.12 * size * max(0.0, 1 - abs(2 * index / max(count - 1, 1) - 1))
    lesion = (x - 0.4 * size) ** 2 + (y - 0.45 * size) ** 2 <= radius**2
    values[lesion] = 120.0
    step = max(1, size // (count + 2))
    values[1:3, 1 : 1 + step * (index + 1)] = 1500.0
    return values


def bar_length(pixels: np.ndarray, count: int) -> int:
    """The place in the series (from 0) that a frame's bar says, read back from its pixels."""
    size = pixels.shape[1]
    step = max(1, size // (count + 2))
    bright = np.asarray(pixels[1:3, 1:], dtype=np.float32).mean(axis=0) > 200
    return int(bright.sum()) // step - 1


def new_dataset(sop_class: str) -> Dataset:
    """An empty instance of `sop_class`, with its file meta (explicit VR little endian)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset = Dataset()
    dataset.file_meta = meta
    dataset.SOPClassUID = sop_class
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    return dataset


def _dataset(sop_class: str, series: str, rows: int, columns: int) -> Dataset:
    dataset = new_dataset(sop_class)
    dataset.SeriesInstanceUID = series
    dataset.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    dataset.Modality = "CT"
    for keyword, value in PATIENT.items():
        setattr(dataset, keyword, value)
    dataset.Rows, dataset.Columns = rows, columns
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 16, 15
    dataset.PixelRepresentation = 1
    dataset.RescaleIntercept, dataset.RescaleSlope = -1024, 1
    dataset.WindowCenter, dataset.WindowWidth = 40, 400
    dataset.PixelSpacing = [0.7, 0.7]
    return dataset


def _stored(values: np.ndarray) -> bytes:
    return np.rint(values + 1024).astype("<i2").tobytes()


def write_series(folder: Path, count: int = 12, size: int = 64, seed: int = 7,
                 orientation: tuple[float, ...] = (1, 0, 0, 0, 1, 0),
                 series: str | None = None, noise: float = 0.0) -> list[Path]:
    """`count` slices in `folder`, named and numbered in a shuffled order, positions running
    from the feet up; the files in true position order, feet first. `noise`: the standard
    deviation (HU) of the grain a real scanner's slices have, which decides how well they
    compress."""
    folder.mkdir(parents=True, exist_ok=True)
    series = series or generate_uid()
    shuffled = list(range(count))
    random.Random(seed).shuffle(shuffled)
    grain = np.random.default_rng(seed)
    paths = []
    for index in range(count):
        dataset = _dataset(CT_IMAGE, series, size, size)
        dataset.ImageOrientationPatient = list(orientation)
        dataset.ImagePositionPatient = [-112.0, -112.0, -300.0 + SPACING * index]
        dataset.SliceThickness = SPACING
        dataset.InstanceNumber = count - shuffled[index]  # as a careless export numbers them
        values = slice_pixels(index, count, size)
        if noise:
            values = values + grain.normal(0.0, noise, values.shape).astype(np.float32)
        dataset.PixelData = _stored(values)
        path = folder / f"IM{shuffled[index]:04d}.dcm"
        dataset.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_multiframe(path: Path, count: int = 10, size: int = 48) -> Path:
    """An enhanced CT file whose frames are stored head first: each frame's position is in its
    functional groups, as enhanced CT and MR files keep them."""
    from pydicom.sequence import Sequence

    path.parent.mkdir(parents=True, exist_ok=True)
    dataset = _dataset(ENHANCED_CT, generate_uid(), size, size)
    dataset.NumberOfFrames = count
    orientation = Dataset()
    orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    shared = Dataset()
    shared.PlaneOrientationSequence = Sequence([orientation])
    dataset.SharedFunctionalGroupsSequence = Sequence([shared])
    stored = list(reversed(range(count)))  # head first
    groups = []
    for index in stored:
        position = Dataset()
        position.ImagePositionPatient = [-80.0, -80.0, SPACING * index]
        group = Dataset()
        group.PlanePositionSequence = Sequence([position])
        groups.append(group)
    dataset.PerFrameFunctionalGroupsSequence = Sequence(groups)
    dataset.PixelData = b"".join(_stored(slice_pixels(i, count, size)) for i in stored)
    dataset.save_as(path, enforce_file_format=True)
    return path
