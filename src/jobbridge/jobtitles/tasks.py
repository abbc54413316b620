"""Background work: coding an uploaded file of titles (a thin wrapper over the services).

The dependency runs one way, tasks -> services: the page stores and queues a batch through
``title_batch_submit``; the task codes it with ``services.title_batch_run``.
"""

from django.db import transaction
from django_tasks import task

from .models import TitleBatch
from .services import title_batch_create, title_batch_run


@task()
def run_title_batch(batch_id: int) -> None:
    batch = TitleBatch.objects.get(pk=batch_id)
    if batch.status == TitleBatch.Status.QUEUED:  # a task delivered twice runs once
        title_batch_run(batch=batch)


def title_batch_submit(*, actor, name: str, data: bytes, top: int = 5) -> TitleBatch:
    """``services.title_batch_create``, then the coding queued once the batch is committed."""
    batch = title_batch_create(actor=actor, name=name, data=data, top=top)
    transaction.on_commit(lambda: run_title_batch.enqueue(batch.pk))
    return batch
