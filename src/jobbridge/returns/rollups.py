"""Keeping ``HomecomingCount`` in step with the records.

Every write path computes the key a record had before and has after, and ``apply`` adds the
differences (``core.rollups.add``: a sorted upsert, on PostgreSQL and SQLite alike) inside the
writer's transaction: the counts and the records commit together. ``rebuild`` recomputes a
season from the records (GROUP BY in the database, the keys made in Python).
"""

from collections import Counter

from django.db.models import Count

from jobbridge.core import rollups as core_rollups
from jobbridge.core.cleaning import parse_date

from .models import Homecoming, HomecomingCount, Season


def key_of(h: Homecoming, season: Season) -> tuple:
    return key_from(
        season,
        {
            "origin_region_id": h.origin_region_id,
            "destination_region_id": h.destination_region_id,
            "move_class": h.move_class,
            "status": h.status,
            "returned_on": h.returned_on,
        },
    )


def key_from(season: Season, values: dict) -> tuple:
    back = parse_date(values.get("returned_on"))
    returned = values["status"] in Homecoming.RETURNED_STATUSES
    day = (back - season.festival_date).days if back and returned else -1
    return (
        season.pk,
        values["origin_region_id"],
        values["destination_region_id"],
        values["move_class"],
        values["status"],
        day,
    )


def apply(deltas: Counter) -> None:
    core_rollups.add(HomecomingCount, deltas)


def rebuild(season: Season) -> int:
    """Recompute ``season``'s counts from the records; returns the number of records counted."""

    def count() -> Counter:
        groups = (
            Homecoming.objects.filter(season=season)
            .order_by()
            .values_list("origin_region_id", "destination_region_id", "move_class", "status", "returned_on")
            .annotate(n=Count("id"))
        )
        deltas: Counter = Counter()
        for origin, dest, move, status, back, n in groups:
            values = {
                "origin_region_id": origin,
                "destination_region_id": dest,
                "move_class": move,
                "status": status,
                "returned_on": back,
            }
            deltas[key_from(season, values)] += n
        return deltas

    counts = core_rollups.rebuild(HomecomingCount, count, rows=HomecomingCount.objects.filter(season=season))
    return sum(counts.values())


def settle_merge(sender, *, keep, drop, **kwargs) -> None:
    """Two records of one person merge: where both came home in the same season (one record per
    person and season), the dropped record's goes, and its count with it."""
    seasons = Homecoming.objects.filter(seeker=keep).values("season_id")
    doubles = list(Homecoming.objects.filter(seeker=drop, season_id__in=seasons).select_related("season"))
    deltas: Counter = Counter()
    for h in doubles:
        deltas[key_of(h, h.season)] -= 1
    apply(deltas)
    Homecoming.objects.filter(pk__in=[h.pk for h in doubles]).delete()
