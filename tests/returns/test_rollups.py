"""The counts every report reads stay equal to a direct count of the records, whatever the
sequence of writes (page/API service, import, demo), and the rebuild agrees with both."""

import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from jobbridge.demo import returns as demo
from jobbridge.returns import rollups
from jobbridge.returns.importing import import_homecomings
from jobbridge.returns.models import Homecoming, HomecomingCount
from jobbridge.returns.services import homecoming_record
from tests.factories import SeekerFactory, new_id_number

from .factories import DONGGUAN, SeasonFactory

pytestmark = pytest.mark.django_db


def counted(season) -> Counter:
    return Counter(
        {
            (o, d, m, s, day): n
            for o, d, m, s, day, n in HomecomingCount.objects.filter(season=season, n__gt=0).values_list(
                "origin_region", "destination_region", "move_class", "status", "returned_day", "n"
            )
        }
    )


def direct(season) -> Counter:
    found: Counter = Counter()
    for h in Homecoming.objects.filter(season=season):
        found[rollups.key_of(h, season)[1:]] += 1
    return found


def test_counts_follow_every_write_and_rebuild_agrees(tmp_path):
    season = SeasonFactory()
    numbers = [new_id_number() for _ in range(6)]
    people = [SeekerFactory(id_number=n) for n in numbers]
    for p in people[:4]:
        homecoming_record(
            actor=None,
            season=season,
            seeker=p,
            data={"destination_region": DONGGUAN, "went_home_on": "2026-02-05"},
        )
    homecoming_record(actor=None, season=season, seeker=people[0], data={"returned_on": "2026-02-25"})
    homecoming_record(
        actor=None,
        season=season,
        seeker=people[1],
        data={"returned_on": "2026-02-26", "returned_to": "无锡市"},
    )
    homecoming_record(actor=None, season=season, seeker=people[1], data={"returned_on": ""})
    homecoming_record(actor=None, season=season, seeker=people[2], data={"status": "留乡不再外出"})
    path = tmp_path / "r.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [
                ["身份证号", "节前务工地", "返乡日期", "返岗日期"],
                [numbers[3], DONGGUAN, "2026-02-05", "2026-03-01"],  # update
                [numbers[4], "苏州市", "2026-02-01", ""],  # create
                [numbers[5], DONGGUAN, "2026-02-01", "2026-02-20"],
            ]
        )  # create
    import_homecomings(path=path, season=season)
    import_homecomings(path=path, season=season)  # unchanged: no double counting
    assert counted(season) == direct(season)
    assert sum(direct(season).values()) == 6
    assert rollups.rebuild(season) == 6
    assert counted(season) == direct(season)
    HomecomingCount.objects.filter(season=season).update(n=99)  # drifted (say, a merge removed a record)
    out = io.StringIO()
    call_command("returns", "rebuild", "--season", "2026", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"season": "2026", "records": 6}
    assert counted(season) == direct(season)


def test_demo_populate_and_reset_keep_counts(db):
    from jobbridge.people.models import Seeker

    Seeker.objects.bulk_create([SeekerFactory.build(source=Seeker.Source.DEMO) for _ in range(50)])
    demo.populate(season="2026", share=1.0)
    season = Homecoming.objects.first().season
    assert counted(season) == direct(season) and sum(counted(season).values()) == 50
    demo.reset()
    assert counted(season) == Counter()


def test_merge_of_two_records_home_in_one_season_keeps_counts_equal():
    from jobbridge.people.services import seeker_merge

    season = SeasonFactory()
    keep, drop, other = SeekerFactory(), SeekerFactory(), SeekerFactory()
    for p in (keep, drop, other):
        homecoming_record(
            actor=None,
            season=season,
            seeker=p,
            data={"destination_region": DONGGUAN, "went_home_on": "2026-02-05"},
        )
    assert sum(counted(season).values()) == 3
    seeker_merge(actor=None, keep=keep, drop=drop)
    assert Homecoming.objects.filter(season=season).count() == 2
    assert counted(season) == direct(season) and sum(counted(season).values()) == 2
