from __future__ import annotations

from pathlib import Path

from casedocs.cli import main


def test_build_writes_both_outputs(write_case, case_dir: Path, capsys) -> None:
    case = write_case()
    assert main(["build", str(case), "--out", str(case_dir / "out")]) == 0
    assert (case_dir / "out" / "handouts" / "case-17.pdf").read_bytes().startswith(b"%PDF")
    assert (case_dir / "out" / "slides" / "case-17.pptx").read_bytes().startswith(b"PK")
