"""Reads for the monthly report and the dashboard panels: from the rollup tables only.

A region filter on the rollups is an index range on ``origin_county`` (province, city and county
subtrees nest by code prefix) or an equality on ``origin_township``. Person-times are sums over
``TransferRollup``; persons are COUNT(DISTINCT seeker_id) over ``TransferPerson``.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from jobbridge.core import regions as core_regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Industry, Region, Role
from jobbridge.core.models.regions import in_subtree

from .models import Channel, Dimension, MoveClass, TransferPerson, TransferRollup

CLASSES = [MoveClass.OUT_OF_PROVINCE, MoveClass.WITHIN_PROVINCE, MoveClass.NEARBY]
_MONTH = re.compile(r"^(\d{4})-?(\d{1,2})$")


class BadParameter(ValueError):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def parse_month(value: str | None, *, default: dt.date | None = None) -> int:
    """'2023-01' (or 202301) -> 202301; names the parameter when it cannot."""
    if not value:
        day = default or dt.date.today()
        return day.year * 100 + day.month
    m = _MONTH.match(str(value).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 < int(m.group(1)) < 2200:
        raise BadParameter("month", _("月份“%(v)s”应写作YYYY-MM，如2023-01") % {"v": value})
    return int(m.group(1)) * 100 + int(m.group(2))


def month_label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def resolve_region(value: str | None, user) -> str:
    """A code from a code or a name, checked against the viewer's scope (default: their own region)."""
    if not value:
        if getattr(user, "region_id", None):
            return user.region_id
        if getattr(user, "role", None) == Role.COMMISSIONER:
            # A commissioner's own region is their grids' township (the first, when they span several).
            town = user.grids.order_by("township_id").values_list("township_id", flat=True).first()
            if town:
                return town
        raise BadParameter("region", _("请指定地区"))
    try:
        code = core_regions.resolve(value)
    except core_regions.UnknownRegion as e:
        raise BadParameter("region", str(e)) from None
    if not may_view(user, code):
        raise BadParameter("region", _("地区%(c)s不在您的管辖范围内") % {"c": code})
    return code


def may_view(user, code: str) -> bool:
    """Whether ``user`` may read figures of region ``code`` (None, the CLI's operator, may)."""
    return Jurisdiction.of(user).contains(code)


def region_q(code: str, *, township_field="origin_township", county_field="origin_county") -> Q:
    if len(code) == 9:
        if county_field == township_field:  # the ledger's own origin column
            return Q(**{township_field: code})
        # The county too, so the rollup tables' unique (…, county, township, …) indexes serve it.
        return Q(**{township_field: code, county_field: core_regions.county_of(code)})
    return in_subtree(county_field, code)


def rollups(code: str, month_from: int, month_to: int, dimension: str = Dimension.DEST_PROVINCE):
    """Rollup rows of one dimension (any one of them sums to the ledger; destination province
    is the smallest slice, so totals and classes come from it)."""
    qs = TransferRollup.objects.filter(region_q(code), dimension=dimension)
    if month_from == month_to:
        return qs.filter(month=month_from)
    return qs.filter(month__gte=month_from, month__lte=month_to)


def _persons(code: str, period: int, move_class: str | None = None) -> int:
    qs = TransferPerson.objects.filter(region_q(code), period=period)
    if move_class:
        qs = qs.filter(move_class=move_class)
    return qs.aggregate(n=Count("seeker_id", distinct=True))["n"] or 0


@dataclass
class Report:
    region: str
    region_name: str
    level: int
    month: int
    person_times: int = 0
    by_class: dict = field(default_factory=dict)  # class -> person-times
    persons: int = 0
    persons_by_class: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "region": self.region,
            "region_name": self.region_name,
            "month": month_label(self.month),
            "counts": "person_times",  # the headline figures count person-times (人次), not persons
            "person_times": self.person_times,
            "by_class": {c.value: self.by_class.get(c.value, 0) for c in CLASSES},
            "persons": self.persons,
            "persons_by_class": {c.value: self.persons_by_class.get(c.value, 0) for c in CLASSES},
            "sentence_zh": sentence(self, "zh"),
            "sentence_en": sentence(self, "en"),
        }


def monthly_report(code: str, month: int, *, with_persons: bool = True) -> Report:
    region = Region.objects.get(pk=code)
    report = Report(code, core_regions.full_name(code), region.level, month)
    rows = rollups(code, month, month).values("move_class").annotate(n=Sum("person_times"))
    report.by_class = {r["move_class"]: r["n"] for r in rows}
    report.person_times = sum(report.by_class.values())
    if with_persons:
        # One pass over the person table: all persons, and persons by class (a person moved
        # twice in two classes counts once in each class and once in the total).
        counts = TransferPerson.objects.filter(region_q(code), period=month).aggregate(
            total=Count("seeker_id", distinct=True),
            **{c.value: Count("seeker_id", distinct=True, filter=Q(move_class=c.value)) for c in CLASSES},
        )
        report.persons = counts.pop("total") or 0
        report.persons_by_class = {k: v or 0 for k, v in counts.items()}
    return report


def _wan(n: int) -> str:
    if n >= 10_000:
        return f"{n / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
    return f"{n:,}".replace(",", "")


def _scope_word(level: int, name: str) -> str:
    if level == Region.Level.PROVINCE:
        return "全省" if name.endswith("省") else "全区"
    if level == Region.Level.PREFECTURE:
        return "全州" if name.endswith("州") else ("全盟" if name.endswith("盟") else "全市")
    if level == Region.Level.COUNTY:
        return "全县" if name.endswith("县") else ("全市" if name.endswith("市") else "全区")
    return "全街道" if name.endswith("街道") else ("全乡" if name.endswith("乡") else "全镇")


def sentence(r: Report, lang: str) -> str:
    """The officials' sentence: person-times in 万 rounded as they publish them."""
    c = {k.value: r.by_class.get(k.value, 0) for k in CLASSES}
    short = Region.objects.get(pk=r.region).name
    if lang == "zh":
        return (
            f"{r.month % 100}月{_scope_word(r.level, short)}共转移农村劳动力{_wan(r.person_times)}人次，"
            f"其中省外{_wan(c['out_of_province'])}人次、省内跨区域{_wan(c['within_province'])}人次、"
            f"就近就地{_wan(c['nearby'])}人次"
        )
    month_name = dt.date(2000, r.month % 100, 1).strftime("%B")
    return (
        f"In {month_name} {r.month // 100}, {short} transferred {r.person_times:,} person-times of rural labor: "
        f"{c['out_of_province']:,} out of province, {c['within_province']:,} across regions within the "
        f"province and {c['nearby']:,} nearby"
    )


# -- dashboard panels (each one query over the rollups) ---------------------------------------
def _sum_by(
    code: str,
    month_from: int,
    month_to: int,
    column: str,
    *,
    limit: int | None = None,
    dimension: str = Dimension.DEST_PROVINCE,
):
    qs = rollups(code, month_from, month_to, dimension).values(column).annotate(n=Sum("person_times"))
    qs = qs.order_by("-n", column)
    return [(r[column], r["n"]) for r in (qs[:limit] if limit else qs)]


def _names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(pk__in=list(codes)).values_list("code", "name"))


@lru_cache(maxsize=4096)
def child_column(code: str) -> str | None:
    """The rollup column whose values are ``code``'s children (None below township)."""
    if len(code) == 9:
        return None
    level = Region.objects.filter(pk=code).values_list("level", flat=True).first()
    if level == Region.Level.PROVINCE:
        return "origin_city"
    if (
        level == Region.Level.PREFECTURE
        and Region.objects.filter(parent_id=code, level=Region.Level.COUNTY).exists()
    ):
        return "origin_county"
    return "origin_township"  # a county, or a city with no counties (Dongguan): townships below


def panel(name: str, code: str, month: int) -> dict:
    """One dashboard panel's data: {"title", "counts", "items": [{"code", "name", "value"}...]}."""
    year_from = month // 100 * 100 + 1
    if name == "class_month":
        items = _sum_by(code, month, month, "move_class")
        return _labelled(_("本月转移（按类别）"), items, dict(MoveClass.choices))
    if name == "class_year":
        items = _sum_by(code, year_from, month, "move_class")
        return _labelled(_("本年累计（按类别）"), items, dict(MoveClass.choices))
    if name == "dest_province":
        items = _sum_by(code, month, month, "value")
        return _labelled(_("输入地（省）"), items, _names(c for c, _n in items))
    if name == "dest_city":
        items = _sum_by(code, month, month, "value", limit=20, dimension=Dimension.DEST_CITY)
        return _labelled(_("输入地（市，前20）"), items, {c: core_regions.full_name(c) for c, _n in items})
    if name == "industry":
        items = _sum_by(code, month, month, "value", dimension=Dimension.INDUSTRY)
        names = dict(Industry.objects.filter(level=Industry.Level.SECTION).values_list("code", "name"))
        names[""] = _("未填行业")
        return _labelled(_("行业门类"), items, names)
    if name == "priority":
        items = _sum_by(code, month, month, "value", dimension=Dimension.PRIORITY)
        return _labelled(_("就业困难人员"), items, {"1": _("就业困难人员"), "0": _("其他人员")})
    if name == "channel":
        items = _sum_by(code, month, month, "value", dimension=Dimension.CHANNEL)
        return _labelled(_("转移渠道"), items, dict(Channel.choices))
    if name == "children":
        column = child_column(code)
        items = _sum_by(code, month, month, column) if column else []
        out = _labelled(_("下级地区"), [(c, n) for c, n in items if c], _names(c for c, _n in items))
        out["drillable"] = column is not None
        return out
    if name == "flow":
        return flow(code, month)
    raise BadParameter("panel", _("未知的面板“%(p)s”") % {"p": name})


PANELS = [
    "class_month",
    "class_year",
    "dest_province",
    "dest_city",
    "industry",
    "priority",
    "channel",
    "children",
    "flow",
]


def _labelled(title, items, names) -> dict:
    return {
        "title": str(title),
        "counts": "person_times",
        "items": [{"code": str(c), "name": str(names.get(c, c) or c), "value": n} for c, n in items],
    }


def flow(code: str, month: int) -> dict:
    """Origin (the region's children, or itself) -> destination province: Sankey links and map lines."""
    column = child_column(code) or "origin_township"
    qs = (
        rollups(code, month, month)
        .values(column, "value")
        .annotate(n=Sum("person_times"))
        .order_by("-n")[:60]
    )
    links = [(r[column] or code, r["value"], r["n"]) for r in qs]
    codes = {o for o, _d, _n in links} | {d for _o, d, _n in links}
    regions = {r.code: r for r in Region.objects.filter(pk__in=codes)}

    def point(c):
        r = regions.get(c)
        return [r.longitude, r.latitude] if r and r.longitude is not None else None

    return {
        "title": str(_("输出地→输入地")),
        "counts": "person_times",
        "nodes": [
            {"code": c, "name": regions[c].name if c in regions else c, "coord": point(c)}
            for c in sorted(codes)
        ],
        "links": [
            {
                "source": o,
                "target": d,
                "value": n,
                "source_name": regions[o].name if o in regions else o,
                "target_name": regions[d].name if d in regions else d,
            }
            for o, d, n in links
        ],
    }


def report_table(code: str, month: int) -> list[dict]:
    """The report in a ledger layout: the region itself, then each child region, by class."""
    report = monthly_report(code, month)
    rows = [
        {"code": code, "name": report.region_name, **_class_cells(report.by_class), "persons": report.persons}
    ]
    column = child_column(code)
    if column:
        per: dict[str, dict] = {}
        for r in rollups(code, month, month).values(column, "move_class").annotate(n=Sum("person_times")):
            per.setdefault(r[column], {})[r["move_class"]] = r["n"]
        names = _names(per)
        for child in sorted(c for c in per if c):
            rows.append(
                {
                    "code": child,
                    "name": names.get(child, child),
                    **_class_cells(per[child]),
                    "persons": _persons(child, month),
                }
            )
    return rows


def _class_cells(by_class: dict) -> dict:
    cells = {c.value: by_class.get(c.value, 0) for c in CLASSES}
    return {"person_times": sum(cells.values()), **cells}


def ledger_count(code: str, month: int | None = None, move_class: str = "") -> int:
    """Ledger rows with origin in ``code``'s subtree (in ``month``, of ``move_class``), from the rollups."""
    qs = TransferRollup.objects.filter(region_q(code), dimension=Dimension.DEST_PROVINCE)
    if month:
        qs = qs.filter(month=month)
    if move_class:
        qs = qs.filter(move_class=move_class)
    return qs.aggregate(n=Sum("person_times"))["n"] or 0
