"""Reads over the seeker register that more than one page, API or report needs."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from .models import EmploymentStatus, Household, Seeker

WORKING_AGE = (16, 60)


def _birth_window(on: dt.date) -> tuple[dt.date, dt.date]:
    youngest, oldest = WORKING_AGE
    return on.replace(year=on.year - oldest - 1) + dt.timedelta(days=1), on.replace(year=on.year - youngest)


def zero_employment_households(seekers=None, on: dt.date | None = None):
    """Households with at least one member of working age and none of them in work.

    ``seekers`` is the viewer's scoped queryset; a household shows when any visible member lives
    in it. Students and people outside the labor force do not count as unemployed, nor as employed.
    """
    on = on or timezone.localdate()
    born_after, born_before = _birth_window(on.replace(day=28) if on.month == 2 and on.day == 29 else on)
    members = Seeker.objects.active().filter(birth_date__gt=born_after, birth_date__lte=born_before)
    working_age = Q(members__in=members)
    qs = Household.objects.all()
    if seekers is not None:
        qs = qs.filter(members__in=seekers).distinct()
    return (
        qs.annotate(
            in_labor_force=Count(
                "members",
                filter=working_age
                & Q(
                    members__employment_status__in=[
                        EmploymentStatus.UNEMPLOYED,
                        EmploymentStatus.EMPLOYED,
                        EmploymentStatus.FLEXIBLE,
                    ]
                ),
                distinct=True,
            ),
            employed=Count(
                "members",
                filter=working_age
                & Q(members__employment_status__in=[EmploymentStatus.EMPLOYED, EmploymentStatus.FLEXIBLE]),
                distinct=True,
            ),
        )
        .filter(in_labor_force__gt=0, employed=0)
        .order_by("code")
    )
