"""The return-to-work report: went home (the baseline) and returned, and the rate, for a region.

A region can be read from two sides. ``origin``: the workers whose home is in the region (an
exporting county such as Ledu asks "how many of ours went back out?"). ``destination``: the
workers employed in the region before the festival (Guangdong asks "how many came back?",
and splits them by class: 71.7% of those from other provinces, 90.2% of in-province migrants).
Left to itself the report reads the side with more workers.

Read from ``HomecomingCount`` (kept in step with every write), never from the records: two
grouped queries (by origin, destination, class and status; returns by day) and a fold in Python
over the groups. The totals are aggregate counts, not personal data.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils.translation import gettext as _

from jobbridge.core import regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Region
from jobbridge.core.models.regions import in_subtree

from .models import HomecomingCount, MoveClass, Season
from .services import in_region

SIDES = ("origin", "destination")


def rate(returned: int, went: int) -> float | None:
    """Percent with one decimal, rounded half up (717 of 1,000 is 71.7); None for no baseline."""
    if not went:
        return None
    return float((Decimal(returned * 100) / Decimal(went)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def report_roots(user) -> list[str] | None:
    """The regions whose figures ``user`` may read; None for everywhere."""
    return Jurisdiction.of(user).roots()


def report_region(user, requested: str | None) -> str | None:
    """The region code to report on: the one asked for (a code or a name) if within the
    viewer's regions, else the viewer's own. Raises UnknownRegion or PermissionDenied."""
    roots = report_roots(user)
    if requested:
        code = regions.resolve(requested)
        if roots is not None and not any(in_region(code, r) for r in roots):
            raise PermissionDenied(_("地区%(c)s不在您的管辖范围内") % {"c": code})
        return code
    if roots is None:
        return None
    if not roots:
        raise PermissionDenied(_("仅限工作人员"))
    return roots[0]


def _child(code: str, region: str | None) -> tuple[str, bool]:
    """The child of ``region`` that holds ``code`` and whether it lies inside ``region``; a
    code outside (a worker from another province) is shown by its province."""
    chain = regions.ancestors(code)
    if region is None:
        return chain[0], True
    if region in chain:
        i = chain.index(region)
        return (chain[i + 1] if i + 1 < len(chain) else region), True
    return chain[0], False


def _row(code, inside, counts, names, drillable) -> dict:
    went = counts["went"]
    back = counts["returned"] + counts["changed"]
    return {
        "code": code,
        "name": names.get(code, code),
        "inside": inside,
        "drill": drillable and inside,
        "went_home": went,
        "returned": back,
        "changed": counts["changed"],
        "home": counts["home"],
        "staying": counts["staying"],
        "rate": rate(back, went),
    }


def _counter():
    return {"went": 0, "returned": 0, "changed": 0, "home": 0, "staying": 0}


def _add(counts: dict, status: str, n: int) -> None:
    counts["went"] += n
    counts[status] += n


def choose_side(season: Season, region: str | None, side: str | None) -> str:
    if side in SIDES:
        return side
    if region is None:
        return "origin"
    by_origin = _counts(season, region, "origin").aggregate(n=Sum("n"))["n"] or 0
    by_destination = _counts(season, region, "destination").aggregate(n=Sum("n"))["n"] or 0
    return "destination" if by_destination > by_origin else "origin"


def _counts(season: Season, region: str | None, side: str):
    """The season's counts (never the records: see HomecomingCount) on one side of a region."""
    qs = HomecomingCount.objects.filter(season=season, n__gt=0)
    return qs.filter(in_subtree(f"{side}_region", region)) if region else qs


def return_report(
    *, season: Season, region: str | None, side: str | None = None, detail: bool = True
) -> dict:
    """The report; ``detail=False`` (the panel) leaves out the breakdowns by region and groups
    by class and status only, a much smaller query."""
    side = choose_side(season, region, side)
    qs = _counts(season, region, side)
    keys = (
        ("origin_region", "destination_region", "move_class", "status")
        if detail
        else ("move_class", "status")
    )
    groups = qs.order_by().values_list(*keys).annotate(total=Sum("n"))
    total, by_class = _counter(), defaultdict(_counter)
    by_origin, by_dest = defaultdict(_counter), defaultdict(_counter)
    for *where, move, status, n in groups:
        _add(total, status, n)
        _add(by_class[move], status, n)
        if detail:
            _add(by_origin[_child(where[0], region)], status, n)
            _add(by_dest[_child(where[1], region)], status, n)
    daily = {
        season.festival_date + dt.timedelta(days=day): n
        for day, n in qs.filter(returned_day__gte=0)
        .order_by()
        .values_list("returned_day")
        .annotate(total=Sum("n"))
    }
    codes = {c for c, _in in [*by_origin, *by_dest]} | ({region} if region else set())
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if detail else {}

    def table(groups, drillable):
        rows = [_row(code, inside, counts, names, drillable) for (code, inside), counts in groups.items()]
        return sorted(rows, key=lambda r: (not r["inside"], -r["went_home"], r["code"]))

    back = total["returned"] + total["changed"]
    return {
        "season": {
            "code": season.code,
            "name": season.name,
            "festival_date": season.festival_date,
            "leave_from": season.leave_from,
            "return_until": season.return_until,
        },
        "region": {"code": region or "", "name": regions.full_name(region) if region else _("全国")},
        "side": side,
        "totals": {
            "went_home": total["went"],
            "returned": back,
            "changed": total["changed"],
            "home": total["home"],
            "staying": total["staying"],
            "rate": rate(back, total["went"]),
        },
        "by_class": [
            {
                "code": value,
                "name": str(label),
                "inside": True,
                "drill": False,
                "went_home": by_class[value]["went"],
                "returned": by_class[value]["returned"] + by_class[value]["changed"],
                "rate": rate(
                    by_class[value]["returned"] + by_class[value]["changed"], by_class[value]["went"]
                ),
            }
            for value, label in MoveClass.choices
        ],
        "by_origin": table(by_origin, side == "origin"),
        "by_destination": table(by_dest, side == "destination"),
        "daily": _curve(season, daily, total["went"]),
    }


def _curve(season: Season, daily: dict, went: int) -> list[dict]:
    """Cumulative returns per day from the festival to the last day with a return."""
    if not daily:
        return []
    last = min(max(daily), season.return_until)
    day, running, points = season.festival_date, 0, []
    while day <= last:
        running += daily.get(day, 0)
        points.append(
            {"date": day, "returned": daily.get(day, 0), "cumulative": running, "rate": rate(running, went)}
        )
        day += dt.timedelta(days=1)
    return points
