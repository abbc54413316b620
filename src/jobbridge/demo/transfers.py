"""Past labor transfers in the demo world (`jobbridge demo` calls ``populate``).

Hires made by the placements demo already write their transfers through
``transfer_from_hire``; this adds the ledger a bureau would hold before the platform: a share of
the demo's seekers transferred once or twice over the last 14 months (out of province to the
demo's receiving counties, within the province to the capital, or nearby in their own county),
with the Spring Festival peak in February-March. Written through the bulk ledger path
(``services.record_many``), so the rollups are kept in step. Idempotent: when demo seekers
already have hand-entered transfers, nothing is added. ``reset`` removes them (call it before
the demo's seekers are deleted: ledger rows protect their person).
"""

import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone

from jobbridge.core import regions as core_regions
from jobbridge.people.models import Seeker
from jobbridge.transfers import rollups, services
from jobbridge.transfers.models import Channel, OriginBasis, Source, Transfer

from . import world

CAPITALS = {"63": "630103", "52": "520102", "53": "530102", "14": "140105", "50": "500103"}
EMPLOYERS = {
    "out": ["电子有限公司", "服装有限公司", "物流有限公司", "精密机械有限公司", "食品有限公司"],
    "within": ["建筑工程有限公司", "餐饮管理有限公司", "物业服务有限公司"],
    "nearby": ["扶贫车间", "农业专业合作社", "就业帮扶基地"],
}
INDUSTRY = {
    "电子有限公司": "C",
    "服装有限公司": "C",
    "物流有限公司": "G",
    "精密机械有限公司": "C",
    "食品有限公司": "C",
    "建筑工程有限公司": "E",
    "餐饮管理有限公司": "H",
    "物业服务有限公司": "K",
    "扶贫车间": "C",
    "农业专业合作社": "A",
    "就业帮扶基地": "O",
}
# Spring Festival peak: more departures in February and March.
MONTH_WEIGHT = {
    1: 1.2,
    2: 2.5,
    3: 2.0,
    4: 1.0,
    5: 0.8,
    6: 0.7,
    7: 0.8,
    8: 0.8,
    9: 0.9,
    10: 0.8,
    11: 0.6,
    12: 0.6,
}


def populate(*, share: float = 0.3, seed: int = 2026, today: dt.date | None = None) -> int:
    """Transfers for ``share`` of the demo seekers; returns how many ledger rows were written."""
    demo = Seeker.objects.filter(source=Seeker.Source.DEMO, merged_into__isnull=True)
    if Transfer.objects.filter(seeker__in=demo, source=Source.MANUAL).exists():
        return 0
    today = min(today or timezone.localdate(), timezone.localdate())
    rng = random.Random(seed)
    days = [today - dt.timedelta(days=n) for n in range(1, 425)]
    weights = [MONTH_WEIGHT[d.month] for d in days]
    dests = [c for c, _w in world.DESTINATION_COUNTIES]
    dest_weights = [w for _c, w in world.DESTINATION_COUNTIES]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows, keys = [], set()
    for seeker_id, hukou in (
        demo.order_by("pk").values_list("pk", "hukou_region_id").iterator(chunk_size=5000)
    ):
        if rng.random() >= share:
            continue
        for _n in range(1 if rng.random() < 0.8 else 2):
            pick = rng.random()
            if pick < 0.6:
                kind, dest = "out", rng.choices(dests, dest_weights)[0]
            elif pick < 0.8 and hukou[:2] in CAPITALS:
                kind, dest = "within", CAPITALS[hukou[:2]]
            else:
                kind, dest = "nearby", core_regions.county_of(hukou)
            day = rng.choices(days, weights)[0]
            suffix = rng.choice(EMPLOYERS[kind])
            employer = f"{core_regions.full_name(dest)[-6:]}{suffix}"
            key = services.natural_key(seeker_id=seeker_id, day=day, destination=dest, employer=employer)
            if key in keys:
                continue
            keys.add(key)
            channel = rng.choices([Channel.BUREAU, Channel.FAIR, Channel.SELF, Channel.OTHER], [4, 2, 3, 1])[
                0
            ]
            rows.append(
                (
                    seeker_id,
                    OriginBasis.HUKOU,
                    hukou,
                    dest,
                    None,
                    employer[:128],
                    INDUSTRY[suffix],
                    day,
                    channel,
                    core_regions.classify_move(hukou, dest),
                    Source.MANUAL,
                    False,
                    None,
                    key,
                    None,
                    now,
                )
            )
    with transaction.atomic():
        for i in range(0, len(rows), 5000):
            services.record_many(rows[i : i + 5000])
    return len(rows)


@transaction.atomic
def reset() -> int:
    """Remove every ledger row of the demo's seekers and rebuild the rollups; returns how many."""
    demo = Seeker.objects.filter(source=Seeker.Source.DEMO)
    deleted, _by_model = Transfer.objects.filter(seeker__in=demo).delete()
    if deleted:
        rollups.rebuild()
    return deleted
