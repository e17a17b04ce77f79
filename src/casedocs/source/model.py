"""The case model: what a case file may say, validated strictly.

Key names are a contract that other tools rely on; add optional keys, never rename. Every model
forbids unknown keys, and scalar fields are strict (YAML 1.1 turns `no` into False and `010` into
8, so a value of the wrong type is an error that says what was expected, never a silent guess).
"""

from __future__ import annotations

import re
import typing
import unicodedata
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from casedocs.errors import Problem, did_you_mean
from casedocs.source.named_files import (
    IMAGE,
    REFERENCES,
    TEMPLATE,
    Limit,
    Refused,
    check_file,
    resolved,
)
from casedocs.wording import LANGUAGES, words

Date = date
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# A case's or conference's id names its output files: ID-unknown.pptx, their temporary files
# (.ID-unknown.pptx.1a2b3c4d.tmp) and stamps (slides-ID-unknown.pptx.json) must stay well
# inside the 255 bytes a file system allows a name.
MAX_ID_LENGTH = 80
CITE_KEY_PATTERN = r"[A-Za-z0-9_]+(?:[:.\-][A-Za-z0-9_]+)*"  # Zotero / Better BibTeX keys


# XML 1.0, and so every PPTX, forbids these; reportlab would draw them as boxes.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _composed(text: str) -> str:
    """NFC ("é" typed as e + combining accent prints, and is matched, as one character), and
    no control characters."""
    bad = _UNPRINTABLE.search(text)
    if bad:
        raise ValueError(
            f"contains the control character U+{ord(bad.group()):04X} (at character "
            f"{bad.start() + 1}), which no handout or deck can hold; remove it"
        )
    return unicodedata.normalize("NFC", text)


# The starter `casedocs new` writes marks what the author must write as "TODO: ...".
_PLACEHOLDER = re.compile(r"\s*TODO\b")


def placeholder_message(expected: str = "the case's own text") -> str:
    return f"still the starter's placeholder; write {expected}"


def is_placeholder(value: object) -> bool:
    """A value still as the starter wrote it: text starting with TODO."""
    return isinstance(value, str) and _PLACEHOLDER.match(value) is not None


def _written(text: str) -> str:
    """Text the author wrote, not the starter's placeholder."""
    if is_placeholder(text):
        raise ValueError(placeholder_message())
    return text


Text = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_composed),
    AfterValidator(_written),
]
Slug = Annotated[StrictStr, StringConstraints(pattern=f"^{SLUG_PATTERN}$")]


def id_length_problem(value: str) -> str | None:
    """What is wrong with an id too long to name files by; None when it is short enough."""
    if len(value) <= MAX_ID_LENGTH:
        return None
    return (
        f"is {len(value)} characters long; an id may have at most {MAX_ID_LENGTH} "
        "(it names the output files)"
    )


def _short_enough(value: str) -> str:
    problem = id_length_problem(value)
    if problem:
        raise ValueError(problem)
    return value


OutputId = Annotated[
    Slug, AfterValidator(_short_enough), Field(json_schema_extra={"maxLength": MAX_ID_LENGTH})
]
CiteKey = Annotated[StrictStr, StringConstraints(pattern=f"^{CITE_KEY_PATTERN}$")]


Fraction = Annotated[StrictFloat, Field(ge=0, le=1)]
Point = tuple[Fraction, Fraction]  # x, y as fractions of the image's width and height
Box = tuple[Fraction, Fraction, Fraction, Fraction]  # left, top, right, bottom
SLIDE_ROLES = (
    "title",
    "history",
    "figure",
    "prompt",
    "divider",
    "findings",
    "differential",
    "diagnosis",
    "discussion",
    "references",
)
WINDOWS = {  # name: (center, width) in Hounsfield units
    "lung": (-600.0, 1500.0),
    "mediastinum": (50.0, 350.0),
    "soft-tissue": (50.0, 400.0),
    "bone": (400.0, 1800.0),
    "brain": (40.0, 80.0),
}


MODALITIES = ("CR", "DX", "CT", "MR", "US", "NM", "PT", "MG", "XA", "RF")  # DICOM (0008,0060)
SUBSPECIALTIES = (
    "neuro",
    "head and neck",
    "chest",
    "cardiac",
    "breast",
    "abdomen",
    "GU",
    "MSK",
    "paediatrics",
    "nuclear medicine",
    "interventional",
    "emergency",
)
SPELLINGS = {"pediatrics": "paediatrics"}  # one subspecialty, however it is spelt


def _listed(value: Any) -> Any:
    """One value or a list of them: `modality: CT` or `modality: [CT, MR]`."""
    return [value] if isinstance(value, str) else value


# The JSON Schema (`casedocs schema`, for editors) says what a file may say: where a value may
# also be written in a shorter form, the schema accepts that form too.
def _one_or_a_list(schema: dict[str, Any]) -> None:
    """`modality: CT` as well as `modality: [CR, CT]`."""
    array = {key: schema.pop(key) for key in ("type", "items")}
    schema["anyOf"] = [array["items"], array]


def _or_plain_text(schema: dict[str, Any]) -> None:
    """A plain string as well as the mapping (`- Pneumonia` for `- name: Pneumonia`)."""
    mapping = dict(schema)
    schema.clear()
    schema.update(title=mapping.pop("title"), anyOf=[{"type": "string"}, mapping])


def _or_named_window(schema: dict[str, Any]) -> None:
    """`window: lung` as well as `window: [center, width]`."""
    schema["anyOf"].insert(0, {"enum": list(WINDOWS)})


def _window_value(value: Any) -> tuple[float, float]:
    """A window as written (a name, or [center, width]) as (center, width)."""
    if isinstance(value, str):
        if value not in WINDOWS:
            raise ValueError(
                f"unknown window '{value}' (known: {', '.join(WINDOWS)}, or [center, width])"
            )
        return WINDOWS[value]
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        if value[1] <= 0:
            raise ValueError("a window's width must be positive")
        return tuple(value)  # type: ignore[return-value]  (two numbers: checked above)
    raise ValueError(f"expected a window name ({', '.join(WINDOWS)}) or [center, width]")


def _or_named_windows(schema: dict[str, Any]) -> None:
    """`windows: [soft-tissue, lung]` as well as lists of [center, width]."""
    schema["items"] = {"anyOf": [{"enum": list(WINDOWS)}, schema["items"]]}


def _known(kind: str, known: tuple[str, ...], spellings: dict[str, str] | None = None):  # noqa: ANN202
    """A validator taking a value of a fixed list, written in any case, as the list spells it."""
    by_key = {item.casefold(): item for item in known}
    by_key |= {alias: by_key[item.casefold()] for alias, item in (spellings or {}).items()}

    def check(value: str) -> str:
        found = by_key.get(value.strip().casefold())
        if found is None:
            hint = did_you_mean(value, known) or did_you_mean(value.upper(), known)
            raise ValueError(f"unknown {kind} '{value}'{hint}; known: {', '.join(known)}")
        return found

    return AfterValidator(check)


def _closed(known: tuple[str, ...], spellings: dict[str, str] | None = None):  # noqa: ANN202
    """The schema of a value from a fixed list: the list itself for an editor to offer, and,
    since the validator takes any case and other spellings, those too (a pattern that
    ignores case: JSON Schema has no flag for it)."""
    written = [*known, *(spellings or {})]
    any_case = "|".join(
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in value)
        for value in written
    )

    def schema(json: dict[str, Any]) -> None:
        json.clear()
        json["anyOf"] = [{"enum": list(known)},
                         {"type": "string", "pattern": f"^\\s*(?:{any_case})\\s*$"}]

    return Field(json_schema_extra=schema)


Modality = Annotated[StrictStr, _known("modality", MODALITIES), _closed(MODALITIES)]
Subspecialty = Annotated[
    StrictStr,
    _known("subspecialty", SUBSPECIALTIES, SPELLINGS),
    _closed(SUBSPECIALTIES, SPELLINGS),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Annotation(Strict):
    """One mark drawn over an answer image: an arrow, a circle or a text label."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    arrow: Point | None = Field(None, description="Where the arrow points (its tip)")
    from_: Point | None = Field(None, alias="from", description="Where the arrow's tail is")
    circle: Point | None = Field(None, description="The circle's centre")
    radius: Annotated[StrictFloat, Field(gt=0, le=0.5)] | None = Field(
        None, description="Circle radius, as a fraction of the image's shorter side"
    )
    label: Text | None = Field(None, description='Text drawn on the image: "A", "mass"')
    at: Point | None = Field(None, description="Where the label's text starts")

    @model_validator(mode="after")
    def _one_kind(self) -> Annotation:
        kinds = [k for k in ("arrow", "circle", "label") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an annotation is exactly one of arrow:, circle: or label:")
        companions = {"arrow": {"from_"}, "circle": {"radius"}, "label": {"at"}}[kinds[0]]
        stray = [
            n
            for n in ("from_", "radius", "at")
            if getattr(self, n) is not None and n not in companions
        ]
        if stray:
            raise ValueError(f"'{stray[0].rstrip('_')}' does not go with {kinds[0]}:")
        if kinds[0] == "label" and self.at is None:
            raise ValueError("a label needs at: [x, y]")
        return self

    @property
    def kind(self) -> str:
        return "arrow" if self.arrow else "circle" if self.circle else "label"


class Author(Strict):
    name: Text = Field(description="As printed in the byline", examples=["Jane Doe"])
    degrees: Text | None = Field(None, description="After the name", examples=["MD, PhD"])
    affiliation: Text | None = Field(None, description="Where the author works",
                                     examples=["University Hospital"])


class Figure(Strict):
    id: Slug = Field(description="A name for the figure, to cite it as [fig:ID] and list it "
                     "in a finding's figures: (lowercase letters, digits, hyphens)",
                     examples=["cxr", "ct-axial"])
    file: Path | None = Field(None, description="The image, relative to this file: PNG, "
                              "JPEG, TIFF or DICOM (or stack: for a series)",
                              examples=["images/cxr.png"])
    stack: Path | None = Field(
        None, description="A series to scroll through, instead of file: a folder of the DICOM "
        "files of one series, a multi-frame DICOM file, or a folder of numbered PNG or JPEG "
        "images; DICOM slices are put in order by their position",
        examples=["images/ct-axial/"],
    )
    key: PositiveInt | None = Field(
        None, description="With stack: the slice shown in print and first on screen, counting "
        "from 1 in display order (default: the middle one)", examples=[41],
    )
    strip: int | None = Field(
        None, ge=2, le=12, description="With stack: the handout and worksheet also print this "
        "many evenly spaced slices in a row under the key slice", examples=[5],
    )
    slices: tuple[PositiveInt, PositiveInt] | None = Field(
        None, description="With stack: the first and last slice shown, counting from 1 in "
        "display order (default: all)", examples=[[20, 60]],
    )
    caption: Text = Field(description="Shown with the answer (handout, answer slides): say "
                          "what the image shows, findings and all",
                          examples=["Frontal chest radiograph shows a right paraspinal mass."])
    view: Text | None = Field(None, description="Neutral label for unknown slides")
    alt: Text | None = Field(None, description="Alt text: what the image is, never the finding")
    notes: Text | None = Field(
        None, description="Speaker notes for the unknown slide of this figure (shown before "
        "the answer, so checked like view and alt)"
    )
    credit: Text | None = Field(None, description="Where the image comes from, printed under "
                                "its caption", examples=["Courtesy of Dr. A. Smith"])
    frame: PositiveInt | None = Field(None, description="DICOM frame, counting from 1")
    window: tuple[float, float] | None = Field(
        None,
        description=f"DICOM window: {', '.join(WINDOWS)}, or [center, width]",
        json_schema_extra=_or_named_window,
    )
    windows: list[tuple[float, float]] = Field(
        [], description="With stack: window presets the site's viewer switches between "
        f"({', '.join(WINDOWS)}, or [center, width]); the first is the one in print and in "
        "the deck unless window: names another",
        examples=[["soft-tissue", "lung", "bone"]],
        json_schema_extra=_or_named_windows,
    )
    crop: Box | None = Field(None, description="left, top, right, bottom; fractions")
    redact: list[Box] = Field([], description="Boxes painted black, fractions of the source")
    annotations: list[Annotation] = Field([], description="Arrows, circles and labels drawn on "
                                          "the answer views only; positions as fractions")
    phi_reviewed: StrictBool = Field(
        False, description="A person checked the pixels for burned-in patient data"
    )
    answer_only: StrictBool = Field(
        False, description="Shown with the answer only, never before it: an image that is "
        "itself annotated (as other teaching-file systems keep them)"
    )

    @field_validator("window", mode="before")
    @classmethod
    def _named_window(cls, value: Any) -> Any:
        return _window_value(value)

    @field_validator("windows", mode="before")
    @classmethod
    def _named_windows(cls, value: Any) -> Any:
        if not isinstance(value, list):
            raise ValueError("expected a list of windows, such as [soft-tissue, lung]")
        return [_window_value(each) for each in value]

    @field_validator("crop")
    @classmethod
    def _ordered_crop(cls, value: Box | None) -> Box | None:
        if value is not None:
            _check_box(value)
        return value

    @field_validator("redact")
    @classmethod
    def _ordered_redactions(cls, value: list[Box]) -> list[Box]:
        for box in value:
            _check_box(box)
        return value

    @field_validator("file", mode="before")
    @classmethod
    def _resolve_file(cls, value: Any, info: ValidationInfo) -> Path:
        return _existing_file(value, info, IMAGE)

    @field_validator("stack", mode="before")
    @classmethod
    def _resolve_stack(cls, value: Any, info: ValidationInfo) -> Path:
        if isinstance(value, str) and value.strip():
            path = resolved(_base_dir(info), value)
            if path.is_dir():
                return path
        return _existing_file(value, info, IMAGE)

    @field_validator("slices")
    @classmethod
    def _ordered_slices(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError("slices is [first, last], with first <= last")
        return value

    @model_validator(mode="after")
    def _file_or_stack(self) -> Figure:
        if (self.file is None) == (self.stack is None):
            raise ValueError("a figure has file: (one image) or stack: (a series), not "
                             + ("both" if self.file else "neither"))
        stray = [name for name in ("key", "slices", "windows", "strip") if getattr(self, name)]
        if self.stack is None and stray:
            raise ValueError(f"'{stray[0]}' goes with stack:, not file:")
        if self.stack is not None and self.frame is not None:
            raise ValueError("'frame' goes with file:; a stack's slice is chosen with key:")
        if self.key is not None and self.slices and not (
            self.slices[0] <= self.key <= self.slices[1]
        ):
            raise ValueError(f"key {self.key} is outside slices {list(self.slices)}")
        return self

    @property
    def image(self) -> Path:
        """The image file, or the stack's file or folder."""
        return self.file or self.stack  # type: ignore[return-value]  (one is set: above)


def _existing_file(value: Any, info: ValidationInfo, limit: Limit) -> Path:
    """A path written relative to the case file: a regular file within `limit`."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a file path (text)")
    path = resolved(_base_dir(info), value)
    try:
        check_file(path, limit)
    except Refused as refused:
        raise ValueError(refused.naming(value)) from None
    return path


def _base_dir(info: ValidationInfo) -> Path:
    """The folder of the file being validated, which the paths in it are relative to."""
    return Path((info.context or {}).get("base_dir", Path.cwd()))


def _check_box(box: Box) -> None:
    left, top, right, bottom = box
    if left >= right or top >= bottom:
        raise ValueError("a box is [left, top, right, bottom] with left < right and top < bottom")


class Finding(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_or_plain_text)

    text: Text = Field(description="One finding; cite figures as [fig:ID]")
    figures: list[Slug] = Field([], description="The figures shown beside it (their ids)")
    notes: Text | None = Field(None, description="Speaker notes for this finding's slide")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class DifferentialItem(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_or_plain_text)

    name: Text = Field(description="A diagnosis considered; the one that is the diagnosis "
                       "is marked as such on its own")
    note: Text | None = Field(None, description="Why it is, or is not, likely")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


REQUIRED_BY_TYPE = {
    "article": ("journal", "year"),
    "book": ("publisher", "year"),
    "chapter": ("book", "publisher", "year"),
    "web": ("url", "accessed"),
    "text": (),  # the whole reference written out in `title`, printed as it is
}


class Reference(Strict):
    """A work in the reference list; `type` says which fields it needs."""

    id: CiteKey = Field(description="The key to cite it by: [@ID] in the text",
                        examples=["gumbs1987"])
    type: Literal["article", "book", "chapter", "web", "text"] = Field(
        "article", description="article, book, chapter, web, or text: the whole reference "
        "written out in title (as an import keeps one it could not take apart)"
    )
    authors: list[Text] = Field([], description='"Surname Initials", as printed: "Gumbs RV"')
    title: Text = Field(description="The work's title (for type text: the whole reference)")
    journal: Text | None = Field(None, description="Journal abbreviation, as in PubMed",
                                 examples=["AJR Am J Roentgenol"])
    year: StrictInt | None = Field(None, description="Year of publication", examples=[1987])
    volume: Text | None = Field(None, description="Journal volume", examples=["149"])
    issue: Text | None = Field(None, description="Journal issue", examples=["5"])
    month: Text | None = Field(None, description="Month of the issue", examples=["Nov"])
    pages: Text | None = Field(None, description="First and last page", examples=["889-893"])
    editors: list[Text] = Field([], description="Book editors (chapters)")
    book: Text | None = Field(None, description="Title of the book a chapter is in")
    edition: Text | None = Field(None, description='"3rd"')
    publisher: Text | None = Field(None, description="Books and chapters")
    place: Text | None = Field(None, description="Publisher's city (Vancouver style)")
    website: Text | None = Field(None, description="Name of the website (web pages)")
    published: date | None = Field(None, description="Date a web page was published")
    updated: date | None = Field(None, description="Date a web page was last updated")
    accessed: date | None = Field(None, description="Date a web page was read")
    pmid: Annotated[StrictStr, StringConstraints(pattern=r"^\d{1,9}$")] | None = Field(
        None, description="PubMed id, digits only (the handout links it)", examples=["3499979"])
    doi: Annotated[StrictStr, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = Field(
        None, description="Without https://doi.org/", examples=["10.2214/ajr.149.5.889"])
    url: Annotated[StrictStr, StringConstraints(pattern=r"^https?://\S+$")] | None = Field(
        None, description="Web pages: the address read")

    @model_validator(mode="after")
    def _fields_of_its_type(self) -> Reference:
        missing = [name for name in REQUIRED_BY_TYPE[self.type] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a reference of type {self.type} needs {', '.join(missing)}")
        return self


class DeckOptions(Strict):
    """How the deck presents a case."""

    discussion: Literal["default", "slides", "notes"] = Field(
        "default",
        description="default: the teaching points on slides, the discussion in their notes "
        "(without teaching points, two slides at most and the rest in their notes); slides: "
        "all of it on slides, then the teaching points; notes: all of it in the diagnosis "
        "slide's notes",
    )


class Branded(Strict):
    """What cases and conferences both say about their look: template, layouts, logo, and the
    language of the wording casedocs adds (headings, prompts, labels)."""

    language: Literal[LANGUAGES] = Field(  # type: ignore[valid-type]
        "en", description="Language of headings, prompts and labels: " + ", ".join(LANGUAGES)
    )
    template: Path | None = Field(None, description="A .pptx or .potx the deck is built on")
    layouts: dict[str, StrictStr] = Field(
        {}, description="Slide role -> layout name in the template (title, history, ...)"
    )
    deck: DeckOptions = Field(DeckOptions(), description="How the deck presents it: deck: "
                              "{discussion: default | slides | notes}")
    logo: Path | None = Field(None, description="An image for the handout header and title slide")

    @field_validator("template", mode="before")
    @classmethod
    def _resolve_template(cls, value: Any, info: ValidationInfo) -> Path | None:
        return None if value is None else _existing_file(value, info, TEMPLATE)

    @field_validator("logo", mode="before")
    @classmethod
    def _resolve_logo(cls, value: Any, info: ValidationInfo) -> Path | None:
        return None if value is None else _existing_file(value, info, IMAGE)

    @field_validator("layouts")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        return check_roles(value)


class Case(Branded):
    id: OutputId = Field(description="Names the output files (ID.pdf, ID.pptx): lowercase "
                         "letters, digits and hyphens, never a word of the diagnosis",
                         examples=["chest-07"])
    series: Text | None = Field(None, description="The teaching file's series; with number, "
                                "the case's neutral label (\"IS Case 4\")", examples=["IS Case"])
    number: Annotated[StrictInt, Field(ge=0, le=99999)] | None = Field(
        None, description="The case's number in its series", examples=[4])
    title: Text = Field(description="The case's title; it is answer (shown only after the "
                        "unknown part)", examples=["Extramedullary hematopoiesis"])
    authors: list[Author] = Field([], description="Who wrote the case, in byline order")
    institution: Text | None = Field(None, description="Shown under the byline (casedocs.toml "
                                     "may give one for every case)")
    copyright: Text | None = Field(None, description="Printed in the handout's footer",
                                   examples=["2026 University Hospital"])
    published: date | None = Field(None, description="YYYY-MM-DD", examples=["2009-05-18"])
    keywords: list[Text] = Field([], description="For the site's search and the PDF's "
                                 "properties; answer (never on unknown slides)")
    modality: list[Modality] = Field(
        [],
        description="DICOM modality codes (" + ", ".join(MODALITIES) + "); when not given, "
        "read from the DICOM figures' headers",
        json_schema_extra=_one_or_a_list,
    )
    anatomy: list[Text] = Field(
        [],
        description='Body parts shown: "liver", "posterior fossa"',
        json_schema_extra=_one_or_a_list,
    )
    subspecialty: list[Subspecialty] = Field(
        [], description=", ".join(SUBSPECIALTIES), json_schema_extra=_one_or_a_list
    )
    difficulty: Annotated[StrictInt, Field(ge=1, le=3)] | None = Field(
        None, description="1 (a first-year resident) to 3 (a fellow)"
    )
    history: Text = Field(description="What the audience is told before the answer: age, sex, "
                          "symptoms; must not name the diagnosis")
    history_names_answer: StrictBool = Field(
        False,
        description="The history names the diagnosis on purpose (a known disease, a follow-up): "
        "shown before the answer anyway",
    )
    figures: list[Figure] = Field([], description="The images, in the order they are shown; "
                                  "numbered Fig. 1, 2, ... in that order")
    findings: list[Finding] = Field([], description="What the images show, one item a "
                                    "finding, each with the figures it is seen on")
    diagnosis: Text = Field(description="The answer", examples=["Extramedullary hematopoiesis"])
    differential: list[DifferentialItem] = Field(
        [], description="Diagnoses considered, each with an optional note; the diagnosis among "
        "them is marked")
    discussion: Text | None = Field(None, description="Markdown paragraphs, lists and tables; "
                                    "cite references as [@KEY] and figures as [fig:ID]")
    teaching_points: list[Text] = Field([], description="Short points to take home, one a "
                                        "line; the deck shows them (six a slide at most)")
    management: Text | None = Field(None, description="What happens next: treatment, "
                                    "follow-up, further imaging")
    references: list[Reference] = Field([], description="Works cited as [@ID]; numbered in "
                                        "order of first citation")
    references_file: Path | None = Field(
        None, description="A CSL-JSON file (Zotero, EndNote export); its items join references"
    )
    citation_style: Literal["ama", "vancouver"] = Field(
        "ama", description="How references are printed: ama (AMA Manual of Style) or vancouver")
    notes: Text | None = Field(
        None, description="Speaker notes for the start of the answer (presenter only)"
    )

    @field_validator("modality", "anatomy", "subspecialty", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return _listed(value)

    @field_validator("references_file", mode="before")
    @classmethod
    def _resolve_references_file(cls, value: Any, info: ValidationInfo) -> Path | None:
        return None if value is None else _existing_file(value, info, REFERENCES)

    @property
    def label(self) -> str:
        """The neutral label used wherever the answer must not show: "IS Case 4"."""
        if self.series and self.number is not None:
            return f"{self.series} {self.number}"
        if self.series:
            return self.series
        label = words(self.language)
        if self.number is not None:
            return label("case", number=self.number)
        # Its id (checked to hold no word of the answer): every case reads apart, where
        # "Unknown case" on every slide, footer and card read the same.
        return label("case", number=self.id.removeprefix("case-"))


class Conference(Branded):
    """A conference file: several cases shown together (the file with a `cases:` key)."""

    id: OutputId
    title: Text
    date: Date | None = None  # "Date": a field named date hides the type in this class
    presenter: Text | None = None
    order: Literal["unknowns-first", "case-by-case"] = "unknowns-first"
    cases: list[Path] = Field(min_length=1, description="Case files, relative to this file")
    duplex: StrictBool = Field(False, description="Each case starts on a right-hand page")

    @field_validator("cases", mode="before")
    @classmethod
    def _resolve_cases(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, list):
            return value
        base = _base_dir(info)
        return [resolved(base, item) if isinstance(item, str) else item for item in value]


def check_roles(layouts: dict[str, str]) -> dict[str, str]:
    """`layouts:` keys must be slide roles."""
    for role in layouts:
        if role not in SLIDE_ROLES:
            hint = did_you_mean(role, SLIDE_ROLES)
            raise ValueError(f"unknown slide role '{role}'{hint}; roles: {', '.join(SLIDE_ROLES)}")
    return layouts


def check_case(case: Case) -> list[Problem]:
    """Rules that span several fields: unique ids, known figure ids."""
    problems = _duplicate_ids("figures", [f.id for f in case.figures])
    problems += _duplicate_ids("references", [r.id for r in case.references])
    known = {figure.id for figure in case.figures}
    for i, finding in enumerate(case.findings):
        for j, figure_id in enumerate(finding.figures):
            if figure_id not in known:
                hint = did_you_mean(figure_id, known)
                problems.append(
                    Problem(
                        ("findings", i, "figures", j), f"no figure with id '{figure_id}'{hint}"
                    )
                )
    return problems


def _duplicate_ids(field: str, ids: list[str]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(Problem((field, i, "id"), f"duplicate id '{item_id}'"))
        seen.add(item_id)
    return problems


def model_fields_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The field names of the model found at `path` inside `model` (for did-you-mean hints)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _innermost_model(field.annotation)
    if not _is_model(current):
        return []
    return [field.alias or name for name, field in current.model_fields.items()]


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _innermost_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _innermost_model(arg)
        if found is not None:
            return found
    return None
