"""Row validation in worker processes, for large seeker rosters.

``clean_seeker`` and the Fernet encryption are pure CPU work per row and dominate a large
import; in a single process they leave the database idle half the time. For rosters above
``PARALLEL_MIN_ROWS`` the importer cleans the next batch in worker processes while the main
process writes the current one. Workers are forked after the region and occupation caches are
warm and the database connections are closed, so they never touch the database.
"""

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from django.db import connections
from django.utils import translation

from jobbridge.core import pii
from jobbridge.people.validation import clean_seeker

PARALLEL_MIN_ROWS = 5000
CHUNK = 250


def clean_rows(rows: list[dict], language: str | None = None) -> list[tuple]:
    """(clean, [(field, message)], id_cipher, phone_cipher) per raw row."""
    if language:
        translation.activate(language)
    out = []
    for values in rows:
        clean, errors = clean_seeker(values)
        if clean is None:
            out.append((None, [(e.field, e.message) for e in errors], None, None))
        else:
            out.append(
                (clean, [], pii.encrypt(clean.id_number), pii.encrypt(clean.phone) if clean.phone else None)
            )
    return out


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class RowCleaner:
    """Cleans batches now (in process) or later (in a pool); ``submit(...).result()`` either way."""

    def __init__(self, *, rows_expected: int):
        workers = min(4, (os.cpu_count() or 1))
        self.pool = None
        if (
            rows_expected >= PARALLEL_MIN_ROWS
            and workers > 1
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            clean_seeker(
                {"hukou_region": "110000", "desired_occupations": "-"}
            )  # warm the caches the workers inherit
            connections.close_all()
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        self.language = translation.get_language()

    def submit(self, rows: list[dict]):
        if self.pool is None:
            return _Done(clean_rows(rows))
        futures: list[Future] = [
            self.pool.submit(clean_rows, rows[i : i + CHUNK], self.language)
            for i in range(0, len(rows), CHUNK)
        ]
        return _Joined(futures)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _Joined:
    def __init__(self, futures: list[Future]):
        self.futures = futures

    def result(self) -> list:
        return [item for f in self.futures for item in f.result()]
