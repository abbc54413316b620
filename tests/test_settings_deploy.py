"""Production is the default (issue 9): settings read in a process of their own, with the
environment a deployment has, not the tests' JOBBRIDGE_DEBUG=1. Without JOBBRIDGE_DEBUG there is
no debug page, cookies are Secure, HTTP is redirected and HSTS is sent; `check --deploy` is clean
with the production settings README.md documents; a real server (gunicorn) serves no debug page."""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE", "TRUSTED_PROXIES", "CSRF_TRUSTED_ORIGINS"]
out = {n: getattr(settings, n) for n in names}
out["CSP"] = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps(out))
"""


def production_env(tmp_path, **extra) -> dict[str, str]:
    """The environment of a deployment as README.md's "Serving" and "Secrets" describe it: no
    JOBBRIDGE_DEBUG, keys and hosts given, a reverse proxy on this machine."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBBRIDGE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="jobbridge.settings",
        JOBBRIDGE_VAR_DIR=str(tmp_path / "var"),
        JOBBRIDGE_SECRET_KEY=secrets.token_urlsafe(50),
        JOBBRIDGE_PII_KEYS=Fernet.generate_key().decode(),
        JOBBRIDGE_PII_HASH_KEY=secrets.token_urlsafe(48),
        JOBBRIDGE_ALLOWED_HOSTS="jobs.example.org,localhost",
        JOBBRIDGE_TRUSTED_PROXIES="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    env.update(extra)
    return env


def settings_in(env) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_jobbridge_debug_the_settings_are_production(tmp_path):
    env = production_env(tmp_path)
    del env["JOBBRIDGE_TRUSTED_PROXIES"]
    s = settings_in(env)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_PROXY_SSL_HEADER"] is None  # no proxy configured: nobody's header believed
    assert s["SESSION_COOKIE_AGE"] == 12 * 3600
    assert s["CSP"]["script-src"] == ["'self'"] and s["CSP"]["style-src"] == ["'self'"]


def test_debug_and_each_switch_come_from_the_environment(tmp_path):
    s = settings_in(production_env(tmp_path, JOBBRIDGE_DEBUG="1"))
    assert s["DEBUG"] is True
    assert not (s["SESSION_COOKIE_SECURE"] or s["SECURE_SSL_REDIRECT"] or s["SECURE_HSTS_SECONDS"])
    s = settings_in(
        production_env(
            tmp_path,
            JOBBRIDGE_SSL_REDIRECT="0",
            JOBBRIDGE_HSTS_SECONDS="600",
            JOBBRIDGE_HSTS_PRELOAD="0",
            JOBBRIDGE_SESSION_HOURS="8",
            JOBBRIDGE_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1",
            JOBBRIDGE_CSRF_TRUSTED_ORIGINS="https://jobs.example.org",
        )
    )
    assert s["DEBUG"] is False and s["SESSION_COOKIE_SECURE"] and not s["SECURE_SSL_REDIRECT"]
    assert (s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_PRELOAD"]) == (600, False)
    assert s["SESSION_COOKIE_AGE"] == 8 * 3600
    assert s["TRUSTED_PROXIES"] == ["10.0.0.0/8", "127.0.0.1"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://jobs.example.org"]


@pytest.mark.parametrize(
    "name, value", [("JOBBRIDGE_DEBUG", "maybe"), ("JOBBRIDGE_TRUSTED_PROXIES", "proxy.example.org")]
)
def test_a_setting_that_cannot_be_read_stops_the_start(tmp_path, name, value):
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=production_env(tmp_path, **{name: value}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and name in done.stderr


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "jobbridge.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr


def test_check_deploy_names_what_a_debug_instance_lacks(tmp_path):
    """The same check on a developer's instance warns: the clean result above means something."""
    done = subprocess.run(
        [sys.executable, "-m", "jobbridge.cli", "check", "--deploy"],
        env=production_env(tmp_path, JOBBRIDGE_DEBUG="1"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    for warning in ("W004", "W008", "W012", "W016", "W018"):
        assert f"security.{warning}" in done.stdout + done.stderr


# A real server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve(tmp_path):
    """serve(**env) -> port of a gunicorn serving jobbridge.wsgi with the production env."""
    servers = []

    def start(**extra) -> int:
        port = _free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jobbridge.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env=production_env(tmp_path, **extra),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, "gunicorn exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    yield start
    for proc in servers:
        proc.terminate()
        proc.wait(timeout=30)


def get(port, path, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "localhost", **headers})
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    conn.close()
    return response, body


# A session cookie makes the login page look the user up: the database behind this server has no
# tables, so that is a server error, the page Django shows in full when debugging.
BROKEN = {"Cookie": "sessionid=" + "x" * 32, "X-Forwarded-Proto": "https"}
DEBUG_MARKERS = ("Traceback", "DEBUG = True", "Using the URLconf", "django_session")


def test_a_server_started_without_jobbridge_debug_serves_no_debug_page(serve):
    port = serve()
    response, _ = get(port, "/login/")  # plain HTTP from the proxy: to HTTPS
    assert response.status == 301 and response.getheader("Location") == "https://localhost/login/"

    response, body = get(port, "/no-such-page/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 404 and not any(m in body for m in DEBUG_MARKERS), body[:500]
    response, body = get(port, "/login/", **BROKEN)
    assert response.status == 500 and not any(m in body for m in DEBUG_MARKERS), body[:500]

    response, body = get(port, "/login/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 200 and "工作人员登录" in body
    assert "includeSubDomains; preload" in response.getheader("Strict-Transport-Security")
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    cookie = response.getheader("Set-Cookie")
    assert "csrftoken=" in cookie and "Secure" in cookie


def test_the_same_server_with_jobbridge_debug_shows_its_debug_page(serve):
    """The probe above can see a debug page: with JOBBRIDGE_DEBUG=1 it is there."""
    port = serve(JOBBRIDGE_DEBUG="1")
    response, body = get(port, "/login/", **BROKEN)
    assert response.status == 500 and any(m in body for m in DEBUG_MARKERS)


# The recommendations fast lane under production settings ---------------------------------------


def _lane_environ(**extra):
    import io

    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/seekers/7/recommendations",
        "QUERY_STRING": "top=5",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_AUTHORIZATION": "Bearer jb_x",
        "REMOTE_ADDR": "10.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    return env | extra


@override_settings(
    SECURE_SSL_REDIRECT=True,
    TRUSTED_PROXIES=["10.0.0.1"],
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_the_fast_lane_serves_https_requests_behind_the_proxy_and_leaves_the_redirect_to_django():
    from jobbridge.matching.lean_wsgi import FastLane, lane_open

    assert lane_open()  # the production middleware and settings keep it open
    https = FastLane._eligible(_lane_environ(HTTP_X_FORWARDED_PROTO="https"))
    assert https is not None and https[3] == "https"
    assert FastLane._eligible(_lane_environ(**{"wsgi.url_scheme": "https"})) is not None
    assert FastLane._eligible(_lane_environ()) is None  # plain HTTP: Django redirects it
    # Only the proxy may say it was HTTPS.
    assert (
        FastLane._eligible(_lane_environ(HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="198.51.100.7")) is None
    )
