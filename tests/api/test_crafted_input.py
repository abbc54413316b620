"""Crafted requests that used to reach the database driver or the body parser and come back as a
500: each is a client error in the API's error format, naming what was wrong (issue 9)."""

import json

import pytest
from django.test import Client

from jobbridge.core.apikit import MAX_OFFSET
from tests.factories import SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db

BIG = 2**63  # one past PostgreSQL's bigint and SQLite's integer

# One paginated list per app that has one (every @paginate(Page) in the tree), with the role that
# may read it: the offset must be refused before a query is built, whoever asks.
STAFF_LISTS = [
    "/api/occupations",  # reference (api)
    "/api/seekers",  # people (api)
    "/api/enterprises",  # employers (api)
    "/api/postings",  # employers (api)
    "/api/placements/applications",  # placements
    "/api/transfers",  # transfers
    "/api/returns/homecomings?season=2026",  # returns
    "/api/notifications/outbox",  # notifications
]
SEEKER_LISTS = ["/api/placements/mine", "/api/notifications/inbox"]


def _fields(response) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    return {f["field"]: f["message"] for f in body["error"]["fields"]}


def _get(api, user, path, **params):
    sep = "&" if "?" in path else "?"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api(user).client.get(f"{path}{sep}{query}")


@pytest.mark.parametrize("path", STAFF_LISTS)
@pytest.mark.parametrize("param, value", [("offset", BIG), ("offset", 10**30), ("limit", BIG)])
def test_an_offset_or_limit_past_bigint_is_a_422_naming_it(api, path, param, value):
    response = _get(api, UserFactory(county_clerk=True), path, **{param: value})
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert param in _fields(response)


@pytest.mark.parametrize("path", SEEKER_LISTS)
def test_a_seekers_own_lists_refuse_a_huge_offset_too(api, path):
    seeker = SeekerFactory(user=UserFactory(seeker=True))
    response = _get(api, seeker.user, path, offset=BIG)
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert "offset" in _fields(response)


@pytest.mark.parametrize("path", ["/api/seekers", "/api/transfers"])
def test_the_largest_offset_allowed_still_answers(api, path):
    response = _get(api, UserFactory(county_clerk=True), path, offset=MAX_OFFSET)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["items"] == []


@pytest.mark.parametrize("value", ["00:00:00Z", "08:30+08:00", "21:00:00-05:00"])
def test_quiet_hours_with_a_time_zone_are_a_422_naming_the_field(api, value):
    clerk = UserFactory(county_clerk=True)
    seeker = SeekerFactory()
    response = api(clerk).client.put(
        f"/api/notifications/seekers/{seeker.pk}/preference",
        json.dumps({"quiet_start": value, "quiet_end": "08:00"}),
        content_type="application/json",
    )
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert "quiet_start" in _fields(response)


def test_quiet_hours_as_local_times_still_save(api):
    clerk = UserFactory(county_clerk=True)
    seeker = SeekerFactory()
    response = api(clerk).client.put(
        f"/api/notifications/seekers/{seeker.pk}/preference",
        json.dumps({"quiet_start": "22:00:00", "quiet_end": "07:30"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["quiet_start"] == "22:00:00"
    assert response.json()["quiet_end"] == "07:30:00"


@pytest.mark.parametrize(
    "path",
    [
        "/api/returns/import?season=2026",  # takes a file
        "/api/seekers",  # takes JSON
    ],
)
@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\x00"],
)
def test_a_multipart_body_without_a_boundary_is_a_client_error(path, content_type):
    user = UserFactory(county_clerk=True)
    from jobbridge.core.tokens import token_issue

    _row, token = token_issue(actor=None, user=user, name="test")
    response = Client(headers={"Authorization": f"Bearer {token}"}).generic(
        "POST",
        path,
        b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--\r\n",
        content_type,
    )
    assert response.status_code in (400, 422), (response.status_code, response.content[:300])
    body = response.json()
    assert body["error"]["code"] in ("bad_request", "validation_error")
    assert _fields(response), body


def test_a_multipart_upload_with_its_boundary_still_reaches_the_import(api):
    """The guard is about the body's framing, not about multipart: a real upload gets through."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = UserFactory(county_clerk=True)
    client = api(user).client
    upload = SimpleUploadedFile("rows.csv", "身份证号,返乡日期\n".encode(), content_type="text/csv")
    response = client.post("/api/returns/import?season=2026", {"file": upload})
    assert response.status_code in (200, 422), response.content[:300]
    assert response.json().get("error", {}).get("code") != "bad_request"


def test_a_body_over_the_upload_limit_is_a_400_not_a_500(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = api(UserFactory(county_clerk=True))
    response = client.post("/api/seekers", {"name": "x" * 4096})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert "body" in _fields(response)
