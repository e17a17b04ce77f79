"""A 300-slice CT series as a figure (issue 21) against the same case with its key slice only.

The series is tests/phantom.py's (512 x 512, 16 bits, positions in shuffled file order); the
case is the tests' small case with its CT figure made the stack (or the one image). Each is
built cold, as `casedocs build` then `casedocs site`, whole processes with an empty output
folder and cache, and again after its history is edited. Measured:

- cold: the stack's time over the one image's (target <= 8x), and the peak memory of each
  (slices are streamed, so it should stay near the one image's);
- after a text edit: the stack's time over the one image's (target <= 1.2x: "as fast");
- the deck's video: bytes per slice (target <= 40 KB);
- the site page's first view before any scroll: the page, its style sheet and script, and
  what it shows (target <= 300 KB).

    make bench            # or: .venv/bin/python bench/stack.py [--slices N] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import write_case_file  # noqa: E402
from phantom import write_series  # noqa: E402

COLD_TARGET = 8.0
EDIT_TARGET = 1.2
VIDEO_TARGET_BYTES = 40_000
FIRST_VIEW_TARGET_BYTES = 300_000
CTA = "  - id: cta\n    file: images/cta.png\n"


def make_cases(root: Path, slices: int) -> tuple[Path, Path]:
    """The stack case and the one-image case (the stack's key slice as its file)."""
    series = write_series(root / "series" / "images" / "ct", count=slices, size=512, noise=12)
    key = slices // 2 + 1
    stack = write_case_file(root / "series", ((
        CTA, f"  - id: cta\n    stack: images/ct\n    key: {key}\n    view: Axial CT\n"),))
    single_folder = root / "single" / "images"
    single_folder.mkdir(parents=True)
    shutil.copy(series[key - 1], single_folder / "key.dcm")
    single = write_case_file(root / "single", ((
        CTA, "  - id: cta\n    file: images/key.dcm\n    view: Axial CT\n"),))
    return stack, single


def build(case: Path, out: Path) -> tuple[float, int]:
    """Seconds to build the handouts, decks and site of `case`; the larger peak memory (KB,
    resident) of the two commands."""
    started = time.perf_counter()
    peak = 0
    for command in (["build", str(case), "--out", str(out / "build")],
                    ["site", str(case), "--out", str(out / "site")]):
        process = subprocess.Popen([sys.executable, "-m", "casedocs.cli", *command],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"casedocs {' '.join(command)} failed")
        peak = max(peak, usage.ru_maxrss)
    return time.perf_counter() - started, peak


def edit(case: Path, number: int) -> None:
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("recurrent", f"recurrent ({number})", 1)
                    if number == 1 else text.replace(f"({number - 1})", f"({number})"),
                    encoding="utf-8")


def first_view_bytes(site: Path) -> int:
    """The case page, its style sheet and script, and the images it shows before the answer
    and before any scroll: the stack's key frame (frames not reached, the answer's images and
    the full-size views are not fetched until asked for)."""
    page = site / "pages" / "case-17.html"
    html = page.read_text(encoding="utf-8")
    shown = html.split("<details", 1)[0].split('class="lightbox"', 1)[0]
    total = page.stat().st_size
    total += sum((site / "assets" / name).stat().st_size for name in ("site.css", "site.js"))
    for source in re.findall(r'<img src="([^"]+)"', shown):
        total += (page.parent / source).stat().st_size
    return total


def video_bytes(deck: Path) -> int:
    with zipfile.ZipFile(deck) as package:
        return sum(package.getinfo(n).file_size for n in package.namelist() if n.endswith(".mp4"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        print(f"== a {args.slices}-slice 512 x 512 series against its key slice, "
              f"medians of {args.runs} runs")
        stack, single = make_cases(root, args.slices)
        cold: dict[str, list[float]] = {"stack": [], "single": []}
        peaks: dict[str, int] = {"stack": 0, "single": 0}
        edited: dict[str, list[float]] = {"stack": [], "single": []}
        for run in range(args.runs):
            for name, case in (("stack", stack), ("single", single)):
                out = root / f"out-{name}"
                shutil.rmtree(out, ignore_errors=True)
                seconds, peak = build(case, out)
                cold[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
                edit(case, run + 1)
                edited[name].append(build(case, out)[0])
        ratio = statistics.median(cold["stack"]) / statistics.median(cold["single"])
        ok &= ratio <= COLD_TARGET
        print(f"cold: {statistics.median(cold['stack']):.2f} s against "
              f"{statistics.median(cold['single']):.2f} s = {ratio:.1f}x (target <= "
              f"{COLD_TARGET}x): {'ok' if ratio <= COLD_TARGET else 'OVER TARGET'}")
        print(f"peak memory: {peaks['stack'] / 1024:.0f} MB against "
              f"{peaks['single'] / 1024:.0f} MB")
        ratio = statistics.median(edited["stack"]) / statistics.median(edited["single"])
        ok &= ratio <= EDIT_TARGET
        print(f"after a text edit: {statistics.median(edited['stack']):.2f} s against "
              f"{statistics.median(edited['single']):.2f} s = {ratio:.2f}x (target <= "
              f"{EDIT_TARGET}x): {'ok' if ratio <= EDIT_TARGET else 'OVER TARGET'}")
        per_slice = video_bytes(root / "out-stack" / "build" / "slides" / "case-17.pptx")
        per_slice /= args.slices
        ok &= per_slice <= VIDEO_TARGET_BYTES
        print(f"deck video: {per_slice / 1000:.1f} KB per slice (target <= "
              f"{VIDEO_TARGET_BYTES / 1000:.0f} KB): "
              f"{'ok' if per_slice <= VIDEO_TARGET_BYTES else 'OVER TARGET'}")
        first = first_view_bytes(root / "out-stack" / "site")
        ok &= first <= FIRST_VIEW_TARGET_BYTES
        print(f"site page, first view: {first / 1000:.0f} KB (target <= "
              f"{FIRST_VIEW_TARGET_BYTES / 1000:.0f} KB): "
              f"{'ok' if first <= FIRST_VIEW_TARGET_BYTES else 'OVER TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
