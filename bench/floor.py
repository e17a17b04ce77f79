"""The floor of bench/scale.py: what writing a teaching file's outputs costs at the least.

For every case, bare reportlab and python-pptx convert its images once and write the same
four files casedocs writes (handout, worksheet, deck, unknown deck), the PDFs with an embedded
TrueType font; no validation, numbering, measuring, answer check or clean-up. Cases are shared
out over the same number of processes casedocs uses.

    python bench/floor.py CASES.json OUT_DIR JOBS
"""

from __future__ import annotations

import io
import json
import sys
from multiprocessing import get_context
from pathlib import Path

from PIL import Image as PILImage
from pptx import Presentation
from pptx.util import Inches, Pt
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate

MAX_SIDE = 1600


def converted(path: str) -> tuple[bytes, float]:
    """The image once: decoded, made gray, at most MAX_SIDE pixels, encoded."""
    image = PILImage.open(path).convert("L")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG" if path.endswith(".jpg") else "PNG")
    return buffer.getvalue(), image.width / image.height


def write_pdf(path: Path, paragraphs: list[str], images: list[tuple[bytes, float]]) -> None:
    style = ParagraphStyle("body", fontName="Regular", fontSize=10.5, leading=15)
    story = [Paragraph(text, style) for text in paragraphs]
    for data, aspect in images:
        width = 3.5 * 72
        story.append(Image(io.BytesIO(data), width=width, height=width / aspect))
    SimpleDocTemplate(str(path)).build(story)


def write_pptx(path: Path, paragraphs: list[str], images: list[tuple[bytes, float]],
               slides: int) -> None:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    layout = deck.slide_layouts[6]
    for index in range(slides):
        slide = deck.slides.add_slide(layout)
        box = slide.shapes.add_textbox(Inches(0.6), Inches(1.5), Inches(12), Inches(5))
        run = box.text_frame.paragraphs[0].add_run()
        run.text = paragraphs[index % len(paragraphs)]
        run.font.size = Pt(26)
        slide.notes_slide.notes_text_frame.text = paragraphs[-1]
        if index < 2 * len(images):
            data, _ = images[index % len(images)]
            slide.shapes.add_picture(io.BytesIO(data), Inches(0.2), Inches(0.2), Inches(6))
    deck.save(str(path))


def write_case(case: dict, out: Path) -> None:
    images = [converted(path) for path in case["images"]]
    name = case["id"]
    write_pdf(out / f"{name}.pdf", case["paragraphs"], images)
    write_pdf(out / f"{name}-unknown.pdf", case["paragraphs"][:1], images)
    write_pptx(out / f"{name}.pptx", case["paragraphs"], images, case["slides"])
    write_pptx(out / f"{name}-unknown.pptx", case["paragraphs"][:1], images,
               case["unknown_slides"])


def _register(fonts: dict[str, str]) -> None:
    for name, file in fonts.items():
        pdfmetrics.registerFont(TTFont(name, file))


def main() -> None:
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out, jobs = Path(sys.argv[2]), int(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    _register(data["fonts"])
    work = [(case, out) for case in data["cases"]]
    if jobs == 1:
        for item in work:
            write_case(*item)
        return
    with get_context("fork").Pool(jobs) as pool:
        pool.starmap(write_case, work, chunksize=1)


if __name__ == "__main__":
    main()
