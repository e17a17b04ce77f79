"""A template's package rebuilt before python-pptx reads it (issue 17): write, don't clean.

From the main part only the relationships a deck is drawn on are followed, internal ones only:
slide masters, their layouts and themes, pictures, and the presentation's own settings
(presProps, viewProps, tableStyles). Those parts alone are copied into a new package, with
content types, package relationships and core properties of our own. Whatever else a template
holds (its slides and notes, notes and handout masters, comments, macros, embedded objects,
ActiveX controls, links to files and web pages, media, fonts, custom XML, thumbnail and
properties) is never copied, so it cannot reach a deck; an element that referred to something
left behind goes with it, so PowerPoint finds no dangling reference to repair. What is left
behind that the department may miss, or should know of, is said once, one line a thing.

Sizes are taken from the zip's directory before a part is read, and a part is never unpacked
past the size it declares.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from casedocs.errors import UserError

MEGABYTE = 1024 * 1024
MAX_PART_BYTES = 50 * MEGABYTE  # one part, unpacked: a full-slide photograph is a few MB
MAX_TOTAL_BYTES = 200 * MEGABYTE  # every part a deck takes, unpacked
MAX_RATIO = 100  # deflate packs filler ~1000 to 1; real XML and pictures stay far below 100
RATIO_FLOOR = MEGABYTE  # parts up to this size may pack as tightly as they like: harmless
MAX_ENTRIES = 10_000  # a large real template has a few hundred
SHOWN = 80  # characters of a link target or a name a message repeats

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def tag(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


R_ATTRIBUTE = tag("r:x")[:-1]  # "{...relationships}": what r:id, r:embed, r:link begin with
LINK = tag("r:link")
MAIN_TYPES = {  # PresentationML main parts: a .pptx, .potx, .ppsx, and their macro twins
    CT.PML_PRESENTATION_MAIN,
    CT.PML_TEMPLATE_MAIN,
    CT.PML_SLIDESHOW_MAIN,
    CT.PML_PRES_MACRO_MAIN,
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
}
PICTURE = "image/"
FOLLOWED = {  # relationship type -> (content type of its target, root element, what it is)
    RT.SLIDE_MASTER: (CT.PML_SLIDE_MASTER, "p:sldMaster", "slide master"),
    RT.SLIDE_LAYOUT: (CT.PML_SLIDE_LAYOUT, "p:sldLayout", "slide layout"),
    RT.THEME: (CT.OFC_THEME, "a:theme", "theme"),
    RT.PRES_PROPS: (CT.PML_PRES_PROPS, "p:presentationPr", "presentation settings part"),
    RT.VIEW_PROPS: (CT.PML_VIEW_PROPS, "p:viewPr", "view settings part"),
    RT.TABLE_STYLES: (CT.PML_TABLE_STYLES, "a:tblStyleLst", "table styles part"),
    RT.IMAGE: (PICTURE, "", "picture"),
}
SVG = "image/svg+xml"  # a document that may load files and links of its own: not a picture
FOLLOWED_FROM = {  # the relationships followed from each kind of part copied
    "p:presentation": {RT.SLIDE_MASTER, RT.THEME, RT.PRES_PROPS, RT.VIEW_PROPS, RT.TABLE_STYLES},
    "p:sldMaster": {RT.SLIDE_LAYOUT, RT.THEME, RT.IMAGE},
    "p:sldLayout": {RT.SLIDE_MASTER, RT.IMAGE},
    "a:theme": {RT.IMAGE},
    "a:tblStyleLst": {RT.IMAGE},
}
# Parts found by id in the XML of their source; unnamed there, they are not used.
NAMED_BY_ID = {("p:presentation", RT.SLIDE_MASTER), ("p:sldMaster", RT.SLIDE_LAYOUT)}
MACROS = {"http://schemas.microsoft.com/office/2006/relationships/vbaProject"}
EMBEDDED = {RT.OLE_OBJECT, RT.PACKAGE}
ACTIVEX = {
    RT.CONTROL, "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary"
}
LEFT_BEHIND = {  # relationship type -> how a message names what it leads to
    **dict.fromkeys(MACROS, "its macros"),
    **dict.fromkeys(EMBEDDED, "an embedded object"),
    **dict.fromkeys(ACTIVEX, "an ActiveX control"),
}
DRAWINGS = ("p:sldMaster", "p:sldLayout", "a:theme")  # parts whose content a deck shows
QUIET = {  # left behind without a word: the template's own content and metadata
    RT.SLIDE, RT.NOTES_SLIDE, RT.NOTES_MASTER, RT.HANDOUT_MASTER, RT.COMMENTS,
    RT.COMMENT_AUTHORS, RT.PRINTER_SETTINGS, RT.CUSTOM_XML, RT.TAGS, RT.THUMBNAIL,
    RT.CORE_PROPERTIES, RT.EXTENDED_PROPERTIES, RT.CUSTOM_PROPERTIES, RT.VML_DRAWING,
}
# What a deck takes of the root of each part it copies; in schema order, as in the template.
ROOT_CHILDREN = {
    "p:presentation": ("p:sldMasterIdLst", "p:sldSz", "p:notesSz", "p:defaultTextStyle"),
    "p:sldMaster": ("p:cSld", "p:clrMap", "p:sldLayoutIdLst", "p:hf", "p:txStyles", "p:extLst"),
    "p:sldLayout": ("p:cSld", "p:clrMapOvr", "p:hf", "p:extLst"),
}
SLIDE_CHILDREN = ("p:bg", "p:spTree", "p:extLst")  # of p:cSld: no controls, no custom data
HYPERLINKS = {tag(t) for t in ("a:hlinkClick", "a:hlinkHover", "a:hlinkMouseOver")}
HARMLESS_ACTION = "ppaction://hlinkshowjump?"  # next, previous, first, last slide; end show
SHAPES = {tag(t) for t in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic",
                            "p:contentPart", "mc:AlternateContent")}
SHAPE_TREES = {tag("p:spTree"), tag("p:grpSp")}
OLE_OBJECT = tag("p:oleObj")  # never kept, even one that names no data (a linked object)
# Elements with a relationship attribute (r:id, r:embed, r:link...), hyperlinks, OLE objects.
REFERRING = etree.XPath(
    "//*[@r:*] | //a:hlinkClick | //a:hlinkHover | //a:hlinkMouseOver"
    " | //p:oleObj", namespaces=NS)
# The only elements a copied part may keep a reference in, and what each may refer to.
REFERRERS = {
    tag("a:blip"): RT.IMAGE,  # a picture, picture fill, background or bullet picture
    tag("p:sldMasterId"): RT.SLIDE_MASTER,
    tag("p:sldLayoutId"): RT.SLIDE_LAYOUT,
}
# Removable whole, with what lies in them: extensions, a background, a bullet's picture, the
# custom data (add-ins' tags) a shape carries.
OPTIONAL = {tag(t) for t in ("a:ext", "p:ext", "p:bg", "a:buBlip", "p:custDataLst")}
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .ppt, and password-protected .pptx
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError,
              RuntimeError, ValueError, OSError)
# Ours: python-pptx's template's ids, where rId2 was its thumbnail, so that decks on our
# default template (made from python-pptx's) keep their bytes.
PACKAGE_RELS = (
    ("rId1", RT.OFFICE_DOCUMENT, None),
    ("rId3", RT.CORE_PROPERTIES, "/docProps/core.xml"),
    ("rId4", RT.EXTENDED_PROPERTIES, "/docProps/app.xml"),
)
CORE_XML = (  # every field is set by the deck writer; python-pptx keeps this order
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
    b'purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://'
    b'www.w3.org/2001/XMLSchema-instance"><dc:title/><dc:subject/><dc:creator/><cp:keywords/>'
    b"<dc:description/><cp:lastModifiedBy/><cp:revision>1</cp:revision>"
    b'<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
    b'<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
    b"<cp:category/></cp:coreProperties>"
)
APP_XML = (  # replaced by the deck writer's own
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
RESERVED = {"[content_types].xml", "docprops/core.xml", "docprops/app.xml"}  # ours, lower case
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class TemplateError(UserError):
    """A template that cannot serve: one line naming it (and, when no layout suits a slide,
    the layouts it offers)."""


@dataclass(frozen=True)
class RebuiltTemplate:
    data: bytes  # a .pptx python-pptx opens: masters, layouts, themes, pictures, settings
    dropped: tuple[str, ...]  # one line a thing left behind: "the external link to ... in ..."


def rebuild_template(data: bytes, name: str) -> RebuiltTemplate:
    """The package a deck is drawn on, made from the template `data` (the file `name`)."""
    source = _Source(data, name)
    main = source.main_part()
    rebuild = _Rebuild(source)
    rebuild.follow(main)
    rebuild.check_structure(main)
    return RebuiltTemplate(rebuild.package(main), rebuild.dropped.lines())


# -- reading the template, within the caps ---------------------------------------------------


@dataclass(frozen=True)
class _Relationship:
    id: str
    type: str
    target: str  # as written
    external: bool
    partname: str | None  # where an internal target resolves: "/ppt/slideLayouts/x.xml"

    @property
    def member(self) -> str:
        return (self.partname or "")[1:]


class _Source:
    """The template's zip: its entries, content types and relationships, read within caps."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        self._zip = self._open(data)
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise self.refused(f"it has {len(infos)} zip entries; a template may have "
                               f"{MAX_ENTRIES}")
        self._infos = {info.filename: info for info in infos}
        if len({filename.lower() for filename in self._infos}) < len(infos):
            raise self.damaged("two of its zip entries have the same name")
        self._unpacked = 0
        self._overrides, self._defaults = self._content_types()

    def _open(self, data: bytes) -> zipfile.ZipFile:
        if data.startswith(CFB_MAGIC):
            raise self.not_powerpoint("it is an old (.ppt) or password-protected file; save it "
                                      "as .pptx or .potx without a password")
        try:
            return zipfile.ZipFile(io.BytesIO(data))
        except ZIP_ERRORS:
            raise self.not_powerpoint("it is not a zip package") from None

    def not_powerpoint(self, reason: str) -> TemplateError:
        return TemplateError(f"{self.name}: not a PowerPoint template (.pptx or .potx): "
                             f"{reason}")

    def damaged(self, reason: str) -> TemplateError:
        return TemplateError(f"{self.name}: a damaged PowerPoint template: {reason}")

    def refused(self, reason: str) -> TemplateError:
        return TemplateError(f"{self.name}: template refused: {reason}")

    def has(self, member: str) -> bool:
        return member in self._infos

    def read(self, member: str) -> bytes:
        info = self._infos[member]
        self._check_size(info)
        try:
            with self._zip.open(info) as entry:
                data = entry.read(info.file_size + 1)  # never past what it declares
        except ZIP_ERRORS:
            raise self.damaged(f"its part {member} cannot be unpacked") from None
        if len(data) != info.file_size:
            raise self.damaged(f"its part {member} is not the size its zip entry says")
        return data

    def _check_size(self, info: zipfile.ZipInfo) -> None:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > MAX_PART_BYTES:
            raise self.refused(f"its part {info.filename} unpacks to {_mb(size)}, over the "
                               f"{_mb(MAX_PART_BYTES)} a template part may have")
        if size > RATIO_FLOOR and size > MAX_RATIO * packed:
            raise self.refused(f"its part {info.filename} unpacks from {_mb(packed)} to "
                               f"{_mb(size)}, over {MAX_RATIO} times its packed size: "
                               "a compression bomb")
        self._unpacked += size
        if self._unpacked > MAX_TOTAL_BYTES:
            raise self.refused(f"its parts unpack to more than the {_mb(MAX_TOTAL_BYTES)} a "
                               f"template may have in all (at {info.filename})")

    def xml(self, member: str, data: bytes | None = None) -> etree._Element:
        try:
            root = etree.fromstring(self.read(member) if data is None else data, XML_PARSER)
        except etree.XMLSyntaxError:
            raise self.damaged(f"its part {member} is not well-formed XML") from None
        if root.getroottree().docinfo.doctype:  # PowerPoint never writes one; entities hide there
            raise self.damaged(f"its part {member} declares a document type")
        return root

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        if not self.has("[Content_Types].xml"):
            raise self.not_powerpoint("it is a zip file, but not an Office document")
        root = self.xml("[Content_Types].xml")
        overrides = {e.get("PartName", "").lower(): e.get("ContentType", "")
                     for e in root.iter(tag("ct:Override"))}
        defaults = {e.get("Extension", "").lower(): e.get("ContentType", "")
                    for e in root.iter(tag("ct:Default"))}
        return overrides, defaults

    def content_type(self, partname: str) -> str:
        if partname.lower() in self._overrides:
            return self._overrides[partname.lower()]
        return self._defaults.get(posixpath.splitext(partname)[1][1:].lower(), "")

    def relationships(self, partname: str) -> list[_Relationship]:
        """The relationships of `partname` ("/" for the package's own)."""
        member = _rels_member(partname)
        if not self.has(member):
            return []
        found: dict[str, _Relationship] = {}
        for element in self.xml(member).iter(tag("pr:Relationship")):
            rel = _relationship(element, posixpath.dirname(partname))
            if rel is None:
                continue
            if rel.id in found:
                raise self.damaged(f"{member} names two relationships '{_shown(rel.id)}'")
            found[rel.id] = rel
        return list(found.values())

    def main_part(self) -> str:
        main = next((r for r in self.relationships("/")
                     if r.type == RT.OFFICE_DOCUMENT and not r.external), None)
        if main is None or not self.has(main.member):
            raise self.not_powerpoint("it is an Office package without a main document")
        content_type = self.content_type(main.partname)
        if content_type not in MAIN_TYPES:
            raise self.not_powerpoint(f"it is {_what_document(content_type)}")
        return main.partname


def _relationship(element: etree._Element, folder: str) -> _Relationship | None:
    rel_id, rel_type, target = (element.get(a) for a in ("Id", "Type", "Target"))
    if not (rel_id and rel_type and target is not None):
        return None  # a damaged entry names nothing that can be followed
    external = element.get("TargetMode", "Internal") != "Internal"
    partname = None if external else posixpath.normpath(posixpath.join(folder, target))
    return _Relationship(rel_id, rel_type, target, external, partname)


def _what_document(content_type: str) -> str:
    for marker, what in (("wordprocessingml", "a Word document"),
                         ("spreadsheetml", "an Excel workbook"),
                         ("ms-powerpoint.addin", "a PowerPoint add-in")):
        if marker in content_type:
            return what
    if not content_type:
        return "a package whose main part has no content type"
    return f"a package whose main part is '{_shown(content_type)}'"


def _mb(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB" if size >= MEGABYTE else f"{size / 1024:.0f} KB"


def _shown(text: str, limit: int = SHOWN) -> str:
    """`text` as one short line of a message: no control characters, at most `limit` long."""
    printable = "".join(c if c.isprintable() else "?" for c in text)
    return printable if len(printable) <= limit else printable[: limit - 3] + "..."


# -- the new package -------------------------------------------------------------------------


@dataclass
class _Part:
    partname: str
    content_type: str
    blob: bytes
    root: str  # its root element: "p:sldLayout"
    rels: list[_Relationship]


@dataclass
class _Dropped:
    """What was left behind, each thing once, with every place it was found."""

    places: dict[str, list[str]] = field(default_factory=dict)

    def add(self, what: str | None, place: str | None) -> None:
        if what is not None:
            self.places.setdefault(what, [])
            if place and place not in self.places[what]:
                self.places[what].append(place)

    def lines(self) -> tuple[str, ...]:
        return tuple(_dropped_line(what, places) for what, places in self.places.items())


def _dropped_line(what: str, places: list[str]) -> str:
    if not places:
        return what
    others = len(places) - 1
    more = f" (and {others} other place{'s' if others > 1 else ''})" if others else ""
    return f"{what} in {places[0]}{more}"


class _Rebuild:
    """The parts a deck needs, found from the main part and copied with only the references
    that still lead somewhere."""

    def __init__(self, source: _Source):
        self.source = source
        self.parts: dict[str, _Part] = {}
        self.dropped = _Dropped()
        self._masters: dict[str, int] = {}  # master part -> its number in the presentation

    def follow(self, main: str) -> None:
        """Copy the main part and every part its kept relationships lead to, once each, the
        presentation first (it numbers the masters messages name)."""
        queue = [(main, "p:presentation")]
        reached = {main}
        while queue:
            partname, root = queue.pop(0)
            part = self._copy(partname, root)
            self.parts[partname] = part
            for rel in part.rels:
                if rel.partname not in reached:
                    reached.add(rel.partname)
                    queue.append((rel.partname, FOLLOWED[rel.type][1]))

    def _copy(self, partname: str, root_name: str) -> _Part:
        """The part with its elements that lead nowhere removed, and the relationships its
        XML still uses (or that python-pptx finds by type: a layout's master, a theme)."""
        content_type = self.source.content_type(partname)
        blob = self.source.read(partname[1:])
        if root_name == "":  # a picture: bytes only
            return _Part(partname, content_type, blob, root_name, [])
        root = self._root(partname, blob, root_name)
        rels = self.source.relationships(partname)
        usable = {rel.id: rel.type for rel in rels if self._usable(rel, root_name)}
        edit = _edit(root, usable, {rel.id for rel in rels})
        place = self._place(partname, root)
        if root_name == "p:presentation":
            self._number_masters(root, rels)
        for what in edit.unexplained:
            self.dropped.add(what, place)
        kept = []
        for rel in rels:
            by_id = (root_name, rel.type) in NAMED_BY_ID or rel.type == RT.IMAGE
            if rel.id in usable and (rel.id in edit.referenced or not by_id):
                kept.append(rel)
            elif rel.id not in usable:
                self.dropped.add(self._describe(rel, root_name), place)
        if edit.changed:
            blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if root_name == "p:presentation":
            content_type = CT.PML_PRESENTATION_MAIN  # .potx, .pptm: what python-pptx opens
        return _Part(partname, content_type, blob, root_name, kept)

    def _root(self, partname: str, blob: bytes, root_name: str) -> etree._Element:
        root = self.source.xml(partname[1:], blob)
        if root.tag != tag(root_name):
            raise self.source.damaged(f"its part {partname[1:]} is not the part its "
                                      "relationship says")
        if root_name in ("p:sldMaster", "p:sldLayout") and root.find("p:cSld/p:spTree", NS) is None:
            raise self.source.damaged(f"its part {partname[1:]} has no shapes list")
        return root

    def _usable(self, rel: _Relationship, root_name: str) -> bool:
        if rel.external or rel.type not in FOLLOWED_FROM.get(root_name, ()):
            return False
        if not self._present(rel):
            return False
        content_type = self.source.content_type(rel.partname)
        expected = FOLLOWED[rel.type][0]
        if expected == PICTURE:
            return content_type.startswith(PICTURE) and content_type != SVG
        return content_type == expected

    def _describe(self, rel: _Relationship, root_name: str) -> str | None:
        """What leaving `rel` behind means to the department, or None when nothing."""
        if rel.external:
            kind = "linked picture" if rel.type == RT.IMAGE else "external link to"
            return f"the {kind} {_shown(rel.target)}"
        if rel.type in LEFT_BEHIND:
            return f"{LEFT_BEHIND[rel.type]} ({_shown(rel.member)})"
        if rel.type == RT.FONT:
            return "its embedded fonts (a deck shows the fonts of the computer it is shown on)"
        if rel.type in FOLLOWED_FROM.get(root_name, ()):
            return self._unusable(rel)
        if root_name in DRAWINGS and rel.type not in FOLLOWED and rel.type not in QUIET:
            return f"the {_shown(rel.type.rsplit('/', 1)[-1], 30)} part {_shown(rel.member)}"
        return None

    def _present(self, rel: _Relationship) -> bool:
        """Whether `rel` leads to a part of the template (not to its relationships or a name
        the new package gives its own parts)."""
        member = rel.member.lower()
        if not member or member.endswith(".rels") or member in RESERVED:
            return False
        return self.source.has(rel.member)

    def _unusable(self, rel: _Relationship) -> str:
        if not self._present(rel):
            return f"a reference to the missing part {_shown(rel.member)}"
        content_type = self.source.content_type(rel.partname)
        if content_type == SVG:
            return f"the SVG picture {_shown(rel.member)}"
        return (f"the part {_shown(rel.member)}, which is not a {FOLLOWED[rel.type][2]} "
                f"(its content type: '{_shown(content_type, 60)}')")

    def _number_masters(self, root: etree._Element, rels: list[_Relationship]) -> None:
        targets = {rel.id: rel.partname for rel in rels}
        ids = root.xpath("p:sldMasterIdLst/p:sldMasterId/@r:id", namespaces=NS)
        for number, rel_id in enumerate(ids, start=1):
            self._masters.setdefault(targets.get(rel_id), number)

    def _place(self, partname: str, root: etree._Element) -> str | None:
        """Where a message says a thing was found: layout 'Title Only', master 1, ..."""
        local = etree.QName(root).localname
        if local == "sldLayout":
            name = root.find("p:cSld", NS).get("name")
            return f"layout '{_shown(name, 40)}'" if name else f"layout {partname[1:]}"
        if local == "sldMaster":
            number = self._masters.get(partname)
            return f"master {number}" if number else f"master {partname[1:]}"
        if local == "theme":
            return f"the theme {_shown(partname[1:])}"
        return None if local == "presentation" else _shown(partname[1:])

    def check_structure(self, main: str) -> None:
        """What python-pptx and PowerPoint take for granted, after what was left behind."""
        presentation = self.parts[main]
        if not any(rel.type == RT.SLIDE_MASTER for rel in presentation.rels):
            raise self.source.damaged("it has no slide master left")
        for part in self.parts.values():
            needed = {"p:sldMaster": RT.THEME, "p:sldLayout": RT.SLIDE_MASTER}.get(part.root)
            if needed and not any(rel.type == needed for rel in part.rels):
                what = "theme" if needed == RT.THEME else "slide master"
                raise self.source.damaged(f"its part {part.partname[1:]} has no {what}")

    def package(self, main: str) -> bytes:
        """The new package: the copied parts, and package parts of our own."""
        package_rels = [(rel_id, rel_type, target or main)
                        for rel_id, rel_type, target in PACKAGE_RELS]
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as target:
            target.writestr("[Content_Types].xml", _content_types_xml(self.parts.values()))
            target.writestr("_rels/.rels", _rels_xml(package_rels))
            target.writestr("docProps/core.xml", CORE_XML)
            target.writestr("docProps/app.xml", APP_XML)
            for part in self.parts.values():
                target.writestr(part.partname[1:], part.blob)
                if part.rels:
                    target.writestr(_rels_member(part.partname), _rels_xml(
                        [(rel.id, rel.type, rel.partname) for rel in part.rels]))
        return output.getvalue()


def _rels_member(partname: str) -> str:
    """The zip entry of a part's relationships ("/" for the package's own)."""
    folder, base = posixpath.split(partname)
    return posixpath.join(folder, "_rels", f"{base}.rels").lstrip("/")


# -- editing a part's XML --------------------------------------------------------------------


@dataclass
class _Edit:
    referenced: set[str]  # relationship ids the XML still uses
    unexplained: list[str]  # what was removed that no relationship of the part explains
    changed: bool


def _edit(root: etree._Element, usable: dict[str, str], known: set[str]) -> _Edit:
    """`root` keeps the children a deck needs, and references only where REFERRERS allow one
    and only to `usable` relationships (id -> type, of the `known` ids); an element whose
    reference leads elsewhere is removed with what owns it."""
    changed = _keep_children(root)
    unexplained: list[str] = []
    for element in REFERRING(root):
        gone = not any(ancestor is root for ancestor in element.iterancestors())
        if not gone and _drop_reference(element, usable, known, unexplained):
            changed = True  # (an element gone with what owned it needs nothing more)
    referenced = {value for element in REFERRING(root)
                  for name, value in element.attrib.items()
                  if name.startswith(R_ATTRIBUTE) and value}
    return _Edit(referenced, unexplained, changed)


def _keep_children(root: etree._Element) -> bool:
    """Only what the deck needs of the root (and of the common slide data under it)."""
    names = next((v for k, v in ROOT_CHILDREN.items() if tag(k) == root.tag), None)
    if names is None:
        return False
    changed = _keep_only(root, names)
    common = root.find("p:cSld", NS)
    if common is not None:
        changed = _keep_only(common, SLIDE_CHILDREN) or changed
    return changed


def _keep_only(parent: etree._Element, names: tuple[str, ...]) -> bool:
    wanted = {tag(name) for name in names}
    unwanted = [child for child in parent if child.tag not in wanted]
    for child in unwanted:
        parent.remove(child)
    return bool(unwanted)


def _drop_reference(
    element: etree._Element, usable: dict[str, str], known: set[str], unexplained: list[str]
) -> bool:
    """Remove what `element` makes unusable: a hyperlink or action (a deck takes none of the
    template's), a picture's link to a file, a shape whose content was left behind."""
    references = {name: value for name, value in element.attrib.items()
                  if name.startswith(R_ATTRIBUTE) and value}
    if element.tag in HYPERLINKS:
        action = element.get("action") or ""
        if not references and (action == "" or action.startswith(HARMLESS_ACTION)):
            return False
        if not references:
            unexplained.append(f"the action '{_shown(action)}'")
        _remove(element)
        return True
    allowed = REFERRERS.get(element.tag)
    bad = [name for name, value in references.items()
           if name == LINK or allowed is None or usable.get(value) != allowed]
    if element.tag == OLE_OBJECT and not references:
        unexplained.append("an embedded object")
        _remove(_owner(element))
        return True
    if not bad:
        return False
    unexplained += [f"a reference to nothing ('{_shown(references[name], 20)}')"
                    for name in bad if references[name] not in known]
    if element.tag == tag("a:blip") and bad == [LINK] and tag("r:embed") in references:
        del element.attrib[LINK]  # the picture stays as PowerPoint last drew it
    else:
        _remove(_owner(element))
    return True


def _owner(element: etree._Element) -> etree._Element:
    """What goes with an element whose reference leads nowhere: the extension, background or
    bullet picture it lies in, else the shape (in a shape tree) it belongs to, else itself."""
    for node in (element, *element.iterancestors()):
        if node.tag in OPTIONAL:
            return node
        parent = node.getparent()
        if node.tag in SHAPES and parent is not None and parent.tag in SHAPE_TREES:
            return node
    return element


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _content_types_xml(parts: Iterator[_Part]) -> bytes:
    root = etree.Element(tag("ct:Types"), nsmap={None: NS["ct"]})
    etree.SubElement(root, tag("ct:Default"), Extension="rels",
                     ContentType=CT.OPC_RELATIONSHIPS)
    etree.SubElement(root, tag("ct:Default"), Extension="xml", ContentType=CT.XML)
    for partname, content_type in (
        ("/docProps/core.xml", CT.OPC_CORE_PROPERTIES),
        ("/docProps/app.xml", CT.OFC_EXTENDED_PROPERTIES),
        *((part.partname, part.content_type) for part in parts),
    ):
        etree.SubElement(root, tag("ct:Override"), PartName=partname, ContentType=content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_xml(rels: Iterator[tuple[str, str, str]]) -> bytes:
    root = etree.Element(tag("pr:Relationships"), nsmap={None: NS["pr"]})
    for rel_id, rel_type, partname in rels:
        etree.SubElement(root, tag("pr:Relationship"), Id=rel_id, Type=rel_type, Target=partname)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
