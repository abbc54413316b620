"""The labor-transfer ledger and the rollups kept in step with it.

One ``Transfer`` row is one person-time (人次). ``TransferRollup`` holds person-times by the
dimensions the report and the dashboard group on; ``TransferPerson`` holds one row per person,
period and origin so that persons (人) can be counted distinctly without touching the ledger.
Both are written in the same transaction as the ledger (see ``rollups.py``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobbridge.core import regions as core_regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Industry, Region


class MoveClass(models.TextChoices):
    OUT_OF_PROVINCE = core_regions.MOVE_OUT_OF_PROVINCE, _("省外")
    WITHIN_PROVINCE = core_regions.MOVE_WITHIN_PROVINCE, _("省内跨区域")
    NEARBY = core_regions.MOVE_NEARBY, _("就近就地")


class Channel(models.TextChoices):
    BUREAU = "bureau", _("有组织输出")
    FAIR = "fair", _("招聘会")
    # Found and hired through this platform's matching (a seeker's own "I'm interested" or an
    # enterprise's invitation): the public employment service's own channel, not self-found.
    PLATFORM = "platform", _("平台对接")
    SELF = "self", _("自主就业")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    HIRE = "hire", _("平台录用")
    MANUAL = "manual", _("手工登记")
    IMPORT = "import", _("文件导入")


class OriginBasis(models.TextChoices):
    HUKOU = "hukou", _("户籍地")
    RESIDENCE = "residence", _("现居住地")


class TransferQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TransferQuerySet":
        """Transfers whose origin lies in the viewer's region (bureau; the ledger counts the
        exporting region's people), or of the people of a commissioner's grids (the same people
        as their register)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Jurisdiction.of(user).records_q(["origin_region_id"]))


class Transfer(models.Model):
    seeker = models.ForeignKey(
        "people.Seeker",
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("人员"),
        db_index=False,
    )
    origin_basis = models.CharField(
        _("输出地依据"), max_length=10, choices=OriginBasis.choices, default=OriginBasis.HUKOU
    )
    origin_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("输出地"), db_index=False
    )
    destination_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("输入地"), db_index=False
    )
    enterprise = models.ForeignKey(
        "employers.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
        verbose_name=_("用人单位"),
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=128, blank=True)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("行业")
    )
    transferred_on = models.DateField(_("转移日期"))
    channel = models.CharField(_("转移渠道"), max_length=8, choices=Channel.choices, default=Channel.OTHER)
    move_class = models.CharField(_("转移类别"), max_length=16, choices=MoveClass.choices)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    # Whether the person held a current priority-group diagnosis on the transfer date; kept
    # on the row so the rollups never need to look at diagnoses again.
    priority_group = models.BooleanField(_("就业困难人员"), default=False)
    # The placements application that produced the hire; a plain integer, not a foreign key,
    # so the ledger's migrations do not depend on the placements app.
    application_id = models.BigIntegerField(null=True, blank=True, unique=True)
    # sha256 of person + date + destination + employer: re-entering or re-importing the same
    # transfer finds this row instead of adding a second person-time.
    natural_key = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动力转移记录")
        verbose_name_plural = _("劳动力转移记录")
        indexes = [
            models.Index(fields=["origin_region", "transferred_on"], name="transfer_origin_date"),
            models.Index(fields=["seeker", "transferred_on"], name="transfer_seeker_date"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.destination_region_id} {self.transferred_on}"


class Dimension(models.TextChoices):
    DEST_PROVINCE = "dest_province", _("输入地（省）")
    DEST_CITY = "dest_city", _("输入地（市）")
    INDUSTRY = "industry", _("行业门类")
    PRIORITY = "priority", _("就业困难人员")
    CHANNEL = "channel", _("转移渠道")


class TransferRollup(models.Model):
    """Person-times by origin, month and class, sliced by one dashboard dimension at a time.

    Every ledger row adds 1 to one row of each dimension (so the sum over any one dimension
    is the ledger count). One slice per dimension instead of one row per combination of all
    of them: the cross product hardly compresses (10 million ledger rows gave ~10 million
    combinations in the uniform bench), while a slice is bounded by origins x months x classes
    x the values of its dimension. Region columns are codes (no foreign keys: the table is
    written by raw upserts); ``month`` is yyyymm; ``origin_township`` is '' when the origin is
    known only to the county; ``value`` is the province or city code, the industry section,
    '1'/'0' for the priority flag, or the channel.
    """

    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    month = models.IntegerField()
    origin_city = models.CharField(max_length=9)
    origin_county = models.CharField(max_length=9)
    origin_township = models.CharField(max_length=9, blank=True)
    move_class = models.CharField(max_length=16)
    value = models.CharField(max_length=9, blank=True)
    person_times = models.IntegerField(default=0)

    KEY = ("dimension", "month", "origin_county", "origin_township", "move_class", "value", "origin_city")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "dimension",
                    "month",
                    "origin_county",
                    "origin_township",
                    "move_class",
                    "value",
                    "origin_city",
                ],
                name="transfer_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.origin_county} {self.month} {self.move_class} {self.value}: {self.person_times}"


class TransferPerson(models.Model):
    """One row per person, period and origin township/county and class, with the person-times
    behind it: the distinct persons of any region subtree and period are a COUNT(DISTINCT
    seeker_id) over this narrow table. ``period`` is yyyymm for a month and yyyy for a year."""

    period = models.IntegerField()
    origin_county = models.CharField(max_length=9)
    origin_township = models.CharField(max_length=9, blank=True)
    move_class = models.CharField(max_length=16)
    seeker_id = models.BigIntegerField()
    person_times = models.IntegerField(default=0)

    KEY = ("period", "origin_county", "origin_township", "move_class", "seeker_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "origin_county", "origin_township", "move_class", "seeker_id"],
                name="transfer_person_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.seeker_id} {self.period}"
