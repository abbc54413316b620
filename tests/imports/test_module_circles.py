"""No import circle runs through the import machinery, the upload desk, the importers or the
title-batch services (issue 16: engine <-> importers and jobtitles services <-> tasks were two).

Module by module, lazy imports inside functions included (a lazy import is still a dependency):
a circle anywhere in the project that passes through one of these modules fails, naming it.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "jobbridge"
WATCHED = (
    "jobbridge.core.importing",
    "jobbridge.core.jobs",
    "jobbridge.imports",
    "jobbridge.people.importing",
    "jobbridge.employers.importing",
    "jobbridge.transfers.importing",
    "jobbridge.returns.importing",
    "jobbridge.jobtitles",
)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_of(p): p
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and "management" not in p.parts
    }


def _edges(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                out.add(candidate if candidate in known else module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in known and m != name and not name.startswith(m + ".")}


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _edges(name, path, known) for name, path in known.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    circles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        trail.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, trail)
        trail.pop()
        state[node] = "closed"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return circles


def test_no_circle_through_the_import_modules_or_the_title_batches():
    bad = [c for c in _circles(_graph()) if any(m == w or m.startswith(w + ".") for m in c for w in WATCHED)]
    assert not bad, "import circles:\n" + "\n".join("  " + " -> ".join(c) for c in bad)


def test_the_circle_finder_finds_circles():
    """The finder itself, on the shape of the old engine <-> importer circle."""
    graph = {"engine": {"seekers"}, "seekers": {"engine", "models"}, "models": set(), "tasks": {"models"}}
    assert _circles(graph) == [["engine", "seekers", "engine"]]
    known = _modules()
    edges = _edges("jobbridge.jobtitles.tasks", known["jobbridge.jobtitles.tasks"], known)
    assert "jobbridge.jobtitles.services" in edges  # relative imports are resolved
