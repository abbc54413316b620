"""The scoping matrix: each role sees exactly its own seekers, enterprises and postings."""

import pytest

from jobbridge.employers.models import Enterprise, Posting
from jobbridge.people.models import Seeker
from tests.factories import EnterpriseFactory, GridFactory, PostingFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    grid_a = GridFactory(township_id="630202001")
    grid_b = GridFactory(township_id="630202002")
    w = {
        "ledu_a": SeekerFactory(hukou_region_id="630202001", residence_region_id="630202001", grid=grid_a),
        "ledu_b": SeekerFactory(hukou_region_id="630202002", residence_region_id="630202002", grid=grid_b),
        "pingan": SeekerFactory(hukou_region_id="630203001", residence_region_id="630203001"),
        "xining": SeekerFactory(hukou_region_id="630102001", residence_region_id="630102001"),
        # Hukou in Ledu, living in Wuxi: both the origin and the destination bureau see them.
        "migrant": SeekerFactory(hukou_region_id="630202001", residence_region_id="320205001"),
        "zhaotong": SeekerFactory(hukou_region_id="530602001", residence_region_id="530602001"),
    }
    w["merged"] = SeekerFactory(hukou_region_id="630202001", merged_into=w["ledu_a"])
    w["grid_a"], w["grid_b"] = grid_a, grid_b
    w["wuxi_ent"] = EnterpriseFactory(region_id="320205")
    w["ledu_ent"] = EnterpriseFactory(region_id="630202001")
    w["wuxi_post"] = PostingFactory(enterprise=w["wuxi_ent"])
    w["ledu_post"] = PostingFactory(enterprise=w["ledu_ent"], status="draft")
    return w


def names(qs, world):
    by_pk = {v.pk: k for k, v in world.items() if isinstance(v, qs.model)}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True)}


def test_seekers_by_role(world):
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(world["grid_a"])
    seeker_user = UserFactory(seeker=True)
    world["ledu_b"].user = seeker_user
    world["ledu_b"].save()
    expected = {
        UserFactory(admin=True): {"ledu_a", "ledu_b", "pingan", "xining", "migrant", "zhaotong"},
        UserFactory(region_id="630000"): {"ledu_a", "ledu_b", "pingan", "xining", "migrant"},
        UserFactory(region_id="630200"): {"ledu_a", "ledu_b", "pingan", "migrant"},
        UserFactory(region_id="630202"): {"ledu_a", "ledu_b", "migrant"},
        UserFactory(region_id="630202001"): {"ledu_a", "migrant"},
        UserFactory(region_id="630100"): {"xining"},
        UserFactory(region_id="320200"): {"migrant"},
        UserFactory(region_id=None): set(),
        commissioner: {"ledu_a"},
        UserFactory(recruiter=True, enterprise=world["wuxi_ent"]): set(),
        seeker_user: {"ledu_b"},
    }
    for user, seen in expected.items():
        assert names(Seeker.objects.visible_to(user), world) == seen, (user.role, user.region_id)


def test_enterprises_and_postings_by_role(world):
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(world["grid_a"])
    recruiter = UserFactory(recruiter=True, enterprise=world["wuxi_ent"])
    cases = [
        (UserFactory(region_id="320200"), {"wuxi_ent"}, {"wuxi_post"}),
        (UserFactory(region_id="630202"), {"ledu_ent"}, {"ledu_post"}),
        (commissioner, {"ledu_ent"}, {"ledu_post"}),
        (recruiter, {"wuxi_ent"}, {"wuxi_post"}),
        (UserFactory(recruiter=True), set(), set()),
        # A job seeker sees open postings anywhere, never drafts, and no enterprise register.
        (UserFactory(seeker=True), set(), {"wuxi_post"}),
    ]
    for user, enterprises, postings in cases:
        assert names(Enterprise.objects.visible_to(user), world) == enterprises, user.role
        assert names(Posting.objects.visible_to(user), world) == postings, user.role


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not Seeker.objects.visible_to(anon).exists()
    assert not Enterprise.objects.visible_to(anon).exists()
    assert not Posting.objects.visible_to(anon).exists()


def test_seekers_do_not_see_expired_or_future_postings(world):
    import datetime as dt

    today = dt.date.today()
    expired = PostingFactory(enterprise=world["wuxi_ent"], valid_until=today - dt.timedelta(days=1))
    future = PostingFactory(enterprise=world["wuxi_ent"], valid_from=today + dt.timedelta(days=1))
    current = PostingFactory(enterprise=world["wuxi_ent"], valid_from=today, valid_until=today)
    seen = set(Posting.objects.visible_to(UserFactory(seeker=True)).values_list("pk", flat=True))
    assert current.pk in seen and world["wuxi_post"].pk in seen
    assert expired.pk not in seen and future.pk not in seen
