"""Decks built on the department's PowerPoint template; the templates are made here, in code.

Spec (issue 5, "The department's template"): `--template PATH`, else the conference's
`template:`, else the case's, takes a .pptx or .potx. Slides are built from the template's
layouts across all its masters: by name through a `layouts:` mapping, else by placeholder types
(so localized names work); when neither works the error lists the template's layouts.
`casedocs layouts TEMPLATE` prints them with their placeholders. Figure slides keep their black
background. The template's slides, author, company, comments, slide titles in app.xml and
thumbnail never reach the output. Slide size comes from the template (4:3 and 16:10 too).

Issue 17 ("Nothing private leaves"): of a template only its layouts, masters, themes and
pictures reach a deck. External links (web pages, linked picture files), macros (.pptm), OLE
objects, ActiveX controls, SVG pictures and embedded fonts are left behind, each said in one
warning line by a build and by `casedocs layouts`, with the elements that referred to them. A
file that is no PowerPoint template, is damaged, or holds a part over the size caps or packed
like a compression bomb is refused in one line naming it; nothing is written.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_FILL
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.util import Inches

from casedocs.cli import main
from casedocs.render.deck import package as package_module
from casedocs.render.deck.package import (
    MAX_PART_BYTES,
    MAX_RATIO,
    MEGABYTE,
    rebuild_template,
)
from conftest import write_case_file

EMU = 914400
GERMAN = {
    "Title Slide": "Titelfolie",
    "Title and Content": "Titel und Inhalt",
    "Section Header": "Abschnittsüberschrift",
    "Two Content": "Zwei Inhalte",
    "Comparison": "Vergleich",
    "Title Only": "Nur Titel",
    "Blank": "Leer",
    "Content with Caption": "Inhalt mit Überschrift",
    "Picture with Caption": "Bild mit Beschriftung",
    "Title and Vertical Text": "Titel und vertikaler Text",
    "Vertical Title and Text": "Vertikaler Titel und Text",
}
SECRET = "TEMPLATE SLIDE SECRET"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.presentationml.comments+xml"
CT_COMMENT_AUTHORS = (
    "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml"
)
CT_PRESENTATION = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"


# -- templates made in code --------------------------------------------------------------------


def make_template(
    path: Path,
    names: dict[str, str] | None = None,
    size: tuple[float, float] = (10, 7.5),
    edit: Callable[[Presentation], None] | None = None,
) -> Path:
    """python-pptx's own template (one master, eleven layouts), with layouts renamed, at
    `size` inches (its 4:3 design scaled to fit, as PowerPoint does), edited by `edit`."""
    presentation = Presentation()
    x_scale, y_scale = size[0] / 10, size[1] / 7.5
    for master in presentation.slide_masters:
        for shapes in [master.shapes, *(layout.shapes for layout in master.slide_layouts)]:
            for shape in shapes:
                if shape._element.xpath("./p:spPr/a:xfrm"):  # inherited positions follow
                    shape.left, shape.width = int(shape.left * x_scale), int(shape.width * x_scale)
                    shape.top, shape.height = int(shape.top * y_scale), int(shape.height * y_scale)
    presentation.slide_width, presentation.slide_height = Inches(size[0]), Inches(size[1])
    for layout in presentation.slide_layouts:
        layout.name = (names or {}).get(layout.name, layout.name)
    if edit:
        edit(presentation)
    path.parent.mkdir(parents=True, exist_ok=True)
    presentation.save(path)
    return path


def rewrite_zip(path: Path, edits: dict[str, Callable[[bytes], bytes]],
                target: Path | None = None) -> Path:
    """The package at `path` with parts edited (or added: the edit receives b"")."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename in edits:
                content = edits[entry.filename](content)
            package.writestr(entry.filename, content)
        for name, edit in edits.items():
            if name not in source.namelist():
                package.writestr(name, edit(b""))
    (target or path).write_bytes(output.getvalue())
    return target or path


def constant(data: bytes) -> Callable[[bytes], bytes]:
    return lambda _: data


def add_second_master(path: Path) -> Path:
    """A copy of the first master, its theme and all its layouts as a second master: a
    python-pptx template cannot make masters itself, so the package is edited."""
    package = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    read = lambda name: package.read(name).decode("utf-8")  # noqa: E731
    layouts = sorted(
        (n for n in package.namelist() if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", n)),
        key=lambda n: int(re.search(r"(\d+)\.xml", n)[1]),
    )
    offset = len(layouts)
    edits: dict[str, Callable[[bytes], bytes]] = {}
    overrides = []
    layout_type = "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"
    for name in layouts:
        number = int(re.search(r"(\d+)\.xml", name)[1])
        copy = f"ppt/slideLayouts/slideLayout{number + offset}.xml"
        rels = read(f"ppt/slideLayouts/_rels/slideLayout{number}.xml.rels")
        edits[copy] = constant(read(name).encode())
        edits[f"ppt/slideLayouts/_rels/slideLayout{number + offset}.xml.rels"] = constant(
            rels.replace("slideMaster1.xml", "slideMaster2.xml").encode())
        overrides.append(f'<Override PartName="/{copy}" ContentType="{layout_type}"/>')
    master_rels = read("ppt/slideMasters/_rels/slideMaster1.xml.rels")
    master_rels = re.sub(r"slideLayout(\d+)\.xml",
                         lambda m: f"slideLayout{int(m[1]) + offset}.xml", master_rels)
    master_rels = master_rels.replace("theme1.xml", "theme2.xml")
    master = re.sub(r'<p:sldLayoutId id="(\d+)"',
                    lambda m: f'<p:sldLayoutId id="{int(m[1]) + 1000}"',
                    read("ppt/slideMasters/slideMaster1.xml"))
    edits["ppt/slideMasters/slideMaster2.xml"] = constant(master.encode())
    edits["ppt/slideMasters/_rels/slideMaster2.xml.rels"] = constant(master_rels.encode())
    edits["ppt/theme/theme2.xml"] = constant(package.read("ppt/theme/theme1.xml"))
    overrides += [
        '<Override PartName="/ppt/slideMasters/slideMaster2.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/>',
        '<Override PartName="/ppt/theme/theme2.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>',
    ]
    edits["[Content_Types].xml"] = lambda data: data.replace(
        b"</Types>", "".join(overrides).encode() + b"</Types>")
    edits["ppt/_rels/presentation.xml.rels"] = lambda data: data.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdMaster2" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/slideMaster" Target="slideMasters/slideMaster2.xml"/>'
        b"</Relationships>")
    edits["ppt/presentation.xml"] = lambda data: data.replace(
        b"</p:sldMasterIdLst>",
        b'<p:sldMasterId id="2147484700" r:id="rIdMaster2"/></p:sldMasterIdLst>')
    return rewrite_zip(path, edits)


def to_potx(pptx: Path) -> Path:
    """The same package saved as a PowerPoint template (.potx): only the main part's content
    type differs, which is what python-pptx refuses."""
    return rewrite_zip(pptx, {"[Content_Types].xml": lambda data: data.replace(
        CT_PRESENTATION.encode(), CT_TEMPLATE.encode())}, pptx.with_suffix(".potx"))


def remove_placeholders(layout) -> None:  # noqa: ANN001
    for placeholder in list(layout.placeholders):
        placeholder._element.getparent().remove(placeholder._element)


# -- running and reading decks -----------------------------------------------------------------


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def build_deck(case: Path, *options: str | Path, name: str = "case-17.pptx") -> Presentation:
    out = case.parent / "out"
    code, _, err = run("build", case, "--out", out, "--only", "slides", *options)
    assert code == 0, err
    return Presentation(out / "slides" / name)


def add_to_case(case: Path, text: str) -> Path:
    case.write_text(case.read_text(encoding="utf-8") + text, encoding="utf-8")
    return case


def text_of(slide) -> str:  # noqa: ANN001
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def title_of(slide) -> str:  # noqa: ANN001
    title = slide.shapes.title
    if title is not None:
        return title.text_frame.text
    named = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.name == "Title"]
    return named[0] if named else ""


def pictures(slide) -> list:  # noqa: ANN001
    found = []
    for shape in slide.shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            found.append(shape)
        elif shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found += [s for s in shape.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    return found


def figure_slides(deck: Presentation) -> list:
    """The unknown part's image slides: a picture, no findings text."""
    return [s for s in deck.slides if pictures(s) and "findings" not in text_of(s).lower()]


def slide_titled(deck: Presentation, title: str):  # noqa: ANN201
    return next(s for s in deck.slides if title_of(s) == title)


def layout_names(deck: Presentation) -> list[str]:
    return [slide.slide_layout.name for slide in deck.slides]


def is_black(slide) -> bool:  # noqa: ANN001
    fill = slide.background.fill
    return fill.type == MSO_FILL.SOLID and str(fill.fore_color.rgb) == "000000"


# -- (a) a 4:3 template with localized layout names --------------------------------------------


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Presentation]:
    folder = tmp_path_factory.mktemp("german")
    template = make_template(folder / "abteilung.pptx", GERMAN)
    case = write_case_file(folder)
    return template, build_deck(case, "--template", template)


def test_a_4_3_template_gives_a_4_3_deck(german: tuple[Path, Presentation]) -> None:
    _, deck = german
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(7.5))


def test_localized_layouts_are_found_by_their_placeholders(
        german: tuple[Path, Presentation]) -> None:
    _, deck = german
    names = layout_names(deck)
    assert set(names) <= set(GERMAN.values())
    assert names[0] == "Titelfolie"  # the title slide: a centred title
    for title in ("History", "Your interpretation", "Differential diagnosis", "Teaching points",
                  "References"):
        assert slide_titled(deck, title).slide_layout.name == "Titel und Inhalt", title


def test_titles_go_into_the_layouts_title_placeholder(german: tuple[Path, Presentation]) -> None:
    _, deck = german
    history = slide_titled(deck, "History")
    assert history.shapes.title is not None
    assert history.shapes.title.text_frame.text == "History"
    assert "A 19-year-old with recurrent left lower lobe pneumonia." in text_of(history)


def test_every_shape_lies_within_the_4_3_slide(german: tuple[Path, Presentation]) -> None:
    _, deck = german
    width, height = deck.slide_width, deck.slide_height
    outside = []
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            left, top = shape.left, shape.top
            right, bottom = left + shape.width, top + shape.height
            if left < 0 or top < 0 or right > width + 1 or bottom > height + 1:
                outside.append(f"slide {number}: {shape.name} "
                               f"({left / EMU:.2f}, {top / EMU:.2f}, {right / EMU:.2f}, "
                               f"{bottom / EMU:.2f}) in")
    assert outside == []


def test_no_empty_placeholder_is_left_to_show_its_prompt(german: tuple[Path, Presentation]) -> None:
    _, deck = german
    empty = [(n, p.name) for n, slide in enumerate(deck.slides, start=1)
             for p in slide.placeholders if not p.text_frame.text.strip()]
    assert empty == []


def test_a_16_10_template_gives_a_16_10_deck_within_the_slide(tmp_path: Path) -> None:
    template = make_template(tmp_path / "wide.pptx", size=(10, 6.25))
    deck = build_deck(write_case_file(tmp_path), "--template", template)
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(6.25))
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= deck.slide_width + 1
            assert shape.top + shape.height <= deck.slide_height + 1


# -- (b, c) layouts by name --------------------------------------------------------------------


def test_a_layouts_mapping_chooses_a_layout_by_name(tmp_path: Path) -> None:
    make_template(tmp_path / "t.pptx", GERMAN)
    case = add_to_case(write_case_file(tmp_path),
                       "template: t.pptx\nlayouts:\n  history: Zwei Inhalte\n"
                       "  references: Inhalt mit Überschrift\n")
    deck = build_deck(case)
    assert slide_titled(deck, "History").slide_layout.name == "Zwei Inhalte"
    assert slide_titled(deck, "References").slide_layout.name == "Inhalt mit Überschrift"
    # Roles the mapping does not name still fall back to placeholder types.
    assert slide_titled(deck, "Teaching points").slide_layout.name == "Titel und Inhalt"


def test_a_conference_layouts_mapping_chooses_the_divider_layout(tmp_path: Path) -> None:
    make_template(tmp_path / "t.pptx", GERMAN)
    write_case_file(tmp_path / "a")
    conference = tmp_path / "conference.yaml"
    conference.write_text("id: chest-day\ntitle: Chest conference\ncases: [a/case.yaml]\n"
                          "template: t.pptx\nlayouts:\n  divider: Abschnittsüberschrift\n",
                          encoding="utf-8")
    deck = build_deck(conference, name="chest-day.pptx")
    dividers = [s for s in deck.slides if "Case 1: answer" in text_of(s)]
    assert len(dividers) == 1
    assert dividers[0].slide_layout.name == "Abschnittsüberschrift"


def test_a_mapping_naming_a_missing_layout_lists_the_templates_layouts(tmp_path: Path) -> None:
    make_template(tmp_path / "t.pptx", GERMAN)
    case = add_to_case(write_case_file(tmp_path),
                       "template: t.pptx\nlayouts:\n  history: Gibt es nicht\n")
    out = tmp_path / "out"
    code, _, err = run("build", case, "--out", out)
    assert code == 1
    assert "Gibt es nicht" in err
    for name in GERMAN.values():
        assert name in err, name
    assert "Traceback" not in err
    assert not (out / "slides").exists()


def test_a_mapping_naming_an_unknown_role_is_an_error(tmp_path: Path) -> None:
    make_template(tmp_path / "t.pptx", GERMAN)
    case = add_to_case(write_case_file(tmp_path),
                       "template: t.pptx\nlayouts:\n  histroy: Zwei Inhalte\n")
    code, _, err = run("build", case, "--out", tmp_path / "out", "--only", "slides")
    assert code == 1
    assert "histroy" in err and "history" in err


def test_a_template_without_a_usable_layout_lists_its_layouts(tmp_path: Path) -> None:
    def only_title_slide(presentation: Presentation) -> None:
        for layout in list(presentation.slide_layouts)[1:]:
            presentation.slide_layouts.remove(layout)
        presentation.slide_layouts[0].name = "Einzige Folie"

    template = make_template(tmp_path / "t.pptx", edit=only_title_slide)
    code, _, err = run("build", write_case_file(tmp_path), "--out", tmp_path / "out",
                       "--template", template)
    assert code == 1
    assert "Einzige Folie" in err
    assert not (tmp_path / "out" / "slides").exists()


# -- (d) several masters -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_masters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Master 1 has no layout with a title and a body; master 2 has only that one."""
    folder = tmp_path_factory.mktemp("masters")
    path = add_second_master(make_template(folder / "masters.pptx"))
    presentation = Presentation(path)
    first, second = presentation.slide_masters
    for layout in list(first.slide_layouts):
        if layout.name not in ("Title Slide", "Title Only", "Blank"):
            first.slide_layouts.remove(layout)
    for layout in list(second.slide_layouts):
        if layout.name == "Title and Content":
            layout.name = "Zweiter Master: Inhalt"
        else:
            second.slide_layouts.remove(layout)
    presentation.save(path)
    return path


def test_the_two_master_template_is_what_the_test_means(two_masters: Path) -> None:
    presentation = Presentation(two_masters)
    assert len(presentation.slide_masters) == 2
    assert [layout.name for layout in presentation.slide_masters[1].slide_layouts] == [
        "Zweiter Master: Inhalt"]


def test_layouts_are_chosen_across_all_masters(two_masters: Path, tmp_path: Path) -> None:
    deck = build_deck(write_case_file(tmp_path), "--template", two_masters)
    history = slide_titled(deck, "History")
    assert history.slide_layout.name == "Zweiter Master: Inhalt"
    assert history.slide_layout.slide_master == deck.slide_masters[1]
    assert deck.slides[0].slide_layout.name == "Title Slide"
    assert deck.slides[0].slide_layout.slide_master == deck.slide_masters[0]


def test_a_layouts_mapping_may_name_a_layout_of_the_second_master(two_masters: Path,
                                                                    tmp_path: Path) -> None:
    shutil.copy(two_masters, tmp_path / "t.pptx")
    case = add_to_case(write_case_file(tmp_path),
                       "template: t.pptx\nlayouts:\n  title: 'Zweiter Master: Inhalt'\n")
    deck = build_deck(case)
    assert deck.slides[0].slide_layout.name == "Zweiter Master: Inhalt"


# -- (e) a layout without placeholders ---------------------------------------------------------


def test_a_layout_without_placeholders_is_used_for_figure_slides(tmp_path: Path) -> None:
    def empty_blank(presentation: Presentation) -> None:
        remove_placeholders(next(x for x in presentation.slide_layouts if x.name == "Leer"))

    template = make_template(tmp_path / "t.pptx", GERMAN, edit=empty_blank)
    deck = build_deck(write_case_file(tmp_path), "--template", template)
    figures = figure_slides(deck)
    assert len(figures) == 2
    assert {slide.slide_layout.name for slide in figures} == {"Leer"}
    assert all(len(slide.placeholders) == 0 for slide in figures)


# -- (f) a .potx -------------------------------------------------------------------------------


def test_a_potx_template_builds_a_pptx(tmp_path: Path) -> None:
    potx = to_potx(make_template(tmp_path / "vorlage.pptx", GERMAN))
    (tmp_path / "vorlage.pptx").unlink()
    with pytest.raises(ValueError):  # what python-pptx does with a .potx (its issue #1070)
        Presentation(potx)
    deck = build_deck(write_case_file(tmp_path), "--template", potx)
    assert deck.slide_width == Inches(10)
    assert slide_titled(deck, "History").slide_layout.name == "Titel und Inhalt"
    with zipfile.ZipFile(tmp_path / "out" / "slides" / "case-17.pptx") as package:
        types = package.read("[Content_Types].xml").decode()
    assert CT_PRESENTATION in types and CT_TEMPLATE not in types


def test_a_potx_named_in_the_case_file_builds(tmp_path: Path) -> None:
    to_potx(make_template(tmp_path / "vorlage.pptx", GERMAN))
    case = add_to_case(write_case_file(tmp_path), "template: vorlage.potx\n")
    deck = build_deck(case)
    assert deck.slides[0].slide_layout.name == "Titelfolie"


def test_a_file_that_is_no_template_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.pptx"
    bogus.write_text("not a zip", encoding="utf-8")
    code, _, err = run("build", write_case_file(tmp_path), "--out", tmp_path / "out",
                       "--template", bogus)
    assert code == 1
    assert "bogus.pptx" in err and "Traceback" not in err


# -- (g) what the template carries stays out ---------------------------------------------------


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template with a slide, a comment on it, an author, a company, slide titles in
    app.xml, custom properties and a thumbnail of its own."""
    folder = tmp_path_factory.mktemp("loaded")

    def content(presentation: Presentation) -> None:
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = SECRET
        box = slide.shapes.add_textbox(Inches(1), Inches(3), Inches(5), Inches(1))
        box.text_frame.text = "Template body secret"
        slide.notes_slide.notes_text_frame.text = "Template notes secret"
        core = presentation.core_properties
        core.author = "Template Author"
        core.title = "Template Title Secret"
        core.last_modified_by = "Template Editor"
        core.comments = "Template description secret"
        comments = Part(
            PackURI("/ppt/comments/comment1.xml"), CT_COMMENTS, presentation.part.package,
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<p:cmLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
            b'<p:cm authorId="0" dt="2024-01-01T00:00:00" idx="1"><p:pos x="10" y="10"/>'
            b"<p:text>Template comment secret</p:text></p:cm></p:cmLst>",
        )
        slide.part.relate_to(comments, RT.COMMENTS)
        authors = Part(
            PackURI("/ppt/commentAuthors.xml"), CT_COMMENT_AUTHORS, presentation.part.package,
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/'
            b'main"><p:cmAuthor id="0" name="Template Commenter" initials="TC" lastIdx="1" '
            b'clrIdx="0"/></p:cmAuthorLst>',
        )
        presentation.part.relate_to(authors, RT.COMMENT_AUTHORS)

    path = make_template(folder / "loaded.pptx", edit=content)
    thumbnail = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(thumbnail, "JPEG")
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        'schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://'
        'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft '
        "Office PowerPoint</Application><Slides>1</Slides><TitlesOfParts><vt:vector size=\"2\" "
        f'baseType="lpstr"><vt:lpstr>Office Theme</vt:lpstr><vt:lpstr>{SECRET}</vt:lpstr>'
        "</vt:vector></TitlesOfParts><Manager>Template Manager</Manager><Company>Template "
        "Company Inc</Company></Properties>"
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
        'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CD'
        'D505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Department"><vt:lpwstr>Template '
        "Custom Secret</vt:lpwstr></property></Properties>"
    )
    rewrite_zip(path, {
        "docProps/app.xml": lambda _: app.encode(),
        "docProps/thumbnail.jpeg": lambda _: thumbnail.getvalue(),
        "docProps/custom.xml": lambda _: custom.encode(),
        "[Content_Types].xml": lambda data: data.replace(
            b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>'),
        "_rels/.rels": lambda data: data.replace(
            b"</Relationships>", b'<Relationship Id="rIdCustom" Type="http://schemas.'
            b"openxmlformats.org/officeDocument/2006/relationships/custom-properties\" "
            b'Target="docProps/custom.xml"/></Relationships>'),
    })
    return path


TEMPLATE_SECRETS = ("TEMPLATE SLIDE SECRET", "Template body secret", "Template notes secret",
                    "Template Author", "Template Title Secret", "Template Editor",
                    "Template description secret", "Template comment secret",
                    "Template Commenter", "Template Company", "Template Manager",
                    "Template Custom Secret")


def test_the_loaded_template_carries_what_the_test_means(loaded_template: Path) -> None:
    with zipfile.ZipFile(loaded_template) as package:
        names = package.namelist()
        everything = " ".join(package.read(n).decode("utf-8", "replace") for n in names
                              if n.endswith((".xml", ".rels")))
    assert "docProps/thumbnail.jpeg" in names and "docProps/custom.xml" in names
    assert any(n.startswith("ppt/comments/") for n in names)
    assert "ppt/commentAuthors.xml" in names
    for secret in TEMPLATE_SECRETS:
        assert secret in everything, secret
    assert len(Presentation(loaded_template).slides) == 1


@pytest.mark.parametrize("variant", ["case-17.pptx", "case-17-unknown.pptx"])
def test_the_templates_slides_and_properties_never_reach_the_output(
        loaded_template: Path, tmp_path: Path, variant: str) -> None:
    case = write_case_file(tmp_path)
    deck = build_deck(case, "--template", loaded_template, name=variant)
    path = tmp_path / "out" / "slides" / variant
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        texts = {n: package.read(n).decode("utf-8", "replace") for n in names
                 if n.endswith((".xml", ".rels"))}
    leaked = [(secret, name) for name, text in texts.items() for secret in TEMPLATE_SECRETS
              if secret in text]
    assert leaked == []
    assert not [n for n in names if "thumbnail" in n or "comment" in n.lower()
                or n == "docProps/custom.xml"]
    assert "metadata/thumbnail" not in texts["_rels/.rels"]
    assert "custom-properties" not in texts["_rels/.rels"]
    assert text_of(deck.slides[0]).strip() == "Chest Case 17"
    assert all(SECRET not in text_of(slide) for slide in deck.slides)
    assert deck.core_properties.author != "Template Author"


def test_every_part_the_output_declares_exists(loaded_template: Path, tmp_path: Path) -> None:
    build_deck(write_case_file(tmp_path), "--template", loaded_template)
    with zipfile.ZipFile(tmp_path / "out" / "slides" / "case-17.pptx") as package:
        names = set(package.namelist())
        types = package.read("[Content_Types].xml").decode()
        overrides = re.findall(r'PartName="/([^"]+)"', types)
        assert [name for name in overrides if name not in names] == []
        for rels in (n for n in names if n.endswith(".rels")):
            folder = rels.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0]
            folder = "" if "/" not in rels.replace("_rels/", "").removesuffix(".rels") else folder
            xml = package.read(rels).decode()
            for target, mode in re.findall(r'Target="([^"]+)"(?:\s+TargetMode="(\w+)")?', xml):
                if mode == "External":
                    continue
                parts = [*(folder.split("/") if folder else []), *target.split("/")]
                resolved: list[str] = []
                for part in parts:
                    if part == "..":
                        resolved.pop()
                    elif part not in ("", "."):
                        resolved.append(part)
                assert "/".join(resolved) in names, (rels, target)


# -- (h) figure slides stay black --------------------------------------------------------------


@pytest.fixture(scope="module")
def coloured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A deck on a template whose master has a light yellow background."""
    folder = tmp_path_factory.mktemp("coloured")

    def yellow(presentation: Presentation) -> None:
        fill = presentation.slide_master.background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor(0xFF, 0xF2, 0x80)

    template = make_template(folder / "yellow.pptx", GERMAN, edit=yellow)
    case = write_case_file(folder)
    build_deck(case, "--template", template)
    return folder / "out" / "slides" / "case-17.pptx"


def test_figure_slides_keep_a_black_background_on_a_template(coloured: Path) -> None:
    deck = Presentation(coloured)
    figures = figure_slides(deck)
    assert len(figures) == 2
    assert all(is_black(slide) for slide in figures)
    # The other slides show the template's own background.
    assert not is_black(slide_titled(deck, "History"))


def test_figure_slides_render_black_and_text_slides_in_the_templates_colour(
        coloured: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice (soffice) or pdftoppm is not installed")
    deck = Presentation(coloured)
    numbers = {n for n, s in enumerate(deck.slides, start=1) if s in figure_slides(deck)}
    history = next(n for n, s in enumerate(deck.slides, start=1) if title_of(s) == "History")
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(coloured)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "case-17.pdf"
    for number in sorted(numbers) + [history]:
        prefix = tmp_path / f"page{number}"
        subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", "20", "-png",
                        "-singlefile", str(pdf), str(prefix)], check=True, timeout=60)
        image = Image.open(f"{prefix}.png").convert("RGB")
        corner = image.getpixel((2, 2))
        if number in numbers:
            assert max(corner) < 20, (number, corner)
        else:
            assert corner[0] > 230 and corner[1] > 220 and corner[2] < 160, (number, corner)


# -- (i) casedocs layouts ----------------------------------------------------------------------


def test_layouts_command_prints_every_layout_with_its_placeholders(tmp_path: Path) -> None:
    def empty_blank(presentation: Presentation) -> None:
        remove_placeholders(next(x for x in presentation.slide_layouts if x.name == "Leer"))

    template = make_template(tmp_path / "t.pptx", GERMAN, edit=empty_blank)
    code, out, err = run("layouts", template)
    assert code == 0, err
    assert "10.00 x 7.50 in" in out
    lines = out.splitlines()
    for german in GERMAN.values():
        line = next((x for x in lines if f"'{german}'" in x), None)
        assert line is not None, german
        placeholders = Presentation(template).slide_layouts.get_by_name(german).placeholders
        for placeholder in placeholders:
            kind = placeholder.placeholder_format.type.name
            assert f"{kind} (idx {placeholder.placeholder_format.idx})" in line, (german, kind)
    leer = next(x for x in lines if "'Leer'" in x)
    assert "no placeholders" in leer
    titel = next(x for x in lines if "'Titel und Inhalt'" in x)
    assert "TITLE (idx 0)" in titel and "OBJECT (idx 1)" in titel


def test_layouts_command_names_the_master_of_each_layout(two_masters: Path) -> None:
    code, out, err = run("layouts", two_masters)
    assert code == 0, err
    second = [x for x in out.splitlines() if "Zweiter Master: Inhalt" in x]
    assert len(second) == 1 and "master 2" in second[0]
    assert any("master 1" in x and "'Title Slide'" in x for x in out.splitlines())


def test_layouts_command_reads_a_potx(tmp_path: Path) -> None:
    potx = to_potx(make_template(tmp_path / "t.pptx", GERMAN))
    code, out, err = run("layouts", potx)
    assert code == 0, err
    assert all(f"'{name}'" in out for name in GERMAN.values())


def test_layouts_command_reports_a_missing_file(tmp_path: Path) -> None:
    code, out, err = run("layouts", tmp_path / "missing.pptx")
    assert code == 1
    assert "missing.pptx" in err and "Traceback" not in err


# -- (j) which template wins -------------------------------------------------------------------


@pytest.fixture
def three_templates(tmp_path: Path) -> dict[str, Path]:
    """Templates told apart by their content layout's name and by their slide size."""
    sizes = {"case": (10, 7.5), "conference": (10, 6.25), "cli": (13.333, 7.5)}
    return {
        who: make_template(tmp_path / "templates" / f"{who}.pptx",
                           {"Title and Content": f"{who.title()} Layout"}, sizes[who])
        for who in sizes
    }


def precedence_site(tmp_path: Path) -> tuple[Path, Path]:
    case = add_to_case(write_case_file(tmp_path / "cases"),
                       "template: ../templates/case.pptx\n")
    conference = tmp_path / "conferences" / "c.yaml"
    conference.parent.mkdir()
    conference.write_text("id: chest-day\ntitle: Chest conference\n"
                          "template: ../templates/conference.pptx\n"
                          "cases: [../cases/case.yaml]\n", encoding="utf-8")
    return case, conference


def history_layout(path: Path) -> tuple[str, int]:
    deck = Presentation(path)
    return slide_titled(deck, "History").slide_layout.name, deck.slide_width


def test_a_case_uses_its_own_template(three_templates: dict, tmp_path: Path) -> None:
    case, _ = precedence_site(tmp_path)
    out = tmp_path / "out"
    assert run("build", case, "--out", out, "--only", "slides")[0] == 0
    assert history_layout(out / "slides" / "case-17.pptx") == ("Case Layout", Inches(10))
    assert history_layout(out / "slides" / "case-17-unknown.pptx")[0] == "Case Layout"


def test_the_conference_template_overrides_the_cases(three_templates: dict,
                                                     tmp_path: Path) -> None:
    _, conference = precedence_site(tmp_path)
    out = tmp_path / "out"
    code, _, err = run("build", conference, "--out", out, "--only", "slides")
    assert code == 0, err
    deck = Presentation(out / "slides" / "chest-day.pptx")
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(6.25))
    assert slide_titled(deck, "History").slide_layout.name == "Conference Layout"
    assert history_layout(out / "slides" / "chest-day-unknown.pptx")[0] == "Conference Layout"


@pytest.mark.parametrize("which", ["case", "conference"])
def test_the_command_line_template_overrides_both(three_templates: dict, tmp_path: Path,
                                                  which: str) -> None:
    case, conference = precedence_site(tmp_path)
    source = case if which == "case" else conference
    name = "case-17" if which == "case" else "chest-day"
    out = tmp_path / "out"
    code, _, err = run("build", source, "--out", out, "--only", "slides",
                       "--template", three_templates["cli"])
    assert code == 0, err
    for variant in (f"{name}.pptx", f"{name}-unknown.pptx"):
        assert history_layout(out / "slides" / variant) == ("Cli Layout", Inches(13.333)), variant


# -- the theme font ----------------------------------------------------------------------------


def test_slide_text_takes_the_theme_font_it_was_measured_in(tmp_path: Path) -> None:
    from casedocs.render.deck.template import load_template

    template = make_template(tmp_path / "t.pptx")
    rewrite_zip(template, {"ppt/theme/theme1.xml": lambda data: re.sub(
        rb'(<a:minorFont>\s*<a:latin typeface=")[^"]+"', rb'\1Arial"', data)})
    assert load_template(template, {}).font == "Arial"
    build_deck(write_case_file(tmp_path), "--template", template)
    with zipfile.ZipFile(tmp_path / "out" / "slides" / "case-17.pptx") as package:
        slides = [package.read(n).decode() for n in package.namelist()
                  if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    # No run names a typeface of its own: the theme's font shows, the one text was fitted in.
    assert not any(re.search(r'<a:latin typeface="(?!\+)', xml) for xml in slides)


# -- (k) what a template may not bring (issue 17, "Nothing private leaves") ---------------------
#
# A deck takes a template's layouts, masters, themes and pictures, nothing else: external links
# (web pages, linked picture files), macros, OLE objects and ActiveX controls are left behind,
# each said in one warning line, and the elements that referred to them go too. A file that is
# no PowerPoint template, or holds parts too large to unpack, is refused in one line.

NAMESPACES = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:v="urn:schemas-microsoft-com:vml"')
R_NAMESPACE = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
P_NAMESPACE = "http://schemas.openxmlformats.org/presentationml/2006/main"
INTRANET = "http://intranet.example/radiology/" + "private-path/" * 8  # longer than a message
LINKED_FILE = "file:///C:/Users/dept/Secret%20Logo.png"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
RT_ACTIVEX_BINARY = "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary"
CT_MACRO_MAIN = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
HOSTILE_SECRETS = ("intranet.example", "Secret%20Logo", "OLE SECRET", "ACTIVEX SECRET",
                   "VBA SECRET", "SecretMacro", "oleObj", "p:control", "vbaProject")
DECK_PARTS = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/(core|app)\.xml"
    r"|ppt/(_rels/)?presentation\.xml(\.rels)?|ppt/(presProps|viewProps|tableStyles)\.xml"
    r"|ppt/(slideMasters|slideLayouts|slides|notesSlides|notesMasters)/(_rels/)?"
    r"(slideMaster|slideLayout|slide|notesSlide|notesMaster)\d+\.xml(\.rels)?"
    r"|ppt/theme/theme\d+\.xml|ppt/media/image\d+\.(png|jpeg|jpg)")
CASE_LINKS = ("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/")  # the references slide's


def small_png() -> io.BytesIO:
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(picture, "PNG")
    picture.seek(0)
    return picture


def shape_tree(layout):  # noqa: ANN001, ANN201
    return layout._element.xpath("./p:cSld/p:spTree")[0]


def linked_text_box(shape_id: int, text: str, link: str) -> str:
    """A text box whose shape and run carry `link` (an a:hlinkClick element)."""
    return (
        f'<p:sp {NAMESPACES}><p:nvSpPr><p:cNvPr id="{shape_id}" name="{text}">{link}</p:cNvPr>'
        '<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="1828800" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        '</a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-US">'
        f"{link}</a:rPr><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>")


def picture(shape_id: int, name: str, blip: str) -> str:
    return (
        f'<p:pic {NAMESPACES}><p:nvPicPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvPicPr/>'
        f"<p:nvPr/></p:nvPicPr><p:blipFill>{blip}<a:stretch><a:fillRect/></a:stretch>"
        '</p:blipFill><p:spPr><a:xfrm><a:off x="914400" y="0"/><a:ext cx="457200" cy="457200"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>')


def ole_frame(ole_id: str, image_id: str) -> str:
    """An embedded worksheet as PowerPoint writes it: an OLE object, and its picture for
    applications that cannot show one."""
    attributes = f'name="Worksheet" r:id="{ole_id}" imgW="9144" imgH="9144" progId="Excel.Sheet.12"'
    fallback = picture(0, "", f'<a:blip r:embed="{image_id}"/>').replace(f" {NAMESPACES}", "")
    return (
        f'<p:graphicFrame {NAMESPACES}><p:nvGraphicFramePr><p:cNvPr id="91" name="Sheet"/>'
        "<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"0\" y=\"914400\"/>"
        '<a:ext cx="914400" cy="914400"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.'
        'openxmlformats.org/presentationml/2006/ole"><mc:AlternateContent><mc:Choice Requires="v">'
        f'<p:oleObj spid="_x0000_s1026" {attributes}><p:embed/></p:oleObj></mc:Choice>'
        f"<mc:Fallback><p:oleObj {attributes}><p:embed/>{fallback}</p:oleObj></mc:Fallback>"
        "</mc:AlternateContent></a:graphicData></a:graphic></p:graphicFrame>")


def activex_controls(control_id: str) -> str:
    control = f'name="CommandButton1" r:id="{control_id}" imgW="9144" imgH="9144"'
    return (f'<p:controls {NAMESPACES}><mc:AlternateContent><mc:Choice Requires="v">'
            f'<p:control spid="_x0000_s1027" {control}/></mc:Choice><mc:Fallback>'
            f"<p:control {control}/></mc:Fallback></mc:AlternateContent></p:controls>")


def package_part(presentation: Presentation, name: str, content_type: str, data: bytes) -> Part:
    return Part(PackURI(name), content_type, presentation.part.package, data)


def with_external_links(presentation: Presentation) -> None:
    """(a) The same intranet link on two layouts."""
    for name in ("Title Only", "Blank"):
        layout = presentation.slide_layouts.get_by_name(name)
        rel_id = layout.part.relate_to(INTRANET, RT.HYPERLINK, is_external=True)
        shape_tree(layout).append(parse_xml(
            linked_text_box(90, "Intranet", f'<a:hlinkClick r:id="{rel_id}"/>')))


def with_linked_pictures(presentation: Presentation) -> None:
    """(b) A picture linked to a file only, and one embedded with a link beside it."""
    layout = presentation.slide_layouts.get_by_name("Title Only")
    link = layout.part.relate_to(LINKED_FILE, RT.IMAGE, is_external=True)
    _, embedded = layout.part.get_or_add_image_part(small_png())
    shape_tree(layout).append(parse_xml(picture(92, "Linked logo", f'<a:blip r:link="{link}"/>')))
    shape_tree(layout).append(parse_xml(
        picture(93, "Embedded logo", f'<a:blip r:embed="{embedded}" r:link="{link}"/>')))


def with_ole_and_activex(presentation: Presentation) -> None:
    """(c) An embedded worksheet and an ActiveX button on a layout."""
    layout = presentation.slide_layouts.get_by_name("Title Only")
    ole = package_part(presentation, "/ppt/embeddings/oleObject1.bin",
                       "application/vnd.openxmlformats-officedocument.oleObject", b"OLE SECRET")
    _, image_id = layout.part.get_or_add_image_part(small_png())
    shape_tree(layout).append(parse_xml(ole_frame(layout.part.relate_to(ole, RT.OLE_OBJECT),
                                                  image_id)))
    control = package_part(presentation, "/ppt/activeX/activeX1.xml",
                           "application/vnd.ms-office.activeX+xml",
                           b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"'
                           b' ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}"/>')
    binary = package_part(presentation, "/ppt/activeX/activeX1.bin",
                          "application/vnd.ms-office.activeX", b"ACTIVEX SECRET")
    control.relate_to(binary, RT_ACTIVEX_BINARY)
    layout._element.xpath("./p:cSld")[0].append(
        parse_xml(activex_controls(layout.part.relate_to(control, RT.CONTROL))))


def with_macros(presentation: Presentation) -> None:
    """(d) A VBA project, and a layout button that runs one of its macros."""
    project = package_part(presentation, "/ppt/vbaProject.bin", "application/vnd.ms-office."
                           "vbaProject", b"VBA SECRET")
    presentation.part.relate_to(project, RT_VBA)
    layout = presentation.slide_layouts.get_by_name("Title Only")
    shape_tree(layout).append(parse_xml(linked_text_box(
        94, "Run", '<a:hlinkClick r:id="" action="ppaction://macro?name=SecretMacro"/>')))


def as_pptm(pptx: Path) -> Path:
    return rewrite_zip(pptx, {"[Content_Types].xml": lambda data: data.replace(
        CT_PRESENTATION.encode(), CT_MACRO_MAIN.encode())}, pptx.with_suffix(".pptm"))


def with_everything(presentation: Presentation) -> None:
    for edit in (with_external_links, with_linked_pictures, with_ole_and_activex, with_macros):
        edit(presentation)


def hostile(folder: Path, edit: Callable[[Presentation], None], macros: bool = False) -> Path:
    template = make_template(folder / "dept.pptx", edit=edit)
    return as_pptm(template) if macros else template


def dropped(template: Path, what: str) -> str:
    return f"{template}: warning: template: dropped {what}"


TITLE_ONLY = "in layout 'Title Only'"
SHOWN_INTRANET = INTRANET[:77] + "..."  # a message repeats at most 80 characters of a target
HOSTILE = {  # what the template holds -> (its edit, a .pptm, the warnings it gives)
    "external link": (with_external_links, False, [
        f"the external link to {SHOWN_INTRANET} {TITLE_ONLY} (and 1 other place)"]),
    "linked picture": (with_linked_pictures, False, [
        f"the linked picture {LINKED_FILE} {TITLE_ONLY}"]),
    "ole and activex": (with_ole_and_activex, False, [
        f"an embedded object (ppt/embeddings/oleObject1.bin) {TITLE_ONLY}",
        f"an ActiveX control (ppt/activeX/activeX1.xml) {TITLE_ONLY}"]),
    "macros": (with_macros, True, [
        "its macros (ppt/vbaProject.bin)",
        f"the action 'ppaction://macro?name=SecretMacro' {TITLE_ONLY}"]),
}


def build_on(template: Path, folder: Path) -> tuple[int, str, Path]:
    """The minimal case built into its full and unknown decks on `template`."""
    out = folder / "out"
    code, _, err = run("build", write_case_file(folder / "case"), "--template", template,
                       "--out", out, "--only", "slides", "--jobs", "1")
    return code, err, out


def written(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts]


def template_warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": warning: template: " in line]


def dangling_references(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Every r:id, r:embed, r:link... of every XML part that names no relationship of it."""
    names = set(package.namelist())
    found = []
    for name in names:
        if not name.endswith(".xml") or name == "[Content_Types].xml":
            continue
        folder, base = name.rsplit("/", 1) if "/" in name else ("", name)
        rels = f"{folder}/_rels/{base}.rels".lstrip("/")
        ids = set(re.findall(r'Id="([^"]+)"', package.read(rels).decode())) if rels in names \
            else set()
        for element in etree.fromstring(package.read(name)).iter(etree.Element):
            found += [(name, value) for attribute, value in element.attrib.items()
                      if attribute.startswith(R_NAMESPACE) and value and value not in ids]
    return found


def check_clean_deck(path: Path, unknown: bool) -> Presentation:
    """Nothing but what a deck needs: every part of the zip is listed here, no link leads out
    (but the references slide's own), nothing refers to what is not there."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        texts = {n: package.read(n).decode() for n in names if n.endswith((".xml", ".rels"))}
        assert dangling_references(package) == []
    assert [name for name in names if not DECK_PARTS.fullmatch(name)] == []
    external = [target for name, text in texts.items() if name.endswith(".rels")
                for target in re.findall(r'Target="([^"]+)" TargetMode="External"', text)]
    assert texts and 'TargetMode="External"' not in "".join(
        t for n, t in texts.items() if not n.startswith("ppt/slides/"))
    assert [target for target in external if not target.startswith(CASE_LINKS)] == []
    assert external == [] or not unknown
    assert not [name for name, text in texts.items() if "r:link" in text]
    assert [(secret, name) for name, text in texts.items() for secret in HOSTILE_SECRETS
            if secret in text] == []
    return Presentation(path)


@pytest.mark.parametrize("holding", list(HOSTILE))
def test_a_template_brings_no_links_macros_or_objects_into_either_deck(
        holding: str, tmp_path: Path) -> None:
    edit, macros, warnings = HOSTILE[holding]
    template = hostile(tmp_path, edit, macros)
    code, err, out = build_on(template, tmp_path)
    assert code == 0, err
    assert "Traceback" not in err
    assert template_warnings(err) == [dropped(template, what) for what in warnings]
    for variant in ("case-17.pptx", "case-17-unknown.pptx"):
        deck = check_clean_deck(out / "slides" / variant, "unknown" in variant)
        assert deck.slides[0].shapes.title.text_frame.text == "Chest Case 17"
        assert "Title Only" in [layout.name for layout in deck.slide_layouts]


def test_our_own_template_loses_nothing_in_the_rebuild() -> None:
    from casedocs.render.deck.template import DEFAULT_TEMPLATE

    rebuilt = rebuild_template(DEFAULT_TEMPLATE.read_bytes(), "default.pptx")
    assert rebuilt.dropped == ()
    with zipfile.ZipFile(io.BytesIO(rebuilt.data)) as package:
        names = set(package.namelist())
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as package:
        left = set(package.namelist()) - names
    assert left == {"docProps/thumbnail.jpeg", "ppt/printerSettings/printerSettings1.bin"}


def test_what_is_left_of_a_layout_still_shows(tmp_path: Path) -> None:
    """The intranet link's text box stays (its links go), and the embedded logo stays (its
    link to a file goes); the picture that was only a link, the OLE frame and the ActiveX
    controls go whole."""
    template = hostile(tmp_path, with_everything, macros=True)
    code, err, out = build_on(template, tmp_path)
    assert code == 0, err
    deck = Presentation(out / "slides" / "case-17.pptx")
    layout = deck.slide_layouts.get_by_name("Title Only")
    names = [shape.name for shape in layout.shapes]
    assert "Intranet" in names and "Embedded logo" in names and "Run" in names
    assert "Linked logo" not in names and "Sheet" not in names
    logo = next(shape for shape in layout.shapes if shape.name == "Embedded logo")
    assert logo.image.content_type == "image/png"
    assert not layout._element.xpath(".//p:controls | .//a:hlinkClick")


def test_a_pptm_deck_is_a_plain_pptx(tmp_path: Path) -> None:
    template = hostile(tmp_path, with_macros, macros=True)
    assert template.suffix == ".pptm"
    code, err, out = build_on(template, tmp_path)
    assert code == 0, err
    with zipfile.ZipFile(out / "slides" / "case-17.pptx") as package:
        types = package.read("[Content_Types].xml").decode()
    assert CT_PRESENTATION in types and "macroEnabled" not in types and "vba" not in types


def test_layouts_command_says_what_a_template_leaves_behind(tmp_path: Path) -> None:
    template = hostile(tmp_path, with_everything, macros=True)
    code, out, err = run("layouts", template)
    assert code == 0, err
    assert "'Title Only'" in out
    expected = [dropped(template, what) for _, _, warnings in HOSTILE.values()
                for what in warnings]
    assert sorted(template_warnings(err)) == sorted(expected)
    assert err.count(INTRANET[:40]) == 1


def test_a_deck_on_a_hostile_template_renders_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice (soffice) or pdfinfo is not installed")
    code, err, out = build_on(hostile(tmp_path, with_everything, macros=True), tmp_path)
    assert code == 0, err
    deck = out / "slides" / "case-17.pptx"
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(deck)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "case-17.pdf")], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    assert pages == len(Presentation(deck).slides)


# -- refused: not a template, or too large to unpack ----------------------------------------


def with_layout_picture(folder: Path) -> tuple[Path, str]:
    """A template whose 'Title Only' layout shows a picture, and that picture's zip entry."""

    def logo(presentation: Presentation) -> None:
        layout = presentation.slide_layouts.get_by_name("Title Only")
        _, rel_id = layout.part.get_or_add_image_part(small_png())
        shape_tree(layout).append(parse_xml(picture(95, "Logo", f'<a:blip r:embed="{rel_id}"/>')))

    template = make_template(folder / "dept.pptx", edit=logo)
    with zipfile.ZipFile(template) as package:
        return template, next(n for n in package.namelist() if n.startswith("ppt/media/"))


def oversized(folder: Path) -> Path:
    template, media = with_layout_picture(folder)
    return rewrite_zip(template, {media: constant(bytes(MAX_PART_BYTES + MEGABYTE))})


def bomb(folder: Path) -> Path:
    template, media = with_layout_picture(folder)  # 20 MB of zeros pack into ~20 KB
    return rewrite_zip(template, {media: constant(bytes(20 * MEGABYTE))})


def renamed_docx(folder: Path) -> Path:
    """A Word document (the parts a .docx must have) named .pptx."""
    path = folder / "report.pptx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType'
            '="application/xml"/><Override PartName="/word/document.xml" ContentType="application'
            '/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'))
        package.writestr("word/document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Report</w:t>'
            "</w:r></w:p></w:body></w:document>"))
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "noise.pptx"
    path.write_bytes(random.Random(17).randbytes(20_000))
    return path


REFUSED = {  # the template -> what the one line says of it
    "over the part cap": (oversized, "template refused: its part ppt/media/image1.png unpacks to "
                          "51.0 MB, over the 50.0 MB a template part may have"),
    "a compression bomb": (bomb, "template refused: its part ppt/media/image1.png unpacks from "),
    "a renamed .docx": (renamed_docx, "not a PowerPoint template (.pptx or .potx): it is a Word "
                        "document"),
    "random bytes": (random_bytes, "not a PowerPoint template (.pptx or .potx): it is not a zip "
                     "package"),
}


@pytest.mark.parametrize("what", list(REFUSED))
def test_a_file_that_cannot_serve_is_refused_in_one_line(what: str, tmp_path: Path) -> None:
    make, message = REFUSED[what]
    template = make(tmp_path)
    code, err, out = build_on(template, tmp_path)
    assert code == 1
    assert err.splitlines() == [err.strip()], err  # one line, naming the case it was for
    assert f": {template}: {message}" in err, err
    assert written(out) == []
    code, listing, err = run("layouts", template)
    assert (code, listing) == (1, "")
    assert err.startswith(f"casedocs: {template}: {message}") and err.count("\n") == 1, err


def test_the_compression_bomb_message_says_how_far_it_unpacks(tmp_path: Path) -> None:
    code, err, _ = build_on(bomb(tmp_path), tmp_path)
    assert code == 1
    assert f"to 20.0 MB, over {MAX_RATIO} times its packed size: a compression bomb" in err


def test_the_total_unpacked_size_is_capped_too(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package_module, "MAX_TOTAL_BYTES", 40 * 1024)
    template = make_template(tmp_path / "dept.pptx")
    code, err, out = build_on(template, tmp_path)
    assert code == 1
    assert f"{template}: template refused: its parts unpack to more than the 40 KB a template " \
           "may have in all (at " in err
    assert written(out) == []


def declared(data: bytes, sizes: list[tuple[str, int]]) -> bytes:
    """The zip `data` with the unpacked size its central directory declares for some entries
    changed: what a check of sizes before unpacking reads."""
    patched = bytearray(data)
    for name, size in sizes:
        for offset in central_entries(data, name.encode()):
            struct.pack_into("<I", patched, offset + 24, size)
    return bytes(patched)


def central_entries(data: bytes, name: bytes) -> Iterator[int]:
    offset = data.find(b"PK\x01\x02")
    while offset >= 0 and offset + 46 <= len(data):
        length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46: offset + 46 + length] == name:
            yield offset
        offset = data.find(b"PK\x01\x02", offset + 46)


def test_sizes_are_checked_as_the_zip_declares_them_before_unpacking(tmp_path: Path) -> None:
    template, media = with_layout_picture(tmp_path)
    template.write_bytes(declared(template.read_bytes(), [(media, 60 * MEGABYTE)]))
    code, err, out = build_on(template, tmp_path)
    assert code == 1
    assert f"{template}: template refused: its part {media} unpacks to 60.0 MB, over the " \
           "50.0 MB a template part may have" in err
    assert written(out) == []


def test_a_part_that_unpacks_to_more_than_it_declares_is_damaged(tmp_path: Path) -> None:
    template, media = with_layout_picture(tmp_path)
    template.write_bytes(declared(template.read_bytes(), [(media, 10)]))
    code, err, _ = build_on(template, tmp_path)
    assert code == 1
    assert f"{template}: a damaged PowerPoint template: its part {media} " in err


# -- kept: what is harmless stays, and a picture's safe form --------------------------------


def test_an_add_ins_tags_on_a_shape_go_and_the_shape_stays(tmp_path: Path) -> None:
    def tagged(presentation: Presentation) -> None:
        layout = presentation.slide_layouts.get_by_name("Title Only")
        tags = package_part(presentation, "/ppt/tags/tag1.xml", "application/vnd.openxml"
                            "formats-officedocument.presentationml.tags+xml",
                            b'<p:tagLst xmlns:p="http://schemas.openxmlformats.org/presentationml'
                            b'/2006/main"><p:tag name="THINKCELL" val="TAG SECRET"/></p:tagLst>')
        rel_id = layout.part.relate_to(tags, RT.TAGS)
        box = parse_xml(linked_text_box(96, "Tagged", "").replace(
            "<p:nvPr/>", f'<p:nvPr><p:custDataLst><p:tags r:id="{rel_id}"/></p:custDataLst>'
                         "</p:nvPr>"))
        shape_tree(layout).append(box)

    template = make_template(tmp_path / "dept.pptx", edit=tagged)
    code, err, out = build_on(template, tmp_path)
    assert code == 0, err
    assert template_warnings(err) == []  # an add-in's metadata: nothing the department misses
    deck = check_clean_deck(out / "slides" / "case-17.pptx", unknown=False)
    layout = deck.slide_layouts.get_by_name("Title Only")
    assert "Tagged" in [shape.name for shape in layout.shapes]
    assert not layout._element.xpath(".//p:custDataLst")


def test_an_svg_picture_goes_and_its_png_stays(tmp_path: Path) -> None:
    """PowerPoint stores an SVG with a PNG for older readers; an SVG may load files and links
    of its own, so only the PNG is taken."""

    def svg_logo(presentation: Presentation) -> None:
        layout = presentation.slide_layouts.get_by_name("Title Only")
        _, png_id = layout.part.get_or_add_image_part(small_png())
        svg = package_part(presentation, "/ppt/media/image9.svg", "image/svg+xml",
                           b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://'
                           b'intranet.example/track.png"/></svg>')
        svg_id = layout.part.relate_to(svg, RT.IMAGE)
        blip = (f'<a:blip r:embed="{png_id}"><a:extLst><a:ext uri="{{96DAC541-7B7A-43D3-8B79-'
                '37D633B846F1}"><asvg:svgBlip xmlns:asvg="http://schemas.microsoft.com/office/'
                f'drawing/2016/SVG/main" r:embed="{svg_id}"/></a:ext></a:extLst></a:blip>')
        shape_tree(layout).append(parse_xml(picture(97, "Vector logo", blip)))

    template = make_template(tmp_path / "dept.pptx", edit=svg_logo)
    code, err, out = build_on(template, tmp_path)
    assert code == 0, err
    assert template_warnings(err) == [
        dropped(template, f"the SVG picture ppt/media/image9.svg {TITLE_ONLY}")]
    deck = check_clean_deck(out / "slides" / "case-17.pptx", unknown=False)
    logo = next(s for s in deck.slide_layouts.get_by_name("Title Only").shapes
                if s.name == "Vector logo")
    assert logo.image.content_type == "image/png"
    with zipfile.ZipFile(out / "slides" / "case-17.pptx") as package:
        assert not [name for name in package.namelist() if name.endswith(".svg")]


def test_a_templates_document_type_declaration_is_refused(tmp_path: Path) -> None:
    """Entities hide in one (a billion laughs, a file read at parse time); PowerPoint never
    writes one."""
    template = make_template(tmp_path / "dept.pptx")
    rewrite_zip(template, {"ppt/theme/theme1.xml": lambda data: data.replace(
        b"?>", b'?><!DOCTYPE a:theme [<!ENTITY e SYSTEM "file:///etc/hostname">]>', 1)})
    code, err, _ = build_on(template, tmp_path)
    assert code == 1
    assert f"{template}: a damaged PowerPoint template: its part ppt/theme/theme1.xml declares " \
           "a document type" in err


def test_embedded_fonts_are_left_behind_with_their_list(tmp_path: Path) -> None:
    """Font files are parsed by whatever shows the deck: not worth the risk for a template."""

    def embedded_font(presentation: Presentation) -> None:
        font = package_part(presentation, "/ppt/fonts/font1.fntdata", "application/x-fontdata",
                            b"FONT SECRET")
        rel_id = presentation.part.relate_to(font, RT.FONT)
        presentation.part._element.find(f"{{{P_NAMESPACE}}}notesSz").addnext(parse_xml(
            f'<p:embeddedFontLst {NAMESPACES}><p:embeddedFont><p:font typeface="House Sans"/>'
            f'<p:regular r:id="{rel_id}"/></p:embeddedFont></p:embeddedFontLst>'))

    template = make_template(tmp_path / "dept.pptx", edit=embedded_font)
    code, err, out = build_on(template, tmp_path)
    assert code == 0, err
    assert template_warnings(err) == [dropped(template, "its embedded fonts (a deck shows the "
                                                        "fonts of the computer it is shown on)")]
    with zipfile.ZipFile(out / "slides" / "case-17.pptx") as package:
        assert not [name for name in package.namelist() if "font" in name]
        assert b"embeddedFont" not in package.read("ppt/presentation.xml")
