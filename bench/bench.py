"""Time builds of the seed case against a bare reportlab + python-pptx baseline.

- Cold builds (empty output folder and cache, whole processes, imports included; our modules'
  bytecode compiled first, as every library's is when installed) against the baseline that
  writes the same four files (bench/baseline.py), with the default two processes and with
  CASEDOCS_JOBS=1. The commands are paired and run alternately, so a busy machine
  moves both sides of a ratio alike. Targets: 1.3x and 1.5x.
- A build with nothing to do, against `python -c pass` in the same run. Target: 0.12 s.
- A twelve-figure case, cold and warm.

    make bench            # or: .venv/bin/python bench/bench.py [--runs N] [CASE.yaml]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from many_figures import write_case

from casedocs.document.inline import Span
from casedocs.figures import FigureImages
from casedocs.fonts import find_family
from casedocs.load import load_document
from casedocs.render.deck.plan import plan_deck

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = {"2": 1.3, "1": 1.5}  # CASEDOCS_JOBS -> cold build over the baseline
NO_CHANGE_TARGET = 0.12  # seconds
WARM_TARGET = 0.30
HANDOUT_TARGET_MB = 4


def baseline_input(case: Path, work: Path) -> Path:
    """The case's text and prepared figures, written out for the baseline to place."""
    images = FigureImages()
    document = load_document(case, images).document
    figures = []
    for figure in document.figures:
        source = figure.source
        image = images.prepare(source, source.width, source.height, 1.0, "baseline")
        file = work / image.name
        file.write_bytes(image.data)
        figures.append({"file": str(file), "aspect": image.aspect})
    blocks = [
        document.history,
        *(f.text for f in document.findings),
        *document.discussion,
        *document.teaching_points,
        *document.management,
        *(r.text for r in document.references),
    ]
    family = find_family()
    data = {
        "paragraphs": ["".join(s.text for s in spans if isinstance(s, Span)) for spans in blocks],
        "figures": figures,
        "slides": len(plan := plan_deck(document)),
        "unknown_slides": sum(slide.part == "unknown" for slide in plan),
        "fonts": {  # the four faces the handout's text uses
            "Regular": str(family.regular),
            "Bold": str(family.bold),
            "Italic": str(family.italic),
            "BoldItalic": str(family.bold_italic),
        },
    }
    path = work / "baseline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def median_seconds(
    command: list[str], runs: int, fresh: Path | None = None, env: dict | None = None
) -> float:
    """Median wall time of `runs` runs; `fresh` (an output folder) is removed before each,
    so every run is cold."""
    return statistics.median(one_run(command, fresh, env) for _ in range(runs))


def one_run(command: list[str], fresh: Path | None = None, env: dict | None = None) -> float:
    if fresh is not None:
        shutil.rmtree(fresh, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def paired(
    first: Callable[[], float], second: Callable[[], float], runs: int
) -> tuple[float, float]:
    """Medians of two timings taken alternately."""
    times = [(first(), second()) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", type=Path, default=REPO / "content" / "is-case-4.yaml")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    # Our modules' bytecode, as the libraries on both sides have theirs: with
    # PYTHONDONTWRITEBYTECODE set (as in some CI images) every run would compile them again.
    compileall.compile_dir(REPO / "src", quiet=1)
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = baseline_input(args.case, work)
        out = work / "out"
        casedocs = [sys.executable, "-m", "casedocs.cli", "build", str(args.case)]
        casedocs += ["--out", str(out)]
        baseline = [sys.executable, str(REPO / "bench" / "baseline.py"), str(data), str(work)]
        print(f"== seed case: {args.case.name}, medians of {args.runs} paired runs")
        for jobs, target in TARGET_RATIO.items():
            env = {**os.environ, "CASEDOCS_JOBS": jobs}
            ours, theirs = paired(lambda env=env: one_run(casedocs, out, env),
                                  lambda: one_run(baseline), args.runs)
            ratio = ours / theirs
            ok &= ratio <= target
            print(f"cold build, CASEDOCS_JOBS={jobs}: {ours:.3f} s against the baseline's "
                  f"{theirs:.3f} s = {ratio:.2f}x (target <= {target}x): "
                  f"{'ok' if ratio <= target else 'OVER TARGET'}")
        one_run(casedocs)  # the outputs and the build's record exist: nothing to do
        unchanged, bare = paired(lambda: one_run(casedocs),
                                 lambda: one_run([sys.executable, "-c", "pass"]), args.runs)
        ok &= unchanged <= NO_CHANGE_TARGET
        print(f"nothing to do: {unchanged:.3f} s, {unchanged / bare:.1f}x `python -c pass` "
              f"({bare:.3f} s) (target <= {NO_CHANGE_TARGET} s): "
              f"{'ok' if unchanged <= NO_CHANGE_TARGET else 'OVER TARGET'}")
        sizes = {p.name: p.stat().st_size for p in [*(out / "handouts").iterdir(),
                                                     *(out / "slides").iterdir()]}
    for name, size in sizes.items():
        print(f"{name}: {size / 1024:.0f} KiB")
    ok &= bench_many_figures(args.runs)
    return 0 if ok else 1


def bench_many_figures(runs: int) -> bool:
    """Cold (empty cache) and warm (nothing changed) builds of a twelve-figure case."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        case = write_case(work)
        out = work / "out"
        build = [sys.executable, "-m", "casedocs.cli", "build", str(case), "--out", str(out)]
        cold_time = median_seconds(build, max(3, runs // 2), fresh=out)
        warm = median_seconds(build, max(3, runs // 2))
        handout = (out / "handouts" / "bench-12.pdf").stat().st_size
        deck = (out / "slides" / "bench-12.pptx").stat().st_size
    share = warm / cold_time
    print("== twelve-figure case (3 radiographs 2500 x 3000 16-bit, 9 CT 512 x 512 DICOM)")
    print(f"cold build (empty cache): {cold_time:.3f} s")
    print(
        f"warm build (nothing changed): {warm:.3f} s = {share:.0%} of cold (target < "
        f"{WARM_TARGET:.0%}): {'ok' if share < WARM_TARGET else 'OVER TARGET'}"
    )
    print(
        f"handout: {handout / 1e6:.2f} MB (target < {HANDOUT_TARGET_MB} MB): "
        f"{'ok' if handout < HANDOUT_TARGET_MB * 1e6 else 'OVER TARGET'}"
    )
    print(f"deck: {deck / 1e6:.2f} MB")
    return share < WARM_TARGET and handout < HANDOUT_TARGET_MB * 1e6


if __name__ == "__main__":
    sys.exit(main())
