"""The first recommendation lists, matching's though they sit under /api/seekers/ and
/api/postings/ (matching/api_lists.py)."""

import pytest

from tests.api.conftest import ApiClient as api
from tests.factories import EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db
WELDER = "6-18-02-04"


@pytest.fixture
def welder_and_post():
    welder = SeekerFactory(hukou_region_id="630202001", residence_region_id="630202001", expected_wage=5000)
    welder.desired_occupations.set([WELDER])
    welder.desired_regions.set(["320200"])
    post = PostingFactory(
        enterprise=EnterpriseFactory(region_id="320205"), title="电焊工", occupation_id=WELDER, wage_max=6500
    )
    return welder, post


def test_recommendations_for_a_seeker(welder_and_post):
    welder, post = welder_and_post
    body = api(UserFactory(region_id="630202")).get(f"/api/seekers/{welder.pk}/recommendations", top=5).json()
    assert body[0]["posting"] == post.pk and body[0]["label"] == "电焊工"
    assert any("焊工" in r for r in body[0]["reasons"])
    # Another county's clerk: the same 404 as for a missing seeker.
    assert (
        api(UserFactory(region_id="630100")).get(f"/api/seekers/{welder.pk}/recommendations").status_code
        == 404
    )
    assert (
        api(UserFactory(region_id="630202"))
        .get(f"/api/seekers/{welder.pk}/recommendations", top=0)
        .status_code
        == 422
    )


def test_candidates_for_a_posting_are_scoped_and_masked(welder_and_post):
    welder, post = welder_and_post
    body = api(UserFactory(admin=True)).get(f"/api/postings/{post.pk}/candidates").json()
    assert [c["seeker"] for c in body] == [welder.pk]
    assert welder.id_masked in body[0]["label"] and "**" in body[0]["label"]
    recruiter = UserFactory(recruiter=True, enterprise=post.enterprise)
    assert api(recruiter).get(f"/api/postings/{post.pk}/candidates").json() == []


def test_a_destination_clerk_gets_no_candidates_from_another_province(welder_and_post):
    _welder, post = welder_and_post
    assert api(UserFactory(region_id="320200")).get(f"/api/postings/{post.pk}/candidates").json() == []
