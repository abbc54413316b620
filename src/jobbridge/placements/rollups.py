"""The panel's rollup (``PlacementRollup``), kept in step with the pipeline by the services.

Every write that adds a history event, a hire or an answered (or cancelled) retention check
counts it here in the same transaction. The services open a ``batch()`` around their work:
the deltas of one request (a hire adds the hire, its event and the obsolete events of the
person's other applications) are summed in Python and written once at the end with
``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` (an atomic increment on SQLite and
PostgreSQL), keys sorted so two writers take the rollup row locks in the same order. A failed
request rolls its deltas back with everything else.

``rebuild()`` recomputes the table from the rows themselves (GROUP BY in the database), for a
restore, after writes that went around the services (the demo's back-dating), or to prove
they agree (tests/placements/test_rollups.py).
"""

import datetime as dt
import threading
from collections import Counter
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from .models import Application, ApplicationEvent, FollowUp, PlacementRollup, RollupKind

KEPT, GONE = "kept", "gone"
_CHUNK = 500
_local = threading.local()


def yyyymm(day: dt.date) -> int:
    return day.year * 100 + day.month


def event_key(*, at: dt.datetime, origin: str | None, to_state: str) -> tuple:
    return (yyyymm(timezone.localtime(at).date()), origin or "", RollupKind.MOVE.value, to_state, 0)


def hire_key(*, created_at: dt.datetime, hired_on: dt.date, origin: str | None) -> tuple:
    days = (hired_on - timezone.localtime(created_at).date()).days
    return (yyyymm(hired_on), origin or "", RollupKind.HIRE.value, "", days)


def check_key(*, due_on: dt.date, days: int, still_employed: bool | None, origin: str | None) -> tuple:
    return (yyyymm(due_on), origin or "", RollupKind.CHECK.value, KEPT if still_employed else GONE, days)


@contextmanager
def batch():
    """Collect the deltas of one service call; written when the outermost batch ends without an
    error (inside the caller's transaction). Nested batches join the outer one."""
    if getattr(_local, "deltas", None) is not None:
        yield _local.deltas
        return
    _local.deltas = Counter()
    try:
        yield _local.deltas
        deltas, _local.deltas = _local.deltas, None
        write(deltas)
    finally:
        _local.deltas = None


def add(key: tuple, n: int = 1) -> None:
    """Count ``n`` at ``key``: into the open batch, or straight to the table when none is open."""
    deltas = getattr(_local, "deltas", None)
    if deltas is not None:
        deltas[key] += n
    else:
        write(Counter({key: n}))


def write(deltas: Counter) -> None:
    items = sorted((k, n) for k, n in deltas.items() if n)
    if not items:
        return
    table = connection.ops.quote_name(PlacementRollup._meta.db_table)
    cols = [*PlacementRollup.KEY, "n"]
    row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(items), _CHUNK):
            chunk = items[i : i + _CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT ({', '.join(PlacementRollup.KEY)}) DO UPDATE SET n = {table}.n + excluded.n",
                [v for k, n in chunk for v in (*k, n)],
            )


def counts_from_rows() -> Counter:
    """The rollup computed directly from events, applications and follow-ups (GROUP BY in the
    database; a few thousand groups cross into Python)."""
    out: Counter = Counter()
    events = (
        ApplicationEvent.objects.order_by()
        .annotate(m=TruncMonth("at"))
        .values_list("m", "origin_region_id", "to_state")
        .annotate(n=Count("*"))
    )
    for month, origin, state, n in events:
        out[(yyyymm(month), origin or "", RollupKind.MOVE.value, state, 0)] += n
    hires = (
        Application.objects.order_by()
        .filter(hired_on__isnull=False)
        .annotate(c=TruncDate("created_at"))
        .values_list("hired_on", "c", "origin_region_id")
        .annotate(n=Count("*"))
    )
    for hired_on, created, origin, n in hires:
        out[(yyyymm(hired_on), origin or "", RollupKind.HIRE.value, "", (hired_on - created).days)] += n
    checks = (
        FollowUp.objects.order_by()
        .filter(Q(done_on__isnull=False) | Q(cancelled=True))
        .values_list("due_on", "origin_region_id", "days", "still_employed")
        .annotate(n=Count("*"))
    )
    for due_on, origin, days, still, n in checks:
        out[check_key(due_on=due_on, days=days, still_employed=still, origin=origin)] += n
    return out


def stored() -> Counter:
    return Counter(
        {
            tuple(r[:-1]): r[-1]
            for r in PlacementRollup.objects.values_list(*PlacementRollup.KEY, "n")
            if r[-1]
        }
    )


@transaction.atomic
def rebuild() -> dict:
    """Replace the rollup by a direct count. On PostgreSQL the table is locked first (EXCLUSIVE:
    reads go on, writers wait), so a hire committing meanwhile is neither lost nor counted twice;
    on SQLite the transaction already holds the single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(PlacementRollup._meta.db_table)} IN EXCLUSIVE MODE"
            )
    counts = counts_from_rows()
    PlacementRollup.objects.all().delete()
    PlacementRollup.objects.bulk_create(
        [
            PlacementRollup(**dict(zip(PlacementRollup.KEY, k, strict=True)), n=n)
            for k, n in sorted(counts.items())
            if n
        ],
        batch_size=2000,
    )
    return {
        "rollup_rows": len([n for n in counts.values() if n]),
        "events": sum(n for k, n in counts.items() if k[2] == RollupKind.MOVE),
        "hires": sum(n for k, n in counts.items() if k[2] == RollupKind.HIRE),
        "checks": sum(n for k, n in counts.items() if k[2] == RollupKind.CHECK),
    }
