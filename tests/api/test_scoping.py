"""The visibility matrix, seen through the API: each role sees exactly its own slice, and a
record outside it looks the same as one that does not exist."""

import pytest

from tests.factories import EnterpriseFactory, GridFactory, PostingFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db

XINING_CHENGDONG = "630102"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


@pytest.fixture
def people():
    grid_a, grid_b = GridFactory(), GridFactory()
    return {
        "ledu_a": SeekerFactory(grid=grid_a),
        "ledu_b": SeekerFactory(grid=grid_b),
        "xining": SeekerFactory(hukou_region_id=XINING_CHENGDONG, residence_region_id=XINING_CHENGDONG),
        "grid_a": grid_a,
    }


def test_haidong_clerk_sees_ledu_but_not_xining(api, people):
    clerk = api(UserFactory(region_id="630200"))
    assert ids(clerk.get("/api/seekers")) == {people["ledu_a"].pk, people["ledu_b"].pk}
    assert clerk.get(f"/api/seekers/{people['ledu_a'].pk}").status_code == 200
    assert clerk.get(f"/api/seekers/{people['xining'].pk}").status_code == 404


def test_xining_clerk_does_not_see_ledu(api, people):
    clerk = api(UserFactory(region_id="630100"))
    assert ids(clerk.get("/api/seekers")) == {people["xining"].pk}
    assert clerk.get(f"/api/seekers/{people['ledu_a'].pk}").status_code == 404


def test_commissioner_sees_only_own_grids(api, people):
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(people["grid_a"])
    client = api(commissioner)
    assert ids(client.get("/api/seekers")) == {people["ledu_a"].pk}
    assert client.get(f"/api/seekers/{people['ledu_b'].pk}").status_code == 404


def test_seeker_sees_only_self(api, people):
    account = UserFactory(seeker=True)
    me = SeekerFactory(user=account)
    client = api(account)
    assert ids(client.get("/api/seekers")) == {me.pk}
    assert client.get(f"/api/seekers/{me.pk}").status_code == 200
    assert client.get(f"/api/seekers/{people['ledu_a'].pk}").status_code == 404
    assert client.get("/api/me").json()["scope"]["seeker_id"] == me.pk


def test_recruiter_sees_own_enterprise_and_its_postings_only(api, people):
    own, other = EnterpriseFactory(), EnterpriseFactory()
    own_posting, other_posting = PostingFactory(enterprise=own), PostingFactory(enterprise=other)
    client = api(UserFactory(recruiter=True, enterprise=own))
    assert ids(client.get("/api/enterprises")) == {own.pk}
    assert client.get(f"/api/enterprises/{other.pk}").status_code == 404
    assert ids(client.get("/api/postings")) == {own_posting.pk}
    assert client.get(f"/api/postings/{other_posting.pk}").status_code == 404
    # Recruiters meet applicants through placements, never the register.
    assert ids(client.get("/api/seekers")) == set()
    assert client.get(f"/api/seekers/{people['ledu_a'].pk}").status_code == 404


def test_missing_and_forbidden_are_the_same_404(api, people):
    clerk = api(UserFactory(region_id="630100"))
    forbidden = clerk.get(f"/api/seekers/{people['ledu_a'].pk}")
    missing = clerk.get("/api/seekers/987654321")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert forbidden.json()["error"]["code"] == "not_found"


def test_writes_to_invisible_records_are_404_too(api, people):
    clerk = api(UserFactory(region_id="630100"))
    target = people["ledu_a"].pk
    assert clerk.patch(f"/api/seekers/{target}", {"major": "焊接"}).status_code == 404
    assert clerk.post(f"/api/seekers/{target}/reveal").status_code == 404
    assert (
        clerk.post(
            f"/api/seekers/{target}/diagnoses",
            {"criterion": "disability", "evidence": "X", "valid_from": "2024-01-01"},
        ).status_code
        == 404
    )


def test_region_filter_narrows_within_scope_only(api, people):
    clerk = api(UserFactory(region_id="630200"))
    assert ids(clerk.get("/api/seekers", region="乐都区")) == {people["ledu_a"].pk, people["ledu_b"].pk}
    # Filtering on a region outside the clerk's scope cannot widen it.
    assert ids(clerk.get("/api/seekers", region="630100")) == set()
