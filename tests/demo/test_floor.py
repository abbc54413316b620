"""The demo stands on the top floor: it imports every app, and no app imports it.

Each app's demo data lives in ``demo/<app>.py`` (see ``jobbridge/demo/__init__.py``). An app that
imported ``jobbridge.demo`` would pull the synthetic world, its catalogues and its published
password into production code paths, and start a circle with the demo that imports it back.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "jobbridge"


def _demo_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module or ""]
            if node.module == "jobbridge":
                modules = [f"jobbridge.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        else:
            continue
        for module in modules:
            if module == "jobbridge.demo" or module.startswith("jobbridge.demo."):
                yield node.lineno, module


def test_no_app_imports_the_demo():
    found = [
        f"{path.relative_to(SRC.parent)}:{line}: {module}"
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] != "demo"
        for line, module in _demo_imports(path)
    ]
    assert not found, (
        "only demo/ may import jobbridge.demo (move the code into demo/<app>.py):\n" + "\n".join(found)
    )


def test_no_app_keeps_a_demo_module():
    """The per-app demo modules moved into demo/; a new one belongs there too."""
    stray = sorted(str(p.relative_to(SRC.parent)) for p in SRC.glob("*/demo.py") if p.parent.name != "demo")
    assert not stray, f"demo data belongs in demo/<app>.py, not {stray}"


def test_the_check_sees_a_demo_import(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("from jobbridge import demo\ndef f():\n    from jobbridge.demo.build import build\n")
    assert [m for _l, m in _demo_imports(sample)] == ["jobbridge.demo", "jobbridge.demo.build"]
