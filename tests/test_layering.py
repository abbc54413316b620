"""The floors of the house: an app may import only the apps on the floors below it.

The floors are written down once, here, and explained in docs/layout.md. The test reads every
module's imports (top-level and inside functions, since a lazy import is still a dependency) and
fails naming the file, the line and both floors when an import runs back up or sideways.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jobbridge"

# Lowest first. Apps on one floor may not import each other (that is how circles start).
FLOORS: list[set[str]] = [
    {"core"},
    {"people", "jobtitles"},
    {"employers"},
    {"transfers", "returns"},
    {"placements"},
    {"matching"},
    {"notifications"},
    {"fairs", "transport", "training", "assistance", "entrepreneurs"},
    {"imports", "web"},
    {"api", "demo"},
    {"urls", "wsgi", "cli", "settings_project"},
]
# settings is configuration: it may import core (local keys) and nothing else.
CONFIG = {"settings": {"core"}}

FLOOR_OF = {app: n for n, apps in enumerate(FLOORS) for app in apps}

# Known imports that still run the wrong way, each with the work that removes it. The list only
# shrinks: a new entry needs a decision record in docs/decisions/.
KNOWN: set[tuple[str, str]] = set()


def _app(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside the app
                continue
            names = [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "jobbridge" and len(parts) > 1:
                yield node.lineno, parts[1], name


def _violations():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations import no app code (checked apart)
        app = _app(path)
        if app == "__init__":
            continue
        for line, target, _module in _imports(path):
            if target == app or target == "__init__":
                continue
            rel = str(path.relative_to(SRC.parent))
            if app in CONFIG:
                if target not in CONFIG[app]:
                    found.append((rel, line, app, target, "configuration imports only core"))
                continue
            if app not in FLOOR_OF:
                found.append((rel, line, app, target, f"{app} stands on no floor: add it to FLOORS"))
                continue
            if target not in FLOOR_OF:
                found.append((rel, line, app, target, f"{target} stands on no floor"))
                continue
            if FLOOR_OF[target] >= FLOOR_OF[app] and (app, target) not in KNOWN:
                how = "sideways" if FLOOR_OF[target] == FLOOR_OF[app] else "up"
                found.append(
                    (rel, line, app, target, f"{how}: floor {FLOOR_OF[app]} imports floor {FLOOR_OF[target]}")
                )
    return found


def test_every_import_runs_down_a_floor():
    found = _violations()
    assert not found, "imports against the floors (see docs/layout.md):\n" + "\n".join(
        f"  {rel}:{line}: {app} -> {target} ({why})" for rel, line, app, target, why in found
    )


def test_known_exceptions_are_still_needed():
    """An exception that no longer occurs must leave the list, so the list only shrinks."""
    seen = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        app = _app(path)
        for _line, target, _module in _imports(path):
            seen.add((app, target))
    assert KNOWN <= seen, f"no longer needed, remove from KNOWN: {sorted(KNOWN - seen)}"


# Loaders that take the historical models as arguments and import no models themselves.
MIGRATION_HELPERS = ("jobbridge.core.reference",)


@pytest.mark.parametrize(
    "path", sorted((SRC).glob("*/migrations/0*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_migrations_import_no_app_code(path):
    """A migration runs against the schema of its time: app code of today would not fit it."""
    bad = [
        (line, module) for line, _target, module in _imports(path) if not module.startswith(MIGRATION_HELPERS)
    ]
    assert not bad, f"{path.relative_to(SRC)} imports app code: {bad}"
