"""From the database to the engine: seekers and postings as the plain records the engine reads.

Each function issues a fixed number of queries whatever the size of the queryset (one for the
rows, one per many-valued relation), so loading a city's register is a handful of scans, not
one query per person. Keys follow ``engine.features.SEEKER_KEYS`` and ``POSTING_KEYS``.
"""

from collections import defaultdict
from functools import lru_cache

from jobbridge.core.models import Occupation, Region
from jobbridge.people.models import Certificate, PriorityDiagnosis, Seeker, WorkHistory

from .engine.codes import OccupationTable, RegionTable


def _grouped(rows) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for key, value in rows:
        if value is not None:
            out[key].append(value)
    return out


def seeker_records(qs) -> list[dict]:
    """Records for the seekers of ``qs`` (already scoped by the caller)."""
    fields = [
        "id",
        "major",
        "skills_text",
        "education",
        "hukou_region_id",
        "residence_region_id",
        "accepts_anywhere",
        "expected_wage",
        "available_from",
    ]
    rows = list(qs.values(*fields))
    # A subquery, not a list of ids: a whole register's ids would exceed PostgreSQL's 65,535
    # bind parameters. A sliced queryset is small and may not repeat the same rows: use its ids.
    ids = [r["id"] for r in rows] if qs.query.is_sliced else qs.values("pk")
    # In the order they were entered: the engine keeps a seeker's first four distinct codes, so
    # an unordered read could keep a different four (and score differently) from night to night.
    desired = _grouped(
        Seeker.desired_occupations.through.objects.filter(seeker_id__in=ids)
        .order_by("seeker_id", "pk")
        .values_list("seeker_id", "occupation_id")
    )
    skilled = _grouped(
        Seeker.skill_occupations.through.objects.filter(seeker_id__in=ids)
        .order_by("seeker_id", "pk")
        .values_list("seeker_id", "occupation_id")
    )
    past = _grouped(
        WorkHistory.objects.filter(seeker_id__in=ids)
        .order_by("seeker_id", "pk")
        .values_list("seeker_id", "occupation_id")
    )
    destinations = _grouped(
        Seeker.desired_regions.through.objects.filter(seeker_id__in=ids).values_list("seeker_id", "region_id")
    )
    certificates = _grouped(Certificate.objects.filter(seeker_id__in=ids).values_list("seeker_id", "name"))
    groups = _grouped(
        PriorityDiagnosis.objects.current().filter(seeker_id__in=ids).values_list("seeker_id", "criterion")
    )
    return [
        {
            "id": r["id"],
            # Stated wishes first: the engine keeps the first four distinct codes.
            "occupations": [*desired[r["id"]], *skilled[r["id"]], *past[r["id"]]],
            "major": r["major"],
            "skills": r["skills_text"],
            "certificates": certificates[r["id"]],
            "education": r["education"],
            "hukou_region": r["hukou_region_id"],
            "residence_region": r["residence_region_id"],
            "destinations": destinations[r["id"]],
            "accepts_anywhere": r["accepts_anywhere"],
            "expected_wage": r["expected_wage"],
            "available_from": r["available_from"],
            "priority_groups": groups[r["id"]],
        }
        for r in rows
    ]


def posting_records(qs) -> list[dict]:
    fields = [
        "id",
        "occupation_id",
        "title",
        "description",
        "required_skills",
        "required_certificates",
        "min_education",
        "headcount",
        "filled",
        "wage_min",
        "wage_max",
        "work_region_id",
        "board",
        "lodging",
        "disability_friendly",
        "target_groups",
        "valid_from",
        "valid_until",
        "status",
    ]
    return [
        {**r, "occupation": r.pop("occupation_id"), "work_region": r.pop("work_region_id")}
        for r in qs.values(*fields)
    ]


@lru_cache(maxsize=1)
def region_table() -> RegionTable:
    """Names and centroids of counties and above, for distances and explanations."""
    return RegionTable.from_rows(
        Region.objects.filter(level__lte=Region.Level.COUNTY).values_list(
            "code", "name", "latitude", "longitude"
        )
    )


@lru_cache(maxsize=1)
def occupation_table() -> OccupationTable:
    table = OccupationTable()
    for code, level, name in Occupation.objects.values_list("code", "level", "name"):
        table.levels[code] = level
        table.names[code] = name
    return table
