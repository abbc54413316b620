"""Benchmark: importing 100,000 transfer rows (new people registered from the rows), end to end.

    .venv/bin/python bench/transfers_import.py                    # SQLite (WAL) in a temporary var dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jb_transfers .venv/bin/python bench/transfers_import.py
                                                                  # PostgreSQL: drops and recreates that database

The file comes from ``transfers.scenario`` (Haidong proportions, a second transfer for every
50th person) with 3% of rows spoiled (unknown destination, future date, bad ID number), so
rejection reporting is part of the run. Target: <= 60 s. Also timed: the same file again (every
row unchanged). Peer, same run: ``transfer_enter`` per row (what the manual-entry page and the
API do), on --peer-rows rows, extrapolated to the file's size.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def fresh_database(tmp: Path) -> str:
    os.environ["JOBBRIDGE_VAR_DIR"] = str(tmp / "var")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urlparse(url)
        name = parts.path.lstrip("/")
        with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"PostgreSQL ({name})"
    os.environ.pop("DATABASE_URL", None)
    return "SQLite (WAL)"


def write_file(path: Path, rows: int) -> int:
    import xlsxwriter

    from jobbridge.transfers.scenario import HEADER
    from jobbridge.transfers.scenario import rows as scenario_rows

    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    bad = 0
    for r, row in enumerate(scenario_rows(rows, seed=99), start=1):
        if r % 33 == 0:
            bad += 1
            kind = (r // 33) % 3
            if kind == 0:
                row[3] = "999999"  # unknown destination code
            elif kind == 1:
                row[6] = future
            else:
                row[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")  # wrong check digit
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--peer-rows", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jb-transfers-") as tmp_name:
        tmp = Path(tmp_name)
        database = fresh_database(tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
        os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, skip_checks=True)
        path = tmp / "transfers.xlsx"
        t = time.perf_counter()
        bad = write_file(path, args.rows)
        generated = time.perf_counter() - t
        from jobbridge.imports.services import import_job_create, import_job_run
        from jobbridge.transfers import selectors, services

        def run():
            started, cpu = time.perf_counter(), time.process_time()
            with open(path, "rb") as f:
                job = import_job_create(actor=None, kind="transfers", source=f, original_name=path.name)
            job = import_job_run(job=job)
            return time.perf_counter() - started, time.process_time() - cpu, job.summary

        load = os.getloadavg()
        first_s, first_cpu, first = run()
        second_s, second_cpu, second = run()
        report = selectors.monthly_report("630200", 202301)
        # Peer: the per-row service on other people (born in other years than the file's).
        from jobbridge.core.synthetic_ids import resident_id
        from jobbridge.transfers.scenario import HAIDONG_COUNTIES, HEADER
        from jobbridge.transfers.scenario import rows as scenario_rows

        keys = [
            "name",
            "id_number",
            "hukou_region",
            "destination",
            "employer",
            "industry",
            "transferred_on",
            "channel",
        ]
        assert len(keys) == len(HEADER)
        peer_rows = [dict(zip(keys, row, strict=True)) for row in scenario_rows(args.peer_rows, seed=5)]
        for i, raw in enumerate(peer_rows):
            raw["id_number"] = resident_id(
                HAIDONG_COUNTIES[raw["hukou_region"]],
                dt.date(2001, 1, 1) + dt.timedelta(days=i // 1000),
                i % 1000,
            )
        started = time.perf_counter()
        done = 0
        for raw in peer_rows:
            try:
                services.transfer_enter(actor=None, data=raw)
                done += 1
            except Exception:  # noqa: BLE001 - a refused row still costs its time
                pass
        peer_s = time.perf_counter() - started
        load_after = os.getloadavg()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"database: {database}; file: {args.rows:,} rows ({bad:,} spoiled), generated in {generated:.1f} s")
    print(
        f"load average before {load[0]:.1f}/{load[1]:.1f}, after {load_after[0]:.1f}/{load_after[1]:.1f}; {uptime}"
    )
    print()
    # CPU seconds of this process too: on a shared machine the wall clock mostly measures the
    # neighbours (SQLite runs in this process; on PostgreSQL the server's share is not included).
    print("| figure | wall s | CPU s (this process) | rows/s (wall) | outcome | target |")
    print("| --- | ---: | ---: | ---: | --- | ---: |")
    print(
        f"| import {args.rows:,} transfer rows (new people registered) | {first_s:.1f} | {first_cpu:.1f} | "
        f"{args.rows / first_s:,.0f} | created {first['created']:,}, rejected {first['rejected']:,}, "
        f"unchanged {first['unchanged']:,} | <= 60 |"
    )
    print(
        f"| same file again | {second_s:.1f} | {second_cpu:.1f} | {args.rows / second_s:,.0f} | "
        f"created {second['created']:,}, unchanged {second['unchanged']:,}, rejected {second['rejected']:,} | |"
    )
    scaled = peer_s / max(1, len(peer_rows)) * args.rows
    print(
        f"| peer: transfer_enter per row ({len(peer_rows):,} rows, {done:,} written), scaled to {args.rows:,} | "
        f"{scaled:.1f} | | {len(peer_rows) / peer_s:,.0f} | | |"
    )
    print(
        f"\nreport after both imports: {report.person_times:,} person-times {report.by_class}, {report.persons:,} persons"
    )


if __name__ == "__main__":
    main()
