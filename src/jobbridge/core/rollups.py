"""Count tables kept in step with the rows they count, shared by placements, transfers and returns.

Each app keeps a table of counts by key (``PlacementRollup``, ``TransferRollup`` and
``TransferPerson``, ``HomecomingCount``): a model with a unique constraint over the columns
named in its ``KEY`` and an integer count column. The app's services sum what a write changes
into ``{key tuple: delta}`` and call ``add`` in the same transaction, so the counts and the rows
commit (or roll back) together. ``rebuild`` recounts a table from the rows, for a restore or
after writes that went around the services; ``stored`` and ``differences`` compare the two.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from django.db import connection, transaction
from django.db.models import Model, QuerySet

CHUNK = 500  # keys per statement: 500 x 8 columns stays far below both databases' parameter limits


def add(model: type[Model], deltas: Mapping[tuple, int], *, value: str = "n") -> None:
    """Add each delta to the row of ``model`` at its key (a tuple in ``model.KEY`` column order),
    creating the rows that do not exist yet.

    One ``INSERT ... ON CONFLICT (key) DO UPDATE SET value = value + excluded.value`` per chunk of
    keys, an atomic increment on SQLite and PostgreSQL alike, so concurrent writers never lose an
    update. Keys are sorted first: every writer takes the row locks in the same order, so two
    writers touching the same keys wait for each other instead of deadlocking (PostgreSQL inserts
    a VALUES list in its order). Zero deltas are left out. Rows brought to zero stay (callers that
    want them gone delete them). Joins the caller's transaction; opens one otherwise, so all the
    chunks land together."""
    items = sorted((k, n) for k, n in deltas.items() if n)
    if not items:
        return
    qn = connection.ops.quote_name
    table, key, count = qn(model._meta.db_table), ", ".join(qn(c) for c in model.KEY), qn(value)
    row = "(" + ", ".join(["%s"] * (len(model.KEY) + 1)) + ")"
    tail = f" ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for i in range(0, len(items), CHUNK):
            chunk = items[i : i + CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({key}, {count}) VALUES {', '.join([row] * len(chunk))}{tail}",
                [v for k, n in chunk for v in (*k, n)],
            )


def lock(*models: type[Model]) -> None:
    """Hold writers of these tables off until the transaction ends (PostgreSQL: EXCLUSIVE, so
    reads go on). On SQLite a write transaction already holds the database's single write lock."""
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


def rebuild(
    model: type[Model],
    count: Callable[[], Mapping[tuple, int]],
    *,
    rows: QuerySet | None = None,
    value: str = "n",
) -> Mapping[tuple, int]:
    """Replace the counts of ``model`` (all of them, or those of the queryset ``rows``) by
    ``count()``, a direct count from the rows. The table is locked first, so a write committing
    meanwhile is neither lost nor counted twice: it waits, then adds its delta to the new counts.
    Returns what ``count()`` gave."""
    with transaction.atomic():
        lock(model)
        counts = count()
        (model.objects.all() if rows is None else rows).delete()
        add(model, counts, value=value)
    return counts


def stored(model: type[Model], *, rows: QuerySet | None = None, value: str = "n") -> Counter:
    """The table as ``{key: count}``, rows at zero left out (as a direct count has no such key)."""
    rows = model.objects.all() if rows is None else rows
    return Counter({tuple(r[:-1]): r[-1] for r in rows.values_list(*model.KEY, value) if r[-1]})


def differences(direct: Mapping[tuple, int], kept: Mapping[tuple, int]) -> list[tuple]:
    """The keys (sorted) whose count differs between a direct count and the table; a key missing
    on one side counts as zero there."""
    keys: Iterable[tuple] = direct.keys() | kept.keys()
    return sorted(k for k in keys if direct.get(k, 0) != kept.get(k, 0))
