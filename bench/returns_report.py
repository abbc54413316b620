"""Benchmark: the return-to-work report and panel over a season of N records on PostgreSQL.

    .venv/bin/python bench/returns_report.py                  # 1,000,000 records
    .venv/bin/python bench/returns_report.py --records 200000 --keep

Drops, creates and migrates jb_bench_returns (override with --url), writes N seekers and one
Homecoming each with INSERT … SELECT (origins in Haidong, Bijie, Meizhou and Dongguan; work
places in Guangdong and Wuxi; returns at 71.7% / 90.2% / 95% by class), VACUUM ANALYZE, then
rebuilds the count table (``rollups.rebuild``: the SQL bypassed the services that keep it), times:

- the report (``selectors.return_report``) for Guangdong as destination, Qinghai, a county and a
  township as origin: median and p95 of 7 runs; target <= 1 s (the province figure);
- the panel fragment /returns/panel/ through the Django test client: p95 of 20 requests;
  target <= 300 ms;
- peers, same run, for Guangdong: the same grouped queries run directly on the records (what the
  report did before the count table), and the naive report — every record of the region loaded
  through the ORM and counted in Python.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jb_bench_returns"
REPORT_TARGET, PANEL_TARGET = 1.0, 0.300


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
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()


def pairs(seed: int) -> list[tuple[str, str, str]]:
    """(origin township, destination, class) combinations the records are spread over."""
    import numpy as np

    from jobbridge.core import regions
    from jobbridge.core.models import Region

    def townships(prefix, n):
        return list(
            Region.objects.filter(level=4, code__startswith=prefix).values_list("code", flat=True)[:n]
        )

    def counties(prefix):
        return list(Region.objects.filter(level=3, code__startswith=prefix).values_list("code", flat=True))

    rng = np.random.default_rng(seed)
    gd = ["441900", *counties("4403"), *counties("4401")]
    wuxi = counties("3202")
    out = []
    for origin in townships("6302", 60) + townships("5205", 60):
        for dest in rng.choice(gd + wuxi, 8, replace=False):
            out.append((origin, str(dest)))
    for origin in townships("4414", 60):
        for dest in rng.choice(gd, 6, replace=False):
            out.append((origin, str(dest)))
    out += [(t, "441900") for t in townships("4419", 30)]
    return [(o, d, regions.classify_move(o, d)) for o, d in out]


def populate(n: int, seed: int) -> float:
    from django.db import connection, transaction

    from jobbridge.returns.seasons import season_get

    season = season_get("2026")
    combos = pairs(seed)
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
            {"o": [c[0] for c in combos], "k": len(combos), "n": n},
        )
        cur.execute(
            """
            INSERT INTO returns_homecoming (season_id, seeker_id, origin_region_id, destination_region_id,
                went_home_on, returned_on, returned_to_id, status, move_class, created_at, updated_at)
            SELECT %(s)s, g, o, d, %(f)s::date - (3 + g %% 20), r.back, CASE WHEN r.back IS NULL THEN NULL ELSE d END,
                   CASE WHEN r.back IS NULL THEN 'home' ELSE 'returned' END, m, now(), now()
            FROM (SELECT g, (%(o)s::text[])[1 + g %% %(k)s] o, (%(d)s::text[])[1 + g %% %(k)s] d,
                         (%(m)s::text[])[1 + g %% %(k)s] m FROM generate_series(1, %(n)s) g) x,
            LATERAL (SELECT CASE WHEN (g::bigint * 7919) %% 1000 < CASE m WHEN 'out_of_province' THEN 717
                                 WHEN 'within_province' THEN 902 ELSE 950 END
                            THEN %(f)s::date + (4 + (g * 31) %% 35) END AS back) r
            """,
            {
                "s": season.pk,
                "f": season.festival_date,
                "o": [c[0] for c in combos],
                "d": [c[1] for c in combos],
                "m": [c[2] for c in combos],
                "k": len(combos),
                "n": n,
            },
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('people_seeker', 'id'), %s)", [n])
    elapsed = time.perf_counter() - start
    connection.ensure_connection()
    old = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE people_seeker")
        cur.execute("VACUUM ANALYZE returns_homecoming")
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


def naive(season, region: str, side: str) -> dict:
    """The peer: every record of the region through the ORM, counted in Python."""
    from jobbridge.returns.models import Homecoming

    counts: dict = {}
    for h in Homecoming.objects.filter(season=season).in_region(region, side).iterator(chunk_size=5000):
        went, back = counts.get(h.move_class, (0, 0))
        counts[h.move_class] = (went + 1, back + (h.returned_on is not None))
    return counts


def direct_group_by(season, region: str, side: str) -> int:
    """The second peer: the report's two grouped queries run on the records themselves."""
    from django.db.models import Count

    from jobbridge.returns.models import Homecoming

    qs = Homecoming.objects.filter(season=season).in_region(region, side).order_by()
    groups = list(
        qs.values_list("origin_region_id", "destination_region_id", "move_class", "status").annotate(
            n=Count("id")
        )
    )
    list(qs.filter(returned_on__isnull=False).values_list("returned_on").annotate(n=Count("id")))
    return len(groups)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database kept by an earlier --keep run"
    )
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(args.url)
    setup_django(args.url)
    from django.core.management import call_command
    from django.test import Client

    from jobbridge.core.models import Role, User
    from jobbridge.returns import rollups
    from jobbridge.returns.models import Homecoming, HomecomingCount
    from jobbridge.returns.seasons import season_get
    from jobbridge.returns.selectors import return_report

    load = os.getloadavg()
    fill = rebuild = 0.0
    if not args.reuse:
        call_command("migrate", verbosity=0)
        fill = populate(args.records, args.seed)
        t = time.perf_counter()
        rollups.rebuild(
            season_get("2026")
        )  # the records were written by SQL, past the services that count them
        rebuild = time.perf_counter() - t
    season = season_get("2026")
    print(
        f"records: {Homecoming.objects.count():,} written in {fill:.1f} s; counts rebuilt in {rebuild:.1f} s "
        f"({HomecomingCount.objects.count():,} count rows); load average {load[0]:.1f}"
    )
    rows = []
    for label, region, side in (
        ("report, Guangdong (destination)", "440000", None),
        ("report, Qinghai (origin)", "630000", None),
        ("report, Ledu county (origin)", "630202", None),
        ("report, one township (origin)", "630202001", None),
    ):
        med, p95 = timed(lambda r=region, s=side: return_report(season=season, region=r, side=s), 7)
        rows.append((label, med, p95, REPORT_TARGET))
    gd = return_report(season=season, region="440000")
    rates = {c["code"]: c["rate"] for c in gd["by_class"]}
    admin, _new = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMIN, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)

    def panel():
        response = client.get("/returns/panel/", {"region": "440000", "season": "2026"})
        assert response.status_code == 200

    med, p95 = timed(panel, 20)
    rows.append(("panel /returns/panel/ Guangdong", med, p95, PANEL_TARGET))
    direct_med, direct_p95 = timed(lambda: direct_group_by(season, "440000", "destination"), 5)
    t = time.perf_counter()
    naive(season, "440000", "destination")
    peer = time.perf_counter() - t
    load_end = os.getloadavg()
    print(f"Guangdong rates by class: {rates}; went home {gd['totals']['went_home']:,}")
    print("\n| figure | median s | p95 s | target s | peer s |\n| --- | ---: | ---: | ---: | ---: |")
    for i, (label, med, p95, target) in enumerate(rows):
        print(f"| {label} | {med:.3f} | {p95:.3f} | {target:.3f} | {f'{peer:.3f}' if i == 0 else ''} |")
    print(f"| peer: GROUP BY over the records, Guangdong | {direct_med:.3f} | {direct_p95:.3f} | | |")
    print(
        f"\npeer s: the Guangdong report by loading every record through the ORM and counting in Python "
        f"({gd['totals']['went_home']:,} records). load average {load[0]:.1f} → {load_end[0]:.1f}"
    )
    if not args.keep and not args.reuse:
        from django.db import connections

        connections.close_all()
        recreate_database(args.url, create=False)


if __name__ == "__main__":
    main()
