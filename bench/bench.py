"""Time a cold build of the seed case against a bare reportlab + python-pptx baseline.

Both run as whole processes (imports included), each at least 5 times; the medians and their
ratio are printed. Target: casedocs within 1.5x of the baseline.

    make bench            # or: .venv/bin/python bench/bench.py [--runs N] [CASE.yaml]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from casedocs.build import load_document
from casedocs.deck.plan import plan_deck
from casedocs.fonts import find_family
from casedocs.inline import Span

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5


def baseline_input(case: Path, work: Path) -> Path:
    """The case's text and prepared figures, written out for the baseline to place."""
    document = load_document(case).document
    figures = []
    for figure in document.figures:
        file = work / figure.image.name
        file.write_bytes(figure.image.data)
        figures.append({"file": str(file), "aspect": figure.image.aspect})
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
        "slides": len(plan_deck(document)),
        "fonts": {"Regular": str(family.regular), "Bold": str(family.bold)},
    }
    path = work / "baseline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", type=Path, default=REPO / "content" / "is-case-4.yaml")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = baseline_input(args.case, work)
        casedocs = [
            sys.executable,
            "-m",
            "casedocs.cli",
            "build",
            str(args.case),
            "--out",
            str(work / "out"),
        ]
        baseline = [sys.executable, str(REPO / "bench" / "baseline.py"), str(data), str(work)]
        ours = median_seconds(casedocs, args.runs)
        theirs = median_seconds(baseline, args.runs)
        sizes = {p.name: p.stat().st_size for p in sorted((work / "out").rglob("*.*"))}
    ratio = ours / theirs
    print(f"case: {args.case.name}, median of {args.runs} cold runs (whole processes)")
    print(f"casedocs build (handout + deck): {ours:.3f} s")
    print(f"baseline (reportlab + python-pptx, no validation): {theirs:.3f} s")
    print(
        f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x): "
        f"{'ok' if ratio <= TARGET_RATIO else 'OVER TARGET'}"
    )
    for name, size in sizes.items():
        print(f"{name}: {size / 1024:.0f} KiB")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
