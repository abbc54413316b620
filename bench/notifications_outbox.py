"""Benchmark: the commissioner's push list and the notification outbox.

    .venv/bin/python bench/notifications_outbox.py [--seekers 30000] [--messages 2000] [--runs 5]

Builds (once) the demo world in a SQLite file under ``$JOBBRIDGE_VAR_DIR`` (default
/tmp/jobbridge-bench-notify), then measures in process:

1. ``pushlist.push_list`` for the demo commissioner (two grids), the Ledu county clerk and the
   Haidong city clerk, with postings of the last 30 days. Target: <= 1,000 ms for a county (a
   person waiting for a page). Peer: the same people scored one by one with
   ``matching.selectors.recommend_for_seeker`` (one engine call per person, as a page without
   a block would do), on a sample, extrapolated to the county.
2. ``delivery.deliver_due`` sending N SMS through the ``sms_http`` channel to a local stub gateway
   (http.server on 127.0.0.1), with one worker and with two concurrent workers. Target: >= 100
   messages/s (a county's day of pushes in a minute). Peer: the same requests posted straight to
   the gateway in a loop (``channels.post_json``), without the outbox's claims and bookkeeping.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_PUSH_MS = 1000
TARGET_MSG_PER_S = 100


class Gateway(BaseHTTPRequestHandler):
    count = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with Gateway.lock:
            Gateway.count += 1
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def load() -> str:
    return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seekers", type=int, default=30_000)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-sample", type=int, default=30)
    args = ap.parse_args()
    os.environ.setdefault("JOBBRIDGE_VAR_DIR", "/tmp/jobbridge-bench-notify")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jobbridge.people.models import Seeker

    if Seeker.objects.filter(source="demo").count() < args.seekers:
        print(f"building the demo world with {args.seekers:,} seekers", flush=True)
        call_command(
            "demo", seekers=args.seekers, enterprises=args.seekers // 20, reset=True, no_progress=True
        )

    from django.db import connections

    from jobbridge.core.models import User
    from jobbridge.demo import accounts
    from jobbridge.matching.records import occupation_table, region_table
    from jobbridge.matching.selectors import recommend_for_seeker
    from jobbridge.notifications import pushlist, services
    from jobbridge.notifications.channels import post_json
    from jobbridge.notifications.delivery import deliver_due
    from jobbridge.notifications.models import Notification

    accounts.ensure_users()
    region_table(), occupation_table()
    print(load(), flush=True)
    rows = []

    # ---- 1. the push list ----------------------------------------------------------------------
    county_ms = None
    for name in ("demo_commissioner", "demo_county", "demo_city"):
        user = User.objects.get(username=name)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            result = pushlist.push_list(user, days=30)
            times.append((time.perf_counter() - t) * 1000)
        med = statistics.median(times)
        if name == "demo_county":
            county_ms, county_seekers = med, result.seekers
            county_qs, _label, _c, _g = pushlist.push_scope(user)
        rows.append(
            (
                f"push list, {name}: {result.seekers:,} people × {result.postings:,} posts, {len(result.rows)} rows",
                f"{med:,.0f} ms (median of {args.runs}, max {max(times):,.0f})",
                f"<= {TARGET_PUSH_MS:,} ms" if name == "demo_county" else "",
            )
        )
    sample = list(county_qs.order_by("pk")[: args.peer_sample])
    t = time.perf_counter()
    for seeker in sample:
        recommend_for_seeker(seeker, k=3)
    per = (time.perf_counter() - t) / max(len(sample), 1)
    rows.append(
        (
            f"peer: one engine call per person (recommend_for_seeker), {len(sample)} sampled, "
            f"× {county_seekers:,} (extrapolated)",
            f"{per * county_seekers * 1000:,.0f} ms",
            "",
        )
    )

    # ---- 2. delivery throughput ----------------------------------------------------------------
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    settings.JOBBRIDGE_NOTIFY_CHANNELS = {"sms": {"backend": "sms_http", "url": url, "token": "bench"}}
    settings.JOBBRIDGE_NOTIFY_QUIET_HOURS = ("00:00", "00:00")  # none: the bench may run at night
    people = list(Seeker.objects.exclude(phone_cipher=None).order_by("pk")[:500])

    def enqueue(tag: str) -> None:
        Notification.objects.filter(idempotency_key__startswith="bench:").delete()
        for i in range(args.messages):
            services.notification_enqueue(
                channel="sms",
                kind="bench",
                seeker=people[i % len(people)],
                key=f"bench:{tag}:{i}",
                payload={"text": f"bench {i}"},
            )

    for workers in (1, 2):
        enqueue(f"w{workers}")
        Gateway.count = 0
        results = []

        def work(results=results):
            try:
                results.append(deliver_due())
            finally:
                connections.close_all()

        t = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t
        sent = sum(r["sent"] for r in results)
        assert sent == args.messages == Gateway.count, (sent, Gateway.count)
        rows.append(
            (
                f"outbox deliver_due, {workers} worker(s): {sent:,} SMS, each request once",
                f"{sent / elapsed:,.0f} msg/s ({elapsed:.1f} s)",
                f">= {TARGET_MSG_PER_S} msg/s",
            )
        )
    Notification.objects.filter(idempotency_key__startswith="bench:").delete()
    t = time.perf_counter()
    for i in range(args.messages):
        post_json(url, {"to": "13800000000", "text": f"bench {i}"}, {"Idempotency-Key": f"p{i}"}, 10)
    elapsed = time.perf_counter() - t
    rows.append(
        (
            "peer: the same POSTs straight to the gateway, no outbox",
            f"{args.messages / elapsed:,.0f} msg/s",
            "",
        )
    )
    server.shutdown()

    width = max(len(r[0]) for r in rows)
    print(f"\n{'':{width}}  figure  | target")
    for label, figure, target in rows:
        print(f"{label:{width}}  {figure}  | {target}")
    print(load())
    print(json.dumps({"county_push_list_ms": round(county_ms or 0)}))


if __name__ == "__main__":
    main()
