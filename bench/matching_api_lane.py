"""The recommendation API's three paths side by side, in-process: CPU and wall time per request
of ``GET /api/seekers/{id}/recommendations?top=10`` through

* the WSGI fast lane (``matching.lean_wsgi``, wrapped around Django in ``jobbridge.wsgi``),
* Django's request cycle with ``matching.lean`` (the lane stepped aside: the inner application),
* the previous ORM path (``MATCHING_LEAN_READS = False``),

for an administrator's bearer token and random seekers that have a stored list, and whether the
three give the same bytes. It measures the serving process only (no HTTP server, no load
generator; on PostgreSQL the database's own CPU is not counted, on SQLite it is), so it isolates
what the lane saves; figure 5 under load is ``bench/matching_api.py``.
docs/decisions/0004-recommendation-fast-lane.md cites both.

Needs a database with a current match version, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jb_bench_lane .venv/bin/jobbridge migrate
    DATABASE_URL=... .venv/bin/jobbridge demo --seekers 3000 --enterprises 200
    DATABASE_URL=... .venv/bin/jobbridge match run
    DATABASE_URL=... JOBBRIDGE_DEBUG=0 .venv/bin/python bench/matching_api_lane.py [--requests 3000]

A checked token is kept for ``lean.TOKEN_TTL`` (5 s), so the requests run in rounds of 100-200,
each begun by one request through Django that refreshes it (not timed).
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=3000, help="per path")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from jobbridge.core.models import Role, User
    from jobbridge.core.tokens import token_issue
    from jobbridge.matching.models import MatchList, MatchRun
    from jobbridge.wsgi import application  # FastLane(Django)

    run = MatchRun.objects.filter(is_current=True).first()
    if run is None:
        sys.exit("no current match version: run `jobbridge match run` first")
    ids = list(MatchList.objects.filter(run=run, kind="s").values_list("owner_id", flat=True))
    admin = User.objects.filter(is_superuser=True, is_active=True).first() or User.objects.create_superuser(
        "bench-lane", password=None, role=Role.ADMIN
    )
    _row, token = token_issue(actor=None, user=admin, name="bench/matching_api_lane.py")
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")), "localhost")

    def call(app, seeker_id: int) -> tuple[str, bytes]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": f"/api/seekers/{seeker_id}/recommendations",
            "QUERY_STRING": "top=10",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_HOST": host,
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SCRIPT_NAME": "",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = b"".join(app(environ, lambda s, h, exc_info=None: status.append(s)))
        return status[0], body

    django_app = application.app
    reached = [0]

    def counting(environ, start_response):  # requests the lane hands to Django
        reached[0] += 1
        return django_app(environ, start_response)

    application.app = counting
    paths = (
        ("fast lane (matching.lean_wsgi)", application, True),
        ("Django + matching.lean (lane stepped aside)", django_app, True),
        ("previous ORM path (MATCHING_LEAN_READS=False)", django_app, False),
    )
    print(
        f"# {connection.vendor}, version v{run.version}, {len(ids):,} seekers with a list, DEBUG={settings.DEBUG}"
    )
    print(f"# load average before {os.getloadavg()[0]:.2f}")
    bodies: list[dict[int, bytes]] = []
    for label, app, lean_on in paths:
        rng = random.Random(args.seed)
        got: dict[int, bytes] = {}
        cpu = wall = 0.0
        done = 0
        untimed = reached[0]
        with override_settings(MATCHING_LEAN_READS=lean_on):
            while done < args.requests:
                call(counting, ids[0])  # Django checks the token (and teaches the lane its headers)
                untimed += 1
                sample = [rng.choice(ids) for _ in range(min(200 if lean_on else 100, args.requests - done))]
                c0, w0 = time.process_time(), time.perf_counter()
                for sid in sample:
                    status, body = call(app, sid)
                    if not status.startswith("200"):
                        sys.exit(f"{label}: {status} {body[:200]!r}")
                    got[sid] = body
                cpu += time.process_time() - c0
                wall += time.perf_counter() - w0
                done += len(sample)
        passed = reached[0] - untimed if app is application else done
        bodies.append(got)
        print(
            f"{label:<48} {1000 * cpu / done:6.2f} ms CPU {1000 * wall / done:6.2f} ms wall per request"
            f"  ({done:,} requests; {passed:,} answered by Django)"
        )
    common = set(bodies[0]) & set(bodies[1]) & set(bodies[2])
    same = all(bodies[0][s] == bodies[1][s] == bodies[2][s] for s in common)
    print(f"same bytes all three ways: {same} ({len(common):,} seekers compared)")
    print(f"# load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
