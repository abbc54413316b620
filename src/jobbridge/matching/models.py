"""Versioned, precomputed match lists.

A ``MatchRun`` is one full recompute (a version). Its results are ``MatchList`` rows, one per
seeker (their best postings) and one per posting (its best seekers), each holding the ranked
items with score and compact reason components (see ``distributed.encode_reasons``). A run writes
all its rows first and is then switched in by flipping ``is_current`` in one transaction, so
readers see either the whole old version or the whole new one; a run that fails never becomes
current and the previous one keeps serving.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobbridge.core.jobs import DONE, FAILED, Job, status_field


class MatchRun(Job):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        SUPERSEDED = "superseded", _("已被取代")

    FINISHED = (DONE, FAILED, Status.SUPERSEDED)

    version = models.PositiveIntegerField(_("版本"), unique=True)
    status = status_field(Status)
    is_current = models.BooleanField(_("当前版本"), default=False)
    # {"k": 10, "scheduler": "tcp://…" | "", "today": "2026-11-22"}
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    # done / total: permille of the run, out of 1000 (Job)
    stage = models.CharField(_("阶段"), max_length=64, blank=True)
    seekers = models.PositiveIntegerField(_("求职者数"), default=0)
    postings = models.PositiveIntegerField(_("岗位数"), default=0)
    seeker_rows = models.PositiveIntegerField(_("求职者推荐条数"), default=0)
    posting_rows = models.PositiveIntegerField(_("岗位候选条数"), default=0)
    partitions = models.PositiveIntegerField(_("分区数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("匹配批次")
        verbose_name_plural = _("匹配批次")
        constraints = [
            # At most one current version, enforced by the database itself.
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_match_run"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class MatchList(models.Model):
    """One owner's ranked list in one version: a seeker's postings or a posting's seekers.

    ``items`` is JSON text ``[[other_id, score, [[code, points‰, …facts], …]], …]``, best first.
    Text rather than a JSON column: it is never queried inside, only read whole, and plain text
    is the cheapest thing to COPY in and hand back.
    """

    class Kind(models.TextChoices):
        SEEKER = "s", _("求职者→岗位")
        POSTING = "p", _("岗位→求职者")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="lists", db_index=False)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    owner_id = models.BigIntegerField()
    items = models.TextField()
    # Set by incremental updates, so a page can say the list was refreshed after the batch.
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "owner_id"], name="one_match_list_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.kind}{self.owner_id}"


class MatchAllocation(models.Model):
    """One allocation over a version's arcs: who would fill which vacancy, and placement rates by group."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="allocations")
    method = models.CharField(_("方法"), max_length=16)  # "optimal" | "stable"
    arcs = models.PositiveIntegerField(_("候选边数"), default=0)
    placed = models.PositiveIntegerField(_("安置人数"), default=0)
    objective = models.FloatField(_("总匹配度"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    # [{"group", "seekers", "with_candidates", "placed", "rate"}, …] and the first assignments
    report = models.JSONField(_("分组安置率"), default=list)
    sample = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} v{self.run_id}: {self.placed}"
