"""The private parts of libraries casedocs still uses, each for a gain measured in bench/
(issue 20): each is pinned by requirements.lock, and these tests fail, naming it, the day a
release changes it, rather than casedocs slowing down or breaking silently.

- python-pptx's package-writer steps (render/deck/writer.py): every part compressed once;
  without them a deck is saved and its zip read back (bench/bench.py, a deck's save).
- watchfiles' RustNotify (build/watch.py): one watcher kept across builds, folders watched
  each without its subfolders, and what the old watcher saw drained before a new one starts;
  watchfiles' public `watch()` makes a new watcher for every call.
"""

from __future__ import annotations

import re
import threading
from importlib import metadata
from pathlib import Path

from conftest import REPO


def _locked(distribution: str) -> str:
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(distribution)}==(\S+)", lock, re.MULTILINE)
    assert found, f"{distribution} is not pinned in requirements.lock"
    return found[1]


def test_the_libraries_whose_private_parts_we_use_are_the_locked_releases() -> None:
    for distribution in ("python-pptx", "watchfiles"):
        assert metadata.version(distribution) == _locked(distribution), (
            f"{distribution} {metadata.version(distribution)} is installed but "
            f"{_locked(distribution)} is locked: check the private parts it is used for")


def test_python_pptx_still_has_the_package_writer_steps_we_run() -> None:
    from pptx.opc.serialized import PackageWriter

    from casedocs.render.deck.writer import _WRITER_STEPS

    missing = [step for step in _WRITER_STEPS if not hasattr(PackageWriter, step)]
    assert missing == [], (f"python-pptx's PackageWriter lost {missing}: decks fall back to "
                           "save and read back (slower); see render/deck/writer.py")


def test_watchfiles_rust_notify_still_takes_our_arguments(tmp_path: Path) -> None:
    from watchfiles._rust_notify import RustNotify

    notify = RustNotify([str(tmp_path)], False, False, 300, False, True)
    try:
        assert notify.watch(50, 10, 1, None) == "timeout"
        (tmp_path / "saved.yaml").write_text("id: x\n")
        stop = threading.Event()
        changes = notify.watch(100, 20, 5000, stop)
        assert isinstance(changes, set)
        assert any(path.endswith("saved.yaml") for _, path in changes)
    finally:
        notify.close()
