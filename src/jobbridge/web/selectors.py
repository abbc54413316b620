"""Read-side helpers for the pages: filtering the scoped querysets by what a form asked for.

The scoping itself (``visible_to``) stays in the models; these only narrow an already scoped set.
"""

import re

from django.db.models import Prefetch, Q, QuerySet

from jobbridge.core import regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.models import Region
from jobbridge.people.models import PriorityDiagnosis
from jobbridge.people.selectors import seeker_filter

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_TAIL_RE = re.compile(r"^\d{3}[\dX]$")
_PHONE_RE = re.compile(r"^1\d{10}$")

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


def search_by_name_or_code(qs: QuerySet, text: str, *fields: str) -> QuerySet:
    text = text.strip()
    if not text:
        return qs
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__icontains": text})
    return qs.filter(q)


def seeker_export_rows(qs: QuerySet):
    """Masked numbers only: an export leaves the system, the vault's clear values never do."""
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
