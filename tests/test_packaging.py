"""casedocs as a user installs it (issue 20): a wheel built from this tree, installed into a
fresh virtual environment that holds only what the package declares (its dependencies and
theirs, never an extra or a development tool), run in a terminal. Nothing is downloaded: the
declared distributions are taken from this environment."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import REPO

SEED = REPO / "content" / "is-case-4.yaml"
# The installed program sees only its environment: not this tree (PYTHONPATH, as a test run
# from a copy of the tree sets it).
CLEAN = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH",
                                                                          "PYTHONHOME")}


def declared(name: str = "casedocs") -> set[str]:
    """The distributions `name` needs when installed without extras, and what they need."""
    needed: set[str] = set()
    todo = [name]
    while todo:
        for line in metadata.requires(todo.pop()) or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            key = re.sub(r"[-_.]+", "-", requirement.name).lower()
            if key not in needed:
                needed.add(key)
                todo.append(key)
    return needed


def only_declared(folder: Path) -> Path:
    """A folder of links to the installed files of the declared distributions alone."""
    folder.mkdir()
    for name in declared():
        distribution = metadata.distribution(name)
        for file in distribution.files or []:
            top = file.parts[0]
            source = Path(distribution.locate_file(top))
            if top != ".." and source.exists() and not (folder / top).exists():
                (folder / top).symlink_to(source)
    return folder


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with casedocs installed from a wheel of this tree; its bin."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "--quiet", "-w", str(work / "wheel"), str(REPO)],
                   check=True, capture_output=True)
    environment = work / "env"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    wheel = next((work / "wheel").glob("casedocs-*.whl"))
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    str(wheel)], check=True, capture_output=True, env=CLEAN)
    site = next((environment / "lib").glob("python*/site-packages"))
    (site / "declared.pth").write_text(str(only_declared(work / "declared")) + "\n")
    return environment / "bin"


def in_terminal(command: list[str], cwd: Path) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal for its output (as a person at a terminal
    would); its exit status and what it printed."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, stdin=secondary, stdout=secondary,
                               stderr=secondary, env={**CLEAN, "TERM": "xterm"})
    os.close(secondary)
    output = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def test_what_casedocs_declares_is_what_it_imports_at_run_time(tmp_path: Path) -> None:
    """Every distribution a build of every output imports is declared (rich was not, once);
    what the interpreter imported before casedocs (site hooks) is not casedocs'."""
    script = ("import sys\nbefore = set(sys.modules)\nfrom casedocs.cli import main\n"
              f"main(['build', {str(SEED)!r}, '--out', sys.argv[1]])\n"
              f"main(['site', {str(SEED)!r}, '--out', sys.argv[1] + '/site'])\n"
              "from importlib.metadata import packages_distributions\n"
              "found = packages_distributions()\n"
              "top = {name.split('.')[0] for name in set(sys.modules) - before}\n"
              "print(sorted({d for t in top for d in found.get(t, [])}))")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out")],
                          capture_output=True, text=True, check=True)
    used = {re.sub(r"[-_.]+", "-", name).lower()
            for name in eval(done.stdout.strip().splitlines()[-1])}  # noqa: S307 (our own list)
    assert used - declared() - {"casedocs"} == set()


def test_an_installed_casedocs_builds_in_a_terminal(installed: Path, tmp_path: Path) -> None:
    status, shown = in_terminal([str(installed / "casedocs"), "build", str(SEED), "--out",
                                 str(tmp_path / "out")], tmp_path)
    assert status == 0, shown
    assert (tmp_path / "out" / "handouts" / "is-case-4.pdf").is_file()
    assert (tmp_path / "out" / "slides" / "is-case-4-unknown.pptx").is_file()


def test_version_module_run_and_the_guide_ship_with_the_package(installed: Path,
                                                                 tmp_path: Path) -> None:
    from casedocs import __version__

    status, shown = in_terminal([str(installed / "casedocs"), "--version"], tmp_path)
    assert (status, shown.strip()) == (0, f"casedocs {__version__}")
    status, shown = in_terminal([str(installed / "python"), "-m", "casedocs", "docs"], tmp_path)
    assert status == 0 and shown.startswith("# Case format"), shown[:200]
    assert "## Files" in shown or "Files" in shown
    status, shown = in_terminal([str(installed / "casedocs"), "docs", "--path"], tmp_path)
    assert "site-packages" in shown and REPO.name not in Path(shown.strip()).parts[:3]
