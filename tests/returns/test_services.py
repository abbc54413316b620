"""The rules of a trip home and back, as every way in (page, API, import) applies them."""

import datetime as dt

import pytest

from jobbridge.core.errors import ServiceError
from jobbridge.returns.models import Homecoming
from jobbridge.returns.seasons import season_create, season_get
from jobbridge.returns.selectors import rate, return_report
from jobbridge.returns.services import homecoming_record
from tests.factories import LEDU, LEDU_TOWN, GridFactory, SeekerFactory, UserFactory

from .factories import DONGGUAN, FESTIVAL, SeasonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    return SeasonFactory()


def record(season, seeker, actor=None, **data):
    return homecoming_record(actor=actor, season=season, seeker=seeker, data=data)


def errors(exc) -> dict:
    found: dict[str, str] = {}
    for e in exc.value.errors:
        found[e.field] = found.get(e.field, "") + e.message + "；"
    return found


def test_went_home_then_returned_completes_one_record(season):
    seeker = SeekerFactory()
    first, result = record(season, seeker, destination_region="东莞市", went_home_on="2026-02-05")
    assert result == "created"
    assert (first.origin_region_id, first.status, first.move_class) == (LEDU_TOWN, "home", "out_of_province")
    again, result = record(season, seeker, returned_on="2026年2月25日")
    assert result == "updated" and again.pk == first.pk
    assert (again.status, again.returned_to_id, again.destination_region_id) == (
        "returned",
        DONGGUAN,
        DONGGUAN,
    )
    assert record(season, seeker, returned_on="2026-02-25")[1] == "unchanged"
    assert Homecoming.objects.count() == 1


def test_returned_elsewhere_is_a_change_of_work_place(season):
    seeker = SeekerFactory()
    h, _r = record(
        season,
        seeker,
        destination_region=DONGGUAN,
        went_home_on="2026-02-01",
        returned_on="2026-03-01",
        returned_to="无锡市锡山区",
    )
    assert h.status == "changed" and h.returned_to_id == "320205"


def test_taking_back_a_return_clears_where_to(season):
    seeker = SeekerFactory()
    record(season, seeker, destination_region=DONGGUAN, went_home_on="2026-02-01", returned_on="2026-03-01")
    h, result = record(season, seeker, returned_on="")
    assert (result, h.status, h.returned_on, h.returned_to_id) == ("updated", "home", None, None)


def test_staying_home_then_coming_back_after_all(season):
    seeker = SeekerFactory()
    h, _r = record(
        season, seeker, destination_region=DONGGUAN, went_home_on="2026-02-01", status="留乡不再外出"
    )
    assert h.status == "staying"
    h, _r = record(season, seeker, returned_on="2026-03-10")
    assert h.status == "returned"


@pytest.mark.parametrize(
    "data, field, words",
    [
        (
            {"went_home_on": "2026-02-10", "returned_on": "2026-02-08"},
            "returned_on",
            "早于返乡日期2026-02-10",
        ),
        ({"went_home_on": "2026-02-10", "returned_on": "2026-02-08"}, "returned_on", "不在本季统计期"),
        ({"went_home_on": "2025-11-01"}, "went_home_on", "不在本季统计期"),
        ({"went_home_on": "2026-02-20"}, "went_home_on", "不在本季统计期"),
        ({"went_home_on": "2026-02-10", "returned_on": "2026-06-01"}, "returned_on", "不在本季统计期"),
        ({"went_home_on": ""}, "went_home_on", "不能为空"),
        ({"went_home_on": "2026-02-30"}, "went_home_on", "不存在"),
        ({"went_home_on": "2026-02-10", "destination_region": "999999"}, "destination_region", "不存在"),
        (
            {"went_home_on": "2026-02-10", "destination_region": "不存在的地方"},
            "destination_region",
            "找不到",
        ),
        ({"went_home_on": "2026-02-10", "origin_region": "123456"}, "origin_region", "不存在"),
        ({"went_home_on": "2026-02-10", "status": "已返岗"}, "returned_on", "须填写返岗日期"),
        (
            {"went_home_on": "2026-02-10", "returned_on": "2026-02-20", "status": "在家未返岗"},
            "status",
            "不能是",
        ),
        ({"went_home_on": "2026-02-10", "status": "失踪"}, "status", "不是可选值"),
        ({"went_home_on": "2026-02-10", "returned_to": DONGGUAN}, "returned_on", "须填写返岗日期"),
        ({"went_home_on": "2026-02-10", "employer_uscc": "123"}, "employer_uscc", "18位"),
    ],
)
def test_bad_input_names_the_field(season, data, field, words):
    with pytest.raises(ServiceError) as exc:
        record(season, SeekerFactory(), **{"destination_region": DONGGUAN, **data})
    assert words in errors(exc)[field]
    assert not Homecoming.objects.exists()


def test_festival_day_is_both_the_last_day_home_and_the_first_day_back(season):
    h, _r = record(
        season,
        SeekerFactory(),
        destination_region=DONGGUAN,
        went_home_on=FESTIVAL.isoformat(),
        returned_on=FESTIVAL.isoformat(),
    )
    assert h.status == "returned" and h.returned_on == h.went_home_on == FESTIVAL


def test_unknown_employer_is_refused(season):
    with pytest.raises(ServiceError) as exc:
        record(
            season,
            SeekerFactory(),
            destination_region=DONGGUAN,
            went_home_on="2026-02-10",
            employer_uscc="91320205MA1MXJ0K7B",
        )
    assert "employer_uscc" in errors(exc)


def test_scope_commissioner_records_only_own_grid(season):
    grid = GridFactory()
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(grid)
    mine, other = SeekerFactory(grid=grid), SeekerFactory()
    record(season, mine, commissioner, destination_region=DONGGUAN, went_home_on="2026-02-10")
    with pytest.raises(ServiceError) as exc:
        record(season, other, commissioner, destination_region=DONGGUAN, went_home_on="2026-02-10")
    assert "seeker" in errors(exc)


def test_scope_receiving_bureau_records_workers_employed_there(season):
    dongguan_clerk = UserFactory(region_id=DONGGUAN)
    ledu_worker = SeekerFactory()
    h, _r = record(
        season, ledu_worker, dongguan_clerk, destination_region=DONGGUAN, went_home_on="2026-02-10"
    )
    assert h.recorded_by == dongguan_clerk
    with pytest.raises(ServiceError):
        record(
            season, SeekerFactory(), dongguan_clerk, destination_region="无锡市", went_home_on="2026-02-10"
        )
    assert Homecoming.objects.visible_to(dongguan_clerk).count() == 1
    assert Homecoming.objects.visible_to(UserFactory(region_id=LEDU)).count() == 1
    assert Homecoming.objects.visible_to(UserFactory(region_id="440300")).count() == 0


def test_seasons_known_years_are_created_on_use_others_must_exist():
    s = season_get("2026")
    assert s.festival_date == FESTIVAL and s.leave_from < FESTIVAL < s.return_until
    assert season_get("2026").pk == s.pk
    with pytest.raises(ServiceError) as exc:
        season_get("1999")
    assert "season" in errors(exc)
    with pytest.raises(ServiceError):
        season_create(code="2026", festival_date=FESTIVAL)
    with pytest.raises(ServiceError) as exc:
        season_create(code="x", festival_date=FESTIVAL, leave_from=FESTIVAL + dt.timedelta(days=1))
    assert "leave_from" in errors(exc)


def test_empty_season_is_an_empty_report(season):
    report = return_report(season=season, region="440000")
    assert report["totals"]["went_home"] == 0 and report["totals"]["rate"] is None
    assert report["by_origin"] == [] and report["daily"] == []
    assert [c["rate"] for c in report["by_class"]] == [None, None, None]


def test_rate_rounds_half_up():
    assert rate(717, 1000) == 71.7
    assert rate(1, 8) == 12.5
    assert rate(1, 3) == 33.3
    assert rate(2, 3) == 66.7
    assert rate(0, 0) is None
