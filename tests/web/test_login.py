import datetime as dt

import pytest
from django.test import Client, override_settings
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


@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_five_failures_lock_the_account_even_for_the_right_password(client):
    UserFactory(username="clerk")
    for _ in range(5):
        assert attempt(client, "clerk", "wrong-password").status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 5
    response = attempt(client, "clerk", PASSWORD, ip="10.9.9.9")  # another address: still locked
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_lock_every_username_from_it(client):
    UserFactory(username="victim")
    for i in range(5):
        attempt(client, f"guess{i}", "x", ip="10.6.6.6")
    assert "登录失败次数过多" in attempt(client, "victim", PASSWORD, ip="10.6.6.6").content.decode()
    # The same account from an honest address is fine: the username itself had no failures.
    assert attempt(Client(), "victim", PASSWORD, ip="10.1.1.1").status_code == 302


def test_lock_ends_when_the_window_passes(client):
    UserFactory(username="clerk")
    for _ in range(5):
        attempt(client, "clerk", "wrong")
    # Refused attempts during the lock do not extend it.
    attempt(client, "clerk", "wrong")
    long_ago = AuditEvent.objects.filter(action="login_failed")
    long_ago.update(at=long_ago.first().at - dt.timedelta(minutes=16))
    assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_success_resets_the_username_count(client):
    UserFactory(username="clerk")
    for _ in range(4):
        attempt(client, "clerk", "wrong", ip="10.0.0.2")
    assert attempt(client, "clerk", PASSWORD, ip="10.0.0.3").status_code == 302
    client.logout()
    assert attempt(client, "clerk", "wrong", ip="10.0.0.4").status_code == 200
    assert attempt(client, "clerk", PASSWORD, ip="10.0.0.4").status_code == 302


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
