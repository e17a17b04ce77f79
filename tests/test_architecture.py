"""The package's shape (issue 9): layers only point down, and no module imports itself back.

`make lint` checks the layer contract (import-linter, pyproject.toml); this test finds import
cycles between modules, including imports made inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "casedocs"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The casedocs modules `path` imports anywhere in it (a name imported from a package
    counts as that package unless it is a module of its own)."""
    found = set()
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                      for a in node.names}
    return {name for name in found if name in modules} - {module_name(path)}


def test_no_import_cycles() -> None:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {name: imports_of(path, set(paths)) for name, path in paths.items()}
    cycles = [component for component in strongly_connected(graph) if len(component) > 1]
    assert cycles == [], f"modules that import each other: {cycles}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative enough for a package of a few dozen modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert sorted(map(sorted, strongly_connected(graph))) == [["a", "b", "c"], ["d"]]


def test_each_heading_and_prompt_is_written_once() -> None:
    """Wording lives in wording.py: no other module or page template spells a heading,
    prompt or note."""
    from casedocs.wording import ENGLISH

    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.j2")]
    sources = {path: path.read_text(encoding="utf-8") for path in files
               if path.name != "wording.py"}
    for key, text in ENGLISH.items():
        if "{" in text:  # templates ("Fig. {number}") are looked up by key
            continue
        spelled = [path.name for path, source in sources.items()
                   if f'"{text}"' in source or f">{text}<" in source]
        assert spelled == [], (key, spelled)


def test_no_output_is_named_outside_the_registry_and_its_modules() -> None:
    """build and cli loop over the registry; they never test an output's name."""
    for path in [*PACKAGE.glob("build/*.py"), PACKAGE / "cli.py", PACKAGE / "load.py"]:
        source = path.read_text(encoding="utf-8")
        for name in ('"handout"', '"slides"', '"handout-unknown"', '"slides-unknown"'):
            assert name not in source, (path.name, name)
