"""Read-side helpers for the pages: filtering the scoped querysets by what a form asked for.

The scoping itself (``visible_to``) stays in the models; these only narrow an already scoped set.
"""

import re

from django.db.models import Prefetch, Q, QuerySet

from jobbridge.core import pii, regions
from jobbridge.core.models import Region
from jobbridge.core.models.regions import in_subtree
from jobbridge.core.models.users import Role
from jobbridge.people.models import PriorityDiagnosis

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_TAIL_RE = re.compile(r"^\d{3}[\dX]$")
_PHONE_RE = re.compile(r"^1\d{10}$")

SEEKER_SORTS = {"newest": ("-created_at", "-id"), "oldest": ("created_at", "id"), "name": ("name", "id")}


def search_seekers(qs: QuerySet, text: str) -> QuerySet:
    """Name (contains), full ID number or mobile (exact, via the keyed hash), or the last four of
    the ID number (the masked form keeps them). Clear numbers are never stored, so no partial
    search on them is possible, by design."""
    text = text.strip().replace(" ", "")
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


def filter_seekers(qs: QuerySet, data: dict) -> tuple[QuerySet, dict[str, str]]:
    """Apply the list filters; returns the queryset and errors for filters that could not be read."""
    errors: dict[str, str] = {}
    qs = search_seekers(qs, data.get("q") or "")
    if data.get("region"):
        try:
            qs = qs.in_region(regions.resolve(data["region"]))
        except ValueError as e:
            errors["region"] = str(e)
    if data.get("priority"):
        qs = qs.with_priority(data["priority"])
    if data.get("employment_status"):
        qs = qs.filter(employment_status=data["employment_status"])
    if data.get("education"):
        qs = qs.filter(education=data["education"])
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
    if user.role == Role.BUREAU and user.region_id:
        return list(counties.filter(in_subtree("code", user.region_id))[:300])
    if user.role == Role.COMMISSIONER:
        codes = {code[:6] for code in user.grids.values_list("township_id", flat=True)}
        return list(counties.filter(code__in=codes))
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
            s.name, s.get_gender_display(), s.birth_date, s.id_masked, s.phone_masked,
            s.hukou_region.name, s.residence_region.name if s.residence_region else "",
            s.get_education_display(), s.get_employment_status_display(),
            "、".join(str(d.get_criterion_display()) for d in s.current_diagnoses),
            s.expected_wage or "", s.created_at.date(),
        ]

