"""The demo world's Spring Festival: who of the demo seekers went home, and who came back.

``populate`` gives a share of the demo's migrant workers a trip home before the festival (to
the receiving counties the rest of the demo uses, to their province's capital, or nearby) and
returns them after it at about the rates the sources report: 71.7% for workers out of their
province, 90.2% within it, a little more for nearby work. Returns dated after ``today`` have
not happened yet, so a demo built during the return window shows the curve still rising.
``reset`` removes the demo's records (``jobbridge demo --reset`` must call it before it deletes
the demo seekers, which these rows reference).
"""

import datetime as dt
from collections import Counter

import numpy as np
from django.db import transaction
from django.utils import timezone

from jobbridge.core import regions
from jobbridge.people.models import Seeker
from jobbridge.returns import rollups
from jobbridge.returns.models import Homecoming, Season
from jobbridge.returns.seasons import season_get

from . import world

RETURN_RATE = {
    regions.MOVE_OUT_OF_PROVINCE: 0.717,
    regions.MOVE_WITHIN_PROVINCE: 0.902,
    regions.MOVE_NEARBY: 0.95,
}
# Where a worker of each exporting province works when not out of the province.
CAPITALS = {"63": "630103", "52": "520102", "53": "530102", "14": "140105", "50": "500103"}
SHARE_OUT, SHARE_WITHIN = 0.7, 0.18  # the rest work nearby
CHUNK = 5000


def populate(
    *, season: str = "2026", share: float = 0.5, seed: int = 2026, today: dt.date | None = None
) -> int:
    """Create the season's records for ``share`` of the demo seekers; returns how many. Re-running
    adds nothing: once demo seekers have records this season, the season counts as filled (a
    second pass would draw a different sample, since each record consumes random numbers)."""
    season_obj = season_get(season)
    if Homecoming.objects.filter(season=season_obj, seeker__source=Seeker.Source.DEMO).exists():
        return 0
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    dests = [c for c, _w in world.DESTINATION_COUNTIES]
    weights = np.array([w for _c, w in world.DESTINATION_COUNTIES])
    weights = weights / weights.sum()
    done = set(Homecoming.objects.filter(season=season_obj).values_list("seeker_id", flat=True))
    people = Seeker.objects.filter(source=Seeker.Source.DEMO, merged_into__isnull=True).order_by("id")
    created, batch = 0, []
    for seeker_id, hukou in people.values_list("id", "hukou_region_id").iterator(chunk_size=CHUNK):
        if rng.random() >= share or seeker_id in done:
            continue
        batch.append(_record(rng, season_obj, seeker_id, hukou, dests, weights, today))
        if len(batch) >= CHUNK:
            created += _flush(batch)
    return created + _flush(batch)


def _record(rng, season, seeker_id, hukou, dests, weights, today) -> Homecoming:
    pick = rng.random()
    if pick < SHARE_OUT:
        destination = dests[rng.choice(len(dests), p=weights)]
    elif pick < SHARE_OUT + SHARE_WITHIN and hukou[:2] in CAPITALS:
        destination = CAPITALS[hukou[:2]]
    else:
        destination = regions.county_of(hukou)
    move = regions.classify_move(hukou, destination)
    went = season.festival_date - dt.timedelta(days=int(rng.integers(2, 30)))
    status, back, back_to = Homecoming.Status.HOME, None, None
    if rng.random() < RETURN_RATE[move]:
        # Most come back in the second and third week after the festival; a tail into March.
        day = season.festival_date + dt.timedelta(days=int(min(4 + rng.gamma(3.0, 4.0), 55)))
        if day <= today:
            back, back_to, status = day, destination, Homecoming.Status.RETURNED
            if rng.random() < 0.08:
                back_to = dests[rng.choice(len(dests), p=weights)]
                if regions.county_of(back_to) != regions.county_of(destination):
                    status = Homecoming.Status.CHANGED
    elif rng.random() < 0.4 and season.festival_date + dt.timedelta(days=20) <= today:
        status = Homecoming.Status.STAYING
    return Homecoming(
        season=season,
        seeker_id=seeker_id,
        origin_region_id=hukou,
        destination_region_id=destination,
        went_home_on=went,
        returned_on=back,
        returned_to_id=back_to,
        status=status,
        move_class=move,
    )


def _flush(batch: list) -> int:
    n = len(batch)
    if n:
        with transaction.atomic():
            Homecoming.objects.bulk_create(batch, batch_size=2000)
            rollups.apply(Counter(rollups.key_of(h, h.season) for h in batch))
        batch.clear()
    return n


def reset() -> int:
    """Delete the records of demo seekers (all seasons); returns how many."""
    records = Homecoming.objects.filter(seeker__source=Seeker.Source.DEMO)
    seasons = list(Season.objects.filter(pk__in=records.values("season_id")))
    with transaction.atomic():
        deleted, _by_model = records.delete()
        for season in seasons:
            rollups.rebuild(season)
    return deleted
