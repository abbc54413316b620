"""What every background job with a progress bar shares (imports, title batches, match runs,
notification send runs, and the reports and claims to come), so the pages and the CLI read
progress the same way and a job whose worker died does not stay "running" for ever.

A job model inherits ``Job``: a status with the stored values ``queued``, ``running``, ``done``
and ``failed`` (a model may add its own, as a match run adds ``superseded``), ``done``/``total``
progress, start and finish times, an error message and a heartbeat. The four helpers write
them, each as one UPDATE of the job's row that also sets the instance:

    if not job_start(job):             # claims a queued job; False when another worker has it
        return
    job_progress(job, done, total)     # every batch or so: the progress line, and the lease renewed
    job_finish(job, summary=...)       # done (or another end status), with the model's own fields
    job_fail(job, message)             # failed, with the message the page shows

``heartbeat_at`` is the job's lease: ``job_start`` takes it, and every write of progress renews it
(``job_progress``, or any UPDATE of ``done`` through the job's manager, as a match run's). A running
job whose heartbeat is older than ``JOBBRIDGE_JOB_LEASE_SECONDS`` (default five minutes) has lost
its worker (killed, out of memory, the machine restarted); ``fail_stale(Model)`` marks such jobs
failed, keeping what they committed. The pages and the CLI call it before they show jobs, so
nobody waits on a progress bar that will never move. A job reports progress far more often than
once a lease (an import: every batch of a second or so); one that cannot must not use the lease.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobbridge.core.models import Role

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)  # every job's Status holds at least these values
DEFAULT_LEASE_SECONDS = 300
MAX_ERROR = 4000


def progress_percent(done: int, total: int, finished: bool) -> int:
    """Whole percent done; a job with nothing to do is at 0 until it has finished, then at 100."""
    if not total:
        return 100 if finished else 0
    return min(100, int(done * 100 // total))


def job_lease() -> dt.timedelta:
    """How long a running job may go without a heartbeat before it counts as abandoned."""
    return dt.timedelta(seconds=int(getattr(settings, "JOBBRIDGE_JOB_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))


def status_field(choices: type[models.TextChoices]) -> models.CharField:
    """The status column of a job model, with the model's own labels for the shared values."""
    missing = set(STATUSES) - set(choices.values)
    if missing:
        raise TypeError(f"{choices.__qualname__} lacks the job statuses {sorted(missing)}")
    return models.CharField(gettext_lazy("状态"), max_length=10, choices=choices.choices, default=QUEUED)


def stale_q(*, lease: dt.timedelta | None = None, now: dt.datetime | None = None) -> Q:
    """Running jobs whose lease ran out: the last heartbeat, or for a job started before jobs
    took a lease (no heartbeat at all) its start, is older than the lease."""
    cutoff = (now or timezone.now()) - (lease or job_lease())
    return Q(status=RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


class JobQuerySet(models.QuerySet):
    def update(self, **values):
        """A write of progress (``done``) renews the lease, whoever writes it: ``job_progress``
        or a job's own UPDATE (a match run's ``_Progress``)."""
        if "done" in values:
            values.setdefault("heartbeat_at", timezone.now())
        return super().update(**values)

    def active(self):
        return self.filter(status__in=[QUEUED, RUNNING])

    def stale(self, *, lease: dt.timedelta | None = None, now: dt.datetime | None = None):
        return self.filter(stale_q(lease=lease, now=now))


class OwnUploadsQuerySet(JobQuerySet):
    """Uploads and their jobs hold clear ID numbers: administrators see every one, other staff
    their own, nobody else any. The model needs a ``created_by`` user."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self
        if user.role in (Role.BUREAU, Role.COMMISSIONER):
            return self.filter(created_by=user)
        return self.none()


class Job(models.Model):
    """The fields and readings every background job shares. A subclass declares its own
    ``Status`` (labels of its own, the shared values) as ``status = status_field(Status)``."""

    FINISHED: tuple[str, ...] = (DONE, FAILED)  # statuses after which nothing moves any more

    status = models.CharField(gettext_lazy("状态"), max_length=10, default=QUEUED)
    done = models.PositiveBigIntegerField(gettext_lazy("已处理"), default=0)
    total = models.PositiveBigIntegerField(gettext_lazy("总数"), default=0)
    error = models.TextField(gettext_lazy("错误"), blank=True)
    started_at = models.DateTimeField(gettext_lazy("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)
    # The lease: renewed by job_start and job_progress; see fail_stale.
    heartbeat_at = models.DateTimeField(gettext_lazy("心跳时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        return progress_percent(self.done, self.total, self.is_finished)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @classmethod
    def stale_fields(cls, message: str) -> dict:
        """Fields besides status, error and finish time that ``fail_stale`` writes (a model whose
        pages read the failure from elsewhere, like an import's summary, says so here)."""
        return {}


def _write(job: Job, **values) -> int:
    written = type(job)._base_manager.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)
    return written


def job_start(job: Job, **fields) -> bool:
    """Claim a queued job: running, started and heartbeat now, no error. Returns False, writing
    nothing, when the job is no longer queued (a task delivered twice runs once)."""
    now = timezone.now()
    values = {"status": RUNNING, "started_at": now, "heartbeat_at": now, "error": "", **fields}
    if not type(job)._base_manager.filter(pk=job.pk, status=QUEUED).update(**values):
        return False
    for name, value in values.items():
        setattr(job, name, value)
    return True


def job_progress(job: Job, done: int, total: int | None = None, **fields) -> None:
    """How far the job got (and how far it has to go); renews the lease."""
    values = {"done": done, "heartbeat_at": timezone.now(), **fields}
    if total is not None:
        values["total"] = total
    _write(job, **values)


def job_finish(job: Job, *, status: str = DONE, **fields) -> None:
    """The job's end: ``status`` (done unless the model says otherwise) and its results."""
    _write(job, status=status, finished_at=timezone.now(), **fields)


def job_fail(job: Job, message: str, **fields) -> None:
    """The job failed with ``message`` (shown on its page); what it committed stays."""
    _write(job, status=FAILED, error=str(message)[:MAX_ERROR], finished_at=timezone.now(), **fields)


def fail_stale(model: type[Job], *, lease: dt.timedelta | None = None) -> int:
    """Mark failed the running jobs of ``model`` whose worker stopped renewing the lease; returns
    how many. Pages and the CLI call it before they list or show jobs."""
    lease = lease or job_lease()
    now = timezone.now()
    message = _("后台进程已中断（超过%(minutes)d分钟没有进展），任务标记为失败；已提交的部分保持完整") % {
        "minutes": max(1, round(lease.total_seconds() / 60))
    }
    stale = model._base_manager.filter(stale_q(lease=lease, now=now))
    return stale.update(status=FAILED, error=message, finished_at=now, **model.stale_fields(message))
