"""One row per uploaded roster: what was sent, by whom, how far it got and what came of it."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobbridge.core.jobs import Job, OwnUploadsQuerySet, status_field

if TYPE_CHECKING:
    from jobbridge.core.importing.engine import Outcome


class ImportKind(models.TextChoices):
    SEEKERS = "seekers", _("求职者")
    ENTERPRISES = "enterprises", _("用人单位")
    POSTINGS = "postings", _("招聘岗位")
    TRANSFERS = "transfers", _("劳动力转移")


class ImportJobQuerySet(OwnUploadsQuerySet):
    """An upload holds clear ID numbers: its uploader and administrators see it."""


class ImportJob(Job):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=16, choices=ImportKind.choices)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/uploads/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    status = status_field(Status)
    # done / total: data rows processed / below the header (Job)
    # {"rows", "created", "updated", "unchanged", "rejected", "errors": [...], "file_error": "..."}
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    error_file = models.FileField(
        _("错误清单"), upload_to="imports/errors/%Y/%m/", max_length=255, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # The full outcome of the run just made, for callers in the same process (the CLI prints
    # every error); not stored (the summary keeps the first errors, the error workbook all).
    outcome: "Outcome | None" = None

    objects = ImportJobQuerySet.as_manager()  # type: ignore[misc]  # a narrower queryset than Job's (django-stubs sees a class variable)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @classmethod
    def stale_fields(cls, message: str) -> dict:
        return {"summary": {"file_error": message}}  # the pages read a failed import's reason there
