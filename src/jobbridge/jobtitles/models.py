"""A file of titles a clerk uploaded for coding: the titles, how far the coding got, the answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobbridge.core.jobs import Job, OwnUploadsQuerySet, status_field


class TitleBatchQuerySet(OwnUploadsQuerySet):
    """Its uploader and administrators see a batch."""


class TitleBatch(Job):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("编码中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    original_name = models.CharField(_("原文件名"), max_length=255)
    top = models.PositiveSmallIntegerField(_("建议条数"), default=5)
    titles = models.JSONField(_("职位名称"), default=list)  # non-blank lines, in file order
    # [{"title", "suggestions": [{"code", "name", "score"}], "error"?}], in the order of ``titles``
    results = models.JSONField(_("结果"), default=list, blank=True)
    skipped_blank = models.PositiveIntegerField(_("跳过的空行"), default=0)
    status = status_field(Status)
    # done / total: titles coded / titles in the file (Job)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = TitleBatchQuerySet.as_manager()  # type: ignore[misc]  # a narrower queryset than Job's (django-stubs sees a class variable)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("职位名称批量编码")
        verbose_name_plural = _("职位名称批量编码")

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs):
        if self._state.adding and not self.total:
            self.total = len(self.titles)  # the titles are fixed when the batch is stored
        super().save(*args, **kwargs)
