"""Return-to-work tracking for the Spring Festival season.

A ``Season`` is one festival with the window in which workers go home before it and the window
in which they come back after it. A ``Homecoming`` is one worker's trip home in one season: the
baseline row (went home on …, from which destination) that the return (returned on …, to where)
later completes. One row per worker and season: recording the same worker again updates it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobbridge.core import regions as core_regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Region
from jobbridge.core.models.regions import in_subtree


class MoveClass(models.TextChoices):
    OUT_OF_PROVINCE = core_regions.MOVE_OUT_OF_PROVINCE, _("省外")
    WITHIN_PROVINCE = core_regions.MOVE_WITHIN_PROVINCE, _("省内跨区域")
    NEARBY = core_regions.MOVE_NEARBY, _("就近就地")


class Season(models.Model):
    code = models.CharField(_("季度编号"), max_length=16, unique=True, help_text=_("如2026"))
    name = models.CharField(_("名称"), max_length=64)
    festival_date = models.DateField(_("春节（正月初一）"))
    leave_from = models.DateField(_("返乡统计起"))
    return_until = models.DateField(_("返岗统计止"))

    class Meta:
        ordering = ["-festival_date"]
        verbose_name = _("春节返岗季")
        verbose_name_plural = _("春节返岗季")

    def __str__(self) -> str:
        return self.name


class HomecomingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HomecomingQuerySet":
        """Whose trips home a viewer may list (people, so scoped like the seeker register):
        a bureau sees workers from its region and workers employed in it; a commissioner the
        people of their grids."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Jurisdiction.of(user).records_q(["origin_region_id", "destination_region_id"]))

    def in_region(self, code: str | None, side: str) -> "HomecomingQuerySet":
        if not code:
            return self
        return self.filter(in_subtree(f"{side}_region_id", code))


class Homecoming(models.Model):
    class Status(models.TextChoices):
        HOME = "home", _("在家未返岗")
        RETURNED = "returned", _("已返岗")
        CHANGED = "changed", _("已返岗（换工作地）")
        STAYING = "staying", _("留乡不再外出")

    RETURNED_STATUSES = (Status.RETURNED, Status.CHANGED)

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="homecomings")
    seeker = models.ForeignKey(
        "people.Seeker",
        on_delete=models.PROTECT,
        related_name="homecomings",
        verbose_name=_("人员"),
        db_index=False,
    )
    origin_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("返乡地"), db_index=False
    )
    destination_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("节前务工地"), db_index=False
    )
    employer = models.ForeignKey(
        "employers.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("节前用工单位"),
    )
    went_home_on = models.DateField(_("返乡日期"))
    returned_on = models.DateField(_("返岗日期"), null=True, blank=True)
    returned_to = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("返岗地")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.HOME)
    # classify_move(origin, destination), kept on the row: every report groups on it.
    move_class = models.CharField(_("流动类别"), max_length=16, choices=MoveClass.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HomecomingQuerySet.as_manager()

    class Meta:
        verbose_name = _("返乡返岗记录")
        verbose_name_plural = _("返乡返岗记录")
        constraints = [models.UniqueConstraint(fields=["season", "seeker"], name="returns_one_per_season")]
        indexes = [
            models.Index(fields=["season", "origin_region"], name="returns_season_origin"),
            models.Index(fields=["season", "destination_region"], name="returns_season_dest"),
            models.Index(fields=["seeker"], name="returns_seeker"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker_id} {self.season_id} {self.status}"

    @property
    def has_returned(self) -> bool:
        return self.status in self.RETURNED_STATUSES


def returned_q() -> Q:
    return Q(status__in=Homecoming.RETURNED_STATUSES)


class HomecomingCount(models.Model):
    """Records per season, home region, work place, class, status and return day: what every
    report and panel reads, so a page never scans the records. Kept in step by ``rollups.apply``
    in the same transaction as each write; ``rollups.rebuild`` recomputes it (and a test holds
    it equal to a direct count). ``returned_day`` is days after the festival, -1 when not back.
    Region columns are plain codes: the table is written by upserts."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    origin_region = models.CharField(max_length=9)
    destination_region = models.CharField(max_length=9)
    move_class = models.CharField(max_length=16)
    status = models.CharField(max_length=10)
    returned_day = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    KEY = ("season_id", "origin_region", "destination_region", "move_class", "status", "returned_day")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "season",
                    "origin_region",
                    "destination_region",
                    "move_class",
                    "status",
                    "returned_day",
                ],
                name="returns_count_key",
            )
        ]
        indexes = [models.Index(fields=["season", "destination_region"], name="returns_count_dest")]

    def __str__(self) -> str:
        return f"{self.origin_region}→{self.destination_region} {self.status} {self.n}"
