"""Writes: a clerk's correction of a title's occupation, remembered as an alias; a file of
titles coded in the background.

The background part runs one way, tasks -> services: ``tasks.title_batch_submit`` stores a batch
through ``title_batch_create`` and queues its coding, whose task calls ``title_batch_run``;
nothing here imports ``tasks``.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from jobbridge.core import occupations
from jobbridge.core.access import require_staff
from jobbridge.core.audit import audit
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.jobs import job_fail, job_finish, job_progress, job_start
from jobbridge.core.models import AuditEvent, Occupation, OccupationAlias
from jobbridge.jobtitles.files import read_titles
from jobbridge.jobtitles.models import TitleBatch
from jobbridge.jobtitles.normalize import normalize
from jobbridge.jobtitles.validation import check_title, check_top, title_problem


def title_alias_record(*, actor, title: str, code: str, request=None) -> OccupationAlias:
    """Remember that ``title`` means occupation ``code``: the next time the same title (as typed,
    or after its noise is stripped) is coded, ``code`` comes first. A later correction of the
    same title replaces an earlier one. Staff only; audited."""
    require_staff(actor)
    alias = normalize(check_title(title))[:128]
    occupation = Occupation.objects.filter(code=str(code or "").strip()).first()
    if occupation is None:
        raise ServiceError([FieldError("code", _("未知职业代码“%(c)s”") % {"c": code})])
    with transaction.atomic():
        # One meaning per corrected title: drop the clerk's earlier answers for it.
        replaced = list(
            OccupationAlias.objects.filter(source=OccupationAlias.Source.CLERK, alias=alias)
            .exclude(occupation=occupation)
            .values_list("occupation_id", flat=True)
        )
        OccupationAlias.objects.filter(
            source=OccupationAlias.Source.CLERK, alias=alias, occupation_id__in=replaced
        ).delete()
        row, created = OccupationAlias.objects.get_or_create(
            occupation=occupation, alias=alias, defaults={"source": OccupationAlias.Source.CLERK}
        )
        if row.source != OccupationAlias.Source.CLERK:
            # Already a CSCO alias of this code (often shared by several codes, like 司机): the
            # clerk's confirmation makes it decisive, which only the clerk overlay can express.
            row.source = OccupationAlias.Source.CLERK
            row.save(update_fields=["source"])
        audit(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=row,
            request=request,
            title=alias,
            code=occupation.code,
            replaced=replaced,
        )
    transaction.on_commit(occupations.clear_cache)
    return row


def title_batch_create(*, actor, name: str, data: bytes, top: int = 5) -> TitleBatch:
    """Store an uploaded file of titles as a queued batch (staff only). Pages queue its coding
    with ``tasks.title_batch_submit``, which calls this."""
    require_staff(actor)
    check_top(top)
    titles, blank = read_titles(data)
    batch = TitleBatch.objects.create(
        original_name=(name or "titles.txt")[:255],
        top=top,
        titles=titles,
        total=len(titles),
        skipped_blank=blank,
        created_by=actor,
    )
    return batch


def title_batch_run(*, batch: TitleBatch, chunk: int = 256) -> TitleBatch:
    """Code the batch in chunks, saving progress after each so the page's progress line moves.
    A line that cannot be coded gets an error and no suggestions; the others are kept. A batch
    no longer queued (another worker took it) is returned as it is."""
    from jobbridge.jobtitles.selectors import code_titles

    if not job_start(batch):
        return batch
    results: list[dict] = []
    try:
        for start in range(0, len(batch.titles), chunk):
            part = batch.titles[start : start + chunk]
            problems = [title_problem(t) for t in part]
            coded = iter(
                code_titles([t for t, p in zip(part, problems, strict=True) if not p], top=batch.top)
            )
            for title, problem in zip(part, problems, strict=True):
                if problem:
                    results.append({"title": title, "suggestions": [], "error": problem})
                else:
                    results.append({"title": title, "suggestions": [s.as_dict() for s in next(coded)]})
            job_progress(batch, len(results), len(batch.titles))
    except Exception as e:  # a crash leaves a readable status, not a batch stuck "running"
        job_fail(batch, str(e)[:2000])
        raise
    job_finish(batch, results=results, done=len(results))
    batch.refresh_from_db()
    return batch
