"""Reads over the seeker register: the filters the list page, its export and the API share,
what a list row needs, and the counts and households reports ask for.

The scoping itself (``visible_to``) stays in the models; these only narrow an already scoped set.
"""

import datetime as dt
import re
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from jobbridge.core import pii, regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Region, Role
from jobbridge.core.models.regions import in_subtree, subtree_bounds

from .models import Education, EmploymentStatus, Household, PriorityDiagnosis, Seeker

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


_ID_RE = re.compile(r"^\d{17}[\dX]$")
_TAIL_RE = re.compile(r"^\d{3}[\dX]$")
_PHONE_RE = re.compile(r"^1\d{10}$")


def seeker_search(qs, text: str):
    """Name (contains), full ID number or mobile (exact, via the keyed hash), or the last four of
    the ID number (the masked form keeps them). Clear numbers are never stored, so no partial
    search on them is possible, by design."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return qs
    upper = text.upper()
    if _ID_RE.match(upper):
        return qs.filter(id_hash=pii.keyed_hash(upper))
    if _PHONE_RE.match(text):
        return qs.filter(phone_hash=pii.keyed_hash(text))
    if _TAIL_RE.match(upper):
        return qs.filter(id_masked__endswith=upper)
    return qs.filter(name__icontains=text)


def seeker_filter(
    qs, *, text: str = "", region: str = "", priority: str = "", status: str = "", education: str = ""
):
    """The seeker register's filters, shared by the list page, its export and the API.

    ``region`` is a code or a name (raises regions.UnknownRegion); it matches hukou or residence
    in that subtree. With a priority group as well, both are answered from the diagnosis table's
    indexed copies of the regions, which keeps "group X in county Y" fast at a million seekers."""
    qs = seeker_search(qs, text)
    code = regions.resolve(region) if region else None
    if priority:
        qs = qs.with_priority(priority, region=code)
    elif code:
        qs = qs.in_region(code)
    if status:
        qs = qs.filter(employment_status=status)
    if education:
        qs = qs.filter(education=education)
    return qs


def seeker_filter_count(
    user, qs, *, text: str = "", region: str = "", priority: str = "", status: str = "", education: str = ""
) -> int:
    """The size of ``seeker_filter(visible_to(user), ...)``, counted the cheap way when it can be.

    For "priority group X in region R" with R inside a bureau's own region (the common question
    at a million seekers), the answer is the number of distinct seekers among the current
    diagnoses of X whose region copies fall in R: every such seeker is visible to the bureau
    (R lies in its region) and none is a merged tombstone (a merge moves the diagnoses to the
    person kept). That count reads one narrow index instead of looking up every seeker.
    Any other combination counts ``qs`` itself."""
    code = regions.resolve(region) if region and priority else None
    if code and not (text or status or education) and user.is_authenticated:
        inside = user.role == Role.ADMIN or user.is_superuser
        if user.role == Role.BUREAU and user.region_id:
            low, high = subtree_bounds(user.region_id)
            inside = low <= code < high
        if inside:
            return (
                PriorityDiagnosis.objects.current()
                .filter(criterion=priority)
                .filter(in_subtree("hukou_region_id", code) | in_subtree("residence_region_id", code))
                .values("seeker_id")
                .distinct()
                .count()
            )
    return qs.count()


SEEKER_EXPORT_HEADERS = (
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "手机号",
    "户籍地",
    "现居住地",
    "学历",
    "就业状态",
    "期望月薪",
    "可到岗日期",
    "登记时间",
)


def seeker_export_rows(queryset) -> Iterable[tuple]:
    """Seekers as export rows, masked ID and phone only (pass a queryset already scoped with visible_to)."""
    gender = dict(Seeker.Gender.choices)
    education, status = dict(Education.choices), dict(EmploymentStatus.choices)
    fields = (
        "name",
        "id_masked",
        "gender",
        "birth_date",
        "phone_masked",
        "hukou_region__name",
        "residence_region__name",
        "education",
        "employment_status",
        "expected_wage",
        "available_from",
        "created_at",
    )
    for row in queryset.values_list(*fields).iterator(chunk_size=2000):
        (name, id_masked, sex, birth, phone, hukou, residence, edu, emp, wage, available, created) = row
        yield (
            name,
            id_masked,
            str(gender.get(sex, sex)),
            birth,
            phone,
            hukou,
            residence or "",
            str(education.get(edu, edu or "")),
            str(status.get(emp, emp)),
            wage,
            available,
            created,
        )


# The list page: its filter form, the rows it shows, its region picker and its export.

# Newest first by id: the same order as registration time, served by the (region, id) indexes.
SEEKER_SORTS = {"newest": ("-id",), "oldest": ("id",), "name": ("name", "id")}


def filter_seekers(qs: QuerySet, data: dict) -> tuple[QuerySet, dict[str, str]]:
    """Apply the list filters; returns the queryset and errors for filters that could not be read."""
    errors: dict[str, str] = {}
    region = data.get("region") or ""
    if region:
        try:
            regions.resolve(region)
        except ValueError as e:
            errors["region"] = str(e)
            region = ""
    qs = seeker_filter(
        qs,
        text=data.get("q") or "",
        region=region,
        priority=data.get("priority") or "",
        status=data.get("employment_status") or "",
        education=data.get("education") or "",
    )
    qs = qs.order_by(*SEEKER_SORTS.get(data.get("sort") or "newest", SEEKER_SORTS["newest"]))
    return qs, errors


def seekers_for_list(qs: QuerySet) -> QuerySet:
    """What a list row shows, fetched in a fixed number of queries whatever the page size."""
    return qs.select_related("hukou_region", "residence_region").prefetch_related(
        Prefetch("diagnoses", queryset=PriorityDiagnosis.objects.current(), to_attr="current_diagnoses")
    )


def counties_in_scope(user) -> list[Region]:
    """Counties offered in the region filter: those under a bureau's region, or those holding a
    commissioner's grids. Administrators type a code instead (the full list is ~2,800 long)."""
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    jurisdiction = Jurisdiction.of(user)
    if jurisdiction.is_bureau:
        return list(counties.filter(jurisdiction.q("code"))[:300])
    if jurisdiction.is_commissioner:
        return list(counties.filter(code__in={code[:6] for code in jurisdiction.roots() or []}))
    return []


SEEKER_LIST_EXPORT_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "户籍地",
    "现居住地",
    "学历",
    "就业状态",
    "就业困难类别",
    "期望月薪（元）",
    "登记日期",
]


def seeker_list_export_rows(qs: QuerySet):
    """The list page's export. Masked numbers only: an export leaves the system, the vault's
    clear values never do."""
    for s in seekers_for_list(qs).iterator(chunk_size=2000):
        yield [
            s.name,
            s.get_gender_display(),
            s.birth_date,
            s.id_masked,
            s.phone_masked,
            s.hukou_region.name,
            s.residence_region.name if s.residence_region else "",
            s.get_education_display(),
            s.get_employment_status_display(),
            "、".join(str(d.get_criterion_display()) for d in s.current_diagnoses),
            s.expected_wage or "",
            s.created_at.date(),
        ]
