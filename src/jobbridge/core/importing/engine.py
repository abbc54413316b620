"""The import loop every roster importer shares: read, validate, write in locked batches, report.

An importer (a ``RowImporter`` subclass in the app that owns the records: ``people.importing``,
``employers.importing``, ``transfers.importing``, ``returns.importing``) names its columns and
decides, batch by batch, what each row means; ``import_file`` reads the file against those
columns and feeds it the batches. The upload desk (``imports``) picks the importer for a kind
from a table and keeps the job; nothing here knows any app.

Each batch is one transaction: a row lands with all its relations or not at all, and a crash
half-way leaves the batches already committed whole (the next run sees them as unchanged).
Every batch takes the importer's lock before it looks up existing records, so two imports of the
same kind at once cannot both decide "this person is new": the second waits, then finds the
first one's rows and reports them unchanged. The unique constraints on ``id_hash`` and ``uscc``
remain the last line of defence.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .columns import Column
from .readers import FileError, RawRow, Roster, open_roster

Progress = Callable[[int, int], None]


@dataclass
class RowError:
    row: int
    column: str  # the header as written in the file
    message: str  # the full sentence: "第17行 身份证号：校验位应为X"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[tuple[RawRow, list[RowError]]] = field(default_factory=list)
    file_error: str = ""
    ignored_headers: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)

    def reject(self, row: RawRow, problems: Iterable[tuple[str, str]], labels: dict[str, str]) -> None:
        found = [
            RowError(
                row.number,
                labels.get(key, key),
                _("第%(row)d行 %(col)s：%(msg)s")
                % {"row": row.number, "col": labels.get(key, key), "msg": msg},
            )
            for key, msg in problems
        ]
        self.rejected += 1
        self.errors.extend(found)
        self.rejected_rows.append((row, found))

    def summary(self, *, limit: int | None = None) -> dict:
        errors = self.errors if limit is None else self.errors[:limit]
        out = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in errors],
        }
        if limit is not None and len(self.errors) > limit:
            out["errors_truncated"] = len(self.errors) - limit
        if self.file_error:
            out["file_error"] = self.file_error
        if self.ignored_headers:
            out["ignored_columns"] = self.ignored_headers
        return out


@contextmanager
def kind_lock(lock_id: int):
    """A transaction holding the import lock ``lock_id`` (one per importer) until it commits.

    PostgreSQL: a transaction-level advisory lock. SQLite: the settings open every transaction
    with BEGIN IMMEDIATE, which already takes the database's single write lock.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
        yield


class RowImporter:
    """What an importer does; the small-roster importers need only ``process``.

    A subclass names its ``kind``, its ``columns`` and its advisory ``lock_id`` (unique across
    importers), and may take more keyword arguments than the ones here (the returns import takes
    its season)."""

    kind: str = ""
    columns: tuple[Column, ...] = ()
    lock_id: int = 0
    batch_size = 200

    def __init__(self, *, actor=None, dry_run: bool = False, expected_rows: int = 0):
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.dry_run = dry_run

    def locked(self):
        """The transaction a batch writes in, holding this importer's lock."""
        return kind_lock(self.lock_id)

    def labels(self, roster: Roster) -> dict[str, str]:
        """Field key -> the column name a row error shows (by default the header as written)."""
        return roster.labels

    def prepare(self, batch: list[RawRow]):
        """Work for ``batch`` that may run while the batch before is written (``process`` gets it)."""
        return None

    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def import_file(
    importer_class: type[RowImporter], path: str | Path, *, progress: Progress | None = None, **kwargs
) -> Outcome:
    """Import one roster file with a new ``importer_class(**kwargs)``; returns the outcome.
    File-level problems land in ``outcome.file_error``; ``progress(done, total)`` counts data rows."""
    outcome = Outcome()
    try:
        roster = open_roster(path, importer_class.columns, kind=importer_class.kind)
    except FileError as e:
        outcome.file_error = e.message
        return outcome
    outcome.headers, outcome.ignored_headers = roster.headers, roster.ignored_headers
    if progress:
        progress(0, roster.total)
    importer = importer_class(expected_rows=roster.total, **kwargs)
    labels = importer.labels(roster)
    try:
        # Validation of one batch overlaps with writing the one before (when the importer can).
        previous = None
        for batch in _batches(roster.rows, importer.batch_size):
            outcome.rows += len(batch)
            prepared = importer.prepare(batch)
            if previous:
                _process(importer, previous, outcome, roster, labels, progress)
            previous = (batch, prepared)
        if previous:
            _process(importer, previous, outcome, roster, labels, progress)
    finally:
        importer.close()
    # In file order, whichever step of its batch refused a row (checks before and after the look-ups).
    outcome.errors.sort(key=lambda e: e.row)
    outcome.rejected_rows.sort(key=lambda r: r[0].number)
    if progress:
        progress(roster.total, roster.total)
    return outcome


def _process(importer, previous, outcome: Outcome, roster: Roster, labels, progress) -> None:
    batch, prepared = previous
    importer.process(batch, prepared, outcome, labels)
    if progress:
        progress(batch[-1].number - roster.header_row, roster.total)
