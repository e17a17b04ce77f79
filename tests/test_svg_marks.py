"""MIRC SVG annotations as arrows, circles and labels, and back."""

from __future__ import annotations

from pathlib import Path

from casedocs.interchange.svg_marks import read_marks, write_marks
from casedocs.source.model import Annotation

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" '
       'height="200">{}</svg>')


def marks_of(tmp_path: Path, body: str):  # noqa: ANN201
    path = tmp_path / "a.svg"
    path.write_text(SVG.format(body), encoding="utf-8")
    return read_marks(path)


def test_mircs_arrow_circle_and_text(tmp_path: Path) -> None:
    marks = marks_of(tmp_path, (
        '<image id="img" width="400" height="200"/>'
        '<polygon type="arrow" x1="40" y1="20" x2="200" y2="100" points="1 2 3 4"/>'
        '<circle type="circle" cx="100" cy="50" r="50"/>'
        '<text type="text" x="20" y="60" font-size="20">mass|</text>'
        '<circle type="select" cx="1" cy="1" r="2.5"/>'))
    assert marks.annotations == [
        {"arrow": [0.5, 0.5], "from": [0.1, 0.1]},
        {"circle": [0.25, 0.25], "radius": 0.25},
        {"label": "mass", "at": [0.05, 0.2]},
    ]
    assert not marks.unmapped and not marks.approximated
    for mark in marks.annotations:
        Annotation.model_validate(mark)


def test_a_line_is_an_arrow_approximately_and_a_path_has_no_counterpart(tmp_path: Path) -> None:
    marks = marks_of(tmp_path, '<line x1="0" y1="0" x2="400" y2="200"/><path d="M0 0L1 1"/>')
    assert marks.annotations == [{"arrow": [1.0, 1.0], "from": [0.0, 0.0]}]
    assert marks.approximated == ["a line drawn as an arrow"]
    assert marks.unmapped == ["path"]


def test_what_a_text_or_a_definition_holds_is_no_mark(tmp_path: Path) -> None:
    marks = marks_of(tmp_path, (
        '<defs><marker id="m"><path d="M0 0L1 1"/></marker></defs>'
        '<text x="40" y="40" font-size="20"><tspan>mass</tspan></text>'))
    assert marks.annotations == [{"label": "mass", "at": [0.1, 0.1]}]
    assert not marks.unmapped


def test_an_unreadable_svg_maps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.svg"
    path.write_text("<svg", encoding="utf-8")
    assert read_marks(path).unmapped == ["an SVG file that does not parse"]


def test_written_marks_read_back_the_same(tmp_path: Path) -> None:
    annotations = [
        Annotation.model_validate({"arrow": [0.5, 0.4], "from": [0.2, 0.1]}),
        Annotation.model_validate({"circle": [0.3, 0.6], "radius": 0.1}),
        Annotation.model_validate({"label": "nidus <b>", "at": [0.6, 0.2]}),
    ]
    path = tmp_path / "w.svg"
    path.write_text(write_marks(annotations, 400, 200, "image-1.jpg"), encoding="utf-8")
    assert read_marks(path).annotations == [
        {"arrow": [0.5, 0.4], "from": [0.2, 0.1]},
        {"circle": [0.3, 0.6], "radius": 0.1},
        {"label": "nidus <b>", "at": [0.6, 0.2]},
    ]
