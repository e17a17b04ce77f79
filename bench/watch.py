"""How fast `casedocs watch` rebuilds a save (issue 12: within a second of a save).

For the seed case (every output, then --only handout) and the tests' small case (likewise),
copied to a temporary folder: start `casedocs watch`, wait until it watches, then save an
edit of the case file N times (a second apart) and time each save to its outputs written:
to the build's summary line (every output written and recorded) and to the newest written
output's modification time. Target: every save, the first included, written within 1 s.

    make bench            # or: .venv/bin/python bench/watch.py [--saves N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
DEADLINE_S = 60.0


class Watch:
    """`casedocs watch ARGS` in `cwd`, each line of its output with the time it came."""

    def __init__(self, args: list[str], cwd: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "casedocs.cli", "watch", *args], cwd=cwd,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append((time.time(), line.rstrip("\n")))
                self.changed.notify_all()

    def wait_for(self, start: str, after: int = 0) -> tuple[float, int]:
        """When the first line from `after` on starting with `start` came, and its index."""
        ends = time.monotonic() + DEADLINE_S
        with self.changed:
            while True:
                for index, (when, line) in enumerate(self.lines[after:], after):
                    if line.startswith(start):
                        return when, index
                if time.monotonic() > ends or self.process.poll() is not None:
                    text = "\n".join(line for _, line in self.lines)
                    raise SystemExit(f"bench/watch.py: no line {start!r}; the watch said:\n{text}")
                self.changed.wait(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=DEADLINE_S)


def seed_case(folder: Path) -> tuple[Path, str]:
    """The seed case and its images, as laid out in the repository; the text an edit
    changes."""
    case = folder / "content" / "is-case-4.yaml"
    case.parent.mkdir(parents=True)
    shutil.copy(REPO / "content" / "is-case-4.yaml", case)
    shutil.copytree(REPO / "assets" / "is-case-4", folder / "assets" / "is-case-4")
    return case, "multiple venous thromboses."


def small_case(folder: Path) -> tuple[Path, str]:
    """The tests' minimal case (tests/conftest.py), with its two images."""
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import write_case_file

    return write_case_file(folder), "Surgical resection."


def time_saves(case: Path, text: str, options: list[str], saves: int) -> list[float]:
    """Seconds from each save of `case` to its outputs written (summary line, newest output)."""
    out = case.parent / "out"
    watch = Watch([case.name, "--out", str(out), *options], cwd=case.parent)
    times = []
    try:
        watch.wait_for("watching ")
        original = case.read_text(encoding="utf-8")
        for n in range(1, saves + 1):
            time.sleep(1.0)
            mark = len(watch.lines)
            saved = time.time()
            case.write_text(original.replace(text, text[:-1] + f" (save {n})."),
                            encoding="utf-8")
            done, index = watch.wait_for("casedocs: ", after=mark)
            lines = [line for _, line in watch.lines[mark:index + 1]]
            if not lines[-1].startswith("casedocs: 1 input: 1 built"):
                raise SystemExit("bench/watch.py: the save was not built:\n" + "\n".join(lines))
            written = [Path(line.removeprefix("wrote ")) for line in lines
                       if line.startswith("wrote ")]
            newest = max(path.stat().st_mtime for path in written)
            times.append((done - saved, newest - saved))
    finally:
        watch.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    ok = True
    print(f"== casedocs watch: save to outputs written, {args.saves} saves a second apart")
    for name, make in (("seed case", seed_case), ("small case", small_case)):
        for options in ([], ["--only", "handout"]):
            with tempfile.TemporaryDirectory() as work:
                case, text = make(Path(work))
                times = time_saves(case, text, options, args.saves)
            summary = [t for t, _ in times]
            output = [t for _, t in times]
            worst = max(summary)
            ok &= worst <= TARGET_S
            shown = " ".join(options) or "every output"
            print(f"{name}, {shown}: first save {summary[0]:.3f} s, median "
                  f"{statistics.median(summary):.3f} s, slowest {worst:.3f} s (newest output "
                  f"written: median {statistics.median(output):.3f} s) "
                  f"(target <= {TARGET_S} s): {'ok' if worst <= TARGET_S else 'OVER TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
