"""Applications (employment intentions), their history, and the retention follow-ups.

The states and the moves between them are in ``transitions.py``; writes go through
``services.py``. Nothing here saves itself: a ``.save()`` outside the services would skip the
transition table, the headcount lock and the history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Region, Role
from jobbridge.core.models.regions import in_subtree


class State(models.TextChoices):
    INTENTION = "intention", _("意向")
    CONTACTED = "contacted", _("已联系")
    INTERVIEW = "interview", _("面试")
    OFFER = "offer", _("拟录用")
    HIRED = "hired", _("已录用")
    ARRIVED = "arrived", _("已到岗")
    RETAINED_30 = "retained_30", _("稳岗30天")
    RETAINED_90 = "retained_90", _("稳岗90天")
    RETAINED_180 = "retained_180", _("稳岗180天")
    REFUSED = "refused", _("未录用")
    WITHDRAWN = "withdrawn", _("已撤回")
    OBSOLETE = "obsolete", _("已失效")
    LEFT = "left", _("已离职")


# Still in play: the recruiter and the seeker can move it forward.
OPEN_STATES = (State.INTENTION, State.CONTACTED, State.INTERVIEW, State.OFFER)
# Working (or about to start) at the posting's enterprise.
EMPLOYED_STATES = (State.HIRED, State.ARRIVED, State.RETAINED_30, State.RETAINED_90, State.RETAINED_180)
# An application in one of these is finished; a new one for the same posting may be made.
CLOSED_STATES = (State.REFUSED, State.WITHDRAWN, State.OBSOLETE, State.LEFT)
LIVE_STATES = OPEN_STATES + EMPLOYED_STATES


class Source(models.TextChoices):
    SEEKER = "seeker", _("求职者本人")
    COMMISSIONER = "commissioner", _("专员代为登记")
    RECRUITER = "recruiter", _("企业邀请")
    FAIR = "fair", _("招聘会")


# Applications that carry the person's own consent to be contacted about the posting: they came
# forward themselves, at a fair, or a commissioner recorded how they agreed. An enterprise's
# invitation does not: it is a request, and the person's answer is still to come.
CONSENTED_SOURCES = (Source.SEEKER, Source.COMMISSIONER, Source.FAIR)


class Reason(models.TextChoices):
    """Coded reasons for a refusal, a withdrawal or leaving the job (with free text beside)."""

    WAGE = "wage", _("薪资不合适")
    DISTANCE = "distance", _("距离太远")
    REQUIREMENTS = "requirements", _("不符合岗位要求")
    NO_REPLY = "no_reply", _("联系不上")
    CONDITIONS = "conditions", _("工作条件不适应")
    FAMILY = "family", _("家庭原因")
    OTHER = "other", _("其他")


REFUSAL_REASONS = (Reason.WAGE, Reason.DISTANCE, Reason.REQUIREMENTS, Reason.NO_REPLY, Reason.OTHER)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicationQuerySet":
        """The one rule for who sees which applications (lists, details, API, CLI alike)."""
        from jobbridge.employers.models import Enterprise
        from jobbridge.people.models import Seeker

        if not user.is_authenticated:
            return self.none()
        jurisdiction = Jurisdiction.of(user)
        if jurisdiction.everywhere:
            return self
        if jurisdiction.is_bureau:
            # Both ends: the exporting county sees its people, the receiving county its employers'.
            return self.filter(
                Q(seeker__in=Seeker.objects.visible_to(user))
                | Q(posting__enterprise__in=Enterprise.objects.filter(jurisdiction.q("region_id")))
            )
        if jurisdiction.is_commissioner:
            return self.filter(jurisdiction.people_q("seeker__"))
        if user.role == Role.RECRUITER:
            return (
                self.filter(posting__enterprise_id=user.enterprise_id) if user.enterprise_id else self.none()
            )
        if user.role == Role.SEEKER:
            return self.filter(seeker__user=user)
        return self.none()

    def live(self):
        return self.filter(state__in=LIVE_STATES)


class Application(models.Model):
    seeker = models.ForeignKey(
        "people.Seeker", on_delete=models.PROTECT, related_name="applications", verbose_name=_("求职者")
    )
    posting = models.ForeignKey(
        "employers.Posting", on_delete=models.PROTECT, related_name="applications", verbose_name=_("岗位")
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.INTENTION)
    # The person's hukou region when they applied: the origin, as in the transfer ledger. A copy,
    # so the dashboard panel counts a region's applications without joining the seeker register.
    origin_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("输出地"),
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    consent_note = models.CharField(_("本人同意记录"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    hired_on = models.DateField(_("录用日期"), null=True, blank=True)
    arrived_on = models.DateField(_("到岗日期"), null=True, blank=True)
    # The reason of the last closing move (refused, withdrawn, left), for statistics by reason.
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职申请")
        verbose_name_plural = _("求职申请")
        indexes = [
            models.Index(fields=["posting", "state"]),
            models.Index(fields=["seeker", "state"]),
            models.Index(fields=["state", "state_changed_at"]),
            # The panel's hires in a month and their time from intention (index-only on PostgreSQL).
            models.Index(
                fields=["origin_region", "hired_on"], include=["created_at"], name="application_origin_hired"
            ),
        ]
        constraints = [
            # At most one live application per person and posting: "I'm interested" twice is one.
            models.UniqueConstraint(
                fields=["seeker", "posting"], condition=Q(state__in=LIVE_STATES), name="application_one_live"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.seeker_id}→{self.posting_id} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ApplicationEvent(models.Model):
    """One move of an application: from, to, who, when, why. Never updated or deleted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The application's origin again, so "moves this month in a region" reads this table alone.
    origin_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["at", "id"]
        # The panel's "moves this month in a region by state", answered from the index alone.
        indexes = [models.Index(fields=["at", "origin_region", "to_state"], name="event_month_origin_state")]
        verbose_name = _("申请状态变更")
        verbose_name_plural = _("申请状态变更")

    def __str__(self) -> str:
        return f"{self.from_state or '∅'}→{self.to_state}"


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FollowUpQuerySet":
        return self.filter(application__in=Application.objects.visible_to(user))

    def for_responsible(self, user) -> "FollowUpQuerySet":
        """The checks this person must do: a commissioner's own, a bureau's region's unassigned ones."""
        if user.role == Role.COMMISSIONER:
            return self.filter(responsible_user=user)
        if user.role == Role.BUREAU and user.region_id:
            return self.filter(
                Q(responsible_user__isnull=True) & in_subtree("responsible_region_id", user.region_id)
            )
        if user.role == Role.ADMIN or user.is_superuser:
            return self
        return self.none()

    def pending(self):
        return self.filter(done_on__isnull=True, cancelled=False)


class FollowUp(models.Model):
    """A retention check due 30, 90 or 180 days after arrival, assigned to someone who will do it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="followups")
    days = models.PositiveSmallIntegerField(_("到岗天数"))
    due_on = models.DateField(_("应回访日期"))
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        verbose_name=_("负责专员"),
    )
    # When no commissioner covers the seeker's grid, the bureau of this county answers for it.
    responsible_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责区域")
    )
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    still_employed = models.BooleanField(_("仍在岗"), null=True)
    note = models.CharField(_("回访记录"), max_length=500, blank=True)
    # Set when the person left before this check was due: nothing left to check.
    cancelled = models.BooleanField(default=False)
    # The application's origin again, so the panel's retention figures read this table alone.
    origin_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("稳岗回访")
        verbose_name_plural = _("稳岗回访")
        indexes = [
            models.Index(fields=["responsible_user", "due_on"]),
            models.Index(fields=["responsible_region", "due_on"]),
            # The panel's retention checks due in a month, by origin (index-only on PostgreSQL).
            models.Index(
                fields=["due_on", "origin_region"],
                include=["days", "done_on", "cancelled", "still_employed"],
                name="followup_month_origin",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["application", "days"], name="followup_one_per_milestone")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} +{self.days}d {self.due_on}"


class RollupKind(models.TextChoices):
    MOVE = "move", _("状态变更")  # value: the target state; days 0
    HIRE = "hire", _("录用")  # days: from the application's creation to the hire date
    CHECK = "check", _("稳岗回访")  # days: 30/90/180; value: kept (still at work) or gone


class PlacementRollup(models.Model):
    """The dashboard panel's figures by origin and month, kept in step by the services.

    One row per (month, origin, kind, value, days) with a count: moves by target state in the month
    they were recorded; hires by days from intention (a histogram, so the median is exact); the
    answered or cancelled retention checks by milestone and outcome in the month they fell due.
    ``origin`` is the application's origin code (township or county, '' when unknown); a region's
    subtree is a code range on it (``in_subtree``), so a province's month is a few thousand rows.
    Written only by ``rollups.py`` (raw upserts, no foreign keys); ``month`` is yyyymm."""

    month = models.IntegerField()
    origin = models.CharField(max_length=9, blank=True)
    kind = models.CharField(max_length=8, choices=RollupKind.choices)
    value = models.CharField(max_length=16, blank=True)
    days = models.IntegerField(default=0)
    n = models.IntegerField(default=0)

    KEY = ("month", "origin", "kind", "value", "days")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "origin", "kind", "value", "days"], name="placement_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.origin} {self.kind} {self.value} {self.days}: {self.n}"
