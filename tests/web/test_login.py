import pytest
from django.test import Client
from django.urls import reverse

from jobbridge.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_success_is_audited(client):
    user = UserFactory(username="clerk")
    response = attempt(client, "clerk", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == user and event.ip == "10.0.0.1"


# The throttle's tests (accounts, addresses, proxies, back-off, parallel guesses) are in
# tests/core/test_throttle.py and tests/core/test_throttle_concurrency.py.


def test_csrf_is_enforced_on_login_and_writes(world):
    c = Client(enforce_csrf_checks=True)
    assert c.post(reverse("login"), {"username": "city", "password": PASSWORD}).status_code == 403
    page = c.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    assert (
        c.post(
            reverse("login"),
            {"username": "city", "password": PASSWORD, "csrfmiddlewaretoken": token},
        ).status_code
        == 302
    )
    c.force_login(world.city_clerk)
    url = reverse("seeker_reveal", args=[world.seekers.ledu.pk])
    assert c.post(url).status_code == 403
    assert c.post(reverse("posting_close", args=[world.posting.pk])).status_code == 403
    # The token HTMX sends in its header (from base.html's hx-headers) is accepted.
    detail = c.get(reverse("seeker_detail", args=[world.seekers.ledu.pk]))
    assert "X-CSRFToken" in detail.content.decode()


def test_logout_is_a_post(world, login):
    c = login(world.city_clerk)
    assert c.post(reverse("logout")).status_code == 302
    assert c.get(reverse("home")).status_code == 302
