"""Background work for matching: a thin wrapper so the page and the API return at once."""

from django_tasks import task

from .batch import MatchRunFailed, match_run_execute
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
    from .batch import refresh_posting, refresh_seeker

    (refresh_posting if kind == "p" else refresh_seeker)(pk)
