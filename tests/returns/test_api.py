"""The API: the report in the caller's regions, records created or updated through one endpoint,
lists of people scoped and masked, import and template, one error format."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobbridge.returns.models import Homecoming
from tests.api.conftest import ApiClient, fields
from tests.factories import LEDU, LEDU_TOWN, GridFactory, SeekerFactory, UserFactory, new_id_number

from .factories import DONGGUAN, HomecomingFactory, SeasonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    return SeasonFactory()


def test_record_then_update_by_id_number(season):
    clerk = UserFactory(region_id=LEDU)
    number = new_id_number()
    seeker = SeekerFactory(id_number=number)
    api = ApiClient(clerk)
    r = api.post(
        "/api/returns/homecomings",
        {"season": "2026", "id_number": number, "destination_region": "东莞市", "went_home_on": "2026-02-03"},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["result"] == "created" and body["record"]["status"] == "home"
    assert body["record"]["id_masked"] == seeker.id_masked and number not in r.content.decode()
    r = api.post(
        "/api/returns/homecomings", {"season": "2026", "seeker_id": seeker.pk, "returned_on": "2026-02-27"}
    )
    assert r.status_code == 200 and r.json()["result"] == "updated"
    assert r.json()["record"]["status"] == "returned"
    assert Homecoming.objects.count() == 1


def test_record_bad_input_is_422_naming_the_field(season):
    api = ApiClient(UserFactory(region_id=LEDU))
    seeker = SeekerFactory()
    r = api.post(
        "/api/returns/homecomings",
        {
            "season": "2026",
            "seeker_id": seeker.pk,
            "destination_region": "999999",
            "went_home_on": "2026-02-03",
            "returned_on": "2026-02-01",
        },
    )
    assert r.status_code == 422
    assert set(fields(r)) >= {"destination_region", "returned_on"}
    r = api.post(
        "/api/returns/homecomings", {"season": "2026", "seeker_id": seeker.pk, "went_home_on": "soon"}
    )
    assert r.status_code == 422 and "went_home_on" in fields(r)
    r = api.post("/api/returns/homecomings", {"season": "2026", "seeker_id": seeker.pk, "colour": "red"})
    assert r.status_code == 422 and "colour" in fields(r)
    r = api.post("/api/returns/homecomings", {"season": "1999", "seeker_id": seeker.pk})
    assert r.status_code == 422 and "season" in fields(r)
    r = api.post("/api/returns/homecomings", {"season": "2026", "id_number": "123"})
    assert r.status_code == 422 and "id_number" in fields(r)
    r = api.post("/api/returns/homecomings", {"season": "2026", "id_number": new_id_number()})
    assert r.status_code == 404


def test_out_of_scope_person_is_refused(season):
    api = ApiClient(UserFactory(region_id="630203"))  # Ping'an, not Ledu
    r = api.post(
        "/api/returns/homecomings",
        {
            "season": "2026",
            "seeker_id": SeekerFactory().pk,
            "destination_region": DONGGUAN,
            "went_home_on": "2026-02-03",
        },
    )
    assert r.status_code == 422 and "seeker" in fields(r)
    assert ApiClient(UserFactory(recruiter=True)).get("/api/returns/report", season="2026").status_code == 403


def test_report_scoped_to_callers_region(season):
    HomecomingFactory(season=season)
    ledu = ApiClient(UserFactory(region_id=LEDU))
    body = ledu.get("/api/returns/report", season="2026").json()
    assert body["region"]["code"] == LEDU and body["side"] == "origin" and body["totals"]["went_home"] == 1
    r = ledu.get("/api/returns/report", season="2026", region="440000")
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    r = ledu.get("/api/returns/report", season="2026", region="not-a-place")
    assert r.status_code == 422 and "region" in fields(r)
    r = ledu.get("/api/returns/report", season="2026", side="sideways")
    assert r.status_code == 422 and "side" in fields(r)
    empty = ledu.get("/api/returns/report", season="2027").json()
    assert empty["totals"]["went_home"] == 0 and empty["totals"]["rate"] is None


def test_list_scoped_and_masked(season):
    grid = GridFactory()
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(grid)
    mine = HomecomingFactory(season=season, seeker=SeekerFactory(grid=grid))
    HomecomingFactory(season=season)
    rows = ApiClient(commissioner).get("/api/returns/homecomings", season="2026").json()["items"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert "*" in rows[0]["id_masked"]
    admin_rows = (
        ApiClient(UserFactory(admin=True))
        .get("/api/returns/homecomings", season="2026", region=LEDU, status="home")
        .json()
    )
    assert admin_rows["count"] == 2


def test_import_and_template_and_seasons(season):
    number = new_id_number()
    SeekerFactory(id_number=number)
    clerk = UserFactory(region_id=LEDU)
    api = ApiClient(clerk)
    bad_check_digit = number[:-1] + ("1" if number[-1] != "1" else "2")
    csv = f"身份证号,节前务工地,返乡日期\n{number},东莞市,2026-02-05\n{bad_check_digit},东莞市,2026-02-05\n".encode()
    r = api.client.post(
        "/api/returns/import?season=2026", {"file": SimpleUploadedFile("r.csv", csv, content_type="text/csv")}
    )
    assert r.status_code == 200, r.json()
    assert (r.json()["created"], r.json()["rejected"]) == (1, 1)
    r = api.client.post(
        "/api/returns/import?season=2026",
        {"file": SimpleUploadedFile("r.csv", b"nothing here\n", content_type="text/csv")},
    )
    assert r.status_code == 422 and "file" in fields(r)
    t = api.get("/api/returns/template")
    assert t.status_code == 200 and t.content[:2] == b"PK"
    assert [s["code"] for s in api.get("/api/returns/seasons").json()] == ["2026"]
    r = api.post("/api/returns/seasons", {"code": "2026b", "festival_date": "2026-02-17"})
    assert r.status_code == 201 and r.json()["return_until"] == "2026-04-18"
    r = api.post("/api/returns/seasons", {"code": "2026b", "festival_date": "2026-02-17"})
    assert r.status_code == 422 and "season" in fields(r)
    assert (
        ApiClient(UserFactory(commissioner=True))
        .post("/api/returns/seasons", {"code": "x", "festival_date": "2026-02-17"})
        .status_code
        == 403
    )


def test_record_json_is_exactly_the_schema_fields_in_order(season):
    """A record as the API sends it, byte for byte: related rows as their ids or codes, the person
    by name and masked ID number (the schema reads them off the record as loaded)."""
    from tests.factories import EnterpriseFactory

    api = ApiClient(UserFactory(region_id=LEDU))
    seeker, employer = SeekerFactory(), EnterpriseFactory()
    r = api.post(
        "/api/returns/homecomings",
        {
            "season": "2026",
            "seeker_id": seeker.pk,
            "destination_region": "东莞市",
            "employer_uscc": employer.uscc,
            "went_home_on": "2026-02-03",
            "returned_on": "2026-02-27",
            "returned_to": "无锡市",
        },
    )
    assert r.status_code == 201, r.json()
    h = Homecoming.objects.get()
    record = {
        "id": h.pk,
        "seeker": seeker.pk,
        "name": seeker.name,
        "id_masked": seeker.id_masked,
        "season": "2026",
        "origin_region": seeker.hukou_region_id,
        "destination_region": DONGGUAN,
        "employer": employer.pk,
        "went_home_on": "2026-02-03",
        "returned_on": "2026-02-27",
        "returned_to": "320200",
        "status": "changed",
        "move_class": "out_of_province",
    }
    assert r.content == json.dumps({"result": "created", "record": record}, ensure_ascii=False).encode()
    other = HomecomingFactory(season=season)  # not back yet, no employer: nulls
    listed = api.get("/api/returns/homecomings", season="2026").content
    bare = {
        **record,
        "id": other.pk,
        "seeker": other.seeker_id,
        "name": other.seeker.name,
        "id_masked": other.seeker.id_masked,
        "origin_region": LEDU_TOWN,
        "employer": None,
        "went_home_on": "2026-02-07",
        "returned_on": None,
        "returned_to": None,
        "status": "home",
    }
    assert listed == json.dumps({"items": [record, bare], "count": 2}, ensure_ascii=False).encode()
