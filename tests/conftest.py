import io
import os
import sys
from pathlib import Path

import pytest

from jobbridge.core import occupations, regions

# The synthetic worlds the tests share with the benchmarks live outside the package, in
# bench/worlds/ (imported as ``worlds``).
BENCH = str(Path(__file__).resolve().parent.parent / "bench")
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)


def pytest_configure(config):
    # Unknown template variables fail loudly in tests instead of rendering as "".
    from django.conf import settings

    for t in settings.TEMPLATES:
        t.setdefault("OPTIONS", {})["string_if_invalid"] = InvalidVariable("%s")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class InvalidVariable(str):
    def __mod__(self, other):
        raise AssertionError(f"undefined template variable: {other!r}")

    def __bool__(self):  # lets {% if missing %} and |default keep working
        return False


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    regions.clear_cache()
    occupations.clear_cache()
    yield


@pytest.fixture(autouse=True)
def _chinese():
    # A request in English leaves English active in the thread; each test starts in Chinese.
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def ci() -> bool:
    return os.environ.get("CI") == "true"


def _flushes_database(item) -> bool:
    """A transactional test (and every live-server test) ends with a flush that empties every
    table, the migration-loaded reference data (regions, occupations, industries) included."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def ensure_reference_data() -> None:
    from django.core.management import call_command

    from jobbridge.core.models import Region

    if Region.objects.count() < 40_000:  # gone, or only the few rows a test made after a flush
        call_command("load_reference", verbosity=0, stdout=io.StringIO())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the reference data back after a flush, whatever test runs next on this worker: the
    tests that follow expect what the migrations loaded."""
    yield
    # After the session's last test the test database is already gone (nextitem is None): the
    # connection points at the real one again, which must not be touched.
    if nextitem is not None and _flushes_database(item):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
            # A Playwright greenlet or a test's thread may hold its own connection; close them so
            # the test database can be dropped at the end (PostgreSQL refuses while one is open).
            connections.close_all()
