"""The WSGI fast lane in front of Django (matching.lean_wsgi): it answers a script's cached-token
GET of stored recommendations with Django's status, headers and bytes, and hands every other
request, and every case it does not answer, to Django."""

import datetime as dt
import io
import json
import sys

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test.utils import override_settings

from jobbridge.core.models import ApiToken
from jobbridge.core.tokens import token_issue
from jobbridge.employers.models import Posting
from jobbridge.matching import batch, lean, store
from jobbridge.matching.batch import match_run_create, match_run_execute
from jobbridge.matching.lean_wsgi import FastLane
from jobbridge.people.models import Seeker
from jobbridge.wsgi import application
from tests.factories import UserFactory
from tests.matching.test_batch_world import build_world

pytestmark = pytest.mark.django_db
K = 5
XINING = "630102"


@pytest.fixture(autouse=True)
def fresh_caches():
    lean.forget_tokens()
    yield
    lean.forget_tokens()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As django.test.Client does: a request's end must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world():
    w = build_world(seed=11, seekers=16, postings=12)
    match_run_execute(run=match_run_create(k=K))
    batch._INDEX.clear()
    return w


@pytest.fixture
def lane():
    """A fresh lane around Django's application, counting what reaches Django."""
    assert isinstance(application, FastLane)  # jobbridge.wsgi serves through it
    reached = []

    def django_app(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return application.app(environ, start_response)

    fast = FastLane(django_app)
    fast.reached = reached
    return fast


def environ(path, query="", token=None, **extra):
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env | extra


def call(app, env):
    out = {}

    def start(status, headers, exc_info=None):
        out["status"], out["headers"] = status, headers

    chunks = app(env, start)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return out["status"], sorted(out["headers"]), body


def recs(seeker_id):
    return f"/api/seekers/{seeker_id}/recommendations"


def test_the_lane_answers_as_django_does(world, lane, monkeypatch):
    # The loop asks Django to score on demand too; on a loaded machine it outlasts the token's
    # 5 s in the lane's memory (expiry is tested below), so the token is kept for this test.
    monkeypatch.setattr(lean, "TOKEN_TTL", 3600.0)
    _row, token = token_issue(actor=None, user=UserFactory(admin=True), name="t")
    first = world["seekers"][0]
    assert call(lane, environ(recs(first.pk), f"top={K}", token))[0] == "200 OK"
    assert lane.reached == [recs(first.pk)]  # checked the token, taught the lane the headers
    for seeker in world["seekers"]:
        for query in (f"top={K}", "top=3", ""):
            lane.reached.clear()
            fast = call(lane, environ(recs(seeker.pk), query, token))
            django = call(application.app, environ(recs(seeker.pk), query, token))
            assert fast == django
            if query != "":  # top=10 by default: more than the run stored, Django scores on demand
                assert lane.reached == [], (seeker.pk, query)


def test_requests_the_lane_does_not_answer_reach_django(world, lane):
    user = UserFactory(region_id=XINING)
    _row, token = token_issue(actor=None, user=user, name="t")
    xining = next(s for s in world["seekers"] if s.residence_region_id.startswith(XINING))
    ledu = next(s for s in world["seekers"] if not s.residence_region_id.startswith(XINING))
    call(lane, environ(recs(xining.pk), "top=5", token))  # warm: token and headers
    cases = [
        (environ(recs(ledu.pk), "top=5", token), "404"),  # out of scope
        (environ(recs(10**9), "top=5", token), "404"),  # missing
        (environ(recs(xining.pk), "top=0", token), "422"),
        (environ(recs(xining.pk), "top=101", token), "422"),
        (environ(recs(xining.pk), "top=5&x=1", token), "200"),
        (environ(recs(xining.pk), "top=5", token, HTTP_COOKIE="django_language=en"), "200"),
        (environ(recs(xining.pk), "top=5", token, REQUEST_METHOD="POST"), "405"),
        (environ(recs(xining.pk), "top=5", token, HTTP_HOST="evil.example"), "400"),
        (environ(recs(xining.pk), "top=5", "jb_unknown"), "401"),
        (environ(recs(xining.pk), "top=5"), "401"),
        (environ(recs(xining.pk) + "/", "top=5", token), "404"),
    ]
    for env, status in cases:
        lane.reached.clear()
        got = call(lane, env)
        assert got[0].startswith(status), (env["PATH_INFO"], env["QUERY_STRING"], got[0])
        assert lane.reached == [env["PATH_INFO"]]
        assert got == call(application.app, dict(env))


def test_the_lane_steps_aside_for_fallbacks_and_settings(world, lane):
    _row, token = token_issue(actor=None, user=UserFactory(admin=True), name="t")
    seeker = max(world["seekers"], key=lambda s: len(store.read_list("s", s.pk).items))
    call(lane, environ(recs(seeker.pk), "top=5", token))
    lane.reached.clear()
    call(lane, environ(recs(seeker.pk), "top=5", token))
    assert lane.reached == []
    # A list the selector would not trust: Django answers, scoring on demand.
    Seeker.objects.filter(pk=seeker.pk).update(
        updated_at=store.read_list("s", seeker.pk).as_of + dt.timedelta(seconds=1)
    )
    assert call(lane, environ(recs(seeker.pk), "top=5", token)) == call(
        application.app, environ(recs(seeker.pk), "top=5", token)
    )
    assert lane.reached == [recs(seeker.pk)]
    # Middleware the lane was not checked against, or the ORM path chosen: everything to Django.
    other = next(s for s in world["seekers"] if s.pk != seeker.pk)
    for override in (
        override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, "x.Audit"]),
        override_settings(MATCHING_LEAN_READS=False),
        override_settings(SECURE_SSL_REDIRECT=True),
    ):
        with override:
            lane.reached.clear()
            assert FastLane._eligible(environ(recs(other.pk), "top=5", token)) is None
    lane.reached.clear()
    assert call(lane, environ(recs(other.pk), "top=5", token))[0] == "200 OK" and lane.reached == []


def test_closed_postings_are_dropped_in_the_lane_too(world, lane):
    _row, token = token_issue(actor=None, user=UserFactory(admin=True), name="t")
    seeker = max(world["seekers"], key=lambda s: len(store.read_list("s", s.pk).items))
    listed = [it[0] for it in store.read_list("s", seeker.pk).items]
    call(lane, environ(recs(seeker.pk), "top=1", token))
    Posting.objects.filter(pk=listed[0]).update(status=Posting.Status.CLOSED)
    lane.reached.clear()
    fast = call(lane, environ(recs(seeker.pk), "top=1", token))
    assert lane.reached == [] and listed[0] not in [item["posting"] for item in json.loads(fast[2])]
    assert fast == call(application.app, environ(recs(seeker.pk), "top=1", token))


def test_a_token_revoked_elsewhere_stops_working_within_the_ttl(world, lane, monkeypatch):
    row, token = token_issue(actor=None, user=UserFactory(admin=True), name="t")
    seeker = world["seekers"][0]
    assert call(lane, environ(recs(seeker.pk), "top=5", token))[0] == "200 OK"
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=row.created_at)  # no signal in this process
    now = lean.time.monotonic()
    monkeypatch.setattr(lean.time, "monotonic", lambda: now + lean.TOKEN_TTL + 1)
    lane.reached.clear()
    assert call(lane, environ(recs(seeker.pk), "top=5", token))[0].startswith("401")
    assert lane.reached == [recs(seeker.pk)]
