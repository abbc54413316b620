"""The engine must run without Django or the rest of JobBridge (benchmarks, tests, Dask workers)."""

import ast
import subprocess
import sys
from pathlib import Path

import jobbridge.matching.engine as engine

from .conftest import subprocess_env

ALLOWED_TOP = {"numpy", "scipy", "ortools", "rjieba", "__future__"} | set(sys.stdlib_module_names)


def test_engine_imports_only_numpy_scipy_ortools_and_itself():
    root = Path(engine.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside the engine
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED_TOP, f"{path.name} imports {name}"


def test_engine_runs_with_django_unavailable():
    code = (
        "import sys; sys.modules['django'] = None\n"
        "from worlds import synthetic as syn\n"
        "from jobbridge.matching.engine.features import SeekerBatch, PostingBatch\n"
        "from jobbridge.matching.engine.scoring import Scorer\n"
        "from jobbridge.matching.engine.topk import topk_both_ways\n"
        "from jobbridge.matching.engine import allocation, incremental, explain\n"
        "r = syn.region_table()\n"
        "sc = Scorer(SeekerBatch.from_records(syn.seekers(20), r), PostingBatch.from_records(syn.postings(30), r), today=syn.DAY0)\n"
        "print(topk_both_ways(sc, 3).seeker_postings.shape)\n"
        "assert not any(m.startswith('django') and sys.modules[m] is not None for m in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=subprocess_env()
    )
    assert out.returncode == 0, out.stderr
    assert "(20, 3)" in out.stdout


def test_every_engine_module_is_used_by_the_shipped_code():
    """The engine holds what the running service uses; worlds built only for tests and
    benchmarks live in bench/worlds/. Each engine module is imported by another engine module or
    by the glue under src/jobbridge (bench/ and tests/ do not count)."""
    root = Path(engine.__file__).parent
    package = root.parents[1]  # src/jobbridge
    used: set[str] = set()
    for path in package.rglob("*.py"):
        if path == root / "__init__.py":  # its re-exports are not a use
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = path.relative_to(package.parent).with_suffix("").parts  # ("jobbridge", ...)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level] if node.level else ()
                module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
                used.add(module)
                used.update(f"{module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                used.update(a.name for a in node.names)
    for path in root.glob("*.py"):
        if path.name == "__init__.py":
            continue
        name = f"jobbridge.matching.engine.{path.stem}"
        assert name in used, f"{path.name} is imported by nothing that ships (move it to bench/worlds/)"
