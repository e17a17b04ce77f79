"""Conference documents: several cases shown together, labelled "Case 1" to "Case n"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from casedocs.document.document import Document
from casedocs.figures import SourceImage


@dataclass(frozen=True)
class ConferenceDocument:
    """A conference ready to render: its cases relabelled in presentation order."""

    id: str
    title: str
    date: date | None
    presenter: str | None
    order: str
    duplex: bool
    template: Path | None
    layouts: dict[str, str]
    logo: SourceImage | None
    documents: tuple[Document, ...]
    fingerprint: str
    language: str = "en"  # of the wording renderers add; its cases are loaded in it too
    id_line: int | None = None

    @property
    def label(self) -> str:
        return self.title


Publication = Document | ConferenceDocument  # what one output is made from
