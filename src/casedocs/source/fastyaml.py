"""The YAML parser casedocs reads with: libyaml's, when it is safe to use, else PyYAML's own.

libyaml is about fifteen times faster and gives the same nodes, lines and offsets for what both
read (tests/test_loader.py); it also reads a few things PyYAML's parser refuses, such as a tab
after a colon. Before 0.2.6 it had no limit on nesting: a few hundred thousand "[" overflowed
the C stack (a crash, not an error), where PyYAML's parser raises RecursionError, which the
loader reports. PyYAML 6.0.4's wheels bundle 0.2.6; a PyYAML built against an older libyaml
reads with its own parser.
"""

from __future__ import annotations

import yaml

SAFE_LIBYAML = (0, 2, 6)


def loader_for(libyaml: tuple[int, ...]) -> type:
    """The loader to read with, given the version of the libyaml PyYAML has (() for none)."""
    return yaml.CSafeLoader if libyaml >= SAFE_LIBYAML else yaml.SafeLoader


def _libyaml_version() -> tuple[int, ...]:
    if not getattr(yaml, "__with_libyaml__", False):
        return ()
    from yaml import _yaml  # type: ignore[attr-defined]

    return tuple(_yaml.get_version())


FAST_LOADER: type = loader_for(_libyaml_version())
