"""The job-base migrations keep the rows of a database migrated before them, with their meaning:
rows are written with the historical models of the schema before (the columns as they were),
then the migrations run forward and every value is read back under its new name."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("imports", "0002_alter_importjob_kind"),
    ("jobtitles", "0001_initial"),
    ("matching", "0001_initial"),
    ("notifications", "0001_initial"),
]
AFTER = [
    ("imports", "0004_importjob_error_from_summary"),
    ("jobtitles", "0003_titlebatch_total"),
    ("matching", "0002_matchrun_job_base"),
    ("notifications", "0002_deliveryrun_job_base"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_schema_before_keep_their_values_and_meaning():
    old = _migrate(BEFORE)
    now = timezone.now()
    started = now - dt.timedelta(minutes=5)
    job = old.get_model("imports", "ImportJob").objects.create(
        kind="seekers",
        original_name="a.xlsx",
        sha256="0" * 64,
        status="failed",
        done_rows=120,
        total_rows=200,
        summary={"rows": 120, "file_error": "导入中断"},
        started_at=started,
        finished_at=now,
    )
    good = old.get_model("imports", "ImportJob").objects.create(
        kind="seekers", original_name="b.xlsx", sha256="1" * 64, status="done", done_rows=2, total_rows=2
    )
    batch = old.get_model("jobtitles", "TitleBatch").objects.create(
        original_name="t.txt", titles=["保安", "电焊工", "司机"], done=2, status="running", error=""
    )
    run = old.get_model("matching", "MatchRun").objects.create(
        version=7, status="done", progress_done=1000, progress_total=1000, stage="done", started_at=started
    )
    delivery = old.get_model("notifications", "DeliveryRun").objects.create(
        status="done", done=9, total=10, counts={"sent": 9}, error="", finished_at=now
    )

    new = _migrate(AFTER)
    job_row = new.get_model("imports", "ImportJob").objects.get(pk=job.pk)
    assert (job_row.done, job_row.total, job_row.status) == (120, 200, "failed")
    assert job_row.error == "导入中断" and job_row.summary["file_error"] == "导入中断"
    assert (job_row.started_at, job_row.finished_at, job_row.heartbeat_at) == (started, now, None)
    good_row = new.get_model("imports", "ImportJob").objects.get(pk=good.pk)
    assert (good_row.done, good_row.total, good_row.error) == (2, 2, "")
    batch_row = new.get_model("jobtitles", "TitleBatch").objects.get(pk=batch.pk)
    assert (batch_row.done, batch_row.total, batch_row.status, batch_row.started_at) == (
        2,
        3,
        "running",
        None,
    )
    run_row = new.get_model("matching", "MatchRun").objects.get(pk=run.pk)
    assert (run_row.done, run_row.total, run_row.version, run_row.started_at) == (1000, 1000, 7, started)
    delivery_row = new.get_model("notifications", "DeliveryRun").objects.get(pk=delivery.pk)
    assert (delivery_row.done, delivery_row.total, delivery_row.counts) == (9, 10, {"sent": 9})

    # The data migrations are re-runnable: run again (here on rows a crash left unfilled), they
    # fill what is missing and leave the rest as it is.
    mid = _migrate([("imports", "0003_importjob_job_base"), ("jobtitles", "0002_titlebatch_job_base")])
    mid.get_model("imports", "ImportJob").objects.filter(pk=job.pk).update(error="")
    mid.get_model("jobtitles", "TitleBatch").objects.filter(pk=batch.pk).update(total=0)
    again = _migrate(AFTER)
    assert again.get_model("imports", "ImportJob").objects.get(pk=good.pk).error == ""
    assert again.get_model("imports", "ImportJob").objects.get(pk=job.pk).error == "导入中断"
    assert again.get_model("jobtitles", "TitleBatch").objects.get(pk=batch.pk).total == 3
    _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
