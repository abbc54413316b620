"""Browser tests drive Debian's Chromium through Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse database
access from that thread unless told it is safe (it is: the loop only talks to the browser).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ensure_reference_data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("JOBBRIDGE_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(os.environ.get("JOBBRIDGE_SCREENSHOT_DIR", "/tmp"))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture
def reference_data(transactional_db):
    """A test's own flush empties every table, reference data included; the root conftest puts it
    back after each flushing test, so this only guards the first test of a worker.

    (serialized_rollback would restore it, but Playwright's greenlets give the test another
    database-connection object than the one holding the serialized copy, so it cannot be
    relied on here; loading the shipped files again is idempotent and takes a few seconds.)"""
    ensure_reference_data()
