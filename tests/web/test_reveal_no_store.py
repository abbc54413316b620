"""Clear ID and phone numbers are never kept by a browser's or a proxy's cache (issue 9)."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from jobbridge.core import pii
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "full page"])
def test_the_reveal_is_sent_with_no_store(world, login, htmx):
    clerk = UserFactory(region_id="630200", pii_access=True)
    s = world.seekers.ledu
    headers = {"HX-Request": "true"} if htmx else {}
    response = login(clerk).post(reverse("seeker_reveal", args=[s.pk]), headers=headers)
    assert response.status_code == 200 and pii.decrypt(s.id_cipher) in response.content.decode()
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "no-store" in directives and "private" in directives
    assert get_max_age(response) == 0
