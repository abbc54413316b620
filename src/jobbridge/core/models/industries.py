from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.Model):
    """National economic industry classification (GB/T 4754-2017): 20 sections (A-T), 97 divisions (01-97)."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("门类")
        DIVISION = 2, _("大类")

    code = models.CharField(_("代码"), max_length=2, primary_key=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    name = models.CharField(_("名称"), max_length=64)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行业")
        verbose_name_plural = _("行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
