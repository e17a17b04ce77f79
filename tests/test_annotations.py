"""Annotations: where marks go, what the case file may say, and how each output draws them.

Spec (issue 3, "Cropping, redaction, annotations"): arrows (tip, optional `from` tail), circles
(`radius` a fraction of the image's shorter side) and labels (`at`), in fractions of the cropped
image, on answer views only (answer slides and the handout); high-contrast, sized to the image,
an arrow never covering its target. In the deck they are native shapes grouped with the picture;
in the PDF vector drawings over the image; the image itself is the same clean image either way.
Coordinates outside 0..1 and malformed items are validation errors with their line.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pypdf import PdfReader
from pypdf.generic import ContentStream

from casedocs.cli import main
from casedocs.errors import Report
from casedocs.figures import FigureImages
from casedocs.figures.annotations import ArrowMark, CircleMark, LabelMark, place_marks
from casedocs.load import load_document
from casedocs.render.deck.plan import plan_deck
from casedocs.source.model import Annotation, Figure
from conftest import document_errors, line_of, make_image, write_case_file

CXR_CREDIT = "    credit: Courtesy of the teaching file.\n"  # the last line of the cxr figure
ANNOTATIONS = (
    "    annotations:\n"
    "      - arrow: [0.42, 0.55]\n"
    "        from: [0.15, 0.85]\n"
    "      - circle: [0.61, 0.40]\n"
    "        radius: 0.1\n"
    "      - label: paraspinal mass\n"
    "        at: [0.30, 0.15]\n"
)
PATH_OPERATORS = {b"m", b"l", b"c", b"v", b"y", b"h", b"re", b"S", b"s", b"f", b"f*", b"F",
                  b"B", b"B*", b"b", b"b*"}


def _annotation(**fields: object) -> Annotation:
    return Annotation.model_validate(fields)


def _marks(width: float, height: float, *items: dict) -> tuple:
    return place_marks(tuple(Annotation.model_validate(item) for item in items), width, height)


def _inside(point: tuple[float, float], polygon: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting: is `point` inside the closed `polygon`?"""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _distance_to_segment(point: tuple[float, float], a: tuple[float, float],
                         b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = point, a, b
    length = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay))
                                              / length))
    return math.dist(point, (ax + t * (bx - ax), ay + t * (by - ay)))


def _distance_to_outline(point: tuple[float, float],
                         polygon: tuple[tuple[float, float], ...]) -> float:
    edges = zip(polygon, polygon[1:] + polygon[:1], strict=True)
    return min(_distance_to_segment(point, a, b) for a, b in edges)


def _tip_and_tail(arrow: ArrowMark) -> tuple[tuple[float, float], tuple[float, float]]:
    """The outline runs tail edge, shaft, head, tip, head, shaft, tail edge."""
    outline = arrow.outline
    tip = outline[len(outline) // 2]
    tail = ((outline[0][0] + outline[-1][0]) / 2, (outline[0][1] + outline[-1][1]) / 2)
    return tip, tail


# -- geometry ----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [(0.42, 0.55), (0.05, 0.05), (0.95, 0.9), (0.5, 0.1),
                                    (0.5, 0.5), (0.98, 0.5)])
def test_arrow_stops_short_of_its_target_and_points_at_it(target: tuple[float, float]) -> None:
    width, height = 400.0, 300.0
    (arrow,) = _marks(width, height, {"arrow": list(target)})
    assert isinstance(arrow, ArrowMark)
    point = (target[0] * width, target[1] * height)
    assert not _inside(point, arrow.outline)  # the target stays visible
    gap = _distance_to_outline(point, arrow.outline)
    assert 1.0 < gap < 0.05 * min(width, height)  # short of it, but close
    tip, tail = _tip_and_tail(arrow)
    assert min(arrow.outline, key=lambda p: math.dist(p, point)) == tip
    along = (tip[0] - tail[0], tip[1] - tail[1])
    to_target = (point[0] - tip[0], point[1] - tip[1])
    cosine = (along[0] * to_target[0] + along[1] * to_target[1]) / (
        math.hypot(*along) * math.hypot(*to_target))
    assert cosine > 0.999  # the shaft points straight at the target
    for x, y in arrow.outline:  # by default the tail comes from inside the image
        assert -0.5 <= x <= width + 0.5 and -0.5 <= y <= height + 0.5


def test_explicit_from_sets_the_tail() -> None:
    width, height = 400.0, 300.0
    (arrow,) = _marks(width, height, {"arrow": [0.42, 0.55], "from": [0.15, 0.85]})
    tip, tail = _tip_and_tail(arrow)
    assert tail == pytest.approx((0.15 * width, 0.85 * height), abs=0.01)
    target = (0.42 * width, 0.55 * height)
    assert not _inside(target, arrow.outline)
    # The tip lies on the line from the tail to the target, just before the target.
    assert math.dist(tail, tip) + math.dist(tip, target) == pytest.approx(
        math.dist(tail, target), rel=1e-6)
    assert 0 < math.dist(tip, target) < 0.05 * min(width, height)


def test_arrow_is_sized_to_the_image() -> None:
    (small,) = _marks(400, 300, {"arrow": [0.3, 0.7]})
    (large,) = _marks(800, 600, {"arrow": [0.3, 0.7]})
    assert [c for point in large.outline for c in point] == pytest.approx(
        [2 * c for point in small.outline for c in point])
    assert large.stroke == pytest.approx(small.stroke * 2)
    tip, tail = _tip_and_tail(small)
    assert 0.05 * 300 < math.dist(tip, tail) < 0.5 * 300  # visible, but not across the image


@pytest.mark.parametrize("size", [(400.0, 300.0), (300.0, 600.0)])
def test_circle_radius_is_a_fraction_of_the_shorter_side(size: tuple[float, float]) -> None:
    width, height = size
    (circle,) = _marks(width, height, {"circle": [0.61, 0.40], "radius": 0.1})
    assert isinstance(circle, CircleMark)
    assert circle.center == pytest.approx((0.61 * width, 0.40 * height))
    assert circle.radius == pytest.approx(0.1 * min(width, height))
    (default,) = _marks(width, height, {"circle": [0.5, 0.5]})
    assert 0 < default.radius < 0.5 * min(width, height)


def test_label_is_placed_at_its_point_and_sized_to_the_image() -> None:
    (label,) = _marks(400, 300, {"label": "paraspinal mass", "at": [0.4, 0.2]})
    assert isinstance(label, LabelMark)
    assert label.text == "paraspinal mass"
    assert label.origin == pytest.approx((160, 60))
    (larger,) = _marks(800, 600, {"label": "paraspinal mass", "at": [0.4, 0.2]})
    assert larger.size == pytest.approx(2 * label.size)
    assert 0.02 * 300 < label.size < 0.15 * 300


def test_a_label_near_the_edge_is_moved_to_stay_on_the_image() -> None:
    (label,) = _marks(400, 300, {"label": "paraspinal mass", "at": [0.9, 0.97]})
    estimated_width = 0.62 * label.size * len(label.text)
    assert label.origin[0] + estimated_width <= 400
    assert label.origin[1] + label.size <= 300
    assert label.origin[0] < 0.9 * 400 and label.origin[1] < 0.97 * 300


def test_marks_keep_their_order_and_kinds() -> None:
    marks = _marks(400, 300, {"label": "a", "at": [0.1, 0.1]}, {"arrow": [0.5, 0.6]},
                   {"circle": [0.2, 0.8], "radius": 0.05})
    assert [type(mark) for mark in marks] == [LabelMark, ArrowMark, CircleMark]
    assert all(mark.stroke > 0 for mark in marks)
    assert _marks(400, 300) == ()


def test_from_is_the_key_in_case_files() -> None:
    annotation = _annotation(arrow=[0.4, 0.5], **{"from": [0.1, 0.2]})
    assert annotation.from_ == (0.1, 0.2) and annotation.kind == "arrow"


# -- validation --------------------------------------------------------------------------------


def _case(tmp_path: Path, annotations: str) -> Path:
    return write_case_file(tmp_path, ((CXR_CREDIT, CXR_CREDIT + annotations),))


@pytest.mark.parametrize("item,needle,message", [
    ("      - label: mass\n", "- label: mass", "at"),
    ("      - circle: [0.5, 0.5]\n        from: [0.1, 0.1]\n", "- circle: [0.5, 0.5]", "from"),
    ("      - arrow: [0.5, 0.5]\n        circle: [0.2, 0.2]\n", "- arrow: [0.5, 0.5]",
     "exactly one"),
    ("      - arrow: [0.5, 0.5]\n        radius: 0.1\n", "- arrow: [0.5, 0.5]", "radius"),
    ("      - circle: [0.5, 0.5]\n        at: [0.1, 0.1]\n", "- circle: [0.5, 0.5]", "at"),
    ("      - from: [0.5, 0.5]\n", "- from: [0.5, 0.5]", "exactly one"),
], ids=["label-without-at", "circle-with-from", "two-kinds", "arrow-with-radius",
        "circle-with-at", "no-kind"])
def test_malformed_annotation_is_an_error_with_its_line(tmp_path: Path, item: str, needle: str,
                                                        message: str) -> None:
    case = _case(tmp_path, "    annotations:\n      - arrow: [0.2, 0.2]\n" + item)
    errors = document_errors(case)
    assert len(errors) == 1, errors
    assert errors[0].field.startswith("figures[cxr].annotations[1]")
    assert errors[0].line == line_of(case, needle)
    assert message in errors[0].message


@pytest.mark.parametrize("item,needle", [
    ("      - arrow: [1.2, 0.5]\n", "arrow: [1.2, 0.5]"),
    ("      - circle: [0.5, -0.1]\n", "circle: [0.5, -0.1]"),
    ("      - arrow: [0.5, 0.5]\n        from: [0.5, 1.01]\n", "from: [0.5, 1.01]"),
    ("      - label: x\n        at: [2, 0.5]\n", "at: [2, 0.5]"),
    ("      - circle: [0.5, 0.5]\n        radius: 0.9\n", "radius: 0.9"),
    ("      - circle: [0.5, 0.5]\n        radius: 0\n", "radius: 0"),
])
def test_annotation_coordinate_out_of_range_is_an_error_with_its_line(tmp_path: Path, item: str,
                                                                      needle: str) -> None:
    case = _case(tmp_path, "    annotations:\n" + item)
    errors = document_errors(case)
    assert len(errors) == 1, errors
    assert errors[0].field.startswith("figures[cxr].annotations[0]")
    assert errors[0].line == line_of(case, needle)


def test_unknown_annotation_key_is_an_error(tmp_path: Path) -> None:
    case = _case(tmp_path, "    annotations:\n      - arow: [0.5, 0.5]\n")
    errors = document_errors(case)
    assert errors and all(e.field.startswith("figures[cxr].annotations[0]") for e in errors)
    assert errors[0].line == line_of(case, "arow: [0.5, 0.5]")


def test_well_formed_annotations_load(tmp_path: Path) -> None:
    document = load_document(_case(tmp_path, ANNOTATIONS)).document
    cxr = next(figure for figure in document.figures if figure.id == "cxr")
    assert [a.kind for a in cxr.annotations] == ["arrow", "circle", "label"]


# -- annotations never change the image --------------------------------------------------------


def test_prepared_image_is_the_same_with_or_without_annotations(tmp_path: Path) -> None:
    make_image(tmp_path / "cxr.png", (300, 400))
    fields = {"id": "x", "file": "cxr.png", "caption": "c", "crop": [0.1, 0.1, 0.9, 0.9]}
    plain = Figure.model_validate(fields, context={"base_dir": tmp_path})
    marked = Figure.model_validate(
        {**fields, "annotations": [{"arrow": [0.5, 0.5]}, {"circle": [0.3, 0.3]}]},
        context={"base_dir": tmp_path})
    origin = Report("case.yaml", 1, "figures[x]", "")
    images = FigureImages()
    clean, annotated = images.inspect(plain, origin), images.inspect(marked, origin)
    assert clean.key == annotated.key
    assert (images.prepare(clean, 200, 200, 2.0, "handout").data
            == images.prepare(annotated, 200, 200, 2.0, "handout").data)
    assert images.decodes == 1  # one decode serves both


# -- outputs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal case built with and without annotations on the cxr figure."""
    folders = {}
    for name, marks in (("annotated", ANNOTATIONS), ("clean", "")):
        folder = tmp_path_factory.mktemp(name)
        case = write_case_file(folder, ((CXR_CREDIT, CXR_CREDIT + marks),))
        assert main(["build", str(case), "--out", str(folder / "out")]) == 0
        folders[name] = folder
    return folders


def _deck(builds: dict[str, Path], name: str) -> Presentation:
    return Presentation(str(builds[name] / "out" / "slides" / "case-17.pptx"))


def _pdf(builds: dict[str, Path], name: str) -> PdfReader:
    return PdfReader(builds[name] / "out" / "handouts" / "case-17.pdf")


@pytest.fixture(scope="module")
def parts(builds: dict[str, Path]) -> list[str]:
    """"unknown" or "answer" for each slide of the annotated deck, from its plan."""
    document = load_document(builds["annotated"] / "case.yaml").document
    return [slide.part for slide in plan_deck(document)]


def _all_shapes(shapes) -> list:  # noqa: ANN001
    found = []
    for shape in shapes:
        found.append(shape)
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found += _all_shapes(shape.shapes)
    return found


def _is_mark(shape) -> bool:  # noqa: ANN001
    return (shape.shape_type in (MSO_SHAPE_TYPE.GROUP, MSO_SHAPE_TYPE.FREEFORM)
            or (shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
                and shape.auto_shape_type == MSO_SHAPE.OVAL)
            or shape.name.startswith(("Arrow", "Circle", "Label")))


def test_unknown_slides_have_no_marks(builds: dict[str, Path], parts: list[str]) -> None:
    slides = list(_deck(builds, "annotated").slides)
    assert len(slides) == len(parts)
    unknown = [slide for slide, part in zip(slides, parts, strict=True) if part == "unknown"]
    pictures = 0
    for slide in unknown:
        shapes = _all_shapes(slide.shapes)
        assert not [s.name for s in shapes if _is_mark(s)]
        assert "paraspinal mass" not in " ".join(s.text_frame.text for s in shapes
                                                 if s.has_text_frame)
        pictures += sum(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in shapes)
    assert pictures == 2  # both figures were shown, clean


def _groups(slide) -> list:  # noqa: ANN001
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.GROUP]


def test_answer_picture_and_its_marks_are_one_group(builds: dict[str, Path],
                                                    parts: list[str]) -> None:
    slides = list(_deck(builds, "annotated").slides)
    answer = [slide for slide, part in zip(slides, parts, strict=True) if part == "answer"]
    grouped = [slide for slide in answer if _groups(slide)]
    assert len(grouped) == 1  # the cxr's finding slide; the cta has no annotations
    (group,) = _groups(grouped[0])
    members = list(group.shapes)
    kinds = [shape.shape_type for shape in members]
    assert kinds.count(MSO_SHAPE_TYPE.PICTURE) == 1
    assert kinds.count(MSO_SHAPE_TYPE.FREEFORM) == 1  # the arrow
    ovals = [s for s in members if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
             and s.auto_shape_type == MSO_SHAPE.OVAL]
    assert ovals  # the circle (drawn as a dark ring under a light one)
    labels = [s for s in members if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
    assert [s.text_frame.text for s in labels] == ["paraspinal mass"]
    # Nothing of the figure is left outside the group.
    assert not [s for s in grouped[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    # The cta's answer slide has its picture ungrouped and no marks.
    others = [s for slide in answer if slide is not grouped[0] for s in _all_shapes(slide.shapes)]
    assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in others)
    assert not [s.name for s in others if _is_mark(s)]


def test_deck_marks_lie_where_the_case_file_puts_them(builds: dict[str, Path]) -> None:
    group = next(g for slide in _deck(builds, "annotated").slides for g in _groups(slide))
    members = list(group.shapes)
    picture = next(s for s in members if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    left, top, width, height = picture.left, picture.top, picture.width, picture.height
    shorter = min(width, height)

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * width, top + y * height

    arrow = next(s for s in members if s.shape_type == MSO_SHAPE_TYPE.FREEFORM)
    target, tail = at(0.42, 0.55), at(0.15, 0.85)
    # The arrow's bounding box runs from near its tail to just short of the target.
    assert arrow.left == pytest.approx(tail[0], abs=0.03 * shorter)
    assert arrow.top + arrow.height == pytest.approx(tail[1], abs=0.03 * shorter)
    assert arrow.left + arrow.width < target[0] + 0.01 * shorter
    assert arrow.top > target[1] - 0.01 * shorter
    assert arrow.left + arrow.width == pytest.approx(target[0], abs=0.05 * shorter)
    # Light with a dark outline.
    assert str(arrow.fill.fore_color.rgb) == "FFFFFF"
    assert str(arrow.line.color.rgb) == "000000"
    for oval in (s for s in members if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
                 and s.auto_shape_type == MSO_SHAPE.OVAL):
        center = (oval.left + oval.width / 2, oval.top + oval.height / 2)
        assert center == pytest.approx(at(0.61, 0.40), abs=0.01 * shorter)
        assert oval.width == pytest.approx(2 * 0.1 * shorter, rel=0.02)
        assert oval.width == pytest.approx(oval.height, rel=0.01)
    label = next(s for s in members if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX)
    assert (label.left, label.top) == pytest.approx(at(0.30, 0.15), abs=0.01 * shorter)


def test_deck_images_are_the_same_with_or_without_annotations(builds: dict[str, Path]) -> None:
    def media(name: str) -> list[bytes]:
        path = builds[name] / "out" / "slides" / "case-17.pptx"
        with zipfile.ZipFile(path) as package:
            return sorted(package.read(n) for n in package.namelist()
                          if n.startswith("ppt/media/"))

    assert media("annotated") == media("clean")


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _drawings_after_images(reader: PdfReader) -> list[tuple[tuple[float, ...], list]]:
    """For each image drawn: its rectangle on the page (x0, y0, x1, y1), and the path
    operators, with their points in page space, that follow it before the next text or image."""
    found: list[tuple[tuple[float, ...], list]] = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        ctm, stack = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
        current: list | None = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop()
            elif operator == b"cm":
                ctm = _multiply([float(x) for x in operands], ctm)
            elif operator == b"Do" and xobjects[operands[0]].get_object().get(
                    "/Subtype") == "/Image":
                a, _, _, d, e, f = ctm
                current = []
                found.append(((e, f, e + a, f + d), current))
            elif operator == b"BT":
                current = None
            elif current is not None and operator in PATH_OPERATORS:
                a, b, c, d, e, f = ctm
                values = [float(v) for v in operands]
                points = [(a * x + c * y + e, b * x + d * y + f)
                          for x, y in zip(values[::2], values[1::2], strict=True)]
                current.append((operator, points))
    return found


def test_handout_marks_are_vector_paths_over_the_image(builds: dict[str, Path]) -> None:
    drawn = _drawings_after_images(_pdf(builds, "annotated"))
    assert len(drawn) == 2
    marked = [(rect, ops) for rect, ops in drawn if ops]
    assert len(marked) == 1  # the cxr; the cta has no annotations
    (x0, y0, x1, y1), ops = marked[0]
    assert (x1 - x0) / (y1 - y0) == pytest.approx(300 / 400, rel=0.01)  # the cxr's aspect
    operators = [op for op, _ in ops]
    assert {b"m", b"l", b"h"} <= set(operators)  # the arrow's outline
    assert set(operators) & {b"B", b"B*", b"b", b"b*"}  # filled and stroked: light, dark edge
    assert b"c" in operators and set(operators) & {b"S", b"s"}  # the circle, stroked
    points = [point for _, pts in ops for point in pts]
    assert points
    slack = 0.02 * (x1 - x0)
    for x, y in points:
        assert x0 - slack <= x <= x1 + slack and y0 - slack <= y <= y1 + slack
    # The arrow starts at its tail: (0.15, 0.85) of the image, y measured down from the top.
    first_move = next(pts[0] for op, pts in ops if op == b"m")
    tail = (x0 + 0.15 * (x1 - x0), y1 - 0.85 * (y1 - y0))
    assert math.dist(first_move, tail) < 0.05 * (x1 - x0)


def test_handout_label_is_text_over_the_image(builds: dict[str, Path]) -> None:
    text = "".join(page.extract_text() for page in _pdf(builds, "annotated").pages)
    assert "paraspinal mass" in text
    clean = "".join(page.extract_text() for page in _pdf(builds, "clean").pages)
    assert "paraspinal mass" not in clean


def test_clean_handout_draws_nothing_over_its_images(builds: dict[str, Path]) -> None:
    drawn = _drawings_after_images(_pdf(builds, "clean"))
    assert len(drawn) == 2
    assert all(ops == [] for _, ops in drawn)


def test_handout_images_are_the_same_with_or_without_annotations(
        builds: dict[str, Path]) -> None:
    def images(name: str) -> list[bytes]:
        reader = _pdf(builds, name)
        return sorted(obj.get_object().get_data() for page in reader.pages
                      for obj in page["/Resources"].get("/XObject", {}).values()
                      if obj.get_object().get("/Subtype") == "/Image")

    annotated, clean = images("annotated"), images("clean")
    assert len(annotated) == 2 and annotated == clean
    # And the image under the marks is the clean source: no white arrow burned into it.
    page_images = [image.image.convert("L") for page in _pdf(builds, "annotated").pages
                   for image in page.images]
    cxr = next(image for image in page_images if image.width < image.height)
    source = Image.open(builds["annotated"] / "images" / "cxr.png").convert("L")
    resized = source.resize(cxr.size)
    assert max(abs(a - b) for a, b in zip(cxr.tobytes(), resized.tobytes(), strict=True)) < 60
