"""Parallel guesses against the real database (issue 9): the throttle's count is taken atomically,
so no more than the limit of wrong passwords are ever checked against the hash, however many
arrive at once. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import threading
import time

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from jobbridge.core import throttle
from jobbridge.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

GUESSES = 30


@pytest.fixture
def slow_checks(monkeypatch):
    """Count the password checks, each made slow enough that all the guesses are in flight at
    once (a real hasher takes ~0.3 s; the tests' MD5 takes microseconds)."""
    seen = []
    lock = threading.Lock()
    original = AbstractBaseUser.check_password

    def counting(self, raw_password):
        with lock:
            seen.append(self.username)
        time.sleep(0.2)
        return original(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting)
    return seen


def _in_parallel(fn, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as e:  # reported below, not lost in the thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def _post(username, password, ip):
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_30_parallel_wrong_passwords_check_at_most_the_limit(settings, slow_checks):
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(username="demo_province")
    spellings = ["demo_province", "ｄemo_province", "ＤＥＭＯ_province"]
    responses = _in_parallel(lambda i: _post(spellings[i % 3], f"wrong-{i}", f"10.3.{i}.1"), GUESSES)
    assert all(r.status_code == 200 for r in responses)
    assert len(slow_checks) <= 5, f"{len(slow_checks)} wrong passwords checked ({connection.vendor})"
    assert sum("登录失败次数过多" in r.content.decode() for r in responses) >= GUESSES - 5
    # The account is locked afterwards, right password or not.
    assert "登录失败次数过多" in _post("demo_province", PASSWORD, "10.4.0.1").content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == GUESSES + 1


def test_30_parallel_guesses_from_one_address_check_at_most_its_limit(settings, slow_checks):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    for i in range(GUESSES):
        UserFactory(username=f"staff{i}")
    _in_parallel(lambda i: _post(f"staff{i}", "Password1", "10.6.6.6"), GUESSES)
    assert len(slow_checks) <= 8, f"{len(slow_checks)} wrong passwords checked ({connection.vendor})"


def test_the_reservation_is_one_statement_that_never_overshoots(settings):
    """The primitive itself, without the web stack: 40 threads reserving a limit of 7."""
    key = "test:reserve"
    results = _in_parallel(lambda i: throttle.reserve(key, limit=7, window_seconds=600), 40)
    assert sum(results) == 7
    assert throttle.ThrottleCounter.objects.get(key=key).count == 7
