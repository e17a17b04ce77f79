"""The department templates decks are tested on (issue 19): templates unlike our default.

Four that LibreOffice ships, converted once to PowerPoint (`soffice --headless --convert-to pptx
/usr/lib/libreoffice/share/template/common/presnt/NAME.otp`) and kept in
tests/fixtures/templates/, and six made here from python-pptx's own template the way
departments make theirs:

- department: logos top left and bottom right on the master, a centred title;
- dark: a dark background by the master's colour map (text light), as dark themes do;
- four-three: 4:3, the placeholders as PowerPoint 2007 placed them;
- narrow-body: the body placeholder a narrow left column;
- serif: Georgia as the theme's fonts (not installed here: measured with a margin);
- corner-logo: one large logo top right, over where titles usually end.

Deterministic: the same bytes every run, so decks built on them can be compared.

    .venv/bin/python tools/test_templates.py [FOLDER]
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw
from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.oxml.shapes.picture import CT_Picture
from pptx.util import Emu, Inches

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "tests" / "fixtures" / "templates"
WIDE = Emu(12192000)  # 13.333 inches: 16:9 at 7.5 inches high


def write_test_templates(folder: Path) -> list[Path]:
    """Every test template, written into `folder` (made when missing); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for shipped in sorted(SHIPPED.glob("*.pptx")):
        target = folder / shipped.name
        if not target.exists() or target.read_bytes() != shipped.read_bytes():
            shutil.copyfile(shipped, target)
        paths.append(target)
    for name, make in MADE.items():
        target = folder / f"{name}.pptx"
        data = make()
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        paths.append(target)
    return paths


def _department() -> bytes:
    presentation = _wide()
    master = presentation.slide_master
    _add_logo(presentation, master, Inches(0.3), Inches(0.25), Inches(1.6), "left")
    width, height = presentation.slide_width, presentation.slide_height
    _add_logo(presentation, master, width - Inches(1.5), height - Inches(0.8), Inches(1.2), "right")
    _edit_master(presentation, lambda xml: re.sub(
        r"(<p:titleStyle>\s*<a:lvl1pPr[^>]*?)algn=\"\w+\"", r'\1algn="ctr"', xml, count=1))
    return _saved(presentation)


def _dark() -> bytes:
    presentation = _wide()
    _edit_master(presentation, lambda xml: re.sub(
        r"<p:clrMap [^>]*/>",
        '<p:clrMap bg1="dk1" tx1="lt1" bg2="dk2" tx2="lt2" accent1="accent1" '
        'accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" '
        'accent6="accent6" hlink="hlink" folHlink="folHlink"/>',
        xml, count=1))
    _edit_theme(presentation, {"dk1": "14213D", "dk2": "1B2A4A", "accent1": "FCA311"})
    return _saved(presentation)


def _four_three() -> bytes:
    return _saved(Presentation())


def _narrow_body() -> bytes:
    presentation = _wide()
    for layout in presentation.slide_layouts:
        for placeholder in layout.placeholders:
            if placeholder.placeholder_format.idx == 1 and placeholder.width > Inches(6):
                placeholder.width = Inches(5.2)
    return _saved(presentation)


def _serif() -> bytes:
    presentation = _wide()
    _edit_theme(presentation, {}, font="Georgia")
    return _saved(presentation)


def _corner_logo() -> bytes:
    presentation = _wide()
    _add_logo(presentation, presentation.slide_master, presentation.slide_width - Inches(2.4),
              Inches(0.2), Inches(2.1), "right")
    return _saved(presentation)


MADE: dict[str, Callable[[], bytes]] = {
    "department": _department,
    "dark": _dark,
    "four-three": _four_three,
    "narrow-body": _narrow_body,
    "serif": _serif,
    "corner-logo": _corner_logo,
}


def _wide() -> Presentation:
    """python-pptx's template at 16:9, every placeholder of masters and layouts widened."""
    presentation = Presentation()
    factor = WIDE / presentation.slide_width
    presentation.slide_width = WIDE
    shapes = [*presentation.slide_master.shapes]
    shapes += [shape for layout in presentation.slide_layouts for shape in layout.shapes]
    for shape in shapes:
        if shape.width is not None and shape.left is not None:
            shape.left, shape.width = Emu(int(shape.left * factor)), Emu(int(shape.width * factor))
    return presentation


def _add_logo(presentation: Presentation, master: object, left: int, top: int, width: int,
              name: str) -> None:
    """A drawn logo (a crest and a word mark) on the master: every layout shows it."""
    image = Image.new("RGB", (400, 150), "#0B5394")
    draw = ImageDraw.Draw(image)
    draw.ellipse((15, 15, 135, 135), fill="#F1C232")
    draw.rectangle((160, 55, 380, 95), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    _, rid = master.part.get_or_add_image_part(io.BytesIO(buffer.getvalue()))
    height = width * 150 // 400
    tree = master.shapes._spTree
    shape_id = max(int(i) for i in tree.xpath("//p:cNvPr/@id")) + 1
    tree.append(CT_Picture.new_pic(shape_id, f"Logo {name}", "Department logo", rid, left, top,
                                   width, height))


def _edit_master(presentation: Presentation, edit: Callable[[str], str]) -> None:
    part = presentation.slide_master.part
    part._element = parse_xml(edit(etree.tostring(part._element, encoding="unicode")))


def _edit_theme(presentation: Presentation, colours: dict[str, str], font: str | None = None
                ) -> None:
    theme = presentation.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
    xml = theme.blob.decode("utf-8")
    for slot, colour in colours.items():
        xml = re.sub(rf"<a:{slot}>.*?</a:{slot}>",
                     f'<a:{slot}><a:srgbClr val="{colour}"/></a:{slot}>', xml, count=1,
                     flags=re.DOTALL)
    if font:
        xml = re.sub(r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"', rf'\1{font}"', xml)
    theme._blob = xml.encode("utf-8")


def _saved(presentation: Presentation) -> bytes:
    """The package, every zip entry dated alike, for the same bytes every run."""
    buffer = io.BytesIO()
    presentation.save(buffer)
    output = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(output, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry))
    return output.getvalue()


if __name__ == "__main__":
    for path in write_test_templates(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build"
                                     / "test-templates"):
        print(path)
