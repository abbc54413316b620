from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    BUREAU = "bureau", _("人社部门工作人员")
    COMMISSIONER = "commissioner", _("就业服务专员")
    RECRUITER = "recruiter", _("企业招聘人员")
    SEEKER = "seeker", _("求职者")


class User(AbstractUser):
    """A person who signs in. What they may see follows from ``role`` and its scope field.

    bureau: ``region`` (a province, city, county or township subtree); commissioner: ``grids``;
    recruiter: ``enterprise``; seeker: the Seeker whose ``user`` is this account.
    """

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.SEEKER)
    region = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("管辖区域")
    )
    grids = models.ManyToManyField(
        "core.Grid", blank=True, related_name="commissioners", verbose_name=_("负责网格")
    )
    enterprise = models.ForeignKey(
        "employers.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruiters",
        verbose_name=_("所属企业"),
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_role(self) -> bool:
        """For templates; code asks ``core.access.is_staff`` (the one answer)."""
        from jobbridge.core.access import is_staff

        return is_staff(self)
