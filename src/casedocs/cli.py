"""The `casedocs` command: build and validate case and conference files."""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
from pathlib import Path

from casedocs.errors import CaseError, UserError
from casedocs.render.registry import STANDALONE
from casedocs.wording import LANGUAGES


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A terminated build unwinds like Ctrl-C, so its temporary files are removed.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        return args.run(args)
    except CaseError as error:
        for report in error.reports:
            print(report, file=sys.stderr)
        return 1
    except UserError as error:  # a missing font, a template that cannot serve
        print(f"casedocs: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # an output folder that cannot be written, a full disk
        print(f"casedocs: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return 1


def _jobs_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs", "-j", type=int, default=0, metavar="N",
        help="processes to build in (default: CASEDOCS_JOBS, else every core)",
    )


def _exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casedocs", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="render handouts (PDF) and decks (PPTX)")
    build.add_argument("cases", nargs="+", type=Path, metavar="CASE_OR_CONFERENCE.yaml")
    build.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="output folder (default: build)",
    )
    build.add_argument(
        "--only",
        choices=[output.name for output in STANDALONE],
        help="build only this output (and its -unknown variant)",
    )
    build.add_argument(
        "--paper",
        choices=("letter", "a4"),
        default="letter",
        help="handout paper size (default: letter)",
    )
    build.add_argument(
        "--template",
        type=Path,
        metavar="PPTX_OR_POTX",
        help="the department's PowerPoint template (overrides template: keys)",
    )
    build.add_argument(
        "--language",
        choices=LANGUAGES,
        help="language of headings, prompts and labels (overrides language: keys)",
    )
    _jobs_option(build)
    build.set_defaults(run=_build, site=False, unknown=False)
    site = commands.add_parser(
        "site", help="a static teaching-file site: every case's page, the index, the library"
    )
    site.add_argument("cases", nargs="+", type=Path, metavar="CASES_OR_FOLDERS")
    site.add_argument(
        "--out", type=Path, default=Path("build/site"), metavar="DIR",
        help="the site's folder (default: build/site)",
    )
    site.add_argument(
        "--unknown", action="store_true",
        help="the quiz: pages with no answer anywhere in them, to send to residents",
    )
    site.add_argument("--paper", choices=("letter", "a4"), default="letter",
                      help="paper size of the handouts it links to (default: letter)")
    site.add_argument("--template", type=Path, metavar="PPTX_OR_POTX",
                      help="the department's PowerPoint template for its decks")
    site.add_argument("--language", choices=LANGUAGES,
                      help="language of headings, prompts and labels")
    _jobs_option(site)
    site.set_defaults(run=_build, only=None, site=True)
    validate = commands.add_parser("validate", help="check case files without building")
    validate.add_argument("cases", nargs="+", type=Path, metavar="CASE_OR_CONFERENCE.yaml")
    validate.set_defaults(run=_validate)
    layouts = commands.add_parser("layouts", help="list a template's layouts and placeholders")
    layouts.add_argument("template", type=Path, metavar="PPTX_OR_POTX")
    layouts.set_defaults(run=_layouts)
    schema = commands.add_parser("schema", help="print the JSON Schema of case files")
    schema.set_defaults(run=_schema)
    return parser


def _build(args: argparse.Namespace) -> int:
    """Inputs that are up to date are answered from their records (without validating them
    or importing a renderer); the others are built on every core, each written as soon as it
    is done; a site's index comes last."""
    from casedocs.build.report import Reporter
    from casedocs.build.runner import BuildRequest, run_build
    from casedocs.dates import build_timestamp

    request = BuildRequest(
        out_dir=args.out,
        site=args.site,
        quiz=args.unknown,
        only=args.only,
        paper=args.paper,
        template=args.template,
        template_digest=_digest(args.template),
        language=args.language,
        timestamp=build_timestamp().isoformat(),
        jobs=args.jobs,
    )
    return run_build(_case_files(args.cases, args.site), request, Reporter())


def _case_files(paths: list[Path], site: bool) -> list[Path]:
    """Files as given, and the case and conference files in folders (sorted); for a site,
    the cases its conferences show too."""
    from casedocs.source.inputs import case_files

    return case_files(paths, with_conference_cases=site)


def _digest(path: Path | None) -> str:
    """A file's hash, for options that name one ('' for none, 'missing' for none there)."""
    if path is None:
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _validate(args: argparse.Namespace) -> int:
    from casedocs.document.conference import ConferenceDocument
    from casedocs.figures import FigureImages
    from casedocs.load import load_all

    publications, warnings = load_all(args.cases, FigureImages())
    for warning in warnings:
        print(warning, file=sys.stderr)
    for publication in publications:
        if isinstance(publication, ConferenceDocument):
            print(f"{publication.id}: ok ({len(publication.documents)} cases)")
        else:
            print(
                f"{publication.id}: ok ({len(publication.figures)} figures, "
                f"{len(publication.references)} references)"
            )
    return 0


def _layouts(args: argparse.Namespace) -> int:
    from casedocs.render.deck.template import describe_layouts, open_presentation
    from casedocs.source.loader import display_path

    presentation = open_presentation(args.template)
    print(
        f"{display_path(args.template)}: {presentation.slide_width / 914400:.2f} x "
        f"{presentation.slide_height / 914400:.2f} in"
    )
    for info in describe_layouts(presentation):
        print(f"  {info}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from casedocs.source.model import Case

    print(json.dumps(Case.model_json_schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
