"""The benchmark's baseline: the same text and prepared figures placed with reportlab and
python-pptx directly, with no validation, numbering, measuring or clean-up.

Run by bench.py as its own process: `python bench/baseline.py INPUT.json OUT_DIR`.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from pptx import Presentation
from pptx.util import Inches, Pt
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate


def write_pdf(data: dict, path: Path, paragraphs: list[str]) -> None:
    style = ParagraphStyle("body", fontName="Regular", fontSize=10.5, leading=15)
    story = [Paragraph(text, style) for text in paragraphs]
    for figure in data["figures"]:
        width = 3.5 * 72
        story.append(Image(figure["file"], width=width, height=width / figure["aspect"]))
    SimpleDocTemplate(str(path)).build(story)


def write_pptx(data: dict, path: Path, slides: int) -> None:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    layout = deck.slide_layouts[6]
    texts = iter(data["paragraphs"])
    for index in range(slides):
        slide = deck.slides.add_slide(layout)
        box = slide.shapes.add_textbox(Inches(0.6), Inches(1.5), Inches(12), Inches(5))
        run = box.text_frame.paragraphs[0].add_run()
        run.text = next(texts, "")
        run.font.size = Pt(26)
        slide.notes_slide.notes_text_frame.text = data["paragraphs"][-1]
        figure = data["figures"][index % len(data["figures"])]
        if index < 2 * len(data["figures"]):
            slide.shapes.add_picture(figure["file"], Inches(0.2), Inches(0.2), Inches(6))
    buffer = io.BytesIO()
    deck.save(buffer)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out = Path(sys.argv[2])
    for name, file in data["fonts"].items():
        pdfmetrics.registerFont(TTFont(name, file))
    # The same four files casedocs writes: handout and worksheet, deck and unknown deck.
    write_pdf(data, out / "baseline.pdf", data["paragraphs"])
    write_pdf(data, out / "baseline-unknown.pdf", data["paragraphs"][:1])
    write_pptx(data, out / "baseline.pptx", data["slides"])
    write_pptx(data, out / "baseline-unknown.pptx", data["unknown_slides"])


if __name__ == "__main__":
    main()
