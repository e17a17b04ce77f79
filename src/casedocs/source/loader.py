"""Read a case file: YAML with line numbers, strict validation, every problem at once.

PyYAML's own loader silently keeps the last of two duplicate keys and forgets where each value
came from, so we compose the node tree ourselves, build plain Python data from it, and keep a map
from each field's path to its node. Pydantic then validates that data, and its error locations
are translated through the map into `file:line: field: message` reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from casedocs.errors import CaseError, FieldPath, Problem, Report, did_you_mean, file_error
from casedocs.source.csljson import item_line, read_csl_json
from casedocs.source.fastyaml import FAST_LOADER
from casedocs.source.model import (
    Case,
    Reference,
    is_placeholder,
    model_fields_at,
    placeholder_message,
)
from casedocs.source.named_files import CASE, Refused, display_path, read_checked
from casedocs.source.salvage import is_set_aside, salvage

MAX_DEPTH = 20  # a case nests four levels (figures, annotations, points); more is a mistake



@dataclass(frozen=True)
class SourceMap:
    """Where each field of a case file was written."""

    file: str
    text: str
    data: Any
    nodes: dict[FieldPath, yaml.Node]

    def line_of(self, path: FieldPath, needle: str | None = None) -> int | None:
        """1-based line of `path`, or of its nearest written ancestor (a missing field);
        with `needle`, the line where that text is written inside the field's value."""
        for depth in range(len(path), -1, -1):
            node = self.nodes.get(path[:depth])
            if node is not None:
                return self._needle_line(node, needle) or _node_line(node)
        return None

    def _needle_line(self, node: yaml.Node, needle: str | None) -> int | None:
        if not needle or not isinstance(node, yaml.ScalarNode):
            return None
        start, end = node.start_mark.index, node.end_mark.index
        found = self.text.find(needle, start, end)
        return self.text.count("\n", 0, found) + 1 if found >= 0 else None

    def label_of(self, path: FieldPath) -> str:
        return field_label(self.data, path)

    def report(self, problem: Problem) -> Report:
        return Report(
            file=self.file,
            line=self.line_of(problem.path, problem.needle),
            field=self.label_of(problem.path),
            message=problem.message,
            warning=problem.warning,
        )


def field_label(data: Any, path: FieldPath) -> str:
    """A field path as a user reads it: figures[cxr].file (list items by id when they have
    one in `data`), findings[2].text."""
    label = ""
    for part in path:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and part < len(data) else None
            name = item.get("id") if isinstance(item, dict) else None
            readable = isinstance(name, str) and not is_placeholder(name)
            label += f"[{name}]" if readable else f"[{part}]"
            data = item
        else:
            label += f".{part}" if label else part
            data = data.get(part) if isinstance(data, dict) else None
    return label


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    source: SourceMap
    set_aside: frozenset[FieldPath] = frozenset()  # unreadable parts, their problems reported
    file_references: int = 0  # the last references came from the references_file

    def readable(self, path: FieldPath) -> bool:
        """Whether the value at `path` was read as written (not set aside after an error)."""
        return not is_set_aside(path, self.set_aside)


def _node_line(node: yaml.Node) -> int:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        line += 1  # block scalars start on the line after their indicator
    return line


def read_yaml(path: Path) -> tuple[SourceMap, list[Report]]:
    """Parse `path` into plain data and its source map, with the problems found on the way
    (duplicate keys, aliases); raise CaseError when it cannot be read as YAML at all."""
    shown = display_path(path)
    text = _read_text(path, shown)
    loader = FAST_LOADER
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:  # PyYAML's own parser says where and what, in the words we expect
        loader = yaml.SafeLoader
        root = _compose_or_explain(text, shown)
    if root is None:
        raise file_error(shown, "the file is empty")
    builder = _DataBuilder(shown, _alias_lines(text, loader))
    data = builder.build(root, ())
    return SourceMap(shown, text, data, builder.nodes), builder.problems


def _compose_or_explain(text: str, shown: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise _yaml_syntax_error(shown, text, error) from None
    except RecursionError:
        raise file_error(shown, _TOO_DEEP, _deepest_line(text)) from None


def _alias_lines(text: str, loader: type) -> list[int]:
    """Lines of `*alias` uses (composed nodes only remember where their anchor was), by the
    parser that composed the text."""
    if "*" not in text:
        return []
    return [
        event.start_mark.line + 1
        for event in yaml.parse(text, Loader=loader)
        if isinstance(event, yaml.AliasEvent)
    ]


def _read_text(path: Path, shown: str) -> str:
    try:
        raw = read_checked(path, CASE)  # a cap keeps a hostile file from eating memory
    except Refused as refused:
        raise file_error(shown, refused.reason) from None
    try:
        # A byte-order mark is not text: libyaml's character offsets would count it, PyYAML's not.
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise file_error(
            shown,
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} at byte {error.start}); "
            "save the file as UTF-8",
            line,
        ) from None


_TOO_DEEP = f"values are nested more than {MAX_DEPTH} levels deep; a case file needs a few"


def _yaml_syntax_error(shown: str, text: str, error: yaml.YAMLError) -> CaseError:
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        message = (
            f"the control character U+{error.character:04X} at column {column} is not "
            "allowed in a case file; remove it"
        )
        return file_error(shown, message, line)
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return file_error(shown, f"YAML syntax error: {problem}")
    message = f"YAML syntax error at column {mark.column + 1}: {problem}"
    if _is_unquoted_colon(error, text, mark):
        message += (
            "; a text with ': ' in it must be quoted, e.g. caption: \"Axial CT: a mass\", "
            "or written as a block (caption: >-, then the text indented on the next line)"
        )
    return file_error(shown, message, mark.line + 1)


def _is_unquoted_colon(error: yaml.YAMLError, text: str, mark: yaml.Mark) -> bool:
    """PyYAML's "mapping values are not allowed here": a second ': ' on a plain text line."""
    lines = text.split("\n")  # not splitlines(): it also breaks at U+001C and the like
    line = lines[mark.line] if mark.line < len(lines) else ""
    value = line.split(": ", 1)[1] if ": " in line else ""
    return "mapping values are not allowed" in str(getattr(error, "problem", "")) and (
        ": " in value or value.endswith(":")
    )


def _deepest_line(text: str) -> int:
    """The line where brackets first nest too deeply (quoted text is not skipped: rough)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for char in line:
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_DEPTH:
                return number
    return 1


class _DataBuilder:
    """Turns composed YAML nodes into dicts, lists and scalars, recording each node's path."""

    def __init__(self, shown: str, alias_lines: list[int]):
        self.shown = shown
        self.alias_lines = iter(alias_lines)
        self.nodes: dict[FieldPath, yaml.Node] = {}
        self.problems: list[Report] = []
        self._seen: set[int] = set()
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        if len(path) > MAX_DEPTH:
            if not any(p.message == _TOO_DEEP for p in self.problems):
                self._problem(node, path[:2], _TOO_DEEP)
            return None
        if id(node) in self._seen:
            line = next(self.alias_lines, node.start_mark.line + 1)
            label = field_label(None, path)
            message = "YAML aliases (*name) are not supported; write the value out"
            self.problems.append(Report(self.shown, line, label, message))
            return None
        self._seen.add(id(node))
        self.nodes[path] = node
        if isinstance(node, yaml.MappingNode):
            return self._build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._build_scalar(node, path)

    def _build_mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = (
                self._build_scalar(key_node, path)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str):
                self._problem(key_node, path, "keys must be plain names")
                continue
            if key in result:
                first = self.nodes[(*path, key)].start_mark.line + 1
                self._problem(
                    key_node, (*path, key), f"duplicate key (first given on line {first})"
                )
                continue
            result[key] = self.build(value_node, (*path, key))
        return result

    def _build_scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self._problem(node, path, f"cannot read this value: {getattr(error, 'problem', error)}")
        except ValueError as error:  # a date-like value that is no date: 2009-13-45
            self._problem(node, path, f"'{node.value}' is not a valid date ({error})")
        return None

    def _problem(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        label = field_label(None, path)
        self.problems.append(Report(self.shown, node.start_mark.line + 1, label, message))


def load_case(path: Path) -> LoadedCase:
    """Read and validate one case file, or raise CaseError listing every problem in it."""
    loaded, problems = read_case(path)
    if problems or loaded is None:
        raise CaseError(sorted(problems, key=lambda report: report.line or 0))
    return loaded


def read_case(path: Path) -> tuple[LoadedCase | None, list[Report]]:
    """A case file validated, with its problems. When the schema refuses part of it, the case
    is read past those parts (see salvage.py) so that the rest can be checked too; the case
    is None only when that fails as well."""
    source, problems = read_yaml(path)
    if not isinstance(source.data, dict):
        raise file_error(source.file, "a case file must be a mapping of keys (id:, title:, ...)", 1)
    context = {"base_dir": path.resolve().parent}
    set_aside: frozenset[FieldPath] = frozenset()
    try:
        case: Case | None = Case.model_validate(source.data, context=context)
    except ValidationError as error:
        problems += [source.report(p) for p in translate_errors(error, Case)]
        salvaged, set_aside = salvage(Case, source.data, error, context, str(path.resolve()))
        case = salvaged if isinstance(salvaged, Case) else None
    if case is None:
        return None, problems
    inline = len(case.references)
    case, file_problems = _with_file_references(case)
    loaded = LoadedCase(case, source, set_aside, len(case.references) - inline)
    return loaded, problems + file_problems


def _with_file_references(case: Case) -> tuple[Case, list[Report]]:
    """The case with the items of its references_file after its own references."""
    if case.references_file is None:
        return case, []
    shown = display_path(case.references_file)
    items, problems = read_csl_json(case.references_file, shown)
    references = list(case.references)
    for item in items:
        try:
            references.append(Reference.model_validate(item))
        except ValidationError as error:
            for problem in translate_errors(error, Reference):
                label = field_label(None, problem.path)
                problems.append(
                    Report(
                        shown,
                        item_line(case.references_file, item["id"]),
                        f"[{item['id']}]" + (f".{label}" if label else ""),
                        problem.message,
                    )
                )
    return case.model_copy(update={"references": references}), problems


def translate_errors(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Pydantic's errors as problems at field paths, with messages written for authors."""
    return [_translate(detail, model) for detail in error.errors(include_url=False)]


_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping of keys",
    type(None): "nothing",
}
_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "list_type": "a list",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "bool_type": "true or false",
    "int_parsing": "a whole number",
}


def _translate(detail: dict[str, Any], model: type[BaseModel]) -> Problem:
    path = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        return Problem(path, "required field is missing")
    if kind == "extra_forbidden":
        return Problem(path, _unknown_key_message(str(path[-1]), model_fields_at(model, path[:-1])))
    if is_placeholder(detail.get("input")):  # the starter's "TODO: ..." for a number, a key
        if kind in _EXPECTED:
            return Problem(path, placeholder_message(_EXPECTED[kind]))
        return Problem(path, placeholder_message())
    if kind in _EXPECTED:
        given = detail.get("input")
        type_name = next(
            (name for t, name in _TYPE_NAMES.items() if type(given) is t), type(given).__name__
        )
        hint = " (put it in quotes)" if kind == "string_type" and given is not None else ""
        return Problem(path, f"expected {_EXPECTED[kind]}, got {type_name} {given!r}{hint}")
    if kind in _LIMITS:
        return Problem(path, _LIMITS[kind].format(**(detail.get("ctx") or {})))
    message = detail["msg"].removeprefix("Value error, ")
    return Problem(path, message)


_LIMITS = {
    "too_short": "needs at least {min_length} item(s)",
    "too_long": "may have at most {max_length} item(s)",
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
    "path_type": "expected a file path (text)",
    "string_pattern_mismatch": "has characters that are not allowed here (expected {pattern})",
}


def _unknown_key_message(key: str, known: list[str]) -> str:
    hint = did_you_mean(key, known, otherwise=f" (known keys: {', '.join(known)})")
    return f"unknown key '{key}'{hint}"
