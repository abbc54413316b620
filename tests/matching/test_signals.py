"""People and employers tell matching about a saved seeker or posting through their own signals
(``people.signals.seeker_changed``, ``employers.signals.posting_changed``), connected in
``matching.apps``; they never import matching. Imports inside matching run one way too:
``tasks`` uses ``batch``, never the reverse."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction

import jobbridge
from jobbridge.employers.signals import posting_changed
from jobbridge.matching import tasks
from jobbridge.matching.apps import on_posting_changed, on_seeker_changed
from jobbridge.matching.models import MatchRun
from jobbridge.people.signals import seeker_changed
from tests.factories import EnterpriseFactory, UserFactory

from .test_store import new_posting

PACKAGE = Path(jobbridge.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level] if node.level else ()
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("app", ["people", "employers"])
def test_domain_apps_never_import_matching(app):
    files = sorted((PACKAGE / app).rglob("*.py"))
    assert files
    for path in files:
        upward = {m for m in imported_modules(path) if m.split(".")[:2] == ["jobbridge", "matching"]}
        assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}"


def test_batch_does_not_import_tasks():
    assert not {
        m
        for m in imported_modules(PACKAGE / "matching" / "batch.py")
        if m.startswith("jobbridge.matching.tasks")
    }


def test_matching_listens_to_both_signals():
    assert on_seeker_changed in [r[1]() for r in seeker_changed.receivers]
    assert on_posting_changed in [r[1]() for r in posting_changed.receivers]


@pytest.mark.django_db
def test_a_save_queues_its_refresh_after_commit_and_a_rolled_back_one_never(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The receiver defers to on_commit, as the direct call did."""
    queued = []
    monkeypatch.setattr(tasks, "refresh_lists", SimpleNamespace(enqueue=lambda *a: queued.append(a)))
    MatchRun.objects.create(version=1, status=MatchRun.Status.DONE, is_current=True)
    admin, enterprise = UserFactory(admin=True), EnterpriseFactory(region_id="320205")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            new_posting(admin, enterprise)
            raise RuntimeError("rolled back")
    assert callbacks == [] and queued == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = new_posting(admin, enterprise)
        assert queued == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued == [("p", post.pk)]
