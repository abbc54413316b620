"""Background work: coding an uploaded file of titles (a thin wrapper over the service)."""

from django_tasks import task

from .models import TitleBatch
from .services import title_batch_run


@task()
def run_title_batch(batch_id: int) -> None:
    batch = TitleBatch.objects.get(pk=batch_id)
    if batch.status == TitleBatch.Status.QUEUED:  # a task delivered twice runs once
        title_batch_run(batch=batch)
