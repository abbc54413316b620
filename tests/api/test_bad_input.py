"""Whatever a client sends, the answer is a 4xx in the error format, never a 500."""

import pytest

from tests.factories import EnterpriseFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = 10**30


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/seekers", []),
        ("post", "/api/seekers", "text"),
        ("post", "/api/seekers", None),
        ("post", "/api/seekers", {"name": None, "id_number": None, "hukou_region": None}),
        ("post", "/api/seekers", {"name": "A" * 500, "id_number": "1" * 500, "hukou_region": "6" * 500}),
        (
            "post",
            "/api/seekers",
            {"name": "A", "id_number": "x", "hukou_region": "630202", "expected_wage": HUGE},
        ),
        (
            "post",
            "/api/seekers",
            {"name": "A", "id_number": "x", "hukou_region": "630202", "desired_occupations": "焊工"},
        ),
        ("patch", "/api/seekers/{seeker}", {"expected_wage": -1}),
        ("patch", "/api/seekers/{seeker}", {"available_from": "2025-02-30"}),
        ("post", "/api/seekers/{seeker}/diagnoses", {"criterion": "none", "evidence": "", "valid_from": "x"}),
        (
            "post",
            "/api/seekers/{seeker}/diagnoses",
            {"criterion": "disability", "evidence": " ", "valid_from": "2024-01-01"},
        ),
        ("post", "/api/postings", {"enterprise_id": HUGE, "title": "x", "headcount": 1}),
        ("post", "/api/postings", {"enterprise_id": "{enterprise}", "title": "x", "headcount": HUGE}),
        (
            "post",
            "/api/postings",
            {"enterprise_id": "{enterprise}", "title": "", "headcount": 1, "target_groups": ["nobody"]},
        ),
        ("patch", "/api/enterprises/{enterprise}", {"uscc": "not-a-code"}),
        ("get", "/api/seekers/" + str(HUGE), None),
        ("get", "/api/postings/-1", None),
        ("get", "/api/seekers?limit=0", None),
        ("get", "/api/seekers?offset=-5", None),
        ("get", "/api/seekers?status=retired", None),
        ("get", "/api/postings?enterprise_id=" + str(HUGE), None),
        ("get", "/api/occupations?level=abc", None),
        ("get", "/api/regions/resolve?q=", None),
    ],
)
def test_bad_input_is_a_client_error(api, method, path, body):
    seeker, enterprise = SeekerFactory(), EnterpriseFactory(region_id="630202")
    path = path.format(seeker=seeker.pk, enterprise=enterprise.pk)
    if isinstance(body, dict) and body.get("enterprise_id") == "{enterprise}":
        body["enterprise_id"] = enterprise.pk
    client = api(UserFactory(county_clerk=True))
    if method == "get":
        response = client.client.get(path)
    else:
        response = getattr(client, method)(path, body)
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    assert response.json()["error"]["code"] in {"validation_error", "bad_request", "not_found"}
