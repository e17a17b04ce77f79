"""The build pipeline: load, timestamps, output paths, render in memory, write atomically.

Spec (issue 2): outputs go to DIR/handouts/<id>.pdf and DIR/slides/<id>.pptx; same input gives
the same bytes (SOURCE_DATE_EPOCH honoured); import only what a command needs; a failed build
leaves earlier outputs untouched and no temporary files behind.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casedocs.build import atomic
from casedocs.build.atomic import write_atomically
from casedocs.build.pipeline import render_outputs
from casedocs.cli import main
from casedocs.dates import build_timestamp
from casedocs.errors import CaseError
from casedocs.figures import FigureImages
from casedocs.files import write_whole
from casedocs.load import load_document
from casedocs.render.registry import output_named
from conftest import within


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- loading -----------------------------------------------------------------------------------


def test_load_document_numbers_and_labels(write_case) -> None:
    loaded = load_document(write_case())
    document = loaded.document
    assert loaded.warnings == []
    assert document.id == "case-17"
    assert document.label == "Chest Case 17"
    assert [(f.id, f.number) for f in document.figures] == [("cxr", 1), ("cta", 2)]
    assert [r.id for r in document.references] == ["smith2019", "jones2020"]
    assert [f.view for f in document.figures] == ["Frontal chest radiograph", "Fig.\u00a02"]
    assert [f.alt for f in document.figures] == ["Frontal chest radiograph.", "Axial CT angiogram."]


def test_load_document_returns_warnings_separately(write_case) -> None:
    case = write_case(replace=(("Intralobar forms are the most common [@jones2020].",
                                "Intralobar forms are the most common."),))
    loaded = load_document(case)
    assert [w.field for w in loaded.warnings] == ["references[jones2020]"]
    assert all(w.warning for w in loaded.warnings)


def test_load_document_reports_image_and_text_problems_together(write_case,
                                                                case_dir: Path) -> None:
    case = write_case(replace=(("(@fig-cta) [@smith2019]", "(@fig-cta) [@nobody2000]"),))
    (case_dir / "images" / "cxr.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(CaseError) as caught:
        load_document(case)
    fields = [r.field for r in caught.value.reports]
    assert "figures[cxr].file" in fields
    assert any("nobody2000" in r.message for r in caught.value.reports), fields
    assert all(r.line for r in caught.value.reports)


def test_importing_the_pipeline_loads_no_renderer(tmp_path: Path) -> None:
    script = ("import sys, casedocs.build.pipeline, casedocs.load, casedocs.cli\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'pptx'}))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- timestamps and paths ----------------------------------------------------------------------


def test_build_timestamp_is_fixed_without_source_date_epoch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_timestamp() == build_timestamp()
    assert build_timestamp().tzinfo is not None


def test_build_timestamp_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_timestamp() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_output_paths(tmp_path: Path) -> None:
    handout, slides = output_named("handout"), output_named("slides")
    assert handout.path(tmp_path, "case-17", False) == tmp_path / "handouts" / "case-17.pdf"
    assert slides.path(tmp_path, "case-17", False) == tmp_path / "slides" / "case-17.pptx"
    assert slides.path(tmp_path, "case-17", True) == tmp_path / "slides" / "case-17-unknown.pptx"


# -- rendering ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from conftest import MINIMAL_CASE, make_image

    folder = tmp_path_factory.mktemp("build-case")
    make_image(folder / "images" / "cxr.png", (300, 400))
    make_image(folder / "images" / "cta.png", (400, 400))
    (folder / "case.yaml").write_text(MINIMAL_CASE, encoding="utf-8")
    return load_document(folder / "case.yaml").document


@pytest.mark.parametrize("kinds", [["handout"], ["slides"], ["handout", "slides"]])
def test_render_outputs_renders_in_memory_only_what_is_asked(document, tmp_path: Path,
                                                             kinds: list[str]) -> None:
    out = tmp_path / "out"
    chosen = [(output_named(kind), unknown) for kind in kinds for unknown in (False, True)]
    outputs = render_outputs([document], chosen, out, FigureImages()).outputs
    expected = {output.path(out, "case-17", unknown) for output, unknown in chosen}
    assert set(outputs) == expected
    assert not out.exists(), "render_outputs must not write"
    for path, data in outputs.items():
        assert data.startswith(b"%PDF" if path.suffix == ".pdf" else b"PK")


def test_render_outputs_are_reproducible(document, tmp_path: Path) -> None:
    chosen = [(output_named(kind), False) for kind in ("handout", "slides")]
    first = render_outputs([document], chosen, tmp_path, FigureImages()).outputs
    second = render_outputs([document], chosen, tmp_path / "other", FigureImages()).outputs
    assert list(first.values()) == list(second.values())


@pytest.mark.parametrize("changed, stale", [
    ({"paper": "a4"}, {"handout"}),
    ({"template": "department.pptx"}, {"slides"}),
    ({}, set()),
])
def test_each_output_is_stale_only_for_the_settings_it_reads(
    document, tmp_path: Path, changed: dict, stale: set[str]
) -> None:
    """Issue 19: outputs own their options; another paper leaves decks current and another
    template leaves handouts current."""
    import shutil

    from casedocs.build.pipeline import write_rendered
    from casedocs.render.deck.template import DEFAULT_TEMPLATE
    from casedocs.render.output import Settings

    out, cache = tmp_path / "out", tmp_path / "cache"
    chosen = [(output_named(kind), unknown) for kind in ("handout", "slides")
              for unknown in (False, True)]
    write_rendered(render_outputs([document], chosen, out, FigureImages(), cache=cache), cache)
    if "template" in changed:
        shutil.copy(DEFAULT_TEMPLATE, tmp_path / changed["template"])
        changed = {"template": tmp_path / changed["template"]}
    again = render_outputs([document], chosen, out, FigureImages(), Settings(**changed),
                           cache=cache)
    assert {path.parent.name for path in again.outputs} == {
        output_named(kind).folder for kind in stale}
    assert len(again.outputs) + len(again.current) == 4


def test_only_the_variant_that_is_stale_is_rendered(document, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from casedocs.build.pipeline import write_rendered

    out, cache = tmp_path / "out", tmp_path / "cache"
    slides = output_named("slides")
    chosen = [(slides, False), (slides, True)]
    write_rendered(render_outputs([document], chosen, out, FigureImages(), cache=cache), cache)
    slides.path(out, "case-17", True).write_bytes(b"edited by hand")
    from casedocs.render.deck import files

    asked = []
    render = files.render_deck_files
    monkeypatch.setattr(files, "render_deck_files",
                        lambda *a, **k: asked.append(a[3]) or render(*a, **k))
    again = render_outputs([document], chosen, out, FigureImages(), cache=cache)
    assert list(again.outputs) == [slides.path(out, "case-17", True)]
    assert asked == [(True,)]


# -- atomic writes -----------------------------------------------------------------------------


def test_write_atomically_creates_folders_and_leaves_no_temporaries(tmp_path: Path) -> None:
    outputs = {tmp_path / "a" / "one.pdf": b"one", tmp_path / "b" / "two.pptx": b"two"}
    write_atomically(outputs)
    assert _files(tmp_path) == {"a/one.pdf": b"one", "b/two.pptx": b"two"}


def test_write_atomically_replaces_existing_files(tmp_path: Path) -> None:
    target = tmp_path / "handouts" / "case.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")
    write_atomically({target: b"new"})
    assert _files(tmp_path) == {"handouts/case.pdf": b"new"}


def test_write_atomically_leaves_a_file_that_already_holds_its_bytes(tmp_path: Path,
                                                                    monkeypatch) -> None:
    """A page's 300 slice images after a text edit: the same bytes, so nothing is written."""
    same, changed = tmp_path / "same.jpg", tmp_path / "changed.jpg"
    write_atomically({same: b"frame", changed: b"old"})
    before = same.stat().st_mtime_ns
    written: list[Path] = []
    original = atomic._write_temporary
    monkeypatch.setattr(atomic, "_write_temporary",
                        lambda path, *rest: written.append(path) or original(path, *rest))
    write_atomically({same: b"frame", changed: b"new"})
    assert set(written) == {changed}  # the new bytes; the old is kept by a link until the move
    assert same.stat().st_mtime_ns == before and changed.read_bytes() == b"new"


def test_write_atomically_cleans_up_when_replace_fails(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "handouts" / "case.pdf", tmp_path / "slides" / "case.pptx"
    write_atomically({first: b"old pdf", second: b"old pptx"})

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CaseError) as caught:
        write_atomically({first: b"new pdf", second: b"new pptx"})
    assert str(caught.value) == f"{first}: cannot write (Permission denied)"
    assert _files(tmp_path) == {"handouts/case.pdf": b"old pdf", "slides/case.pptx": b"old pptx"}


def test_write_atomically_cleans_up_when_writing_fails(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "handouts" / "case.pdf"
    write_atomically({target: b"old"})

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(CaseError) as caught:
        write_atomically({target: b"new", tmp_path / "slides" / "case.pptx": b"deck"})
    assert str(caught.value) == f"{target}: cannot write (No space left on device)"
    assert _files(tmp_path) == {"handouts/case.pdf": b"old"}


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "no hard links"])
def test_write_atomically_is_all_or_nothing_when_a_later_move_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool) -> None:
    """A build whose second move fails is a failed build: the first output must be restored,
    from a second name for it (no copy of a deck's megabytes), or from a copy where the file
    system has no hard links."""
    first, second = tmp_path / "handouts" / "case.pdf", tmp_path / "slides" / "case.pptx"
    write_atomically({first: b"old pdf", second: b"old pptx"})
    if not links:
        def no_links(*args: object, **kwargs: object) -> None:
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(atomic.os, "link", no_links)
    real_replace = os.replace

    def fail_on_the_deck(source: object, target: object, *args: object, **kwargs: object) -> None:
        if str(target) == str(second):
            raise OSError(5, "Input/output error")
        real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", fail_on_the_deck)
    with pytest.raises(CaseError) as caught:
        write_atomically({first: b"new pdf", second: b"new pptx"})
    monkeypatch.undo()
    assert str(caught.value) == f"{second}: cannot write (Input/output error)"
    assert _files(tmp_path) == {"handouts/case.pdf": b"old pdf", "slides/case.pptx": b"old pptx"}


# -- a write that fails names its file (issue 17) ----------------------------------------------


def _disk_full_from(monkeypatch: pytest.MonkeyPatch, writes_that_fit: int) -> None:
    """os.write fails with ENOSPC after `writes_that_fit` calls, as on a disk that fills up."""
    real_write = os.write
    calls = {"done": 0}

    def write(descriptor: int, data: bytes) -> int:
        calls["done"] += 1
        if calls["done"] > writes_that_fit:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)


def test_a_full_disk_names_the_output_and_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "handouts" / "case.pdf", tmp_path / "slides" / "case.pptx"
    _disk_full_from(monkeypatch, writes_that_fit=1)  # the first output's temporary file
    with pytest.raises(CaseError) as caught:
        write_atomically({first: b"new pdf", second: b"new pptx"})
    monkeypatch.undo()
    assert str(caught.value) == f"{second}: cannot write (No space left on device)"
    assert _files(tmp_path) == {}  # neither output, and no temporary file


def test_a_full_disk_while_writing_the_cache_names_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cache" / "probe.json"
    _disk_full_from(monkeypatch, writes_that_fit=0)
    with pytest.raises(CaseError) as caught:
        write_whole(target, b"{}")
    monkeypatch.undo()
    assert str(caught.value) == f"{target}: cannot write (No space left on device)"
    assert _files(tmp_path) == {}


def test_an_output_path_taken_by_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    target = tmp_path / "handouts" / "case.pdf"
    target.parent.mkdir()
    os.mkfifo(target)
    with within(10), pytest.raises(CaseError) as caught:
        write_atomically({target: b"new pdf"})
    assert str(caught.value) == (
        f"{target}: cannot write (there is a FIFO of that name in the way)")
    assert sorted(p.name for p in target.parent.iterdir()) == ["case.pdf"]


# -- nothing left behind (issue 8) ------------------------------------------------------------


def _hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob(".*") if p.is_file())


def test_a_refused_file_is_never_written_to_disk(write_case, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The leak check reads the finished bytes in memory, before any temporary file."""
    from test_leaks import leaky_properties

    written: list[str] = []
    real_write = atomic._write_temporary

    def spy(path: Path, data: bytes, made: list[Path], suffix: str = ".tmp") -> Path:
        written.append(path.name)
        return real_write(path, data, made, suffix)

    monkeypatch.setattr(atomic, "_write_temporary", spy)
    leaky_properties(monkeypatch)
    out = tmp_path / "out"
    assert main(["build", str(write_case()), "--out", str(out)]) == 1
    assert written == []
    assert not (out / "slides").exists() and not (out / "handouts").exists()


def test_a_terminated_build_removes_its_temporary_files(write_case, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM (a killed `make`, a closed terminal) unwinds the build like Ctrl-C."""
    real_write = atomic._write_temporary

    def terminated_after_two(path: Path, data: bytes, made: list[Path],
                             suffix: str = ".tmp") -> Path:
        temporary = real_write(path, data, made, suffix)
        if len(_hidden(tmp_path / "out")) >= 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return temporary

    monkeypatch.setattr(atomic, "_write_temporary", terminated_after_two)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as stopped:
            main(["build", str(write_case()), "--out", str(tmp_path / "out")])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert [p for p in _hidden(tmp_path / "out") if not p.endswith(".json")] == []
    assert not list((tmp_path / "out").glob("*/case-17*"))


def test_a_build_sweeps_what_killed_builds_left(write_case, tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = [out / "handouts" / ".case-17.pdf.ab12cd34.tmp",
             out / "slides" / ".case-17-unknown.pptx.zz_9yx87.old",
             out / ".cache" / ".tmp-k2j3h4g5"]
    kept = [out / "handouts" / ".notes.txt", out / "handouts" / "case-17.pdf.bak"]
    for path in stale + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"leftover with Intralobar pulmonary sequestration")
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert main(["build", str(write_case()), "--out", str(out)]) == 0
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)


def test_a_temporary_file_newer_than_the_build_is_left_alone(tmp_path: Path) -> None:
    """Another build running in the same folder may be writing it."""
    fresh = tmp_path / "handouts" / ".case.pdf.abcdefgh.tmp"
    fresh.parent.mkdir()
    fresh.write_bytes(b"in progress")
    assert atomic.sweep_temporaries([tmp_path / "handouts"], started=time.time() - 60) == []
    assert fresh.exists()


# -- every problem of a file in one run (issue 8) -----------------------------------------------


def test_schema_errors_come_with_the_reference_and_figure_errors(write_case) -> None:
    """A misspelled key used to hide the citation and figure reference errors of the file."""
    case = write_case(replace=(
        ("institution: Teaching Hospital", "instituton: Teaching Hospital"),
        ("(@fig-cta) [@smith2019]", "(@fig-cat) [@smith2091]"),
        ("    year: 2020", "    year: twenty"),
    ))
    with pytest.raises(CaseError) as caught:
        load_document(case)
    messages = {r.field: r.message for r in caught.value.reports}
    assert "did you mean 'institution'" in messages["instituton"]
    assert "expected a whole number" in messages["references[jones2020].year"]
    found = messages["findings[1].text"]
    assert "no figure with id 'cat'" in found or "no reference with id 'smith2091'" in found
    texts = [str(r) for r in caught.value.reports]
    assert any("(did you mean 'cta'?)" in t for t in texts), texts
    assert any("(did you mean 'smith2019'?)" in t for t in texts), texts


def test_a_broken_figure_entry_does_not_hide_the_others(write_case, case_dir: Path) -> None:
    case = write_case(replace=(
        ("    caption: Frontal radiograph with a left lower lobe opacity.\n", ""),
        ("    alt: Axial CT angiogram.", "    alt: Axial CT angiogram.\n    window: lungs"),
        ("figures: [cta]", "figures: [cat]"),
    ))
    (case_dir / "images" / "cta.png").write_bytes(b"not an image")
    with pytest.raises(CaseError) as caught:
        load_document(case)
    fields = sorted(r.field for r in caught.value.reports)
    assert fields == ["figures[cta].file", "figures[cta].window", "figures[cxr].caption",
                      "findings[1].figures[0]"], [str(r) for r in caught.value.reports]


def test_a_misspelled_figure_id_gets_a_suggestion(write_case) -> None:
    case = write_case(replace=(("(@fig-cta)", "(@fig-ctaa)"),))
    with pytest.raises(CaseError) as caught:
        load_document(case)
    (report,) = caught.value.reports
    assert "no figure with id 'ctaa' (@fig-ctaa) (did you mean 'cta'?)" in report.message


def test_fig_brian_suggests_brain(write_case) -> None:
    case = write_case(replace=(("  - id: cta", "  - id: brain"),
                               ("figures: [cta]", "figures: [brain]"),
                               ("(@fig-cta)", "(@fig-brian)")))
    with pytest.raises(CaseError) as caught:
        load_document(case)
    (report,) = caught.value.reports
    assert report.message == "no figure with id 'brian' (@fig-brian) (did you mean 'brain'?)"
