"""What reading an image for burned-in text costs, and what one OpenMP thread per tesseract
buys (figures/burned_in.py sets OMP_THREAD_LIMIT=1 while tesseract runs).

A build prepares images on two worker processes; tesseract, left alone, starts as many OpenMP
threads as there are cores in each, and the two fight. This reads IMAGES ultrasound-like
800 x 600 images (full-strength speckle, a burned-in header) on two processes, with the
limit (as casedocs runs) and without it, and prints seconds per image. Target: under 2 s
an image, and the limit at least 1.3 times faster with two workers on a machine of two or
more cores.

    make bench            # or: .venv/bin/python bench/ocr.py [--images N]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from casedocs.figures import burned_in  # noqa: E402

TARGET_GAIN = 1.3
TARGET_SECONDS = 2.0


def ultrasound(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    rows, columns = np.mgrid[0:600, 0:800]
    sector = (np.abs(np.arctan2(columns - 400, rows - 40)) < 0.6) & (rows > 80) & (rows < 580)
    pixels = np.where(sector, rng.rayleigh(0.35, (600, 800)) * 200, 0.0)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    draw.text((10, 10), f"SMITH, JOHN  MRN 0042{seed:04d}", fill=230, font=font)
    draw.text((600, 10), "LOGIQ E9  MI 1.1", fill=230, font=font)
    return image


def read(arguments: tuple[int, bool]) -> int:
    seed, limited = arguments
    if not limited:  # as before the limit: tesseract's own thread count
        burned_in.variable_set = lambda name, value: contextlib.nullcontext()
    return len(burned_in.text_boxes(ultrasound(seed)))


def seconds_per_image(images: int, limited: bool) -> float:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(read, [(0, limited), (1, limited)])  # warm: tesseract's data read once
        start = time.perf_counter()
        found = pool.map(read, [(seed, limited) for seed in range(images)])
        elapsed = time.perf_counter() - start
    if min(found) < 1:
        sys.exit("OCR found no text in an image that has some: the benchmark is not measuring")
    return elapsed / images


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=8)
    images = parser.parse_args().images
    if shutil.which("tesseract") is None:
        print("ocr: tesseract is not installed (apt-get install tesseract-ocr); nothing measured")
        return 1
    os.environ.pop("OMP_THREAD_LIMIT", None)
    limited = seconds_per_image(images, limited=True)
    unlimited = seconds_per_image(images, limited=False)
    gain = unlimited / limited
    cores = os.cpu_count() or 1
    print(f"ocr: {images} images of 800 x 600 on 2 workers, {cores} cores: "
          f"{limited:.2f} s an image with OMP_THREAD_LIMIT=1, {unlimited:.2f} s without "
          f"({gain:.1f} times)")
    met = limited <= TARGET_SECONDS and (cores < 2 or gain >= TARGET_GAIN)
    print(f"ocr: target {TARGET_SECONDS:g} s an image and {TARGET_GAIN:g} times: "
          f"{'met' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
