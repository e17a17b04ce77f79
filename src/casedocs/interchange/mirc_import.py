"""`casedocs import mirc`: a MIRCdocument becomes a case file with its images beside it.

Sections are taken by heading, the indexed fields where the case format has a place for them,
each image of the image section as a figure (its DICOM original when there is one), and its
SVG annotation as arrows, circles and labels. Patient data is never read (mirc_document.py),
what the patient block and the images' DICOM headers say of the patient is removed wherever
the text repeats it (identifiers.py), every image is written anew from what displays it
(figures/copies.py), and image files get neutral names. The summary says what mapped, what was
approximated and what was left out.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from casedocs.document.answers import answer_key, history_leaks, public_field_problems
from casedocs.document.words import split_sentences
from casedocs.errors import UserError
from casedocs.figures import ImageProblem
from casedocs.figures.copies import clean_copy
from casedocs.figures.dicom import is_dicom
from casedocs.figures.stacks import series_order, series_uid
from casedocs.files import write_whole
from casedocs.interchange.case_yaml import dump_case
from casedocs.interchange.headings import field_of, language_of
from casedocs.interchange.identifiers import REMOVED, from_dicom_headers, remove_identifiers
from casedocs.interchange.markup import (
    Block,
    Conversion,
    MarkdownList,
    MarkdownTable,
    as_text,
    blocks_of,
    escape,
)
from casedocs.interchange.mirc_document import MircDocument, MircImage, opened
from casedocs.interchange.references import parse_reference, reference_id
from casedocs.interchange.svg_marks import read_marks
from casedocs.source.model import MODALITIES, SLUG_PATTERN, Case

IMAGES_FOLDER = "images"
SHORT_VIEW = 60  # characters: a caption this short may serve as the neutral view
PLACEHOLDER = "TODO: "
MODALITY_WORDS = {  # what MIRC authors write in <modality>, as DICOM codes
    "x-ray": "CR", "xray": "CR", "radiograph": "CR", "radiography": "CR", "plain film": "CR",
    "ct": "CT", "cat": "CT", "mri": "MR", "mr": "MR", "ultrasound": "US", "sonography": "US",
    "nuclear medicine": "NM", "scintigraphy": "NM", "spect": "NM", "pet": "PT",
    "pet/ct": "PT", "mammography": "MG", "mammogram": "MG", "angiography": "XA",
    "fluoroscopy": "RF",
}
ORGAN_SYSTEMS = {  # MIRC's organ-system values, as the case format's subspecialties
    "breast": "breast", "cardiac": "cardiac", "cardiovascular": "cardiac",
    "chest": "chest", "pulmonary": "chest", "thoracic": "chest",
    "gastrointestinal": "abdomen", "abdomen": "abdomen", "abdominal": "abdomen",
    "genitourinary": "GU", "gu": "GU", "head and neck": "head and neck",
    "musculoskeletal": "MSK", "msk": "MSK", "neuro": "neuro", "neuroradiology": "neuro",
    "central nervous system": "neuro", "nervous": "neuro", "pediatric": "paediatrics",
    "pediatrics": "paediatrics", "paediatrics": "paediatrics", "nuclear": "nuclear medicine",
    "nuclear medicine": "nuclear medicine", "vascular": "interventional",
    "interventional": "interventional", "emergency": "emergency",
    "vascular/interventional": "interventional", "intervention": "interventional",
    "hepatobiliary": "abdomen", "cardiology": "cardiac", "ent": "head and neck",
    # German
    "thorax": "chest", "kardiovaskulär": "cardiac", "kardiologie": "cardiac",
    "abdominell": "abdomen", "urogenital": "GU",
    "muskuloskelettal": "MSK", "neuroradiologie": "neuro", "hno": "head and neck",
    "kopf-hals": "head and neck", "pädiatrie": "paediatrics", "kinderradiologie": "paediatrics",
    "nuklearmedizin": "nuclear medicine", "interventionell": "interventional",
    "notfall": "emergency", "mamma": "breast", "brust": "breast",
}
LEVELS = {"primary": 1, "medical student": 1, "basic": 1, "intermediate": 2, "resident": 2,
          "basis": 1, "grundlagen": 1, "einfach": 1, "student": 1, "mittel": 2,
          "fortgeschritten": 3, "experte": 3, "facharzt": 3,
          "advanced": 3, "fellow": 3, "expert": 3, "1": 1, "2": 2, "3": 3}
DEGREES = re.compile(r"^(?:[A-Z][A-Za-z.]{0,7}(?:\s?\([A-Za-z]+\))?)$")
# A superscript number is a citation only after a word of two letters or more that is no
# unit ("disease.^1^", "masses^2,3^"), and before a space or punctuation: not an isotope
# (^18^F), an exponent (10^9^/L, mm^2^, r^2^) or a power of anything else.
UNITS = {"m", "cm", "mm", "km", "µm", "um", "nm", "g", "kg", "mg", "µg", "ug", "l", "ml", "dl",
         "s", "ms", "min", "h", "hu", "mmhg", "t", "mt", "mev", "kev", "gy", "mgy", "msv",
         "bq", "mbq", "gbq", "ci", "mci"}
_SPACE = r"(?:\\ |\s)?"  # a space, escaped inside a superscript
_JOIN = rf"(?:,{_SPACE}(?:and\s)?|-|–|\sand\s|\s&\s|\sund\s|\sor\s)"
_NUMBER_LIST = rf"\d+(?:{_SPACE}{_JOIN}{_SPACE}\d+)*"  # 1; 1,2; 1-3; 1, 2, and 4
_FIGURE_MENTION = re.compile(
    rf"\b(?:Figs?\.?|Figures?|Images?|Abb\.|Abbildungen?)\s?(?P<numbers>{_NUMBER_LIST})"
    r"(?!\w|\.\d)",
    re.IGNORECASE,
)
_SUPERSCRIPT = re.compile(
    rf"(?:(?<=[^\W\d_]{{2}})|(?<=[.,;:)\]]))\^(?P<numbers>{_NUMBER_LIST})\^(?=$|[\s.,;:)\]])"
)
_OWN_NUMBER = re.compile(r"^(?:Fig(?:ure)?s?\.?|Images?|Abb\.)\s*\d+[a-z]?\s*[.:\-–]\s*", re.I)
_BRACKETED = re.compile(rf"\\\[(?P<numbers>{_NUMBER_LIST})\\\]")


@dataclass
class Summary:
    mapped: list[str] = field(default_factory=list)
    approximated: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        parts = [("mapped", self.mapped), ("approximated", self.approximated),
                 ("left out", self.left_out)]
        return [line for name, items in parts if items
                for line in [f"{name}:", *(f"  - {item}" for item in items)]]


@dataclass
class Imported:
    case_file: Path
    summary: Summary
    taken_id: str | None = None  # the id another document of the same import had


@dataclass
class ImportRound:
    """The documents one `import mirc` has brought in so far: their ids, and their hashes
    (the same document twice, as a folder and as its zip, comes in once)."""

    ids: set[str] = field(default_factory=set)
    documents: dict[str, Path] = field(default_factory=dict)  # document hash -> case file


def import_mirc(source: Path, out_dir: Path, case_id: str | None = None,
                force: bool = False, round_: ImportRound | None = None) -> Imported:
    """Write `<out_dir>/<id>.yaml` and `<out_dir>/images/<id>/`; UserError before anything is
    written when they exist (without `force`) or the document cannot be read. An id another
    document of the same round has (two teaching files merged, each with its "Chest Case 7")
    gets the document's hash as a suffix, the same on every import."""
    if case_id is not None and not re.fullmatch(SLUG_PATTERN, case_id):
        raise UserError(f"--id {case_id!r}: use lower-case letters, digits and single hyphens")
    round_ = round_ or ImportRound()
    taken_id = None
    with opened(source) as document:
        digest = document.digest
        if digest in round_.documents:
            raise UserError(f"{document.shown}: the same document as the one imported into "
                            f"{round_.documents[digest]}")
        from_dicom_headers(_dicom_files(document), document.identifiers)
        chosen = case_id or _id_from(document)
        converter = _Converter(document, chosen)
        data = converter.case_data()
        if case_id is None:
            data["id"] = _neutral_id(data, converter)
            if data["id"] in round_.ids:
                taken_id, data["id"] = data["id"], f"{data['id']}-{digest}"
            for figure in data.get("figures", []):  # the images go in the folder of that id
                kind = "stack" if "stack" in figure else "file"
                figure[kind] = f"{IMAGES_FOLDER}/{data['id']}/{Path(figure[kind]).name}"
        files = _targets(out_dir, data["id"], force)
        with tempfile.TemporaryDirectory(dir=_existing(out_dir), prefix=".import-") as staging:
            staged = Path(staging)
            converter.copy_images(staged / IMAGES_FOLDER / data["id"])
            _keep_views_neutral(data, staged, converter.summary)
            write_whole(staged / "case.yaml", dump_case(data, converter.header()).encode())
            _move_into_place(staged, files, force)
    round_.ids.add(data["id"])
    round_.documents[digest] = files[0]
    return Imported(files[0], converter.summary, taken_id)


def _existing(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _targets(out_dir: Path, case_id: str, force: bool) -> tuple[Path, Path]:
    case_file = out_dir / f"{case_id}.yaml"
    images = out_dir / IMAGES_FOLDER / case_id
    existing = [p for p in (case_file, images) if p.exists()]
    if existing and not force:
        raise UserError(
            f"{existing[0]} exists; import to another --out, give another --id, or --force "
            "to replace it"
        )
    return case_file, images


def _move_into_place(staged: Path, files: tuple[Path, Path], force: bool) -> None:
    case_file, images = files
    if force and images.exists():
        shutil.rmtree(images)
    staged_images = staged / IMAGES_FOLDER / images.name
    if staged_images.exists():
        images.parent.mkdir(parents=True, exist_ok=True)
        staged_images.rename(images)
    (staged / "case.yaml").replace(case_file)


def _dicom_files(document: MircDocument) -> list[Path]:
    files = [f for i in document.images for f in (i.original, i.full_size, i.shown, i.annotated)]
    return [f for f in dict.fromkeys(files) if f is not None and is_dicom(f)]


def _id_from(document: MircDocument) -> str:
    """The neutral label the document is shown under before its answer ("Chest Case 12"
    gives chest-case-12); else a name made from the document's bytes. Never a file or folder
    name, nor a label holding the patient's identifiers."""
    label = document.text("alternative-title")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    pattern = document.identifiers.pattern()
    if slug and re.search(r"\d", slug) and not (pattern and pattern.search(label)):
        return slug
    return _hashed_id(document)


def _hashed_id(document: MircDocument) -> str:
    return f"mirc-{document.digest}"


def _neutral_id(data: dict, converter: _Converter) -> str:
    """The id names every output and the label shows before the answer: an alternative
    title that gives the answer away is left out, and an id that does is replaced."""
    case = _model(data, None)
    problems = public_field_problems(case, answer_key(case)) if case else []
    if any(p.path == ("series",) for p in problems):
        label = " ".join(str(data.pop(key)) for key in ("series", "number") if key in data)
        converter.summary.left_out.append(f"the alternative title {label!r}: it repeats the "
                                          "answer")
        return _hashed_id(converter.document)
    if any(p.path == ("id",) for p in problems):
        replacement = _hashed_id(converter.document)
        converter.summary.approximated.append(
            f"id {data['id']!r} repeats the answer; the case is {replacement!r}"
        )
        return replacement
    return data["id"]


def _model(data: dict, base: Path | None) -> Case | None:
    """The case as the model reads it, figures' files aside (they are checked on load)."""
    try:
        stripped = {**data, "figures": []} if base is None else data
        return Case.model_validate(stripped, context={"base_dir": base} if base else None)
    except ValueError:
        return None


def _keep_views_neutral(data: dict, staged: Path, summary: Summary) -> None:
    """A view is shown before the answer: one taken from a caption that gives it away is
    dropped (the figure then shows as "Fig. n")."""
    case = _model(data, staged)
    if case is None:
        return
    for problem in public_field_problems(case, answer_key(case)):
        if problem.path[0] == "figures" and problem.path[2] == "view":
            figure = data["figures"][problem.path[1]]
            summary.approximated.append(
                f"the view of {figure['id']} ({figure.pop('view')!r}) repeats the answer; "
                "left out"
            )
    named = history_leaks(case)
    if named:  # the author's teaching file showed it so: kept, and said
        data["history_names_answer"] = True
        words = ", ".join(f"{quote!r}" for quote in dict.fromkeys(leak.quote for leak in named))
        summary.approximated.append(
            f"the history names the answer ({words}), as the document wrote it: kept, with "
            "history_names_answer: true; reword it if the case is to be shown as an unknown"
        )


class _Converter:
    def __init__(self, document: MircDocument, case_id: str):
        self.document = document
        self.case_id = case_id
        self.summary = Summary()
        self.conversion = Conversion()
        self.copies: dict[str, bytes] = {}  # file name in the case's image folder -> copy
        self.from_dicom: set[str] = set()
        self.new_uids: dict[str, str] = {}  # DICOM UIDs replaced, so a series stays one
        self.references: list[dict] = []
        self.unparsed: list[str] = []
        self.numbered: dict[int, str] = {}  # the document's reference number -> key
        self.figure_ids: dict[int, str] = {}  # MIRC image number -> clean figure id
        self.languages: list[str] = []  # of the headings that are not English
        self.cited_as: set[str] = set()  # how the text cites: superscript, brackets
        self.companions: dict[str, str] = {}  # figure id -> its answer-only annotated image

    # -- the case, field by field --------------------------------------------------------------

    def case_data(self) -> dict:
        data: dict = {"id": self.case_id}
        data |= self._titles() | self._people() | self._publication() | self._index()
        figures = self._figures()
        sections = self._sections()
        self._read_references(sections.pop("references", []))
        history = self._paragraph(sections.get("history"))
        findings = self._findings(sections.get("findings", []))
        diagnosis = self._paragraph(sections.get("diagnosis"))
        data["history"] = history or PLACEHOLDER + "the history, as shown before the answer"
        data["figures"] = figures
        data["findings"] = findings
        data["diagnosis"] = diagnosis or PLACEHOLDER + "the diagnosis"
        data["differential"] = self._differential(sections.get("differential", []))
        discussion = self._blocks_text(sections.get("discussion", []))
        if discussion:
            data["discussion"] = discussion
        points = [self._linked(item) for item in _items(sections.get("teaching_points", []))]
        if points:
            data["teaching_points"] = points
        management = self._blocks_text(sections.get("management", []))
        if management:
            data["management"] = management
        if self.references:
            data["references"] = self.references
        self._note_conversion()
        if len(self.languages) >= 2:  # its headings say which words casedocs should add
            data["language"] = max(set(self.languages), key=self.languages.count)
        if self.cited_as == {"brackets"}:
            data["citation_style"] = "vancouver"  # [1] as the document wrote them
        data = {key: value for key, value in data.items() if value not in ([], None, "")}
        return self._titled(self._without_identifiers(data))

    def _titled(self, data: dict) -> dict:
        """A draft with no title, or one that was only the patient's id and name ("PAT-40817:
        NGUYEN^LINDA", as MIRC's DICOM service titles drafts), is titled by its diagnosis."""
        diagnosis = data.get("diagnosis", PLACEHOLDER)
        if data["title"].startswith(PLACEHOLDER) and not diagnosis.startswith(PLACEHOLDER):
            data["title"] = split_sentences(diagnosis)[0].rstrip(".")
            self.summary.approximated.append("no title of its own: the diagnosis as the title")
        return data

    def _without_identifiers(self, data: dict) -> dict:
        """Every name, id and birth date of the patient the document or its DICOM headers
        give, removed from every text. A text that held nothing else goes: a list item or a
        label with it, else it is left for the author to write again."""
        cleaned, places = remove_identifiers(data, self.document.identifiers.pattern())
        for place in sorted(places, reverse=True):  # later list items first: indexes hold
            _drop_emptied(cleaned, place)
        if places:
            where = ", ".join(".".join(map(str, place)) for place in places)
            self.summary.approximated.append(f"the patient's name, id or birth date removed "
                                             f"from {where}")
        return cleaned  # type: ignore[return-value]

    def _titles(self) -> dict:
        title = self.document.text("title")
        data: dict = {"title": title or PLACEHOLDER + "the case's title"}
        label = self.document.text("alternative-title")
        if label:
            numbered = re.fullmatch(r"(.*\S)\s+(\d{1,5})", label)
            data |= ({"series": numbered[1], "number": int(numbered[2])} if numbered
                     else {"series": label})
            self.summary.mapped.append("alternative-title as the neutral label")
        self.summary.mapped.append("title" if title else "no title (a placeholder left)")
        return data

    def _people(self) -> dict:
        authors = []
        institution = ""
        for element in self.document.all("author"):
            name = (element.findtext("name") or "").strip()
            if not name or name.lower() == "anonymous":
                institution = (element.findtext("affiliation") or "").strip() or institution
                continue
            author = _author(name)
            affiliation = (element.findtext("affiliation") or "").strip()
            if affiliation:
                author["affiliation"] = affiliation
            authors.append(author)
        data: dict = {}
        affiliations = {a.get("affiliation") for a in authors}
        if authors and len(affiliations) == 1 and None not in affiliations and not institution:
            data["institution"] = affiliations.pop()  # one place for all: the institution
            for author in authors:
                del author["affiliation"]
        if institution and "institution" not in data:
            data["institution"] = institution  # an affiliation without a name
        if authors:
            data["authors"] = authors
            self.summary.mapped.append(f"{len(authors)} author(s)")
        if any((contact.text or "").strip() for contact in self.document.all("author/contact")):
            self.summary.left_out.append("authors' contact details")
        return data

    def _publication(self) -> dict:
        data: dict = {}
        rights = self.document.text("rights")
        if rights:
            data["copyright"] = rights.removeprefix("©").removeprefix("(c)").strip()
        published = _date(self.document.text("publication-date"))
        if published:
            data["published"] = published
        keywords = _split(self.document.text("keywords"))
        pathology = _split(self.document.text("pathology"))
        if keywords or pathology:
            data["keywords"] = list(dict.fromkeys(keywords + pathology))
            self.summary.mapped.append("keywords" + (" and pathology" if pathology else ""))
        return data

    def _index(self) -> dict:
        data: dict = {}
        modalities, unknown = [], []
        for word in _split(self.document.text("modality")):
            code = word.upper() if word.upper() in MODALITIES else MODALITY_WORDS.get(word.lower())
            (modalities if code else unknown).append(code or word)
        if modalities:
            data["modality"] = list(dict.fromkeys(modalities))
        anatomy = _split(self.document.text("anatomy"))
        if anatomy:
            data["anatomy"] = anatomy
        subspecialties, unmapped = [], []
        for word in _split(self.document.text("organ-system")):
            found = ORGAN_SYSTEMS.get(word.lower())
            (subspecialties if found else unmapped).append(found or word)
        if subspecialties:
            data["subspecialty"] = list(dict.fromkeys(subspecialties))
        written_level = self.document.text("level")
        level = LEVELS.get(written_level.lower())
        if level:
            data["difficulty"] = level
        elif written_level:
            unmapped.append(written_level)
        mapped = [name for name, key in (("modality", "modality"), ("anatomy", "anatomy"),
                                         ("organ-system", "subspecialty"),
                                         ("level", "difficulty")) if key in data]
        if mapped:
            self.summary.mapped.append(", ".join(mapped))
        if unknown or unmapped:
            self.summary.left_out.append(
                "index values with no counterpart: " + ", ".join(unknown + unmapped)
            )
        if self.document.text("category"):
            self.summary.left_out.append("category")
        return data

    # -- figures -------------------------------------------------------------------------------

    def _figures(self) -> list[dict]:
        figures: list[dict] = []
        images = list(enumerate(self.document.images, 1))
        for number, image in images:
            if image.source is None:  # the document shows an image it does not hold
                raise UserError(f"{self.document.shown}: image {number}: "
                                + "; ".join(image.missing))
            for missing in image.missing:
                self.summary.left_out.append(f"image {number}: {missing}")
        for run in _series_runs(images):
            number, image = run[0]
            figure_id = f"image-{number}"
            for each, _ in run:
                self.figure_ids[each] = figure_id
            figures += self._figure(figure_id, image) if len(run) == 1 else \
                self._stack_figure(figure_id, run)
        if figures:
            self.summary.mapped.append(f"{len(self.figure_ids)} image(s) as figures")
        return figures

    def _stack_figure(self, figure_id: str, run: list[tuple[int, MircImage]]) -> list[dict]:
        """Images that are the slices of one DICOM series, as one stack: the slices written
        anew in a folder of their own, the image with a caption or marks as its key slice."""
        ordered = series_order([image.original for _, image in run if image.original])
        assert ordered is not None  # _series_runs made the run from such images
        by_file = {image.original: image for _, image in run}
        digits = len(str(len(ordered)))
        for place, path in enumerate(ordered, start=1):
            self._copy(figure_id, path, "", f"{figure_id}/slice-{place:0{digits}d}")
        shown = next((image for _, image in run if image.svg or image.caption_click
                      or image.caption_always), run[0][1])
        figure = self._figure(figure_id, shown)[0]
        del figure["file"]
        figure["stack"] = f"{IMAGES_FOLDER}/{self.case_id}/{figure_id}"
        figure["key"] = ordered.index(next(p for p, i in by_file.items() if i is shown)) + 1
        self.summary.mapped.append(f"{figure_id}: {len(run)} images of one series as a stack")
        return [figure]

    def _figure(self, figure_id: str, image: MircImage) -> list[dict]:
        caption = _OWN_NUMBER.sub("", image.caption_markdown)
        figure: dict = {"id": figure_id, "file": self._copy(figure_id, image.source, "")}
        figure["caption"] = caption or PLACEHOLDER + "the caption"
        always = image.caption_always or _opening_view(caption)
        if always and (image.caption_click or len(always) <= SHORT_VIEW):
            figure["view"] = always  # dropped later if it gives the answer away
        figures = [figure]
        marks = read_marks(image.svg) if image.svg else None
        if marks and marks.annotations and not (marks.unmapped and image.annotated):
            figure["annotations"] = marks.annotations
            self.summary.approximated += marks.approximated
            if marks.unmapped:
                self.summary.left_out.append(
                    f"{figure_id}: SVG marks with no counterpart ({', '.join(marks.unmapped)})"
                )
        elif image.annotated:
            marked_id = f"{figure_id}-annotated"
            self.companions[figure_id] = marked_id
            figures.append({
                "id": marked_id,
                "file": self._copy(marked_id, image.annotated, " (its annotated image)"),
                "caption": figure["caption"], "answer_only": True,
            })
            self.summary.approximated.append(
                f"{figure_id}: its annotated image as a figure shown with the answer only"
            )
        return figures

    def _copy(self, name: str, source: Path, which: str, as_name: str = "") -> str:
        """The image written anew (figures/copies.py), under a neutral name (`as_name`, else
        `name`): a source's name can hold the patient's."""
        try:
            copy = clean_copy(source, self.new_uids)
        except ImageProblem as problem:
            number = name.split("-")[1]
            raise UserError(f"{self.document.shown}: image {number}{which}: {problem}") \
                from None
        file_name = f"{as_name or name}{copy.suffix}"
        self.copies[file_name] = copy.data
        if copy.suffix == ".dcm":
            self.from_dicom.add(file_name)
        if copy.note:
            self.summary.approximated.append(f"{name}: {copy.note}")
        return f"{IMAGES_FOLDER}/{self.case_id}/{file_name}"

    def copy_images(self, folder: Path) -> None:
        if not self.copies:
            return
        folder.mkdir(parents=True)  # the case file refers to them from beside it
        for file_name, data in self.copies.items():
            (folder / file_name).parent.mkdir(exist_ok=True)  # a stack's own folder
            write_whole(folder / file_name, data)
        if self.from_dicom:
            self.summary.approximated.append(
                f"{len(self.from_dicom)} DICOM file(s) written anew with their pixels and "
                "display attributes only (no patient, study, institution or free-text field)"
            )

    # -- text ----------------------------------------------------------------------------------

    def _sections(self) -> dict[str, list[Block]]:
        """The content of each case field, from the sections by heading, then from MIRC's
        summary elements for a field no section gave."""
        found: dict[str, list[Block]] = {}
        for section in self.document.sections:
            heading = (section.get("heading") or "").strip().rstrip(":").strip()
            blocks = blocks_of(section, self.conversion)
            for part_heading, part in _run_in_parts(heading, blocks):
                if part:
                    self._section(part_heading, part, found)
        self._summary_elements(found)
        for element in self.document.root.iterfind("references/reference"):
            found.setdefault("references", []).append(
                " ".join(_items(blocks_of(element, self.conversion)))
            )
        if self.document.hidden:
            self.summary.left_out.append(f"{self.document.hidden} section(s) not visible to "
                                         "everyone")
        if self.document.text("abstract") not in ("", "None."):
            self.summary.left_out.append("the abstract")
        return found

    def _section(self, heading: str, blocks: list[Block], found: dict) -> None:
        name = field_of(heading)
        if name is None:
            self.summary.approximated.append(
                f"section {heading!r} into the discussion, under its own heading"
            )
            found.setdefault("discussion", []).extend([f"**{escape(heading)}**", *blocks])
            return
        found.setdefault(name, []).extend(blocks)
        self.summary.mapped.append(f"section {heading!r}")
        language = language_of(heading)
        if language:
            self.languages.append(language)

    def _summary_elements(self, found: dict) -> None:
        for element_name, name in (("history", "history"), ("findings", "findings"),
                                   ("diagnosis", "diagnosis"),
                                   ("differential-diagnosis", "differential"),
                                   ("discussion", "discussion")):
            element = self.document.root.find(element_name)
            if name not in found and element is not None:
                blocks = blocks_of(element, self.conversion)
                if blocks:
                    found[name] = blocks
                    self.summary.mapped.append(f"<{element_name}>")

    def _read_references(self, blocks: list[Block]) -> None:
        """Each reference under the number the text cites it by: the one written before it
        ("3.", "[3]"), else its place in the list. One that does not parse is kept whole,
        as a reference of type text, so that its number still finds it."""
        taken: set[str] = set()
        items = [item for item in _items(blocks) if not _is_list_heading(item)]
        for place, item in enumerate(items, 1):
            written = re.match(r"\s*\\?\[?(\d{1,3})\\?[.)\]]\s*", _unescaped(item))
            text = _unescaped(item)[written.end():] if written else _unescaped(item)
            fields = parse_reference(text)
            if fields is None:
                self.unparsed.append(text)
                fields = {"type": "text", "title": text}
            key = reference_id(fields, taken)
            self.numbered[int(written[1]) if written else place] = key
            self.references.append({"id": key, **fields})
        structured = len(self.references) - len(self.unparsed)
        if structured:
            self.summary.mapped.append(f"{structured} reference(s), structured")
        if self.unparsed:
            self.summary.approximated.append(
                f"{len(self.unparsed)} reference(s) that did not parse, kept as written "
                "(type: text); structure them if you can"
            )

    def _paragraph(self, blocks: list[Block] | None) -> str:
        """Lines and paragraphs as one paragraph: "Fever<br/>Cough" reads "Fever. Cough"."""
        items = _items(blocks or [])
        ended = [item if item[-1] in ".!?:;" else f"{item}." for item in items[:-1]]
        return self._linked(" ".join(ended + items[-1:]))

    def _findings(self, blocks: list[Block]) -> list:
        findings = []
        for item in _items(blocks):
            text = self._linked(item)
            mentioned = re.findall(r"@fig-(image-\d+)", text)
            shown = list(dict.fromkeys(mentioned))
            shown += [self.companions[f] for f in shown if f in self.companions]
            findings.append({"figures": shown, "text": text} if shown else text)
        return findings

    def _differential(self, blocks: list[Block]) -> list:
        items = _items(blocks)
        if len(items) == 1:
            items = _listed_items(items[0])
        differential = []
        for item in items:
            name, note = _split_note(item)
            differential.append({"name": self._linked(name), "note": self._linked(note)}
                                if note else self._linked(name))
        return differential

    def _blocks_text(self, blocks: list[Block]) -> str:
        return self._linked(as_text(blocks))

    def _linked(self, text: str) -> str:
        """Figure mentions as figure references, citation numbers as citations."""
        text = _FIGURE_MENTION.sub(self._figure_reference, text)
        text = _SUPERSCRIPT.sub(self._citation, text)
        return _BRACKETED.sub(self._citation, text)

    def _figure_reference(self, found: re.Match) -> str:
        ids = [self.figure_ids.get(n) for n in _numbers(found["numbers"])]
        if not ids or None in ids:
            return found[0]
        if len(ids) == 1:
            return f"@fig-{ids[0]}"
        return "[" + "; ".join(f"@fig-{i}" for i in ids) + "]"

    def _citation(self, found: re.Match) -> str:
        word = re.search(r"([^\W\d_]+)$", found.string[: found.start()])
        keys = [self.numbered.get(n) for n in _numbers(found["numbers"])]
        if not keys or None in keys or (word and word[1].casefold() in UNITS):
            return found[0]
        self.cited_as.add("superscript" if found[0].startswith("^") else "brackets")
        return "[" + "; ".join(f"@{k}" for k in keys) + "]"

    def _note_conversion(self) -> None:
        for kind, count in sorted(self.conversion.notes.items()):
            where = "dropped" if kind != "table" else (
                "kept as tables in the discussion and management, a line per row elsewhere")
            self.summary.approximated.append(f"{count} <{kind}> in sections ({where})")

    # -- the case file's comments --------------------------------------------------------------

    def header(self) -> str:
        lines = [
            "Imported from a MIRCdocument by casedocs import mirc.",
            "Read it through: what was approximated or left out was listed when it was imported.",
        ]
        if self.document.dropped:
            lines.append("Patient data was not imported (" + ", ".join(self.document.dropped) +
                         ").")
        return "".join(f"# {line}\n" for line in lines)


_RUN_IN = re.compile(r"^\*\*(?P<heading>[^*]{1,40}?)\s*:?\*\*\s*:?\s*(?P<rest>.*)$", re.S)


def _series_runs(images: list[tuple[int, MircImage]]) -> list[list[tuple[int, MircImage]]]:
    """The images in order, consecutive ones grouped where their DICOM originals are the
    slices of one series (MIRC's DICOM service files a series as one image each)."""
    runs: list[tuple[str | None, list[tuple[int, MircImage]]]] = []
    for item in images:
        series = series_uid(item[1].original) if item[1].original else None
        if runs and series is not None and runs[-1][0] == series:
            runs[-1][1].append(item)
        else:
            runs.append((series, [item]))
    found: list[list[tuple[int, MircImage]]] = []
    for _, run in runs:
        originals = [image.original for _, image in run if image.original]
        found += [run] if series_order(originals) is not None else [[item] for item in run]
    return found


def _run_in_parts(heading: str, blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """A section split at the bold run-in headings its paragraphs open with ("**History:**
    74-year-old ...", "**DDx:**"), as authors write a whole case in one Case or Answer
    section. Only a section with at least one run-in heading of a field is split; then each
    run-in paragraph starts a part."""
    openings = [_RUN_IN.match(block) if isinstance(block, str) else None for block in blocks]
    if not any(found and field_of(found["heading"]) for found in openings):
        return [(heading, blocks)]
    parts: list[tuple[str, list[Block]]] = [(heading, [])]
    for block, found in zip(blocks, openings, strict=True):
        if found:
            parts.append((found["heading"], [found["rest"]] if found["rest"] else []))
        else:
            parts[-1][1].append(block)
    return parts


def _drop_emptied(data: dict, place: tuple) -> None:
    """The text at `place`, when only removed identifiers are left of it: gone from its list,
    a label gone from its mark (the mark too when it was only a label), else a placeholder."""
    containers = [data]
    for key in place[:-1]:
        containers.append(containers[-1][key])
    parent, key = containers[-1], place[-1]
    if re.sub(rf"{re.escape(REMOVED)}|[\W_]", "", parent[key]):
        return
    if isinstance(parent, list) or (key == "label" and set(parent) - {"label", "at"}):
        del parent[key]
    elif key in ("label", "text", "name") and isinstance(containers[-2], list):
        del containers[-2][place[-2]]
    else:
        parent[key] = PLACEHOLDER + "write this again: it held only the patient's identifiers"


def _opening_view(caption: str) -> str:
    """"Axial FLAIR: extensive signal change" opens with its view, "Axial FLAIR"."""
    head, colon, _ = caption.partition(": ")
    return head if colon and len(head.split()) <= 6 and "\\" not in head else ""


def _is_list_heading(item: str) -> bool:
    """'Suggested reading:' above a reference list."""
    return item.rstrip("*").endswith(":") and len(item.split()) <= 5


def _items(blocks: list[Block]) -> list[str]:
    """Paragraphs, list items and table rows, one string each."""
    items: list[str] = []
    for block in blocks:
        if isinstance(block, MarkdownTable):
            items += block.lines()
        else:
            items += block.items if isinstance(block, MarkdownList) else [block]
    return [item for item in items if item]


def _listed_items(line: str) -> list[str]:
    """A differential written on one line: "1. A 2. B", or "A, B (e.g., in C); D", split
    where no bracket is open; a line whose parts would be sentences stays one item."""
    numbered = [p.strip() for p in re.split(r"(?:^|\s)\d{1,2}\\?[.)]\s", line) if p.strip()]
    if len(numbered) > 1:
        return numbered
    parts, depth, start = [], 0, 0
    for i, char in enumerate(line):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char in ",;" and depth == 0:
            parts.append(line[start:i])
            start = i + 1
    parts = [p.strip() for p in [*parts, line[start:]] if p.strip()]
    parts = [re.sub(r"^(?:and|or)\s+", "", p) for p in parts]
    if len(parts) > 1 and all(len(p.split()) <= 8 for p in parts):
        return parts
    return [line]


def _split_note(item: str) -> tuple[str, str]:
    """'Lymphoma – usually with nodes elsewhere' -> name and note; a dash inside brackets
    ("Paget disease (polyostotic - but ...)") belongs to the name."""
    depth = 0
    for at, character in enumerate(item):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(character, 0)
        dash = re.match(r"\s[–—-]\s", item[at:])
        if dash and depth == 0:
            return item[:at].strip(), item[at + dash.end():].strip()
    return item.strip(), ""


def _numbers(text: str) -> list[int]:
    numbers: list[int] = []
    text = text.replace("\\ ", " ")
    for part in re.split(r"\s?(?:,\s?(?:and\s)?|\sand\s|\s&\s|\sund\s|\sor\s)\s?", text):
        ends = [int(n) for n in re.split(r"\s?[-–]\s?", part.replace("\\ ", " ")) if n.isdigit()]
        if len(ends) == 2 and ends[0] < ends[1] <= ends[0] + 50:
            numbers += range(ends[0], ends[1] + 1)
        else:
            numbers += ends
    return numbers


def _unescaped(text: str) -> str:
    """Markdown as the text it shows: links as their text, marks and escapes gone."""
    text = re.sub(r"(?<!\\)\[(.*?)(?<!\\)\]\([^)]*\)", r"\1", text)
    return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)(?:\*+|\^|~)", "", text))


def _author(name: str) -> dict:
    """'Wade Hedegard, MD' and 'M. Castellanos MD' -> name and degrees. German titles stay
    before the name ('PD Dr. med. Anna Weber'), where German readers expect them."""
    head, _, tail = name.partition(",")
    degrees = [part.strip() for part in tail.split(",") if part.strip()]
    if degrees and all(DEGREES.match(part) for part in degrees):
        return {"name": head.strip(), "degrees": ", ".join(degrees)}
    trailing = _TRAILING_DEGREES.search(name)
    if trailing and trailing.start() > 0:
        return {"name": name[:trailing.start()].strip(), "degrees": trailing[0].strip()}
    return {"name": name}


_DEGREE_WORDS = r"(?:MD|PhD|DO|MBBS|MBChB|FRCR|FRCPC|FACR|MSc|MS|MPH|BSc|DMRD|MMed)"
_TRAILING_DEGREES = re.compile(rf"(?:\s+{_DEGREE_WORDS}\.?)+$")


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


def _date(text: str) -> date | None:
    digits = re.sub(r"\D", "", text)
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
