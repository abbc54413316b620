"""Stored match versions: write a run's lists in bulk, switch it in atomically, prune old ones,
and read or patch the current version's lists.

Readers find the current version through ``MatchRun.is_current`` in the same query as the list
(a join), so a switch is visible to the next query and never half-applied. Writes of a new
version go to rows nobody reads yet (their run is not current), so they need no locking.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from jobbridge.core.fastsql import insert_rows

from .distributed import dumps
from .models import MatchList, MatchRun

KEEP_VERSIONS = 2
WRITE_BATCH = 20_000


def current_run() -> MatchRun | None:
    return MatchRun.objects.filter(is_current=True).first()


def write_lists(
    run: MatchRun, kind: str, lists: dict[int, list], progress: Callable[[int], None] | None = None
) -> int:
    """Insert one row per owner (COPY on PostgreSQL, executemany on SQLite), in batches."""
    return write_rows(run, kind, ((owner, dumps(items)) for owner, items in lists.items()), progress)


def write_rows(
    run: MatchRun, kind: str, rows: Iterable[tuple[int, str]], progress: Callable[[int], None] | None = None
) -> int:
    """``write_lists`` for lists already encoded: (owner id, items JSON text) pairs, written
    ``WRITE_BATCH`` rows per transaction. Returns rows written."""
    batch: list[tuple] = []
    written = 0
    cols = ["run_id", "kind", "owner_id", "items", "updated_at"]
    for owner, text in rows:
        batch.append((run.pk, kind, int(owner), text, None))
        if len(batch) >= WRITE_BATCH:
            with transaction.atomic():
                insert_rows(MatchList, cols, batch)
            written += len(batch)
            batch = []
            if progress:
                progress(written)
    if batch:
        with transaction.atomic():
            insert_rows(MatchList, cols, batch)
        written += len(batch)
        if progress:
            progress(written)
    return written


def write_chunks(
    run: MatchRun,
    kind: str,
    chunks: Iterable[list[tuple[int, str]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """``write_rows`` for rows produced a chunk at a time (province-scale runs,
    ``distributed.list_chunks``), so only one chunk is held in memory. Returns rows written."""
    written = 0
    for rows in chunks:
        base = written
        written += write_rows(run, kind, rows, _shifted(progress, base) if progress else None)
    return written


def _shifted(progress: Callable[[int], None], base: int) -> Callable[[int], None]:
    """``progress`` counting on from ``base`` rows already written."""
    return lambda n: progress(base + n)


def analyze() -> None:
    """Refresh the planner's statistics of the list tables after a run's bulk write.

    Measured on the 1M-seeker world (PostgreSQL, autovacuum off, as a busy server's autovacuum
    may also lag a bulk load): with no statistics for a million fresh rows the planner's default
    estimates put the lean read statement (``lean._list_sql``) over ``jit_above_cost``, and every
    recommendation request paid ~18 ms of JIT compilation (84 req/s instead of 700). ANALYZE
    samples the table (under a second) and the estimates drop to one row."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (MatchList, MatchRun)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def switch_current(run: MatchRun) -> None:
    """Make ``run`` the served version in one transaction; the previous current one is superseded."""
    with transaction.atomic():
        # Lock the old pointer first so two switches serialise instead of both winning.
        old = list(MatchRun.objects.select_for_update().filter(is_current=True).exclude(pk=run.pk))
        MatchRun.objects.filter(pk__in=[o.pk for o in old]).update(
            is_current=False, status=MatchRun.Status.SUPERSEDED
        )
        run.is_current, run.status, run.finished_at = True, MatchRun.Status.DONE, timezone.now()
        run.save(update_fields=["is_current", "status", "finished_at"])


def prune(keep: int = KEEP_VERSIONS) -> int:
    """Drop the lists of all but the newest ``keep`` finished versions (the current one always
    stays) and of failed runs; the runs themselves stay as history. Returns rows deleted."""
    finished = list(
        MatchRun.objects.filter(status__in=[MatchRun.Status.DONE, MatchRun.Status.SUPERSEDED])
        .order_by("-version")
        .values_list("pk", "is_current")
    )
    kept = {pk for pk, _ in finished[:keep]} | {pk for pk, cur in finished if cur}
    drop = [pk for pk, _ in finished if pk not in kept]
    drop += list(MatchRun.objects.filter(status=MatchRun.Status.FAILED).values_list("pk", flat=True))
    deleted = 0
    for pk in drop:  # one run at a time keeps each DELETE's transaction bounded
        deleted += MatchList.objects.filter(run_id=pk).delete()[0]
    return deleted


def discard(run: MatchRun) -> None:
    MatchList.objects.filter(run_id=run.pk).delete()[0]


@dataclass
class StoredList:
    items: list  # [[other id, score, compact reasons], ...] best first
    as_of: object  # datetime: when the list's inputs were read (run start, or incremental update)
    run_k: int  # the run's k: a list shorter than this holds every admissible match ...
    exhaustive: bool = True  # ... unless False: a province run's posting lists hold the best of
    # the pairs its retrieval scored (approximate), so a short one says nothing about who else fits


def read_list(kind: str, owner_id: int) -> StoredList | None:
    """One owner's list in the current version, or None when no version is current.

    An owner absent from the current version (no admissible match at the time, or new since)
    reads as an empty list as of the run's start; callers compare ``as_of`` with the owner's
    ``updated_at`` to tell the two apart."""
    # The current run as ``run_id IN (subquery)``, not a filter on the joined run: without planner
    # statistics (lists written since the last ANALYZE) SQLite drove a join filtered on
    # ``matchrun.is_current`` from the list table and scanned every stored list (4.3 ms at 90,000
    # rows, growing with them); with the run id as a value the unique index (run, kind, owner)
    # finds the row on both databases (0.19 ms). Still one statement: a switch is seen whole.
    current = MatchRun.objects.filter(is_current=True).values("id")
    row = (
        MatchList.objects.filter(run_id__in=current, kind=kind, owner_id=owner_id)
        .values_list("items", "updated_at", "run__started_at", "run__parameters")
        .first()
    )
    if row is not None:
        items, updated, started, params = row
        # An incremental update (updated_at set) wrote this list exactly, whatever the run's method.
        return StoredList(
            json.loads(items),
            updated or started,
            int(params.get("k", 10)),
            exhaustive=updated is not None or not _approximate(kind, params),
        )
    run = MatchRun.objects.filter(is_current=True).values_list("started_at", "parameters").first()
    if run is None:
        return None
    return StoredList([], run[0], int(run[1].get("k", 10)), exhaustive=not _approximate(kind, run[1]))


def _approximate(kind: str, params: dict) -> bool:
    """Posting lists of a province run: kept from retrieval's candidate pairs, not every seeker."""
    return kind == "p" and (params or {}).get("method") == "province"


def put_lists(kind: str, lists: dict[int, list], run: MatchRun | None = None, as_of=None) -> int:
    """Replace owners' lists in the current version (incremental updates). Returns rows written.
    ``as_of`` is when the inputs were read (default now)."""
    run = run or current_run()
    if run is None or not lists:
        return 0
    now = as_of or timezone.now()
    with transaction.atomic():
        MatchList.objects.filter(run=run, kind=kind, owner_id__in=list(lists)).delete()
        MatchList.objects.bulk_create(
            [
                MatchList(run=run, kind=kind, owner_id=owner, items=dumps(items), updated_at=now)
                for owner, items in lists.items()
            ]
        )
    return len(lists)


def read_lists(kind: str, owner_ids: Iterable[int], run: MatchRun) -> dict[int, list]:
    rows = MatchList.objects.filter(run=run, kind=kind, owner_id__in=list(owner_ids)).values_list(
        "owner_id", "items"
    )
    return {owner: json.loads(items) for owner, items in rows}


def merge_into_lists(kind: str, additions: dict[int, list], k: int, run: MatchRun) -> int:
    """Merge items into owners' existing lists (e.g. a new posting into its candidates' lists),
    keeping each list's ``as_of``: the rest of the list is no fresher than before. Owners without
    a row get one as of the run's start. Returns rows changed."""
    if not additions:
        return 0
    rows = {
        o: (json.loads(items), updated)
        for o, items, updated in MatchList.objects.filter(
            run=run, kind=kind, owner_id__in=list(additions)
        ).values_list("owner_id", "items", "updated_at")
    }
    changed: dict[int, tuple[list, dt.datetime | None]] = {}
    for owner, new in additions.items():
        items, updated = rows.get(owner, ([], None))
        new_ids = {it[0] for it in new}
        merged = sorted([it for it in items if it[0] not in new_ids] + new, key=lambda it: (-it[1], it[0]))[
            :k
        ]
        if merged != items:
            changed[owner] = (merged, updated)
    with transaction.atomic():
        MatchList.objects.filter(run=run, kind=kind, owner_id__in=list(changed)).delete()
        MatchList.objects.bulk_create(
            [
                MatchList(run=run, kind=kind, owner_id=o, items=dumps(items), updated_at=u)
                for o, (items, u) in changed.items()
            ]
        )
    return len(changed)
