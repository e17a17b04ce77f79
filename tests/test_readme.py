"""Every command line in the README runs as written on a fresh clone (issue 12).

Each line of the README's ```sh blocks runs in bash, from the top of a fresh copy of the
project (the files git would commit: tracked and untracked but not ignored), with the .venv that
`make handout` makes in place and with no `casedocs` on the PATH, so a line that leans on an
activated shell fails as it would for a reader. Each line gets its own copy: nothing in the
repository changes, and no line depends on another. A line fails the test when it exits other
than 0. Only the lines in NOT_RUN are left out, each with its reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

README = REPO / "README.md"

# Lines that are not run, by how they start, and why; every one must still be in the README.
NOT_RUN = {
    "make test": "runs this test suite (and lint)",
}


def readme_commands() -> list[str]:
    """The command lines of the README's ```sh blocks (a line ending in a backslash joined
    with the next), comment-only lines left out."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line.strip())
    return commands


def _is_run(command: str) -> bool:
    return not any(command.startswith(prefix) for prefix in NOT_RUN)


def _project_files() -> list[Path]:
    """What a fresh clone holds: the files git tracks and the new ones it would add."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, check=True, timeout=60,
        ).stdout.decode()
    except (OSError, subprocess.SubprocessError):  # not a git checkout: all but the ignored
        ignored = {".git", ".venv", "build", ".pytest_cache", ".ruff_cache", "__pycache__"}
        return [path.relative_to(REPO) for path in REPO.rglob("*")
                if path.is_file() and not ignored & set(path.relative_to(REPO).parts)]
    return [Path(name) for name in listed.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the project, with the set-up `make handout` leaves: a .venv whose
    contents are the running one's (linked, so nothing is installed) and whose stamp is newer
    than pyproject.toml, so make does not install again."""
    folder = tmp_path_factory.mktemp("readme") / "clone"
    for name in _project_files():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, folder / name)
    venv = Path(sys.prefix)
    (folder / ".venv").mkdir()
    for entry in venv.iterdir():
        if entry.name != ".installed":
            (folder / ".venv" / entry.name).symlink_to(entry)
    later = time.time() + 1
    os.utime(folder / "pyproject.toml", (later - 10, later - 10))
    (folder / ".venv" / ".installed").touch()
    return folder


def _environment(clone: Path) -> dict[str, str]:
    """The caller's environment without an activated venv: a bare `casedocs` is not found."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    hidden = {str(Path(sys.prefix) / "bin"), str(clone / ".venv" / "bin")}
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if part and part.rstrip("/") not in hidden)
    env.setdefault("CASEDOCS_JOBS", "2")  # lines that name no --jobs
    return env


@pytest.mark.parametrize("command", [c for c in readme_commands() if _is_run(c)])
def test_readme_command_runs_as_written(clone: Path, tmp_path: Path, command: str) -> None:
    copy = tmp_path / "clone"
    shutil.copytree(clone, copy, symlinks=True)
    done = subprocess.run(["bash", "-c", command], cwd=copy, env=_environment(copy),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (
        f"README command failed (exit {done.returncode}): {command}\n"
        f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )


def test_the_readme_shows_commands_and_skips_only_what_it_shows() -> None:
    commands = readme_commands()
    assert len(commands) >= 10
    for prefix in NOT_RUN:
        assert any(command.startswith(prefix) for command in commands), (
            f"NOT_RUN names '{prefix}', which the README no longer shows"
        )


def test_the_readme_never_shows_casedocs_without_its_path() -> None:
    """`casedocs ...` alone is "command not found" in a fresh shell (issue 12)."""
    bare = [command for command in readme_commands() if command.startswith("casedocs ")]
    assert bare == []
