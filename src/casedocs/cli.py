"""The `casedocs` command: build and validate case files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import OUTPUT_KINDS, load_document, render_outputs, write_atomically
from .errors import CaseError
from .fonts import FontNotFound


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except CaseError as error:
        for report in error.reports:
            print(report, file=sys.stderr)
        return 1
    except FontNotFound as error:
        print(f"casedocs: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casedocs", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="render handouts (PDF) and decks (PPTX)")
    build.add_argument("cases", nargs="+", type=Path, metavar="CASE.yaml")
    build.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="output folder (default: build)",
    )
    build.add_argument("--only", choices=OUTPUT_KINDS, help="build only this output")
    build.add_argument(
        "--paper",
        choices=("letter", "a4"),
        default="letter",
        help="handout paper size (default: letter)",
    )
    build.set_defaults(run=_build)
    validate = commands.add_parser("validate", help="check case files without building")
    validate.add_argument("cases", nargs="+", type=Path, metavar="CASE.yaml")
    validate.set_defaults(run=_validate)
    return parser


def _load_all(paths: list[Path]) -> list:
    """Every case loaded, or one CaseError listing the problems of all of them."""
    documents, reports = [], []
    for path in paths:
        try:
            loaded = load_document(path)
        except CaseError as error:
            reports += error.reports
            continue
        for warning in loaded.warnings:
            print(warning, file=sys.stderr)
        documents.append(loaded.document)
    if reports:
        raise CaseError(reports)
    return documents


def _build(args: argparse.Namespace) -> int:
    documents = _load_all(args.cases)
    kinds = [args.only] if args.only else list(OUTPUT_KINDS)
    outputs = render_outputs(documents, kinds, args.out, args.paper)
    write_atomically(outputs)
    for path in outputs:
        print(f"wrote {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    documents = _load_all(args.cases)
    for document in documents:
        print(
            f"{document.id}: ok ({len(document.figures)} figures, "
            f"{len(document.references)} references)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
