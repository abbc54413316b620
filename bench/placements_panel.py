"""Benchmark: the placements dashboard panel over N applications on PostgreSQL.

    .venv/bin/python bench/placements_panel.py                      # 500,000 applications
    .venv/bin/python bench/placements_panel.py --applications 100000 --keep
    .venv/bin/python bench/placements_panel.py --keep --populate-only   # then, under the bench lock:
    flock /tmp/jb-bench.lock .venv/bin/python bench/placements_panel.py --reuse

Drops, creates and migrates jb_bench_placements (override with --url), writes N/2 seekers (hukou
in Qinghai townships and Guizhou Bijie), 2,000 postings in Wuxi and Dongguan, N applications
spread over the past year in every state (3 to 92 days from intention to hire), their history
(about 3.5 events each) and the retention follow-ups of those who arrived (done, missed or
cancelled), all with INSERT … SELECT; builds the
panel's rollup with ``rollups.rebuild()`` (what `jobbridge placements rebuild-rollups` does; the
services keep it in step afterwards); VACUUM ANALYZE; then times, for a province clerk:

- the panel fragment /placements/panel/ for Qinghai, Haidong and Ledu, this month, through the
  Django test client (it reads the rollup): median and p95 of 20 requests; target <= 300 ms
  (issue 4: "any dashboard panel p95 <= 300 ms");
- peer, same run: the same figures by the direct query the panel used before the rollup
  (``selectors.panel_stats_direct``: events by month, hires by date, checks by due date, through
  covering indexes), 20 calls each; the two must agree.
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
PATH = [
    "intention",
    "contacted",
    "interview",
    "offer",
    "hired",
    "arrived",
    "retained_30",
    "retained_90",
    "retained_180",
]


def recreate_database(url: str, create: bool = True) -> None:
    import psycopg

    u = urlparse(url)
    name = u.path.lstrip("/")
    assert name.startswith(("jb_bench", "jb_pipeline_bench")), f"refusing to drop {name!r}"
    with psycopg.connect(u._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JOBBRIDGE_VAR_DIR", "/tmp/jb-bench-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()


def postings(n: int) -> list[int]:
    from jobbridge.core.models import Region
    from jobbridge.core.synthetic_ids import credit_code
    from jobbridge.employers.models import Enterprise, Posting

    places = list(Region.objects.filter(level=3, code__startswith="3202").values_list("code", flat=True)) + [
        "441900"
    ]
    ents = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准企业{i}",
                uscc=credit_code(places[i % len(places)], i),
                region_id=places[i % len(places)],
            )
            for i in range(n // 4)
        ]
    )
    rows = Posting.objects.bulk_create(
        [
            Posting(
                enterprise=ents[i % len(ents)],
                title=f"普工{i}",
                headcount=10_000,
                work_region_id=ents[i % len(ents)].region_id,
            )
            for i in range(n)
        ]
    )
    return [p.pk for p in rows]


def populate(n: int, posting_ids: list[int], today: dt.date) -> float:
    from django.db import connection, transaction

    from jobbridge.core.models import Region

    origins = list(
        Region.objects.filter(level=4, code__startswith="63").values_list("code", flat=True)
    ) + list(Region.objects.filter(level=4, code__startswith="5205").values_list("code", flat=True)[:100])
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
            """,
            {"o": origins, "k": len(origins), "n": seekers},
        )
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
            """,
            {"s": seekers, "p": posting_ids, "k": len(posting_ids), "n": n, "today": today},
        )
        cur.execute(
            """
            INSERT INTO placements_application (id, seeker_id, posting_id, origin_region_id, state, source,
                consent_note, created_at, state_changed_at, hired_on, arrived_on, reason)
            SELECT a.id, seeker_id, posting_id, s.hukou_region_id, COALESCE(closing, (%(path)s::text[])[stage + 1]),
                   'commissioner', '',
                   a.created_at, a.created_at + (stage * 3 + (closing IS NOT NULL)::int) * interval '1 day',
                   CASE WHEN stage >= 4 THEN a.created_at::date + 3 + (a.id %% 90)::int END,
                   CASE WHEN stage >= 5 THEN a.created_at::date + 6 + (a.id %% 90)::int END,
                   CASE WHEN closing IN ('refused', 'left') THEN 'wage' ELSE '' END
            FROM bench_app a JOIN people_seeker s ON s.id = a.seeker_id
            """,
            {"path": PATH},
        )
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
            """,
            {"path": PATH},
        )
        cur.execute(
            """
            INSERT INTO placements_followup (application_id, days, due_on, responsible_region_id, done_on,
                still_employed, note, cancelled, origin_region_id)
            SELECT a.id, d, a.created_at::date + 6 + (a.id %% 90)::int + d, substr(s.hukou_region_id, 1, 6),
                   CASE WHEN done THEN a.created_at::date + 6 + (a.id %% 90)::int + d END, CASE WHEN done THEN a.stage >= 5 + k END,
                   '', cancelled, s.hukou_region_id
            FROM bench_app a JOIN people_seeker s ON s.id = a.seeker_id,
            LATERAL (VALUES (30, 1), (90, 2), (180, 3)) m(d, k),
            LATERAL (SELECT a.stage >= 5 + k OR (a.closing = 'left' AND a.stage = 4 + k) IS TRUE AS done,
                            (a.closing = 'left' AND a.stage < 4 + k) IS TRUE AS cancelled) c
            WHERE a.stage >= 5
            """,
            {"today": today},
        )
        for table in (
            "people_seeker",
            "placements_application",
            "placements_applicationevent",
            "placements_followup",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    elapsed = time.perf_counter() - start
    connection.ensure_connection()
    old = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        for table in (
            "people_seeker",
            "placements_application",
            "placements_applicationevent",
            "placements_followup",
        ):
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


def time_writes(n: int) -> None:
    """The write side: what keeping the rollup in step adds to one move (an event and one upsert)."""
    from unittest import mock

    from jobbridge.core.models import Role, User
    from jobbridge.placements import rollups
    from jobbridge.placements.models import Application
    from jobbridge.placements.services import application_move

    admin, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMIN, "is_superuser": True}
    )
    apps = list(Application.objects.filter(state="intention").order_by("pk")[: 2 * n])
    load = os.getloadavg()

    def run(batch):
        times = []
        for app in batch:
            t = time.perf_counter()
            application_move(application=app, actor=admin, to_state="contacted")
            times.append(time.perf_counter() - t)
        times.sort()
        return statistics.median(times), times[int(0.95 * (len(times) - 1))]

    with_rollup = run(apps[:n])
    with mock.patch.object(rollups, "write", lambda deltas: None):
        without = run(apps[n:])
    print(
        f"move intention → contacted, {n} each: with the rollup median {with_rollup[0] * 1000:.1f} ms, "
        f"p95 {with_rollup[1] * 1000:.1f} ms; without (peer) median {without[0] * 1000:.1f} ms, "
        f"p95 {without[1] * 1000:.1f} ms; load average {load[0]:.2f} → {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--populate-only", action="store_true", help="write the data and the rollup, time nothing"
    )
    parser.add_argument("--reuse", action="store_true", help="time a database kept by an earlier --keep run")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--month", help="YYYY-MM to time (default: this month, partly over)")
    parser.add_argument(
        "--writes",
        type=int,
        default=0,
        help="instead of the panel: time N moves (intention → contacted) through the service "
        "with the rollup kept in step, and N without it (peer); changes the data",
    )
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(args.url)
    setup_django(args.url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jobbridge.core.models import Role, User
    from jobbridge.placements import rollups
    from jobbridge.placements.models import Application, ApplicationEvent, FollowUp, PlacementRollup
    from jobbridge.placements.selectors import panel_stats, panel_stats_direct

    today = timezone.localdate()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        fill = populate(args.applications, postings(2000), today)
        t = time.perf_counter()
        rebuilt = rollups.rebuild()
        rebuild_s = time.perf_counter() - t
        connection.ensure_connection()
        old = connection.connection.autocommit
        connection.connection.autocommit = True
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {PlacementRollup._meta.db_table}")
        connection.connection.autocommit = old
        print(f"data written in {fill:.1f} s; rollup rebuilt in {rebuild_s:.1f} s: {rebuilt}")
    print(
        f"applications {Application.objects.count():,}, events {ApplicationEvent.objects.count():,}, "
        f"follow-ups {FollowUp.objects.count():,}, rollup rows {PlacementRollup.objects.count():,}"
    )
    if args.populate_only:
        return
    if args.writes:
        return time_writes(args.writes)
    clerk, _created = User.objects.get_or_create(
        username="bench-province", defaults={"role": Role.BUREAU, "region_id": "630000"}
    )
    client = Client()
    client.force_login(clerk)
    month = args.month or f"{today:%Y-%m}"
    load = os.getloadavg()
    rows = []
    for label, region in (
        ("Qinghai (province)", "630000"),
        ("Haidong (city)", "630200"),
        ("Ledu (county)", "630202"),
    ):

        def panel(r=region):
            response = client.get("/placements/panel/", {"region": r, "month": month})
            assert response.status_code == 200, response.content[:300]

        def direct(r=region):
            panel_stats_direct(clerk, region=r, month=month)

        med, p95 = timed(panel, args.runs)
        peer_med, peer_p95 = timed(direct, args.runs)
        stats = panel_stats(clerk, region=region, month=month)
        assert stats == panel_stats_direct(clerk, region=region, month=month), region
        rows.append((f"panel /placements/panel/ {label}", med, p95, peer_med, peer_p95, stats))
    load_end = os.getloadavg()
    print(
        "\n| figure | median s | p95 s | target s | peer median s | peer p95 s | moves | hires |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for label, med, p95, pmed, pp95, stats in rows:
        print(
            f"| {label} | {med:.3f} | {p95:.3f} | {PANEL_TARGET:.3f} | {pmed:.3f} | {pp95:.3f} | "
            f"{sum(stats['by_state'].values()):,} | {stats['hires']:,} |"
        )
    print(
        f"\n{month}; peer: selectors.panel_stats_direct, the direct query over events, hires and checks "
        f"(agrees with the rollup for each region). load average {load[0]:.2f} → {load_end[0]:.2f}"
    )
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(args.url, create=False)


if __name__ == "__main__":
    main()
