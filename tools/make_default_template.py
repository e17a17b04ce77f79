"""Write casedocs' own deck template: src/casedocs/render/deck/default.pptx.

It starts from python-pptx's default (the Office theme and its eleven layouts), made 16:9,
with the theme named for casedocs and its colours set to the deck's: dark text 1F2933, titles
0B3C5D, muted 52606D. Slides built on it put titles in title placeholders and body text in
body placeholders, so PowerPoint's outline and accessibility checker see them, and another
theme applied in PowerPoint restyles the deck. Deterministic: run it again for the same bytes.

    .venv/bin/python tools/make_default_template.py      # or: make default-template
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.util import Emu

TARGET = Path(__file__).resolve().parents[1] / "src/casedocs/render/deck/default.pptx"
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 inches
COLOURS = {"dk1": "1F2933", "dk2": "0B3C5D", "lt1": "FFFFFF", "lt2": "F5F7FA",
           "accent1": "0B3C5D", "accent2": "52606D"}


def main(target: Path = TARGET) -> None:
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    buffer = io.BytesIO()
    presentation.save(buffer)
    target.write_bytes(_restyled(buffer.getvalue()))
    print(target)


def _restyled(data: bytes) -> bytes:
    """The theme renamed and recoloured; every zip entry dated alike, for the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in sorted(source.infolist(), key=lambda e: e.filename):
            content = source.read(entry)
            if entry.filename.startswith("ppt/theme/"):
                content = _theme(content.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return output.getvalue()


def _theme(xml: str) -> str:
    xml = re.sub(r'<a:theme ([^>]*)name="[^"]*"', r'<a:theme \1name="casedocs"', xml, count=1)
    for slot, colour in COLOURS.items():
        xml = re.sub(rf"<a:{slot}>.*?</a:{slot}>",
                     f'<a:{slot}><a:srgbClr val="{colour}"/></a:{slot}>', xml, count=1,
                     flags=re.DOTALL)
    return xml


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
