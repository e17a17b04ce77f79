"""A teaching file at scale: N generated cases (default 1000), each with its own images.

In one run, each figure against its target (on the machine's cores):
- cold build of every output (`casedocs build`: handout, worksheet, deck, unknown deck) against
  the floor (bench/floor.py: bare reportlab + python-pptx converting each case's images once
  and writing the same four files with an embedded TrueType font, on as many processes);
  target <= 1.3x;
- peak memory of the whole build (every process; RSS summed, and PSS, which counts pages the
  forked workers share once); target <= 400 MB;
- the site (`casedocs site`: those four files, a page per case, the index and library) cold,
  as time on top of the cold build; target <= 30 s;
- one case edited, then the site built again; target <= 2 s.

    make bench              # or: .venv/bin/python bench/scale.py [N] [--jobs J] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"ratio": 1.3, "memory_mb": 400.0, "site_s": 30.0, "edit_s": 2.0}
SUBSPECIALTIES = ("chest", "neuro", "abdomen", "MSK", "paediatrics", "emergency", "GU")
MODALITIES = ("[CR, CT]", "CT", "[MR]", "[CT, MR]", "[US, CT]")
ANATOMY = ("posterior mediastinum", "lung", "liver", "brain", "pelvis", "kidney", "spine")


# -- the corpus ---------------------------------------------------------------------------------


def write_corpus(folder: Path, count: int, jobs: int) -> None:
    """`count` cases, the seed's text with their own numbers, metadata and drawn images."""
    folder.mkdir(parents=True, exist_ok=True)
    with get_context("fork").Pool(jobs) as pool:
        pool.starmap(_write_case, [(folder, n) for n in range(1, count + 1)], chunksize=8)


def _write_case(folder: Path, number: int) -> None:
    images = folder / "images" / f"{number:04d}"
    images.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(number)
    _radiograph(rng).save(images / "cxr.jpg", quality=90)
    _section(rng).save(images / "ct-1.png")
    _section(rng).save(images / "ct-2.png")
    text = (REPO / "content" / "is-case-4.yaml").read_text(encoding="utf-8")
    replacements = {
        "id: is-case-4": f"id: scale-{number:04d}",
        "series: IS Case": "series: Scale Case",
        "number: 4": f"number: {number}",
        "30-year-old": f"{18 + number % 60}-year-old",
        "../assets/is-case-4/cxr.png": f"images/{number:04d}/cxr.jpg",
        "../assets/is-case-4/ct-1.png": f"images/{number:04d}/ct-1.png",
        "../assets/is-case-4/ct-2.png": f"images/{number:04d}/ct-2.png",
        "modality: [CR, CT]": f"modality: {MODALITIES[number % len(MODALITIES)]}",
        "anatomy: [posterior mediastinum, paraspinal region]":
            f"anatomy: [{ANATOMY[number % len(ANATOMY)]}]",
        "subspecialty: chest": f"subspecialty: {SUBSPECIALTIES[number % len(SUBSPECIALTIES)]}",
        "difficulty: 2": f"difficulty: {1 + number % 3}",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / f"scale-{number:04d}.yaml").write_text(text, encoding="utf-8")


def _radiograph(rng: np.random.Generator) -> Image.Image:
    """A frontal-radiograph-like picture: a body, lungs, a spine, film grain."""
    width, height = 1200, 1500
    image = Image.new("L", (width, height), 15)
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 150, 1100, 1450), fill=170)
    for side in (0, 1):
        left = 180 + side * 470 + int(rng.integers(-30, 30))
        draw.ellipse((left, 250, left + 370, 1250), fill=60)
    draw.rectangle((560, 150, 640, 1450), fill=215)
    for _ in range(6):
        x, y, r = (int(v) for v in rng.integers((200, 300, 20), (1000, 1200, 90)))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.integers(90, 200)))
    return _grainy(image, rng, blur=6, noise=6)


def _section(rng: np.random.Generator) -> Image.Image:
    """An axial-CT-like picture, 512 x 512 with noise."""
    image = Image.new("L", (512, 512), 0)
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 90, 472, 430), fill=110)
    draw.ellipse((90, 130, 240, 380), fill=25)
    draw.ellipse((272, 130, 422, 380), fill=25)
    draw.ellipse((226, 300, 286, 360), fill=230)
    for _ in range(4):
        x, y, r = (int(v) for v in rng.integers((120, 150, 8), (400, 380, 40)))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.integers(80, 180)))
    return _grainy(image, rng, blur=2, noise=5)


def _grainy(image: Image.Image, rng: np.random.Generator, blur: float, noise: float) -> Image.Image:
    """Soft edges and film grain, as a real image has."""
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(blur)), dtype=np.float32)
    pixels += rng.normal(0, noise, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def floor_input(folder: Path, work: Path) -> Path:
    """What the floor writes for each case: its text and its images."""
    sys.path.insert(0, str(REPO / "src"))
    from casedocs.fonts import find_family

    family = find_family()
    text = (REPO / "content" / "is-case-4.yaml").read_text(encoding="utf-8")
    paragraphs = [line.strip() for line in text.split("\n\n") if len(line.strip()) > 80]
    cases = [
        {
            "id": path.stem,
            "paragraphs": paragraphs,
            "images": [str(p) for p in sorted((folder / "images" / path.stem[-4:]).iterdir())],
            "slides": 16,
            "unknown_slides": 6,
        }
        for path in sorted(folder.glob("*.yaml"))
    ]
    fonts = {"Regular": str(family.regular)}
    path = work / "floor.json"
    path.write_text(json.dumps({"cases": cases, "fonts": fonts}), encoding="utf-8")
    return path


# -- measuring ----------------------------------------------------------------------------------


class MemoryWatch:
    """The peak, over a command's run, of the memory of it and every process it started."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_rss = self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            for pid in _tree(self.pid):
                found = _memory(pid)
                rss, pss = rss + found[0], pss + found[1]
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            time.sleep(0.05)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _memory(pid: int) -> tuple[int, int]:
    """RSS and PSS in kB."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:]
              if line.split()[-1] == "kB"}
    return values.get("Rss", 0), values.get("Pss", 0)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, MemoryWatch, str]:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    watch = MemoryWatch(process.pid)
    out, _ = process.communicate()
    elapsed = time.perf_counter() - start
    watch.stop()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{out[-2000:]}")
    return elapsed, watch, out


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER TARGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="casedocs-scale-"))
    try:
        return run(work, args.count, args.jobs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, count: int, jobs: int) -> int:
    cases = work / "cases"
    started = time.perf_counter()
    if not cases.is_dir():
        write_corpus(cases, count, jobs)
    print(f"== {count} generated cases (3 figures each: a 1200 x 1500 JPEG radiograph, two "
          f"512 x 512 PNG CT sections), {jobs} processes; made in "
          f"{time.perf_counter() - started:.0f} s")
    env = {**os.environ, "CASEDOCS_JOBS": str(jobs), "PYTHONUNBUFFERED": "1"}
    python = sys.executable
    floor_data = floor_input(cases, work)
    for folder in ("floor", "build", "site", ".site-cache"):
        shutil.rmtree(work / folder, ignore_errors=True)
    floor, floor_memory, _ = timed(
        [python, str(REPO / "bench" / "floor.py"), str(floor_data), str(work / "floor"),
         str(jobs)], env)
    build, build_memory, said = timed(
        [python, "-m", "casedocs.cli", "build", str(cases), "--out", str(work / "build")], env)
    print(f"   {said.strip().splitlines()[-1]}")
    site, site_memory, said = timed(
        [python, "-m", "casedocs.cli", "site", str(cases), "--out", str(work / "site")], env)
    print(f"   {said.strip().splitlines()[-1]}")
    edited = cases / f"scale-{count // 2:04d}.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        "shortness of breath", "shortness of breath on exertion"), encoding="utf-8")
    edit, edit_memory, said = timed(
        [python, "-m", "casedocs.cli", "site", str(cases), "--out", str(work / "site")], env)
    print(f"   {said.strip().splitlines()[-1]}")
    ratio = build / floor
    on_top = site - build
    peak_rss = max(build_memory.peak_rss, site_memory.peak_rss) / 1024
    peak_pss = max(build_memory.peak_pss, site_memory.peak_pss) / 1024
    results = [
        ("cold build", f"{build:.1f} s against the floor's {floor:.1f} s = {ratio:.2f}x",
         ratio, TARGETS["ratio"], "x"),
        ("peak memory", f"{peak_pss:.0f} MB PSS ({peak_rss:.0f} MB RSS summed over processes;"
         f" the floor: {floor_memory.peak_pss / 1024:.0f} MB PSS)",
         peak_pss, TARGETS["memory_mb"], " MB"),
        ("the site", f"{site:.1f} s cold, {on_top:.1f} s on top of the build",
         on_top, TARGETS["site_s"], " s"),
        ("one case edited", f"{edit:.2f} s to bring the site up to date",
         edit, TARGETS["edit_s"], " s"),
    ]
    ok = True
    for name, detail, value, target, unit in results:
        ok &= value <= target
        print(f"{name}: {detail} (target <= {target:g}{unit}): {_verdict(value, target)}")
    sizes = sum(p.stat().st_size for p in (work / "site").rglob("*") if p.is_file())
    print(f"site folder: {sizes / 1e6:.0f} MB for {count} cases")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
