import os

import pytest

from jobbridge.core import occupations, regions


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
