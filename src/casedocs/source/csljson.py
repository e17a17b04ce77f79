"""Reading a CSL-JSON reference file (what Zotero, EndNote and Mendeley export).

Items become plain dicts in the case format's reference shape, so they are validated by the
same `Reference` model as references written in the case file.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from casedocs.errors import Report
from casedocs.source.named_files import REFERENCES, Refused, read_checked

TYPES = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "book": "book",
    "chapter": "chapter",
    "entry-encyclopedia": "chapter",
    "webpage": "web",
    "post-weblog": "web",
    "post": "web",
}
SIMPLE_FIELDS = {
    "title": "title",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "DOI": "doi",
    "PMID": "pmid",
    "URL": "url",
    "publisher": "publisher",
    "publisher-place": "place",
    "edition": "edition",
}
CONTAINER_FIELD = {"article": "journal", "chapter": "book", "web": "website"}


def read_csl_json(path: Path, shown: str) -> tuple[list[dict[str, Any]], list[Report]]:
    """The file's items as reference dicts, and what is wrong with the file itself."""
    try:
        items = json.loads(read_checked(path, REFERENCES).decode("utf-8"))
    except Refused as refused:
        return [], [Report(shown, None, "", refused.reason)]
    except UnicodeDecodeError:
        return [], [Report(shown, None, "", "not UTF-8 text; export the file as UTF-8")]
    except json.JSONDecodeError as error:
        return [], [
            Report(shown, error.lineno, "", f"not valid JSON: {error.msg} (column {error.colno})")
        ]
    if isinstance(items, dict) and "items" in items:
        items = items["items"]
    if not isinstance(items, list):
        return [], [Report(shown, None, "", "a CSL-JSON file holds a list of items")]
    references, problems = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            problems.append(Report(shown, None, f"[{index}]", "an item needs an id"))
            continue
        try:
            references.append(_reference(item))
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
            problems.append(
                Report(
                    shown,
                    item_line(path, str(item["id"])),
                    f"[{item['id']}]",
                    f"cannot read this item: {error} (check its names and dates)",
                )
            )
    return references, problems


def item_line(path: Path, key: str) -> int | None:
    """The line of the item whose id (or Better BibTeX key) is `key`, for error reports."""
    pattern = rf'"(?:id|citation-key|citationKey)"\s*:\s*"{re.escape(key)}"'
    try:
        text = read_checked(path, REFERENCES).decode("utf-8", errors="replace")
    except Refused:
        return None
    match = re.search(pattern, text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _reference(item: dict[str, Any]) -> dict[str, Any]:
    kind = TYPES.get(str(item.get("type", "")), "article")
    # Better BibTeX exports the key authors cite with; Zotero's own ids are URLs.
    key = item.get("citation-key") or item.get("citationKey") or item["id"]
    reference: dict[str, Any] = {"id": str(key), "type": kind}
    for source, target in SIMPLE_FIELDS.items():
        if item.get(source) not in (None, ""):
            reference[target] = str(item[source]).replace("\u2013", "-")
    # Medical references cite journals by their abbreviation (AJR Am J Roentgenol).
    container = item.get("container-title-short") if kind == "article" else None
    container = container or item.get("journalAbbreviation") if kind == "article" else container
    container = container or item.get("container-title")
    if container and kind in CONTAINER_FIELD:
        reference[CONTAINER_FIELD[kind]] = str(container)
    reference["authors"] = [_name(person) for person in item.get("author", [])]
    if item.get("editor"):
        reference["editors"] = [_name(person) for person in item["editor"]]
    issued = _date_parts(item.get("issued"))
    if issued:
        reference["year"] = issued[0]
        if len(issued) > 1 and kind == "article":
            reference["month"] = calendar.month_name[issued[1]]
        if kind == "web" and len(issued) == 3:
            reference["published"] = date(*issued)
    updated = _date_parts(item.get("updated"))
    if updated and len(updated) == 3:
        reference["updated"] = date(*updated)
    accessed = _date_parts(item.get("accessed"))
    if accessed and len(accessed) == 3:
        reference["accessed"] = date(*accessed)
    return reference


def _name(person: dict[str, Any]) -> str:
    """CSL {family: Gumbs, given: Rudolph V.} -> "Gumbs RV", as medical references print."""
    if "literal" in person:
        return str(person["literal"])
    initials = "".join(
        part[0].upper() for part in re.split(r"[\s.\-]+", person.get("given", "")) if part
    )
    return f"{person.get('family', '')} {initials}".strip()


def _date_parts(value: Any) -> list[int] | None:
    try:
        parts = [int(part) for part in value["date-parts"][0]]
    except (TypeError, KeyError, IndexError, ValueError):
        return None
    return parts or None
