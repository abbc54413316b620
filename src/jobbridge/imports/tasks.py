"""Background work for imports: a thin wrapper so the web request returns at once."""

from django_tasks import task

from .models import ImportJob
from .services import import_job_run


@task()
def run_import_job(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status == ImportJob.Status.QUEUED:  # a task delivered twice runs once
        import_job_run(job=job)
