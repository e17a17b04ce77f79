"""The `casedocs` command: build and validate case files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import OUTPUT_KINDS, cache_dir, load_document, render_outputs, write_rendered
from .document import Document
from .errors import CaseError, Report
from .figures import FigureImages
from .fonts import FontNotFound
from .loader import display_path


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
    schema = commands.add_parser("schema", help="print the JSON Schema of case files")
    schema.set_defaults(run=_schema)
    return parser


def _load_all(paths: list[Path], images: FigureImages) -> list[Document]:
    """Every case loaded, or one CaseError listing the problems of all of them."""
    loaded: dict[Path, Document] = {}
    reports: list[Report] = []
    for path in paths:
        try:
            result = load_document(path, images)
        except CaseError as error:
            reports += error.reports
            continue
        for warning in result.warnings:
            print(warning, file=sys.stderr)
        loaded[path] = result.document
    reports += _clashing_ids(loaded)
    if reports:
        raise CaseError(reports)
    return list(loaded.values())


def _clashing_ids(loaded: dict[Path, Document]) -> list[Report]:
    """Two cases with one id would write the same output files."""
    owners: dict[str, Path] = {}
    reports = []
    for path, document in loaded.items():
        if document.id in owners:
            message = (
                f"'{document.id}' is also the id of {display_path(owners[document.id])}; "
                "both would write the same files"
            )
            reports.append(Report(display_path(path), None, "id", message))
        owners.setdefault(document.id, path)
    return reports


def _build(args: argparse.Namespace) -> int:
    images = FigureImages(cache_dir(args.out))
    documents = _load_all(args.cases, images)
    kinds = [args.only] if args.only else list(OUTPUT_KINDS)
    rendered = render_outputs(documents, kinds, args.out, images, args.paper)
    for warning in images.warnings:
        print(warning, file=sys.stderr)
    write_rendered(rendered, args.out)
    for path in rendered.outputs:
        print(f"wrote {path}")
    for path in rendered.current:
        print(f"up to date: {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    documents = _load_all(args.cases, FigureImages())
    for document in documents:
        print(
            f"{document.id}: ok ({len(document.figures)} figures, "
            f"{len(document.references)} references)"
        )
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .model import Case

    print(json.dumps(Case.model_json_schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
