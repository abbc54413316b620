"""Who may open which page: wrong roles get 403 (a staff tool) or 404 (a record outside scope)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, world):
    for url in [
        reverse("home"),
        reverse("seeker_list"),
        reverse("seeker_detail", args=[world.seekers.ledu.pk]),
        reverse("enterprise_list"),
        reverse("posting_list"),
        reverse("duplicate_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_public_pages_need_no_login(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("self_register")).status_code == 200


@pytest.mark.parametrize("who", ["recruiter", "seeker_user"])
@pytest.mark.parametrize(
    "name", ["seeker_list", "seeker_export", "seeker_create", "duplicate_list", "enterprise_create"]
)
def test_staff_tools_are_forbidden_to_outsiders(world, login, who, name):
    assert login(getattr(world, who)).get(reverse(name)).status_code == 403


def test_seeker_detail_outside_scope_is_404_like_missing(world, login):
    c = login(world.county_clerk)  # Ping'an: cannot see Ledu's people
    assert c.get(reverse("seeker_detail", args=[world.seekers.ledu.pk])).status_code == 404
    assert c.get(reverse("seeker_detail", args=[999999])).status_code == 404
    assert c.get(reverse("seeker_edit", args=[world.seekers.ledu.pk])).status_code == 404
    assert c.post(reverse("seeker_reveal", args=[world.seekers.ledu.pk])).status_code == 404
    assert c.get(reverse("seeker_detail", args=[world.seekers.pingan.pk])).status_code == 200


def test_seeker_sees_only_own_page(world, login):
    c = login(world.seeker_user)
    assert c.get(reverse("home")).url == reverse("my_page")
    me = c.get(reverse("my_page"))
    assert me.status_code == 200 and "本人" in me.content.decode()
    assert c.get(reverse("seeker_detail", args=[world.seekers.own.pk])).status_code == 200
    assert c.get(reverse("seeker_detail", args=[world.seekers.ledu.pk])).status_code == 404
    assert c.get(reverse("seeker_edit", args=[world.seekers.own.pk])).status_code == 403
    assert c.get(reverse("enterprise_list")).status_code == 403
    # Seekers browse open postings but not the enterprise behind them.
    assert c.get(reverse("posting_list")).status_code == 200
    assert c.get(reverse("posting_detail", args=[world.posting.pk])).status_code == 200
    assert c.get(reverse("posting_edit", args=[world.posting.pk])).status_code == 403
    assert c.get(reverse("enterprise_detail", args=[world.enterprise.pk])).status_code == 404


def test_recruiter_sees_own_enterprise_and_postings_only(world, login):
    c = login(world.recruiter)
    assert c.get(reverse("home")).status_code == 200
    page = c.get(reverse("enterprise_list")).content.decode()
    assert world.enterprise.name in page and world.haidong_enterprise.name not in page
    assert c.get(reverse("enterprise_detail", args=[world.enterprise.pk])).status_code == 200
    assert c.get(reverse("enterprise_edit", args=[world.enterprise.pk])).status_code == 200
    assert c.get(reverse("enterprise_detail", args=[world.haidong_enterprise.pk])).status_code == 404
    assert c.get(reverse("posting_create", args=[world.enterprise.pk])).status_code == 200
    assert c.get(reverse("posting_create", args=[world.haidong_enterprise.pk])).status_code == 404
    assert c.get(reverse("posting_edit", args=[world.posting.pk])).status_code == 200
    assert c.get(reverse("visit_create", args=[world.enterprise.pk])).status_code == 403


def test_county_clerk_cannot_reach_other_regions_enterprises(world, login):
    c = login(world.county_clerk)
    assert c.get(reverse("enterprise_detail", args=[world.enterprise.pk])).status_code == 404
    assert c.get(reverse("posting_detail", args=[world.posting.pk])).status_code == 404
    assert c.post(reverse("posting_close", args=[world.posting.pk])).status_code == 404


def test_admin_reference_data_is_read_only(world, login):
    c = login(world.admin)
    assert c.get("/admin/core/region/?q=乐都").status_code == 200
    assert c.get("/admin/core/region/add/").status_code == 403
    for model in ("occupation", "occupationalias", "industry", "grid"):
        assert c.get(f"/admin/core/{model}/").status_code == 200, model
