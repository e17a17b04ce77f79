"""Measure the answer check both ways (issue 8): false alarms and misses.

False alarms: cases and conferences of the corpus (content/, content/examples/) that the check
refuses, and cases written by others without looking at the checker
(tests/fixtures/clean-cases/: cardiac, perfusion, interventional, nuclear, German), each
validated and built with the read-back check of every unknown output. Target: 0.

Misses: planted leaks that pass. From every corpus case, each answer field (title, diagnosis,
keywords, differential items and notes, findings, captions beyond their view, discussion,
teaching points, management, annotation labels, reference titles) and distinctive phrases of
each finding (runs of four to six words as written, drawn at random) are planted into each
public field: a figure's view, its alt text, the series, and the title of a conference holding
the case. A planting is caught when validation refuses it or the build's read-back check does.
Fields made only of ordinary image vocabulary ("MRI", "chest") carry no answer and are not
planted; they are counted. Targets: 0 whole fields missed, at least 95% of phrases caught.

    make bench            # or: .venv/bin/python bench/leaks.py [--phrases N] [--seed S]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casedocs.cli import main
from casedocs.document.answers import caption_answer
from casedocs.document.inline import ListBlock, parse_blocks, parse_inline, plain_text
from casedocs.document.words import content_words, split_sentences
from casedocs.errors import CaseError
from casedocs.figures import FigureImages
from casedocs.load import load_conference, load_document

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted([*REPO.glob("content/*.yaml"), *REPO.glob("content/examples/*.yaml")])
CONFERENCES = sorted(
    [*REPO.glob("content/conferences/*.yaml"), *REPO.glob("content/examples/conferences/*.yaml")]
)
CLEAN_CASES = sorted(REPO.glob("tests/fixtures/clean-cases/*.yaml"))
PUBLIC_FIELDS = ("view", "alt", "series", "conference title")
PHRASE_TARGET = 0.95
LEAK_WORDS = ("shown before the answer", "the answer would leak")


@dataclass(frozen=True)
class Planting:
    case: Path
    field: str  # the answer field planted
    text: str
    whole: bool  # a whole field (else a phrase of a finding)


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phrases", type=int, default=3, help="phrases drawn per finding")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "cases", nargs="*", type=Path, help="other case files to use (default: the corpus)"
    )
    args = parser.parse_args()
    if args.cases:
        CORPUS[:] = sorted(p.resolve() for p in args.cases if "cases" not in p.read_text())
        CONFERENCES[:] = sorted(p.resolve() for p in args.cases if "cases" in p.read_text())
    started = time.perf_counter()
    images = FigureImages()
    refused = false_alarms(images)
    plantings, ordinary = plantings_of(random.Random(args.seed), args.phrases)
    with tempfile.TemporaryDirectory() as scratch:
        outcomes = [
            (planting, target, caught(planting, target, Path(scratch), images))
            for planting in plantings
            for target in PUBLIC_FIELDS
        ]
    report(refused, outcomes, ordinary, time.perf_counter() - started)
    whole_missed = [o for o in outcomes if o[0].whole and not o[2]]
    phrases = [o for o in outcomes if not o[0].whole]
    phrase_rate = sum(o[2] for o in phrases) / max(len(phrases), 1)
    return 0 if not refused and not whole_missed and phrase_rate >= PHRASE_TARGET else 1


def false_alarms(images: FigureImages) -> list[str]:
    refused = []
    for path in [*CORPUS, *CONFERENCES]:
        try:
            if "cases" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
                load_conference(path, images)
            else:
                load_document(path, images)
        except CaseError as error:
            refused.append(f"{path.name}: {error}")
    with tempfile.TemporaryDirectory() as scratch:
        for path in CLEAN_CASES:
            said = io.StringIO()
            with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                code = main(["build", str(path), "--out", scratch, "--jobs", "1"])
            if code != 0:
                lines = [line for line in said.getvalue().splitlines() if "warning" not in line]
                refused.append(f"{path.name}: " + " | ".join(lines[-3:]))
    return refused


def plantings_of(rng: random.Random, phrases_per_finding: int) -> tuple[list[Planting], int]:
    plantings: list[Planting] = []
    ordinary = 0
    for case in CORPUS:
        data = yaml.safe_load(case.read_text(encoding="utf-8"))
        history = plain(data["history"])
        for field, text in answer_fields(data):
            if distinctive(text, history):
                plantings.append(Planting(case, field, text, whole=True))
            else:
                ordinary += 1
        for i, finding in enumerate(data.get("findings") or []):
            for phrase in phrases_of(finding_text(finding), history, rng, phrases_per_finding):
                plantings.append(Planting(case, f"findings[{i}]", phrase, whole=False))
    return plantings, ordinary


def answer_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    fields = [("title", data["title"]), ("diagnosis", plain(data["diagnosis"]))]
    fields += [("keywords", plain(k)) for k in data.get("keywords") or []]
    for item in data.get("differential") or []:
        item = {"name": item} if isinstance(item, str) else item
        fields.append(("differential", plain(item["name"])))
        fields += [("differential note", plain(item["note"]))] if item.get("note") else []
    for i, finding in enumerate(data.get("findings") or []):
        fields.append((f"findings[{i}]", finding_text(finding)))
    for figure in data.get("figures") or []:
        fields.append(("caption", caption_answer(plain(figure["caption"]), figure.get("view"))))
        labels = [mark["label"] for mark in figure.get("annotations") or [] if "label" in mark]
        fields += [("annotation", label) for label in labels]
    for name in ("discussion", "management"):
        fields += [(name, text) for text in block_texts(data.get(name))]
    fields += [("teaching point", plain(point)) for point in data.get("teaching_points") or []]
    fields += [("reference", ref["title"]) for ref in data.get("references") or []]
    return fields


def finding_text(finding: str | dict[str, str]) -> str:
    return plain(finding if isinstance(finding, str) else finding["text"])


def phrases_of(text: str, history: str, rng: random.Random, count: int) -> list[str]:
    """Runs of four to six words of one sentence as written, each with a distinctive word."""
    candidates = []
    for sentence in split_sentences(text):
        words = sentence.rstrip(".").split()
        for length in (4, 5, 6):
            for start in range(0, max(len(words) - length + 1, 0)):
                phrase = " ".join(words[start : start + length]).strip(",;:()")
                if distinctive(phrase, history, minimum=2):
                    candidates.append(phrase)
    return rng.sample(candidates, min(count, len(candidates)))


def distinctive(text: str, history: str, minimum: int = 1) -> bool:
    """Carries answer content: enough content words, one not ordinary, and not all in the
    history (which is public)."""
    words = content_words(text)
    if len(words) < minimum or not any(word.distinctive for word in words):
        return False
    said = f" {' '.join(w.key for w in content_words(history))} "
    return f" {' '.join(w.key for w in words)} " not in said


def caught(planting: Planting, target: str, scratch: Path, images: FigureImages) -> bool:
    """Whether the planted case is refused, at validation or by the read-back check."""
    data = yaml.safe_load(planting.case.read_text(encoding="utf-8"))
    absolute_paths(data, planting.case.parent)
    leak = planting.text.replace("\n", " ")
    if target in ("view", "alt"):
        figure = data["figures"][0]
        figure[target] = f"{figure.get(target) or 'Axial CT'} {leak}"
    elif target == "series":
        data["series"] = f"{data.get('series') or 'Case'} {leak}"
    case = scratch / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    built = case
    if target == "conference title":
        built = scratch / "conference.yaml"
        text = yaml.safe_dump({"id": "planted", "title": f"Case conference {leak}",
                               "cases": [str(case)]}, allow_unicode=True)
        built.write_text(text, encoding="utf-8")
    try:
        (load_conference(built, images) if target == "conference title" else
         load_document(built, images))
    except CaseError as error:
        return any(words in str(error) for words in LEAK_WORDS)
    return read_back_refuses(built, scratch / "out")


def read_back_refuses(path: Path, out: Path) -> bool:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", str(path), "--out", str(out)])
    return code == 1 and any(words in err.getvalue() for words in LEAK_WORDS)


def absolute_paths(data: dict[str, Any], base: Path) -> None:
    for figure in data.get("figures") or []:
        kind = "stack" if "stack" in figure else "file"
        figure[kind] = str((base / figure[kind]).resolve())
    for key in ("references_file", "template", "logo"):
        if data.get(key):
            data[key] = str((base / data[key]).resolve())


def plain(text: str) -> str:
    return plain_text(parse_inline(str(text)))


def block_texts(text: str | None) -> list[str]:
    texts = []
    for block in parse_blocks(text) if text else ():
        items = block.items if isinstance(block, ListBlock) else (block,)
        texts += [plain_text(item) for item in items]
    return texts


def report(refused: list[str], outcomes: list, ordinary: int, seconds: float) -> None:
    cases = len(CORPUS) + len(CONFERENCES) + len(CLEAN_CASES)
    print(f"false alarms: {len(refused)} of {cases} cases and conferences refused "
          f"({len(CLEAN_CASES)} of them written by others, built with the read-back check)")
    for line in refused:
        print(f"  {line}")
    for whole, kind in ((True, "whole fields"), (False, "phrases of findings")):
        chosen = [o for o in outcomes if o[0].whole == whole]
        missed = [o for o in chosen if not o[2]]
        rate = 100 * (len(chosen) - len(missed)) / max(len(chosen), 1)
        print(f"{kind}: {len(chosen)} plantings, {len(missed)} missed, {rate:.1f}% caught")
        for planting, target, _ in missed[:15]:
            print(f"  missed: {planting.case.stem} {planting.field} in {target}: "
                  f"{planting.text[:70]!r}")
    print(f"not planted (ordinary image vocabulary only): {ordinary} fields")
    print(f"time: {seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main_bench())
