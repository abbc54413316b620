import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "seeker_list",
        "seeker_create",
        "enterprise_list",
        "enterprise_create",
        "posting_list",
        "duplicate_list",
    ],
)
def test_staff_pages_render(world, login, name):
    response = login(world.city_clerk).get(reverse(name))
    assert response.status_code == 200, response.content[:2000]


def test_detail_pages_render(world, login):
    c = login(world.city_clerk)
    for url in [
        reverse("seeker_detail", args=[world.seekers.ledu.pk]),
        reverse("seeker_edit", args=[world.seekers.ledu.pk]),
        reverse("enterprise_detail", args=[world.haidong_enterprise.pk]),
        reverse("enterprise_edit", args=[world.haidong_enterprise.pk]),
        reverse("visit_create", args=[world.haidong_enterprise.pk]),
        reverse("posting_create", args=[world.haidong_enterprise.pk]),
    ]:
        assert c.get(url).status_code == 200, url
