"""A build with nothing to do is answered from the last build's record (issue 9): before any
case is validated or any renderer imported; anything that changed takes the full path."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from casedocs.cli import main
from conftest import make_image, write_case_file


def build(case: Path, out: Path, *extra: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        assert main(["build", str(case), "--out", str(out), *extra]) == 0, stderr.getvalue()
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    case = write_case_file(tmp_path)
    out = tmp_path / "out"
    stdout, _ = build(case, out)
    assert stdout.count("wrote ") == 4
    return case, out


def test_a_build_with_nothing_to_do_imports_no_model_and_no_renderer(built) -> None:
    case, out = built
    script = (
        "import sys\n"
        "from casedocs.cli import main\n"
        f"code = main(['build', {str(case)!r}, '--out', {str(out)!r}])\n"
        "heavy = {'pydantic', 'reportlab', 'pptx', 'pypdf', 'PIL', 'numpy', 'markdown_it'}\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr
    assert result.stdout.count("up to date: ") == 4


def test_the_quick_answer_repeats_the_warnings(built) -> None:
    case, out = built
    _, first = build(case, out)
    _, again = build(case, out)
    assert first == again and "warning" in again  # the images are shown enlarged


@pytest.mark.parametrize("change", ["case", "image", "output", "option", "date"])
def test_any_change_takes_the_full_path(built, change: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    case, out = built
    extra: list[str] = []
    if change == "case":
        case.write_text(case.read_text().replace("Surgical resection.", "Resection."))
    elif change == "image":
        make_image(case.parent / "images" / "cta.png", (410, 400))
    elif change == "output":
        (out / "slides" / "case-17.pptx").write_bytes(b"edited by hand")
    elif change == "option":
        extra = ["--paper", "a4"]
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stdout, _ = build(case, out, *extra)
    assert "wrote " in stdout, stdout


def test_a_conference_is_fresh_only_while_its_cases_are(tmp_path: Path) -> None:
    case = write_case_file(tmp_path / "a")
    conference = tmp_path / "conference.yaml"
    conference.write_text("id: chest-day\ntitle: Chest conference\ncases: [a/case.yaml]\n",
                          encoding="utf-8")
    out = tmp_path / "out"
    build(conference, out)
    assert "wrote " not in build(conference, out)[0]
    case.write_text(case.read_text().replace("Surgical resection.", "Resection."))
    assert "wrote " in build(conference, out)[0]


def test_a_file_as_the_last_build_saw_it_keeps_its_hash_without_being_read(
    tmp_path: Path,
) -> None:
    """A stack's hundreds of slices are hashed once, not on every build."""
    from casedocs.build.freshness import FileState

    path = tmp_path / "slice.dcm"
    path.write_bytes(b"pixels")
    first = FileState.of(path, private=True)
    assert first is not None and first.sha256
    remembered = FileState(first.path, first.size, first.mtime_ns, "hash-of-last-build")
    again = FileState.of(path, private=True, known={first.path: remembered})
    assert again == remembered  # same size and time: its hash is not worked out again
    path.write_bytes(b"other pixels")
    changed = FileState.of(path, private=True, known={first.path: remembered})
    assert changed is not None and changed.sha256 not in ("", "hash-of-last-build")
