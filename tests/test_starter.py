"""`casedocs new` and the schema beside the cases (issue 12).

Spec: `casedocs new ID [--dir content/]` writes DIR/ID.yaml, a starter with every section of the
case format commented, one figure slot and a `# yaml-language-server: $schema=` line pointing at
the JSON Schema `casedocs schema` writes (DIR/case.schema.json, written when missing or out of
date). It refuses an existing file and an id that breaks the id rules, writing nothing. The
starter fails `casedocs validate` at each placeholder's line until it is replaced; filled in, with
its image in place, it validates and builds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw
from pypdf import PdfReader

from casedocs.cli import main
from casedocs.source.inputs import case_files
from casedocs.source.model import (
    MAX_ID_LENGTH,
    SLIDE_ROLES,
    Annotation,
    Author,
    Case,
    DeckOptions,
    DifferentialItem,
    Figure,
    Finding,
    Reference,
    is_placeholder,
)
from casedocs.source.starter import SCHEMA_FILE, schema_text, starter_text
from conftest import REPO

REPORT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>[^ :]+): (?P<message>.*)$")

# What an author writes in place of each placeholder, by the field validate names: a small
# but real case, which the answer check accepts (no public field repeats the answer).
FILLED: dict[str, object] = {
    "title": "Intralobar pulmonary sequestration",
    "authors[0].name": "Ana Lima",
    "keywords[0]": "systemic arterial supply",
    "modality[0]": "CT",
    "anatomy[0]": "lung",
    "subspecialty[0]": "chest",
    "difficulty": 2,
    "history": "A 19-year-old with recurrent pneumonia in the same part of the left lung.",
    "figures[figure-1].caption": (
        "Axial CT angiogram: a systemic artery from the descending aorta supplies the left "
        "lower lobe."
    ),
    "figures[figure-1].view": "Axial CT angiogram",
    "figures[figure-1].alt": "Axial CT angiogram of the chest.",
    "findings[0].text": "A systemic artery arises from the descending aorta (@fig-figure-1).",
    "diagnosis": "Intralobar pulmonary sequestration",
    "differential[0].name": "Pneumonia",
    "differential[1].name": "Congenital pulmonary airway malformation",
    "differential[1].note": "Usually cystic, with pulmonary arterial supply.",
    "discussion": "Sequestered lung has a systemic arterial supply [@smith2019].",
    "teaching_points[0]": "Look for the systemic artery.",
    "management": "Surgical resection.",
    "references[0].id": "smith2019",
    "references[0].authors[0]": "Smith A",
    "references[0].title": "Imaging of pulmonary sequestration",
    "references[0].journal": "Radiographics",
    "references[0].year": 2019,
    "references[0].volume": "39",
    "references[0].pages": "400-412",
}


def _new(tmp_path: Path, case_id: str = "chest-07") -> Path:
    assert main(["new", case_id, "--dir", str(tmp_path / "cases")]) == 0
    return tmp_path / "cases" / f"{case_id}.yaml"


def _reports(stderr: str) -> list[dict[str, str]]:
    found = [REPORT.match(line) for line in stderr.splitlines()]
    assert all(found), stderr
    return [match.groupdict() for match in found if match]


def _validate_reports(case: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["validate", str(case)]) == 1
    reports = _reports(capsys.readouterr().err)
    assert {report["file"] for report in reports} == {str(case)}
    return reports


def _placeholders(reports: list[dict[str, str]]) -> list[dict[str, str]]:
    return [report for report in reports if "placeholder" in report["message"]]


def _filled(text: str, reports: list[dict[str, str]]) -> str:
    """The starter with each placeholder validate reported replaced, at the line it named."""
    lines = text.splitlines(keepends=True)
    for report in reports:
        number, value = int(report["line"]), FILLED[report["field"]]
        line = lines[number - 1]
        if '"TODO' in line:
            line = re.sub(r'"TODO[^"]*"', json.dumps(value, ensure_ascii=False), line, count=1)
        else:  # a block scalar's line (discussion)
            line = re.sub(r"TODO.*", str(value), line, count=1)
        assert "TODO" not in line, line
        lines[number - 1] = line
    return "".join(lines)


def _draw_image(path: Path) -> None:
    image = Image.new("L", (1280, 960), 20)
    draw = ImageDraw.Draw(image)
    draw.ellipse((240, 120, 1040, 840), fill=90)
    draw.ellipse((600, 360, 720, 480), fill=200)
    image.save(path)


# -- new ---------------------------------------------------------------------------------------


def test_new_writes_the_starter_the_schema_and_the_next_steps(tmp_path: Path, capsys) -> None:
    case = _new(tmp_path)
    assert case.read_text(encoding="utf-8") == starter_text("chest-07")
    assert case.read_text(encoding="utf-8").splitlines()[0] == (
        f"# yaml-language-server: $schema={SCHEMA_FILE}"
    )
    assert (case.parent / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    out = capsys.readouterr().out
    assert f"wrote {case}" in out
    assert f"wrote {case.parent / SCHEMA_FILE} (it was missing)" in out
    assert str(case.parent / "images" / "chest-07" / "figure-1.png") in out
    assert f"validate {case}" in out and f"build {case}" in out
    assert (case.parent / "images" / "chest-07").is_dir()  # where the image goes
    assert sorted(p.name for p in case.parent.iterdir()) == [SCHEMA_FILE, "chest-07.yaml",
                                                            "images"]  # no temporary files


def test_new_refuses_an_existing_file(tmp_path: Path, capsys) -> None:
    case = _new(tmp_path)
    case.write_text("id: mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["new", "chest-07", "--dir", str(case.parent)]) == 1
    assert case.read_text(encoding="utf-8") == "id: mine\n"
    assert "already exists; nothing written" in capsys.readouterr().err


@pytest.mark.parametrize(
    "bad_id", ["Chest-07", "chest_07", "chest--07", "-chest", "chest-", "ct 7", "", "é-1"]
)
def test_new_refuses_an_id_that_breaks_the_id_rules(tmp_path: Path, capsys, bad_id: str) -> None:
    assert main(["new", "--dir", str(tmp_path / "cases"), "--", bad_id]) == 1
    assert f"'{bad_id}' is not a case id" in capsys.readouterr().err
    assert not (tmp_path / "cases").exists()


def test_new_refuses_an_id_too_long_to_name_files_by(tmp_path: Path, capsys) -> None:
    """Issue 17: ID-unknown.pptx and its temporary and stamp files must fit a file name."""
    assert main(["new", "a" * 250, "--dir", str(tmp_path / "cases")]) == 1
    assert capsys.readouterr().err == (
        f"casedocs: '{'a' * 10}…{'a' * 29}' is 250 characters long; an id may have at most "
        f"{MAX_ID_LENGTH} (it names the output files); nothing written\n")
    assert not (tmp_path / "cases").exists()


def test_new_takes_an_id_of_the_longest_length(tmp_path: Path, capsys) -> None:
    longest = "chest-" + "7" * (MAX_ID_LENGTH - 6)
    assert main(["new", longest, "--dir", str(tmp_path)]) == 0
    assert (tmp_path / f"{longest}.yaml").is_file()


def test_new_refuses_an_id_that_names_the_unknown_variants(tmp_path: Path, capsys) -> None:
    assert main(["new", "chest-unknown", "--dir", str(tmp_path)]) == 1
    assert "ends in -unknown" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_updates_a_schema_that_is_out_of_date_and_keeps_a_current_one(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / SCHEMA_FILE).write_text("{}\n", encoding="utf-8")
    _new(tmp_path, "chest-07")
    assert (folder / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    assert "(it was out of date)" in capsys.readouterr().out
    _new(tmp_path, "chest-08")
    assert SCHEMA_FILE not in capsys.readouterr().out


# -- the starter -------------------------------------------------------------------------------


def _field_names(*models: type) -> set[str]:
    return {field.alias or name for model in models for name, field in model.model_fields.items()}


def test_the_starter_names_every_field_by_its_real_key() -> None:
    """Every key of a case and a figure is in the starter (written, or commented out), and
    every key it shows is one the format has."""
    shown = set(re.findall(r"^[ #-]*?([a-z_]+):(?: |$)", starter_text("chest-07"), re.M))
    known = _field_names(Case, Figure, Annotation, Author, Finding, DifferentialItem,
                         Reference, DeckOptions) | set(SLIDE_ROLES)
    assert shown - known == set()
    assert _field_names(Case, Figure) - shown == set()


def test_the_starter_fails_validate_at_each_placeholder(tmp_path: Path, capsys) -> None:
    case = _new(tmp_path)
    text = case.read_text(encoding="utf-8")
    reports = _validate_reports(case, capsys)
    placeholders = _placeholders(reports)
    lines = text.splitlines()
    todo_lines = {n for n, line in enumerate(lines, 1)
                  if "TODO" in line and not line.lstrip().startswith("#")}
    assert {int(report["line"]) for report in placeholders} == todo_lines
    assert len(placeholders) == len(todo_lines)  # one placeholder a line
    assert {report["field"] for report in placeholders} == set(FILLED)
    for report in placeholders:
        assert report["message"].startswith("still the starter's placeholder; write "), report
    difficulty = next(report for report in placeholders if report["field"] == "difficulty")
    assert difficulty["message"].endswith("write a whole number")
    file_line = next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith("file:"))
    assert {"file": str(case), "line": str(file_line), "field": "figures[figure-1].file",
            "message": "no such file 'images/chest-07/figure-1.png'"} in reports
    assert len(reports) == len(placeholders) + 1  # nothing else


def test_the_filled_in_starter_validates_and_builds(tmp_path: Path, capsys) -> None:
    case = _new(tmp_path)
    placeholders = _placeholders(_validate_reports(case, capsys))
    case.write_text(_filled(case.read_text(encoding="utf-8"), placeholders), encoding="utf-8")
    _draw_image(case.parent / "images" / "chest-07" / "figure-1.png")
    schema = json.loads((case.parent / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert _schema_problems(schema, _as_json(case), schema) == []  # what the editor shows
    assert main(["validate", str(case)]) == 0, capsys.readouterr().err
    validated = capsys.readouterr()
    assert validated.err == ""  # no warnings either
    assert validated.out.startswith("chest-07: ok (1 figure, 1 reference)")
    out = tmp_path / "out"
    assert main(["build", str(case), "--out", str(out), "--jobs", "1"]) == 0
    built = {str(p.relative_to(out)) for p in out.glob("[!.]*/*")}
    assert built == {"handouts/chest-07.pdf", "handouts/chest-07-unknown.pdf",
                     "slides/chest-07.pptx", "slides/chest-07-unknown.pptx"}
    pages = PdfReader(out / "handouts" / "chest-07.pdf").pages
    handout = "".join(page.extract_text() for page in pages)
    assert "Intralobar pulmonary sequestration" in handout
    assert "TODO" not in handout


@pytest.mark.parametrize("text", ["TODO", "TODO: the title", "  TODO write it", "TODO."])
def test_placeholders_are_text_starting_with_todo(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["Todo", "TODOS", "Today", "A TODO list", "todo: x", ""])
def test_text_that_only_looks_like_a_placeholder_is_not_one(text: str) -> None:
    assert not is_placeholder(text)


# -- the schema --------------------------------------------------------------------------------


def test_the_committed_schema_is_current() -> None:
    committed = REPO / "content" / SCHEMA_FILE
    assert committed.read_text(encoding="utf-8") == schema_text(), (
        f"{committed.relative_to(REPO)} is out of date with the case model; regenerate it: "
        f".venv/bin/casedocs schema --out content/{SCHEMA_FILE}"
    )
    assert json.loads(committed.read_text(encoding="utf-8")) == Case.model_json_schema()


def test_schema_out_writes_what_schema_prints(tmp_path: Path, capsys) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == Case.model_json_schema()
    assert main(["schema", "--out", str(tmp_path / SCHEMA_FILE)]) == 0
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == printed
    assert capsys.readouterr().out == f"wrote {tmp_path / SCHEMA_FILE}\n"


JSON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
              "null": (type(None),), "object": (dict,), "array": (list,)}


def _schema_problems(schema: dict, value: object, root: dict, where: str = "") -> list[str]:
    """What an editor checking `value` against the schema would flag: the parts of JSON Schema
    the case schema uses ($ref, anyOf, enum, pattern, type, properties, required, items,
    prefixItems)."""
    if "$ref" in schema:
        return _schema_problems(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], value, root,
                                where)
    if "anyOf" in schema:
        tries = [_schema_problems(option, value, root, where) for option in schema["anyOf"]]
        return [] if [] in tries else min(tries, key=len)
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']}"]
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        return [f"{where}: {value!r} does not match {schema['pattern']}"]
    kind = schema.get("type")
    if kind is None:
        return []
    if isinstance(value, bool) != (kind == "boolean") or not isinstance(value, JSON_TYPES[kind]):
        return [f"{where}: expected {kind}, got {value!r}"]
    problems = []
    if kind == "object":
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                problems += _schema_problems(properties[key], item, root, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{where}: unknown key {key!r}")
        problems += [f"{where}: missing {key!r}" for key in schema.get("required", [])
                     if key not in value]
    if kind == "array":
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(value):
            item_schema = prefix[i] if i < len(prefix) else schema.get("items", {})
            problems += _schema_problems(item_schema, item, root, f"{where}[{i}]")
    return problems


def _as_json(path: Path) -> object:
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


CASES = sorted([*REPO.glob("content/*.yaml"), *REPO.glob("content/examples/*.yaml")])


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_the_schema_accepts_every_example_case(case: Path) -> None:
    """An editor checking with the schema flags nothing in a valid case: one value where a
    list may be (`modality: CT`), plain-text findings and differentials, named windows."""
    schema = Case.model_json_schema()
    assert _schema_problems(schema, _as_json(case), schema) == []


def test_the_schema_flags_unknown_keys_and_wrong_types() -> None:
    schema = Case.model_json_schema()
    case = _as_json(REPO / "content" / "is-case-4.yaml")
    assert isinstance(case, dict)
    case["figures"][0]["captoin"] = case["figures"][0].pop("caption")
    case["difficulty"] = "hard"
    problems = _schema_problems(schema, case, schema)
    assert ".figures[0]: unknown key 'captoin'" in problems
    assert ".figures[0]: missing 'caption'" in problems
    assert any(problem.startswith(".difficulty: expected") for problem in problems)


def test_folders_of_cases_do_not_take_the_schema_for_a_case(tmp_path: Path) -> None:
    case = _new(tmp_path)
    assert case_files([case.parent]) == [case]
    assert not [path for path in case_files([REPO / "content"]) if path.suffix == ".json"]


CLEAN_CASES = sorted((REPO / "tests" / "fixtures" / "clean-cases").glob("*.yaml"))


@pytest.mark.parametrize("case", CLEAN_CASES, ids=[case.stem for case in CLEAN_CASES])
def test_the_schema_accepts_cases_written_by_others(case: Path) -> None:
    """Issue 20: the closed vocabularies are enums, but in every spelling casedocs takes
    (ct, pediatrics), so an editor never flags a case that builds."""
    schema = Case.model_json_schema()
    assert _schema_problems(schema, _as_json(case), schema) == []


def test_closed_vocabularies_are_enums_and_every_key_is_described() -> None:
    schema = Case.model_json_schema()
    case = _as_json(REPO / "content" / "is-case-4.yaml")
    assert isinstance(case, dict)
    case["modality"] = ["CR", "CXR"]
    case["subspecialty"] = "pulmonology"
    problems = _schema_problems(schema, case, schema)
    assert any("CXR" in problem for problem in problems), problems
    assert any("pulmonology" in problem for problem in problems), problems
    case["modality"], case["subspecialty"] = ["cr", "CT"], ["Chest", "pediatrics", "GU"]
    assert _schema_problems(schema, case, schema) == []
    models = [schema, *schema["$defs"].values()]
    undescribed = [(model.get("title"), key) for model in models
                   for key, item in model.get("properties", {}).items()
                   if not item.get("description")]
    assert undescribed == []
