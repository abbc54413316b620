import pytest

from jobbridge.core.models import AuditEvent, OccupationAlias
from tests.api.conftest import fields
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory(county_clerk=True)


@pytest.fixture
def recruiter():
    return UserFactory(recruiter=True)


def test_one_title(api, recruiter):
    r = api(recruiter).get("/api/jobtitles/code", title="急招叉车司机月薪8000", top=3)
    assert r.status_code == 200
    body = r.json()
    assert body["title"] == "急招叉车司机月薪8000"
    assert [set(s) for s in body["suggestions"]] == [{"code", "name", "score"}] * 3
    assert body["suggestions"][0]["code"] == "6-30-05-01"


def test_a_batch_in_order(api, clerk):
    r = api(clerk).post("/api/jobtitles/code", {"titles": ["保安", "电焊工", "普工包吃住"], "top": 2})
    assert r.status_code == 200
    assert [x["title"] for x in r.json()] == ["保安", "电焊工", "普工包吃住"]
    assert [x["suggestions"][0]["code"] for x in r.json()] == ["4-07-05-01", "6-18-02-04", "6-00-00-00"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "焊" * 201}, "title"),
        ({"title": "1234"}, "title"),
        ({"title": "电焊工", "top": 0}, "top"),
        ({"title": "电焊工", "top": 99}, "top"),
    ],
)
def test_bad_single_input_names_the_parameter(api, clerk, params, field):
    r = api(clerk).get("/api/jobtitles/code", **params)
    assert r.status_code == 422 and field in fields(r)


def test_bad_batch_input_names_the_row(api, clerk):
    r = api(clerk).post("/api/jobtitles/code", {"titles": ["电焊工", ""]})
    assert r.status_code == 422 and "titles.1" in fields(r)
    assert api(clerk).post("/api/jobtitles/code", {"titles": []}).status_code == 422
    assert api(clerk).post("/api/jobtitles/code", {"titles": ["x"] * 1001}).status_code == 422
    assert "extra" in fields(api(clerk).post("/api/jobtitles/code", {"titles": ["x"], "extra": 1}))


def test_anonymous_is_refused(client):
    assert client.get("/api/jobtitles/code", {"title": "电焊工"}).status_code == 401


def test_a_clerks_correction_comes_first_next_time_and_is_audited(api, clerk):
    title = "小蜜蜂急招"
    assert api(clerk).get("/api/jobtitles/code", title=title).json()["suggestions"][0]["code"] != "4-01-02-03"
    r = api(clerk).post("/api/jobtitles/aliases", {"title": title, "code": "4-01-02-03"})
    assert r.status_code == 200 and r.json()["code"] == "4-01-02-03"
    assert api(clerk).get("/api/jobtitles/code", title=title).json()["suggestions"][0]["code"] == "4-01-02-03"
    row = OccupationAlias.objects.get(alias=title)
    assert row.source == OccupationAlias.Source.CLERK
    event = AuditEvent.objects.get(object_type="core.occupationalias", object_id=str(row.pk))
    assert event.actor == clerk and event.detail["code"] == "4-01-02-03"


def test_a_later_correction_replaces_the_earlier_one(api, clerk):
    api(clerk).post("/api/jobtitles/aliases", {"title": "小蜜蜂", "code": "4-01-02-03"})
    api(clerk).post("/api/jobtitles/aliases", {"title": "小蜜蜂", "code": "4-09-08-01"})
    assert list(OccupationAlias.objects.filter(alias="小蜜蜂").values_list("occupation_id", flat=True)) == [
        "4-09-08-01"
    ]
    assert (
        api(clerk).get("/api/jobtitles/code", title="小蜜蜂").json()["suggestions"][0]["code"] == "4-09-08-01"
    )


def test_confirming_a_shared_csco_alias_makes_it_decisive(api, clerk):
    # "司机" is a CSCO alias of several codes; a clerk says that here it means a truck driver.
    api(clerk).post("/api/jobtitles/aliases", {"title": "司机", "code": "4-02-02-02"})
    assert (
        api(clerk).get("/api/jobtitles/code", title="司机").json()["suggestions"][0]["code"] == "4-02-02-02"
    )


def test_only_staff_may_correct_and_bad_codes_are_named(api, clerk, recruiter):
    assert (
        api(recruiter).post("/api/jobtitles/aliases", {"title": "小蜜蜂", "code": "4-01-02-03"}).status_code
        == 403
    )
    r = api(clerk).post("/api/jobtitles/aliases", {"title": "小蜜蜂", "code": "9-99-99-99"})
    assert r.status_code == 422 and "code" in fields(r)
    r = api(clerk).post("/api/jobtitles/aliases", {"title": "", "code": "4-01-02-03"})
    assert r.status_code == 422 and "title" in fields(r)
    assert not OccupationAlias.objects.filter(source=OccupationAlias.Source.CLERK).exists()
