"""The teaching-file site (issue 11): a page per case with the answer behind "Show answer",
the quiz variant with no answer in its source, conference pages, the index and the library;
HTML from templates with every text escaped; images named by number, without metadata; the
read-back check reading pages. The browser tests are in test_browser.py."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casedocs.build.readback import unknown_part_key
from casedocs.cli import main
from casedocs.figures import FigureImages
from casedocs.load import load_document
from casedocs.render.registry import output_named
from casedocs.render.site.readback import page_texts
from conftest import REPO, make_image, write_case_file

SITE = output_named("site")
DIAGNOSIS = "Intralobar pulmonary sequestration"
METADATA = "modality: [CR, CT]\nanatomy: left lower lobe\nsubspecialty: chest\ndifficulty: 2\n"
KEYWORDS = "keywords: [sequestration, systemic arterial supply]\n"


def _site(folder: Path, *extra: str, cases: tuple[Path, ...] = ()) -> Path:
    """A site of the minimal case (with metadata) and `cases`, built into folder/site."""
    case = write_case_file(folder, ((KEYWORDS, KEYWORDS + METADATA),))
    out = folder / "site"
    assert main(["site", str(case), *map(str, cases), "--out", str(out), *extra]) == 0
    return out


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_a_site_has_an_index_a_library_a_page_per_case_and_the_files_it_links_to(
    tmp_path: Path,
) -> None:
    out = _site(tmp_path)
    page = _text(out / "pages" / "case-17.html")
    for link in re.findall(r'(?:href|src)="([^"#]+)', page):
        if not link.startswith("http"):
            assert (out / "pages" / link).resolve().is_file(), link
    assert (out / "index.html").is_file() and (out / "library.html").is_file()
    assert '<html lang="en">' in page
    assert not (out / ".cache").exists(), "the cache stays out of the published folder"


def test_the_case_page_shows_history_and_clean_figures_first_then_the_answer_inside_details(
    tmp_path: Path,
) -> None:
    page = _text(_site(tmp_path) / "pages" / "case-17.html")
    before, answer_and_after = page.split("<details", 1)
    assert "recurrent left lower lobe pneumonia" in before
    assert before.count('<figure class="figure"') == 2
    assert DIAGNOSIS not in before and "Pulmonary sequestration" not in before
    answer = answer_and_after.split("</details>", 1)[0]
    assert "data-answer" in answer_and_after.split(">", 1)[0]
    for text in (DIAGNOSIS, "Persistent opacity", "Surgical resection", "systemic artery",
                 "Congenital pulmonary airway malformation"):
        assert text in answer, text
    assert "<title>Chest Case 17</title>" in page


def test_the_public_part_of_a_full_page_passes_the_answer_check_and_the_answer_does_not(
    tmp_path: Path,
) -> None:
    out = _site(tmp_path)
    data = (out / "pages" / "case-17.html").read_bytes()
    key = unknown_part_key([load_document(tmp_path / "case.yaml").document])
    assert key.found_in(SITE.read_back(data, frozenset({"outside-answer"}))) == []
    assert any(found.startswith("the diagnosis ('") and found.endswith("on the page")
               for found in key.found_in(SITE.read_back(data, None)))


def test_the_quiz_has_no_answer_anywhere_in_its_source(tmp_path: Path) -> None:
    out = _site(tmp_path, "--unknown")
    key = unknown_part_key([load_document(tmp_path / "case.yaml").document])
    pages = [p for p in out.rglob("*") if p.suffix in (".html", ".css", ".js")]
    assert {p.name for p in pages} >= {"index.html", "case-17-unknown.html"}
    assert not (out / "library.html").exists()
    for page in pages:
        source = _text(page)
        assert key.fields_in(page_texts(source)) == [], page
        assert "sequestration" not in source.lower(), page
        assert "<details" not in source
    linked = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.p[dp]*"))
    assert linked == ["handouts/case-17-unknown.pdf", "slides/case-17-unknown.pptx"]
    quiz = _text(out / "pages" / "case-17-unknown.html")
    assert "Describe the findings." in quiz


def test_every_text_is_escaped(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (
        ("A 19-year-old with", 'A <script>alert("x")</script> & <b>19</b>-year-old with'),
        ("Surgical resection.", "Resection <img src=x onerror=alert(1)>."),
    ))
    out = tmp_path / "site"
    assert main(["site", str(case), "--out", str(out)]) == 0
    page = _text(out / "pages" / "case-17.html")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(\u201cx\u201d)&lt;/script&gt; &amp; &lt;b&gt;19&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    index = _text(out / "index.html")
    assert "<script>alert" not in index


def test_references_link_to_doi_and_pubmed_and_only_web_links_survive(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (
        ("Surgical resection.", "Surgical resection ([guide](https://example.org/guide)), "
                                "not [this](javascript:alert(1))."),
    ))
    out = tmp_path / "site"
    assert main(["site", str(case), "--out", str(out)]) == 0
    page = _text(out / "pages" / "case-17.html")
    assert 'href="https://doi.org/10.1148/rg.2019180000"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/30735470/"' in page
    assert 'href="https://example.org/guide"' in page
    assert 'href="javascript' not in page  # markdown-it leaves such a link as text


def test_figures_are_named_by_number_and_carry_no_metadata(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (("file: images/cta.png", "file: images/secret-name.jpg"),))
    noise = np.random.default_rng(7).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    secret = Image.fromarray(noise, "RGB")  # many colours: kept as a JPEG
    exif = Image.Exif()
    exif[0x010E] = "SECRETPATIENT"  # ImageDescription
    secret.save(tmp_path / "images" / "secret-name.jpg", exif=exif.tobytes())
    out = tmp_path / "site"
    assert main(["site", str(case), "--out", str(out)]) == 0
    files = sorted(p.name for p in (out / "pages" / "case-17").iterdir())
    assert files == ["fig-1.png", "fig-2.jpg", "thumb.jpg"]
    for path in (out / "pages" / "case-17").iterdir():
        data = path.read_bytes()
        assert b"SECRETPATIENT" not in data and b"secret-name" not in data
        assert not Image.open(io.BytesIO(data)).getexif()
    assert "secret-name" not in _text(out / "pages" / "case-17.html")


def test_annotations_are_drawn_over_answer_figures_only(tmp_path: Path) -> None:
    case = write_case_file(tmp_path, (
        ("    credit: Courtesy of the teaching file.\n",
         "    credit: Courtesy of the teaching file.\n    annotations:\n"
         "      - arrow: [0.5, 0.5]\n      - label: Feeding artery\n        at: [0.1, 0.1]\n"),
    ))
    out = tmp_path / "site"
    assert main(["site", str(case), "--out", str(out)]) == 0
    before, answer = _text(out / "pages" / "case-17.html").split("<details", 1)
    assert "<svg" not in before and "Feeding artery" not in before
    assert answer.count("<polygon") >= 1 and ">Feeding artery</text>" in answer


def test_metadata_shows_on_the_page_and_the_index_filters_by_it(tmp_path: Path) -> None:
    out = _site(tmp_path)
    page = _text(out / "pages" / "case-17.html")
    for shown in ("Radiography, CT", "left lower lobe", "chest", "Intermediate"):
        assert shown in page.split("<details", 1)[0]
    index = _text(out / "index.html")
    assert 'data-modalities="[&#34;Radiography&#34;, &#34;CT&#34;]"' in index
    assert "<option>Radiography</option>" in index and "<option>Intermediate</option>" in index
    assert "sequestration" not in index.lower()
    library = _text(out / "library.html")
    assert DIAGNOSIS in library and "systemic arterial supply" in library


def test_the_index_of_the_corpus_lists_every_case_and_the_conference(tmp_path: Path) -> None:
    out = tmp_path / "site"
    examples = REPO / "content" / "examples"
    assert main(["site", str(examples), "--out", str(out)]) == 0
    index = _text(out / "index.html")
    cases = sorted(examples.glob("*.yaml"))
    assert index.count("data-item ") == len(cases) == 15
    conference = _text(out / "pages" / "2026-12-mixed.html")
    labels = re.findall(r'<span class="label">([^<]+)</span>', conference)
    assert labels == ["Case 1", "Case 2", "Case 3", "Case 4"]
    assert 'href="../pages/2026-12-mixed.pdf"' not in conference
    assert 'href="../handouts/2026-12-mixed.pdf"' in conference
    assert "Resident unknown case conference" in index


def test_a_site_of_a_conference_alone_has_pages_for_its_cases(tmp_path: Path) -> None:
    conference = REPO / "content" / "examples" / "conferences" / "2026-12-mixed.yaml"
    out = tmp_path / "site"
    assert main(["site", str(conference), "--out", str(out)]) == 0
    page = _text(out / "pages" / "2026-12-mixed.html")
    for link in re.findall(r'href="([a-z0-9-]+\.html)"', page):
        assert (out / "pages" / link).is_file(), link


def test_a_second_site_build_is_up_to_date_and_an_edit_rebuilds_its_page_and_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _site(tmp_path)
    capsys.readouterr()
    assert main(["site", str(tmp_path / "case.yaml"), "--out", str(out)]) == 0
    assert "wrote" not in capsys.readouterr().out
    case = tmp_path / "case.yaml"
    case.write_text(_text(case).replace("difficulty: 2", "difficulty: 3"), encoding="utf-8")
    assert main(["site", str(case), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"wrote {out / 'pages' / 'case-17.html'}" in said
    assert f"wrote {out / 'index.html'}" in said
    assert "Advanced" in _text(out / "index.html")


def test_page_texts_join_inline_elements_and_leave_out_the_answer_on_request() -> None:
    page = (
        "<html><head><title>Case 3</title></head><body><p>A <em>crescentic</em> "
        'collection</p><img alt="Axial CT"><!-- a note --><details data-answer><p>Subdural '
        "<strong>haematoma</strong></p><details><p>inner</p></details><p>more</p></details>"
        "<p>after</p></body></html>"
    )
    assert page_texts(page) == [
        "Case 3", "A crescentic collection", "Axial CT", " a note ", "Subdural haematoma",
        "inner", "more", "after",
    ]
    assert page_texts(page, outside_answer=True) == [
        "Case 3", "A crescentic collection", "Axial CT", " a note ", "after",
    ]


def test_a_page_that_slips_an_answer_into_its_public_part_is_refused(tmp_path: Path) -> None:
    document = load_document(write_case_file(tmp_path)).document
    key = unknown_part_key([document])
    slipped = f"<html><body><h1>{DIAGNOSIS}</h1><details data-answer></details></body></html>"
    assert f"the diagnosis ('{DIAGNOSIS}') on the page" in key.found_in(
        SITE.read_back(slipped.encode(), frozenset({"x"})))
    rendered = SITE.render(document, FigureImages(), _options(), (True,))[True]
    assert key.found_in(SITE.read_back(rendered.data, None)) == []


def test_a_tiny_figure_is_not_enlarged_or_warned_about(tmp_path: Path) -> None:
    make_image(tmp_path / "images" / "cxr.png", (40, 50))
    case = write_case_file(tmp_path, cxr_name="tiny.png")
    make_image(tmp_path / "images" / "tiny.png", (40, 50))
    document = load_document(case).document
    images = FigureImages()
    rendered = SITE.render(document, images, _options(), (False,))[False]
    sizes = {name: Image.open(io.BytesIO(data)).size for name, data in rendered.attachments}
    assert sizes["fig-1.png"] == (40, 50)
    assert not [w for w in rendered.warnings if "site" in w.message]


def _options():  # noqa: ANN202
    from datetime import datetime

    from casedocs.render.output import RenderOptions

    return RenderOptions(datetime(2000, 1, 1))


def test_a_card_that_would_show_an_answer_in_the_index_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from casedocs.render.site import pages

    def leaky(metadata, say):  # noqa: ANN001, ANN202
        found = pages.facets.__wrapped__(metadata, say)
        return {**found, "anatomy": (DIAGNOSIS,)}

    leaky.__wrapped__ = pages.facets  # type: ignore[attr-defined]
    monkeypatch.setattr(pages, "facets", leaky)
    case = write_case_file(tmp_path)
    out = tmp_path / "site"
    assert main(["site", str(case), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "the answer would leak into this file: " in err
    assert f"the diagnosis ('{DIAGNOSIS}') on its card in the index; " in err
    assert err.rstrip().endswith("nothing was written")
    assert not (out / "pages").exists()
    assert not (out / "index.html").exists()  # no case built: nothing to list
