from django.db import models
from django.utils.translation import gettext_lazy as _


class Occupation(models.Model):
    """China's classification of occupations (CSCO 2022): 8 major, 73 medium, 336 minor, 1,634 detailed."""

    class Level(models.IntegerChoices):
        MAJOR = 1, _("大类")
        MEDIUM = 2, _("中类")
        MINOR = 3, _("小类")
        DETAILED = 4, _("细类（职业）")

    code = models.CharField(_("代码"), max_length=10, primary_key=True)  # e.g. 6-18-02-04
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    name = models.CharField(_("名称"), max_length=128, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    definition = models.TextField(_("定义"), blank=True)
    tasks = models.TextField(_("主要工作任务"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("职业")
        verbose_name_plural = _("职业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def medium_code(self) -> str:
        return self.code[:4] + "-00-00"


class OccupationAlias(models.Model):
    """Another name for an occupation: from the classification, or a clerk's correction."""

    class Source(models.TextChoices):
        CSCO = "csco", _("职业分类大典")
        CLERK = "clerk", _("人工纠正")

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=128, db_index=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CSCO)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occupation", "alias"], name="uniq_occupation_alias")]
        verbose_name = _("职业别名")
        verbose_name_plural = _("职业别名")

    def __str__(self) -> str:
        return self.alias
