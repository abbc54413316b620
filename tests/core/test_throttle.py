"""The login throttle (issue 9): the name the form logs in with is what is counted; an account is
locked with a growing back-off; an address is trusted from X-Forwarded-For only behind a
configured proxy, and one address's failures do not lock everyone out behind it."""

import re

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobbridge.core import throttle
from jobbridge.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def attempt(username, password, ip="10.0.0.1", client=None, **headers):
    client = client or Client()
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, headers=headers
    )


def logged_in(response) -> bool:
    return response.status_code == 302


def locked(response) -> bool:
    return response.status_code == 200 and LOCKED in response.content.decode()


def lock_minutes(response) -> int:
    return int(re.search(r"请(\d+)分钟后再试", response.content.decode()).group(1))


@pytest.fixture
def checks(monkeypatch):
    """How many times a password was checked against a stored hash."""
    seen = []
    original = AbstractBaseUser.check_password

    def counting(self, raw_password):
        seen.append(self.username)
        return original(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting)
    return seen


# The name counted ------------------------------------------------------------------------------

FULL_WIDTH = [
    "ｄemo_province",
    "ＤＥＭＯ_ＰＲＯＶＩＮＣＥ",
    "demo＿province",
    "Demo_Province",
    " ｄｅｍｏ_province ",
]


def test_the_form_logs_in_with_the_normalised_name():
    UserFactory(username="demo_province")
    assert logged_in(attempt("ｄemo_province", PASSWORD))


@pytest.mark.parametrize("spelling", FULL_WIDTH)
def test_the_counted_name_is_nfkc_and_case_folded(spelling):
    assert throttle.normalize_username(spelling) == "demo_province"


def test_24_full_width_guesses_lock_the_account_they_spell(settings, checks):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="demo_province")
    for i in range(24):  # each from its own address: only the account's count can stop them
        attempt(FULL_WIDTH[i % len(FULL_WIDTH)], "wrong-password", ip=f"10.1.{i}.1")
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    reasons = [e.detail["reason"] for e in failures.order_by("pk")]
    assert reasons == [throttle.REASON_BAD_CREDENTIALS] * 5 + [throttle.REASON_THROTTLED] * 19
    assert len(checks) <= 5  # (upper-case spellings match no account: nothing to check)
    assert {e.detail["username"] for e in failures} == {"demo_province"}
    assert locked(attempt("demo_province", PASSWORD, ip="10.2.2.2"))


# Per account, with a back-off -----------------------------------------------------------------


def test_five_failures_lock_the_account_from_any_address(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="clerk")
    for i in range(5):
        assert not locked(attempt("clerk", "wrong", ip=f"10.0.0.{i + 1}"))
    response = attempt("clerk", PASSWORD, ip="10.9.9.9")
    assert locked(response) and lock_minutes(response) == 15


def test_each_lock_lasts_twice_as_long_as_the_one_before(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 60
    settings.LOGIN_LOCK_MAX_SECONDS = 16 * 60
    UserFactory(username="clerk")
    minutes = []
    for _lock in range(6):
        for _ in range(3):
            attempt("clerk", "wrong")
        response = attempt("clerk", PASSWORD)
        assert locked(response)
        minutes.append(lock_minutes(response))
        # The lock has just passed (a strike is remembered for a day after its lock ends).
        throttle.ThrottleCounter.objects.filter(key=throttle.account_key("clerk")).update(
            locked_until=timezone.now()
        )
    assert minutes == [1, 2, 4, 8, 16, 16]  # doubling up to the cap


def test_refused_attempts_during_a_lock_neither_reach_the_hash_nor_extend_it(settings, checks):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="clerk")
    for _ in range(5):
        attempt("clerk", "wrong")
    row = throttle.ThrottleCounter.objects.get(key=throttle.account_key("clerk"))
    for _ in range(10):
        assert locked(attempt("clerk", "wrong"))
    assert len(checks) == 5
    assert throttle.ThrottleCounter.objects.get(pk=row.pk).locked_until == row.locked_until
    # Once the lock has passed the right password works again.
    throttle.ThrottleCounter.objects.filter(pk=row.pk).update(
        locked_until=row.locked_until.replace(year=2000)
    )
    assert logged_in(attempt("clerk", PASSWORD))


def test_failures_older_than_the_window_are_forgotten(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="clerk")
    for _ in range(4):
        attempt("clerk", "wrong")
    row = throttle.ThrottleCounter.objects.get(key=throttle.account_key("clerk"))
    throttle.ThrottleCounter.objects.filter(pk=row.pk).update(
        window_start=row.window_start.replace(year=2000)
    )
    for _ in range(4):
        assert not locked(attempt("clerk", "wrong"))
    assert logged_in(attempt("clerk", PASSWORD))


def test_a_success_resets_the_account_and_its_back_off(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="clerk")
    for _ in range(4):
        attempt("clerk", "wrong")
    assert logged_in(attempt("clerk", PASSWORD))
    for _ in range(4):
        assert not locked(attempt("clerk", "wrong"))
    assert logged_in(attempt("clerk", PASSWORD))
    row = throttle.ThrottleCounter.objects.get(key=throttle.account_key("clerk"))
    assert (row.count, row.strikes, row.locked_until) == (0, 0, None)


def test_five_bad_passwords_from_a_proxys_address_do_not_lock_everyone_out(settings):
    """Behind a reverse proxy (not configured as trusted) every request comes from its address."""
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="victim")
    for i in range(5):
        attempt(f"guess{i}", "x", ip="10.6.6.6")
    for _ in range(5):
        attempt("someone", "x", ip="10.6.6.6")
    assert logged_in(attempt("victim", PASSWORD, ip="10.6.6.6"))


def test_an_address_that_sprays_many_accounts_is_slowed_down(settings, checks):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    UserFactory(username="victim")
    for i in range(20):
        UserFactory(username=f"staff{i}")
    refused = [locked(attempt(f"staff{i}", "Password1", ip="10.6.6.6")) for i in range(20)]
    assert refused == [False] * 12 + [True] * 8 and len(checks) == 12
    assert locked(attempt("victim", PASSWORD, ip="10.6.6.6"))
    assert logged_in(attempt("victim", PASSWORD, ip="10.7.7.7"))


def test_successful_logins_do_not_use_up_an_addresss_allowance(settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    users = [UserFactory(username=f"staff{i}") for i in range(6)]
    for u in users:
        assert logged_in(attempt(u.username, PASSWORD, ip="10.5.5.5"))


# Addresses behind a proxy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "trusted, remote, xff, expected",
    [
        ([], "10.0.0.1", "1.2.3.4", "10.0.0.1"),  # no proxy configured: the header is ignored
        (["10.0.0.1"], "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # not from the proxy: ignored
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.7", "1.2.3.4"),  # right-most untrusted
        (["10.0.0.0/8"], "10.0.0.1", "10.0.0.3, 10.0.0.7", "10.0.0.3"),  # all proxies: the farthest
        (["10.0.0.1", "::1"], "::1", "2001:db8::5", "2001:db8::5"),
        (["10.0.0.1"], "10.0.0.1", "not-an-address", "10.0.0.1"),  # garbage: the proxy itself
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4:5678", "1.2.3.4"),  # a port some proxies append
        (["10.0.0.1"], "10.0.0.1", "[2001:db8::5]:443", "2001:db8::5"),
    ],
)
def test_the_client_address(settings, trusted, remote, xff, expected):
    from jobbridge.core.middleware import client_address

    settings.TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": xff}
    assert client_address(meta) == expected


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted_and_audited(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for i in range(3):
        attempt(f"guess{i}", "x", ip="10.0.0.1", **{"X-Forwarded-For": "203.0.113.9"})
    assert {e.ip for e in AuditEvent.objects.all()} == {"203.0.113.9"}
    UserFactory(username="victim")
    assert locked(attempt("victim", PASSWORD, ip="10.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}))
    assert logged_in(attempt("victim", PASSWORD, ip="10.0.0.1", **{"X-Forwarded-For": "203.0.113.10"}))


def test_a_forwarded_address_from_anyone_else_is_not_believed(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for i in range(3):  # rotating a spoofed header does not escape the per-address count
        attempt(f"guess{i}", "x", ip="198.51.100.7", **{"X-Forwarded-For": f"203.0.113.{i}"})
    UserFactory(username="victim")
    assert locked(attempt("victim", PASSWORD, ip="198.51.100.7", **{"X-Forwarded-For": "203.0.113.99"}))
    assert {e.ip for e in AuditEvent.objects.filter(action="login_failed")} == {"198.51.100.7"}


def test_only_a_trusted_proxy_may_say_the_request_was_https(settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from jobbridge.core.middleware import TrustedProxies

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    middleware = TrustedProxies(view)
    for remote, expected in [("10.0.0.1", True), ("198.51.100.7", False)]:
        middleware(RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO="https"))
        assert seen["secure"] is expected, remote


# Self-registration uses the same atomic counter -------------------------------------------------


def test_registration_attempts_are_counted_per_address(settings):
    for _ in range(throttle.REGISTER_LIMIT):
        assert throttle.register_attempt_allowed("10.7.7.7")
    assert not throttle.register_attempt_allowed("10.7.7.7")
    assert throttle.register_attempt_allowed("10.8.8.8")
