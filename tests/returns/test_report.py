"""The report's breakdowns: drilling from province to township, the two sides of a region,
the daily cumulative curve."""

import datetime as dt

import pytest

from jobbridge.returns.models import Homecoming
from jobbridge.returns.selectors import return_report

from .factories import DONGGUAN, FESTIVAL, HomecomingFactory, SeasonFactory

pytestmark = pytest.mark.django_db

NIANBO = "630202001"  # 碾伯街道, Ledu
GAOMIAO = "630202101"  # 高庙镇, Ledu
PINGAN_TOWN = "630203001"


@pytest.fixture
def season():
    s = SeasonFactory()
    for origin, n_back, n_home in ((NIANBO, 3, 1), (GAOMIAO, 1, 1), (PINGAN_TOWN, 0, 2)):
        for i in range(n_back):
            HomecomingFactory(
                season=s,
                origin_region_id=origin,
                returned_on=FESTIVAL + dt.timedelta(days=5 + i),
                returned_to_id=DONGGUAN,
                status=Homecoming.Status.RETURNED,
            )
        for _ in range(n_home):
            HomecomingFactory(season=s, origin_region_id=origin)
    HomecomingFactory(
        season=s,
        origin_region_id=NIANBO,
        destination_region_id="630103",
        move_class="within_province",
        returned_on=FESTIVAL + dt.timedelta(days=5),
        returned_to_id="630103",
        status=Homecoming.Status.RETURNED,
    )
    return s


def rows(report, key):
    return {r["code"]: (r["went_home"], r["returned"], r["rate"], r["drill"]) for r in report[key]}


def test_drill_from_province_to_township(season):
    province = return_report(season=season, region="630000")
    assert province["side"] == "origin"
    assert rows(province, "by_origin") == {"630200": (9, 5, 55.6, True)}
    city = return_report(season=season, region="630200")
    assert rows(city, "by_origin") == {"630202": (7, 5, 71.4, True), "630203": (2, 0, 0.0, True)}
    county = return_report(season=season, region="630202")
    assert rows(county, "by_origin") == {NIANBO: (5, 4, 80.0, True), GAOMIAO: (2, 1, 50.0, True)}
    town = return_report(season=season, region=NIANBO)
    assert rows(town, "by_origin") == {NIANBO: (5, 4, 80.0, True)}
    # Destinations outside the region are shown by province and not drillable.
    assert rows(county, "by_destination") == {"440000": (6, 4, 66.7, False), "630000": (1, 1, 100.0, False)}
    assert rows(province, "by_destination")["630100"] == (1, 1, 100.0, False)
    classes = {c["code"]: (c["went_home"], c["returned"], c["rate"]) for c in county["by_class"]}
    assert classes == {
        "out_of_province": (6, 4, 66.7),
        "within_province": (1, 1, 100.0),
        "nearby": (0, 0, None),
    }


def test_two_sides_of_a_region(season):
    dongguan = return_report(season=season, region=DONGGUAN)
    assert dongguan["side"] == "destination" and dongguan["totals"]["went_home"] == 8
    # Dongguan has no counties: its townships are its children; the workers come from Qinghai.
    assert rows(dongguan, "by_origin") == {"630000": (8, 4, 50.0, False)}
    assert return_report(season=season, region=DONGGUAN, side="origin")["totals"]["went_home"] == 0
    everywhere = return_report(season=season, region=None)
    assert everywhere["region"]["name"] == "全国" and everywhere["totals"]["went_home"] == 9


def test_daily_cumulative_curve(season):
    daily = return_report(season=season, region="630202")["daily"]
    assert daily[0]["date"] == FESTIVAL
    assert [(p["date"] - FESTIVAL).days for p in daily] == list(range(0, 8))
    assert [p["cumulative"] for p in daily] == [0, 0, 0, 0, 0, 3, 4, 5]
    assert daily[-1]["rate"] == 71.4
