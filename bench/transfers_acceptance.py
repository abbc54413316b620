"""Acceptance scenario at full scale: Haidong (海东市 630200), January 2023, 117,000 transfers.

    .venv/bin/python bench/transfers_acceptance.py                 # SQLite (WAL) in a temporary var dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jb_transfers .venv/bin/python bench/transfers_acceptance.py
                                                                   # PostgreSQL: drops and recreates that database
    [--total 117000]

Writes the ledger file (``transfers.scenario``: 69,000 out of province, 22,000 within Qinghai,
26,000 nearby), imports it with `jobbridge import transfers FILE --json`, then reads the figures
from the three surfaces: the report page (/transfers/report/, as a Haidong bureau user), the
.xlsx export (/transfers/report.xlsx) and `jobbridge transfers report --json`; imports the same
file a second time and reads all three again. Exits non-zero unless every figure is exact.
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def surfaces(client) -> dict:
    """The figures as each surface shows them: (total, out, within, nearby)."""
    import python_calamine
    from django.core.management import call_command

    html = client.get("/transfers/report/", {"region": "海东市", "month": "2023-01"}).content.decode()
    row = re.search(r'<tr class="total">(.*?)</tr>', html, re.S).group(1)
    page = tuple(int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)[:4])
    sentence = re.search(r"<b>(1月[^<]*)</b>", html).group(1)
    response = client.get("/transfers/report.xlsx", {"region": "630200", "month": "2023-01"})
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    first = book.get_sheet_by_index(0).to_python()[1]
    xlsx = tuple(int(v) for v in first[3:7])
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        call_command("transfers", "report", "--region", "630200", "--month", "2023-01", "--json")
    data = json.loads(buffer.getvalue())
    cli = (
        data["person_times"],
        data["by_class"]["out_of_province"],
        data["by_class"]["within_province"],
        data["by_class"]["nearby"],
    )
    return {"page": page, "xlsx": xlsx, "cli": cli, "sentence": sentence, "persons": data["persons"]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--total", type=int, default=117_000)
    args = parser.parse_args()
    from transfers_import import fresh_database

    with tempfile.TemporaryDirectory(prefix="jb-accept-") as tmp_name:
        tmp = Path(tmp_name)
        database = fresh_database(tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
        os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        from jobbridge.core.models import Role, User
        from jobbridge.transfers.scenario import write_haidong_ledger

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0, skip_checks=True)
        user = User.objects.create_user("haidong-bureau", password="x", role=Role.BUREAU, region_id="630200")
        client = Client()
        client.force_login(user)
        path = tmp / "haidong-2023-01.xlsx"
        t = time.perf_counter()
        intended = write_haidong_ledger(path, args.total)
        timings = {"generate file": time.perf_counter() - t}
        expected = (args.total, intended["out_of_province"], intended["within_province"], intended["nearby"])
        results, ok = [], True
        for attempt in ("first import", "second import"):
            buffer = io.StringIO()
            t = time.perf_counter()
            with redirect_stdout(buffer):
                call_command("import", "transfers", str(path), "--json")
            timings[attempt] = time.perf_counter() - t
            summary = json.loads(buffer.getvalue())
            t = time.perf_counter()
            shown = surfaces(client)
            timings[f"read 3 surfaces after {attempt}"] = time.perf_counter() - t
            good = all(shown[k] == expected for k in ("page", "xlsx", "cli"))
            ok &= good
            results.append((attempt, summary, shown, good))
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"database: {database}; {uptime}")
    print(
        f"expected (person-times total, out of province, within province, nearby): {expected}; "
        f"persons in the file: {intended['persons']:,}"
    )
    print()
    print("| step | created | unchanged | rejected | page | .xlsx | CLI | exact |")
    print("| --- | ---: | ---: | ---: | --- | --- | --- | --- |")
    for attempt, summary, shown, good in results:
        print(
            f"| {attempt} | {summary['created']:,} | {summary['unchanged']:,} | {summary['rejected']:,} | "
            f"{shown['page']} | {shown['xlsx']} | {shown['cli']} | {'yes' if good else 'NO'} |"
        )
    print(
        f"\nsentence on the page: {results[-1][2]['sentence']}; persons (CLI): {results[-1][2]['persons']:,}"
    )
    print("\n| phase | seconds |\n| --- | ---: |")
    for name, secs in timings.items():
        print(f"| {name} | {secs:.1f} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
