"""A MIRCdocument and its files mutated 250 times (issue 17): `casedocs import mirc` exits 0 or
1, never with a traceback, never hangs, and leaves either a whole import or nothing.

Mutations are drawn by hypothesis, deterministically, from what exports and hand edits do:
text typed into the XML anywhere, lines dropped, repeated or cut short, an element renamed, a
file reference pointed elsewhere (outside the folder, a URL, a NUL byte, a folder, a link), a
DTD with internal, external or exploding entities, another declared encoding, a byte-order
mark; an image replaced by junk, cut short, emptied or swapped for another format; the folder
given as MIRC's zip (FUZZ_EXAMPLES=50 for a quick local run).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import traceback
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedocs.cli import main
from test_fuzz import LINE_EDITS, edit_lines

FIXTURE = Path(__file__).parent / "fixtures" / "mirc" / "case-a"
EXAMPLES = max(int(os.environ.get("FUZZ_EXAMPLES", "500")) // 2, 1)
DOCUMENT = (FIXTURE / "MIRCdocument.xml").read_text(encoding="iso-8859-1")
FILES = sorted(p.name for p in FIXTURE.iterdir() if p.name != "MIRCdocument.xml")
REFERENCES = ["../outside.jpg", "/etc/passwd", "http://example.org/x.jpg", "a\x00b.jpg", "",
              "sub", "link.jpg", "CT_SMALL.DCM", "ct2.jpg#x", "missing.png", "ct_base_an.svg"]
DOCTYPES = [
    "",
    '<!DOCTYPE MIRCdocument [<!ENTITY nbsp "&#160;">]>',
    '<!DOCTYPE MIRCdocument [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE MIRCdocument SYSTEM "http://example.org/mirc.dtd">',
    '<!DOCTYPE MIRCdocument [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>',
]
ELEMENTS = ["section", "image", "p", "patient", "pt-name", "image-section", "title", "author",
            "alternative-image", "image-caption", "MIRCdocument", "svg", "li"]
ENCODINGS = ["iso-8859-1", "utf-8", "utf-16", "windows-1252", "ascii", "bogus-8"]


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    text = DOCUMENT
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from([*LINE_EDITS, "rename", "reference", "visible",
                                     "entity-use"]))
        text = _edit(draw, text, kind)
    doctype = draw(st.sampled_from(DOCTYPES))
    declaration, _, body = text.partition("?>")
    return f"{declaration}?>{doctype}{body}"


def _edit(draw: st.DrawFn, text: str, kind: str) -> str:
    if kind == "rename":
        old, new = draw(st.sampled_from(ELEMENTS)), draw(st.sampled_from(ELEMENTS))
        return text.replace(f"<{old}", f"<{new}", 1).replace(f"</{old}>", f"</{new}>", 1)
    if kind == "reference":
        old = draw(st.sampled_from(FILES))
        return text.replace(f'"{old}"', f'"{draw(st.sampled_from(REFERENCES))}"', 1)
    if kind == "visible":
        element = draw(st.sampled_from(ELEMENTS))
        value = draw(st.sampled_from(["no", "owner", "phi-restricted", "yes", "", "YES"]))
        return text.replace(f"<{element}", f'<{element} visible="{value}"', 1)
    if kind == "entity-use":
        entity = draw(st.sampled_from(["&x;", "&d;", "&nbsp;", "&undefined;", "&#0;"]))
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] += entity
        return "\n".join(lines)
    return edit_lines(draw, text, kind)


@st.composite
def mutated_export(draw: st.DrawFn) -> dict:
    files = {}
    for name in FILES:
        data = (FIXTURE / name).read_bytes()
        kind = draw(st.sampled_from(["same"] * 4 + ["junk", "cut", "empty", "other"]))
        if kind == "junk":
            data = draw(st.binary(min_size=1, max_size=64))
        elif kind == "cut":
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif kind == "empty":
            data = b""
        elif kind == "other":
            data = (FIXTURE / draw(st.sampled_from(FILES))).read_bytes()
        files[name] = data
    return {
        "text": draw(mutated_text()),
        "encoding": draw(st.sampled_from(ENCODINGS)),
        "bom": draw(st.booleans()),
        "files": files,
        "zipped": draw(st.booleans()),
    }


def written(export: dict, folder: Path) -> Path:
    source = folder / "export"
    source.mkdir()
    encoding = export["encoding"]
    text = export["text"].replace("iso-8859-1", encoding, 1)
    try:
        data = text.encode(encoding if encoding != "bogus-8" else "utf-8", "replace")
    except (LookupError, UnicodeError):
        data = text.encode("utf-8", "surrogatepass")
    (source / "MIRCdocument.xml").write_bytes((b"\xef\xbb\xbf" if export["bom"] else b"") + data)
    for name, content in export["files"].items():
        (source / name).write_bytes(content)
    (source / "sub").mkdir()
    (folder / "outside.jpg").write_bytes((FIXTURE / "ct2.jpg").read_bytes())
    os.symlink(folder / "outside.jpg", source / "link.jpg")
    if not export["zipped"]:
        return source
    archive = folder / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(source.iterdir()):
            if path.is_file() and not path.is_symlink():
                zipped.write(path, f"case/{path.name}")
    shutil.rmtree(source)
    return archive


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(export=mutated_export())
def test_no_mutated_export_gives_a_traceback_or_half_an_import(
        export: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz-mirc")
    given_path = written(export, folder)
    out = folder / "content"
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
            code = main(["import", "mirc", str(given_path), "--out", str(out)])
    except Exception:  # noqa: BLE001 (a traceback is the failure this test looks for)
        pytest.fail(f"traceback for this export:\n{export['text']}\n\n{traceback.format_exc()}")
    assert code in (0, 1), said.getvalue()
    assert said.getvalue().strip(), "ended without a word"
    assert not [p for p in out.rglob(".import-*")] if out.exists() else True
    cases = sorted(out.glob("*.yaml")) if out.exists() else []
    if not cases:
        assert not out.exists() or not any(out.rglob("*.*")), said.getvalue()
        return
    case = yaml.safe_load(cases[0].read_text(encoding="utf-8"))
    for figure in case.get("figures", []):
        assert (cases[0].parent / figure["file"]).is_file(), figure  # whole, or not at all
    assert "root:" not in said.getvalue() + cases[0].read_text(encoding="utf-8")
