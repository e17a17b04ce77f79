"""Reading a MIRCdocument: the XML RSNA MIRC keeps for a teaching-file case, with its images.

What each element means is read from MIRC's own source (johnperry/MIRC2): the author
templates (`source/files/zip/template.xml`, `aauth/templates/`, `bauth/`) and the stylesheet
that displays a document (`storage/MIRCdocument.xsl`). A document arrives as the XML file, a
folder holding it and its images, or MIRC's zip export of that folder.

Patient data never leaves this module: `patient` blocks, `pt-*` and `phi` elements, and any
element not visible to everyone, are dropped while reading; what the patient block says is
kept only as identifiers to search for (identifiers.py), and only the names MIRC gives its
elements are echoed, to say what was left out. Files a document names are read only when they
are regular files inside its folder, reached through no symbolic link.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from lxml import etree

from casedocs.errors import UserError
from casedocs.figures.dicom import is_readable_dicom
from casedocs.interchange.identifiers import Identifiers, from_patient_block
from casedocs.interchange.markup import (
    Conversion,
    MarkdownList,
    MarkdownTable,
    blocks_of,
    html_attribute,
    plain,
    tag_of,
)
from casedocs.source.named_files import Limit, Refused, check_file

ROOT = "MIRCdocument"
PHI_ELEMENTS = {"patient", "phi", "insert-kin", "authorization", "order-by", "threadblock",
                "revision-history", "peer-review", "metadata-refs"}
# The patient elements MIRC's templates define: only these names are echoed in a summary (an
# element's name is the author's to choose, and could be anything).
PATIENT_ELEMENTS = {"pt-name", "pt-id", "pt-mrn", "pt-age", "pt-sex", "pt-race", "pt-species",
                    "pt-breed", "pt-birthdate"}

MAX_ZIP_BYTES = 2 * 1024**3  # unpacked; a zip bomb stops here
EXPORT = Limit("a MIRC export (its XML file or zip)", 2000, "CASEDOCS_MAX_MIRC_MB")


@dataclass
class MircImage:
    """One `image` of the image section, and the files its alternatives name."""

    shown: Path | None  # the `src`: what MIRC shows, usually a JPEG a few hundred pixels wide
    full_size: Path | None  # alternative-image role="original-dimensions"
    original: Path | None  # role="original-format": the DICOM file
    svg: Path | None  # role="annotation", an SVG drawn over the image
    annotated: Path | None  # role="annotation", the image with its marks burned in
    caption_always: str  # image-caption shown with the image
    caption_click: str  # image-caption shown when asked for
    caption_markdown: str = ""  # the one shown when asked for (else the other), as Markdown
    missing: list[str] = field(default_factory=list)  # files it names that are not there

    @property
    def source(self) -> Path | None:
        return self.original or self.full_size or self.shown


@dataclass
class MircDocument:
    path: Path  # the XML file
    shown: str  # its name in messages
    root: etree._Element
    images: list[MircImage]
    dropped: list[str]  # patient and other private elements that were not read
    identifiers: Identifiers  # what the patient block said, to search for and remove
    hidden: int = 0  # sections not visible to everyone, left out

    @cached_property
    def digest(self) -> str:
        """The document's own bytes, hashed: names it when nothing neutral does, and tells the
        same document imported twice."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:8]

    def text(self, name: str) -> str:
        found = self.root.find(name)
        return plain(found) if found is not None else ""

    def all(self, name: str) -> list[etree._Element]:
        return self.root.findall(name)

    @property
    def sections(self) -> list[etree._Element]:
        return self.root.findall("section")


@contextmanager
def opened(path: Path):  # noqa: ANN201 - a context manager of MircDocument
    """The document at `path` (an XML file, a folder, or a zip), for the time of a `with`."""
    if not path.is_dir():
        try:
            check_file(path, EXPORT)  # a FIFO or a device is never opened
        except Refused as refused:
            raise UserError(f"{path}: {refused.reason}") from None
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="casedocs-mirc-") as folder:
            try:
                _unpack(path, Path(folder))
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as error:
                raise UserError(f"{path}: a zip that cannot be unpacked ({error})") from None
            found = _document_in(Path(folder), path)
            yield read(found, f"{path}:{found.relative_to(folder).as_posix()}")
    elif path.is_dir():
        yield read(_document_in(path, path))
    else:
        yield read(path)


def _unpack(archive: Path, folder: Path) -> None:
    """Every member inside `folder`; names that climb out of it, links and bombs refused."""
    with zipfile.ZipFile(archive) as zipped:
        total = 0
        for member in zipped.infolist():
            name = PurePosixPath(member.filename.replace("\\", "/"))  # zipped on Windows
            if name.is_absolute() or ".." in name.parts or (member.external_attr >> 28) == 0o12:
                raise UserError(f"{archive}: refuses the member {member.filename!r}")
            total += member.file_size
            if total > MAX_ZIP_BYTES:
                raise UserError(f"{archive}: unpacks to more than 2 GB")
            if member.is_dir():
                continue
            target = folder.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)


def documents_in(paths: list[Path]) -> list[Path]:
    """Each path given, as the documents it holds, one path per document, in name order (so
    that of two documents with one label the same one keeps it, whatever the order given):
    an XML file or a zip is one; a folder holding one MIRCdocument (at any depth) is one; a
    folder of several exports gives each of its XML documents, zips and document folders."""
    found: set[Path] = set()
    for path in paths:
        found.update(_exports_in(path) if path.is_dir() and not path.is_symlink() else [path])
    return sorted(found)


def _exports_in(folder: Path) -> list[Path]:
    zips = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".zip" and p.is_file()
                  and not p.is_symlink())
    documents = [p for p in _xml_files(folder) if _is_mirc_document(p)]
    if len(documents) <= 1 and not zips:
        return [folder]  # one export (or none: reading it says why)
    exports = []
    for document in documents:  # a document alone in its folder is that folder's export
        alone = document.parent != folder and sum(
            d.is_relative_to(document.parent) for d in documents) == 1
        exports.append(document.parent if alone else document)
    return sorted({*exports, *zips})


def _document_in(folder: Path, given: Path) -> Path:
    """The one MIRCdocument XML file in a folder (at any depth, through no link)."""
    found = [p for p in _xml_files(folder) if _is_mirc_document(p)]
    if not found:
        raise UserError(f"{given}: holds no MIRCdocument XML file")
    if len(found) > 1:
        names = ", ".join(str(p.relative_to(folder)) for p in found)
        raise UserError(f"{given}: holds several MIRCdocuments ({names}); import one at a time")
    return found[0]


def _xml_files(folder: Path) -> list[Path]:
    found = []
    for parent, _, names in os.walk(folder):  # never into a linked folder
        found += [Path(parent, n) for n in names if n.lower().endswith(".xml")
                  and not Path(parent, n).is_symlink() and Path(parent, n).is_file()]
    return sorted(found)


def _is_mirc_document(path: Path) -> bool:
    """Its root is <MIRCdocument>; one that does not parse counts when its opening names the
    root, so that reading it says why it cannot be read."""
    try:
        for _, element in etree.iterparse(str(path), events=("start",), **_SAFE):
            return tag_of(element) == ROOT
    except etree.XMLSyntaxError:
        with path.open("rb") as stream:
            return re.search(rb"<(?:\w+:)?MIRCdocument[\s>]", stream.read(65536)) is not None
    return False


# No external DTDs or entities, no network: a document from elsewhere cannot read files; an
# entity its own DTD declares (&nbsp;) is text as usual, and libxml2 caps its expansion.
_SAFE = {"resolve_entities": "internal", "no_network": True, "load_dtd": False,
         "huge_tree": False}


def read(path: Path, shown: str | None = None) -> MircDocument:
    """The document in the XML file at `path`; `shown` names it in messages (a zip's member
    as `export.zip:case/MIRCdocument.xml`)."""
    shown = shown or str(path)
    try:
        tree = etree.parse(str(path), etree.XMLParser(remove_comments=True, **_SAFE))
    except (etree.XMLSyntaxError, OSError) as error:
        raise UserError(f"{shown}: not readable XML ({error})") from None
    root = tree.getroot()
    if tag_of(root) != ROOT:
        raise UserError(f"{shown}: the root element is <{tag_of(root)}>, not <{ROOT}>")
    _strip_namespaces(root)
    _lower_case_html(root)
    _windows_characters(root)
    identifiers = from_patient_block(root)
    dropped = _drop_private(root)
    hidden = _drop_hidden(root)
    # The image section's first, numbered as MIRC numbers them ("Image 2"), then those a
    # section shows in its text.
    elements = [e for e in root.iterfind("image-section/image") if e.get("src")]
    elements += [e for e in root.iterfind("section//image") if e.get("src")]
    images = [_image(element, path.parent, n, shown, identifiers.pattern())
              for n, element in enumerate(elements, 1)]
    for caption in root.iterfind("section//text-caption"):  # each is its image's caption now
        _remove_keeping_tail(caption)
    return MircDocument(path, shown, root, images, dropped, identifiers, hidden)


def _strip_namespaces(root: etree._Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = etree.QName(element).localname


def _lower_case_html(root: etree._Element) -> None:
    """The HTML of sections as browsers read it: <IMAGE SRC=..> is <image src=..>."""
    for section in root.iterfind("section"):
        for element in section.iterdescendants():
            if not isinstance(element.tag, str):
                continue
            element.tag = element.tag.lower()
            for name in [n for n in element.attrib if n != n.lower()]:
                value = element.attrib.pop(name)
                if name.lower() not in element.attrib:
                    element.set(name.lower(), value)


_C1 = re.compile("[\x80-\x9f]")


def _windows_characters(root: etree._Element) -> None:
    """Text typed on Windows and declared ISO-8859-1 holds its quotes and dashes as C1
    control characters (0x92, 0x96); they are the Windows-1252 characters meant."""

    def fixed(text: str | None) -> str | None:
        if not text or not _C1.search(text):
            return text
        return _C1.sub(lambda c: bytes([ord(c[0])]).decode("cp1252", "replace"), text)

    for element in root.iter():
        element.text, element.tail = fixed(element.text), fixed(element.tail)
        for name, value in element.attrib.items():
            element.set(name, fixed(value))


def _drop_hidden(root: etree._Element) -> int:
    """Every element shown to fewer than everyone (a section for its owner, a patient block
    for those allowed to see PHI): how many sections went."""
    hidden = [e for e in root.iter() if e.getparent() is not None and not _visible(e)]
    sections = 0
    for element in hidden:
        if element.getparent() is not None:  # not inside one already dropped
            sections += tag_of(element) == "section"
            _remove_keeping_tail(element)
    return sections


def _visible(element: etree._Element) -> bool:
    """Shown to everyone: no `visible` attribute, or "yes" (an empty one hides, to be safe)."""
    visible = html_attribute(element, "visible")
    return visible is None or visible.strip().lower() == "yes"


def _drop_private(root: etree._Element) -> list[str]:
    dropped = []
    for element in list(root.iter()):
        tag = tag_of(element)
        if tag in PHI_ELEMENTS or tag.startswith("pt-"):
            parent = element.getparent()
            if parent is None:
                continue
            names = [tag] + [tag_of(e) for e in element.iterdescendants() if tag_of(e)]
            dropped += [_shown_name(name) for name in names if name.startswith("pt-")] or [tag]
            _remove_keeping_tail(element)
    return sorted(set(dropped))


def _shown_name(name: str) -> str:
    return name if name in PATIENT_ELEMENTS else "other pt-* elements"


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _image(element: etree._Element, folder: Path, number: int, shown: str,
           identifying: re.Pattern | None) -> MircImage:
    missing: list[str] = []

    def file(src: str | None, role: str) -> Path | None:
        """The file `src` names, inside the folder. A missing file is named unless its name
        holds what the patient block says (a file name can hold the patient's name): the
        image's number and the file's role say which it is."""
        if not src:
            return None
        name = PurePosixPath(src.strip().replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or "://" in src:
            missing.append(f"{role} (it names a place outside the document's folder)")
            return None
        path = _inside(folder, name, f"{shown}: image {number}: {role}")
        if path is None:
            missing.append(f"{role}{_file_name(src, identifying)} is not in the document's "
                           "folder")
        return path

    alternatives = {}
    svg = annotated = None
    outer = element.getparent()
    if outer is None or tag_of(outer) != "image" or outer.get("src"):
        outer = element  # not MIRC's insert-image form, <image href><image src/></image>
    href = outer.get("href") or (element.get("href") if outer is element else None)
    if href:  # the original behind the image shown: a DICOM file or a larger picture
        role = "original-format" if href.lower().endswith((".dcm", ".dicom")) else \
            "original-dimensions"
        alternatives[role] = file(href, f"its {role} image")
    captions = [*element.iterfind("image-caption"), *_text_captions(outer)]
    for alternative in element.iterfind("alternative-image"):
        role, src = alternative.get("role", ""), alternative.get("src", "")
        if role == "annotation":
            is_svg = alternative.get("type") == "svg" or src.lower().endswith(".svg")
            if is_svg:
                svg = svg or file(src, "its SVG annotation")
            else:
                annotated = annotated or file(src, "its annotated image")
        elif role in ("original-dimensions", "original-format"):
            alternatives.setdefault(role, file(src, f"its {role} image"))
    original = alternatives.get("original-format")
    if original is not None and not is_readable_dicom(original):
        missing.append("its original-format image (not a readable DICOM file)")
        original = None
    return MircImage(
        shown=file(element.get("src"), "the image shown"),
        full_size=alternatives.get("original-dimensions"),
        original=original,
        svg=svg,
        annotated=annotated,
        caption_always=_caption(captions, ("always", None)),
        caption_click=_caption(captions, ("click",)),
        caption_markdown=(_caption(captions, ("click",), markdown=True)
                          or _caption(captions, ("always", None), markdown=True)),
        missing=missing,
    )


def _file_name(src: str, identifying: re.Pattern | None) -> str:
    """", ct 3.jpg," to name a missing file in a message; nothing when the name holds an
    identifier of the patient or cannot be shown on one line."""
    name = src.strip()
    words = re.sub(r"[_.\-/\\]+", " ", name)  # smith_john.jpg names John Smith
    if (identifying and identifying.search(words)) or len(name) > 80 or not name.isprintable():
        return ""
    return f", {name},"


def blocks_as_lines(element: etree._Element) -> list[str]:
    """An element's Markdown, its paragraphs and list items as lines."""
    lines: list[str] = []
    for block in blocks_of(element, Conversion()):
        if isinstance(block, MarkdownTable):
            lines += block.lines()
        else:
            lines += block.items if isinstance(block, MarkdownList) else [block]
    return lines


def _inside(folder: Path, name: PurePosixPath, what: str) -> Path | None:
    """The regular file a name means in `folder`, letter case aside as on the system that
    ignores it (MIRC on Windows: Images/A.JPG for images/a.jpg); None when there is none. A
    symbolic link on the way is refused, as it is in a zip: it could lead anywhere."""
    path = folder
    for part in name.parts:
        if not path.is_dir():
            return None
        exact = path / part
        matches = [exact] if os.path.lexists(exact) else \
            [c for c in path.iterdir() if c.name.casefold() == part.casefold()]
        if len(matches) != 1:
            return None
        path = matches[0]
        if path.is_symlink():
            raise UserError(f"{what} is a symbolic link; casedocs follows no links out of a "
                            "document (copy the file in)")
    return path if path.is_file() else None


def _text_captions(image: etree._Element) -> list[etree._Element]:
    """The text-caption MIRC's editor writes right after an image in a section's text."""
    following = image.getnext()
    while following is not None and not isinstance(following.tag, str):  # a comment
        following = following.getnext()
    if following is None or tag_of(following) != "text-caption" or (image.tail or "").strip():
        return []
    return [following]


def _caption(captions: list[etree._Element], displays: tuple[str | None, ...],
             markdown: bool = False) -> str:
    def text(caption: etree._Element) -> str:
        return " ".join(blocks_as_lines(caption)) if markdown else plain(caption)

    texts = [text(c) for c in captions if c.get("display") in displays]
    return " ".join(t for t in texts if t)
