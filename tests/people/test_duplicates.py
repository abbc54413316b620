import datetime as dt

import pytest
from django.urls import reverse

from jobbridge.people.models import Seeker
from tests.factories import LEDU, PING_AN, SeekerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(world):
    born = dt.date(1985, 5, 5)
    a = SeekerFactory(name="张伟", birth_date=born, hukou_region_id=LEDU, residence_region_id=LEDU)
    b = SeekerFactory(name="张伟", birth_date=born, hukou_region_id=LEDU, residence_region_id=LEDU)
    return a, b


def test_pairs_are_listed_within_scope(world, login, twins):
    a, b = twins
    html = login(world.city_clerk).get(reverse("duplicate_list")).content.decode()
    assert f"?a={a.pk}&amp;b={b.pk}" in html and "同名" in html
    other = login(world.county_clerk).get(reverse("duplicate_list")).content.decode()
    assert f"?a={a.pk}" not in other


def test_merge_needs_choice_and_confirmation(world, login, twins):
    a, b = twins
    c = login(world.city_clerk)
    url = reverse("duplicate_merge")
    assert c.get(url, {"a": a.pk, "b": b.pk}).status_code == 200
    assert c.post(url, {"a": a.pk, "b": b.pk, "keep": a.pk}).status_code == 400  # not confirmed
    assert c.post(url, {"a": a.pk, "b": b.pk, "confirm": "1"}).status_code == 400  # no choice
    response = c.post(url, {"a": a.pk, "b": b.pk, "keep": a.pk, "confirm": "1"})
    assert response.status_code == 302 and response.url == reverse("seeker_detail", args=[a.pk])
    b.refresh_from_db()
    assert b.merged_into_id == a.pk
    assert not Seeker.objects.visible_to(world.city_clerk).filter(pk=b.pk).exists()


def test_merge_outside_scope_is_404(world, login, twins):
    a, _b = twins
    outsider = SeekerFactory(hukou_region_id=PING_AN, residence_region_id=PING_AN)
    c = login(world.county_clerk)
    assert (
        c.post(
            reverse("duplicate_merge"), {"a": a.pk, "b": outsider.pk, "keep": outsider.pk, "confirm": "1"}
        ).status_code
        == 404
    )
    assert c.get(reverse("duplicate_merge"), {"a": "x", "b": "y"}).status_code == 302
