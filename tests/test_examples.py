"""The example corpus (content/examples/, issue 8): cases written the way teaching files are
written, across subspecialties. Every one builds, all four outputs, with no false alarm from the
answer check; so does a conference of all of them (the packet floats many figures)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from casedocs.cli import main
from conftest import REPO

EXAMPLES = sorted((REPO / "content" / "examples").glob("*.yaml"))
CONFERENCES = sorted((REPO / "content" / "examples" / "conferences").glob("*.yaml"))
SUBSPECIALTY_PREFIXES = ("neuro", "chest", "msk", "abd", "peds", "breast", "nm", "us", "ir")


def build(*paths: Path, out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", *map(str, paths), "--out", str(out)])
    return code, err.getvalue()


def test_the_corpus_covers_the_subspecialties() -> None:
    assert len(EXAMPLES) >= 12
    for prefix in SUBSPECIALTY_PREFIXES:
        assert any(path.stem.startswith(f"{prefix}-") for path in EXAMPLES), prefix
    assert CONFERENCES


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    code, err = build(*EXAMPLES, *CONFERENCES, out=out)
    assert code == 0, err
    assert "Traceback" not in err
    return out


@pytest.mark.parametrize("case", EXAMPLES + CONFERENCES, ids=lambda path: path.stem)
def test_every_example_builds_all_four_outputs(built: Path, case: Path) -> None:
    names = {f"handouts/{case.stem}.pdf", f"handouts/{case.stem}-unknown.pdf",
             f"slides/{case.stem}.pptx", f"slides/{case.stem}-unknown.pptx"}
    assert all((built / name).stat().st_size > 10_000 for name in names)


def test_a_conference_of_every_example_builds(tmp_path: Path) -> None:
    cases = "\n".join(f"  - {path}" for path in EXAMPLES)
    conference = tmp_path / "everything.yaml"
    conference.write_text(f"id: everything\ntitle: Every example\nduplex: true\ncases:\n{cases}\n",
                          encoding="utf-8")
    code, err = build(conference, out=tmp_path / "out")
    assert code == 0, err


MIN_SIZES = {"body": 20, "caption": 14, "footer": 10}  # points on a 7.5-inch-high slide


def test_no_slide_text_below_the_minimum_sizes(built: Path) -> None:
    """Issue 10: body text never below 20 pt, figure labels 14 pt, footers 10 pt, read from
    the run sizes the writer set in every deck of the corpus."""
    from pptx import Presentation

    for deck in sorted((built / "slides").glob("*.pptx")):
        prs = Presentation(deck)
        scale = prs.slide_height / 6858000  # sizes are set for a 7.5-inch slide
        for number, slide in enumerate(prs.slides, start=1):
            for shape in slide.shapes:
                if not shape.has_text_frame:
                    continue
                role = ("footer" if shape.name == "Footer" else
                        "caption" if shape.name.endswith("label") else "body")
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        if run.font.size is None or not run.text.strip():
                            continue
                        points = run.font.size.pt / scale
                        superscript = run._r.get_or_add_rPr().get("baseline")
                        assert superscript or points >= MIN_SIZES[role] - 0.01, (
                            deck.name, number, shape.name, run.text[:30], points)


def blank_share(page: Path, top: float = 0.75 / 11, bottom: float = 0.75 / 11) -> float:
    """The largest run of empty rows in the text area of a rendered page, as a share of it
    (margins, where the header and footer sit, left out)."""
    from PIL import Image

    image = Image.open(page).convert("L")
    width, height = image.size
    first, last = round(height * top), round(height * (1 - bottom))
    pixels = image.tobytes()
    rows = [min(pixels[y * width:(y + 1) * width]) > 245 for y in range(first, last)]
    longest = run = 0
    for empty in rows:
        run = run + 1 if empty else 0
        longest = max(longest, run)
    return longest / len(rows)


def test_no_handout_page_but_the_last_is_more_than_a_quarter_empty(built: Path,
                                                                    tmp_path: Path) -> None:
    """Issue 10: figures float to the next place they fit while the text fills the page."""
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; .ci/run installs it")
    too_empty = []
    for case in EXAMPLES:
        prefix = tmp_path / case.stem
        subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png",
                        str(built / "handouts" / f"{case.stem}.pdf"), str(prefix)], check=True)
        pages = sorted(tmp_path.glob(f"{case.stem}-*.png"))
        for number, page in enumerate(pages[:-1], start=1):
            share = blank_share(page)
            if share > 0.25:
                too_empty.append(f"{case.stem} page {number}: {share:.0%} empty")
    assert too_empty == []
