"""A recorded delivery run: ``deliver_due`` with its progress written to a DeliveryRun row, which
the outbox page polls (HTMX) and the CLI mirrors with tqdm."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jobbridge.core.access import Jurisdiction, is_bureau
from jobbridge.core.jobs import fail_stale, job_fail, job_finish, job_progress, job_start

from .delivery import deliver_due
from .models import DeliveryRun

# Writing progress costs a query: every few rows is live enough for a line polled each second.
PROGRESS_EVERY = 10


def runs_visible_to(user):
    """Delivery runs a user may follow: administrators every run, others the runs they started
    (a run's counts span the whole outbox, so they are not a region's figures)."""
    if Jurisdiction.of(user).everywhere:
        return DeliveryRun.objects.all()
    return (
        DeliveryRun.objects.filter(started_by=user) if user.is_authenticated else DeliveryRun.objects.none()
    )


def run_start(*, actor) -> DeliveryRun:
    """A run sends every due message of the whole outbox: bureau staff and administrators only."""
    if not is_bureau(actor):
        raise PermissionDenied(_("仅人社部门工作人员可立即发送全部到期消息"))
    fail_stale(DeliveryRun)  # a run whose worker died is failed before a new one is shown
    return DeliveryRun.objects.create(started_by=actor if getattr(actor, "is_authenticated", False) else None)


def run_delivery(*, run_id: int | None = None, **kwargs) -> Counter:
    run = DeliveryRun.objects.filter(pk=run_id).first() if run_id else DeliveryRun.objects.create()
    if run is None or not job_start(run):  # a task delivered twice runs once
        return Counter()
    user_progress = kwargs.pop("progress", None)

    def progress(done: int, total: int, counts: Counter) -> None:
        if done == 0 or done % PROGRESS_EVERY == 0 or done == total:
            job_progress(run, done, total, counts=dict(counts))
        if user_progress:
            user_progress(done, total, counts)

    try:
        counts = deliver_due(progress=progress, **kwargs)
    except Exception as e:
        job_fail(run, str(e)[:2000])
        raise
    done = sum(counts.values())
    job_finish(run, done=done, total=max(done, run.total), counts=dict(counts))
    return counts
