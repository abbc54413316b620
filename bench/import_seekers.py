"""Benchmark: a 100,000-row seeker roster with 5% bad rows, imported end to end into a fresh database.

    .venv/bin/python bench/import_seekers.py                      # SQLite in a temporary var dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jb_imports .venv/bin/python bench/import_seekers.py
                                                                  # PostgreSQL: uses a fresh <name>_bench database

Target: <= 60 s and <= 1 GiB peak RSS. Each phase runs in its own process, so the peak RSS is the
import's own. The peer, measured in the same run, is the per-object path (``seeker_register`` per
row, as the admin or a form would save), timed on a subset and extrapolated to the full size.
"""

import argparse
import csv
import datetime as dt
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "户籍地",
    "现居住地",
    "学历",
    "所学专业",
    "技能",
    "意向职业",
    "意向工作地",
    "期望月薪",
    "可到岗日期",
    "就业状态",
    "证书",
]
BIRTHPLACES = [
    "632123",
    "632122",
    "632126",
    "632127",
    "532101",
    "522201",
]  # historical county codes, valid in the 1980s
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂"
EDUCATION = ["初中", "高中", "中专/技校", "大专", "本科", "小学"]
OCCUPATIONS = ["6-25-04-08", "4-02-01-01", "6-18-02-04", ""]
DESTINATIONS = ["无锡市", "苏州市", "东莞市", "上海市", "", "西宁市"]


def regions_sample() -> list[str]:
    with gzip.open(ROOT / "src/jobbridge/core/data/regions.csv.gz", "rt", encoding="utf-8") as f:
        return [
            r["code"]
            for r in csv.DictReader(f)
            if r["code"][:4] in ("6302", "5306", "5206") and r["level"] in ("3", "4")
        ]


def person(i: int, rng: random.Random, codes: list[str], offset: int = 0) -> list:
    from jobbridge.core.synthetic_ids import resident_id

    n = i + offset
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=n // 1000 % 9000)
    id_number = resident_id(BIRTHPLACES[n // 9_000_000 % len(BIRTHPLACES)], birth, n % 1000)
    hukou = codes[rng.randrange(len(codes))]
    return [
        rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        id_number,
        f"13{rng.randrange(10**9):09d}",
        hukou,
        hukou if rng.random() < 0.7 else codes[rng.randrange(len(codes))],
        rng.choice(EDUCATION),
        "",
        "电焊、叉车" if rng.random() < 0.2 else "",
        rng.choice(OCCUPATIONS),
        rng.choice(DESTINATIONS),
        rng.choice([3000, 4500, 6000, ""]),
        f"2024年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "未就业",
        "电工证" if rng.random() < 0.1 else "",
    ]


def spoil(row: list, i: int, first_rows: list[list]) -> list:
    """Five kinds of bad row, in turn: check digit, birth date, region, phone, duplicate in file."""
    from stdnum.cn import ric

    kind = i % 5
    if kind == 0:
        good = row[1]
        row[1] = good[:17] + ("0" if good[17] != "0" else "1")
    elif kind == 1:
        body = row[1][:6] + "19900230" + row[1][14:17]
        row[1] = body + ric.calc_check_digit(body + "0")
    elif kind == 2:
        row[3] = "不存在的县"
    elif kind == 3:
        row[2] = "1380013"
    else:
        row[1] = first_rows[i % len(first_rows)][1]
    return row


def generate(path: Path, rows: int, bad_share: float, seed: int = 7) -> int:
    import xlsxwriter

    rng = random.Random(seed)
    codes = regions_sample()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, HEADERS)
    every = round(1 / bad_share) if bad_share else 0
    first_rows, bad = [], 0
    for i in range(rows):
        row = person(i, rng, codes)
        if i < 100:
            first_rows.append(list(row))
        elif every and i % every == 0:
            row = spoil(row, bad, first_rows)
            bad += 1
        for c, value in enumerate(row):
            if value != "":
                sheet.write_string(i + 1, c, str(value))
    book.close()
    return bad


# -- phases run in child processes ---------------------------------------------------------------
def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()


def phase_import(path: str) -> dict:
    _django()
    from jobbridge.imports.services import import_job_create, import_job_run

    started = time.perf_counter()
    with open(path, "rb") as f:
        job = import_job_create(actor=None, kind="seekers", source=f, original_name=Path(path).name)
    job = import_job_run(job=job)
    seconds = time.perf_counter() - started
    s = job.summary
    return {
        "seconds": seconds,
        **{k: s[k] for k in ("rows", "created", "updated", "unchanged", "rejected")},
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "status": job.status,
    }


def phase_peer(rows: int) -> dict:
    _django()
    from jobbridge.people.services import seeker_register

    rng = random.Random(11)
    codes = regions_sample()
    keys = [
        "name",
        "id_number",
        "phone",
        "hukou_region",
        "residence_region",
        "education",
        "major",
        "skills",
        "desired_occupations",
        "desired_regions",
        "expected_wage",
        "available_from",
        "employment_status",
        "certificates",
    ]
    data = [dict(zip(keys, person(i, rng, codes, offset=50_000_000), strict=True)) for i in range(rows)]
    started = time.perf_counter()
    for raw in data:
        seeker_register(actor=None, data=raw, source="import")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# -- driver --------------------------------------------------------------------------------------
def fresh_database(env: dict, tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urlparse(url)
        name = parts.path.lstrip("/") + "_bench"
        admin = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunparse(parts._replace(path="/" + name))
        return f"PostgreSQL ({name})"
    env.pop("DATABASE_URL", None)
    return "SQLite (WAL)"


def child(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.05)
    parser.add_argument("--peer-rows", type=int, default=2_000)
    parser.add_argument("--phase", choices=["import", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "import":
        print(json.dumps(phase_import(args.file)))
        return
    if args.phase == "peer":
        print(json.dumps(phase_peer(args.peer_rows)))
        return

    with tempfile.TemporaryDirectory(prefix="jb-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "JOBBRIDGE_VAR_DIR": str(tmp / "var"), "JOBBRIDGE_LOG_LEVEL": "ERROR"}
        database = fresh_database(env, tmp)
        print(f"database: {database}; preparing schema and reference data ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "jobbridge.cli", "migrate", "-v0", "--skip-checks"], env=env, check=True
        )
        roster = tmp / "seekers.xlsx"
        t0 = time.perf_counter()
        bad = generate(roster, args.rows, args.bad)
        print(
            f"roster: {args.rows:,} rows, {bad:,} bad, {roster.stat().st_size / 2**20:.1f} MiB, "
            f"generated in {time.perf_counter() - t0:.1f} s; importing ...",
            file=sys.stderr,
        )
        ours = child(env, "--phase", "import", "--file", str(roster))
        peer = child(env, "--phase", "peer", "--peer-rows", str(args.peer_rows))

    scale = args.rows / peer["rows"]
    rows_per_s = ours["rows"] / ours["seconds"]
    print()
    print(f"Seeker roster import, {args.rows:,} rows ({bad:,} bad), {database}")
    print(f"result: created {ours['created']:,}, rejected {ours['rejected']:,}, status {ours['status']}")
    print()
    print(f"| {'path':<58} | {'seconds':>9} | {'rows/s':>8} | {'peak RSS':>9} |")
    print(f"|{'-' * 60}|{'-' * 11}|{'-' * 10}|{'-' * 11}|")
    print(
        f"| {'imports (bulk, batches of 1,000), end to end':<58} | {ours['seconds']:>9.1f} | {rows_per_s:>8,.0f} "
        f"| {ours['rss_mib']:>6.0f} MiB |"
    )
    print(f"| {'target':<58} | {'<= 60':>9} | {args.rows / 60:>8,.0f} | {'<= 1 GiB':>9} |")
    label = f"peer: seeker_register per row, {peer['rows']:,} rows x {scale:.0f} (extrapolated)"
    print(
        f"| {label:<58} | {peer['seconds'] * scale:>9.1f} | {peer['rows'] / peer['seconds']:>8,.0f} "
        f"| {peer['rss_mib']:>6.0f} MiB |"
    )
    verdict = ours["seconds"] <= 60 and ours["rss_mib"] <= 1024 and ours["status"] == "done"
    print()
    print("target met" if verdict else "TARGET MISSED")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
