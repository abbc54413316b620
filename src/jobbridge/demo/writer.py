"""Bulk writes for the demo: COPY on PostgreSQL, executemany in big batches on SQLite.

Both run inside the caller's transaction on Django's own connection, so a failure leaves nothing.
Rows are tuples of plain values (str, int, bool, bytes, None); dates and timestamps arrive as
strings already formatted for the backend (see ``Formats``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice

from django.db import connection


class Formats:
    """How the current backend wants timestamps written as text."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        # SQLite: Django keeps naive UTC text; PostgreSQL: timestamptz needs the offset.
        self.ts_suffix = "+00" if self.postgres else ""

    def timestamps(self, seconds) -> list[str]:
        import numpy as np

        text = np.asarray(seconds, dtype="datetime64[s]").astype(str)
        suffix = self.ts_suffix
        return [t.replace("T", " ") + suffix for t in text.tolist()]


def write(
    table: str,
    columns: list[str],
    rows: Iterable[tuple],
    *,
    progress: Callable[[int], None] | None = None,
    batch: int = 20_000,
) -> int:
    """Insert ``rows`` into ``table``; returns the number written."""
    connection.ensure_connection()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cur:
            with cur.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
                    count += 1
                    if progress and count % batch == 0:
                        progress(batch)
        if progress:
            progress(count % batch)
        return count
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})"
    raw = connection.connection
    it = iter(rows)
    while True:
        chunk = list(islice(it, batch))
        if not chunk:
            break
        raw.executemany(sql, chunk)
        count += len(chunk)
        if progress:
            progress(len(chunk))
    return count


def write_text(
    table: str, columns: list[str], blocks: Iterable[bytes], *, progress: Callable[[], None] | None = None
) -> int:
    """PostgreSQL only: stream ready-made COPY text blocks (one row per line); returns the row count."""
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        with cur.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
            for block in blocks:
                copy.write(block)
                count += block.count(b"\n")
                if progress:
                    progress()
    return count


def next_id(table: str) -> int:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {qn(table)}")
        (value,) = cur.fetchone()
    return (value or 0) + 1


def sync_sequence(table: str) -> None:
    """After writing explicit ids, move PostgreSQL's sequence past them (SQLite tracks it itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM "
            + connection.ops.quote_name(table)
            + "), 1))",
            [table],
        )


def drop_indexes(tables: list[str]) -> list[tuple[str, str, str]]:
    """On PostgreSQL, drop the secondary indexes and the foreign-key and unique constraints of
    ``tables`` for the duration of a bulk load and rebuild them afterwards (what pg_restore does).

    Loading a million rows into a table with a dozen indexes and deferred foreign-key triggers is
    several times slower than loading it bare and building each index once with a sort. Everything
    happens inside the caller's transaction, so a failure restores the schema with the rollback.
    The tables are locked (ACCESS EXCLUSIVE) until the transaction ends. Returns what was dropped,
    for ``restore_indexes``.
    """
    if connection.vendor != "postgresql":
        return []
    saved: list[tuple[str, str, str]] = []  # (table, kind, definition)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # Fire the deferred foreign-key checks queued so far (e.g. the accounts just created): a
        # table with pending trigger events cannot be altered.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [table],
            )
            for name, definition in cur.fetchall():
                saved.append((table, "constraint", f"ADD CONSTRAINT {qn(name)} {definition}"))
                cur.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [table],
            )
            for name, definition in cur.fetchall():
                saved.append((table, "index", definition))
                cur.execute(f"DROP INDEX {name}")
    return saved


def restore_indexes(saved: list[tuple[str, str, str]]) -> None:
    """Rebuild what ``drop_indexes`` dropped."""
    with connection.cursor() as cur:
        # Indexes first (unique ones catch duplicates), then foreign keys, which validate by a join.
        for table, kind, definition in sorted(saved, key=lambda s: s[1] != "index"):
            if kind == "index":
                cur.execute(definition)
            else:
                cur.execute(f"ALTER TABLE {qn(table)} {definition}")


def qn(name: str) -> str:
    return connection.ops.quote_name(name)
