"""Benchmark: `jobbridge demo --seekers 1000000 --enterprises 50000` into a fresh PostgreSQL database.

    .venv/bin/python bench/demo_postgres.py                    # 1,000,000 seekers, 50,000 enterprises
    .venv/bin/python bench/demo_postgres.py --seekers 100000 --enterprises 5000 --keep

The database (default postgres://postgres@127.0.0.1:5432/jb_bench_demo) is dropped, created and
migrated first; with --keep it stays afterwards so bench/seeker_list.py can reuse it.

Target: the whole demo (about 200,000 postings, 4 per enterprise) in <= 300 s. The peer, measured
in the same run on the same empty database before the demo, is the naive Django path: model
instances and ``bulk_create`` (batches of 1,000) for a sample of seekers with their households,
priority diagnoses and M2M rows, encrypting per instance; its time is extrapolated to the full size
and labelled as such.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jb_bench_demo"
TARGET_SECONDS = 300


def recreate_database(url: str) -> None:
    import psycopg

    u = urlparse(url)
    name = u.path.lstrip("/")
    assert name.startswith(("jb_bench", "jb_demo")), f"refusing to drop {name!r}"
    admin = u._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JOBBRIDGE_VAR_DIR", "/tmp/jb-bench-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()


def peer(sample: int, seed: int) -> tuple[float, int]:
    """The naive path for ``sample`` seekers; rolled back afterwards. Returns (seconds, rows)."""
    import datetime as dt

    from django.db import connection, transaction

    from jobbridge.core import pii
    from jobbridge.core.models import Grid
    from jobbridge.demo import generate
    from jobbridge.people.models import Household, PriorityDiagnosis, Seeker

    ref = generate.Reference.load()
    plan = generate.Plan(
        sample, 0, 0, seed, dt.date.today(), ids={"seeker": 1, "household": 1, "enterprise": 1, "posting": 1}
    )
    grid_rows = generate.grids(ref, seed)
    ppl = generate.people(plan, ref, grid_rows)
    start = time.perf_counter()
    rows = 0
    with transaction.atomic():
        Grid.objects.bulk_create(
            [Grid(code=c, name=n, township_id=t) for c, n, t in grid_rows], batch_size=1000
        )
        grid_ids = dict(Grid.objects.values_list("code", "id"))
        rows += len(grid_rows)
        Household.objects.bulk_create(
            [Household(id=h, code=c, region_id=r, address=a) for h, c, r, a in ppl.households],
            batch_size=1000,
        )
        rows += len(ppl.households)
        seekers = []
        for i in range(ppl.n):
            idn, phone = ppl.id_number[i], ppl.phone[i]
            seekers.append(
                Seeker(
                    id=int(ppl.ids[i]),
                    name=ppl.name[i],
                    id_cipher=pii.encrypt(idn),
                    id_hash=pii.keyed_hash(idn),
                    id_masked=pii.mask_id_number(idn),
                    gender="M" if ppl.male[i] else "F",
                    birth_date=ppl.birth[i],
                    phone_cipher=pii.encrypt(phone) if phone else None,
                    phone_hash=pii.keyed_hash(phone) if phone else "",
                    phone_masked=pii.mask_phone(phone) if phone else "",
                    hukou_region_id=ppl.hukou[i],
                    residence_region_id=ppl.residence[i],
                    grid_id=grid_ids.get(ppl.grid_code[i]),
                    household_id=int(ppl.household[i]),
                    education=ppl.education[i],
                    major=ppl.major[i],
                    skills_text=ppl.skills[i],
                    accepts_anywhere=bool(ppl.anywhere[i]),
                    expected_wage=ppl.wage[i],
                    available_from=ppl.available[i],
                    employment_status=ppl.status[i],
                    source="demo",
                )
            )
        Seeker.objects.bulk_create(seekers, batch_size=1000)
        rows += len(seekers)
        epoch = dt.date(1970, 1, 1)
        PriorityDiagnosis.objects.bulk_create(
            [
                PriorityDiagnosis(
                    seeker_id=s,
                    criterion=c,
                    evidence=e,
                    valid_from=epoch + dt.timedelta(days=f),
                    valid_until=epoch + dt.timedelta(days=u) if u is not None else None,
                )
                for s, c, e, f, u, _by in ppl.diagnoses
            ],
            batch_size=1000,
        )
        rows += len(ppl.diagnoses)
        for fname, pairs, col in (
            ("desired_occupations", ppl.desired_occ, "occupation_id"),
            ("skill_occupations", ppl.skill_occ, "occupation_id"),
            ("desired_regions", ppl.desired_regions, "region_id"),
        ):
            through = Seeker._meta.get_field(fname).remote_field.through
            through.objects.bulk_create([through(seeker_id=s, **{col: v}) for s, v in pairs], batch_size=1000)
            rows += len(pairs)
        with connection.cursor() as cur:
            cur.execute(
                "SET CONSTRAINTS ALL IMMEDIATE"
            )  # pay the deferred foreign-key checks, as a commit would
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("BENCH_DEMO_URL", DEFAULT_URL))
    ap.add_argument("--seekers", type=int, default=1_000_000)
    ap.add_argument("--enterprises", type=int, default=50_000)
    ap.add_argument("--peer-sample", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--keep", action="store_true", help="keep the database for bench/seeker_list.py")
    args = ap.parse_args()

    load0 = os.getloadavg()
    recreate_database(args.url)
    setup_django(args.url)
    from django.core.management import call_command
    from django.db import connection

    t = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    migrate_s = time.perf_counter() - t
    print(
        f"database {urlparse(args.url).path.lstrip('/')} created and migrated in {migrate_s:.1f} s",
        flush=True,
    )

    peer_s, peer_rows = peer(args.peer_sample, args.seed + 1)
    scale = args.seekers / args.peer_sample
    print(
        f"peer: naive bulk_create of {args.peer_sample:,} seekers (+ related rows) took {peer_s:.1f} s",
        flush=True,
    )

    from jobbridge.demo import build

    t = time.perf_counter()
    timer = build.build(seekers=args.seekers, enterprises=args.enterprises, seed=args.seed, progress=True)
    total = time.perf_counter() - t  # includes the commit
    load1 = os.getloadavg()
    rows = sum(
        r
        for name, _s, r in timer.phases
        if name
        not in (
            "reference",
            "accounts",
            "generate people",
            "generate employers",
            "rebuild indexes, constraints",
            "account links",
            "drop indexes (PostgreSQL)",
        )
    )
    print()
    print(f"{'phase':<34}{'seconds':>9}{'rows':>12}{'rows/s':>12}")
    for name, secs, n in timer.phases:
        rate = f"{n / secs:,.0f}" if secs > 0 and n else ""
        print(f"{name:<34}{secs:>9.2f}{n:>12,}{rate:>12}")
    print(f"{'commit':<34}{total - timer.total:>9.2f}")
    print()
    peer_total = peer_s * scale
    print(f"{'':<58}{'seconds':>10}{'rows/s':>12}")
    print(
        f"{'figure: jobbridge demo (numpy, COPY, 2 sealing workers)':<58}{total:>10.1f}{rows / total:>12,.0f}"
    )
    print(f"{'target':<58}{'<= ' + str(TARGET_SECONDS):>10}")
    print(
        f"{f'peer: Django bulk_create, {args.peer_sample:,} seekers x{scale:,.0f} (extrapolated)':<58}"
        f"{peer_total:>10.1f}{peer_rows / peer_s:>12,.0f}"
    )
    print()
    print(
        f"seekers {args.seekers:,}, enterprises {args.enterprises:,}, rows written {rows:,}; "
        f"{'MET' if total <= TARGET_SECONDS else 'MISSED'} ({total:.0f} s vs {TARGET_SECONDS} s), "
        f"{peer_total / total:.1f}x faster than the peer"
    )
    print(
        f"machine: {os.cpu_count()} cores, load average {load0[0]:.1f} before / {load1[0]:.1f} after "
        "(shared with other work: figures are slower than on an idle machine)"
    )
    connection.close()
    if not args.keep:
        import psycopg

        u = urlparse(args.url)
        with psycopg.connect(u._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{u.path.lstrip("/")}" WITH (FORCE)')


if __name__ == "__main__":
    main()
