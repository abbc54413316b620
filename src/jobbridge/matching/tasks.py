"""Background work for matching: thin wrappers so the page, the API and a save return at once.

Imports run one way: this module uses ``batch``, never the reverse. The incremental refresh of
a saved seeker or posting starts here (``note_change``), called by the receivers of
``people.signals.seeker_changed`` and ``employers.signals.posting_changed`` in ``apps.py``, so
the domain apps never import matching.
"""

from django.db import transaction
from django_tasks import task

from .batch import MatchRunFailed, match_run_execute, refresh_posting, refresh_seeker
from .models import MatchRun


@task()
def run_match(run_id: int) -> None:
    run = MatchRun.objects.get(pk=run_id)
    if run.status != MatchRun.Status.QUEUED:  # a task delivered twice runs once
        return
    try:
        match_run_execute(run=run)
    except MatchRunFailed:
        pass  # recorded on the run (status failed, error text); the previous version keeps serving


@task()
def refresh_lists(kind: str, pk: int) -> None:
    """Incremental update of one posting's ("p") or seeker's ("s") list in the current version."""
    (refresh_posting if kind == "p" else refresh_seeker)(pk)


def note_change(kind: str, pk: int) -> None:
    """Called inside the saving service's transaction (through the signal receivers): once it
    commits, queue the incremental refresh of that posting ("p") or seeker ("s"). Never fails the
    save."""

    def enqueue() -> None:
        if MatchRun.objects.filter(is_current=True).exists():
            refresh_lists.enqueue(kind, pk)

    transaction.on_commit(enqueue, robust=True)
