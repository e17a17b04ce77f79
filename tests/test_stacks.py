"""A series as one figure (`stack:`, issue 21): slices found and ordered by position, the key
slice in print, every slice prepared with one window, and clear errors at the stack's line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx.enum.shapes import MSO_SHAPE_TYPE

from casedocs.cli import main
from casedocs.errors import CaseError, Report
from casedocs.figures import FigureImages, ImageProblem
from casedocs.figures.dicom import header_facts
from casedocs.figures.stacks import order_slices
from casedocs.load import load_document
from casedocs.source.model import Figure
from conftest import line_of, needs_tesseract, write_case_file
from phantom import bar_length, write_multiframe, write_series

ORIGIN = Report(file="case.yaml", line=1, field="figures[ct]", message="")


def _stack_figure(stack: Path, **fields: object) -> Figure:
    data = {"id": "ct", "stack": stack.name, "caption": "Axial CT.", **fields}
    return Figure.model_validate(data, context={"base_dir": stack.parent})


def _frame_places(images: FigureImages, figure: Figure, count: int) -> list[int]:
    source = images.inspect(figure, ORIGIN)
    frames = images.prepare_frames(source, source.width, source.height)
    return [bar_length(np.asarray(Image.open(io.BytesIO(f.data))), count) for f in frames]


def test_a_shuffled_series_is_ordered_by_position_not_by_name_or_number(tmp_path: Path) -> None:
    in_order = write_series(tmp_path / "ct", count=9)
    assert sorted(in_order) != in_order  # the names do not follow the positions
    assert [s.path for s in order_slices(tmp_path / "ct")] == in_order
    places = _frame_places(FigureImages(), _stack_figure(tmp_path / "ct"), 9)
    assert places == list(range(9))


def test_a_series_is_ordered_along_its_own_normal(tmp_path: Path) -> None:
    """A sagittal series runs along x: its positions change in x, not z."""
    folder = tmp_path / "sagittal"
    write_series(folder, count=5, orientation=(0, 1, 0, 0, 0, -1))
    import pydicom

    for path in folder.iterdir():  # move each slice along x by its z, as a sagittal series is
        dataset = pydicom.dcmread(path)
        x, y, z = (float(v) for v in dataset.ImagePositionPatient)
        dataset.ImagePositionPatient = [z, y, 0.0]
        dataset.save_as(path)
    # Rows run anterior-to-posterior (0, 1, 0), columns down (0, 0, -1): the normal is their
    # cross product, (-1, 0, 0), so the slices run from the patient's left to right.
    places = _frame_places(FigureImages(), _stack_figure(folder), 5)
    assert places == [4, 3, 2, 1, 0]


def test_a_multiframe_file_is_ordered_by_its_frames_positions(tmp_path: Path) -> None:
    stack = write_multiframe(tmp_path / "enhanced.dcm", count=6)
    assert [s.frame for s in order_slices(stack)] == [6, 5, 4, 3, 2, 1]  # stored head first
    assert _frame_places(FigureImages(), _stack_figure(stack), 6) == list(range(6))


def test_numbered_images_go_by_their_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "us"
    folder.mkdir()
    for number in (1, 2, 10, 9):
        Image.new("L", (40, 30), number * 20).save(folder / f"frame-{number}.png")
    (folder / ".DS_Store").write_bytes(b"\0")
    assert [s.path.name for s in order_slices(folder)] == [
        "frame-1.png", "frame-2.png", "frame-9.png", "frame-10.png"
    ]


def test_the_key_slice_is_the_figures_image_and_one_window_serves_every_slice(
    tmp_path: Path,
) -> None:
    write_series(tmp_path / "ct", count=9)
    images = FigureImages()
    source = images.inspect(_stack_figure(tmp_path / "ct"), ORIGIN)
    assert source.stack is not None
    assert (source.stack.key, source.stack.count, source.stack.first) == (5, 9, 1)
    key = images.prepare(source, source.width, source.height, 1.0, "handout")
    assert bar_length(np.asarray(Image.open(io.BytesIO(key.data))), 9) == 4
    frames = [np.asarray(Image.open(io.BytesIO(f.data)), dtype=np.float32)
              for f in images.prepare_frames(source, source.width, source.height)]
    body = [frame[32, 10] for frame in frames]  # the same tissue in every slice
    assert max(body) - min(body) < 4

    limited = images.inspect(_stack_figure(tmp_path / "ct", slices=[3, 6], key=6), ORIGIN)
    assert limited.stack is not None
    assert (limited.stack.first, limited.stack.last, limited.stack.key) == (3, 6, 6)
    assert len(images.prepare_frames(limited, 32, 32)) == 4


@pytest.mark.parametrize(("change", "message"), [
    ("series", "belong to different series"),
    ("orientation", "different orientations"),
    ("size", "a stack's slices are one size"),
    ("position", "lie at the same position"),
    ("png", "mixes DICOM files and other files"),
])
def test_a_folder_that_is_not_one_series_is_refused_at_the_stacks_line(
    tmp_path: Path, change: str, message: str
) -> None:
    folder = tmp_path / "images" / "ct"
    write_series(folder, count=4)
    if change == "png":
        Image.new("L", (8, 8)).save(folder / "key.png")
    elif change == "series":
        write_series(tmp_path / "other", count=1)
        (tmp_path / "other" / "IM0000.dcm").rename(folder / "zz-other.dcm")
    elif change == "orientation":
        write_series(folder, count=1, orientation=(0, 1, 0, 0, 0, -1), seed=1,
                     series=_series_of(folder))
    elif change == "size":
        odd = write_series(tmp_path / "big", count=1, size=80, series=_series_of(folder))[0]
        odd.rename(folder / "zz-big.dcm")
    else:
        write_series(tmp_path / "copy", count=1, series=_series_of(folder))[0].rename(
            folder / "zz-copy.dcm")
    case = write_case_file(tmp_path, (
        ("  - id: cta\n    file: images/cta.png\n", "  - id: cta\n    stack: images/ct\n"),
    ))
    with pytest.raises(CaseError) as raised:
        load_document(case, FigureImages())
    [report] = [r for r in raised.value.reports if "stack" in r.field]
    assert report.field == "figures[cta].stack"
    assert report.line == line_of(case, "stack: images/ct")
    assert message in report.message
    assert report.message.startswith("ct: ")


def test_numbered_images_of_different_sizes_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "clip"
    folder.mkdir()
    Image.new("L", (40, 30)).save(folder / "1.png")
    Image.new("L", (50, 30)).save(folder / "2.png")
    with pytest.raises(ImageProblem, match="'1.png' is 40 x 30 pixels and '2.png' 50 x 30"):
        order_slices(folder)


def _series_of(folder: Path) -> str:
    import pydicom

    return str(pydicom.dcmread(next(folder.iterdir())).SeriesInstanceUID)


@pytest.mark.parametrize(("fields", "message"), [
    ({"file": "x.png"}, "not both"),
    ({"stack": None}, "not neither"),
    ({"key": 3, "stack": None, "file": "x.png"}, "'key' goes with stack:"),
    ({"windows": ["lung"], "stack": None, "file": "x.png"}, "'windows' goes with stack:"),
    ({"windows": ["lungs"]}, "unknown window 'lungs'"),
    ({"frame": 2}, "'frame' goes with file:"),
    ({"slices": [5, 2]}, "first <= last"),
    ({"slices": [2, 4], "key": 7}, "key 7 is outside slices [2, 4]"),
])
def test_a_figure_is_one_image_or_one_stack(tmp_path: Path, fields: dict, message: str) -> None:
    write_series(tmp_path / "ct", count=3)
    Image.new("L", (8, 8)).save(tmp_path / "x.png")
    data = {"id": "ct", "stack": "ct", "caption": "Axial CT.", **fields}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Figure.model_validate(data, context={"base_dir": tmp_path})


def test_slices_beyond_the_series_are_refused(tmp_path: Path) -> None:
    write_series(tmp_path / "ct", count=4)
    with pytest.raises(ImageProblem, match=r"slices \[2, 9\] asked for, but the series has 4"):
        FigureImages().inspect(_stack_figure(tmp_path / "ct", slices=[2, 9]), ORIGIN)
    with pytest.raises(ImageProblem, match="key 6 asked for, but the series has 4 slices"):
        FigureImages().inspect(_stack_figure(tmp_path / "ct", key=6), ORIGIN)


def test_the_order_is_remembered_and_a_text_edit_reads_no_header_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_series(tmp_path / "ct", count=5)
    cache = tmp_path / "cache"
    first = FigureImages(cache)
    first.inspect(_stack_figure(tmp_path / "ct"), ORIGIN)
    first.keep_probes()
    from casedocs.figures import pipeline

    def no_reading(stack: Path) -> list:
        raise AssertionError("the headers were read again")

    monkeypatch.setattr(pipeline, "order_slices", no_reading)
    again = FigureImages(cache).inspect(_stack_figure(tmp_path / "ct", caption="New."), ORIGIN)
    assert again.stack is not None and again.stack.count == 5


def test_the_handout_shows_the_key_slice_and_says_which(tmp_path: Path) -> None:
    write_series(tmp_path / "images" / "ct", count=9)
    case = write_case_file(tmp_path, (
        ("  - id: cta\n    file: images/cta.png\n",
         "  - id: cta\n    stack: images/ct\n    key: 3\n"),
    ))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "casedocs.cli", "build", str(case), "--out", str(out),
               "--only", "handout"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for name in ("case-17.pdf", "case-17-unknown.pdf"):
        text = subprocess.run(["pdftotext", "-layout", str(out / "handouts" / name), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Slice 3 of 9." in text, name


def test_a_slice_changed_added_or_taken_away_builds_the_case_again(tmp_path: Path) -> None:
    slices = write_series(tmp_path / "images" / "ct", count=5)
    case = write_case_file(tmp_path, (
        ("  - id: cta\n    file: images/cta.png\n", "  - id: cta\n    stack: images/ct\n"),
    ))

    def build() -> str:
        command = [sys.executable, "-m", "casedocs.cli", "build", str(case), "--out",
                   str(tmp_path / "out"), "--only", "handout"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    assert " 1 built" in build()
    assert " 0 built, 1 up to date" in build()
    slices[0].write_bytes(slices[0].read_bytes()[:-2] + b"\x10\x00")  # one pixel changed
    assert " 1 built" in build()
    slices[1].rename(slices[1].with_name(".hidden"))  # taken away (a hidden file is no slice)
    assert " 1 built" in build()
    folder = tmp_path / "images" / "ct"
    added = write_series(tmp_path / "extra", count=6, series=_series_of(folder))[5]
    added.rename(folder / "new.dcm")  # the next slice up, of the same series
    assert " 1 built" in build()
    assert " 0 built, 1 up to date" in build()


def _stack_case(folder: Path, count: int = 9, extra: str = "") -> Path:
    write_series(folder / "images" / "ct", count=count, size=96)
    return write_case_file(folder, (
        ("  - id: cta\n    file: images/cta.png\n",
         f"  - id: cta\n    stack: images/ct\n    view: Axial CT\n{extra}"),
    ))


def test_the_deck_plays_the_clean_stack_before_the_answer(tmp_path: Path) -> None:
    import av
    from pptx import Presentation

    case = _stack_case(tmp_path, extra="    key: 4\n    annotations:\n"
                       "      - circle: [0.4, 0.45]\n        radius: 0.1\n")
    assert main(["build", str(case), "--out", str(tmp_path / "out"), "--only", "slides"]) == 0
    for name in ("case-17.pptx", "case-17-unknown.pptx"):
        deck = Presentation(str(tmp_path / "out" / "slides" / name))
        movies = [(number, shape) for number, slide in enumerate(deck.slides, start=1)
                  for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1, name  # the unknown slide; the answer shows the key, marked
        number, movie = movies[0]
        slide = deck.slides[number - 1]
        assert "slices 1\u20139 of 9; its still frame is slice 4" in (
            slide.notes_slide.notes_text_frame.text)
        assert movie._element.xpath(".//p:cNvPr/@descr") == ["Axial CT angiogram."]
        video_part = next(rel.target_part for rel in slide.part.rels.values()
                          if rel.target_part.partname.endswith(".mp4"))
        assert video_part.content_type == "video/mp4"
        with av.open(io.BytesIO(video_part.blob)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            frames = [frame.to_ndarray(format="gray") for frame in container.decode(stream)]
        assert [bar_length(frame, 9) for frame in frames] == list(range(9))
        poster = slide.part.related_part(movie._element.xpath(".//a:blip/@r:embed")[0])
        still = np.asarray(Image.open(io.BytesIO(poster.blob)).convert("L"))
        assert bar_length(still, 9) == 3  # the key slice, numbered from 1
        assert len(video_part.blob) <= 40_000 * 9  # the budget per slice


def test_a_deck_can_show_stacks_as_key_slices_only(tmp_path: Path) -> None:
    from casedocs.render.deck.plan import plan_deck

    case = _stack_case(tmp_path)
    document = load_document(case, FigureImages()).document
    moving = [p for s in plan_deck(document) for p in s.pictures if p.moving]
    still = [p for s in plan_deck(document, stacks_move=False) for p in s.pictures if p.moving]
    assert len(moving) == 2 and still == []  # unmarked, the answer's figure plays too


def test_stacks_key_builds_decks_of_key_slices_and_leaves_handouts_current(
    tmp_path: Path,
) -> None:
    case = _stack_case(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(case), "--out", str(out)]) == 0
    handout = (out / "handouts" / "case-17.pdf").stat().st_mtime_ns
    assert main(["build", str(case), "--out", str(out), "--stacks", "key"]) == 0
    from pptx import Presentation

    deck = Presentation(str(out / "slides" / "case-17-unknown.pptx"))
    kinds = {shape.shape_type for slide in deck.slides for shape in slide.shapes}
    assert MSO_SHAPE_TYPE.MEDIA not in kinds and MSO_SHAPE_TYPE.PICTURE in kinds
    assert (out / "handouts" / "case-17.pdf").stat().st_mtime_ns == handout


def test_a_mirc_documents_series_is_imported_as_one_stack_and_exported_again(
    tmp_path: Path,
) -> None:
    """Images whose DICOM originals are one series (as MIRC's DICOM service files them, one
    image each, in no order of position) become one stack; the captioned image is its key."""
    import shutil

    import pydicom

    from test_mirc_import import FIXTURE, run

    folder = tmp_path / "doc"
    shutil.copytree(FIXTURE, folder)
    slices = write_series(folder, count=6, size=48)
    listed = sorted(slices)  # the document's order: the files' names, not their positions
    key_file = listed[2]
    elements = "".join(
        f'  <image src="ct_base.jpg">\n'
        f'   <alternative-image role="original-format" src="{path.name}"/>\n'
        + ('   <image-caption display="click">The widest extent of the mass.</image-caption>\n'
           if path == key_file else "")
        + "  </image>\n"
        for path in listed
    )
    xml = folder / "MIRCdocument.xml"
    text = xml.read_text(encoding="utf-8")
    xml.write_text(text.replace(" </image-section>", elements + " </image-section>"),
                   encoding="utf-8")
    status, out, err = run("import", "mirc", str(folder), "--out", str(tmp_path / "content"))
    assert status == 0, err
    assert "6 images of one series as a stack" in out
    case_file = tmp_path / "content" / "chest-case-12.yaml"
    import yaml

    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    stacks = [figure for figure in case["figures"] if "stack" in figure]
    assert len(stacks) == 1 and [f["id"] for f in case["figures"]][-1] == "image-3"
    [stack] = stacks
    assert stack["key"] == slices.index(key_file) + 1
    assert "widest extent" in stack["caption"]
    copies = sorted((case_file.parent / stack["stack"]).iterdir())
    assert [c.name for c in copies] == [f"slice-{n}.dcm" for n in range(1, 7)]
    for copy in copies:
        header = pydicom.dcmread(copy)
        assert "PatientName" not in header and "StudyDescription" not in header
    assert [s.path.name for s in order_slices(copies[0].parent)] == [c.name for c in copies]
    status, _, err = run("build", str(case_file), "--out", str(tmp_path / "build"))
    assert status == 0, err


def test_an_exported_stack_is_its_slices_in_order_and_imports_as_a_stack_again(
    tmp_path: Path,
) -> None:
    import zipfile

    import pydicom

    from test_mirc_import import run

    case = _stack_case(tmp_path, count=5, extra="    key: 2\n")
    status, _, err = run("export", "mirc", str(case), "--out", str(tmp_path / "export"))
    assert status == 0, err
    archive = tmp_path / "export" / "case-17.zip"
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        xml = opened.read("MIRCdocument.xml").decode("utf-8")
        copies = [pydicom.dcmread(io.BytesIO(opened.read(n))) for n in names if n.endswith(".dcm")]
    assert [n for n in names if "slice" in n and n.endswith(".jpg")] == [
        f"image-2-slice-{n}.jpg" for n in range(1, 6)]
    assert len(copies) == 5 and all("PatientName" not in c for c in copies)
    assert len({c.SeriesInstanceUID for c in copies}) == 1
    key = xml.index('src="image-2-slice-2.jpg"')
    assert xml.index("image-caption", key) < xml.index('src="image-2-slice-3.jpg"')
    status, out, err = run("import", "mirc", str(archive), "--out", str(tmp_path / "again"))
    assert status == 0, err
    import yaml

    again = yaml.safe_load(next((tmp_path / "again").glob("*.yaml")).read_text(encoding="utf-8"))
    [stack] = [figure for figure in again["figures"] if "stack" in figure]
    assert stack["key"] == 2


@needs_tesseract
def test_every_slice_of_an_ultrasound_clip_is_read_for_burned_in_text(tmp_path: Path) -> None:
    """A cine clip (numbered frames) of an ultrasound case: text on one frame of four refuses
    the stack, naming that frame, though the key frame is clean."""
    from test_burned_in import HEADER_LINES, ultrasound

    folder = tmp_path / "images" / "clip"
    folder.mkdir(parents=True)
    for number in range(1, 5):
        ultrasound(HEADER_LINES if number == 3 else []).save(folder / f"frame{number:02d}.png")
    case = write_case_file(tmp_path, (
        ("  - id: cta\n    file: images/cta.png\n",
         "  - id: cta\n    stack: images/clip\n    key: 1\n"),
        ("keywords: [sequestration", "modality: US\nkeywords: [sequestration"),
    ))
    with pytest.raises(CaseError) as raised:
        load_document(case, FigureImages())
    [report] = [r for r in raised.value.reports if r.field == "figures[cta].stack"]
    assert report.message.startswith("clip: slice 3 of 4: it is an image of an ultrasound case")
    assert "redact: [[" in report.message


def test_a_watch_sees_a_slice_added_to_a_stacks_folder(tmp_path: Path) -> None:
    from casedocs.build.runner import BuildRequest
    from casedocs.build.watch import watch_scope

    tmp_path = tmp_path.resolve()
    case = _stack_case(tmp_path, count=3)
    scope = watch_scope([case], [case], BuildRequest(out_dir=tmp_path / "out"))
    folder = tmp_path / "images" / "ct"
    assert folder in scope.folders
    assert scope.matters(str(folder / "IM0099.dcm"))
    assert not scope.matters(str(folder / ".IM0099.dcm.swp"))


def test_the_site_page_scrolls_the_clean_stack_and_marks_the_key_slice_in_the_answer(
    tmp_path: Path,
) -> None:
    case = _stack_case(tmp_path, count=5, extra="    key: 2\n    annotations:\n"
                       "      - circle: [0.4, 0.45]\n        radius: 0.1\n")
    site = tmp_path / "site"
    assert main(["site", str(case), "--out", str(site)]) == 0
    page = (site / "pages" / "case-17.html").read_text(encoding="utf-8")
    before, answer = page.split("<details", 1)
    assert before.count('role="slider"') == 1 and 'role="slider"' not in answer
    assert 'aria-valuenow="2"' in before and 'src="case-17/fig-2-slice-002.jpg"' in before
    assert "Slice\u00a02 of\u00a05." in answer and 'class="marks"' in answer
    frames = sorted(p.name for p in (site / "pages" / "case-17").glob("fig-2-slice-*"))
    assert frames == [f"fig-2-slice-00{n}.jpg" for n in range(1, 6)]
    for frame in frames:  # pixels only: a JPEG with no metadata segment
        image = Image.open(site / "pages" / "case-17" / frame)
        assert not image.info.get("exif") and not image.getexif()
    quiz = tmp_path / "quiz"
    assert main(["site", str(case), "--out", str(quiz), "--unknown"]) == 0
    unknown = (quiz / "pages" / "case-17-unknown.html").read_text(encoding="utf-8")
    assert 'role="slider"' in unknown and "Slice\u00a02" not in unknown


def test_a_strip_prints_evenly_spaced_slices_under_the_key_slice(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from casedocs.figures.pipeline import StackView

    def numbers(strip: int, first: int, last: int) -> list[int]:
        view = StackView((None,) * (last - first + 1), (), first, 80, first, (), strip)
        return view.strip_numbers()

    assert numbers(5, 1, 32) == [1, 9, 16, 24, 32]
    assert numbers(3, 20, 60) == [20, 40, 60]
    assert numbers(0, 1, 32) == []

    case = _stack_case(tmp_path, count=9, extra="    key: 2\n    strip: 3\n")
    out = tmp_path / "out"
    assert main(["build", str(case), "--out", str(out), "--only", "handout"]) == 0
    for name in ("case-17.pdf", "case-17-unknown.pdf"):
        pdf = out / "handouts" / name
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert all(f"Slice {n}\n" in text or f"Slice {n} " in text for n in (1, 5, 9)), name
        images = sum(len(page.images) for page in PdfReader(pdf).pages)
        assert images == 2 + 3, name  # the radiograph, the key slice (2) and slices 1, 5, 9


def test_a_series_flagged_burned_in_has_every_shown_slice_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key slice's header says its pixels may show text: every slice shown is read for
    it, on a build with an empty cache and on one that remembers the key slice; none is read
    once a person has reviewed the stack."""
    import pydicom

    for path in write_series(tmp_path / "ct", count=6):
        dataset = pydicom.dcmread(path)
        dataset.BurnedInAnnotation = "YES"
        dataset.save_as(path)
    from casedocs.figures import pipeline

    read: list[tuple[str, str]] = []
    monkeypatch.setattr(FigureImages, "_refuse_burned_in_text",
                        lambda self, source, risk: read.append((source.path.name, risk)))
    headers: list[Path] = []
    monkeypatch.setattr(pipeline, "header_facts",
                        lambda path, *known: headers.append(path) or header_facts(path, *known))
    cache = tmp_path / "cache"
    cache.mkdir()
    for headers_read in (1, 0):  # the second inspect finds the key slice's probe in the cache
        images = FigureImages(cache)
        images.inspect(_stack_figure(tmp_path / "ct", slices=[2, 5]), ORIGIN)
        images.keep_probes()
        shown = {name for name, _ in read[1:]}  # after the key slice's own check
        assert len(read) == 5 and len(shown) == 4, read
        assert {risk for _, risk in read} == {"it is flagged BurnedInAnnotation = YES"}
        assert len(headers) == headers_read
        read.clear()
        headers.clear()
    FigureImages(cache).inspect(_stack_figure(tmp_path / "ct", phi_reviewed=True), ORIGIN)
    assert read == []
