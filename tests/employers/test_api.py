"""Enterprises and postings: staff register employers; recruiters keep their own postings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobbridge.core.synthetic_ids import credit_code
from jobbridge.employers.models import Enterprise, Posting
from tests.api.conftest import fields
from tests.factories import EnterpriseFactory, PostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_clerk_registers_and_updates_an_enterprise(api):
    client = api(UserFactory(county_clerk=True))
    response = client.post(
        "/api/enterprises",
        {
            "name": "乐都农产品加工有限公司",
            "uscc": credit_code("630202", 9001),
            "region": "乐都区",
            "industry": "13",
            "size": "small",
            "park": "乐都工业园",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"]["code"] == "630202" and body["industry"]["code"] == "13"
    assert body["park"] == "乐都工业园" and body["open_postings"] == 0
    patched = client.patch(f"/api/enterprises/{body['id']}", {"contact_name": "马经理"})
    assert patched.status_code == 200 and patched.json()["contact_name"] == "马经理"
    assert patched.json()["name"] == "乐都农产品加工有限公司"


def test_enterprise_validation_names_fields(api):
    client = api(UserFactory(county_clerk=True))
    response = client.post(
        "/api/enterprises", {"name": "X", "uscc": "123", "region": "630202", "industry": "ZZ"}
    )
    assert response.status_code == 422
    assert {"uscc", "industry"} <= set(fields(response))


def test_clerk_cannot_register_enterprise_outside_region(api):
    client = api(UserFactory(county_clerk=True))
    response = client.post(
        "/api/enterprises", {"name": "无锡某厂", "uscc": credit_code("320205", 9002), "region": "320205"}
    )
    assert response.status_code == 422 and "region" in fields(response)
    assert not Enterprise.objects.filter(name="无锡某厂").exists()


@pytest.mark.parametrize("role", ["recruiter", "seeker"])
def test_only_staff_register_enterprises(api, role):
    response = api(UserFactory(**{role: True})).post(
        "/api/enterprises", {"name": "某公司", "uscc": credit_code("630202", 9003), "region": "630202"}
    )
    assert response.status_code == 403


def test_recruiter_cannot_edit_own_enterprise_record(api):
    own = EnterpriseFactory()
    response = api(UserFactory(recruiter=True, enterprise=own)).patch(
        f"/api/enterprises/{own.pk}", {"name": "新名"}
    )
    assert response.status_code == 403


def test_recruiter_creates_updates_and_closes_own_postings(api):
    own = EnterpriseFactory()
    client = api(UserFactory(recruiter=True, enterprise=own))
    created = client.post(
        "/api/postings",
        {
            "title": "电子装配工",
            "headcount": 20,
            "occupation": "6-25-04-08",
            "wage_min": 5000,
            "wage_max": 7000,
            "target_groups": ["disability"],
        },
    )
    assert created.status_code == 201, created.content
    posting = created.json()
    assert posting["enterprise"]["id"] == own.pk
    assert posting["work_region"]["code"] == own.region_id  # defaults to the enterprise's region
    assert posting["target_groups"] == ["disability"] and posting["vacancies"] == 20

    patched = client.patch(f"/api/postings/{posting['id']}", {"headcount": 15})
    assert patched.status_code == 200 and patched.json()["vacancies"] == 15
    assert patched.json()["target_groups"] == ["disability"]  # untouched fields stay

    # Hires are counted by the hire path alone: an edit cannot write the count.
    refused = client.patch(f"/api/postings/{posting['id']}", {"filled": 5})
    assert refused.status_code == 422 and "filled" in fields(refused)
    assert client.get(f"/api/postings/{posting['id']}").json()["vacancies"] == 15

    closed = client.post(f"/api/postings/{posting['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_recruiter_cannot_touch_other_enterprises_postings(api):
    own, other = EnterpriseFactory(), EnterpriseFactory()
    theirs = PostingFactory(enterprise=other)
    client = api(UserFactory(recruiter=True, enterprise=own))
    create = client.post("/api/postings", {"enterprise_id": other.pk, "title": "普工", "headcount": 1})
    assert create.status_code == 422 and "enterprise_id" in fields(create)
    assert client.patch(f"/api/postings/{theirs.pk}", {"headcount": 1}).status_code == 404
    assert client.post(f"/api/postings/{theirs.pk}/close").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Posting.Status.OPEN and theirs.headcount == 30


def test_posting_validation_names_fields(api):
    own = EnterpriseFactory()
    client = api(UserFactory(recruiter=True, enterprise=own))
    response = client.post(
        "/api/postings", {"title": "普工", "headcount": 10, "wage_min": 8000, "wage_max": 5000}
    )
    assert response.status_code == 422 and "wage_max" in fields(response)
    response = client.post("/api/postings", {"title": "普工", "headcount": 0})
    assert response.status_code == 422 and "headcount" in fields(response)


def test_seeker_reads_open_postings_but_cannot_write(api):
    open_posting = PostingFactory()
    closed = PostingFactory(status=Posting.Status.CLOSED)
    client = api(UserFactory(seeker=True))
    listed = {row["id"] for row in client.get("/api/postings").json()["items"]}
    assert listed == {open_posting.pk}
    assert client.get(f"/api/postings/{closed.pk}").status_code == 404
    assert client.post(f"/api/postings/{open_posting.pk}/close").status_code == 403
    assert (
        client.post(
            "/api/postings", {"enterprise_id": open_posting.enterprise_id, "title": "x", "headcount": 1}
        ).status_code
        == 403
    )


def test_staff_write_postings_for_enterprises_in_scope(api):
    haidong = EnterpriseFactory(region_id="630202")
    wuxi = EnterpriseFactory()
    client = api(UserFactory(county_clerk=True))
    ok = client.post("/api/postings", {"enterprise_id": haidong.pk, "title": "保洁员", "headcount": 2})
    assert ok.status_code == 201
    refused = client.post("/api/postings", {"enterprise_id": wuxi.pk, "title": "保洁员", "headcount": 2})
    assert refused.status_code == 422 and "enterprise_id" in fields(refused)


@pytest.mark.parametrize("path", ["/api/enterprises", "/api/postings"])
def test_list_query_count_does_not_grow_with_rows(api, path, django_assert_max_num_queries):
    client = api(UserFactory(admin=True))
    client.get("/api/me")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, limit=100).status_code == 200
        return len(ctx.captured_queries)

    PostingFactory.create_batch(2)
    small = count()
    PostingFactory.create_batch(15)
    assert count() == small
    with django_assert_max_num_queries(3):  # token, count, page
        client.get(path, limit=100)
