from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Grid, Industry, Occupation, Region
from jobbridge.core.models.regions import in_subtree


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专/技校")
    JUNIOR_COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}


class EmploymentStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("未就业")
    EMPLOYED = "employed", _("已就业")
    FLEXIBLE = "flexible", _("灵活就业")
    STUDENT = "student", _("在校学生")
    OUT_OF_LABOR_FORCE = "inactive", _("非劳动力")


class PriorityCriterion(models.TextChoices):
    DISABILITY = "disability", _("残疾人")
    ZERO_EMPLOYMENT_FAMILY = "zero_employment", _("零就业家庭成员")
    REGISTERED_UNEMPLOYED = "registered_unemployed", _("登记失业人员")
    POVERTY_ALLEVIATION = "poverty", _("脱贫攻坚建档立卡户")
    LIFTED_OUT_OF_POVERTY = "lifted_out", _("脱贫人口")


class Household(models.Model):
    """A household as registered locally; zero-employment families are found by looking at it."""

    code = models.CharField(_("户编号"), max_length=32, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")

    def __str__(self) -> str:
        return self.code


class SeekerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user) -> "SeekerQuerySet":
        """The one rule for who sees which job seekers; every list, detail, export and API uses it."""
        if not user.is_authenticated:
            return self.none()
        # A bureau sees those who live or hold hukou in its region subtree, a commissioner the
        # people of their grids, a seeker themself. Recruiters see applicants through the
        # placement pipeline, not the seeker register.
        return self.active().filter(Jurisdiction.of(user).people_q())

    def with_priority(self, criterion: str, on=None, region: str | None = None) -> "SeekerQuerySet":
        """Seekers with a current diagnosis of ``criterion``; with ``region``, also living or
        holding hukou in that subtree (the same as ``.in_region(region)``), answered from the
        narrow diagnosis table, whose copies of the seeker's regions are indexed for this."""
        diagnoses = PriorityDiagnosis.objects.current(on).filter(criterion=criterion)
        if region is None:
            return self.filter(Exists(diagnoses.filter(seeker=OuterRef("pk"))))
        diagnoses = diagnoses.filter(
            in_subtree("hukou_region_id", region) | in_subtree("residence_region_id", region)
        )
        return self.filter(pk__in=diagnoses.values("seeker_id"))

    def in_region(self, code: str) -> "SeekerQuerySet":
        return self.filter(in_subtree("hukou_region_id", code) | in_subtree("residence_region_id", code))


class Seeker(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Source(models.TextChoices):
        SELF = "self", _("本人登记")
        STAFF = "staff", _("工作人员登记")
        IMPORT = "import", _("花名册导入")
        DEMO = "demo", _("演示数据")

    # Indexed through (name, birth_date) below; a separate name index would only slow imports.
    name = models.CharField(_("姓名"), max_length=64)
    # The ID number is never stored in clear: ciphertext, keyed hash for look-up, masked form for lists.
    id_cipher = models.BinaryField(_("身份证号（密文）"))
    id_hash = models.CharField(max_length=64, unique=True)
    id_masked = models.CharField(_("身份证号"), max_length=18)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    phone_cipher = models.BinaryField(_("手机号（密文）"), null=True, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True)

    # The region FKs are indexed by the composite (region, id) indexes in Meta, which also serve
    # "newest first within a region"; Django's single-column FK indexes would be redundant.
    hukou_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("户籍地"), db_index=False
    )
    residence_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("现居住地"),
        db_index=False,
    )
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("网格"))
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("家庭户"),
    )

    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    major = models.CharField(_("所学专业"), max_length=64, blank=True)
    skills_text = models.TextField(_("技能"), blank=True)
    skill_occupations = models.ManyToManyField(
        Occupation, blank=True, related_name="+", verbose_name=_("技能职业")
    )

    # Job intentions.
    desired_occupations = models.ManyToManyField(
        Occupation, blank=True, related_name="+", verbose_name=_("意向职业")
    )
    desired_industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("意向行业")
    )
    desired_regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("意向工作地")
    )
    accepts_anywhere = models.BooleanField(_("工作地不限"), default=False)
    expected_wage = models.PositiveIntegerField(_("期望月薪（元）"), null=True, blank=True)
    available_from = models.DateField(_("可到岗日期"), null=True, blank=True)

    employment_status = models.CharField(
        _("就业状态"), max_length=16, choices=EmploymentStatus.choices, default=EmploymentStatus.UNEMPLOYED
    )
    # Since when the status holds, when a hire, an arrival or a departure set it (people.services
    # .employment_record); empty for a status typed in at registration.
    employment_status_since = models.DateField(_("就业状态起始日期"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="seeker"
    )
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.STAFF)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeekerQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职者")
        verbose_name_plural = _("求职者")
        permissions = [
            ("view_id_number", _("可查看完整身份证号和手机号")),
            # Commissioners call the people of their grids: the phone in clear, not the ID number.
            ("view_phone", _("可查看完整手机号以便联系")),
        ]
        indexes = [
            models.Index(fields=["hukou_region", "id"]),
            models.Index(fields=["residence_region", "id"]),
            models.Index(fields=["name", "birth_date"]),
        ]

    def __str__(self) -> str:
        return self.name


class PriorityDiagnosisQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class PriorityDiagnosis(models.Model):
    """A dated, evidenced finding that a person belongs to a priority group (not a boolean)."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="diagnoses")
    criterion = models.CharField(_("认定类别"), max_length=24, choices=PriorityCriterion.choices)
    evidence = models.CharField(_("证明材料"), max_length=128, help_text=_("如残疾证号、失业登记证号"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("认定人")
    )
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Copies of the seeker's regions, kept in step by people.services.diagnosis_regions_sync on
    # every write that creates a diagnosis or moves a seeker. They let "priority group X in
    # county Y" be counted from this narrow table alone (the seeker list's slowest filter).
    hukou_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    residence_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    objects = PriorityDiagnosisQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业困难认定")
        verbose_name_plural = _("就业困难认定")
        indexes = [
            models.Index(
                fields=["criterion", "seeker"],
                include=["valid_from", "valid_until"],
                name="diagnosis_criterion_seeker",
            ),
            models.Index(
                fields=["criterion", "hukou_region", "seeker"],
                include=["valid_from", "valid_until"],
                name="diagnosis_criterion_hukou",
            ),
            models.Index(
                fields=["criterion", "residence_region", "seeker"],
                include=["valid_from", "valid_until"],
                name="diagnosis_criterion_residence",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seeker", "criterion", "valid_from"], name="uniq_diagnosis_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} ({self.valid_from})"


class Certificate(models.Model):
    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("证书名称"), max_length=64)
    number = models.CharField(_("证书编号"), max_length=64, blank=True)
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.SET_NULL)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        constraints = [models.UniqueConstraint(fields=["seeker", "name"], name="uniq_certificate_name")]

    def __str__(self) -> str:
        return self.name


class WorkHistory(models.Model):
    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="work_history")
    employer_name = models.CharField(_("工作单位"), max_length=128)
    title = models.CharField(_("岗位"), max_length=64)
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.SET_NULL)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL)
    started_on = models.DateField(_("开始"), null=True, blank=True)
    ended_on = models.DateField(_("结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.title}"
