"""A twelve-figure case for the image pipeline benchmark, generated on the fly.

Three large radiographs (2500 x 3000, 16-bit PNG) and nine CT sections (512 x 512 DICOM), with
realistic noise: smooth synthetic images compress to nothing and would hide size problems.
Deterministic (fixed seeds); nothing is committed or downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.uid import CTImageStorage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from phantom import new_dataset  # noqa: E402  (the tests' DICOM instance, file meta and all)

RADIOGRAPHS, CT_SECTIONS = 3, 9


def write_case(folder: Path) -> Path:
    """Write the images and the case file into `folder`; return the case file's path."""
    rng = np.random.default_rng(12)
    figures, findings = [], []
    for i in range(RADIOGRAPHS):
        name = f"radiograph-{i + 1}.png"
        _radiograph(rng).save(folder / name)
        figures.append(_figure(f"xr-{i + 1}", name, "Frontal radiograph."))
    for i in range(CT_SECTIONS):
        name = f"ct-{i + 1}.dcm"
        _ct_section(rng, i).save_as(folder / name, enforce_file_format=True)
        figures.append(_figure(f"ct-{i + 1}", name, "Axial CT.", window="soft-tissue"))
    ids = [f"xr-{i + 1}" for i in range(RADIOGRAPHS)] + [f"ct-{i + 1}" for i in range(CT_SECTIONS)]
    for first, second in zip(ids[::2], ids[1::2], strict=True):
        findings.append(
            f"  - figures: [{first}, {second}]\n"
            f"    text: Findings on [@fig-{first}; @fig-{second}].\n"
        )
    case = folder / "bench-case.yaml"
    case.write_text(
        "id: bench-12\nseries: Bench Case\nnumber: 12\ntitle: Benchmark case\n"
        "history: A synthetic case with twelve figures.\nfigures:\n"
        + "".join(figures)
        + "findings:\n"
        + "".join(findings)
        + "diagnosis: Not applicable\n",
        encoding="utf-8",
    )
    return case


def _figure(figure_id: str, name: str, caption: str, window: str | None = None) -> str:
    lines = f"  - id: {figure_id}\n    file: {name}\n    caption: {caption}\n"
    lines += "    annotations:\n      - arrow: [0.45, 0.5]\n"
    return lines + (f"    window: {window}\n" if window else "")


def _radiograph(rng: np.random.Generator) -> Image.Image:
    height, width = 3000, 2500
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    chest = np.exp(
        -(((x - width / 2) / (width * 0.38)) ** 4 + ((y - height / 2) / (height * 0.42)) ** 4)
    )
    lungs = np.exp(
        -(((np.abs(x - width / 2) - width * 0.18) / (width * 0.1)) ** 2)
        - ((y - height * 0.45) / (height * 0.22)) ** 2
    )
    signal = 9000 * chest - 5000 * lungs + 3000
    noisy = signal + rng.normal(0, 400, signal.shape).astype(np.float32)
    return Image.fromarray(np.clip(noisy, 0, 65535).astype(np.uint16))


def _ct_section(rng: np.random.Generator, index: int) -> Dataset:
    size = 512
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) - size / 2
    body = (x / 220) ** 2 + (y / 170) ** 2 < 1
    lungs = ((np.abs(x) - 90) / 70) ** 2 + ((y + 10) / 110) ** 2 < 1
    spine = (x / 30) ** 2 + ((y - 120) / 30) ** 2 < 1
    hounsfield = np.where(body, 40.0, -1000.0)
    hounsfield = np.where(lungs, -850.0, hounsfield)
    hounsfield = np.where(spine, 600.0 + 10 * index, hounsfield)
    hounsfield += rng.normal(0, 25, hounsfield.shape)
    stored = np.clip(hounsfield + 1024, 0, 4095).astype(np.uint16)
    dataset = new_dataset(CTImageStorage)
    dataset.Modality = "CT"
    dataset.Rows = dataset.Columns = size
    dataset.SamplesPerPixel, dataset.PhotometricInterpretation = 1, "MONOCHROME2"
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 12, 11
    dataset.PixelRepresentation = 0
    dataset.RescaleSlope, dataset.RescaleIntercept = 1, -1024
    dataset.PixelData = stored.tobytes()
    return dataset
