"""The `casedocs` command: build and validate case and conference files."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from casedocs import __version__
from casedocs.errors import CaseError, UserError, os_error_text
from casedocs.render.registry import STANDALONE
from casedocs.wording import LANGUAGES

if TYPE_CHECKING:
    from casedocs.build.runner import BuildRequest
    from casedocs.interchange.mirc_import import ImportRound


def entry() -> None:
    """The `casedocs` program, as a process: `main`, then leave without freeing what it built
    object by object (as mypy does): by then every output is written and synced, and only
    standard output and error still hold text. A tenth of a cold build of one case."""
    code = main(exits_after=True)
    for stream in (sys.stdout, sys.stderr):
        # None when started with the stream closed; a closed pipe: nothing more to say.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None, exits_after: bool = False) -> int:
    """`exits_after`: the process ends when the command does (what `entry` runs)."""
    args = _parser().parse_args(argv)
    args.exits_after = exits_after
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
    except OSError as error:  # a folder that cannot be made; writes say which file (files.py)
        print(f"casedocs: {os_error_text(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: temporary files are gone by now (atomic.py)
        print("casedocs: stopped", file=sys.stderr)
        return 130


def _jobs_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs", "-j", type=int, default=0, metavar="N",
        help="processes to build in (default: casedocs.toml's jobs, CASEDOCS_JOBS, else every "
        "core)",
    )


def _build_options(command: argparse.ArgumentParser, only: bool = True) -> None:
    """The options of what is built and how: build, site and watch share them."""
    if only:
        command.add_argument(
            "--only",
            choices=[output.name for output in STANDALONE],
            help="build only this output (and its -unknown variant)",
        )
    command.add_argument(
        "--paper", choices=("letter", "a4"),
        help="handout paper size (default: casedocs.toml's paper, else letter)",
    )
    command.add_argument(
        "--template", type=Path, metavar="PPTX_OR_POTX",
        help="the department's PowerPoint template (overrides template: keys)",
    )
    command.add_argument(
        "--stacks", choices=("video", "key"),
        help="a deck's stacks (series) as videos, or their key slices only (default: "
        "casedocs.toml's stacks, else video)",
    )
    command.add_argument(
        "--language", choices=LANGUAGES,
        help="language of headings, prompts and labels (overrides language: keys)",
    )
    _jobs_option(command)


def _exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casedocs", description=__doc__)
    parser.add_argument("--version", action="version", version=f"casedocs {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="render handouts (PDF) and decks (PPTX)")
    build.add_argument("cases", nargs="+", type=Path, metavar="CASE_OR_CONFERENCE.yaml")
    build.add_argument(
        "--out", type=Path, metavar="DIR",
        help="output folder (default: casedocs.toml's out, else build)",
    )
    _build_options(build)
    build.set_defaults(run=_build, site=False, unknown=False)
    site = commands.add_parser(
        "site", help="a static teaching-file site: every case's page, the index, the library"
    )
    site.add_argument("cases", nargs="+", type=Path, metavar="CASES_OR_FOLDERS")
    site.add_argument(
        "--out", type=Path, metavar="DIR",
        help="the site's folder (default: site in casedocs.toml's out, else build/site)",
    )
    site.add_argument(
        "--unknown", action="store_true",
        help="the quiz: pages with no answer anywhere in them, to send to residents",
    )
    _build_options(site, only=False)
    site.set_defaults(run=_build, only=None, site=True)
    watch = commands.add_parser(
        "watch", help="build, then build again what changed on every save (Ctrl-C stops)"
    )
    watch.add_argument("cases", nargs="+", type=Path, metavar="CASES_OR_FOLDERS")
    watch.add_argument("--out", type=Path, metavar="DIR",
                       help="output folder (default: build, or build/site with --site)")
    watch.add_argument("--site", action="store_true",
                       help="build the teaching-file site (as casedocs site does)")
    watch.add_argument("--unknown", action="store_true",
                       help="with --site: the quiz, pages with no answer anywhere in them")
    _build_options(watch)
    watch.set_defaults(run=_watch)
    serve = commands.add_parser(
        "serve", help="build the site, serve it on this machine and rebuild it on every save "
        "(open pages reload; Ctrl-C stops)"
    )
    serve.add_argument("cases", nargs="+", type=Path, metavar="CASES_OR_FOLDERS")
    serve.add_argument("--port", type=int, default=8000, metavar="N",
                       help="the port on 127.0.0.1 (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--unknown", action="store_true",
                       help="the quiz: pages with no answer anywhere in them")
    serve.add_argument("--out", type=Path, metavar="DIR",
                       help="the site's folder (default: as for casedocs site)")
    _build_options(serve, only=False)
    serve.set_defaults(run=_serve, only=None, site=True)
    validate = commands.add_parser("validate", help="check case files without building")
    validate.add_argument("cases", nargs="+", type=Path, metavar="CASE_OR_CONFERENCE.yaml")
    validate.set_defaults(run=_validate)
    layouts = commands.add_parser("layouts", help="list a template's layouts and placeholders")
    layouts.add_argument("template", type=Path, metavar="PPTX_OR_POTX")
    layouts.set_defaults(run=_layouts)
    schema = commands.add_parser("schema", help="print the JSON Schema of case files")
    schema.add_argument("--out", type=Path, metavar="FILE",
                        help="write it to FILE instead (case.schema.json beside the cases)")
    schema.add_argument("--settings", action="store_true",
                        help="the schema of casedocs.toml, the project's settings, instead")
    schema.set_defaults(run=_schema)
    new = commands.add_parser("new", help="start a case: a starter file with every section")
    new.add_argument("id", metavar="ID",
                     help="the case's id (lowercase letters, digits and hyphens: chest-07)")
    new.add_argument("--dir", type=Path, default=Path("content"), metavar="DIR",
                     help="the folder to write ID.yaml in (default: content)")
    new.set_defaults(run=_new)
    docs = commands.add_parser("docs", help="print the case format guide (Markdown)")
    docs.add_argument("--path", action="store_true", help="print where the guide is instead")
    docs.set_defaults(run=_docs)
    _interchange_commands(commands)
    return parser


def _docs(args: argparse.Namespace) -> int:
    """The case format guide, shipped inside the package (an installed casedocs has it)."""
    guide = Path(__file__).with_name("guide") / "case-format.md"
    if args.path:
        print(guide)
    else:
        sys.stdout.write(guide.read_text(encoding="utf-8"))
    return 0


def _build(args: argparse.Namespace) -> int:
    """Inputs that are up to date are answered from their records (without validating them
    or importing a renderer); the others are built on every core, each written as soon as it
    is done; a site's index comes last."""
    from casedocs.build.report import Reporter
    from casedocs.build.runner import run_build

    request = _request(args, ends_with_build=args.exits_after and not args.site)
    return run_build(_case_files(args.cases, args.site), request, Reporter())


def _watch(args: argparse.Namespace) -> int:
    """Build, then build again on every save of what the inputs read; see build/watch.py."""
    from casedocs.build.watch import watch

    if args.unknown and not args.site:
        raise UserError("--unknown is the site's quiz: use it with --site")
    if args.site and args.only:
        raise UserError("--only chooses among handouts and decks; --site builds the site")
    return watch(args.cases, _request(args), with_conference_cases=args.site,
                 asked_again=lambda: _request(args))


def _serve(args: argparse.Namespace) -> int:
    """The site built, served on 127.0.0.1 and built again on every save; see build/serve.py."""
    from casedocs.build.serve import serve

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port: {args.port} is not a port (0 to 65535)")
    return serve(args.cases, _request(args), args.port, args.open,
                 asked_again=lambda: _request(args))


def _request(args: argparse.Namespace, ends_with_build: bool = False) -> BuildRequest:
    """What build, site and watch are asked to build, from their shared options.
    `ends_with_build`: the process ends when the build does (nothing is made after it)."""
    from casedocs.build.runner import BuildRequest, file_digest
    from casedocs.dates import build_timestamp
    from casedocs.render.output import Settings
    from casedocs.source.project import FILE_NAME, project_settings

    project = project_settings(Path.cwd())
    out = args.out or project.out or Path("build")
    if args.site and args.out is None:
        out = out / "site"
    template = args.template or project.template
    settings = Settings(
        args.paper or project.paper or "letter",
        template,
        args.language or project.language,
        project.institution,
        project.logo,
        args.stacks or project.stacks or "video",
    )
    return BuildRequest(
        out_dir=out,
        site=args.site,
        quiz=args.unknown,
        only=args.only,
        settings=settings,
        template_digest=file_digest(template),
        logo_digest=file_digest(project.logo),
        timestamp=build_timestamp().isoformat(),
        jobs=args.jobs or project.jobs or 0,
        settings_file=project.file or Path.cwd() / FILE_NAME,
        while_building=partial(_rare_collections, restore=not ends_with_build),
    )


@contextlib.contextmanager
def _rare_collections(stale: list[Path], restore: bool) -> Iterator[None]:
    """A build of one case keeps nearly everything it allocates until it ends, so looking for
    garbage cycles while it runs is wasted work (a tenth of a cold build of the seed). Builds
    of several inputs, or of a conference (many cases, one after another), whose garbage would
    pile up, collect as usual. `restore`: the usual setting comes back after the build (for a
    watch, which waits for the next save, or a site's index, made next); a process that ends
    with the build skips it, since it starts a collection of everything the build made."""
    from casedocs.source.inputs import is_conference_file

    if len(stale) != 1 or is_conference_file(stale[0]):
        yield
        return
    before = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        yield
    finally:
        if restore:
            gc.set_threshold(*before)


def _case_files(paths: list[Path], site: bool) -> list[Path]:
    """Files as given, and the case and conference files in folders (sorted); for a site,
    the cases its conferences show too."""
    from casedocs.source.inputs import case_files

    return case_files(paths, with_conference_cases=site)


def _validate(args: argparse.Namespace) -> int:
    from casedocs.document.conference import ConferenceDocument
    from casedocs.figures import FigureImages
    from casedocs.load import load_all

    publications, warnings = load_all(args.cases, FigureImages())
    for warning in warnings:
        print(warning, file=sys.stderr)
    for publication in publications:
        if isinstance(publication, ConferenceDocument):
            print(f"{publication.id}: ok ({_counted(len(publication.documents), 'case')})")
        else:
            print(
                f"{publication.id}: ok ({_counted(len(publication.figures), 'figure')}, "
                f"{_counted(len(publication.references), 'reference')})"
            )
    return 0


def _counted(count: int, thing: str) -> str:
    """ "1 figure", "2 figures" """
    return f"{count} {thing}{'' if count == 1 else 's'}"


def _layouts(args: argparse.Namespace) -> int:
    from casedocs.render.deck.template import describe_layouts, open_template
    from casedocs.source.loader import display_path
    from casedocs.source.named_files import TEMPLATE, check_option_file

    check_option_file("layouts", args.template, TEMPLATE)  # a FIFO would hang open()
    opened = open_template(args.template)
    for warning in opened.warnings:
        print(warning, file=sys.stderr)
    presentation = opened.presentation
    print(
        f"{display_path(args.template)}: {presentation.slide_width / 914400:.2f} x "
        f"{presentation.slide_height / 914400:.2f} in"
    )
    for info in describe_layouts(presentation):
        print(f"  {info}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    import json

    from casedocs.source.project import settings_schema
    from casedocs.source.starter import schema_text

    text = json.dumps(settings_schema(), indent=2) + "\n" if args.settings else schema_text()
    if args.out is None:
        print(text, end="")
        return 0
    from casedocs.build.atomic import write_atomically

    write_atomically({args.out: text.encode()})
    print(f"wrote {args.out}")
    return 0


def _new(args: argparse.Namespace) -> int:
    """A starter case file, and the schema its first line points at when that is missing or
    out of date; then what to do next. Nothing is written for a bad id or an existing file."""
    from casedocs.build.atomic import write_atomically
    from casedocs.source.loader import display_path
    from casedocs.source.starter import SCHEMA_FILE, figure_file, schema_text, starter_text

    _check_new_id(args.id)
    case = args.dir / f"{args.id}.yaml"
    if case.exists() or case.is_symlink():
        raise UserError(
            f"{display_path(case)} already exists; nothing written (edit that file, or choose "
            "another id)"
        )
    outputs = {case: starter_text(args.id).encode()}
    schema = args.dir / SCHEMA_FILE
    old_schema = schema.read_bytes() if schema.is_file() else None
    if old_schema != schema_text().encode():
        outputs[schema] = schema_text().encode()
    write_atomically(outputs)
    image = args.dir / figure_file(args.id)
    image.parent.mkdir(parents=True, exist_ok=True)
    print(f"wrote {display_path(case)}")
    if schema in outputs:
        why = "it was missing" if old_schema is None else "it was out of date"
        print(f"wrote {display_path(schema)} ({why}): editors complete and check case files "
              "with it")
    for line in _next_steps(display_path(case), display_path(image), args.dir):
        print(line)
    return 0


def _check_new_id(case_id: str) -> None:
    """The id rules of case files (the model's pattern and length; no -unknown ending),
    before writing."""
    import re

    from casedocs.render.output import UNKNOWN_SUFFIX
    from casedocs.source.model import SLUG_PATTERN

    _check_id_length(case_id, "nothing written")
    if not re.fullmatch(SLUG_PATTERN, case_id):
        raise UserError(
            f"'{case_id}' is not a case id: use lowercase letters, digits and single hyphens "
            "between them, as in chest-07; nothing written"
        )
    if case_id.endswith(UNKNOWN_SUFFIX):
        raise UserError(
            f"'{case_id}' ends in {UNKNOWN_SUFFIX}, which names the unknown variants of "
            "outputs; choose another id; nothing written"
        )


def _check_id_length(case_id: str, outcome: str) -> None:
    """An id too long to name files by is refused before anything is done with it."""
    from casedocs.source.model import id_length_problem
    from casedocs.source.named_files import printable

    problem = id_length_problem(case_id)
    if problem:
        raise UserError(f"'{printable(case_id, longest=40)}' {problem}; {outcome}")


def _next_steps(case: str, image: str, folder: Path) -> list[str]:
    command = _command()
    steps = [
        f"put the image at {image} (PNG, JPEG, TIFF or DICOM; for more figures, copy the "
        "figures item)",
        f'replace every "TODO: ..." in {case} with the case\'s own text',
        f"check it:  {command} validate {case}",
        f"build it:  {command} build {case}",
    ]
    if folder.resolve() == Path("content").resolve() and Path("Makefile").is_file():
        steps[-1] += "   (or every case in content/: make handout, make all)"
    return ["next:", *(f"  {n}. {step}" for n, step in enumerate(steps, 1))]


def _command() -> str:
    """The casedocs command as the author can type it again: as they ran it
    (.venv/bin/casedocs), or casedocs when their PATH finds that one."""
    import shutil

    from casedocs.source.loader import display_path

    script = Path(sys.argv[0])
    if script.name != "casedocs":
        return "casedocs"
    found = shutil.which("casedocs")
    if found and Path(found).resolve() == script.resolve():
        return "casedocs"
    shown = display_path(script)
    return shown if "/" in shown else f"./{shown}"



def _interchange_commands(commands: argparse._SubParsersAction) -> None:
    """`import mirc` and `export mirc`: cases in from and out to RSNA MIRC."""
    importing = commands.add_parser("import", help="make a case file from another system's case")
    systems = importing.add_subparsers(required=True, metavar="SYSTEM")
    mirc = systems.add_parser("mirc", help="MIRCdocuments: each one's XML, folder or MIRC's "
                              "zip, or a folder of exports")
    mirc.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    mirc.add_argument("--out", type=Path, default=Path("content"), metavar="DIR",
                      help="where the case file and its images/ go (default: content)")
    mirc.add_argument("--id", help="the case's id (default: from the document's neutral "
                      "label, its alternative-title, else mirc-HASH; never a file name)")
    mirc.add_argument("--force", action="store_true", help="replace a case of that id")
    mirc.set_defaults(run=_import_mirc)
    exporting = commands.add_parser("export", help="a case as another system takes it")
    systems = exporting.add_subparsers(required=True, metavar="SYSTEM")
    mirc = systems.add_parser("mirc", help="a MIRCdocument zip for MIRC's author and submit "
                              "services")
    mirc.add_argument("case", type=Path, metavar="CASE.yaml")
    mirc.add_argument("--out", type=Path, default=Path("build/mirc"), metavar="DIR",
                      help="where ID.zip goes (default: build/mirc)")
    mirc.set_defaults(run=_export_mirc)


def _import_mirc(args: argparse.Namespace) -> int:
    from casedocs.interchange.mirc_document import documents_in

    documents = documents_in(args.paths)
    if args.id is not None:
        _check_id_length(args.id, "nothing imported")
        if len(documents) > 1:
            raise UserError(f"--id names one case, but {len(documents)} documents were given")
    if len(documents) == 1:
        return _import_one(documents[0], args).code
    return _import_many(documents, args)


@dataclass
class _Outcome:
    document: Path
    case_file: Path | None = None
    status: str = "imported"
    code: int = 0


def _import_one(document: Path, args: argparse.Namespace,
                round_: ImportRound | None = None, quiet: bool = False) -> _Outcome:
    """One document imported, validated and reported; a document that cannot be imported
    is refused with nothing written."""
    from casedocs.interchange.mirc_import import import_mirc
    from casedocs.load import load_document
    from casedocs.source.loader import display_path

    try:
        imported = import_mirc(document, args.out, args.id, args.force, round_)
    except UserError as error:
        if not quiet:
            raise
        return _Outcome(document, None, f"refused: {error}", 1)  # the table says why
    outcome = _Outcome(document, imported.case_file)
    if imported.taken_id:
        outcome.status = f"imported as {imported.case_file.stem} ({imported.taken_id} was taken)"
    if not quiet:
        print(f"wrote {display_path(imported.case_file)} and its images")
        print("\n".join(imported.summary.lines()))
    try:
        loaded = load_document(imported.case_file)
    except CaseError as error:
        print(f"left for you to fix in {display_path(imported.case_file)}:", file=sys.stderr)
        for report in error.reports:
            print(report, file=sys.stderr)
        outcome.status = f"imported, {len(error.reports)} problem(s) left to fix"
        outcome.code = 1
        return outcome
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    if loaded.warnings and outcome.status == "imported":
        outcome.status = f"imported with {len(loaded.warnings)} warning(s)"
    if not quiet:
        print(f"it validates; build it: {_command()} build {display_path(imported.case_file)}")
    return outcome


def _import_many(documents: list[Path], args: argparse.Namespace) -> int:
    """Each document in turn, all or nothing for each; a progress bar on a terminal, and a
    table of what became of each at the end."""
    from casedocs.interchange.mirc_import import ImportRound
    from casedocs.source.loader import display_path

    round_ = ImportRound()
    outcomes = []
    with _progress(len(documents), "importing") as advance:
        for document in documents:
            outcomes.append(_import_one(document, args, round_, quiet=True))
            advance()
    width = max(len(display_path(o.document)) for o in outcomes)
    for outcome in outcomes:
        print(f"{display_path(outcome.document):<{width}}  {outcome.status}")
    refused = sum(o.case_file is None for o in outcomes)
    left = sum(o.code != 0 and o.case_file is not None for o in outcomes)
    print(f"casedocs: {len(outcomes)} documents: {len(outcomes) - refused} imported "
          f"({left} with problems left to fix), {refused} refused")
    return 1 if refused or left else 0


@contextlib.contextmanager
def _progress(total: int, what: str) -> Iterator[Callable[[], None]]:
    """A transient progress bar on a terminal (rich); nothing elsewhere."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from casedocs.build.report import progress_bar

    with progress_bar(sys.stderr) as progress:
        task = progress.add_task(what, total=total)
        yield lambda: progress.advance(task)


def _export_mirc(args: argparse.Namespace) -> int:
    from casedocs.interchange.mirc_export import export_case_file
    from casedocs.source.inputs import unreadable_input
    from casedocs.source.loader import display_path

    unreadable = unreadable_input(args.case)  # before anything opens it: a FIFO would hang
    if unreadable is not None:
        raise CaseError([unreadable])

    print(f"wrote {display_path(export_case_file(args.case, args.out))}")
    return 0


if __name__ == "__main__":
    entry()
