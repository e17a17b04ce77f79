"""`casedocs export mirc`: a case as a MIRCdocument zip that MIRC's author and submit services
accept, to publish it on a department's MIRC site.

The zip holds `MIRCdocument.xml` and the figures' clean images (prepared as for every other
output: no EXIF, no DICOM header), each with its marks as an SVG annotation the way MIRC's
own editor draws them. Text is exported as the handout prints it: figures and citations
numbered, which `import mirc` links up again. A figure shown with the answer only becomes the
annotated image of the figure before it.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from casedocs.dates import build_timestamp
from casedocs.document.document import DocFigure, DocList, Document, Spans
from casedocs.document.tagged import Tagging, tagged
from casedocs.figures import FigureImages, PreparedImage, slice_sources
from casedocs.figures.copies import clean_copy
from casedocs.figures.dicom import is_dicom
from casedocs.files import write_whole
from casedocs.interchange.svg_marks import write_marks
from casedocs.load import load_document
from casedocs.source.loader import read_case
from casedocs.source.model import Case
from casedocs.wording import words

LEVELS = {1: "primary", 2: "intermediate", 3: "advanced"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}


def export_mirc(document: Document, case: Case, images: FigureImages, out_dir: Path,
                timestamp: datetime) -> Path:
    """Write `<out_dir>/<id>.zip` (atomically) and return its path."""
    files: dict[str, bytes] = {}
    image_elements = _images(document, images, files)
    xml = _document_xml(document, case, image_elements)
    files = {"MIRCdocument.xml": xml.encode("utf-8"), **files}
    return _write_zip(out_dir / f"{document.id}.zip", files, timestamp)


def _write_zip(target: Path, files: dict[str, bytes], timestamp: datetime) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = (max(timestamp.year, 1980), *timestamp.timetuple()[1:6])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    write_whole(target, buffer.getvalue())
    return target


# -- images ------------------------------------------------------------------------------------


def _images(document: Document, images: FigureImages, files: dict[str, bytes]) -> list[str]:
    """An `image` element per figure shown before the answer; an answer-only figure is the
    annotated image of the one before it (or an image of its own when there is none)."""
    elements: list[list[str]] = []
    new_uids: dict[str, str] = {}  # one series' slices keep one (new) series UID
    for figure in document.figures:
        if figure.source.stack is not None:
            elements += _stack_elements(figure, images, files, new_uids)
            continue
        prepared = images.prepare(figure.source, figure.source.width, figure.source.height, 1.0,
                                  "MIRC export")
        name = f"image-{figure.number}.{EXTENSIONS[prepared.format]}"
        files[name] = prepared.data
        if figure.answer_only and elements and not any("annotation" in e for e in elements[-1]):
            elements[-1].insert(1, _alternative("annotation", name, "image"))
            continue
        elements.append(_image_lines(figure, prepared, name, files))
    return ["\n".join(lines) for lines in elements]


def _stack_elements(figure: DocFigure, images: FigureImages, files: dict[str, bytes],
                    new_uids: dict[str, str]) -> list[list[str]]:
    """A stack as MIRC files a series: an image per slice shown, in display order, each with
    its DICOM slice written anew (pixels and display attributes only) where it is one; the
    key slice carries the captions and marks. `import mirc` makes it one stack again."""
    stack = figure.source.stack
    assert stack is not None
    frames = images.prepare_frames(figure.source, figure.source.width, figure.source.height)
    digits = len(str(stack.count))
    elements = []
    for number, frame, each in zip(range(stack.first, stack.last + 1), frames,
                                   slice_sources(figure.source), strict=True):
        name = f"image-{figure.number}-slice-{number:0{digits}d}"
        files[f"{name}.jpg"] = frame.data
        if number == stack.key:
            lines = _image_lines(figure, frame, f"{name}.jpg", files)
        else:
            lines = [f"  <image src={quoteattr(name + '.jpg')}>", "  </image>"]
        if each.settings.frame is None and is_dicom(each.path):
            files[f"{name}.dcm"] = clean_copy(each.path, new_uids).data
            lines.insert(1, _alternative("original-format", f"{name}.dcm", "dicom"))
        elements.append(lines)
    return elements


def _image_lines(figure: DocFigure, prepared: PreparedImage, name: str,
                 files: dict[str, bytes]) -> list[str]:
    lines = [f"  <image src={quoteattr(name)}>"]
    if figure.annotations:
        svg_name = name.rsplit(".", 1)[0] + "-annotation.svg"
        files[svg_name] = write_marks(figure.annotations, prepared.width, prepared.height,
                                      name).encode("utf-8")
        lines.append(_alternative("annotation", svg_name, "svg"))
    caption = _html(figure.caption) + (f" {_html(figure.credit)}" if figure.credit else "")
    if not figure.answer_only:
        lines.append(f'   <image-caption display="always">{escape(figure.view)}</image-caption>')
    lines.append(f'   <image-caption display="click">{caption}</image-caption>')
    lines.append("  </image>")
    return lines


def _alternative(role: str, name: str, kind: str) -> str:
    return f'   <alternative-image role="{role}" type="{kind}" src={quoteattr(name)}/>'


# -- the document ------------------------------------------------------------------------------


def _document_xml(document: Document, case: Case, image_elements: list[str]) -> str:
    say = words(document.language)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<MIRCdocument display="mstf" first-tab="2">',
             f" <title>{escape(document.title)}</title>"]
    if case.series:  # the neutral label; without a series it is only casedocs' wording
        parts.append(f" <alternative-title>{escape(document.label)}</alternative-title>")
    for author in case.authors:
        name = f"{author.name}, {author.degrees}" if author.degrees else author.name
        parts.append(f" <author><name>{escape(name)}</name>"
                     f"<affiliation>{escape(author.affiliation or '')}</affiliation></author>")
    if document.institution:  # MIRC has no institution: an affiliation without a name
        parts.append(f" <author><name/><affiliation>{escape(document.institution)}"
                     "</affiliation></author>")
    if document.keywords:
        parts.append(f" <keywords>{escape(', '.join(document.keywords))}</keywords>")
    parts += _sections(document, say)
    parts.append(f' <image-section heading={quoteattr(say("images"))} image-pane-width="700">')
    parts += image_elements
    parts.append(" </image-section>")
    parts += _index(document)
    parts.append("</MIRCdocument>")
    return "\n".join(parts) + "\n"


def _sections(document: Document, say) -> list[str]:  # noqa: ANN001 - the wording table
    findings = "".join(f"<p>{_html(f.text)}</p>" for f in document.findings)
    differential = "".join(
        f"<li>{_html(item.name)}{' – ' + _html(item.note) if item.note else ''}</li>"
        for item in document.differential
    )
    references = "".join(f"<li>{_html(r.text)}</li>" for r in document.references)
    sections = [
        (say("history"), f"<p>{_html(document.history)}</p>"),
        (say("findings"), findings),
        (say("diagnosis"), f"<p>{_html(document.diagnosis)}</p>"),
        (say("differential"), f"<ul>{differential}</ul>" if differential else ""),
        (say("discussion"), _blocks(document.discussion)),
        (say("teaching_points"), "<ul>" + "".join(f"<li>{_html(p)}</li>"
                                                 for p in document.teaching_points) + "</ul>"
         if document.teaching_points else ""),
        (say("management"), _blocks(document.management)),
        (say("references"), f"<ol>{references}</ol>" if references else ""),
    ]
    return [f" <section heading={quoteattr(heading)}>{body}</section>"
            for heading, body in sections if body]


def _index(document: Document) -> list[str]:
    metadata = document.metadata
    fields = [
        ("document-type", "Radiologic Teaching File"),
        ("modality", ", ".join(metadata.modalities)),
        ("anatomy", ", ".join(metadata.anatomy)),
        ("organ-system", ", ".join(metadata.subspecialties)),
        ("level", LEVELS.get(metadata.difficulty or 0, "")),
        ("publication-date", document.published.strftime("%Y%m%d") if document.published
         else ""),
        ("rights", document.copyright or ""),
    ]
    return [f" <{name}>{escape(value)}</{name}>" for name, value in fields if value]


def _blocks(blocks) -> str:  # noqa: ANN001 - DocBlock tuple
    html = []
    for block in blocks:
        if isinstance(block, DocList):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{_html(item)}</li>" for item in block.items)
            html.append(f"<{tag}>{items}</{tag}>")
        else:
            html.append(f"<p>{_html(block)}</p>")
    return "".join(html)


XHTML_TAGS = Tagging("b", "i", "sup", "sub", "<br/>", escape,
                     lambda href, text: f"<a href={quoteattr(href)}>{text}</a>")


def _html(spans: Spans) -> str:
    """Spans as MIRC's XHTML: b, i, sup, sub and links."""
    return tagged(spans, XHTML_TAGS)


def export_case_file(path: Path, out_dir: Path) -> Path:
    """Load the case at `path` (CaseError when it does not validate) and export it."""
    document = load_document(path).document
    loaded, _ = read_case(path)
    assert loaded is not None  # it validated just now
    return export_mirc(document, loaded.case, FigureImages(), out_dir, build_timestamp())
