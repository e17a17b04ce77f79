"""A small template package mutated 250 times (issue 17): `casedocs layouts` either lists its
layouts or refuses it in one line naming it; never a traceback, never a hang.

Mutations are drawn by hypothesis, deterministically (derandomize), from what damaged,
hand-edited and hostile packages look like: a part dropped, cut short or with bytes changed; an
XML part replaced by junk or by another part's XML; external relationships added, targets
pointed elsewhere (outside the package, at itself, at a relationships part), content types
changed; entries named twice; zip entries declaring huge sizes. About one mutated template in
ten is also built into a deck when it loads (a warm image cache keeps that quick). 250 examples
take about 17 s on two cores; FUZZ_TEMPLATE_EXAMPLES (else FUZZ_EXAMPLES) = 50 for a quick
local run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import traceback
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation

from casedocs.cli import main
from conftest import within, write_case_file
from test_template import (
    CASE_LINKS,
    dangling_references,
    declared,
    make_template,
    with_everything,
)

EXAMPLES = int(os.environ.get("FUZZ_TEMPLATE_EXAMPLES", os.environ.get("FUZZ_EXAMPLES", "250")))
SECONDS = 20  # one example's limit: a hang fails the test instead of stopping it
LONG = "http://intranet.example/" + "x" * 300
JUNK = st.sampled_from([
    b"", b"<", b"not xml at all", b"\x00" * 64, b"\xff\xfe<\x00x\x00/\x00>\x00",
    b"<?xml version='1.0'?><x/>",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b'<p:sldLayout xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
    b'<p:sldMaster xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
    b"<p:cSld><p:spTree/></p:cSld></p:sldMaster>",
    b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="x" Target="../../../../etc/passwd"/></Relationships>',
])
CONTENT_TYPES = st.sampled_from([
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml",
    "application/vnd.openxmlformats-officedocument.theme+xml",
    "image/png", "image/svg+xml", "application/xml", "", "x" * 500,
])
REL_TYPES = st.sampled_from([
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" + kind
    for kind in ("hyperlink", "image", "oleObject", "slideMaster", "slideLayout", "theme",
                 "officeDocument", "control", "presProps")
] + ["http://schemas.microsoft.com/office/2006/relationships/vbaProject", "", "x"])
TARGETS = st.sampled_from([
    LONG, "file:///C:/secret.png", "\\\\server\\share\\logo.png", "../../../../etc/passwd", "/",
    "", ".", "slideLayout1.xml", "/[Content_Types].xml", "/_rels/.rels", "_rels/.rels",
    "../slideMasters/slideMaster1.xml", "/ppt/presentation.xml", "%2e%2e/x", "a\x01b",
])


def template_entries(edit: object = None) -> list[tuple[str, bytes]]:
    """A small template (python-pptx's, with `edit`) as its zip entries."""
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    path = make_template(folder / f"fuzz-base-{os.getpid()}.pptx", edit=edit)
    try:
        with zipfile.ZipFile(path) as package:
            return [(info.filename, package.read(info)) for info in package.infolist()]
    finally:
        path.unlink()


BASES = [template_entries(), template_entries(with_everything)]


@st.composite
def mutated_template(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A template's bytes with one to three mutations, and whether to build a deck on it."""
    entries = list(draw(st.sampled_from(BASES)))
    sizes: list[tuple[str, int]] = []
    for _ in range(draw(st.integers(1, 3))):
        if not entries:
            break
        kind = draw(st.sampled_from(sorted(MUTATIONS) + ["huge size"]))
        index = draw(st.integers(0, len(entries) - 1))
        if kind == "huge size":
            sizes.append((entries[index][0], draw(st.sampled_from(
                [0, 1, 60 * 2**20, 2**31 - 1, 2**32 - 1]))))
        else:
            MUTATIONS[kind](draw, entries, index)
    return declared(zipped(entries), sizes), draw(st.integers(0, 9)) == 0


def drop(draw: st.DrawFn, entries: list, index: int) -> None:
    del entries[index]


def truncate(draw: st.DrawFn, entries: list, index: int) -> None:
    name, data = entries[index]
    entries[index] = (name, data[: draw(st.integers(0, max(len(data) - 1, 0)))])


def corrupt(draw: st.DrawFn, entries: list, index: int) -> None:
    data = bytearray(entries[index][1])
    for _ in range(draw(st.integers(1, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    entries[index] = (entries[index][0], bytes(data))


def junk(draw: st.DrawFn, entries: list, index: int) -> None:
    entries[index] = (entries[index][0], draw(JUNK))


def swap(draw: st.DrawFn, entries: list, index: int) -> None:
    other = draw(st.integers(0, len(entries) - 1))
    entries[index] = (entries[index][0], entries[other][1])


def external(draw: st.DrawFn, entries: list, index: int) -> None:
    """A relationship added to a .rels part: external, or of an odd type or target."""
    rels = [i for i, (name, _) in enumerate(entries) if name.endswith(".rels")]
    if not rels:
        return
    at = draw(st.sampled_from(rels))
    name, data = entries[at]
    mode = draw(st.sampled_from([' TargetMode="External"', "", ' TargetMode="external"']))
    rel_id = draw(st.sampled_from(["rId1", "rId2", "rId99", "rIdX"]))
    added = (f'<Relationship Id="{rel_id}" Type={quoteattr(draw(REL_TYPES))} '
             f"Target={quoteattr(draw(TARGETS))}{mode}/>").encode()
    entries[at] = (name, data.replace(b"</Relationships>", added + b"</Relationships>"))


def retarget(draw: st.DrawFn, entries: list, index: int) -> None:
    rels = [i for i, (name, _) in enumerate(entries) if name.endswith(".rels")]
    if rels:
        at = draw(st.sampled_from(rels))
        name, data = entries[at]
        target = quoteattr(draw(TARGETS)).encode()
        entries[at] = (name, re.sub(rb'Target="[^"]*"', lambda _: b"Target=" + target, data,
                                    count=1))


def content_type(draw: st.DrawFn, entries: list, index: int) -> None:
    at = next((i for i, (name, _) in enumerate(entries) if name == "[Content_Types].xml"), None)
    if at is None:
        return
    data = entries[at][1]
    found = list(re.finditer(rb'ContentType="[^"]*"', data))
    if found:
        chosen = found[draw(st.integers(0, len(found) - 1))]
        value = b"ContentType=" + quoteattr(draw(CONTENT_TYPES)).encode()
        entries[at] = ("[Content_Types].xml", data[: chosen.start()] + value + data[chosen.end():])


def duplicate(draw: st.DrawFn, entries: list, index: int) -> None:
    name, data = entries[index]
    twin = draw(st.sampled_from([name, name.upper(), name.lower()]))
    entries.append((twin, draw(st.sampled_from([data, b"", b"<x/>"]))))


MUTATIONS = {"drop": drop, "truncate": truncate, "corrupt": corrupt, "junk": junk,
             "swap": swap, "external": external, "retarget": retarget,
             "content type": content_type, "duplicate": duplicate}


def zipped(entries: list[tuple[str, bytes]]) -> bytes:
    output = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        warnings.simplefilter("ignore")  # "Duplicate name": what the mutation wants
        for name, data in entries:
            package.writestr(name, data)
    return output.getvalue()


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with within(SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(arg) for arg in args])
    except Exception:  # noqa: BLE001 (a traceback, or a hang, is the failure looked for)
        pytest.fail(f"casedocs {' '.join(map(str, args))}:\n{traceback.format_exc()}")
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case, and a warm image cache for the decks built on mutated templates."""
    folder = tmp_path_factory.mktemp("fuzz-template")
    case = write_case_file(folder / "case")
    assert run("build", case, "--out", folder / "warm", "--only", "slides", "--jobs", "1")[0] == 0
    return folder


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(mutated=mutated_template())
def test_no_mutated_template_gives_a_traceback_or_a_hang(
        mutated: tuple[bytes, bool], workspace: Path) -> None:
    data, build = mutated
    template = workspace / "dept.pptx"
    template.write_bytes(data)
    code, out, err = run("layouts", template)
    assert code in (0, 1), err
    if code == 1:
        assert out == "" and err.count("\n") == 1, err
        assert err.startswith(f"casedocs: {template}: "), err
        return
    assert out.startswith(f"{template}: ") and "  master 1: " in out, out
    lines = err.splitlines()
    assert all(line.startswith(f"{template}: warning: template: dropped ") for line in lines), err
    assert len(set(lines)) == len(lines), err
    assert all(len(line) < len(str(template)) + 300 for line in lines), err
    if build:
        built_on(template, workspace)


def built_on(template: Path, workspace: Path) -> None:
    """The case built on `template`: both decks open, with no link out but the references
    slide's and no reference to what is not there; or nothing is written."""
    out = workspace / "out"
    for path in (p for p in out.rglob("*.pptx")):
        path.unlink()
    out.mkdir(exist_ok=True)
    if not (out / ".cache").exists():
        (out / ".cache").symlink_to(workspace / "warm" / ".cache", target_is_directory=True)
    code, _, err = run("build", workspace / "case" / "case.yaml", "--template", template,
                       "--out", out, "--only", "slides", "--jobs", "1")
    decks = sorted(out.rglob("*.pptx"))
    assert code in (0, 1), err
    if code == 1:
        assert decks == [] and str(template) in err, err
        return
    assert [deck.name for deck in decks] == ["case-17-unknown.pptx", "case-17.pptx"]
    for deck in decks:
        assert len(Presentation(deck).slides) > 0
        with zipfile.ZipFile(deck) as package:
            assert dangling_references(package) == []
            rels = [package.read(n).decode() for n in package.namelist() if n.endswith(".rels")]
        external = re.findall(r'Target="([^"]*)" TargetMode="External"', "".join(rels))
        assert [target for target in external if not target.startswith(CASE_LINKS)] == []
