"""Tables in the discussion and management (GitHub pipe tables, as Pandoc and MkDocs read
them): a table in the handout, a table on the site, a line per row on slides, cells cited and
checked for answers like any text."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from casedocs.cli import main
from casedocs.document.inline import TableBlock, parse_blocks, plain_text
from conftest import write_case_file

TABLE = (
    "discussion: |\n"
    "  | Site | Frequency |\n"
    "  | --- | --- |\n"
    "  | Paravertebral | Common, **no** bone erosion [@smith2019] |\n"
    "  | Presacral | |\n\n  "
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    # The discussion on slides, where its table is drawn a line a row.
    slides = "deck:\n  discussion: slides\n"
    case = write_case_file(folder, (("discussion: |\n  ", slides + TABLE),))
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        assert main(["build", str(case), "--out", str(folder / "out")]) == 0, said.getvalue()
        assert main(["site", str(case), "--out", str(folder / "site")]) == 0, said.getvalue()
    return folder


def test_a_pipe_table_is_a_table_with_empty_cells_kept() -> None:
    table = parse_blocks("| A | B |\n| --- | --- |\n| 1 | |\n| 3 | 4 |")[0]
    assert isinstance(table, TableBlock)
    assert [plain_text(c) for c in table.header] == ["A", "B"]
    assert [[plain_text(c) for c in row] for row in table.rows] == [["1", ""], ["3", "4"]]


def test_the_handout_sets_it_as_a_table_and_numbers_its_citation(built: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(built / "out" / "handouts" / "case-17.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    header = next(line for line in text.splitlines() if "Site" in line and "Frequency" in line)
    row = next(line for line in text.splitlines() if "Paravertebral" in line)
    assert header.index("Frequency") == row.index("Common")  # one column, one left edge
    assert re.search(r"erosion\s*\d", row)  # the citation is numbered in its cell


def test_the_site_shows_a_table_with_column_headers(built: Path) -> None:
    page = (built / "site" / "pages" / "case-17.html").read_text(encoding="utf-8")
    assert '<th scope="col">Site</th>' in page
    assert "<td>Presacral</td><td></td>" in page


def test_slides_show_a_line_per_row(built: Path) -> None:
    deck = Presentation(built / "out" / "slides" / "case-17.pptx")
    lines = [p.text for s in deck.slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs]
    assert "Site \u2013 Frequency" in lines
    assert any(line.startswith("Paravertebral \u2013 Common, no bone erosion") for line in lines)
