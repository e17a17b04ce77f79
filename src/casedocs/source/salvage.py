"""The rest of a case file, read past its schema errors, so one run reports every problem.

When pydantic refuses a case, each refused value is set aside and the case is validated again:
an optional value is dropped, a required one gets a stand-in, a broken list item is replaced
by a stand-in of its kind (keeping its id, so citations and figure references still resolve).
The case that results is checked for everything else (citations, figure references, the
answer check) but never rendered; problems inside what was set aside are already reported.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from casedocs.errors import FieldPath

MAX_ROUNDS = 6  # each round sets aside what the last one refused; cases need one or two
STAND_IN_TEXT = "\u2026"
_ITEM_STAND_INS: dict[str, Callable[[Any, str], Any]] = {
    "figures": lambda item, file: {
        "id": _id_of(item, "figure"),
        "file": file,
        "caption": STAND_IN_TEXT,
    },
    "references": lambda item, file: {
        "id": _id_of(item, "reference"),
        "title": STAND_IN_TEXT,
        "journal": STAND_IN_TEXT,
        "year": 1,
    },
    "findings": lambda item, file: STAND_IN_TEXT,
    "differential": lambda item, file: STAND_IN_TEXT,
    "keywords": lambda item, file: STAND_IN_TEXT,
    "teaching_points": lambda item, file: STAND_IN_TEXT,
    "editors": lambda item, file: STAND_IN_TEXT,
    "authors": lambda item, file: {"name": STAND_IN_TEXT},
    "annotations": lambda item, file: {"label": STAND_IN_TEXT, "at": [0.0, 0.0]},
}
_REQUIRED_STAND_INS = {"title", "history", "diagnosis", "caption", "name", "text", "id", "file"}


def salvage(
    model: type[BaseModel],
    data: Any,
    error: ValidationError,
    context: dict[str, Any],
    existing_file: str,
) -> tuple[BaseModel | None, frozenset[FieldPath]]:
    """`data` validated with every refused value set aside, and the paths set aside; None when
    even that fails. `existing_file` stands in for a file path that could not be read."""
    data = copy.deepcopy(data)
    set_aside: set[FieldPath] = set()
    ids = (f"unreadable-{n}" for n in itertools.count(1))
    details = error.errors(include_url=False)
    for _ in range(MAX_ROUNDS):
        for detail in details:
            path = _set_aside(data, tuple(detail["loc"]), detail["type"], existing_file, ids)
            if path is None:
                return None, frozenset(set_aside)
            set_aside.add(path)
        try:
            return model.model_validate(data, context=context), frozenset(set_aside)
        except ValidationError as again:
            details = again.errors(include_url=False)
    return None, frozenset(set_aside)


def is_set_aside(path: FieldPath, set_aside: frozenset[FieldPath]) -> bool:
    return any(path[: len(part)] == part for part in set_aside)


def _set_aside(
    data: Any, loc: FieldPath, kind: str, existing_file: str, ids: Any
) -> FieldPath | None:
    parent = _at(data, loc[:-1])
    if kind == "missing":
        if not isinstance(parent, dict) or loc[-1] not in _REQUIRED_STAND_INS:
            return None
        parent[loc[-1]] = {"id": next(ids), "file": existing_file}.get(str(loc[-1]), STAND_IN_TEXT)
        return loc
    if isinstance(loc[-1], int) and isinstance(parent, list) and len(loc) >= 2:
        stand_in = _ITEM_STAND_INS.get(str(loc[-2]))
        if stand_in is not None and loc[-1] < len(parent):
            parent[loc[-1]] = stand_in(parent[loc[-1]], existing_file)
            return loc
    for depth in range(len(loc) - 1, -1, -1):  # the innermost key that holds the bad value
        holder = _at(data, loc[:depth])
        if isinstance(holder, dict) and loc[depth] in holder:
            del holder[loc[depth]]
            return loc[: depth + 1]
    return None


def _at(data: Any, path: FieldPath) -> Any:
    for part in path:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and part < len(data)
        if not (in_dict or in_list):
            return None
        data = data[part]
    return data


def _id_of(item: Any, kind: str) -> str:
    """The item's own id when it has a usable one, so what cites it still resolves."""
    item_id = item.get("id") if isinstance(item, dict) else None
    return item_id if isinstance(item_id, str) and item_id else kind
