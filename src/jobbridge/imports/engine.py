"""The import loop shared by every roster kind: read, validate, write in locked batches, report.

Each batch is one transaction: a row lands with all its relations or not at all, and a crash
half-way leaves the batches already committed whole (the next run sees them as unchanged).
Every batch takes a per-kind lock before it looks up existing records, so two imports of the
same file at once cannot both decide "this person is new": the second waits, then finds the
first one's rows and reports them unchanged. The unique constraints on ``id_hash`` and
``uscc`` remain the last line of defence.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .models import ImportKind
from .readers import FileError, RawRow, Roster, open_roster

MAX_STORED_ERRORS = 1000  # the job keeps this many in its summary; the error workbook has them all
_LOCK_IDS = {
    ImportKind.SEEKERS: 7_301_001,
    ImportKind.ENTERPRISES: 7_301_002,
    ImportKind.POSTINGS: 7_301_003,
    ImportKind.TRANSFERS: 7_301_004,
}


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
def kind_lock(kind: str):
    """A transaction holding the import lock for ``kind`` until it commits.

    PostgreSQL: a transaction-level advisory lock. SQLite: the settings open every transaction
    with BEGIN IMMEDIATE, which already takes the database's single write lock.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_IDS[kind]])
        yield


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def importer_for(kind: str, *, actor, dry_run: bool, expected_rows: int = 0):
    from .enterprises import EnterpriseImporter
    from .postings import PostingImporter
    from .seekers import SeekerImporter
    from .transfers import TransferImporter

    classes = {
        ImportKind.SEEKERS: SeekerImporter,
        ImportKind.ENTERPRISES: EnterpriseImporter,
        ImportKind.POSTINGS: PostingImporter,
        ImportKind.TRANSFERS: TransferImporter,
    }
    if kind not in classes:
        raise FileError(_("未知的导入类型“%(k)s”") % {"k": kind})
    return classes[kind](actor=actor, dry_run=dry_run, expected_rows=expected_rows)


def import_roster(
    *,
    kind: str,
    path: str | Path,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Import one roster file; returns the outcome. File-level problems land in ``outcome.file_error``."""
    outcome = Outcome()
    try:
        roster: Roster = open_roster(path, kind)
    except FileError as e:
        outcome.file_error = e.message
        return outcome
    outcome.headers, outcome.ignored_headers = roster.headers, roster.ignored_headers
    if progress:
        progress(0, roster.total)
    importer = importer_for(kind, actor=actor, dry_run=dry_run, expected_rows=roster.total)
    try:
        # Validation of one batch overlaps with writing the one before (when the importer can).
        previous = None
        for batch in _batches(roster.rows, importer.batch_size):
            outcome.rows += len(batch)
            prepared = importer.prepare(batch)
            if previous:
                _process(importer, previous, outcome, roster, progress)
            previous = (batch, prepared)
        if previous:
            _process(importer, previous, outcome, roster, progress)
    finally:
        importer.close()
    if progress:
        progress(roster.total, roster.total)
    return outcome


def _process(importer, previous, outcome: Outcome, roster: Roster, progress) -> None:
    batch, prepared = previous
    importer.process(batch, prepared, outcome, roster.labels)
    if progress:
        progress(batch[-1].number - roster.header_row, roster.total)


class RowImporter:
    """What an importer does; the small-roster importers need only ``process``."""

    batch_size = 200

    def __init__(self, *, actor, dry_run: bool, expected_rows: int = 0):
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.dry_run = dry_run

    def prepare(self, batch: list[RawRow]):
        return None

    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass
