from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def subtree_bounds(code: str) -> tuple[str, str]:
    """The half-open code range [low, high) holding a division and all its descendants.

    Division codes nest by prefix: province 63xxxx, prefecture 6302xx, county 630202 and its
    townships 630202xxx. Stripping trailing "00" pairs from a 6-digit code leaves the prefix;
    a range on that prefix (rather than LIKE 'p%') is index-backed on SQLite and PostgreSQL.
    """
    prefix = code
    if len(code) == 6 and code.endswith("0000"):
        prefix = code[:2]
    elif len(code) == 6 and code.endswith("00"):
        prefix = code[:4]
    high = str(int(prefix) + 1).zfill(len(prefix))
    return prefix, high


def in_subtree(field: str, code: str) -> Q:
    """Q for rows whose region ``field`` (a code column) lies in ``code``'s subtree."""
    low, high = subtree_bounds(code)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        PREFECTURE = 2, _("地级")
        COUNTY = 3, _("县级")
        TOWNSHIP = 4, _("乡级")

    code = models.CharField(_("代码"), max_length=9, primary_key=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    pinyin = models.CharField(_("拼音"), max_length=128, db_index=True)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    # Where the centroid was taken from when the division has none of its own (a parent's code).
    centroid_from = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def subtree_q(self, field: str = "pk") -> Q:
        return in_subtree(field, self.code)


class Grid(models.Model):
    """A service grid (a village, a community or part of one) that a commissioner looks after.

    The official division list stops at townships; grids below them are defined locally.
    """

    code = models.CharField(_("网格编号"), max_length=32, unique=True)
    name = models.CharField(_("网格名称"), max_length=64)
    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("乡镇（街道）")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("网格")
        verbose_name_plural = _("网格")

    def __str__(self) -> str:
        return f"{self.township.name}·{self.name}"
