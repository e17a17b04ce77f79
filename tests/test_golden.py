"""The seed's outputs, pinned by hash (issue 9): a restructure must not change a byte.

The hashes hold for the environment they were recorded in (the renderers' versions and the
font files); in another environment the comparison cannot hold and the test says so, naming
what differs. After an intended change to the outputs, record them again with
`pytest tests/test_golden.py --update-golden` and name the change in the commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from importlib import metadata
from pathlib import Path

import pytest

from casedocs.cli import main
from casedocs.fonts import font_fingerprint
from conftest import REPO

GOLDEN = REPO / "tests" / "fixtures" / "golden" / "seed.json"
INPUTS = [REPO / "content" / "is-case-4.yaml",
          REPO / "content" / "conferences" / "2026-11-chest.yaml"]
LIBRARIES = ("reportlab", "python-pptx", "pillow", "numpy", "pydicom", "markdown-it-py")


def environment() -> dict[str, str]:
    versions = {library: metadata.version(library) for library in LIBRARIES}
    fonts = {Path(path).name: hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
             for path in font_fingerprint() if path != "None"}
    return {**versions, **fonts}


@pytest.fixture(scope="module")
def hashes(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> dict[str, str]:
    out = tmp_path_factory.mktemp("golden")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", *map(str, INPUTS), "--out", str(out)]) == 0
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted([*out.glob("handouts/*"), *out.glob("slides/*")])}


@pytest.fixture(scope="module")
def monkeypatch_module():  # noqa: ANN201
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield patch


def test_the_seed_outputs_are_byte_identical(hashes: dict[str, str],
                                             request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        record = {"environment": environment(), "sha256": hashes}
        GOLDEN.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = environment()
    differs = {key: (value, current.get(key))
               for key, value in recorded["environment"].items() if current.get(key) != value}
    if differs:
        pytest.skip(f"recorded with other renderers or fonts {differs}; "
                    "record again with --update-golden")
    assert hashes == recorded["sha256"]
    assert len(hashes) == 8
