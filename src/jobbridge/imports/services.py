"""Writes for import jobs: keep an upload, run it, record its outcome. Pages, CLI and the
background task all come through here; the row-level work is the importers' (each in the app
owning its records, looked up in ``kinds``), the batch loop is ``core.importing.engine``'s."""

import hashlib
import logging
import tempfile
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from jobbridge.core.access import is_staff
from jobbridge.core.audit import audit
from jobbridge.core.importing.engine import Outcome, Progress, import_file
from jobbridge.core.importing.readers import FileError
from jobbridge.core.importing.workbooks import write_error_workbook
from jobbridge.core.jobs import job_fail, job_finish, job_progress, job_start
from jobbridge.core.models import AuditEvent

from .kinds import importer_class
from .models import ImportJob, ImportKind

log = logging.getLogger(__name__)
MAX_STORED_ERRORS = 1000  # the job keeps this many in its summary; the error workbook has them all


class UploadRefused(ValueError):
    """The upload itself is refused (empty, too large, unknown kind) before any job is kept."""


def can_import(user) -> bool:
    """Only staff import: administrators, bureau staff and employment service commissioners."""
    return is_staff(user)


def import_job_create(*, actor, kind: str, source, original_name: str) -> ImportJob:
    """Keep an uploaded file (an UploadedFile or an open binary file) as a queued ImportJob."""
    if kind not in ImportKind.values:
        raise UploadRefused(_("未知的导入类型“%(k)s”") % {"k": kind})
    digest, size = hashlib.sha256(), 0
    source.seek(0)
    for chunk in iter(lambda: source.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    if size == 0:
        raise UploadRefused(_("文件为空（0字节），请重新选择文件"))
    if size > settings.IMPORT_MAX_BYTES:
        raise UploadRefused(
            _("文件过大（%(mb).1f MB），上限为%(max)d MB")
            % {"mb": size / 2**20, "max": settings.IMPORT_MAX_BYTES // 2**20}
        )
    source.seek(0)
    job = ImportJob(
        kind=kind,
        original_name=Path(original_name).name[:255],
        sha256=digest.hexdigest(),
        size=size,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    suffix = Path(original_name).suffix.lower()[:8]
    job.file.save(f"{uuid.uuid4().hex}{suffix}", File(source), save=False)
    job.save()
    return job


def import_roster(
    *,
    kind: str,
    path: str | Path,
    actor=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Import one roster file of ``kind`` with its importer; returns the outcome, keeps no job.
    File-level problems (an unknown kind included) land in ``outcome.file_error``."""
    try:
        importer = importer_class(kind)
    except FileError as e:
        return Outcome(file_error=e.message)
    return import_file(importer, path, progress=progress, actor=actor, dry_run=dry_run)


def import_job_run(*, job: ImportJob, progress=None) -> ImportJob:
    """Run a queued job to the end and record its outcome; the progress line reads done/total.
    A job no longer queued (another worker took it) is returned as it is."""
    if not job_start(job):
        return job

    def report(done: int, total: int) -> None:
        job_progress(job, done, total)  # also renews the job's lease (core.jobs.fail_stale)
        if progress:
            progress(done, total)

    try:
        with _local_copy(job) as path:
            outcome = import_roster(kind=job.kind, path=path, actor=job.created_by, progress=report)
    except Exception:
        log.exception("import job %s crashed", job.pk)
        message = _("导入中断：系统内部错误，已提交的部分保持完整，可重新上传同一文件继续")
        job_fail(job, message, summary={"file_error": message})
        raise
    if outcome.rejected_rows:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            write_error_workbook(tmp.name, outcome)
            with open(tmp.name, "rb") as fh:
                job.error_file.save(f"{uuid.uuid4().hex}.xlsx", File(fh), save=False)
    summary = outcome.summary(limit=MAX_STORED_ERRORS)
    if outcome.file_error:
        job_fail(job, outcome.file_error, summary=summary, error_file=job.error_file)
    else:
        job_finish(job, summary=summary, error_file=job.error_file)
    audit(
        actor=job.created_by,
        action=AuditEvent.Action.IMPORT,
        obj=job,
        kind=job.kind,
        file=job.original_name,
        sha256=job.sha256,
        **{
            k: v
            for k, v in outcome.summary().items()
            if k in ("rows", "created", "updated", "unchanged", "rejected")
        },
    )
    job.outcome = outcome  # for callers in the same process (the CLI prints every error)
    return job


class _local_copy:
    """The stored upload as a local path (storages other than the file system get a temporary copy)."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.tmp: IO[bytes] | None = None

    def __enter__(self) -> str:
        try:
            return self.job.file.path
        except NotImplementedError:
            tmp = self.tmp = tempfile.NamedTemporaryFile(suffix=Path(self.job.file.name or "").suffix)
            with self.job.file.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    tmp.write(chunk)
            tmp.flush()
            return tmp.name

    def __exit__(self, *exc) -> None:
        if self.tmp:
            self.tmp.close()


def import_check(*, kind: str, path, actor=None, progress=None) -> Outcome:
    """A dry run: validate and classify every row, write nothing, keep no job."""
    return import_roster(kind=kind, path=path, actor=actor, dry_run=True, progress=progress)
