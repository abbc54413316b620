"""core.importing on its own: an importer of any app is a RowImporter with columns; forked row
cleaners end with the process that forked them."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jobbridge.core.importing.columns import Column
from jobbridge.core.importing.engine import RowImporter, import_file
from tests.imports.conftest import write_xlsx

ROOT = Path(__file__).resolve().parents[2]


class WordImporter(RowImporter):
    kind = "words"
    columns = (Column("word", "词", True), Column("count", "次数", kind="number"))
    batch_size = 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen: list[str] = []

    def process(self, batch, prepared, out, labels):
        for row in batch:
            if row.values["word"] == "坏":
                out.reject(row, [("word", "不要这个词")], labels)
            else:
                out.created += 1


def test_any_importer_runs_on_the_shared_loop(tmp_path):
    path = write_xlsx(
        tmp_path / "w.xlsx", ["说明"], [["词*", "次数", "备注"], ["好", "1"], ["坏"], ["也好", "3"]]
    )
    seen = []
    outcome = import_file(WordImporter, path, progress=lambda d, t: seen.append((d, t)))
    assert (outcome.rows, outcome.created, outcome.rejected) == (3, 2, 1)
    assert outcome.errors[0].message == "第4行 词*：不要这个词" and outcome.ignored_headers == ["备注"]
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert import_file(WordImporter, tmp_path / "missing.xlsx").file_error


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_row_cleaner_workers_end_with_a_killed_import(tmp_path):
    """Issue 9: a killed import left its worker processes alive."""
    script = tmp_path / "child.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, sys, time
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
            import django
            django.setup()
            from jobbridge.core.importing.parallel import RowCleaner
            cleaner = RowCleaner(sorted, rows_expected=10_000)
            assert cleaner.pool is not None
            assert cleaner.submit([3, 1, 2]).result() == [1, 2, 3]
            print(" ".join(str(p) for p in cleaner.pool._processes), flush=True)
            time.sleep(120)
            """
        )
    )
    env = {**os.environ, "JOBBRIDGE_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        workers = [int(p) for p in child.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; only its parent's reaping is left
