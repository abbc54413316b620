from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Industry, Occupation, Region, Role
from jobbridge.people.models import Education, PriorityCriterion


class IndustrialPark(models.Model):
    name = models.CharField(_("园区名称"), max_length=128, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地"))

    class Meta:
        verbose_name = _("产业园区")
        verbose_name_plural = _("产业园区")

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnterpriseQuerySet":
        if not user.is_authenticated:
            return self.none()
        jurisdiction = Jurisdiction.of(user)
        if jurisdiction.everywhere or jurisdiction.is_bureau or jurisdiction.is_commissioner:
            # Bureaus: their region; commissioners visit the enterprises of their grids' townships.
            return self.filter(jurisdiction.q("region_id"))
        if user.role == Role.RECRUITER:
            return self.filter(pk=user.enterprise_id) if user.enterprise_id else self.none()
        return self.none()


class Enterprise(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", _("微型（<10人）")
        SMALL = "small", _("小型（10-99人）")
        MEDIUM = "medium", _("中型（100-999人）")
        LARGE = "large", _("大型（≥1000人）")

    name = models.CharField(_("单位名称"), max_length=128, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("行业")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    size = models.CharField(_("规模"), max_length=8, choices=Size.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    park = models.ForeignKey(
        IndustrialPark, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("园区")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        indexes = [models.Index(fields=["region", "id"])]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """A commissioner's visit to an enterprise ("10,000 cadres into 10,000 enterprises")."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits")
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("走访人")
    )
    visited_on = models.DateField(_("走访日期"))
    notes = models.TextField(_("走访记录"), blank=True)

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("企业走访")
        verbose_name_plural = _("企业走访")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"


class HiringNeed(models.Model):
    """A need recorded on a visit: an open position now, or one the enterprise expects later."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="hiring_needs")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs")
    title = models.CharField(_("岗位名称"), max_length=64)
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.PROTECT)
    headcount = models.PositiveIntegerField(_("需求人数"))
    needed_by = models.DateField(_("需求时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用工需求")
        verbose_name_plural = _("用工需求")

    def __str__(self) -> str:
        return f"{self.title} ×{self.headcount}"


class PostingQuerySet(models.QuerySet):
    def open_on(self, day=None) -> "PostingQuerySet":
        """Postings a job seeker can apply to on ``day``: open and within their validity dates."""
        day = day or timezone.localdate()
        return self.filter(
            Q(status=Posting.Status.OPEN),
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def visible_to(self, user) -> "PostingQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.SEEKER:
            return self.open_on()
        return self.filter(enterprise__in=Enterprise.objects.visible_to(user))


class Posting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("招聘中")
        FILLED = "filled", _("已招满")
        CLOSED = "closed", _("已关闭")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="postings")
    title = models.CharField(_("岗位名称"), max_length=64)
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("职业")
    )
    description = models.TextField(_("岗位描述"), blank=True)
    required_skills = models.TextField(_("技能要求"), blank=True)
    required_certificates = models.CharField(_("证书要求"), max_length=200, blank=True)
    min_education = models.CharField(_("最低学历"), max_length=16, choices=Education.choices, blank=True)
    headcount = models.PositiveIntegerField(_("招聘人数"))
    filled = models.PositiveIntegerField(_("已招人数"), default=0)
    wage_min = models.PositiveIntegerField(_("月薪下限（元）"), null=True, blank=True)
    wage_max = models.PositiveIntegerField(_("月薪上限（元）"), null=True, blank=True)
    work_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("工作地")
    )
    board = models.BooleanField(_("包吃"), default=False)
    lodging = models.BooleanField(_("包住"), default=False)
    disability_friendly = models.BooleanField(_("适合残疾人"), default=False)
    target_groups = models.JSONField(_("面向群体"), default=list, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        indexes = [models.Index(fields=["status", "work_region"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(filled__lte=models.F("headcount")), name="posting_not_overfilled"
            ),
            models.CheckConstraint(
                condition=Q(wage_min__isnull=True)
                | Q(wage_max__isnull=True)
                | Q(wage_min__lte=models.F("wage_max")),
                name="posting_wage_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def vacancies(self) -> int:
        return max(self.headcount - self.filled, 0)


TARGET_GROUP_CHOICES = PriorityCriterion.choices
