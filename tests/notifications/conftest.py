"""A local stub gateway (http.server in a thread on 127.0.0.1, random port) that answers from a
script (500 then 200, 400, a hang...) and records every request; settings pointing the sms and
wechat channels at it; and a small grid world for the push list."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.api.conftest import ApiClient
from tests.factories import LEDU_TOWN, GridFactory, SeekerFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
HANG = "hang"


def local(y, mo, d, h, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


class Stub:
    def __init__(self):
        self.requests: list[dict] = []
        self.script: list = []  # (status, body) pairs or HANG, used in order; then ``default``
        self.default = (200, {"ok": True})
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with stub.lock:
                    stub.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": json.loads(body or b"{}")}
                    )
                    action = stub.script.pop(0) if stub.script else stub.default
                if action == HANG:
                    stub.release.wait(5)  # longer than the client's timeout
                    return
                status, answer = action
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

    def keys(self) -> list[str]:
        return [r["headers"].get("Idempotency-Key") for r in self.requests]


@pytest.fixture(autouse=True)
def _fresh_posting_batches():
    from jobbridge.notifications import pushlist

    pushlist.clear_cache()
    yield
    pushlist.clear_cache()


@pytest.fixture
def api():
    """api(user) -> a JSON client with a bearer token for ``user`` (as in tests/api)."""
    return ApiClient


@pytest.fixture
def stub():
    s = Stub()
    thread = threading.Thread(target=s.server.serve_forever, daemon=True)
    thread.start()
    yield s
    s.release.set()
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def gateways(settings, stub, tmp_path):
    settings.JOBBRIDGE_NOTIFY_CHANNELS = {
        "sms": {"backend": "sms_http", "url": stub.url + "/sms", "token": "t0k", "timeout": 0.5},
        "wechat": {
            "backend": "wechat_template",
            "base_url": stub.url,
            "access_token": "AT",
            "template_id": "TPL-1",
            "timeout": 0.5,
        },
        "file": {"backend": "file", "path": str(tmp_path / "out.jsonl")},
    }
    settings.JOBBRIDGE_NOTIFY_RETRY = {
        "max_attempts": 3,
        "base_seconds": 60,
        "max_seconds": 3600,
        "jitter_seconds": 10,
    }
    return stub


@pytest.fixture
def grid_world(db):
    """A commissioner's grid with people in and out of work, a second grid, a Ledu clerk."""
    grid = GridFactory(township_id=LEDU_TOWN)
    other_grid = GridFactory(township_id=LEDU_TOWN)
    commissioner = UserFactory(username="comm", commissioner=True, display_name="王专员")
    commissioner.grids.add(grid)
    # Commissioners call the people of their grids: the phone permission (not the ID number's).
    from django.contrib.auth.models import Permission

    commissioner.user_permissions.add(Permission.objects.get(codename="view_phone"))
    anywhere = {"accepts_anywhere": True, "expected_wage": 4000}
    return SimpleNamespace(
        grid=grid,
        other_grid=other_grid,
        commissioner=commissioner,
        clerk=UserFactory(username="ledu", county_clerk=True),
        seeker_user=UserFactory(username="13900000000", seeker=True),
        plain=SeekerFactory(name="张三", grid=grid, **anywhere),
        employed=SeekerFactory(name="已就业", grid=grid, employment_status="employed", **anywhere),
        elsewhere=SeekerFactory(name="别的网格", grid=other_grid, **anywhere),
    )


@pytest.fixture
def no_quiet_hours(settings):
    """For tests that send "now", at whatever hour the suite runs: the default window (21:00-08:00
    Shanghai) would defer their messages at night. Quiet hours have their own tests at fixed
    times in test_delivery.py."""
    settings.JOBBRIDGE_NOTIFY_QUIET_HOURS = ("00:00", "00:00")
