"""A corpus case mutated 500 times (issue 8): no traceback, nothing written on error, exit
status 0 or 1 only.

Mutations are drawn by hypothesis, deterministically (derandomize), from what authors and
editors do to files: a value replaced by text, a number, a list, a mapping, nothing, odd
Unicode, control characters, a very long or deeply nested value; a key removed or misspelled;
raw text (colons, quotes, brackets, tabs, a byte-order mark) typed into the YAML at any point;
lines dropped, repeated or cut short. Every build shares one warm image cache, so a mutation
that still builds costs a few tenths of a second (FUZZ_EXAMPLES=50 for a quick local run).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import os
import traceback
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedocs.cli import main
from conftest import REPO

SOURCE = REPO / "content" / "examples" / "us-01.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))
ODD_TEXT = st.sampled_from([
    "", " ", "Axial CT: a mass", "a: b: c", "- item", "[", "{", "}", "'", '"', "#", "&anchor",
    "*alias", "!!python/object:os.system", "@fig-nowhere", "[@nobody2000]", "\x1c", "\x00",
    "\u2028", "\ufeff", "\t", "e\u0301", "⁹⁹ᵐTc", "≥ ± µ °", "\U0001f600", "<b>x</b>", "&amp;",
    "x" * 3000, "word " * 800, "no", "010", "12:30", "2009-13-45", "1e400", "~", "null",
])
def nested(depth: int) -> list:
    """[[[...]]], `depth` levels deep."""
    return functools.reduce(lambda inner, _: [inner], range(depth), [])


LEAF = st.one_of(
    ODD_TEXT,
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.integers(1, 60).map(nested),
)


def paths_of(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, (*prefix, index))
    return found


def absolute(data: dict[str, Any]) -> dict[str, Any]:
    for figure in data["figures"]:
        figure["file"] = str((SOURCE.parent / figure["file"]).resolve())
    return data


BASE = absolute(yaml.safe_load(SOURCE.read_text(encoding="utf-8")))
BASE_TEXT = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False, width=90)
PATHS = paths_of(BASE)


@st.composite
def mutated_case(draw: st.DrawFn) -> str:
    """A case file's text with one to three edits."""
    data = copy.deepcopy(BASE)
    edits = draw(st.lists(st.sampled_from(["value", "drop", "key"]), min_size=0, max_size=3))
    for edit in edits:
        live = paths_of(data)
        if not live:
            break
        path = draw(st.sampled_from(live))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if edit == "value":
            parent[path[-1]] = draw(LEAF)
        elif edit == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["captoin", "figures", "Title", "", "id "]))] = draw(LEAF)
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=90)
    except (yaml.YAMLError, RecursionError):
        text = BASE_TEXT
    return draw(typed_into(text))


@st.composite
def typed_into(draw: st.DrawFn, text: str) -> str:
    """Raw edits: text typed at some point, lines dropped, repeated or cut short."""
    kind = draw(st.sampled_from(["none", "none", *LINE_EDITS]))
    return edit_lines(draw, text, kind)


LINE_EDITS = ["type", "drop-line", "repeat-line", "cut"]


def edit_lines(draw: st.DrawFn, text: str, kind: str) -> str:
    """One raw edit of `kind` (one of LINE_EDITS; anything else leaves the text as it is)."""
    lines = text.split("\n")
    at = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "type":
        column = draw(st.integers(0, len(lines[at])))
        lines[at] = lines[at][:column] + draw(ODD_TEXT) + lines[at][column:]
    elif kind == "drop-line":
        del lines[at]
    elif kind == "repeat-line":
        lines.insert(at, lines[at])
    elif kind == "cut":
        lines = lines[:at]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One image cache for every build: a warm build of this case is quick."""
    folder = tmp_path_factory.mktemp("fuzz-cache")
    case = folder / "case.yaml"
    case.write_text(BASE_TEXT, encoding="utf-8")
    assert main(["build", str(case), "--out", str(folder / "out")]) == 0
    return folder / "out" / ".cache"


def outputs_in(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts]


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(text=mutated_case())
def test_no_mutation_gives_a_traceback_or_half_written_output(
        text: str, cache: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    case = folder / "case.yaml"
    case.write_bytes(text.encode("utf-8", "surrogatepass"))
    out = folder / "out"
    out.mkdir()
    (out / ".cache").symlink_to(cache, target_is_directory=True)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["build", str(case), "--out", str(out)])
    except Exception:  # noqa: BLE001 (a traceback is the failure this test looks for)
        pytest.fail(f"traceback for this case file:\n{text}\n\n{traceback.format_exc()}")
    assert code in (0, 1), err.getvalue()
    if code == 1:
        assert outputs_in(out) == [], err.getvalue()
        assert err.getvalue().strip(), "refused without saying why"
    else:
        assert len(outputs_in(out)) == 4
