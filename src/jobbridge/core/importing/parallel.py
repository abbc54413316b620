"""Row validation in worker processes, for large rosters.

Cleaning and encrypting a row is pure CPU work and dominates a large import; in a single
process it leaves the database idle half the time. For rosters above ``PARALLEL_MIN_ROWS`` an
importer cleans the next batch in worker processes while the main process writes the current
one (the seeker import does). Workers are forked after the caches they need are warm and the
database connections are closed, so they never touch the database; each one ends when the
process that forked it does, so a killed import leaves no workers behind.
"""

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from django.db import connections
from django.utils import translation

PARALLEL_MIN_ROWS = 5000
CHUNK = 250
MAX_WORKERS = 4

Clean = Callable[[list], list]  # a module-level function (workers receive it by reference)


def _in_language(clean: Clean, rows: list, language: str | None) -> list:
    if language:
        translation.activate(language)
    return clean(rows)


def _end_with_parent(parent: int) -> None:
    """Worker initializer: exit as soon as the importing process is gone (a worker blocked on
    the pool's queue would otherwise wait for ever, since it holds the queue's other end)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="end-with-parent").start()


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _Joined:
    def __init__(self, futures: list[Future]):
        self.futures = futures

    def result(self) -> list:
        return [item for f in self.futures for item in f.result()]


class RowCleaner:
    """``clean``s batches now (in process) or later (in a pool); ``submit(...).result()`` either way.

    ``warm()`` runs once before the workers are forked, to fill the caches they inherit."""

    def __init__(self, clean: Clean, *, rows_expected: int, warm: Callable[[], object] | None = None):
        self.clean = clean
        workers = min(MAX_WORKERS, (os.cpu_count() or 1))
        self.pool = None
        if (
            rows_expected >= PARALLEL_MIN_ROWS
            and workers > 1
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            if warm:
                warm()
            connections.close_all()
            self.pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_end_with_parent,
                initargs=(os.getpid(),),
            )
        self.language = translation.get_language()

    def submit(self, rows: list):
        if self.pool is None:
            return _Done(self.clean(rows))
        futures: list[Future] = [
            self.pool.submit(_in_language, self.clean, rows[i : i + CHUNK], self.language)
            for i in range(0, len(rows), CHUNK)
        ]
        return _Joined(futures)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
