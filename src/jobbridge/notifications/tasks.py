"""Background work: a thin wrapper over ``runs.run_delivery`` so a page press returns at once.

A worker (`jobbridge db_worker`) runs it; a cron line or a periodic `jobbridge notify send-due`
can do the same without the page."""

from django.db import transaction
from django_tasks import task

from .runs import run_delivery


@task()
def deliver_due_task(run_id: int | None = None) -> dict:
    return dict(run_delivery(run_id=run_id))


def deliver_soon() -> None:
    """After the current transaction commits, have a worker send what is due (a pressed
    "发送通知" should not wait for the next cron run). Concurrent runs are safe: rows are claimed."""
    transaction.on_commit(lambda: deliver_due_task.enqueue())
