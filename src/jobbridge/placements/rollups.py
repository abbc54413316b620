"""The panel's rollup (``PlacementRollup``), kept in step with the pipeline by the services.

Every write that adds a history event, a hire or an answered (or cancelled) retention check
counts it here in the same transaction. The services open a ``batch()`` around their work:
the deltas of one request (a hire adds the hire, its event and the obsolete events of the
person's other applications) are summed in Python and written once at the end by
``core.rollups.add`` (an atomic, sorted upsert on SQLite and PostgreSQL). A failed request rolls
its deltas back with everything else.

``rebuild()`` recomputes the table from the rows themselves (GROUP BY in the database), for a
restore, after writes that went around the services (the demo's back-dating), or to prove
they agree (tests/placements/test_rollups.py).
"""

import datetime as dt
import threading
from collections import Counter
from contextlib import contextmanager

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from jobbridge.core import rollups as core_rollups

from .models import Application, ApplicationEvent, FollowUp, PlacementRollup, RollupKind

KEPT, GONE = "kept", "gone"
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
    core_rollups.add(PlacementRollup, deltas)


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
    return core_rollups.stored(PlacementRollup)


def rebuild() -> dict:
    """Replace the rollup by a direct count (the table locked meanwhile: see ``core.rollups.rebuild``)."""
    counts = core_rollups.rebuild(PlacementRollup, counts_from_rows)
    return {
        "rollup_rows": len([n for n in counts.values() if n]),
        "events": sum(n for k, n in counts.items() if k[2] == RollupKind.MOVE),
        "hires": sum(n for k, n in counts.items() if k[2] == RollupKind.HIRE),
        "checks": sum(n for k, n in counts.items() if k[2] == RollupKind.CHECK),
    }
