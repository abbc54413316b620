"""The outbox (one row per message to one person on one channel), people's preferences, the
commissioners' call log, and the runs of "send due now" that the outbox page follows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobbridge.core.jobs import Job, status_field
from jobbridge.core.models import Role
from jobbridge.people.models import Seeker


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """Staff see messages to the people they may see (and their own); a seeker their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self
        if user.role in (Role.BUREAU, Role.COMMISSIONER):
            return self.filter(Q(seeker__in=Seeker.objects.visible_to(user)) | Q(user=user))
        if user.role == Role.SEEKER:
            return self.filter(Q(seeker__user=user) | Q(user=user))
        return self.filter(user=user)

    def due(self, now):
        return self.filter(status=Notification.Status.QUEUED, next_attempt_at__lte=now)


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        SKIPPED = "skipped", _("已跳过")

    # Exactly one recipient: a job seeker (most pushes) or a user (staff, recruiters).
    seeker = models.ForeignKey(
        Seeker,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("求职者"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("用户"),
    )
    channel = models.CharField(_("渠道"), max_length=32)
    kind = models.CharField(_("消息类型"), max_length=32)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    # The same push is never enqueued twice: the caller names it (e.g. push:seeker:posting:day:sms)
    # and the key is also sent to gateways as Idempotency-Key, so they can drop a repeat too.
    idempotency_key = models.CharField(_("幂等键"), max_length=128, unique=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["seeker", "channel", "status"], name="notification_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(seeker__isnull=False) & Q(user__isnull=True))
                | (Q(seeker__isnull=True) & Q(user__isnull=False)),
                name="notification_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.kind}#{self.pk}"

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))


class Preference(models.Model):
    """A person's say over how they are reached: channels refused, quiet hours, WeChat openid."""

    ALL = "*"

    seeker = models.OneToOneField(Seeker, on_delete=models.CASCADE, related_name="notify_preference")
    # Channel names refused; "*" refuses every channel.
    opted_out = models.JSONField(_("拒收渠道"), default=list, blank=True)
    # Both empty: the default window (JOBBRIDGE_NOTIFY_QUIET_HOURS). Equal: no quiet hours.
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    wechat_openid = models.CharField(_("微信openid"), max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return f"{self.seeker_id}"

    def refuses(self, channel: str) -> bool:
        return self.ALL in self.opted_out or channel in self.opted_out


class ContactLog(models.Model):
    """A commissioner's phone call to a person about a posting ("已电话联系")."""

    class Outcome(models.TextChoices):
        INTERESTED = "interested", _("有意向")
        NOT_INTERESTED = "not_interested", _("无意向")
        NO_ANSWER = "no_answer", _("未接通")

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="contact_logs")
    posting = models.ForeignKey(
        "employers.Posting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("岗位"),
    )
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("联系人"),
    )
    contacted_at = models.DateTimeField(_("联系时间"), db_index=True)
    day = models.DateField(_("日期"))  # the local day, so "called today" is one indexed equality
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["-contacted_at", "-id"]
        verbose_name = _("电话联系记录")
        verbose_name_plural = _("电话联系记录")
        indexes = [models.Index(fields=["day", "seeker"], name="contact_day_seeker")]

    def __str__(self) -> str:
        return f"{self.seeker_id}/{self.posting_id} {self.outcome}"


class DeliveryRun(Job):
    """One press of "send due now" (or one CLI/task run): how far it got, for the progress line."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("发送中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("出错")

    status = status_field(Status)
    # done / total: due messages handled / found (Job)
    counts = models.JSONField(_("结果"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("发送批次")
        verbose_name_plural = _("发送批次")

    def __str__(self) -> str:
        return f"run #{self.pk} {self.status} {self.done}/{self.total}"
