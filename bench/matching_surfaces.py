"""Benchmark: the matching pages people use, at county/city scale, computed on demand.

    .venv/bin/python bench/matching_surfaces.py [--seekers 30000] [--requests 30]

Builds (once) the demo world in a SQLite file under ``$JOBBRIDGE_VAR_DIR`` (default
/tmp/jobbridge-bench-surfaces), then times through the Django test client, in process:

* ``/matching/for-me/`` for the demo seeker (all open postings scored, 10 cards with reasons);
* ``/matching/postings/<id>/candidates/`` for random open postings of Haidong enterprises as the
  Haidong city clerk (about half the register in scope), with and without filters, and as the
  recruiter (the whole register, masked) for their own postings; a page ranks the best 10.

Target: p95 <= 1,000 ms per page (a person waiting for a page). Peers in the same run: the older
API endpoints ``/api/seekers/{id}/recommendations?top=10`` and ``/api/postings/{id}/candidates?top=10``
(same selectors and depth, no destination narrowing, masking or filters). No stored match
run is needed: without one every request scores on demand; after ``jobbridge match run`` the
stored top-10 lists serve the first page (the header line says which).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_P95_MS = 1000


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seekers", type=int, default=30_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.environ.setdefault("JOBBRIDGE_VAR_DIR", "/tmp/jobbridge-bench-surfaces")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from jobbridge.people.models import Seeker

    if "people_seeker" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)
    if Seeker.objects.filter(source="demo").count() < args.seekers:
        print(
            f"building the demo world with {args.seekers:,} seekers in {settings.DATABASES['default']['NAME']}",
            flush=True,
        )
        call_command(
            "demo", seekers=args.seekers, enterprises=args.seekers // 20, reset=True, no_progress=True
        )
    from django.test import Client

    from jobbridge.core.models import User
    from jobbridge.demo import accounts
    from jobbridge.employers.models import Posting

    accounts.ensure_users()
    rng = random.Random(args.seed)
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    seeker = Seeker.objects.get(user=users["demo_seeker"])
    # Postings the city clerk may see through the older endpoint too (its enterprises' own), so the
    # peer answers the same question; the pages would also take any open posting.
    open_ids = list(
        Posting.objects.open_on()
        .filter(pk__in=Posting.objects.visible_to(users["demo_city"]))
        .values_list("pk", flat=True)
    ) or list(Posting.objects.open_on().values_list("pk", flat=True))
    own_ids = (
        list(
            Posting.objects.open_on()
            .filter(enterprise_id=users["demo_recruiter"].enterprise_id)
            .values_list("pk", flat=True)
        )
        or open_ids[:1]
    )
    n = args.requests

    def client(name):
        c = Client()
        c.force_login(users[name])
        return c

    cases = {
        "for-me page (seeker)": (client("demo_seeker"), ["/matching/for-me/"] * n),
        "candidates page (city clerk)": (
            client("demo_city"),
            [f"/matching/postings/{rng.choice(open_ids)}/candidates/" for _ in range(n)],
        ),
        "candidates page, ≤300 km + 残疾人 (city clerk)": (
            client("demo_city"),
            [
                f"/matching/postings/{rng.choice(open_ids)}/candidates/?max_km=300&priority=disability"
                for _ in range(n)
            ],
        ),
        "candidates page (recruiter, whole register)": (
            client("demo_recruiter"),
            [f"/matching/postings/{rng.choice(own_ids)}/candidates/" for _ in range(n)],
        ),
        "peer: /api/seekers/{id}/recommendations top 10": (
            client("demo_city"),
            [f"/api/seekers/{seeker.pk}/recommendations?top=10"] * n,
        ),
        "peer: /api/postings/{id}/candidates top 10 (city clerk)": (
            client("demo_city"),
            [f"/api/postings/{rng.choice(open_ids)}/candidates?top=10" for _ in range(n)],
        ),
    }
    from jobbridge.matching.models import MatchRun

    current = MatchRun.objects.filter(is_current=True).first()
    served = f"stored lists v{current.version} (k={current.parameters.get('k')})" if current else "on demand"
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(
        f"\n{Seeker.objects.count():,} seekers, {Posting.objects.open_on().count():,} open postings "
        f"({len(open_ids):,} in the clerk's enterprises), SQLite, {served}; {n} requests each"
    )
    print(f"{'case':<52} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}")
    for name, (c, urls) in cases.items():
        c.get(urls[0])  # warm: reference tables, region centroids, code paths
        times = []
        for url in urls:
            t = time.perf_counter()
            r = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        target = "" if name.startswith("peer") else f"≤{TARGET_P95_MS}"
        print(f"{name:<52} {statistics.median(times):>8.0f} {pct(times, 95):>8.0f} {target:>8}", flush=True)
    print(f"load: {load}")


if __name__ == "__main__":
    main()
