"""Benchmark: the placements dashboard panel over N applications on PostgreSQL.

    .venv/bin/python bench/placements_panel.py                      # 500,000 applications
    .venv/bin/python bench/placements_panel.py --applications 100000 --keep

Drops, creates and migrates jb_bench_placements (override with --url), writes N/2 seekers (hukou
in Qinghai townships and Guizhou Bijie), 2,000 postings in Wuxi and Dongguan, N applications
spread over the past year in every state, their history (about 3.5 events each) and the retention
follow-ups of those who arrived (done, missed or cancelled), all with INSERT … SELECT; VACUUM
ANALYZE; then times, for a province clerk:

- the panel fragment /placements/panel/ for Qinghai, Haidong and Ledu, this month, through the
  Django test client: median and p95 of 20 requests; target <= 300 ms (issue 4: "any dashboard
  panel p95 <= 300 ms");
- peer, same run: the same figures for Haidong computed naively, every application of the city
  with its events and follow-ups loaded through the ORM and counted in Python (the province would
  take the naive path minutes at this size).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jb_bench_placements"
PANEL_TARGET = 0.300
PATH = ["intention", "contacted", "interview", "offer", "hired", "arrived", "retained_30", "retained_90",
        "retained_180"]


def recreate_database(url: str, create: bool = True) -> None:
    import psycopg

    u = urlparse(url)
    name = u.path.lstrip("/")
    assert name.startswith("jb_bench"), f"refusing to drop {name!r}"
    with psycopg.connect(u._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JOBBRIDGE_VAR_DIR", "/tmp/jb-bench-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    import django

    django.setup()


def postings(n: int) -> list[int]:
    from jobbridge.core.models import Region
    from jobbridge.core.synthetic_ids import credit_code
    from jobbridge.employers.models import Enterprise, Posting

    places = list(Region.objects.filter(level=3, code__startswith="3202").values_list("code", flat=True)) + [
        "441900"]
    ents = Enterprise.objects.bulk_create([
        Enterprise(name=f"基准企业{i}", uscc=credit_code(places[i % len(places)], i), region_id=places[i % len(places)])
        for i in range(n // 4)])
    rows = Posting.objects.bulk_create([
        Posting(enterprise=ents[i % len(ents)], title=f"普工{i}", headcount=10_000, work_region_id=ents[i % len(ents)].region_id)
        for i in range(n)])
    return [p.pk for p in rows]


def populate(n: int, posting_ids: list[int], today: dt.date) -> float:
    from django.db import connection, transaction

    from jobbridge.core.models import Region

    origins = list(Region.objects.filter(level=4, code__startswith="63").values_list("code", flat=True)) + list(
        Region.objects.filter(level=4, code__startswith="5205").values_list("code", flat=True)[:100])
    seekers = n // 2
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO people_seeker (id, name, id_cipher, id_hash, id_masked, gender, birth_date, phone_hash,
                phone_masked, hukou_region_id, residence_region_id, education, major, skills_text,
                accepts_anywhere, employment_status, source, created_at, updated_at)
            SELECT g, 'w' || g, '\\x00'::bytea, md5(g::text) || md5((-g)::text), '6321**********0000', 'M',
                   DATE '1990-01-01', '', '', (%(o)s::text[])[1 + g %% %(k)s], (%(o)s::text[])[1 + g %% %(k)s],
                   '', '', '', false, 'unemployed', 'demo', now(), now()
            FROM generate_series(1, %(n)s) g
            """, {"o": origins, "k": len(origins), "n": seekers})
        # Stage: how far along PATH the application got; closing: refused/withdrawn/obsolete/left or none.
        cur.execute(
            """
            CREATE TEMP TABLE bench_app AS
            SELECT g AS id, 1 + g %% %(s)s AS seeker_id, (%(p)s::bigint[])[(1 + (g / %(s)s + g) %% %(k)s)::int] AS posting_id,
                   stage, closing,
                   (%(today)s::date - ((g * 37) %% 365)::int)::timestamptz + interval '9 hours' AS created_at
            FROM generate_series(1::bigint, %(n)s) g,
            LATERAL (SELECT ((g * 7919) %% 1000)::int AS h) x,
            LATERAL (SELECT CASE WHEN h < 300 THEN h %% 4 WHEN h < 500 THEN 1 WHEN h < 600 THEN 2
                                 WHEN h < 700 THEN 4 WHEN h < 800 THEN 5 WHEN h < 880 THEN 6 WHEN h < 930 THEN 7
                                 WHEN h < 970 THEN 8 ELSE 6 END AS stage,
                            CASE WHEN h >= 300 AND h < 450 THEN 'refused' WHEN h >= 450 AND h < 500 THEN 'withdrawn'
                                 WHEN h >= 500 AND h < 600 THEN 'obsolete' WHEN h >= 970 THEN 'left' END AS closing) y
            """, {"s": seekers, "p": posting_ids, "k": len(posting_ids), "n": n, "today": today})
        cur.execute(
            """
            INSERT INTO placements_application (id, seeker_id, posting_id, origin_region_id, state, source,
                consent_note, created_at, state_changed_at, hired_on, arrived_on, reason)
            SELECT a.id, seeker_id, posting_id, s.hukou_region_id, COALESCE(closing, (%(path)s::text[])[stage + 1]),
                   'commissioner', '',
                   a.created_at, a.created_at + (stage * 3 + (closing IS NOT NULL)::int) * interval '1 day',
                   CASE WHEN stage >= 4 THEN a.created_at::date + 9 END,
                   CASE WHEN stage >= 5 THEN a.created_at::date + 12 END,
                   CASE WHEN closing IN ('refused', 'left') THEN 'wage' ELSE '' END
            FROM bench_app a JOIN people_seeker s ON s.id = a.seeker_id
            """, {"path": PATH})
        cur.execute(
            """
            INSERT INTO placements_applicationevent (application_id, from_state, to_state, at, reason, note,
                origin_region_id)
            SELECT a.id, CASE WHEN i = 0 THEN '' ELSE (%(path)s::text[])[i] END, (%(path)s::text[])[i + 1],
                   a.created_at + i * interval '3 days', '', '', p.origin_region_id
            FROM bench_app a JOIN placements_application p ON p.id = a.id, generate_series(0, a.stage) i
            UNION ALL
            SELECT a.id, (%(path)s::text[])[a.stage + 1], a.closing, a.created_at + (a.stage * 3 + 1) * interval '1 day',
                   '', '', p.origin_region_id
            FROM bench_app a JOIN placements_application p ON p.id = a.id WHERE a.closing IS NOT NULL
            """, {"path": PATH})
        cur.execute(
            """
            INSERT INTO placements_followup (application_id, days, due_on, responsible_region_id, done_on,
                still_employed, note, cancelled, origin_region_id)
            SELECT a.id, d, a.created_at::date + 12 + d, substr(s.hukou_region_id, 1, 6),
                   CASE WHEN done THEN a.created_at::date + 12 + d END, CASE WHEN done THEN a.stage >= 5 + k END,
                   '', cancelled, s.hukou_region_id
            FROM bench_app a JOIN people_seeker s ON s.id = a.seeker_id,
            LATERAL (VALUES (30, 1), (90, 2), (180, 3)) m(d, k),
            LATERAL (SELECT a.stage >= 5 + k OR (a.closing = 'left' AND a.stage = 4 + k) IS TRUE AS done,
                            (a.closing = 'left' AND a.stage < 4 + k) IS TRUE AS cancelled) c
            WHERE a.stage >= 5
            """, {"today": today})
        for table in ("people_seeker", "placements_application", "placements_applicationevent",
                      "placements_followup"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    elapsed = time.perf_counter() - start
    connection.ensure_connection()
    old = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        for table in ("people_seeker", "placements_application", "placements_applicationevent",
                      "placements_followup"):
            cur.execute(f"VACUUM ANALYZE {table}")
    connection.connection.autocommit = old
    return elapsed


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm: region index, plans
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * len(times) + 0.5)) - 1)]


def naive(region: str, first: dt.date, last: dt.date) -> dict:
    """The peer: every application of the region with its events and follow-ups, counted in Python."""
    from django.db.models import Prefetch

    from jobbridge.core.models.regions import in_subtree
    from jobbridge.placements.models import Application, ApplicationEvent, FollowUp

    by_state: dict[str, int] = {}
    days, checks = [], {}
    qs = (Application.objects.filter(in_subtree("origin_region_id", region))
          .prefetch_related(Prefetch("events", ApplicationEvent.objects.all()), Prefetch("followups", FollowUp.objects.all())))
    for app in qs.iterator(chunk_size=5000):
        for e in app.events.all():
            if first <= e.at.date() <= last:
                by_state[e.to_state] = by_state.get(e.to_state, 0) + 1
        if app.hired_on and first <= app.hired_on <= last:
            days.append((app.hired_on - app.created_at.date()).days)
        for f in app.followups.all():
            if first <= f.due_on <= last and (f.done_on or f.cancelled):
                total, kept = checks.get(f.days, (0, 0))
                checks[f.days] = (total + 1, kept + bool(f.still_employed))
    return {"by_state": by_state, "median": statistics.median(days) if days else None, "checks": checks}


def agrees(peer: dict, stats: dict) -> bool:
    return (peer["by_state"] == {k: v for k, v in stats["by_state"].items() if v}
            and peer["median"] == stats["median_days_to_hire"]
            and {str(d): t for d, (t, _k) in peer["checks"].items()}
            == {d: r["checked"] for d, r in stats["retention"].items() if r["checked"]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    recreate_database(args.url)
    setup_django(args.url)
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from jobbridge.core.models import Role, User
    from jobbridge.placements.models import Application, ApplicationEvent, FollowUp
    from jobbridge.placements.selectors import panel_stats, parse_month

    load = os.getloadavg()
    today = timezone.localdate()
    fill = populate(args.applications, postings(2000), today)
    print(f"applications {Application.objects.count():,}, events {ApplicationEvent.objects.count():,}, "
          f"follow-ups {FollowUp.objects.count():,} written in {fill:.1f} s; load average {load[0]:.1f}")
    clerk = User.objects.create(username="bench-province", role=Role.BUREAU, region_id="630000")
    client = Client()
    client.force_login(clerk)
    month = f"{today:%Y-%m}"
    rows = []
    for label, region in (("Qinghai (province)", "630000"), ("Haidong (city)", "630200"), ("Ledu (county)", "630202")):
        def panel(r=region):
            response = client.get("/placements/panel/", {"region": r, "month": month})
            assert response.status_code == 200, response.content[:300]

        med, p95 = timed(panel, 20)
        rows.append((f"panel /placements/panel/ {label}", med, p95))
    stats = panel_stats(clerk, region="630200", month=month)
    first, last = parse_month(month)
    t = time.perf_counter()
    peer = naive("630200", first, last)
    peer_s = time.perf_counter() - t
    assert agrees(peer, stats), (peer, stats)
    load_end = os.getloadavg()
    print(f"Haidong {month}: hires {stats['hires']:,}, median days {stats['median_days_to_hire']}, retention "
          + ", ".join(f"{d}d {r['rate']}" for d, r in stats["retention"].items()))
    print("\n| figure | median s | p95 s | target s | peer s |\n| --- | ---: | ---: | ---: | ---: |")
    for i, (label, med, p95) in enumerate(rows):
        print(f"| {label} | {med:.3f} | {p95:.3f} | {PANEL_TARGET:.3f} | {f'{peer_s:.3f}' if i == 1 else ''} |")
    print(f"\npeer: the Haidong figures by loading every application of the city with its events and "
          f"follow-ups through the ORM and counting in Python (agrees with the panel). "
          f"load average {load[0]:.1f} → {load_end[0]:.1f}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(args.url, create=False)


if __name__ == "__main__":
    main()
