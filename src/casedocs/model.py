"""The case model: what a case file may say, validated strictly.

Key names are a contract that other tools rely on; add optional keys, never rename. Every model
forbids unknown keys, and scalar fields are strict (YAML 1.1 turns `no` into False and `010` into
8, so a value of the wrong type is an error that says what was expected, never a silent guess).
"""

from __future__ import annotations

import re
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import Problem

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
CITE_KEY_PATTERN = r"[A-Za-z0-9_]+(?:[:.\-][A-Za-z0-9_]+)*"  # Zotero / Better BibTeX keys

Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[StrictStr, StringConstraints(pattern=f"^{SLUG_PATTERN}$")]
CiteKey = Annotated[StrictStr, StringConstraints(pattern=f"^{CITE_KEY_PATTERN}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Author(Strict):
    name: Text
    degrees: Text | None = None
    affiliation: Text | None = None


class Figure(Strict):
    id: Slug
    file: Path
    caption: Text
    view: Text | None = Field(None, description="Neutral label for unknown slides")
    alt: Text | None = Field(None, description="Alt text: what the image is, never the finding")
    credit: Text | None = None

    @field_validator("file", mode="before")
    @classmethod
    def _resolve_file(cls, value: Any, info: ValidationInfo) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("expected a file path (text)")
        base = (info.context or {}).get("base_dir", Path.cwd())
        path = (Path(base) / value).resolve()
        if not path.is_file():
            raise ValueError(f"no such file '{value}'")
        return path


class Finding(Strict):
    text: Text
    figures: list[Slug] = []

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class DifferentialItem(Strict):
    name: Text
    note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Reference(Strict):
    id: CiteKey
    type: Literal["article"] = "article"
    authors: list[Text] = []
    title: Text
    journal: Text
    year: StrictInt
    volume: Text | None = None
    issue: Text | None = None
    month: Text | None = None
    pages: Text | None = None
    pmid: Annotated[StrictStr, StringConstraints(pattern=r"^\d{1,9}$")] | None = None
    doi: Annotated[StrictStr, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    url: Annotated[StrictStr, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Case(Strict):
    id: Slug
    series: Text | None = None
    number: StrictInt | None = None
    title: Text
    authors: list[Author] = []
    institution: Text | None = None
    copyright: Text | None = None
    published: date | None = None
    keywords: list[Text] = []
    history: Text
    figures: list[Figure] = []
    findings: list[Finding] = []
    diagnosis: Text
    differential: list[DifferentialItem] = []
    discussion: Text | None = None
    teaching_points: list[Text] = []
    management: Text | None = None
    references: list[Reference] = []

    @property
    def label(self) -> str:
        """The neutral label used wherever the answer must not show: "IS Case 4"."""
        if self.series and self.number is not None:
            return f"{self.series} {self.number}"
        if self.series:
            return self.series
        return f"Case {self.number}" if self.number is not None else "Unknown case"


def check_case(case: Case) -> list[Problem]:
    """Rules that span several fields: unique ids, known figure ids, a neutral case id."""
    problems = _duplicate_ids("figures", [f.id for f in case.figures])
    problems += _duplicate_ids("references", [r.id for r in case.references])
    known = {figure.id for figure in case.figures}
    for i, finding in enumerate(case.findings):
        for j, figure_id in enumerate(finding.figures):
            if figure_id not in known:
                problems.append(
                    Problem(("findings", i, "figures", j), f"no figure with id '{figure_id}'")
                )
    problems += _revealing_id_words(case)
    problems += _revealing_figure_labels(case)
    return problems


def _duplicate_ids(field: str, ids: list[str]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(Problem((field, i, "id"), f"duplicate id '{item_id}'"))
        seen.add(item_id)
    return problems


def _words(text: str) -> set[str]:
    # Words under three letters ("is", "of", "4") say nothing about the answer.
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) >= 3}


def _revealing_id_words(case: Case) -> list[Problem]:
    shared = _words(case.id) & (_words(case.title) | _words(case.diagnosis))
    if not shared:
        return []
    return [
        Problem(
            ("id",),
            f"the id names output files that residents see before the answer; "
            f"it must not contain '{sorted(shared)[0]}' from the title or diagnosis",
        )
    ]


def answer_terms(case: Case) -> list[tuple[str, str]]:
    """(field, text) pairs that give the answer away, less any the history itself says."""
    terms = [("title", case.title), ("diagnosis", case.diagnosis)]
    terms += [("keywords", keyword) for keyword in case.keywords]
    history = _folded(case.history)
    return [(field, text) for field, text in terms if _folded(text) not in history]


def _folded(text: str) -> str:
    return " ".join(re.split(r"\W+", text.casefold())).strip()


def _revealing_figure_labels(case: Case) -> list[Problem]:
    """`view` and `alt` are shown on the unknown slides: they must not name the answer."""
    problems = []
    terms = answer_terms(case)
    for i, figure in enumerate(case.figures):
        for field in ("view", "alt"):
            text = getattr(figure, field)
            for source, term in terms:
                if text and f" {_folded(term)} " in f" {_folded(text)} ":
                    problems.append(
                        Problem(
                            ("figures", i, field),
                            f"shown before the answer, but names the {source} ('{term}')",
                        )
                    )
                    break
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
    return list(current.model_fields) if _is_model(current) else []


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
