"""Seeker endpoints over the people services: registration, updates, findings, and the one
audited way to see a clear ID number."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobbridge.core.models import AuditEvent
from jobbridge.people.models import Seeker
from tests.api.conftest import fields
from tests.factories import DiagnosisFactory, GridFactory, SeekerFactory, UserFactory, new_id_number

pytestmark = pytest.mark.django_db


def _wrong_check_digit(number: str) -> tuple[str, str]:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong, number[-1]


def test_clerk_registers_a_seeker(api):
    clerk = UserFactory(county_clerk=True)
    number = new_id_number()
    response = api(clerk).post(
        "/api/seekers",
        {
            "name": "张三",
            "id_number": number,
            "phone": "13800001111",
            "hukou_region": "乐都区",
            "education": "junior",
            "desired_occupations": ["焊工"],
            "desired_regions": ["无锡市"],
            "expected_wage": 6000,
            "available_from": "2025-03-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "张三" and body["hukou_region"] == {"code": "630202", "name": "乐都区"}
    assert body["id_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert body["phone_masked"] == "138****1111"
    assert body["desired_occupations"] == [{"code": "6-18-02-04", "name": "焊工"}]
    assert number not in response.content.decode() and "13800001111" not in response.content.decode()
    seeker = Seeker.objects.get(pk=body["id"])
    assert seeker.created_by == clerk and seeker.source == Seeker.Source.STAFF
    assert AuditEvent.objects.filter(action="create", object_id=str(seeker.pk), actor=clerk).exists()


def test_validation_error_names_the_field_in_the_single_format(api):
    number, right = _wrong_check_digit(new_id_number())
    response = api(UserFactory(county_clerk=True)).post(
        "/api/seekers", {"name": "李四", "id_number": number, "hukou_region": "630202"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert fields(response) == {"id_number": f"校验位应为{right}"}


def test_duplicate_registration_refused(api):
    client = api(UserFactory(county_clerk=True))
    number = new_id_number()
    body = {"name": "王五", "id_number": number, "hukou_region": "630202"}
    assert client.post("/api/seekers", body).status_code == 201
    again = client.post("/api/seekers", body)
    assert again.status_code == 422 and "id_number" in fields(again)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "A", "id_number": "x", "hukou_region": "630202", "expected_wage": "lots"}, "expected_wage"),
        ({"name": "A", "id_number": "x", "hukou_region": "630202", "education": "phd"}, "education"),
        ({"name": "A", "id_number": "x", "hukou_region": "630202", "bogus": 1}, "bogus"),
        ({"name": "A", "hukou_region": "630202"}, "id_number"),
        (
            {"name": "A", "id_number": "x", "hukou_region": "630202", "available_from": "yesterday"},
            "available_from",
        ),
    ],
)
def test_schema_errors_name_the_field(api, body, field):
    response = api(UserFactory(county_clerk=True)).post("/api/seekers", body)
    assert response.status_code == 422
    assert field in fields(response)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"hukou_region": "无此地名"}, "hukou_region"),
        ({"desired_occupations": ["宇航驾驶员不存在"]}, "desired_occupations"),
        ({"phone": "12345"}, "phone"),
        ({"priority": "disability"}, "priority_evidence"),
    ],
)
def test_service_errors_name_the_field(api, body, field):
    payload = {"name": "赵六", "id_number": new_id_number(), "hukou_region": "630202", **body}
    response = api(UserFactory(county_clerk=True)).post("/api/seekers", payload)
    assert response.status_code == 422, response.content
    assert field in fields(response)


def test_malformed_json_is_a_400_not_a_500(api):
    client = api(UserFactory(county_clerk=True))
    response = client.client.post("/api/seekers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    listing = client.get("/api/seekers", limit=10_000)
    assert listing.status_code == 422 and "limit" in fields(listing)
    assert client.get("/api/seekers/abc").status_code == 422
    assert client.get("/api/seekers", region="不存在的地方").status_code == 422


def test_clerk_cannot_register_outside_own_region(api):
    clerk = UserFactory(region_id="630100")  # Xining
    response = api(clerk).post(
        "/api/seekers", {"name": "孙七", "id_number": new_id_number(), "hukou_region": "630202"}
    )
    assert response.status_code == 422 and "hukou_region" in fields(response)
    assert not Seeker.objects.filter(name="孙七").exists()  # rolled back, audit entry too
    assert not AuditEvent.objects.filter(actor=clerk).exists()


def test_commissioner_registers_into_own_grid_only(api):
    commissioner = UserFactory(commissioner=True)
    grid = GridFactory()
    commissioner.grids.add(grid)
    client = api(commissioner)
    base = {"name": "周八", "hukou_region": "630202"}
    outside = client.post("/api/seekers", {**base, "id_number": new_id_number()})
    assert outside.status_code == 422 and "grid" in fields(outside)
    inside = client.post("/api/seekers", {**base, "id_number": new_id_number(), "grid": grid.code})
    assert inside.status_code == 201 and inside.json()["grid"]["code"] == grid.code


@pytest.mark.parametrize("role", ["recruiter", "seeker"])
def test_only_staff_register(api, role):
    response = api(UserFactory(**{role: True})).post(
        "/api/seekers", {"name": "吴九", "id_number": new_id_number(), "hukou_region": "630202"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_clerk_updates_only_the_fields_sent(api):
    seeker = SeekerFactory(major="机械", expected_wage=5000)
    response = api(UserFactory(county_clerk=True)).patch(f"/api/seekers/{seeker.pk}", {"expected_wage": 7000})
    assert response.status_code == 200, response.content
    seeker.refresh_from_db()
    assert seeker.expected_wage == 7000 and seeker.major == "机械"


def test_update_cannot_change_the_id_number(api):
    seeker = SeekerFactory()
    response = api(UserFactory(county_clerk=True)).patch(
        f"/api/seekers/{seeker.pk}", {"id_number": new_id_number()}
    )
    assert response.status_code == 422 and "id_number" in fields(response)


def test_seeker_updates_own_record_within_limits(api):
    account = UserFactory(seeker=True)
    me = SeekerFactory(user=account)
    client = api(account)
    ok = client.patch(f"/api/seekers/{me.pk}", {"expected_wage": 6500, "employment_status": "employed"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["employment_status"] == "employed"
    refused = client.patch(f"/api/seekers/{me.pk}", {"name": "改名", "grid": "G1"})
    assert refused.status_code == 403
    assert set(fields(refused)) == {"name", "grid"}
    me.refresh_from_db()
    assert me.name != "改名"


def test_reveal_is_audited_and_needs_permission(api):
    number = new_id_number()
    seeker = SeekerFactory(id_number=number, phone="13912345678")
    denied_user = UserFactory(county_clerk=True)
    denied = api(denied_user).post(f"/api/seekers/{seeker.pk}/reveal")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    assert not AuditEvent.objects.filter(action="view_pii").exists()

    allowed_user = UserFactory(county_clerk=True, pii_access=True)
    allowed = api(allowed_user).post(f"/api/seekers/{seeker.pk}/reveal")
    assert allowed.status_code == 200
    assert allowed.json() == {"id_number": number, "phone": "13912345678"}
    assert allowed["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="view_pii")
    assert event.actor == allowed_user and event.object_id == str(seeker.pk)
    assert event.detail["fields"] == ["id_number", "phone"]


def test_seeker_may_reveal_own_numbers(api):
    account = UserFactory(seeker=True)
    number = new_id_number()
    me = SeekerFactory(user=account, id_number=number)
    response = api(account).post(f"/api/seekers/{me.pk}/reveal")
    assert response.status_code == 200 and response.json()["id_number"] == number


def test_reveal_is_not_a_get(api):
    seeker = SeekerFactory()
    client = api(UserFactory(county_clerk=True, pii_access=True))
    assert client.get(f"/api/seekers/{seeker.pk}/reveal").status_code == 405


def test_id_and_phone_never_unmasked_in_list_or_detail(api):
    numbers = [new_id_number() for _ in range(3)]
    seekers = [SeekerFactory(id_number=n, phone=f"1370000000{i}") for i, n in enumerate(numbers)]
    # A disability certificate number embeds the ID number; it must not leak through evidence.
    DiagnosisFactory(seeker=seekers[0], evidence=numbers[0] + "62")
    client = api(UserFactory(county_clerk=True, pii_access=True))  # even for those allowed to reveal
    texts = [client.get("/api/seekers").content.decode()]
    texts += [client.get(f"/api/seekers/{s.pk}").content.decode() for s in seekers]
    for text in texts:
        for i, n in enumerate(numbers):
            assert n not in text and f"1370000000{i}" not in text
    detail = client.get(f"/api/seekers/{seekers[0].pk}").json()
    assert detail["id_masked"] == numbers[0][:4] + "*" * 10 + numbers[0][-4:]
    assert detail["diagnoses"][0]["evidence_masked"].startswith(numbers[0][:4] + "*")


def test_clerk_adds_a_diagnosis(api):
    seeker = SeekerFactory()
    clerk = UserFactory(county_clerk=True)
    client = api(clerk)
    body = {"criterion": "zero_employment", "evidence": "零就业家庭证明2024-17", "valid_from": "2024-01-01"}
    response = client.post(f"/api/seekers/{seeker.pk}/diagnoses", body)
    assert response.status_code == 201, response.content
    assert response.json()["criterion"] == "zero_employment"
    assert seeker.diagnoses.get().confirmed_by == clerk
    assert client.get(f"/api/seekers/{seeker.pk}").json()["priority_groups"] == ["zero_employment"]
    again = client.post(f"/api/seekers/{seeker.pk}/diagnoses", body)
    assert again.status_code == 422 and "valid_from" in fields(again)
    backwards = client.post(
        f"/api/seekers/{seeker.pk}/diagnoses",
        {**body, "valid_from": "2024-05-01", "valid_until": "2024-01-01"},
    )
    assert backwards.status_code == 422 and "valid_until" in fields(backwards)


def test_seeker_cannot_diagnose_self(api):
    account = UserFactory(seeker=True)
    me = SeekerFactory(user=account)
    response = api(account).post(
        f"/api/seekers/{me.pk}/diagnoses",
        {"criterion": "disability", "evidence": "X", "valid_from": "2024-01-01"},
    )
    assert response.status_code == 403


def test_list_filters(api):
    disabled = SeekerFactory(name="马小红")
    DiagnosisFactory(seeker=disabled, criterion="disability")
    expired = SeekerFactory(name="马小明")
    DiagnosisFactory(seeker=expired, criterion="disability", valid_until=dt.date(2021, 1, 1))
    employed = SeekerFactory(name="韩梅梅", employment_status="employed")
    number = new_id_number()
    by_number = SeekerFactory(name="李雷", id_number=number)
    client = api(UserFactory(county_clerk=True))

    def names(**params):
        response = client.get("/api/seekers", **params)
        assert response.status_code == 200, response.content
        return {row["name"] for row in response.json()["items"]}

    assert names(priority="disability") == {disabled.name}
    assert names(status="employed") == {employed.name}
    assert names(q="马小") == {disabled.name, expired.name}
    assert names(q=number) == {by_number.name}
    page = client.get("/api/seekers", limit=2, offset=0).json()
    assert page["count"] == 4 and len(page["items"]) == 2


def test_list_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    client = api(UserFactory(county_clerk=True))
    grid = GridFactory()

    def make(n):
        for _ in range(n):
            DiagnosisFactory(seeker=SeekerFactory(grid=grid, residence_region_id="630202"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/seekers", limit=100).status_code == 200
        return len(ctx.captured_queries)

    make(2)
    client.get("/api/me")  # the token's first use records last_used_at: keep that write out of the count
    small = count()
    make(20)
    assert count() == small
    with django_assert_max_num_queries(4):  # token, count, page, current diagnoses
        client.get("/api/seekers", limit=100)
