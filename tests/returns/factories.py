"""Factories and a generated season for the return-to-work tests."""

import datetime as dt
from collections import Counter

import factory

from jobbridge.returns import rollups
from jobbridge.returns.models import Homecoming, MoveClass, Season
from tests.factories import LEDU_TOWN, SeekerFactory, new_id_number

FESTIVAL = dt.date(2026, 2, 17)
DONGGUAN = "441900"
DONGGUAN_TOWN = "441900003"  # 东城街道
BAIYUN = "440111"  # Guangzhou Baiyun district
WUHUA = "441424"  # Meizhou Wuhua county
BIJIE = "520502"  # Guizhou Bijie Qixingguan district


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Season
        django_get_or_create = ("code",)

    code = "2026"
    name = "2026年春节"
    festival_date = FESTIVAL
    leave_from = FESTIVAL - dt.timedelta(days=45)
    return_until = FESTIVAL + dt.timedelta(days=60)


class HomecomingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homecoming

    season = factory.SubFactory(SeasonFactory)
    seeker = factory.SubFactory(SeekerFactory)
    origin_region_id = LEDU_TOWN
    destination_region_id = DONGGUAN
    went_home_on = FESTIVAL - dt.timedelta(days=10)
    move_class = MoveClass.OUT_OF_PROVINCE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Counted as the services count it, so reports over factory records are right.
        obj = super()._create(model_class, *args, **kwargs)
        rollups.apply(Counter({rollups.key_of(obj, obj.season): 1}))
        return obj


def guangdong_rows(out_went=1000, out_back=717, in_went=500, in_back=451, nearby=40, outbound=30):
    """CSV rows of a season in which Guangdong sees 71.7% of workers from other provinces and
    90.2% of in-province migrants back (the figures of 5 March 2020), plus nearby workers and
    Guangdong people working in Jiangsu, who must not count in Guangdong's destination view.

    Returns (rows, seekers to create) where each seeker is (id_number, hukou)."""
    rows, people = [], []

    def add(origin, dest, went, back, back_day):
        number = new_id_number()
        people.append((number, origin))
        went_on = FESTIVAL - dt.timedelta(days=3 + went % 20)
        returned = (FESTIVAL + dt.timedelta(days=back_day)).isoformat() if back else ""
        rows.append([number, origin, dest, went_on.isoformat(), returned])

    for i in range(out_went):
        add(LEDU_TOWN if i % 2 else BIJIE, DONGGUAN, i, i < out_back, 6 + i % 18)
    for i in range(in_went):
        add(WUHUA, BAIYUN, i, i < in_back, 5 + i % 12)
    for i in range(nearby):
        add(DONGGUAN_TOWN, DONGGUAN, i, i % 2 == 0, 8)
    for i in range(outbound):
        add(WUHUA, "320205", i, False, 0)
    return rows, people
